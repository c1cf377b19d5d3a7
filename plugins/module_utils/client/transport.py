# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP(S) on the standard library alone: kept-alive connections, checked TLS, the environment's proxy, typed faults.

No third-party library: a module's process starts faster and smaller, and an execution environment needs nothing
beyond ansible-core. A ``Session`` keeps one connection per address for the next request when an answer was read
to its end. Every failure is a ``Fault`` that says whether the request can have reached the server.
Redirects are never followed and answers are never decoded here (``bodies.read_body`` reads them).
"""

from __future__ import annotations

import base64
import http.client
import os
import select
import socket
import ssl
import threading
import time
import zlib
from typing import Any, Dict, Mapping, Optional, Tuple, Union
from urllib.parse import unquote, urlencode, urlsplit

Verify = Union[bool, str]

# A kept connection idle for longer may have been closed by the server in the meantime: open a new one instead.
IDLE_SECONDS = 15.0
_PROXY_VARIABLES = ("https_proxy", "http_proxy", "all_proxy")


class Fault(Exception):
    """No answer. ``sent``: the request may have reached the server (a write's outcome is then unknown)."""

    sent = True

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConnectFailed(Fault):
    """No connection was made (refused, unknown host, no connection within the timeout): nothing was sent."""

    sent = False


class ConnectTimeout(ConnectFailed):
    """No connection within the timeout."""


class AnswerTimeout(Fault):
    """The request was sent and no data came within the timeout (or the whole answer not within its deadline)."""


class ConnectionLost(Fault):
    """The connection broke after the request was sent: refused mid-way, reset, closed without an answer."""


class TLSFailed(ConnectFailed):
    """The TLS handshake failed: the certificate was not trusted, or the other end does not speak TLS."""


class Unusable(Exception):
    """The request cannot be made as configured (an unreadable CA file, a proxy this transport cannot use)."""


_contexts: Dict[Verify, ssl.SSLContext] = {}
_contexts_lock = threading.Lock()


def tls_context(verify: Verify) -> ssl.SSLContext:
    """The TLS settings for ``verify`` (True: the system's CAs; a path: that CA bundle only; False: no checks).

    One per process and value: loading a CA store costs milliseconds, and an audit opens hundreds of clients.
    """
    with _contexts_lock:
        context = _contexts.get(verify)
        if context is None:
            context = _new_context(verify)
            _contexts[verify] = context
        return context


def _new_context(verify: Verify) -> ssl.SSLContext:
    if verify is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if verify is True:
        return ssl.create_default_context()
    try:
        return ssl.create_default_context(cafile=verify)
    except (OSError, ssl.SSLError) as exc:
        raise Unusable("the CA bundle %s cannot be read as PEM certificates (%s)" % (verify, exc)) from None


class Response:
    """One answer: status, headers (``header(name)``, any case) and a body to read with ``read1`` a piece at a time."""

    def __init__(self, status: int, headers: Any, stream: Any, release: Any = None) -> None:
        self.status_code = status
        self._headers = {str(name).lower(): str(value) for name, value in headers.items()}
        self._stream = stream
        self._release = release
        self._ended = False  # the body was read to its end without a fault: its connection may carry another
        # Only gzip is asked for. A gzip body may be several members one after the other.
        self._gzip = self.header("Content-Encoding").strip().lower() == "gzip"
        self._decoder: Any = None
        self._compressed = b""  # compressed bytes read but not yet inflated

    def header(self, name: str) -> str:
        return self._headers.get(name.lower(), "")

    def read1(self, size: int) -> bytes:
        """At most ``size`` bytes of the (decompressed) body from at most one socket read; b"" at its end."""
        try:
            piece = self._inflate(size) if self._gzip else self._stream.read1(size)
            if not piece:
                if getattr(self._stream, "length", None):
                    # http.client ends a body the server cut short quietly: the bytes its length promised are missing.
                    raise ConnectionLost("Connection broken: the answer ended %d bytes short of its length"
                                         % self._stream.length)
                self._ended = True
            return piece
        except socket.timeout:  # TimeoutError since Python 3.10
            raise AnswerTimeout("no data within the timeout while reading the answer") from None
        except http.client.IncompleteRead:
            raise ConnectionLost("Connection broken: the answer ended before its last chunk") from None
        except (http.client.HTTPException, OSError) as exc:
            raise ConnectionLost("Connection broken: %s" % (exc or type(exc).__name__)) from None

    def _inflate(self, size: int) -> bytes:
        # Never more than ``size`` decompressed bytes at once: a small compressed answer may inflate enormously.
        while True:
            decoder = self._decoder
            if decoder is not None and decoder.unconsumed_tail:
                data, decoder_input = b"", decoder.unconsumed_tail
            else:
                data = self._compressed or self._stream.read1(size)
                self._compressed = b""
                if not data:
                    if decoder is not None and not decoder.eof:
                        raise ConnectionLost("Connection broken: the compressed answer ends early")
                    return b""  # every member ended (or the body was empty: an empty answer)
                if decoder is None or decoder.eof:
                    decoder = self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)  # 16: the gzip wrapper
                decoder_input = data
            try:
                piece = decoder.decompress(decoder_input, size)
            except zlib.error as exc:
                raise ConnectionLost("Connection broken: the compressed answer cannot be read (%s)" % exc) from None
            if decoder.eof and decoder.unused_data:
                self._compressed = decoder.unused_data  # the next member
            if piece:
                return piece

    def close(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release(self._ended)


class Session:
    """Requests to any address, one at a time per client; connections kept for the next request when possible."""

    def __init__(self) -> None:
        self._idle: Dict[Tuple[str, str, int, Verify], Tuple[http.client.HTTPConnection, float]] = {}

    def request(self, method: str, url: str, *, headers: Mapping[str, str], timeout: float, verify: Verify,
                data: Optional[Mapping[str, str]] = None, params: Optional[Mapping[str, str]] = None) -> Response:
        """Send one request and return its answer with the body still to read (``Response.close`` when done)."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise Unusable("%s is not an http or https address" % url)
        host = parts.hostname
        port = parts.port or (443 if scheme == "https" else 80)
        target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        if params:
            target += ("&" if parts.query else "?") + urlencode(params)
        body = urlencode(data).encode("utf-8") if data is not None else None
        sent_headers = dict(headers)
        sent_headers.setdefault("Accept-Encoding", "gzip")
        if body is not None:
            sent_headers["Content-Type"] = "application/x-www-form-urlencoded"
        key = (scheme, host, port, verify)
        connection, proxy = self._connection(key, timeout)
        if proxy is not None and scheme == "http":
            target = "http://%s%s" % (parts.netloc.rsplit("@", 1)[-1], target)  # a plain proxy wants the whole URL
            sent_headers.update(_proxy_headers(proxy))
        try:
            connection.request(method, target, body=body, headers=sent_headers)
            answer = connection.getresponse()
        except socket.timeout:  # TimeoutError since Python 3.10
            connection.close()
            raise AnswerTimeout("no answer within the timeout") from None
        except http.client.RemoteDisconnected:
            connection.close()
            raise ConnectionLost("Connection aborted: Remote end closed connection without response") from None
        except (http.client.InvalidURL, ValueError) as exc:  # nothing sent: a header or address http.client refuses
            connection.close()
            raise Unusable(str(exc)) from None
        except (http.client.HTTPException, OSError) as exc:
            connection.close()
            raise ConnectionLost("Connection aborted: %s" % (exc or type(exc).__name__)) from None
        return Response(answer.status, answer.headers, answer,
                        lambda whole: self._release(key, connection, answer, whole))

    def close(self) -> None:
        for connection, _since in self._idle.values():
            connection.close()
        self._idle.clear()

    def _connection(self, key: Tuple[str, str, int, Verify],
                    timeout: float) -> Tuple[http.client.HTTPConnection, Optional[Tuple[str, int, str]]]:
        """A kept connection that is still usable, else a new one, connected; and the proxy it goes through."""
        scheme, host, port, verify = key
        proxy = proxy_for(scheme, host, port)  # before a kept connection leaves the pool: this may raise
        kept = self._idle.pop(key, None)
        if kept is not None:
            connection, since = kept
            if time.monotonic() - since < IDLE_SECONDS and _still_open(connection):
                connection.timeout = timeout
                connection.sock.settimeout(timeout)
                return connection, proxy
            connection.close()
        if proxy is None:
            connection = (http.client.HTTPSConnection(host, port, timeout=timeout, context=tls_context(verify))
                          if scheme == "https" else http.client.HTTPConnection(host, port, timeout=timeout))
        elif scheme == "https":
            connection = http.client.HTTPSConnection(proxy[0], proxy[1], timeout=timeout, context=tls_context(verify))
            connection.set_tunnel(host, port, headers=_proxy_headers(proxy))
        else:
            connection = http.client.HTTPConnection(proxy[0], proxy[1], timeout=timeout)
        _connect(connection, "%s:%d" % (host, port) if proxy is None else "the proxy %s:%d" % proxy[:2])
        return connection, proxy

    def _release(self, key: Tuple[str, str, int, Verify], connection: http.client.HTTPConnection,
                 answer: http.client.HTTPResponse, whole: bool) -> None:
        # Only a connection whose answer was read to its end without a fault, and that the server keeps open,
        # can carry another.
        keep = whole and not answer.will_close and connection.sock is not None
        answer.close()
        if not keep:
            connection.close()
            return
        previous = self._idle.get(key)
        if previous is not None:
            previous[0].close()
        self._idle[key] = (connection, time.monotonic())


def _connect(connection: http.client.HTTPConnection, where: str) -> None:
    try:
        connection.connect()
    # ssl.SSLError and socket.timeout are OSErrors; HTTPException: a proxy that answers the tunnel request with
    # something not HTTP.
    except (OSError, http.client.HTTPException) as exc:
        connection.close()
        raise _connect_fault(exc, where) from None


def _connect_fault(exc: Exception, where: str) -> Fault:
    """What a failed connect means, in words that name the address (or the proxy) and the cause."""
    if isinstance(exc, ssl.SSLError):
        return TLSFailed(str(exc))
    if isinstance(exc, socket.timeout):  # TimeoutError since Python 3.10
        return ConnectTimeout("no connection within the timeout")
    if isinstance(exc, socket.gaierror):
        return ConnectFailed("cannot resolve %s: %s" % (where.rsplit(":", 1)[0], _lower_first(exc.strerror or str(exc))))
    if isinstance(exc, http.client.HTTPException):
        return ConnectFailed("%s: no HTTP answer to the tunnel request (%s)" % (where, type(exc).__name__))
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    if "Tunnel connection failed" in text:
        text = "%s: %s" % (where, text)  # the proxy refused the tunnel (407: it wants credentials)
    return ConnectFailed(_lower_first(text))


def _still_open(connection: http.client.HTTPConnection) -> bool:
    """False when the server closed the kept connection (readable at rest means EOF or stray bytes)."""
    sock = connection.sock
    if sock is None:
        return False
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return False  # decrypted bytes nobody asked for: select() cannot see them
    try:
        readable, _w, _x = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


def proxy_for(scheme: str, host: str, port: int) -> Optional[Tuple[str, int, str]]:
    """``(host, port, credentials)`` of the proxy the environment names for this address, or None.

    Read as curl and Python read it (``https_proxy``, ``http_proxy``, ``all_proxy``, ``no_proxy``, any case);
    urllib is imported only when one of these is set.
    """
    if not any(name.lower() in _PROXY_VARIABLES for name in os.environ):
        return None
    import urllib.request  # only here: most hosts set no proxy, and it costs a module's start

    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass_environment("%s:%d" % (host, port), proxies) \
            or urllib.request.proxy_bypass_environment(host, proxies) or _in_no_proxy_networks(host, proxies):
        return None
    parts = urlsplit(proxy if "://" in proxy else "http://" + proxy)
    try:
        proxy_port = parts.port or 80
    except ValueError:  # the message would quote the credentials
        proxy_port = None
    if parts.scheme.lower() != "http" or not parts.hostname or proxy_port is None:
        raise Unusable("the proxy URL of the %s_proxy (or all_proxy) environment variable is not an http:// URL with a "
                       "host and a numeric port; only http:// proxies are supported, and special characters in its "
                       "credentials must be %%-escaped" % scheme)
    credentials = ""
    if parts.username is not None:
        credentials = "%s:%s" % (unquote(parts.username), unquote(parts.password or ""))
    return parts.hostname, proxy_port, credentials


def _in_no_proxy_networks(host: str, proxies: Dict[str, str]) -> bool:
    """True when ``host`` is an IP address inside a network ``no_proxy`` names (``10.0.0.0/8``), as requests read it."""
    networks = [entry.strip() for entry in proxies.get("no", "").split(",") if "/" in entry]
    if not networks:
        return False
    import ipaddress  # only with a network in no_proxy

    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name, not an address
    for network in networks:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue  # not a network: urllib has read it as a name already
    return False


def _proxy_headers(proxy: Optional[Tuple[str, int, str]]) -> Dict[str, str]:
    if proxy is None or not proxy[2]:
        return {}
    return {"Proxy-Authorization": "Basic " + base64.b64encode(proxy[2].encode("utf-8")).decode("ascii")}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
