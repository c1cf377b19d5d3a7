"""Command line: build the site from options and a scenario, serve it, print one JSON start line, stop on a signal."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import ssl
import sys
import tempfile
import threading

from .certificates import generate_certificates
from .control_api import CONTROL_PREFIX
from .faults import FaultError, parse_fault_option
from .http_server import EmulatorServer
from .notebook_settings import NotebookSettings
from .scenario import Scenario, ScenarioError, load_scenario
from .site import EmulatedSite, SiteSettings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m notebook_server_emulator",
                                     description="An emulator of the ArcGIS Notebook Server administrator API.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=11443, help="port; 0 picks a free one (default 11443)")
    parser.add_argument("--http", action="store_true", help="plain HTTP instead of HTTPS")
    parser.add_argument("--cert-dir", help="where to write ca.pem, server.pem, server.key (default: a new temp dir)")
    parser.add_argument("--ca-dir", help="sign with the CA kept in this directory (made on first use), so emulators "
                                         "of a fleet share one ca_path")
    parser.add_argument("--context", default="/arcgis", help="site root path (default /arcgis; /notebooks looks like a Web Adaptor)")
    parser.add_argument("--scenario", help="a scenario file (JSON, or YAML with PyYAML)")
    parser.add_argument("--generate-jobs", type=int, default=0, metavar="N", help="add N generated jobs")
    parser.add_argument("--generate-notebooks", type=int, default=0, metavar="N", help="add N generated open notebooks")
    parser.add_argument("--notebook-setting", action="append", default=[], metavar="NAME=VALUE",
                        help="a notebook setting over the scenario's, e.g. close_operations=old (repeatable)")
    parser.add_argument("--seed", type=int, default=1, help="seed for generated jobs, ids and fault probabilities")
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


def main(argv: list | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Handlers first: a stop request during a long load must not be lost (or ignored, when
    # started in the background by a shell that ignores SIGINT for its children).
    stop = threading.Event()

    def on_signal(_signum, _frame) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    context = "/" + args.context.strip("/") if args.context.strip("/") else ""
    try:
        scenario = load_scenario(args.scenario) if args.scenario else Scenario()
        extra_faults = [parse_fault_option(text) for text in args.fault]
        notebook_settings = _notebook_settings(args.notebook_setting)
    except (OSError, ValueError, ScenarioError, FaultError) as exc:
        print("cannot load the scenario: %s" % exc, file=sys.stderr)
        return 2
    settings = SiteSettings(
        context=context, admin_username=args.admin_user,
        admin_password=args.admin_password or secrets.token_urlsafe(12),
        user_username=args.user, user_password=args.user_password or secrets.token_urlsafe(12),
        time_scale=args.time_scale, error_form=args.error_form.upper() if args.error_form else None,
        cancelled_status=args.cancelled_status, max_token_minutes=args.max_token_minutes,
        expires_as_string=args.expires_as_string, generate_jobs=args.generate_jobs, seed=args.seed,
        extra_faults=extra_faults, max_num=args.max_num, clock_offset=args.clock_offset,
        generate_notebooks=args.generate_notebooks, notebook_settings=notebook_settings,
    )
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
    origin = "%s://%s:%d" % ("http" if args.http else "https", _url_host(args.host), port)
    settings.public_base = origin + context
    try:
        site = EmulatedSite(settings, scenario)
    except (ValueError, KeyError, ScenarioError, FaultError) as exc:
        print("cannot build the site: %s" % exc, file=sys.stderr)
        return 2
    server.attach_site(site)
    start_line = {
        "url": settings.public_base,
        "admin_url": settings.public_base + "/admin",
        "ca_path": ca_path,
        "cert_dir": cert_dir if ssl_context else None,
        "username": settings.admin_username,
        "password": settings.admin_password,
        "admin": {"username": settings.admin_username, "password": settings.admin_password},
        "user": {"username": settings.user_username, "password": settings.user_password},
        "control_url": origin + CONTROL_PREFIX,
        "control_secret": control_secret,
        "pid": os.getpid(),
        "host": args.host,
        "port": port,
        "context": context,
        "scheme": "http" if args.http else "https",
        "jobs": site.store.count(),
        "notebooks": site.notebooks.counts(site.now_ms())[0],
        "time_scale": site.clock.time_scale,
        "error_form": site.error_form,
    }
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
