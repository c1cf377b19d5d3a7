"""Tokens as ArcGIS issues them: bound to a referer or an IP, expiring on the emulated clock or after N uses.

A federated server also keeps the Portal tokens it has been shown (adopt), so its own expiry
and restart faults reach them too; the Portal still judges each of them on every use.
"""

from __future__ import annotations

import dataclasses
import secrets
import threading

INVALID = "Invalid token."
EXPIRED = "Token Expired."


@dataclasses.dataclass
class Token:
    value: str
    username: str
    client: str  # referer | requestip | ip
    bound_to: str  # the referer or the IP the token was made for
    expires_ms: int
    uses_left: int | None = None
    revoked: bool = False
    portal_role: str | None = None  # set for a Portal token a federated server adopted: the user's role there


class TokenStore:
    def __init__(self):
        self._lock = threading.Lock()
        self._tokens: dict[str, Token] = {}
        self._max_uses: int | None = None

    def issue(self, username: str, client: str, bound_to: str, expires_ms: int) -> Token:
        token = Token(value=secrets.token_urlsafe(48), username=username, client=client, bound_to=bound_to,
                      expires_ms=expires_ms, uses_left=self._max_uses)
        with self._lock:
            self._tokens[token.value] = token
        return token

    def adopt(self, value: str, username: str, client: str, bound_to: str, portal_role: str) -> Token:
        """Remember a Portal token the Portal has vouched for; it expires only when this server expires tokens."""
        with self._lock:
            token = self._tokens.get(value)
            if token is None:
                token = Token(value=value, username=username, client=client, bound_to=bound_to,
                              expires_ms=2 ** 62, uses_left=self._max_uses, portal_role=portal_role)
                self._tokens[value] = token
            return token

    def knows(self, value: str) -> bool:
        with self._lock:
            return value in self._tokens

    def check(self, value: str, referer: str | None, client_ip: str, now_ms: int) -> tuple:
        """(token, None) when the token may be used now, else (None, error message for a 498)."""
        with self._lock:
            token = self._tokens.get(value)
            if token is None:
                return None, INVALID
            if token.client == "referer" and (referer or "") != token.bound_to:
                # A referer-bound token presented without its Referer is just invalid.
                return None, INVALID
            if token.client in ("requestip", "ip") and client_ip != token.bound_to:
                return None, INVALID
            if token.revoked or now_ms >= token.expires_ms or token.uses_left == 0:
                return None, EXPIRED
            if token.uses_left is not None:
                token.uses_left -= 1
            return token, None

    def expire_all(self) -> int:
        with self._lock:
            for token in self._tokens.values():
                token.revoked = True
            return len(self._tokens)

    def forget_all(self) -> None:
        """A restart: the server no longer knows any token it issued."""
        with self._lock:
            self._tokens.clear()

    def expire_after_uses(self, uses: int | None) -> None:
        """Every current and future token may be used `uses` more times (None: no limit)."""
        with self._lock:
            self._max_uses = uses
            for token in self._tokens.values():
                token.uses_left = uses

    def known_values(self) -> list:
        with self._lock:
            return list(self._tokens)
