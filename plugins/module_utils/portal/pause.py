# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pausing and resuming scheduled tasks: each write read back, never repeated blindly; a pause that fails is undone.

A maintenance window must never start with some tasks paused and nobody knowing which: when one pause
fails, the tasks this call paused are resumed before the failure is reported. A resume that fails leaves the
others resumed (they are back to normal) and says which tasks are still paused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    NotebookServerError,
    ServerError,
    cause,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.writes import write_then_confirm
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.client import portal_error
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.scheduled_tasks import (
    is_active,
    read_task,
    task_owner,
    task_path,
    task_state,
)

DISABLE = "disable"
ENABLE = "enable"


@dataclass
class StateChange:
    """What a pause or resume of several tasks did: the records after, what changed, and what failed."""

    after: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    changed: List[str] = field(default_factory=list)
    unchanged: List[str] = field(default_factory=list)
    # A failed pause: the task that failed, the error, and the tasks resumed again (or still paused after all).
    failed_task_ids: List[str] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)
    undone: List[str] = field(default_factory=list)
    error: Optional[NotebookServerError] = None


def _confirmed(answer: Any, task_id: str, operation: str, client: Any) -> None:
    # The read that follows is the real check; an answer that says it failed is believed at once.
    if isinstance(answer, dict) and answer.get("success") is False:
        raise portal_error(ServerError("the Portal did not %s scheduled task %s (success: false)" % (operation, task_id)),
                           client)


def set_task_active(client: Any, owner: str, task_id: str, active: bool) -> Dict[str, Any]:
    """Enable or disable one task and read it back; after a write whose outcome is unknown the task is read
    before the write is sent once more. The record as read after the change.
    """
    operation = ENABLE if active else DISABLE
    path = task_path(client, owner, task_id, operation)

    def write() -> None:
        _confirmed(client.post_json(path, {"f": "json"}, idempotent=False), task_id, operation, client)

    write_then_confirm(write, lambda: is_active(read_task(client, owner, task_id)) is active)
    after = read_task(client, owner, task_id)
    if is_active(after) is not active:
        raise portal_error(ServerError("scheduled task %s is %s after the Portal accepted %s"
                                       % (task_id, task_state(after), operation)), client)
    return after


def _owner_of(client: Any, record: Dict[str, Any], owner: Optional[str]) -> str:
    found = owner or task_owner(record)
    if not found:
        raise portal_error(ServerError("the owner of scheduled task %s is not known; give owner" % record.get("id")),
                           client)
    return found


def pause_tasks(client: Any, records: Sequence[Dict[str, Any]], owner: Optional[str] = None) -> StateChange:
    """Disable every active task of ``records``; at the first failure, enable again the ones this call disabled.

    Never raises for a failed write: ``error`` is set, ``changed`` holds the tasks still paused by this call
    (none, unless resuming one of them failed too), ``undone`` the ones resumed again.
    """
    outcome = StateChange()
    for record in records:
        task_id = str(record.get("id"))
        if not is_active(record):
            outcome.unchanged.append(task_id)
            outcome.after[task_id] = record
            continue
        try:
            outcome.after[task_id] = set_task_active(client, _owner_of(client, record, owner), task_id, False)
        except NotebookServerError as exc:
            outcome.error = exc
            outcome.failed_task_ids.append(task_id)
            outcome.errors.append("%s: %s" % (task_id, cause(exc)))
            outcome.after[task_id] = record
            break
        outcome.changed.append(task_id)
    if outcome.error is None:
        return outcome
    by_id = {str(record.get("id")): record for record in records}
    still_paused: List[str] = []
    for task_id in reversed(outcome.changed):
        try:
            outcome.after[task_id] = set_task_active(client, _owner_of(client, by_id[task_id], owner), task_id, True)
        except NotebookServerError as exc:
            still_paused.append(task_id)
            outcome.errors.append("%s (resuming it again): %s" % (task_id, cause(exc)))
            continue
        outcome.undone.append(task_id)
    outcome.undone.reverse()
    outcome.changed = [task_id for task_id in outcome.changed if task_id in still_paused]
    return outcome


def resume_tasks(client: Any, records: Sequence[Dict[str, Any]], owner: Optional[str] = None) -> StateChange:
    """Enable every task of ``records`` that is not active; a failure is recorded and the others are still tried."""
    outcome = StateChange()
    for record in records:
        task_id = str(record.get("id"))
        if is_active(record):
            outcome.unchanged.append(task_id)
            outcome.after[task_id] = record
            continue
        try:
            outcome.after[task_id] = set_task_active(client, _owner_of(client, record, owner), task_id, True)
        except NotebookServerError as exc:
            outcome.error = outcome.error or exc
            outcome.failed_task_ids.append(task_id)
            outcome.errors.append("%s: %s" % (task_id, cause(exc)))
            outcome.after[task_id] = record
            continue
        outcome.changed.append(task_id)
    return outcome
