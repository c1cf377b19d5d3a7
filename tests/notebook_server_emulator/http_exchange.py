"""One parsed request and the response to it, independent of the HTTP server machinery."""

from __future__ import annotations

import dataclasses
import re
import urllib.parse
from collections.abc import Callable, Iterator

JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"


def _lower_keys(pairs: list) -> dict:
    # ArcGIS parameter names are case-insensitive (f, F, Token ...).
    params: dict = {}
    for key, value in pairs:
        params.setdefault(key.lower(), value)
    return params


@dataclasses.dataclass
class Request:
    method: str
    target: str  # the raw request target: path and query string as sent
    path: str  # decoded path with repeated slashes collapsed, so base URLs with or without "/" both work
    query: dict  # lower-cased name -> first value
    form: dict  # lower-cased name -> first value, from a form-encoded body
    headers: object  # email.message.Message of the request headers
    client_ip: str
    body: bytes = b""

    @classmethod
    def parse(cls, method: str, target: str, headers, client_ip: str, body: bytes) -> Request:
        split = urllib.parse.urlsplit(target)
        path = re.sub(r"/{2,}", "/", urllib.parse.unquote(split.path)) or "/"
        query = _lower_keys(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        form: dict = {}
        content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if body and content_type in ("application/x-www-form-urlencoded", ""):
            form = _lower_keys(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return cls(method=method, target=target, path=path, query=query, form=form, headers=headers,
                   client_ip=client_ip, body=body)

    def param(self, name: str, default: str | None = None) -> str | None:
        """A request parameter from the body or, failing that, the query string."""
        if name in self.form:
            return self.form[name]
        return self.query.get(name, default)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


@dataclasses.dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = JSON_TYPE
    headers: list = dataclasses.field(default_factory=list)
    # Set by faults. A body too big to hold (then `body` is not sent): its length and a source of its parts.
    stream: Callable[[], Iterator[bytes]] | None = None
    stream_length: int = 0
    pace: tuple | None = None  # (bytes per second, bytes per write): the body trickles
