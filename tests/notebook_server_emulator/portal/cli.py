"""Command line of the emulated Portal: build it, register federated servers, serve, print one JSON start line."""

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

from ..certificates import generate_certificates
from ..cli import _url_host
from ..control_api import CONTROL_PREFIX
from ..faults import FaultError, parse_fault_option
from ..http_server import EmulatorServer
from ..scenario import ScenarioError
from .control_api import VALIDATE_PATH, PortalControlApi
from .scenario import PortalScenario, load_portal_scenario
from .servers import ADMIN_URL_KEYS, ServerRegistrationError, spec_from_option
from .sharing_api import SharingApi
from .site import PortalSettings, PortalSite
from .tasks import TaskError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m notebook_server_emulator.portal",
                                     description="An emulated Portal for ArcGIS: tokens, federated servers, "
                                                 "scheduled notebook tasks.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7443, help="port; 0 picks a free one (default 7443)")
    parser.add_argument("--http", action="store_true", help="plain HTTP instead of HTTPS")
    parser.add_argument("--cert-dir", help="where to write the certificate files (default: a new temp dir)")
    parser.add_argument("--ca-dir", help="sign with the CA kept in this directory (made on first use)")
    parser.add_argument("--context", default="/portal", help="the Portal's path (default /portal)")
    parser.add_argument("--scenario", help="a Portal scenario file (JSON, or YAML with PyYAML)")
    parser.add_argument("--seed", type=int, default=1, help="seed for ids and fault probabilities")
    parser.add_argument("--time-scale", type=float, help="emulated seconds per real second")
    parser.add_argument("--clock-offset", type=float, metavar="SECONDS",
                        help="the emulated clock starts this far ahead of the host's (negative: behind)")
    parser.add_argument("--admin-user", default="portaladmin", help="an org_admin (default portaladmin)")
    parser.add_argument("--admin-password", help="default: random, printed in the start line")
    parser.add_argument("--user", default="nbuser", help="an org_user (default nbuser)")
    parser.add_argument("--user-password", help="default: random, printed in the start line")
    parser.add_argument("--portal-id", help="the organisation id (default 0123456789ABCDEF, as on Enterprise)")
    parser.add_argument("--portal-name", help="portals/self name (default Emulated Portal)")
    parser.add_argument("--max-token-minutes", type=int, default=20160, help="cap on generateToken expiration")
    parser.add_argument("--admin-url-key", choices=ADMIN_URL_KEYS,
                        help="how portals/self/servers spells the admin URL (default adminUrl)")
    parser.add_argument("--no-admin-public-url", action="store_true",
                        help="list servers without adminPublicUrl, as before 10.9.1")
    parser.add_argument("--no-other-servers", action="store_true",
                        help="list only Notebook Servers (default: also a hosting server and a Mission server)")
    parser.add_argument("--federated-server", action="append", default=[], metavar="STATE_FILE_OR_JSON",
                        help="an emulated Notebook Server to federate: its launcher state file or start line "
                             "(repeatable)")
    parser.add_argument("--force-runs", action="store_true",
                        help="task runs add jobs even on READ_ONLY servers (default: such a run fails)")
    parser.add_argument("--fault", action="append", default=[], metavar="SPEC",
                        help="inject a fault from the start, e.g. kind=http_503,count=2,path=generateToken")
    parser.add_argument("--control-secret", help="secret of the control API (default: random)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser


def main(argv: list | None = None) -> int:
    args = build_parser().parse_args(argv)
    stop = threading.Event()

    def on_signal(_signum, _frame) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    context = "/" + args.context.strip("/") if args.context.strip("/") else ""
    try:
        scenario = load_portal_scenario(args.scenario) if args.scenario else PortalScenario()
        extra_faults = [parse_fault_option(text) for text in args.fault]
        server_specs = [spec_from_option(text) for text in args.federated_server]
    except (OSError, ValueError, ScenarioError, FaultError) as exc:
        print("cannot load the scenario: %s" % exc, file=sys.stderr)
        return 2
    settings = PortalSettings(
        context=context, admin_username=args.admin_user,
        admin_password=args.admin_password or secrets.token_urlsafe(12), user_username=args.user,
        user_password=args.user_password or secrets.token_urlsafe(12), time_scale=args.time_scale,
        clock_offset=args.clock_offset, max_token_minutes=args.max_token_minutes, seed=args.seed, portal_id=args.portal_id,
        portal_name=args.portal_name, admin_url_key=args.admin_url_key,
        admin_public_url=False if args.no_admin_public_url else None,
        other_servers=False if args.no_other_servers else None, force_runs=args.force_runs,
        extra_faults=extra_faults,
    )
    ssl_context = None
    cert_dir, own_cert_dir = args.cert_dir, False
    if not args.http:
        if not cert_dir:
            cert_dir, own_cert_dir = tempfile.mkdtemp(prefix="portalemu-certs-"), True
        files = generate_certificates(cert_dir, extra_hosts=(args.host,) if args.host not in ("0.0.0.0", "::") else (),
                                      ca_dir=args.ca_dir)
        settings.ca_path = files.ca_path
        ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ssl_context.load_cert_chain(files.cert_path, files.key_path)
    control_secret = args.control_secret or secrets.token_urlsafe(24)
    try:
        server = EmulatorServer((args.host, args.port), control_secret, ssl_context, verbose=args.verbose)
    except OSError as exc:
        print("cannot listen on %s:%s: %s" % (args.host, args.port, exc), file=sys.stderr)
        return 3
    port = server.server_address[1]
    origin = "%s://%s:%d" % ("http" if args.http else "https", _url_host(args.host), port)
    settings.public_base = origin + context
    settings.validate_url = origin + CONTROL_PREFIX + "/" + VALIDATE_PATH
    try:
        site = PortalSite(settings, scenario)
    except (ValueError, KeyError, ScenarioError, FaultError, TaskError) as exc:
        print("cannot build the Portal: %s" % exc, file=sys.stderr)
        return 2
    control_api = PortalControlApi(site, control_secret)
    server.attach(site, SharingApi(site), control_api)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="serve", daemon=True)
    serving.start()
    try:
        # Registration tells each server about this Portal, so it happens once the Portal answers.
        for spec in server_specs:
            site.servers.register(spec, control_api.federate)
    except ServerRegistrationError as exc:
        print("cannot federate a server: %s" % exc, file=sys.stderr)
        server.shutdown()
        return 2
    site.scheduler.start()
    start_line = {
        "kind": "portal",
        "url": settings.public_base,
        "sharing_url": settings.public_base + "/sharing/rest",
        "portal_id": site.portal_id,
        "ca_path": settings.ca_path,
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
        "servers": [server_record.describe() for server_record in site.servers.all()],
        "time_scale": site.clock.time_scale,
    }
    print(json.dumps(start_line), flush=True)
    try:
        while not stop.wait(0.25):
            pass
    finally:
        site.scheduler.stop()
        server.shutdown()
        server.server_close()
        if own_cert_dir:
            shutil.rmtree(cert_dir, ignore_errors=True)
    return 0
