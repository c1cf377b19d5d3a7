# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``NotebookServerClient``: authenticated JSON calls to one Notebook Server site's admin API.

Policy, in one place:

* **Secrets** travel only in POST bodies or headers, never in a URL. With ``token_location="body"``
  (the default) every authenticated call is a form POST carrying ``token`` and a ``Referer`` header
  equal to the referer the token was made for; with ``"header"`` the token travels as
  ``X-Esri-Authorization: Bearer <token>`` and reads are GETs.
* **One token per client**, reused for every call. A rejection (498) makes the provider renew it
  once and the call is repeated once; a second rejection is an ``AuthenticationError``.
* **Retries** (``RetryPolicy``) for reads and token requests on connection errors, timeouts and
  HTTP 429/500/502/503/504, with exponential backoff, ``Retry-After`` honoured but capped, and one
  ``on_retry`` warning per retry. Never on 400/401/403/404.
* **Writes are never repeated blindly.** ``post_json(..., idempotent=False)`` is repeated only when
  the request certainly did not reach the server (the connection could not be made) or the server
  said it did not process it (429). After a timeout or a dropped connection the outcome is unknown:
  ``WriteOutcomeUnknownError`` is raised and the caller must *read the state* the write was meant to
  change before deciding to send it again.
* **TLS**: ``verify`` (``True``: the system's CAs, ``False``, or a CA bundle path; see ``fold_verify``) is passed on
  every request; no environment variable can replace a ``ca_path`` or turn checking back on.
* **Transport**: the standard library's (``transport.py``); its faults say whether a request may have been sent.
* **Redirects are not followed**: a redirect would carry the body or header to another address.
"""

from __future__ import annotations

import contextlib
import email.utils
import re
import time
from typing import Any, Callable, Dict, Iterator, Mapping, Optional, Tuple
from urllib.parse import quote, urlsplit

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client import transport
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.bodies import (
    MAX_ANSWER_BYTES,
    Answer,
    AnswerTooLarge,
    read_body,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    BadResponseError,
    NotebookServerError,
    TLSError,
    TransportError,
    WriteOutcomeUnknownError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.responses import TokenRejected, read_answer
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.retry import RetryPolicy
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.secrets import redact
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.urls import ADMIN_API, api_url
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.tokens import (
    Token,
    TokenProvider,
    rejected_token_error,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.transport import Verify

TOKEN_LOCATIONS = ("body", "header")
_SSL_SOURCE = re.compile(r"\s*\(_ssl\.c:\d+\)?")
DEFAULT_REFERER = "ansible-gisadmin-notebook_server"
# A whole answer must arrive within this many times ``timeout`` (which bounds each wait for data).
ANSWER_TIME_FACTOR = 4
USER_AGENT = "gisadmin.notebook_server (Ansible)"


def new_session() -> transport.Session:
    """The transport of one client: kept connections for every call it makes (tests replace it)."""
    return transport.Session()


def fold_verify(validate_certs: bool, ca_path: Optional[str]) -> Verify:
    """One value for TLS checking: the CA path when checking with a private CA, else the boolean."""
    if not validate_certs:
        return False
    return ca_path if ca_path else True


def _describe_fault(fault: transport.Fault, timeout: float) -> str:
    if isinstance(fault, transport.ConnectTimeout):
        return "connection failed: no connection within the timeout (%gs)" % timeout
    if isinstance(fault, transport.AnswerTimeout):
        if "too slowly" in fault.message:
            return fault.message
        return "no answer within the timeout (%gs)" % timeout
    return "connection failed: %s" % (fault.message[:200] or type(fault).__name__)


class NotebookServerClient:
    """JSON calls to ``<site>/admin/...`` with one token, retries and typed errors (see the module docstring)."""

    def __init__(
        self,
        site_url: str,
        token_provider: TokenProvider,
        *,
        verify: Verify = True,
        timeout: float = 30.0,
        retry_policy: Optional[RetryPolicy] = None,
        referer: str = DEFAULT_REFERER,
        token_location: str = "body",
        on_retry: Optional[Callable[[str], None]] = None,
        api: str = ADMIN_API,
        product: str = "Notebook Server",
    ) -> None:
        if token_location not in TOKEN_LOCATIONS:
            raise ValueError("token_location must be one of %s" % ", ".join(TOKEN_LOCATIONS))
        self.server = site_url
        self.product = product  # how errors name the server: "Notebook Server" or "Portal"
        self._api = api  # the paths of get_json/post_json are below <root>/<api>/
        self._provider = token_provider
        self._verify = verify
        self._timeout = timeout
        self._retry = retry_policy or RetryPolicy()
        self._referer = referer
        self._token_location = token_location
        self._on_retry = on_retry
        self._session = new_session()
        self.requests_sent = 0  # every HTTP request, retries included: for logs, tests and benchmarks
        # The server's clock as of its last Date header, and when (monotonic) that answer came.
        self._server_clock: Optional[Tuple[float, float]] = None

    # -- the public calls -------------------------------------------------------------------------

    def get_json(self, path: str, params: Optional[Mapping[str, Any]] = None) -> Any:
        """A read of ``<site>/admin/<path>``: retried on transient faults; the decoded JSON answer."""
        with self._naming_errors():
            return self._authenticated(path, params, write=False, idempotent=True)

    def post_json(self, path: str, data: Optional[Mapping[str, Any]] = None, idempotent: bool = False) -> Any:
        """A POST to ``<site>/admin/<path>``. With ``idempotent=False`` (a write) it is never repeated after it may
        have reached the server; a timeout then raises ``WriteOutcomeUnknownError``: read the state before repeating.
        """
        with self._naming_errors():
            return self._authenticated(path, data, write=True, idempotent=idempotent)

    def request_token(self, url: str, data: Dict[str, str]) -> Dict[str, Any]:
        """An unauthenticated form POST to a generateToken URL (server or Portal), retried like a read."""
        answer = self._send("POST", url, data=data, headers=self._base_headers(), idempotent=True, label="generateToken")
        document = read_answer(answer.status, answer.body, answer.content_type, self.server,
                               self._secrets(data.get("password")), token_request=True, resource="generateToken",
                               product=self.product)
        if not isinstance(document, dict):
            raise BadResponseError("the generateToken answer is not a JSON object", self.server, answer.status)
        return document

    def now_ms(self) -> int:
        """Now on the server's clock (its last ``Date`` header, moved on by the time since), else on this host's.

        Job ages compare the server's start times with now: a controller clock that runs ahead would
        make healthy jobs look stuck.
        """
        if self._server_clock is None:
            return int(time.time() * 1000)
        server_seconds, seen_at = self._server_clock
        return int((server_seconds + time.monotonic() - seen_at) * 1000)

    def forget_token(self) -> bool:
        """Ask for a fresh token at the next call (an unreadable answer may mean the session is gone);
        False when the token was given and cannot be renewed.
        """
        return self._provider.renew()

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> "NotebookServerClient":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    @staticmethod
    def path_segment(value: str) -> str:
        """``value`` quoted for use as one path segment (a job id), so it cannot change the path."""
        return quote(str(value), safe="")

    # -- internals --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _naming_errors(self) -> Iterator[None]:
        """Errors say which product answered (a Portal's error must not read as a Notebook Server's)."""
        try:
            yield
        except NotebookServerError as exc:
            exc.product = self.product
            raise

    def _secrets(self, *extra: Optional[str]) -> Tuple[str, ...]:
        return tuple(s for s in self._provider.secrets() + tuple(extra) if s)

    def _base_headers(self) -> Dict[str, str]:
        return {"Referer": self._referer, "User-Agent": USER_AGENT, "Accept": "application/json"}

    def _current_token(self) -> Token:
        try:
            return self._provider.token(self.request_token, self.now_ms)
        except NotebookServerError as exc:
            if exc.server is None:
                exc.server = self.server
            raise

    def _authenticated(self, path: str, fields: Optional[Mapping[str, Any]], write: bool, idempotent: bool) -> Any:
        url = api_url(self.server, self._api, path)
        label = urlsplit(url).path
        payload = {key: _form_value(value) for key, value in (fields or {}).items()}
        payload.setdefault("f", "json")
        renewed = False
        while True:
            token = self._current_token()
            headers = self._base_headers()
            if self._token_location == "header":
                headers["X-Esri-Authorization"] = "Bearer " + token.value
                method = "POST" if write else "GET"
                data = payload if write else None
                params = None if write else payload
            else:
                method, data, params = "POST", dict(payload, token=token.value), None
            answer = self._send(method, url, data=data, params=params, headers=headers, idempotent=idempotent,
                                label=label)
            try:
                return read_answer(answer.status, answer.body, answer.content_type, self.server, self._secrets(),
                                   resource=path, product=self.product)
            except TokenRejected:
                # A rejected token means the server did not act, so even a write may be sent once more.
                if renewed or not self._provider.renew():
                    raise rejected_token_error(self._provider, self.server) from None
                renewed = True

    def _send(self, method: str, url: str, *, headers: Dict[str, str], idempotent: bool, label: str,
              data: Optional[Mapping[str, str]] = None, params: Optional[Mapping[str, str]] = None) -> Answer:
        retry = 0
        while True:
            try:
                self.requests_sent += 1
                started = time.monotonic()
                response = self._session.request(method, url, data=data, params=params, headers=headers,
                                                 timeout=self._timeout, verify=self._verify)
                answer = self._whole_answer(response, started, idempotent, method, label, retry)
                if answer is None:
                    retry += 1
                    continue
                return answer
            except transport.TLSFailed as exc:
                raise TLSError(
                    "TLS failed: %s. If the server uses a private CA, set ca_path to its CA certificate (PEM); "
                    "validate_certs=false switches checking off (not recommended)" % _tls_reason(exc),
                    self.server) from None
            except transport.Fault as exc:
                problem = _describe_fault(exc, self._timeout)
                if not idempotent and exc.sent:
                    raise WriteOutcomeUnknownError(
                        "%s on %s %s after the request may have been sent; it was not repeated. Read the current "
                        "state before trying again" % (problem, method, label), self.server) from None
                if retry >= self._retry.retries:
                    raise TransportError(
                        "%s on %s %s (%s). Check %s, that the server is running, and timeout"
                        % (problem, method, label, "1 attempt" if retry == 0 else "%d attempts" % (retry + 1),
                           "portal_url" if self.product == "Portal" else "url"),
                        self.server) from None
                retry += 1
                self._pause(retry, None, "%s on %s %s" % (problem, method, label))
                continue
            except (transport.Unusable, ValueError) as exc:
                raise TransportError("the request to %s could not be made: %s" % (label, redact(str(exc), self._secrets())),
                                     self.server) from None

    def _whole_answer(self, response: Any, started: float, idempotent: bool, method: str, label: str,
                      retry: int) -> Optional[Answer]:
        """The answer, read whole within the limits; None after a pause when its status says to try again."""
        self._note_server_clock(response.header("Date"))
        status = response.status_code
        if 300 <= status < 400:
            response.close()
            raise BadResponseError(
                "HTTP %d redirect from %s to %s, not followed; set url to the site address the redirect points "
                "at (for example https instead of http)" % (status, label, _safe_location(response)),
                self.server, status)
        if self._retry.status_is_retryable(status, idempotent) and retry < self._retry.retries:
            response.close()
            self._pause(retry + 1, response.header("Retry-After"), "HTTP %d on %s %s" % (status, method, label))
            return None
        try:
            return read_body(response, started, self._timeout * ANSWER_TIME_FACTOR)
        except AnswerTooLarge:
            raise BadResponseError(
                "HTTP %d answer of %s is larger than %d MiB; it was not read. This is not an answer of a Notebook "
                "Server site" % (status, label, MAX_ANSWER_BYTES // (1024 * 1024)), self.server, status) from None

    def _note_server_clock(self, date: Optional[str]) -> None:
        if not date:
            return
        try:
            moment = email.utils.parsedate_to_datetime(date)
        except (TypeError, ValueError, IndexError, OverflowError):
            return  # an unreadable Date only costs the fallback to this host's clock
        if moment is not None and moment.tzinfo is not None:
            self._server_clock = (moment.timestamp(), time.monotonic())

    def _pause(self, retry: int, retry_after: Optional[str], what: str) -> None:
        delay = self._retry.delay(retry, retry_after, time.time())
        if self._on_retry is not None:
            self._on_retry("%s %s: %s; retry %d of %d in %.1fs"
                           % (self.product, self.server, what, retry, self._retry.retries, delay))
        time.sleep(delay)


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _tls_reason(exc: BaseException) -> str:
    text = str(exc)
    for marker in ("certificate verify failed", "CERTIFICATE_VERIFY_FAILED", "hostname mismatch", "wrong version number"):
        if marker in text:
            start = text.find(marker)
            reason = text[start:start + 120].split("'", maxsplit=1)[0]
            return _SSL_SOURCE.sub("", reason).rstrip(") ").strip()
    return text[:160]


def _safe_location(response: Any) -> str:
    location = response.header("Location") or "(no Location header)"
    parts = urlsplit(location)
    return "%s://%s%s" % (parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path) if parts.netloc else parts.path
