# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading an answer's body within a size limit and a deadline, so no server can hold a task or fill its memory.

requests' ``timeout`` bounds each socket read, not the answer: a server that trickles a byte at a time
would hold a read forever. The body is read one socket read at a time and the deadline checked between.
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple

try:
    from requests import exceptions as requests_exceptions
    from urllib3 import exceptions as urllib3_exceptions
except ImportError:  # the front doors report it with missing_required_lib
    requests_exceptions = None
    urllib3_exceptions = None

# Far above a real site's full jobs list (100,000 detailed jobs are about 60 MB), far below a host's memory.
MAX_ANSWER_BYTES = 256 * 1024 * 1024
_CHUNK = 256 * 1024


class Answer(NamedTuple):
    """One HTTP answer, read whole."""

    status: int
    body: bytearray
    content_type: str


class AnswerTooLarge(Exception):
    """The answer is bigger than ``MAX_ANSWER_BYTES``; nothing more of it is read."""


def _too_slow(seconds: float) -> Exception:
    # A ReadTimeout, so the client's rules for lost answers apply: a read is retried, a write is never repeated.
    error = requests_exceptions.ReadTimeout(
        "the whole answer did not arrive within %gs: the server sends it too slowly" % seconds)
    error.too_slow = True
    return error


def read_body(response: Any, started: float, allowed_seconds: float, limit: int = MAX_ANSWER_BYTES) -> Answer:
    """The answer of a streamed ``requests`` response, whole, by ``started + allowed_seconds`` (monotonic).

    Raises ``AnswerTooLarge``, or a requests ``ReadTimeout``/``ConnectionError`` when the body is slow or lost.
    """
    deadline = started + allowed_seconds
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > limit:
        response.close()
        raise AnswerTooLarge(int(length))
    raw = response.raw
    # urllib3 2 reads at most once from the socket per read1 call; older urllib3 reads a whole chunk.
    read = getattr(raw, "read1", None) or raw.read
    body = bytearray()  # grown in place: no second copy of a big answer at the end
    try:
        while True:
            if time.monotonic() > deadline:
                raise _too_slow(allowed_seconds)
            chunk = _read_once(read)
            if not chunk:
                break
            body += chunk
            if len(body) > limit:
                raise AnswerTooLarge(len(body))
    finally:
        response.close()
    return Answer(response.status_code, body, response.headers.get("Content-Type", ""))


def _read_once(read: Any) -> bytes:
    """One read of the body, its failures said the way requests says them."""
    try:
        return read(_CHUNK, decode_content=True)
    except (urllib3_exceptions.ReadTimeoutError, TimeoutError) as exc:
        raise requests_exceptions.ReadTimeout(str(exc)) from None
    except (urllib3_exceptions.ProtocolError, urllib3_exceptions.DecodeError, OSError) as exc:
        raise requests_exceptions.ConnectionError(exc) from None
