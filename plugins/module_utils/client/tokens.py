# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a client's token comes from: the server's ``admin/generateToken``, a Portal, or the user.

A provider hands out one token and keeps it until the client reports a rejection (498) and calls
``renew()``, or until the token is about to expire (a generated token is renewed a minute before its
``expires``, measured on a monotonic clock from when it came). Credentials are only ever sent in a POST body.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    AuthenticationError,
    BadResponseError,
)

# Sends an unauthenticated form POST to an absolute URL and returns the decoded JSON (the client's request_token).
FetchToken = Callable[[str, Dict[str, str]], Dict[str, Any]]
# Renew this long before a generated token expires, so no request is sent with a token about to lapse.
RENEW_BEFORE_SECONDS = 60.0


@dataclass(frozen=True)
class Token:
    value: str
    expires_ms: Optional[int]
    source: str  # "server", "portal" or "given": for messages, never the token itself


class TokenProvider:
    """Base class: ``token()`` gives the current token, fetching one if needed."""

    source = "none"

    def token(self, fetch: FetchToken, now_ms: Optional[Callable[[], int]] = None) -> Token:
        """The token to send; ``now_ms()`` tells now on the server's clock, the clock ``expires`` is on."""
        raise NotImplementedError

    def renew(self) -> bool:
        """Forget the current token after a rejection; False when no other token can be had."""
        raise NotImplementedError

    def secrets(self) -> Tuple[str, ...]:
        """Strings that must never appear in a message (passwords and tokens in use)."""
        return ()


class CredentialsTokenProvider(TokenProvider):
    """A token generated from a username and password, with ``client=referer``."""

    def __init__(self, token_url: str, username: str, password: str, referer: str, expiration_minutes: int,
                 source: str) -> None:
        self.token_url = token_url
        self.username = username
        self._password = password
        self.referer = referer
        self.expiration_minutes = expiration_minutes
        self.source = source
        self._current: Optional[Token] = None
        self._renew_at: Optional[float] = None  # monotonic time to renew the current token at
        self.tokens_generated = 0

    def token(self, fetch: FetchToken, now_ms: Optional[Callable[[], int]] = None) -> Token:
        if self._renew_at is not None and time.monotonic() >= self._renew_at:
            self._current = None
        if self._current is None:
            answer = fetch(self.token_url, {
                "username": self.username,
                "password": self._password,
                "client": "referer",
                "referer": self.referer,
                "expiration": str(self.expiration_minutes),
                "f": "json",
            })
            self._current = _token_from_answer(answer, self.source, self.token_url)
            self.tokens_generated += 1
            # Read now after the answer: generateToken's own Date header tells the server's clock.
            self._renew_at = _renew_at(self._current, now_ms() if now_ms is not None else None)
        return self._current

    def renew(self) -> bool:
        self._current = None
        return True

    def secrets(self) -> Tuple[str, ...]:
        return (self._password,) + ((self._current.value,) if self._current else ())


class GivenTokenProvider(TokenProvider):
    """A ready token (for example a Portal administrator's token on a federated site); it cannot be renewed."""

    source = "given"

    def __init__(self, token: str) -> None:
        self._token = Token(token, None, "given")

    def token(self, fetch: FetchToken, now_ms: Optional[Callable[[], int]] = None) -> Token:
        return self._token

    def renew(self) -> bool:
        return False

    def secrets(self) -> Tuple[str, ...]:
        return (self._token.value,)


class TokenThenCredentialsProvider(TokenProvider):
    """The given token first; credentials once the server has rejected it."""

    def __init__(self, given: GivenTokenProvider, credentials: CredentialsTokenProvider) -> None:
        self.given = given
        self.credentials = credentials
        self.using_credentials = False

    @property
    def source(self) -> str:  # type: ignore[override]
        return self.credentials.source if self.using_credentials else self.given.source

    def token(self, fetch: FetchToken, now_ms: Optional[Callable[[], int]] = None) -> Token:
        return self.credentials.token(fetch, now_ms) if self.using_credentials else self.given.token(fetch, now_ms)

    def renew(self) -> bool:
        if not self.using_credentials:
            self.using_credentials = True
            return True
        return self.credentials.renew()

    def secrets(self) -> Tuple[str, ...]:
        return self.given.secrets() + self.credentials.secrets()


def _token_from_answer(answer: Any, source: str, token_url: str) -> Token:
    value = answer.get("token") if isinstance(answer, dict) else None
    if not isinstance(value, str) or not value:
        raise BadResponseError("the generateToken answer at %s has no token" % token_url)
    expires = answer.get("expires")
    try:
        expires_ms = int(float(expires)) if expires is not None and not isinstance(expires, bool) else None
    except (TypeError, ValueError, OverflowError):
        expires_ms = None  # an unreadable one only costs the proactive renewal
    return Token(value, expires_ms, source)


def _renew_at(token: Token, now_ms: Optional[int]) -> Optional[float]:
    """When (monotonic) to renew ``token``: a minute before it expires; never for a lifetime too short to tell
    (an unknown clock or a skewed one would otherwise renew on every request).
    """
    if token.expires_ms is None or now_ms is None:
        return None
    lifetime = (token.expires_ms - now_ms) / 1000.0
    if lifetime <= 2 * RENEW_BEFORE_SECONDS:
        return None
    return time.monotonic() + lifetime - RENEW_BEFORE_SECONDS


def server_token_url(site_root: str) -> str:
    return site_root + "/admin/generateToken"


def portal_token_url(portal_root: str) -> str:
    return portal_root + "/sharing/rest/generateToken"


def rejected_token_error(provider: TokenProvider, server: str) -> AuthenticationError:
    """The message for a token the server rejected even after renewal, saying what to change."""
    if provider.source == "given":
        advice = "the given token is invalid or expired; give a fresh token, or username and password"
    elif provider.source == "portal":
        advice = ("the Portal token was rejected; check that portal_url is the Portal this site is federated with "
                  "and that the account is an administrator")
    else:
        advice = "a fresh token was rejected too; check the server's token settings and the referer option"
    return AuthenticationError("the server rejected the token (498): " + advice, server, code=498)
