# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Both Esri error envelopes, HTTP statuses, non-JSON bodies, and secret-free excerpts."""

from __future__ import annotations

import json

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    AuthenticationError,
    BadResponseError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.responses import (
    TokenRejected,
    envelope_error,
    excerpt,
    read_answer,
    redact,
)

SERVER = "https://nb.example.com:11443/arcgis"


def _read(status, body, content_type="application/json", **kwargs):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return read_answer(status, raw, content_type, SERVER, **kwargs)


def test_plain_json_is_returned():
    assert _read(200, {"asyncJobs": [], "total": 0}) == {"asyncJobs": [], "total": 0}


def test_a_job_with_status_field_is_not_an_error():
    # A job record has a "status" too; only status == "error" is the classic envelope.
    assert _read(200, {"jobId": "j1", "status": "FAILED"})["status"] == "FAILED"
    assert _read(200, {"status": "success"}) == {"status": "success"}


@pytest.mark.parametrize("body, code, message", [
    ({"error": {"code": 498, "message": "Invalid token.", "details": []}}, 498, "Invalid token."),
    ({"error": {"code": "403", "message": "Forbidden", "details": ["Not an admin."]}}, 403, "Forbidden; Not an admin."),
    ({"error": {"code": 500, "message": "", "details": None}}, 500, "no message"),
    ({"status": "error", "messages": ["Token Expired."], "code": 498}, 498, "Token Expired."),
    ({"status": "Error", "messages": ["a", "b", "a"], "code": 500}, 500, "a; b"),
    ({"status": "error", "messages": []}, None, "no message"),
])
def test_both_envelopes(body, code, message):
    assert envelope_error(body) == (code, message)


@pytest.mark.parametrize("body", [None, [], "text", {"status": "success"}, {"error": "plain"}])
def test_not_envelopes(body):
    assert envelope_error(body) is None


@pytest.mark.parametrize("status, body, error_type", [
    (200, {"error": {"code": 403, "message": "Not authorized", "details": []}}, PermissionDeniedError),
    (200, {"status": "error", "messages": ["User not permitted."], "code": 403}, PermissionDeniedError),
    (200, {"error": {"code": 404, "message": "Resource not found"}}, NotFoundError),
    (200, {"status": "error", "messages": ["Token Required."], "code": 499}, AuthenticationError),
    (200, {"error": {"code": 401, "message": "Unauthorized"}}, AuthenticationError),
    (200, {"error": {"code": 500, "message": "Internal error"}}, ServerError),
    (200, {"status": "error", "messages": ["odd"]}, ServerError),
    (403, {"error": {"message": "Forbidden"}}, PermissionDeniedError),  # no code: the HTTP status decides
    (403, b"<html><body>Forbidden</body></html>", PermissionDeniedError),
    (404, b"<html><body><h1>404</h1></body></html>", NotFoundError),
    (401, b"", AuthenticationError),
    (500, b"oops", ServerError),
    (502, b"<html><title>502 Bad Gateway</title></html>", ServerError),
])
def test_error_types(status, body, error_type):
    with pytest.raises(error_type) as caught:
        _read(status, body, "text/html" if isinstance(body, bytes) else "application/json")
    assert caught.value.server == SERVER
    assert str(caught.value).startswith("Notebook Server %s: " % SERVER)
    assert caught.value.status == status


def test_498_in_either_envelope_or_status_is_a_token_rejection():
    for status, body in ((200, {"status": "error", "messages": ["Token Expired."], "code": 498}),
                         (200, {"error": {"code": 498, "message": "Invalid token."}}),
                         (498, b"")):
        with pytest.raises(TokenRejected):
            _read(status, body)


def test_token_requests_turn_400_and_498_into_authentication_errors():
    body = {"error": {"code": 400, "message": "Unable to generate token.", "details": ["Invalid username or password."]}}
    with pytest.raises(AuthenticationError) as caught:
        _read(200, body, token_request=True)
    assert "Invalid username or password" in str(caught.value)
    assert "Check username and password" in str(caught.value)


def test_html_login_page_with_200_is_a_bad_response_with_an_excerpt():
    page = b"<html><head><title>Sign In</title><script>var x=1;</script></head><body><h1>ArcGIS login</h1></body></html>"
    with pytest.raises(BadResponseError) as caught:
        _read(200, page, "text/html; charset=utf-8")
    message = str(caught.value)
    assert "HTTP 200" in message and "not JSON" in message and "text/html" in message
    assert "Sign In ArcGIS login" in message
    assert "<" not in message.split("not JSON")[1].split(".")[0]  # tags dropped
    assert "var x" not in message


def test_empty_200_is_a_bad_response():
    with pytest.raises(BadResponseError):
        _read(200, b"")


def test_truncated_json_is_a_bad_response():
    with pytest.raises(BadResponseError):
        _read(200, b'{"asyncJobs": [{"jobId": ')


def test_excerpt_is_short_and_secret_free():
    body = ("<p>token=abc.def.ghi&password=hunter2 " + "x" * 500 + "</p>").encode()
    text = excerpt(body, ["hunter2"])
    assert "abc.def.ghi" not in text and "hunter2" not in text
    assert len(text) <= 163
    assert text.endswith("...")


def test_redact_masks_known_secrets_and_assignments():
    text = redact('got "token": "T0KEN-VALUE" and p4ss in {"password": "p4ss"}', ["p4ss"])
    assert "T0KEN-VALUE" not in text and "p4ss" not in text
    assert "********" in text


def test_server_messages_are_redacted():
    body = {"status": "error", "messages": ["bad password S3cret for user"], "code": 500}
    with pytest.raises(ServerError) as caught:
        _read(200, body, secrets=["S3cret"])
    assert "S3cret" not in str(caught.value)


def test_truncated_json_answer_says_so_without_blaming_the_url():
    with pytest.raises(BadResponseError) as caught:
        _read(200, b'{"asyncJobs": [{"jobId": "j1", "inputs": {"itemId": "abc"', "application/json; charset=utf-8")
    message = str(caught.value)
    assert "not valid JSON (cut short or malformed)" in message
    assert "Check that url" not in message
