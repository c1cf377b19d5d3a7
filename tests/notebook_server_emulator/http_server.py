"""A threaded HTTP(S) server: TLS handshakes in the worker threads, open connections tracked for restarts."""

from __future__ import annotations

import http.server
import socket
import ssl
import threading

from .admin_api import AdminApi
from .control_api import ControlApi
from .http_handler import EmulatorRequestHandler, shut_connection
from .request_log import RequestLog
from .site import EmulatedSite
from .site_mounts import SiteMount, SiteTable

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
        self.site = None  # the only site (an EmulatedSite, or a PortalSite); None when the process serves many
        self.sites = SiteTable()  # which site answers a path
        self.control_api = None  # what answers under /_emulator: handle(request) -> Response
        # With many sites: requests that are for none of them (logged here, answered with the web server's 404 page).
        self.unrouted_log = RequestLog()
        # Each open connection, with the name of the site its latest request was for (so a restart drops its own).
        self._connections: dict = {}
        self._connections_lock = threading.Lock()
        super().__init__(address, EmulatorRequestHandler)

    def attach_site(self, site: EmulatedSite) -> None:
        """The site is built after binding because its URLs need the port; serve only after this."""
        self.attach(site, AdminApi(site), ControlApi(site, self.control_secret))

    def attach(self, site, api, control_api) -> None:
        """Serve any emulated product (a Notebook Server, a Portal) with its API and control API."""
        self.site = site
        self.sites = SiteTable(single=SiteMount(None, site, api, control_api))
        self.control_api = control_api

    def attach_sites(self, mounts: list, control_api, unrouted_log: RequestLog) -> None:
        """Serve many sites, each under its own context; control_api answers for the process and routes to each."""
        self.site = None
        self.sites = SiteTable(mounts=mounts)
        self.control_api = control_api
        self.unrouted_log = unrouted_log

    def control_site(self, path: str):
        """The site a control call is for (its clock dates the answer); None for a call to the whole process."""
        if not self.sites.multi:
            return self.site
        return self.control_api.site_for(path)

    def note_site(self, connection, name: str | None) -> None:
        with self._connections_lock:
            if connection in self._connections:
                self._connections[connection] = name

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
            self._connections[connection] = None
        try:
            self.RequestHandlerClass(connection, client_address, self)
        except (ConnectionError, ssl.SSLError, TimeoutError):
            pass  # the client went away; nothing to answer
        finally:
            with self._connections_lock:
                self._connections.pop(connection, None)
            if connection is not request:
                try:
                    connection.close()
                except OSError:
                    pass

    def handle_error(self, request, client_address) -> None:
        if self.verbose:
            super().handle_error(request, client_address)

    def drop_connections(self, site_name: str | None = None) -> None:
        """Reset every open connection, as a restarting server does (with many sites: those of that site)."""
        with self._connections_lock:
            connections = [connection for connection, name in self._connections.items()
                           if not self.sites.multi or name == site_name]
        for connection in connections:
            shut_connection(connection)
