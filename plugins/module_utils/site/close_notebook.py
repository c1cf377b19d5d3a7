# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Closing one open notebook: ``closeNotebook``, or the older ``close`` where the site does not know it; checked by a read.

Current documentation and Esri's client name the operation ``admin/notebooks/<id>/closeNotebook``; older
documentation names it ``.../close``. A "not found" answer is an unknown operation only while the notebook is
still there; if it is gone, somebody (or the server's idle timeout) closed it first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    NotFoundError,
    OptionError,
    UnsupportedOperationError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.listing import NOTEBOOKS_PATH
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.writes import write_then_confirm

CLOSE_OPERATIONS = ("closeNotebook", "close")


@dataclass(frozen=True)
class CloseOutcome:
    """What ``close_notebook`` did: ``operation`` is the name that closed it, None when it was no longer open."""

    notebook_id: str
    closed: bool
    operation: Optional[str] = None


def notebook_path(client: Any, notebook_id: str, operation: Optional[str] = None) -> str:
    """``notebooks/<id>`` (or ``.../<operation>``), the id quoted so it cannot change the path."""
    path = "%s/%s" % (NOTEBOOKS_PATH, client.path_segment(notebook_id))
    return "%s/%s" % (path, operation) if operation else path


def notebook_is_open(client: Any, notebook_id: str) -> bool:
    """Whether the site still lists the notebook; False only when the site itself says it does not know the id."""
    path = notebook_path(client, notebook_id)
    try:
        client.get_json(path, {"f": "json"})
    except NotFoundError as exc:
        if exc.envelope and exc.resource == path:
            return False
        raise
    return True


def _send_close(client: Any, notebook_id: str, operation: str) -> None:
    write_then_confirm(
        lambda: client.post_json(notebook_path(client, notebook_id, operation), {}, idempotent=False),
        lambda: not notebook_is_open(client, notebook_id),
    )


def close_notebook(client: Any, notebook_id: str) -> CloseOutcome:
    """Close one notebook; a write whose outcome is unknown is checked by reading whether the notebook is still open."""
    if not isinstance(notebook_id, str) or not notebook_id.strip():
        raise OptionError("a notebook id must be a non-empty string, not %r" % (notebook_id,))
    current, older = CLOSE_OPERATIONS
    try:
        _send_close(client, notebook_id, current)
        return CloseOutcome(notebook_id, closed=True, operation=current)
    except NotFoundError:
        if not notebook_is_open(client, notebook_id):
            return CloseOutcome(notebook_id, closed=False)
    try:
        _send_close(client, notebook_id, older)
        return CloseOutcome(notebook_id, closed=True, operation=older)
    except NotFoundError as exc:
        if not notebook_is_open(client, notebook_id):
            return CloseOutcome(notebook_id, closed=False)
        raise UnsupportedOperationError(
            "the server does not know how to close notebook %s: it answered 'not found' for both %s and %s while the "
            "notebook is open" % (notebook_id, current, older), exc.server, exc.status, exc.code) from None
