# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one HTTP answer means: JSON data, or a typed error read from the status, either Esri envelope, or the body.

Esri servers report most errors with HTTP 200 and one of two envelopes:
``{"error": {"code": 498, "message": "...", "details": [...]}}`` (REST style) or
``{"status": "error", "messages": ["..."], "code": 498}`` (classic admin style).
Proxies and Web Adaptors answer with HTML pages. All of these must become clear errors.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, Iterable, List, Optional, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.collector import collector_paused
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    AuthenticationError,
    BadResponseError,
    NotebookServerError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.secrets import redact
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.text import one_line, shorten

TOKEN_INVALID = 498
TOKEN_REQUIRED = 499
_TAGS = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)


class TokenRejected(NotebookServerError):
    """Internal signal: the server rejected the token (498); the client renews it once."""


def excerpt(body: bytes, secrets: Iterable[str] = ()) -> str:
    """A short, one-line, secret-free rendering of a body: HTML tags dropped, whitespace collapsed."""
    text = one_line(_TAGS.sub(" ", body[:8192].decode("utf-8", errors="replace")))
    return shorten(redact(text, secrets)) or "(empty body)"


def _as_int(value: Any) -> Optional[int]:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _texts(*values: Any) -> List[str]:
    texts = []
    for value in values:
        if isinstance(value, str) and value.strip():
            texts.append(value.strip())
        elif isinstance(value, list):
            texts.extend(str(item).strip() for item in value if str(item).strip())
    return texts


def envelope_error(data: Any) -> Optional[Tuple[Optional[int], str]]:
    """``(code, message)`` if ``data`` is either Esri error envelope, else None."""
    if not isinstance(data, dict):
        return None
    error = data.get("error")
    if isinstance(error, dict):
        texts = _texts(error.get("message"), error.get("details"))
        return _as_int(error.get("code")), "; ".join(dict.fromkeys(texts)) or "no message"
    status = data.get("status")
    # A job record carries its own status, which may well be ERROR: a record with a jobId is a record.
    if isinstance(status, str) and status.lower() == "error" and "jobId" not in data:
        texts = _texts(data.get("messages"), data.get("message"))
        return _as_int(data.get("code")), "; ".join(dict.fromkeys(texts)) or "no message"
    return None


_ADVICE: Dict[Tuple[str, Any], str] = {
    # (product, what): the advice a message ends with
    ("Notebook Server", 403): "The account must be an administrator of this Notebook Server site",
    ("Notebook Server", 404): "Check url: the site root, e.g. https://nb.example.com:11443/arcgis or a Web Adaptor "
                              "root such as https://gis.example.com/notebooks",
    ("Portal", 403): "The account must be an administrator of this Portal",
    ("Portal", 404): "Check portal_url: the Portal root, e.g. https://gis.example.com/portal",
    ("Notebook Server", "token 404"): "The address does not answer as a site: check url (the site root, e.g. "
                                      "https://nb.example.com:11443/arcgis, or the Web Adaptor root) and portal_url",
    ("Portal", "token 404"): "The address does not answer as a Portal: check portal_url (the Portal root, e.g. "
                             "https://gis.example.com/portal)",
    ("Notebook Server", "not JSON"): "Check that url is the site root (not a login page or a proxy), e.g. "
                                     "https://nb.example.com:11443/arcgis",
    ("Portal", "not JSON"): "Check that portal_url is the Portal root (not a login page or a proxy), e.g. "
                            "https://gis.example.com/portal",
}


def error_for(code: Optional[int], message: str, server: str, status: int, token_request: bool = False,
              product: str = "Notebook Server") -> NotebookServerError:
    """The typed error for an Esri error code (or HTTP status), with what to do about it."""
    message = message.rstrip(". ")
    if code == TOKEN_INVALID and not token_request:
        return TokenRejected(message, server, status, code)
    if token_request and code in (400, 401, 403, TOKEN_INVALID):
        return AuthenticationError(
            "could not get a token: %s. Check username and password (and portal_url for a Portal account)" % message,
            server, status, code)
    if token_request and code == 404:
        return NotFoundError("could not get a token: generateToken was not found (%s). %s"
                             % (message, _ADVICE[(product, "token 404")]), server, status, code)
    if code in (401, TOKEN_INVALID, TOKEN_REQUIRED):
        return AuthenticationError(
            "authentication failed (code %s): %s. Give username and password, or a valid token" % (code, message),
            server, status, code)
    if code == 403:
        return PermissionDeniedError("permission denied: %s. %s" % (message, _ADVICE[(product, 403)]),
                                     server, status, code)
    if code == 404:
        return NotFoundError("not found: %s. %s" % (message, _ADVICE[(product, 404)]), server, status, code)
    if code is not None and code == status:  # no envelope: the HTTP status and page speak
        return ServerError("the server answered with an error: %s. It may be overloaded or restarting; "
                           "try again later" % message, server, status, code)
    return ServerError("the server reported an error (code %s): %s" % (code, message), server, status, code)


def _decode(body: bytes, status: int, server: str) -> Any:
    """The JSON of a body, None when it is not JSON; a body nested too deeply to read is a bad answer, not a crash."""
    if not body:
        return None
    try:
        with collector_paused():
            return json.loads(body)
    except ValueError:
        return None
    except RecursionError:
        raise BadResponseError("HTTP %d answer is JSON nested too deeply to read; it is not an answer of a Notebook "
                               "Server" % status, server, status) from None


def read_answer(status: int, body: bytes, content_type: str, server: str, secrets: Iterable[str] = (),
                token_request: bool = False, resource: Optional[str] = None, product: str = "Notebook Server") -> Any:
    """The decoded JSON of a successful answer; raise the matching typed error otherwise.

    The error says which ``resource`` was asked for and whether an Esri envelope spoke (``envelope``), so a
    caller can tell "this job is not here" from "this address is not a site".
    """
    secrets = tuple(secrets)
    data = _decode(body, status, server)
    decoded = data is not None
    found = envelope_error(data) if decoded else None
    error: Optional[NotebookServerError] = None
    if found is not None:
        code, message = found
        return_code = code if code is not None else (status if status >= 400 else None)
        error = error_for(return_code, redact(message, secrets), server, status, token_request, product)
        error.envelope = True
    elif status >= 400:
        detail = excerpt(body, secrets)
        error = error_for(status, "HTTP %d (%s): %s" % (status, content_type or "no content type", detail), server,
                          status, token_request, product)
    elif not decoded and "json" in (content_type or "").lower():
        error = BadResponseError(
            "HTTP %d answer is not valid JSON (cut short or malformed): %s. The connection may have been interrupted "
            "or a proxy altered the answer; try again" % (status, excerpt(body[:80], secrets)), server, status)
    elif not decoded:
        detail = excerpt(body, secrets)
        error = BadResponseError("HTTP %d answer is not JSON (%s): %s. %s" % (
            status, content_type or "no content type", detail, _ADVICE[(product, "not JSON")]), server, status)
    if error is not None:
        error.resource = resource
        raise error
    return data
