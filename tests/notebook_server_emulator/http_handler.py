"""The HTTP request handler: parse, apply faults, dispatch to the emulated or control API, log, answer."""

from __future__ import annotations

import http.server
import socket
import struct
import time
import urllib.parse

from . import answer_faults
from . import faults as fault_kinds
from . import html_pages
from .body_pacing import write_paced
from .control_api import CONTROL_PREFIX
from .http_exchange import HTML_TYPE, Request, Response

# Query keys whose presence alone means a secret travelled in the URL.
SECRET_QUERY_KEYS = ("token", "password")


def _no_linger(sock) -> None:
    # SO_LINGER 0: closing sends a RST instead of a FIN, which clients see as "connection reset".
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def reset_connection(sock) -> None:
    """Abort this request's own connection with a RST, like a crashed proxy or server."""
    try:
        _no_linger(sock)
        sock.close()
    except OSError:
        pass


def shut_connection(sock) -> None:
    """Cut another thread's connection: shutdown wakes its reader, which then closes (with a RST)."""
    try:
        _no_linger(sock)
        # The plain socket method: SSLSocket.shutdown would drop the TLS state under a live reader.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


class EmulatorRequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as clients with sessions expect
    server_version = "NotebookServerEmulator/1"
    sys_version = ""
    timeout = 120  # idle keep-alive connections go after this
    _site = None  # the site the current request is for (its clock dates the answer); None: the process's only site

    # pylint: disable=invalid-name
    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()
    # pylint: enable=invalid-name

    def log_message(self, format, *args) -> None:  # pylint: disable=redefined-builtin
        if self.server.verbose:
            super().log_message(format, *args)

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The Date header follows the emulated clock of the site asked, so a moved clock shows as a server clock skew.
        site = self._site if self._site is not None else self.server.site
        if timestamp is None and site is not None:
            timestamp = site.now_ms() / 1000.0
        return super().date_time_string(timestamp)

    def _read_body(self) -> bytes | None:
        """The request body; None when Content-Length is not a non-negative integer."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return None
        if length < 0:
            return None
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, response: Response) -> None:
        length = response.stream_length if response.stream is not None else len(response.body)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(length))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        if response.stream is not None:
            for part in response.stream():
                self.wfile.write(part)
        elif response.pace is not None:
            write_paced(self.wfile.write, response.body, *response.pace)
        else:
            self.wfile.write(response.body)

    def _handle(self) -> None:
        started = time.monotonic()
        self._site = None
        body = self._read_body()
        if body is None:
            # A real server answers 400 and closes; the body's end is unknown, so the connection cannot be reused.
            self.send_error(400, "Bad Content-Length")
            return
        request = Request.parse(self.command, self.path, self.headers, self.client_address[0], body)
        if request.path == CONTROL_PREFIX or request.path.startswith(CONTROL_PREFIX + "/"):
            self._site = self.server.control_site(request.path)
            self._send(self.server.control_api.handle(request))
            return
        mount = self.server.sites.route(request.path)
        entry = {
            "time": time.time(),
            "method": request.method,
            "path": request.path,
            "query_keys": sorted(request.query),
            "body_keys": sorted(request.form),
            "token_channel": None,
            "token_channels": [],
            "token_issuer": None,
            "secret_in_url": self._secret_in_url(request, mount),
            "referer": request.header("Referer"),
            "username": None,
            "resource": None,
            "status": None,
            "error_code": None,
            "fault": None,
            "duration_ms": None,
        }
        if self.server.sites.multi:
            # Many sites in this process: each entry says which one it was for (None: none of them).
            entry["site"] = mount.name if mount is not None else None
        if mount is not None:
            self._site = mount.site
            self.server.note_site(self.connection, mount.name)
        logged = False
        try:
            if mount is None:
                response = Response(status=404, body=html_pages.web_server_not_found_page(), content_type=HTML_TYPE)
            else:
                response = self._respond(request, entry, mount)
            if response is not None:
                entry["status"] = response.status
                # Logged before the answer leaves: a client that has its answer always finds its entry.
                self._log(entry, mount, started)
                logged = True
                self._send(response)
        finally:
            if not logged:
                self._log(entry, mount, started)

    def _log(self, entry: dict, mount, started: float) -> None:
        entry["duration_ms"] = round((time.monotonic() - started) * 1000.0, 3)
        (mount.site.log if mount is not None else self.server.unrouted_log).append(entry)

    def _secret_in_url(self, request: Request, mount) -> bool:
        if any(key in request.query for key in SECRET_QUERY_KEYS):
            return True
        target = urllib.parse.unquote_plus(request.target)
        # A request for none of the sites is checked against the secrets of all of them.
        secrets = mount.site.secrets() if mount is not None else self.server.sites.secrets()
        return any(secret in target for secret in secrets)

    def _respond(self, request: Request, entry: dict, mount) -> Response | None:
        """The response, or None when the connection was dropped instead."""
        site = mount.site
        if site.is_restarting():
            entry["fault"] = "restarting"
            return Response(status=503, body=html_pages.gateway_error_page(503), content_type=HTML_TYPE)
        fault = site.faults.take(request.path)
        kind = fault.kind if fault else None
        entry["fault"] = kind
        if kind == fault_kinds.CONNECTION_RESET:
            self._drop()
            return None
        if kind == fault_kinds.RESTART:
            site.begin_restart(fault.seconds)
            self.server.drop_connections(mount.name)
            self._drop()
            return None
        if kind == fault_kinds.HTTP_ERROR:
            return Response(status=fault.status, body=html_pages.gateway_error_page(fault.status), content_type=HTML_TYPE)
        if kind == fault_kinds.TOO_MANY_REQUESTS:
            return Response(status=fault.status, body=html_pages.gateway_error_page(fault.status), content_type=HTML_TYPE,
                            headers=[("Retry-After", str(fault.retry_after))])
        if kind == fault_kinds.LOGIN_PAGE:
            return Response(body=html_pages.login_page(site.settings.context), content_type=HTML_TYPE)
        if kind == fault_kinds.DELAY:
            time.sleep(fault.seconds)
        if kind == fault_kinds.EXPIRE_TOKENS:
            site.tokens.expire_all()
        response = mount.api.handle(request, entry)
        if fault is not None:
            answer_faults.rewrite(fault, response)
        return response

    def _drop(self) -> None:
        self.close_connection = True
        reset_connection(self.connection)
