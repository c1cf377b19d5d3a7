# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""NotebookServerClient against a fake server: secrets, tokens, verify, retries, writes, errors."""

from __future__ import annotations

import socket

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client import transport

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    AuthenticationError,
    BadResponseError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    TLSError,
    TransportError,
    WriteOutcomeUnknownError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.http import fold_verify
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    GIVEN_TOKEN,
    PASSWORD,
    PORTAL,
    SITE,
    USERNAME,
    Reply,
    job,
    make_client,
)

JOBS = "system/jobs"
JOBS_SCRIPT = "admin/system/jobs"


def _refused():
    return transport.ConnectFailed("connection refused")


def _secret_free(server):
    for call in server.calls:
        assert PASSWORD not in call.url
        assert "token=" not in call.url
        for token in server.tokens_issued + [GIVEN_TOKEN]:
            assert token not in call.url


# -- verify folding ------------------------------------------------------------------------------

@pytest.mark.parametrize("validate_certs, ca_path, expected", [
    (True, None, True), (True, "/ca.pem", "/ca.pem"), (False, None, False), (False, "/ca.pem", False),
])
def test_fold_verify(validate_certs, ca_path, expected):
    assert fold_verify(validate_certs, ca_path) == expected


def test_verify_is_passed_on_every_request_even_with_requests_ca_bundle(fake_server, monkeypatch, tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/elsewhere/bundle.pem")
    server = fake_server.load([job("j1")])
    client = make_client(server, ca_path=str(ca))
    client.get_json(JOBS)
    assert len(server.calls) == 2
    assert all(call.verify == str(ca) for call in server.calls)


def test_validate_certs_false_stays_false_with_requests_ca_bundle(fake_server, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/elsewhere/bundle.pem")
    server = fake_server.load([job("j1")])
    make_client(server, validate_certs=False).get_json(JOBS)
    assert [call.verify for call in server.calls] == [False, False]


def test_timeout_is_passed_on_every_request(fake_server):
    server = fake_server.load()
    make_client(server, timeout=7.5).get_json(JOBS)
    assert {call.timeout for call in server.calls} == {7.5}


# -- secrets and tokens --------------------------------------------------------------------------

def test_credentials_and_token_travel_in_post_bodies_with_the_referer(fake_server):
    server = fake_server.load([job("j1")])
    client = make_client(server, referer="https://ops.example.com")
    answer = client.get_json(JOBS, {"detail": True, "num": 5})
    assert answer["total"] == 1
    token_call, jobs_call = server.calls
    assert token_call.method == "POST" and token_call.path == "/arcgis/admin/generateToken"
    assert token_call.form == {"username": USERNAME, "password": PASSWORD, "client": "referer",
                               "referer": "https://ops.example.com", "expiration": "60", "f": "json"}
    assert jobs_call.method == "POST" and jobs_call.query == {}
    assert jobs_call.form["token"] == server.tokens_issued[0]
    assert jobs_call.form["detail"] == "true" and jobs_call.form["num"] == "5" and jobs_call.form["f"] == "json"
    assert jobs_call.headers["Referer"] == "https://ops.example.com"
    _secret_free(server)


def test_header_mode_sends_the_token_as_x_esri_authorization_and_reads_with_get(fake_server):
    server = fake_server.load([job("j1")])
    client = make_client(server, token_location="header")
    client.get_json(JOBS, {"num": 3})
    jobs_call = server.calls[1]
    assert jobs_call.method == "GET"
    assert jobs_call.headers["X-Esri-Authorization"] == "Bearer " + server.tokens_issued[0]
    assert "token" not in jobs_call.form and "token" not in jobs_call.query
    assert jobs_call.query["num"] == "3"
    _secret_free(server)


def test_one_token_per_client_reused(fake_server):
    server = fake_server.load([job("j1")])
    client = make_client(server)
    for attempt in range(5):
        assert client.get_json(JOBS)["total"] == 1, attempt
    client.post_json("system/jobs/j1/cancel", idempotent=False)
    assert len(server.calls_to("/generateToken")) == 1
    assert len(server.tokens_issued) == 1
    assert client.requests_sent == 7


def test_a_498_gets_one_fresh_token_and_one_retry(fake_server):
    server = fake_server.load([job("j1")])
    client = make_client(server)
    client.get_json(JOBS)
    server.expire_tokens()
    assert client.get_json(JOBS)["total"] == 1
    assert len(server.tokens_issued) == 2
    assert server.calls[-1].form["token"] == server.tokens_issued[1]


def test_a_second_498_is_an_authentication_error_not_a_loop(fake_server):
    server = fake_server.load([job("j1")])
    rejection = Reply(200, {"error": {"code": 498, "message": "Invalid token.", "details": []}})
    server.script(JOBS_SCRIPT, rejection, rejection, rejection)
    client = make_client(server)
    with pytest.raises(AuthenticationError) as caught:
        client.get_json(JOBS)
    assert "498" in str(caught.value)
    assert len(server.calls_to("/system/jobs")) == 2
    assert len(server.tokens_issued) == 2


def test_a_rejected_write_is_sent_once_more_with_a_fresh_token(fake_server):
    server = fake_server.load([job("j1")])
    server.script("admin/mode/update", Reply(200, {"status": "error", "messages": ["Token Expired."], "code": 498}),
                  Reply(200, {"status": "success"}))
    assert make_client(server).post_json("mode/update", {"siteMode": "READ_ONLY"}) == {"status": "success"}
    assert len(server.calls_to("/mode/update")) == 2


def test_given_token_is_used_without_generate_token(fake_server):
    server = fake_server.load([job("j1")])
    client = make_client(server, username=None, password=None, token=GIVEN_TOKEN)
    client.get_json(JOBS)
    assert server.calls_to("/generateToken") == []
    assert server.calls[0].form["token"] == GIVEN_TOKEN


def test_given_token_rejected_without_credentials_says_what_to_do(fake_server):
    server = fake_server.load([job("j1")])
    server.valid_tokens = set()
    client = make_client(server, username=None, password=None, token=GIVEN_TOKEN)
    with pytest.raises(AuthenticationError) as caught:
        client.get_json(JOBS)
    assert "give a fresh token" in str(caught.value)
    assert GIVEN_TOKEN not in str(caught.value)
    assert len(server.calls) == 1


def test_token_then_credentials_after_a_498(fake_server):
    server = fake_server.load([job("j1")])
    server.valid_tokens = set()  # the given token has expired
    client = make_client(server, token=GIVEN_TOKEN)
    assert client.get_json(JOBS)["total"] == 1
    paths = [call.path.rsplit("/", 1)[-1] for call in server.calls]
    assert paths == ["jobs", "generateToken", "jobs"]
    assert server.calls[0].form["token"] == GIVEN_TOKEN
    assert server.calls[2].form["token"] == server.tokens_issued[0]


def test_portal_credentials_use_sharing_rest_generate_token(fake_server):
    server = fake_server.load([job("j1")])
    client = make_client(server, portal_url=PORTAL + "/home/")
    client.get_json(JOBS)
    assert server.calls[0].url == PORTAL + "/sharing/rest/generateToken"
    assert server.calls[0].form["client"] == "referer"
    assert server.calls_to("/admin/generateToken") == []


def test_wrong_password_is_an_authentication_error_without_the_password(fake_server):
    server = fake_server.load()
    client = make_client(server, password="Wr0ng-Passw0rd")
    with pytest.raises(AuthenticationError) as caught:
        client.get_json(JOBS)
    message = str(caught.value)
    assert "Wr0ng-Passw0rd" not in message and "Invalid username or password" in message
    assert message.startswith("Notebook Server %s: could not get a token" % SITE)
    assert len(server.calls) == 1  # a 400 is never retried


def test_generate_token_answer_without_token_is_a_bad_response(fake_server):
    server = fake_server.load()
    server.script("admin/generateToken", Reply(200, {"expires": 1}))
    with pytest.raises(BadResponseError) as caught:
        make_client(server).get_json(JOBS)
    assert caught.value.server == SITE


# -- retries -------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_reads_survive_transient_statuses_with_backoff_and_warnings(fake_server, status):
    server = fake_server.load([job("j1")])
    server.script(JOBS_SCRIPT, Reply(status, "<html>busy</html>", {"Content-Type": "text/html"}),
                  Reply(status, "<html>busy</html>", {"Content-Type": "text/html"}))
    warnings = []
    answer = make_client(server, warnings).get_json(JOBS)
    assert answer["total"] == 1
    assert server.sleeps == [1.0, 2.0]
    assert len(warnings) == 2
    assert "HTTP %d" % status in warnings[0] and "retry 1 of 3" in warnings[0] and SITE in warnings[0]


def test_retry_after_is_honoured_and_capped(fake_server):
    server = fake_server.load([job("j1")])
    server.script(JOBS_SCRIPT, Reply(429, b"", {"Retry-After": "5"}), Reply(503, b"", {"Retry-After": "86400"}))
    make_client(server).get_json(JOBS)
    assert server.sleeps == [5.0, 60.0]


def test_retries_run_out_into_the_last_error(fake_server):
    server = fake_server.load()
    server.script(JOBS_SCRIPT, *[Reply(503, "<html><h1>503 Service Unavailable</h1></html>", {"Content-Type": "text/html"})] * 5)
    with pytest.raises(ServerError) as caught:
        make_client(server, retries=2).get_json(JOBS)
    assert "HTTP 503" in str(caught.value) and "Service Unavailable" in str(caught.value)
    assert server.sleeps == [1.0, 2.0]
    assert len(server.calls_to("/system/jobs")) == 3


def test_retries_zero_means_one_attempt(fake_server):
    server = fake_server.load()
    server.script(JOBS_SCRIPT, Reply(502, b"bad gateway"))
    with pytest.raises(ServerError):
        make_client(server, retries=0).get_json(JOBS)
    assert len(server.calls_to("/system/jobs")) == 1


@pytest.mark.parametrize("status, error_type", [
    (400, ServerError), (401, AuthenticationError), (403, PermissionDeniedError), (404, NotFoundError)])
def test_client_errors_are_never_retried(fake_server, status, error_type):
    server = fake_server.load()
    server.script(JOBS_SCRIPT, Reply(status, {"error": {"code": status, "message": "no"}}))
    with pytest.raises(error_type):
        make_client(server).get_json(JOBS)
    assert server.sleeps == []
    assert len(server.calls_to("/system/jobs")) == 1


@pytest.mark.parametrize("make_error", [
    _refused,
    lambda: transport.ConnectTimeout("no connection within the timeout"),
    lambda: transport.AnswerTimeout("no answer within the timeout"),
    lambda: transport.ConnectionLost("Connection aborted: Remote end closed connection without response"),
])
def test_reads_survive_connection_errors(fake_server, make_error):
    server = fake_server.load([job("j1")])
    server.script(JOBS_SCRIPT, make_error())
    warnings = []
    assert make_client(server, warnings=warnings).get_json(JOBS)["total"] == 1
    assert len(warnings) == 1


def test_token_requests_are_retried_too(fake_server):
    server = fake_server.load([job("j1")])
    server.script("admin/generateToken", Reply(503, b""), _refused())
    make_client(server).get_json(JOBS)
    assert server.sleeps == [1.0, 2.0]
    assert len(server.tokens_issued) == 1


def test_connection_errors_that_persist_are_transport_errors(fake_server):
    server = fake_server.load()
    server.script("admin/generateToken", *[_refused() for attempt in range(4)])
    with pytest.raises(TransportError) as caught:
        make_client(server).get_json(JOBS)
    message = str(caught.value)
    assert "connection failed: connection refused" in message and "4 attempts" in message
    assert not isinstance(caught.value, TLSError)


def _real_connection_error(url):
    """The fault the real transport raises for ``url`` (a closed local port, an unknown host)."""
    try:
        transport.Session().request("GET", url, headers={}, timeout=5, verify=True)
    except transport.Fault as exc:
        assert exc.sent is False  # nothing can have reached a server
        return exc
    raise AssertionError("%s answered" % url)


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_refused_connection_is_said_plainly_once(fake_server):
    server = fake_server.load()
    server.script("admin/generateToken", _real_connection_error("https://127.0.0.1:%d/" % _closed_port()))
    with pytest.raises(TransportError) as caught:
        make_client(server, retries=0).get_json(JOBS)
    message = str(caught.value)
    assert "connection failed: connection refused on POST generateToken (1 attempt)." in message
    assert "HTTPSConnection" not in message and "Errno" not in message


def test_an_unknown_host_is_said_plainly(fake_server):
    server = fake_server.load()
    server.script("admin/generateToken", _real_connection_error("https://nb.invalid/"))
    with pytest.raises(TransportError) as caught:
        make_client(server, retries=0).get_json(JOBS)
    message = str(caught.value)
    assert "connection failed: " in message and "Errno" not in message and "HTTPSConnection" not in message


def test_tls_failure_is_not_retried_and_says_what_to_do(fake_server):
    server = fake_server.load()
    server.script("admin/generateToken", transport.TLSFailed(
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate "
        "(_ssl.c:1006)"))
    with pytest.raises(TLSError) as caught:
        make_client(server).get_json(JOBS)
    message = str(caught.value)
    assert "certificate verify failed: unable to get local issuer certificate. If the server" in message
    assert "ca_path" in message and "validate_certs=false" in message and "_ssl.c" not in message
    assert server.sleeps == []


# -- writes --------------------------------------------------------------------------------------

def test_a_write_is_not_repeated_after_a_timeout(fake_server):
    server = fake_server.load([job("j1")])
    server.script("admin/system/jobs/j1/cancel", transport.AnswerTimeout("no answer within the timeout"),
                  Reply(200, {"status": "success"}))
    client = make_client(server)
    with pytest.raises(WriteOutcomeUnknownError) as caught:
        client.post_json("system/jobs/j1/cancel")
    assert "Read the current state" in str(caught.value)
    assert len(server.calls_to("/cancel")) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_write_is_not_repeated_after_a_server_error(fake_server, status):
    server = fake_server.load([job("j1")])
    server.script("admin/system/jobs/deleteAll", Reply(status, b"error"), Reply(200, {"status": "success"}))
    with pytest.raises(ServerError):
        make_client(server).post_json("system/jobs/deleteAll")
    assert len(server.calls_to("/deleteAll")) == 1


def test_a_write_is_repeated_when_it_never_left_or_was_refused_with_429(fake_server):
    server = fake_server.load([job("j1")])
    server.script("admin/mode/update", _refused(), transport.ConnectTimeout("no connection within the timeout"),
                  Reply(429, b"", {"Retry-After": "1"}), Reply(200, {"status": "success"}))
    assert make_client(server).post_json("mode/update", {"siteMode": "READ_ONLY"}) == {"status": "success"}
    assert len(server.calls_to("/mode/update")) == 4
    assert server.sleeps == [1.0, 2.0, 1.0]


def test_an_idempotent_post_is_retried_like_a_read(fake_server):
    server = fake_server.load([job("j1")])
    server.script("admin/system/jobs/j1", transport.AnswerTimeout("no answer within the timeout"))
    assert make_client(server).post_json("system/jobs/j1", idempotent=True)["jobId"] == "j1"


# -- odd answers ---------------------------------------------------------------------------------

def test_redirects_are_not_followed(fake_server):
    server = fake_server.load()
    server.script("admin/generateToken", Reply(302, b"", {"Location": "https://login.example.com/sso?token=x#y"}))
    with pytest.raises(BadResponseError) as caught:
        make_client(server).get_json(JOBS)
    message = str(caught.value)
    assert "redirect" in message and "https://login.example.com/sso" in message and "token=x" not in message
    assert len(server.calls) == 1


def test_html_page_instead_of_json(fake_server):
    server = fake_server.load()
    server.script(JOBS_SCRIPT, Reply(200, "<html><body>Please sign in</body></html>", {"Content-Type": "text/html"}))
    with pytest.raises(BadResponseError) as caught:
        make_client(server).get_json(JOBS)
    assert "Please sign in" in str(caught.value)


def test_unknown_path_is_not_found_with_advice(fake_server):
    server = fake_server.load()
    with pytest.raises(NotFoundError) as caught:
        make_client(server).get_json("no/such/thing")
    assert "Check url" in str(caught.value)


def test_path_segment_quotes_everything(fake_server):
    server = fake_server.load()
    client = make_client(server)
    assert client.path_segment("j1/../../mode") == "j1%2F..%2F..%2Fmode"
    assert client.path_segment("j0bc73e29-3725") == "j0bc73e29-3725"


def test_client_is_a_context_manager(fake_server):
    server = fake_server.load([job("j1")])
    with make_client(server) as client:
        assert client.get_json(JOBS)["total"] == 1
