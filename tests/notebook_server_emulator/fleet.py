"""Start an emulated Portal with N federated emulated Notebook Servers in one go (one CA, one state file); stop them.

    python -m notebook_server_emulator.fleet start --state-file F [--servers N] [--timeout S]
        [--portal-args "OPTIONS"] [--server-args "OPTIONS"]... [--server-listing JSON]...
    python -m notebook_server_emulator.fleet stop --state-file F

The i-th --server-args / --server-listing applies to server i (a single one applies to all).
The state file holds {"portal": <start line>, "servers": [<start line + portal_server_id>], "ca_path", ...}.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shlex
import sys

from . import launch
from .portal.control import PortalControl


class FleetError(RuntimeError):
    pass


def _read(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _launch(state_file: str, options: list, timeout: float, module: str) -> dict:
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        status = launch.start(state_file, ["--port", "0"] + options, timeout, module)
    if status != 0:
        raise FleetError("cannot start %s: %s" % (module, output.getvalue().strip() or "see the log beside "
                                                  + state_file))
    line = _read(state_file)
    line["state_file"] = state_file
    return line


def _per_server(values: list, count: int, default) -> list:
    if not values:
        return [default] * count
    if len(values) == 1:
        return values * count
    if len(values) != count:
        raise FleetError("give one value for every server, or one for all (%d for %d servers)" % (len(values), count))
    return values


def start_fleet(state_file: str, servers: int = 2, portal_args: list | None = None,
                server_args: list | None = None, listings: list | None = None, timeout: float = 30.0) -> dict:
    """Start the Portal, then the servers, federate each with the Portal, write and return the fleet's state."""
    work = os.path.splitext(os.path.abspath(state_file))[0] + "-fleet"
    ca_dir = os.path.join(work, "ca")
    os.makedirs(work, exist_ok=True)
    server_args = _per_server(server_args or [], servers, [])
    listings = _per_server(listings or [], servers, {})
    started: list = []
    complete = False
    try:
        portal = _launch(os.path.join(work, "portal.json"), ["--ca-dir", ca_dir] + list(portal_args or []), timeout,
                         launch.PORTAL_MODULE)
        started.append(portal["state_file"])
        control = PortalControl.from_start_line(portal)
        members = []
        for index in range(servers):
            line = _launch(os.path.join(work, "server-%d.json" % (index + 1)), ["--ca-dir", ca_dir] + server_args[index],
                           timeout, launch.PACKAGE)
            started.append(line["state_file"])
            registered = control.register_server(state_file=line["state_file"], **listings[index])
            line["portal_server_id"] = registered["id"]
            members.append(line)
        portal["servers"] = control.servers()
        complete = True
    finally:
        if not complete:
            for member in reversed(started):
                launch.stop(member)
    fleet = {"portal": portal, "servers": members, "ca_path": portal["ca_path"], "ca_dir": ca_dir, "work_dir": work}
    tmp = state_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(fleet, handle)
    os.replace(tmp, state_file)
    return fleet


def stop_fleet(state_file: str) -> None:
    """Stop every member; harmless when they or the state file are gone."""
    try:
        fleet = _read(state_file)
    except (OSError, ValueError):
        return
    for member in list(fleet.get("servers") or []) + [fleet.get("portal") or {}]:
        if member.get("state_file"):
            launch.stop(member["state_file"])


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m notebook_server_emulator.fleet")
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--state-file", required=True)
    parser.add_argument("--servers", type=int, default=2, help="how many Notebook Servers (default 2)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each start line")
    parser.add_argument("--portal-args", default="", help="options for the Portal, as one shell-quoted string")
    parser.add_argument("--server-args", action="append", default=[],
                        help="options for a server, as one shell-quoted string (repeatable: i-th for server i)")
    parser.add_argument("--server-listing", action="append", default=[], metavar="JSON",
                        help='how the Portal lists a server, e.g. {"server_type": "ArcGIS", "server_function": '
                             '"GeoAnalytics,NotebookServer"} (repeatable: i-th for server i)')
    args = parser.parse_args(argv)
    if args.action == "stop":
        stop_fleet(args.state_file)
        return 0
    try:
        fleet = start_fleet(args.state_file, args.servers, shlex.split(args.portal_args),
                            [shlex.split(text) for text in args.server_args],
                            [json.loads(text) for text in args.server_listing], args.timeout)
    except (FleetError, ValueError, OSError, RuntimeError) as exc:
        print("fleet failed to start: %s" % exc, file=sys.stderr)
        return 1
    print(json.dumps(fleet), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
