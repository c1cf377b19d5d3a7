"""Start the emulator detached and wait for its start line; stop it again. For scripts and tests.

    python -m notebook_server_emulator.launch start --state-file F [--timeout S] [--portal] [-- emulator options]
    python -m notebook_server_emulator.launch stop --state-file F

--portal starts an emulated Portal (python -m notebook_server_emulator.portal) instead of a Notebook Server.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time

PACKAGE = "notebook_server_emulator"
PORTAL_MODULE = PACKAGE + ".portal"
STOP_GRACE_SECONDS = 5.0


def _log_path(state_file: str) -> str:
    return os.path.splitext(os.path.abspath(state_file))[0] + ".log"


def _tail(path: str, lines: int = 20) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])
    except OSError:
        return ""


def _start_line(log_path: str) -> dict | None:
    try:
        with open(log_path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                line = line.strip()
                if line.startswith("{"):
                    try:
                        document = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(document, dict) and "url" in document:
                        return document
    except OSError:
        pass
    return None


def start(state_file: str, emulator_args: list, timeout: float, module: str = PACKAGE) -> int:
    log_path = _log_path(state_file)
    tests_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [tests_dir, env.get("PYTHONPATH")]))
    with open(log_path, "wb") as log:
        # Own session (and so process group): the emulator outlives this launcher and the caller's Ctrl-C.
        process = subprocess.Popen([sys.executable, "-m", module] + emulator_args, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        document = _start_line(log_path)
        if document is not None:
            document["log_path"] = log_path
            tmp = state_file + ".tmp"
            with open(tmp, "w", encoding="utf-8") as handle:
                json.dump(document, handle)
            os.replace(tmp, state_file)
            print(json.dumps(document), flush=True)
            return 0
        if process.poll() is not None:
            break
        time.sleep(0.05)
    if process.poll() is None:
        _terminate(process.pid)
        reason = "no start line within %.0f s" % timeout
    else:
        reason = "the emulator exited with %s" % process.returncode
    print("emulator failed to start: %s; log %s:\n%s" % (reason, log_path, _tail(log_path)), file=sys.stderr)
    return 1


def _is_emulator(pid: int) -> bool:
    """Only signal a live process that is still our emulator (pids get reused)."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            cmdline = handle.read()
        with open("/proc/%d/stat" % pid, encoding="ascii", errors="replace") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z" and PACKAGE.encode("ascii") in cmdline


def _terminate(pid: int) -> None:
    for sig, wait in ((signal.SIGTERM, STOP_GRACE_SECONDS), (signal.SIGKILL, 2.0)):
        if not _is_emulator(pid):
            return
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and _is_emulator(pid):
            time.sleep(0.05)


def stop(state_file: str) -> int:
    try:
        with open(state_file, encoding="utf-8") as handle:
            pid = int(json.load(handle)["pid"])
    except (OSError, ValueError, KeyError):
        return 0  # nothing started, or already cleaned up
    _terminate(pid)
    return 0


def main(argv: list | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    emulator_args = []
    if "--" in argv:
        cut = argv.index("--")
        argv, emulator_args = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(prog="python -m notebook_server_emulator.launch")
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--state-file", required=True, help="where the start line is written (JSON)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the start line")
    parser.add_argument("--portal", action="store_true", help="start an emulated Portal instead of a Notebook Server")
    args = parser.parse_args(argv)
    if args.action == "start":
        return start(args.state_file, emulator_args, args.timeout, PORTAL_MODULE if args.portal else PACKAGE)
    return stop(args.state_file)


if __name__ == "__main__":
    raise SystemExit(main())
