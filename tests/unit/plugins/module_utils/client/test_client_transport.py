# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The standard-library transport against real local sockets: kept connections, gzip, faults, proxies."""

from __future__ import annotations

import base64
import gzip
import http.server
import socket
import threading
import time

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client import transport

BODY = b'{"asyncJobs": [], "total": 0}'


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        form = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("ascii")
        self.server.seen.append((self.command, self.path, dict(self.headers), form))
        behaviour = self.server.behaviour
        if behaviour == "hang":
            time.sleep(1.5)
            return
        body = self.server.body
        headers = {"Content-Type": "application/json"}
        if behaviour == "gzip_multi":
            half = len(body) // 2
            body = gzip.compress(body[:half]) + gzip.compress(body[half:])
            headers["Content-Encoding"] = "gzip"
        if behaviour == "gzip_empty":
            body = b""
            headers["Content-Encoding"] = "gzip"
        if behaviour in ("gzip", "gzip_truncated"):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
            if behaviour == "gzip_truncated":
                body = body[:len(body) // 2]
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        if behaviour == "short":
            self.send_header("Content-Length", str(len(body) + 10))
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(body)))
        if behaviour == "close":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen = []
        self.behaviour = "ok"
        self.body = BODY
        self.connections = 0

    def get_request(self):
        accepted = super().get_request()
        self.connections += 1
        return accepted

    @property
    def url(self):
        return "http://127.0.0.1:%d/arcgis/admin/system/jobs" % self.server_address[1]


@pytest.fixture
def server():
    running = _Server()
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


@pytest.fixture(autouse=True)
def no_proxy_from_this_host(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def _read(response):
    body = b""
    while True:
        piece = response.read1(1 << 16)
        if not piece:
            response.close()
            return body
        body += piece


def _get(session, url, **extra):
    return session.request("GET", url, headers={"Accept": "application/json"}, timeout=2, verify=True, **extra)


def test_answers_read_to_their_end_keep_the_connection_for_the_next_request(server):
    session = transport.Session()
    for _attempt in range(3):
        assert _read(_get(session, server.url)) == BODY
    assert server.connections == 1 and len(server.seen) == 3
    session.close()


def test_an_answer_not_read_to_its_end_gives_its_connection_up(server):
    session = transport.Session()
    _get(session, server.url).close()  # closed unread
    assert _read(_get(session, server.url)) == BODY
    assert server.connections == 2


def test_a_connection_the_server_closed_is_not_reused(server):
    session = transport.Session()
    server.behaviour = "close"
    assert _read(_get(session, server.url)) == BODY
    server.behaviour = "ok"
    assert _read(_get(session, server.url)) == BODY
    assert server.connections == 2


def test_a_connection_idle_too_long_is_replaced(server, monkeypatch):
    monkeypatch.setattr(transport, "IDLE_SECONDS", 0.0)
    session = transport.Session()
    assert _read(_get(session, server.url)) == BODY
    assert _read(_get(session, server.url)) == BODY
    assert server.connections == 2


def test_form_fields_go_in_the_body_and_params_in_the_query(server):
    session = transport.Session()
    _read(session.request("POST", server.url, headers={}, timeout=2, verify=True, data={"token": "t s&x", "f": "json"}))
    _read(_get(session, server.url, params={"f": "json", "start": "1"}))
    (post, path, headers, form), (_get_method, query_path, _h, _f) = server.seen
    assert post == "POST" and path == "/arcgis/admin/system/jobs" and form == "token=t+s%26x&f=json"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert query_path == "/arcgis/admin/system/jobs?f=json&start=1"


def test_gzip_answers_are_inflated_a_bounded_piece_at_a_time(server):
    server.behaviour = "gzip"
    server.body = b"[" + b"0," * 200000 + b"0]"
    session = transport.Session()
    response = _get(session, server.url)
    pieces = []
    while True:
        piece = response.read1(4096)
        if not piece:
            break
        pieces.append(piece)
    response.close()
    assert b"".join(pieces) == server.body
    assert max(len(piece) for piece in pieces) <= 4096  # 400 KB from about 1 KB, never in one piece
    assert server.seen[0][2]["Accept-Encoding"] == "gzip"


def test_a_truncated_gzip_answer_is_a_lost_connection(server):
    server.behaviour = "gzip_truncated"
    server.body = b"x" * 100000
    with pytest.raises(transport.ConnectionLost, match="compressed answer"):
        _read(_get(transport.Session(), server.url))


def test_an_answer_cut_short_of_its_length_is_a_lost_connection_never_kept(server):
    server.behaviour = "short"
    session = transport.Session()
    response = _get(session, server.url)
    with pytest.raises(transport.ConnectionLost, match="10 bytes short"):
        _read(response)
    response.close()
    assert not session._idle  # pylint: disable=protected-access  # not kept, whatever select() would say later
    server.behaviour = "ok"
    assert _read(_get(session, server.url)) == BODY
    assert server.connections == 2


def test_a_gzip_answer_of_several_members_is_read_whole(server):
    server.behaviour = "gzip_multi"
    server.body = b'{"jobs": [' + b"1, " * 5000 + b"2]}"
    assert _read(_get(transport.Session(), server.url)) == server.body


def test_an_empty_gzip_answer_is_an_empty_answer(server):
    server.behaviour = "gzip_empty"
    session = transport.Session()
    assert _read(_get(session, server.url)) == b""
    server.behaviour = "ok"
    assert _read(_get(session, server.url)) == BODY and server.connections == 1


class _TLSSocketHolding:
    """A TLS socket with decrypted bytes waiting inside it: select() on the raw socket cannot see them."""

    def __init__(self, pending):
        self._pending = pending

    def pending(self):
        return self._pending

    def fileno(self):
        raise AssertionError("select() must not be the only check")


def test_a_kept_tls_connection_holding_unread_bytes_is_not_reused(monkeypatch):
    monkeypatch.setattr(transport.ssl, "SSLSocket", _TLSSocketHolding)
    holding = type("Connection", (), {"sock": _TLSSocketHolding(12)})()
    assert transport._still_open(holding) is False  # pylint: disable=protected-access


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_refused_connection_was_never_sent():
    with pytest.raises(transport.ConnectFailed) as caught:
        _get(transport.Session(), "http://127.0.0.1:%d/arcgis" % _closed_port())
    assert caught.value.sent is False and caught.value.message == "connection refused"


def test_an_unknown_host_was_never_sent():
    with pytest.raises(transport.ConnectFailed) as caught:
        _get(transport.Session(), "https://nb.invalid/arcgis")
    assert caught.value.sent is False and caught.value.message.startswith("cannot resolve nb.invalid: ")


def test_no_answer_within_the_timeout_may_have_been_sent(server):
    server.behaviour = "hang"
    with pytest.raises(transport.AnswerTimeout) as caught:
        transport.Session().request("POST", server.url, headers={}, timeout=0.5, verify=True, data={"a": "b"})
    assert caught.value.sent is True


def test_only_http_and_https_addresses_are_used():
    with pytest.raises(transport.Unusable):
        _get(transport.Session(), "ftp://nb.example.com/arcgis")


def test_an_http_proxy_gets_the_whole_url_and_its_credentials(server, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy%%40user:p%%3Ass@127.0.0.1:%d" % server.server_address[1])
    _read(_get(transport.Session(), "http://nb.example.com:6080/arcgis/admin/system/jobs"))
    _method, path, headers, _form = server.seen[0]
    assert path == "http://nb.example.com:6080/arcgis/admin/system/jobs"
    assert base64.b64decode(headers["Proxy-Authorization"].split()[1]) == b"proxy@user:p:ss"


def test_no_proxy_names_the_hosts_reached_directly(server, monkeypatch):
    nowhere = _closed_port()
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:%d" % nowhere)
    monkeypatch.setenv("no_proxy", "127.0.0.1,.example.com")
    assert _read(_get(transport.Session(), server.url)) == BODY  # direct, or it would be refused
    assert transport.proxy_for("http", "nb.example.com", 80) is None
    assert transport.proxy_for("http", "nb.elsewhere.org", 80) == ("127.0.0.1", nowhere, "")


def test_an_https_proxy_address_is_refused_plainly(monkeypatch):
    monkeypatch.setenv("https_proxy", "https://proxy.example.com:3129")
    with pytest.raises(transport.Unusable, match="only http:// proxies"):
        _get(transport.Session(), "https://nb.example.com/arcgis")


class _OneShotProxy:
    """A proxy that takes one connection, reads the CONNECT request, and plays ``answer(connection)``."""

    def __init__(self, answer):
        self.requests = []
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(1)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, args=(answer,), daemon=True)
        self._thread.start()

    def _serve(self, answer):
        connection, _address = self._listener.accept()
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                request += connection.recv(4096)
            self.requests.append(request.decode("latin-1"))
            answer(connection)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._thread.join(5)
        self._listener.close()


def _tunnel_then_no_tls(connection):
    connection.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    connection.recv(4096)  # the client's TLS hello, answered with something else
    connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    time.sleep(0.5)


def test_https_goes_through_a_proxy_tunnel(monkeypatch):
    """CONNECT to the site's address, with the proxy's credentials; the TLS handshake then fails here (no TLS
    server behind this proxy), which is a TLS failure, never a request sent.
    """
    with _OneShotProxy(_tunnel_then_no_tls) as proxy:
        monkeypatch.setenv("https_proxy", "http://u:pw@127.0.0.1:%d" % proxy.port)
        with pytest.raises(transport.TLSFailed) as caught:
            _get(transport.Session(), "https://nb.example.com:11443/arcgis")
    assert caught.value.sent is False
    assert proxy.requests[0].startswith("CONNECT nb.example.com:11443 HTTP/1.")
    assert "Proxy-Authorization: Basic %s" % base64.b64encode(b"u:pw").decode() in proxy.requests[0]


@pytest.mark.parametrize("answer, said", [
    (b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n", "407"),
    (b"SSH-2.0-OpenSSH_9.6\r\n", "no HTTP answer to the tunnel request"),
])
def test_a_proxy_that_refuses_the_tunnel_or_speaks_no_http_is_named(monkeypatch, answer, said):
    with _OneShotProxy(lambda connection: (connection.sendall(answer), time.sleep(0.3))) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", "127.0.0.1:%d" % proxy.port)
        with pytest.raises(transport.ConnectFailed) as caught:
            _get(transport.Session(), "https://nb.example.com/arcgis")
    assert caught.value.message.startswith("the proxy 127.0.0.1:%d: " % proxy.port)
    assert said in caught.value.message and caught.value.sent is False


@pytest.mark.parametrize("no_proxy, direct", [
    ("10.0.0.0/8", True), ("10.1.2.0/24,.example.com", True), ("192.168.0.0/16", False), ("10.1.2.3", True),
    ("not-a-network/8", False),
])
def test_no_proxy_networks_are_honoured(monkeypatch, no_proxy, direct):
    monkeypatch.setenv("https_proxy", "http://proxy.example.com:3128")
    monkeypatch.setenv("no_proxy", no_proxy)
    found = transport.proxy_for("https", "10.1.2.3", 443)
    assert (found is None) is direct


def test_a_proxy_url_that_cannot_be_read_is_refused_without_its_credentials(monkeypatch):
    monkeypatch.setenv("https_proxy", "http://svc:s3?cret@proxy.example.com:3128")
    with pytest.raises(transport.Unusable) as caught:
        _get(transport.Session(), "https://nb.example.com/arcgis")
    assert "s3" not in str(caught.value) and "cret" not in str(caught.value) and "https_proxy" in str(caught.value)


def test_one_tls_context_per_verify_value():
    assert transport.tls_context(True) is transport.tls_context(True)
    assert transport.tls_context(False) is not transport.tls_context(True)
    assert transport.tls_context(False).verify_mode == transport.ssl.CERT_NONE


def test_an_unreadable_ca_bundle_is_said_plainly(tmp_path):
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate")
    with pytest.raises(transport.Unusable, match="cannot be read as PEM certificates"):
        transport.tls_context(str(bad))
