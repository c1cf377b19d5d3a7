"""Command line: build the site from options and a scenario, serve it, print one JSON start line, stop on a signal."""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import secrets
import shutil
import signal
import ssl
import sys
import tempfile
import threading

from .admin_api import AdminApi
from .certificates import generate_certificates
from .control_api import CONTROL_PREFIX, ControlApi
from .faults import FaultError, parse_fault_option
from .http_server import EmulatorServer
from .notebook_settings import NotebookSettings
from .request_log import RequestLog
from .scenario import Scenario, ScenarioError, load_scenario
from .site import EmulatedSite, SiteSettings
from .site_mounts import SiteMount, site_names
from .sites_control_api import SitesControlApi, site_control_prefix

DEFAULT_CONTEXT = "/arcgis"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m notebook_server_emulator",
                                     description="An emulator of the ArcGIS Notebook Server administrator API.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=11443, help="port; 0 picks a free one (default 11443)")
    parser.add_argument("--http", action="store_true", help="plain HTTP instead of HTTPS")
    parser.add_argument("--cert-dir", help="where to write ca.pem, server.pem, server.key (default: a new temp dir)")
    parser.add_argument("--ca-dir", help="sign with the CA kept in this directory (made on first use), so emulators "
                                         "of a fleet share one ca_path")
    parser.add_argument("--context", help="site root path (default /arcgis; /notebooks looks like a Web Adaptor)")
    parser.add_argument("--sites", type=int, default=0, metavar="N",
                        help="serve N independent sites in this one process, under /site001 ... (each with its own "
                             "seed: --seed + its number - 1, accounts, tokens, jobs, faults, clock, log and control API)")
    parser.add_argument("--scenario", help="a scenario file (JSON, or YAML with PyYAML)")
    parser.add_argument("--generate-jobs", type=int, default=0, metavar="N", help="add N generated jobs")
    parser.add_argument("--generate-notebooks", type=int, default=0, metavar="N", help="add N generated open notebooks")
    parser.add_argument("--notebook-setting", action="append", default=[], metavar="NAME=VALUE",
                        help="a notebook setting over the scenario's, e.g. close_operations=old (repeatable)")
    parser.add_argument("--seed", type=int, default=1,
                        help="seed for generated jobs, ids and fault probabilities (with --sites: of the first site)")
    parser.add_argument("--time-scale", type=float, help="emulated seconds per real second (600: 1 s = 10 min)")
    parser.add_argument("--error-form", choices=["A", "B", "a", "b"], help="error envelope form (default B)")
    parser.add_argument("--cancelled-status", help="status a cancelled job ends with (default FAILED)")
    parser.add_argument("--admin-user", default="siteadmin")
    parser.add_argument("--admin-password", help="default: random, printed in the start line")
    parser.add_argument("--user", default="nbuser", help="a non-administrator who sees only their own jobs")
    parser.add_argument("--user-password", help="default: random, printed in the start line")
    parser.add_argument("--max-token-minutes", type=int, default=1440, help="cap on generateToken expiration")
    parser.add_argument("--expires-as-string", action="store_true", help="send generateToken's expires as a string")
    parser.add_argument("--max-num", type=int, metavar="N",
                        help="a jobs list answer holds at most N records whatever num asks (total counts all)")
    parser.add_argument("--clock-offset", type=float, metavar="SECONDS",
                        help="the emulated clock starts this far ahead of the host's (negative: behind)")
    parser.add_argument("--fault", action="append", default=[], metavar="SPEC",
                        help="inject a fault from the start, e.g. kind=http_503,count=2,path=system/jobs (repeatable)")
    parser.add_argument("--control-secret", help="secret of the control API (default: random)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return "[%s]" % host if ":" in host else host


def _notebook_settings(texts: list) -> dict:
    """`name=value` options as changes, checked now so a typo stops the start."""
    changes = {}
    for text in texts:
        if "=" not in text:
            raise ValueError("a notebook setting is NAME=VALUE, not %r" % text)
        name, value = text.split("=", 1)
        changes[name.strip()] = value.strip()
    NotebookSettings().updated(changes)
    return changes


def _site_settings(args, context: str, seed: int, extra_faults: list, notebook_settings: dict) -> SiteSettings:
    """One site's settings from the options; passwords not given are random, a new one for each site."""
    return SiteSettings(
        context=context, admin_username=args.admin_user,
        admin_password=args.admin_password or secrets.token_urlsafe(12),
        user_username=args.user, user_password=args.user_password or secrets.token_urlsafe(12),
        time_scale=args.time_scale, error_form=args.error_form.upper() if args.error_form else None,
        cancelled_status=args.cancelled_status, max_token_minutes=args.max_token_minutes,
        expires_as_string=args.expires_as_string, generate_jobs=args.generate_jobs, seed=seed,
        extra_faults=extra_faults, max_num=args.max_num, clock_offset=args.clock_offset,
        generate_notebooks=args.generate_notebooks, notebook_settings=notebook_settings,
    )


def _site_line(site: EmulatedSite, transport: dict, control_url: str) -> dict:
    """What a client of one site needs: the start line of a single-site emulator."""
    settings = site.settings
    return {
        "url": settings.public_base,
        "admin_url": settings.public_base + "/admin",
        "ca_path": transport["ca_path"],
        "cert_dir": transport["cert_dir"],
        "username": settings.admin_username,
        "password": settings.admin_password,
        "admin": {"username": settings.admin_username, "password": settings.admin_password},
        "user": {"username": settings.user_username, "password": settings.user_password},
        "control_url": control_url,
        "control_secret": transport["control_secret"],
        "pid": transport["pid"],
        "host": transport["host"],
        "port": transport["port"],
        "context": settings.context,
        "scheme": transport["scheme"],
        "jobs": site.store.count(),
        "notebooks": site.notebooks.counts(site.now_ms())[0],
        "time_scale": site.clock.time_scale,
        "error_form": site.error_form,
    }


def _describe_site(mount: SiteMount) -> dict:
    """A site among many as the control API's GET sites lists it (no secrets)."""
    site = mount.site
    origin = site.settings.public_base[:-len(site.settings.context)]
    return {"name": mount.name, "url": site.settings.public_base, "admin_url": site.settings.public_base + "/admin",
            "context": site.settings.context, "control_url": origin + site_control_prefix(mount.name),
            "seed": site.settings.seed, "jobs": site.store.count()}


def _build_sites(args, scenario: Scenario, origin: str, control_secret: str, extra_faults: list,
                 notebook_settings: dict) -> tuple:
    """(the mounts of --sites N independent sites, the process log of requests for none of them)."""
    # A scenario's seed would give every site the same jobs: it is the first site's, the others count on from it.
    first_seed = scenario.seed if scenario.seed is not None else args.seed
    sequence = itertools.count(1)
    mounts = []
    for index, name in enumerate(site_names(args.sites)):
        seed = first_seed + index
        settings = _site_settings(args, "/" + name, seed, extra_faults, notebook_settings)
        settings.public_base = origin + settings.context
        own_scenario = dataclasses.replace(scenario, seed=seed) if scenario.seed is not None else scenario
        site = EmulatedSite(settings, own_scenario, RequestLog(sequence=sequence))
        mounts.append(SiteMount(name, site, AdminApi(site), ControlApi(site, control_secret, site_control_prefix(name))))
    # Serialised now, not on each site's first request: a fleet's first pass must not pay for it.
    for mount in mounts:
        mount.site.store.warm()
    return mounts, RequestLog(sequence=sequence)


def main(argv: list | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Handlers first: a stop request during a long load must not be lost (or ignored, when
    # started in the background by a shell that ignores SIGINT for its children).
    stop = threading.Event()

    def on_signal(_signum, _frame) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if args.sites < 0:
        print("--sites must not be negative", file=sys.stderr)
        return 2
    if args.sites and args.context is not None:
        print("--sites takes no --context: each site is served under its own, /site001, /site002, ...", file=sys.stderr)
        return 2
    raw_context = args.context if args.context is not None else DEFAULT_CONTEXT
    context = "/" + raw_context.strip("/") if raw_context.strip("/") else ""
    try:
        scenario = load_scenario(args.scenario) if args.scenario else Scenario()
        extra_faults = [parse_fault_option(text) for text in args.fault]
        notebook_settings = _notebook_settings(args.notebook_setting)
    except (OSError, ValueError, ScenarioError, FaultError) as exc:
        print("cannot load the scenario: %s" % exc, file=sys.stderr)
        return 2
    ssl_context = None
    ca_path = None
    cert_dir = args.cert_dir
    own_cert_dir = False
    if not args.http:
        if not cert_dir:
            cert_dir, own_cert_dir = tempfile.mkdtemp(prefix="nbemu-certs-"), True
        files = generate_certificates(cert_dir, extra_hosts=(args.host,) if args.host not in ("0.0.0.0", "::") else (),
                                      ca_dir=args.ca_dir)
        ca_path = files.ca_path
        ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ssl_context.load_cert_chain(files.cert_path, files.key_path)
    control_secret = args.control_secret or secrets.token_urlsafe(24)
    # The site needs its public URL (results carry notebook URLs), which needs the port: bind first.
    try:
        server = EmulatorServer((args.host, args.port), control_secret, ssl_context, verbose=args.verbose)
    except OSError as exc:
        print("cannot listen on %s:%s: %s" % (args.host, args.port, exc), file=sys.stderr)
        return 3
    port = server.server_address[1]
    scheme = "http" if args.http else "https"
    origin = "%s://%s:%d" % (scheme, _url_host(args.host), port)
    transport = {"ca_path": ca_path, "cert_dir": cert_dir if ssl_context else None, "control_secret": control_secret,
                 "pid": os.getpid(), "host": args.host, "port": port, "scheme": scheme}
    try:
        if args.sites:
            mounts, unrouted_log = _build_sites(args, scenario, origin, control_secret, extra_faults, notebook_settings)
        else:
            settings = _site_settings(args, context, args.seed, extra_faults, notebook_settings)
            settings.public_base = origin + context
            site = EmulatedSite(settings, scenario)
    except (ValueError, KeyError, ScenarioError, FaultError) as exc:
        print("cannot build the site: %s" % exc, file=sys.stderr)
        return 2
    if args.sites:
        lines = {mount.name: _site_line(mount.site, transport, origin + site_control_prefix(mount.name))
                 for mount in mounts}
        server.attach_sites(mounts, SitesControlApi(mounts, control_secret, unrouted_log, _describe_site), unrouted_log)
        start_line = dict(transport, url=origin, control_url=origin + CONTROL_PREFIX, site_count=len(mounts),
                          sites=[dict(lines[mount.name], name=mount.name, seed=mount.site.settings.seed) for mount in mounts])
    else:
        server.attach_site(site)
        start_line = _site_line(site, transport, origin + CONTROL_PREFIX)
    # serve_forever in a thread: shutdown() must be called from a thread other than the serving one.
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="serve", daemon=True)
    serving.start()
    print(json.dumps(start_line), flush=True)
    try:
        while not stop.wait(0.25):
            pass
    finally:
        server.shutdown()
        server.server_close()
        if own_cert_dir:
            shutil.rmtree(cert_dir, ignore_errors=True)
    return 0
