# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A write checked by a read: never repeated blindly when its outcome is unknown.

When the client cannot tell whether a write took effect (a timeout or dropped connection,
``WriteOutcomeUnknownError``; an answer that is not JSON; a gateway's 502/503/504), the state it was
meant to change is read first, and the write is sent once more only if that read shows it did not happen.
"""

from __future__ import annotations

from typing import Any, Callable

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    BadResponseError,
    NotebookServerError,
    ServerError,
    WriteOutcomeUnknownError,
)

# Gateways answer these when the server behind them may or may not have acted.
_GATEWAY_STATUSES = (502, 503, 504)


def outcome_unknown(exc: NotebookServerError) -> bool:
    """True when a write may have taken effect although no usable answer came back."""
    if isinstance(exc, (WriteOutcomeUnknownError, BadResponseError)):
        return True
    return isinstance(exc, ServerError) and exc.status in _GATEWAY_STATUSES


def write_then_confirm(write: Callable[[], Any], took_effect: Callable[[], bool]) -> None:
    """Send ``write``; if its outcome is unknown, read with ``took_effect`` and send it once more only if needed."""
    try:
        write()
        return
    except NotebookServerError as exc:
        if not outcome_unknown(exc):
            raise
        if took_effect():
            return
    try:
        write()
    except NotebookServerError as exc:
        if not outcome_unknown(exc) or not took_effect():
            raise
