"""A threaded HTTP(S) server: TLS handshakes in the worker threads, open connections tracked for restarts."""

from __future__ import annotations

import http.server
import socket
import ssl
import threading

from .admin_api import AdminApi
from .control_api import ControlApi
from .http_handler import EmulatorRequestHandler, shut_connection
from .site import EmulatedSite

HANDSHAKE_TIMEOUT = 10.0


class EmulatorServer(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a hung client never keeps the process alive
    allow_reuse_address = True
    request_queue_size = 256  # benchmarks open many connections at once

    def __init__(self, address: tuple, control_secret: str, ssl_context: ssl.SSLContext | None, verbose: bool = False):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.control_secret = control_secret
        self.ssl_context = ssl_context
        self.verbose = verbose
        self.site = None  # an EmulatedSite, or a PortalSite: faults, log, restarts, secrets
        self.api = None  # what answers the emulated API: handle(request, log entry) -> Response
        self.control_api = None  # what answers under /_emulator: handle(request) -> Response
        self._connections: set = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, EmulatorRequestHandler)

    def attach_site(self, site: EmulatedSite) -> None:
        """The site is built after binding because its URLs need the port; serve only after this."""
        self.attach(site, AdminApi(site), ControlApi(site, self.control_secret))

    def attach(self, site, api, control_api) -> None:
        """Serve any emulated product (a Notebook Server, a Portal) with its API and control API."""
        self.site = site
        self.api = api
        self.control_api = control_api

    def finish_request(self, request, client_address) -> None:
        # Handshake here, in the connection's own thread, so a slow client cannot stall accept().
        connection = request
        # Headers and body leave in separate writes: without NODELAY, Nagle and delayed ACKs add 40 ms to some answers.
        try:
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        if self.ssl_context is not None:
            try:
                request.settimeout(HANDSHAKE_TIMEOUT)
                connection = self.ssl_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        with self._connections_lock:
            self._connections.add(connection)
        try:
            self.RequestHandlerClass(connection, client_address, self)
        except (ConnectionError, ssl.SSLError, TimeoutError):
            pass  # the client went away; nothing to answer
        finally:
            with self._connections_lock:
                self._connections.discard(connection)
            if connection is not request:
                try:
                    connection.close()
                except OSError:
                    pass

    def handle_error(self, request, client_address) -> None:
        if self.verbose:
            super().handle_error(request, client_address)

    def drop_connections(self) -> None:
        """Reset every open connection, as a restarting server does."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            shut_connection(connection)
