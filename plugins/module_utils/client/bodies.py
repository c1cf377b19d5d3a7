# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading an answer's body within a size limit and a deadline, so no server can hold a task or fill its memory.

The ``timeout`` bounds each socket read, not the answer: a server that trickles a byte at a time would hold a
read forever. The body is read one socket read at a time and the deadline checked between.
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.transport import AnswerTimeout

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


def _too_slow(seconds: float) -> AnswerTimeout:
    # An AnswerTimeout, so the client's rules for lost answers apply: a read is retried, a write is never repeated.
    return AnswerTimeout("the whole answer did not arrive within %gs: the server sends it too slowly" % seconds)


def read_body(response: Any, started: float, allowed_seconds: float, limit: int = MAX_ANSWER_BYTES) -> Answer:
    """The answer of a ``transport.Response``, whole, by ``started + allowed_seconds`` (monotonic).

    Raises ``AnswerTooLarge``, or a transport ``AnswerTimeout``/``ConnectionLost`` when the body is slow or lost.
    """
    deadline = started + allowed_seconds
    length = response.header("Content-Length")
    if length.isdigit() and int(length) > limit:
        response.close()
        raise AnswerTooLarge(int(length))
    body = bytearray()  # grown in place: no second copy of a big answer at the end
    try:
        while True:
            if time.monotonic() > deadline:
                raise _too_slow(allowed_seconds)
            chunk = response.read1(_CHUNK)
            if not chunk:
                break
            body += chunk
            if len(body) > limit:
                raise AnswerTooLarge(len(body))
    finally:
        response.close()
    return Answer(response.status_code, body, response.header("Content-Type"))
