# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scheduled notebook tasks as the Portal keeps them: what a record means, the whole list, one task, its owner.

Org-wide the tasks are ``portals/<id>/allScheduledTasks`` (a Portal administrator), per owner
``community/users/<owner>/tasks``; one task is ``community/users/<owner>/tasks/<id>``. A task that cannot be
told apart from an active one counts as active: it may start a notebook on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    BadResponseError,
    NotFoundError,
    OptionError,
    ScheduledTaskNotFoundError,
    ServerError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.client import portal_error
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.pages import PortalListing, read_pages

EXECUTE_NOTEBOOK = "ExecuteNotebook"
PORTAL_SELF = "portals/self"
# taskState values that say a task will not run on its own: paused by someone, stopped by the Portal, or done.
STATE_DISABLED = "disabled"
STATE_STOPPED = "stopped"
STATE_COMPLETED = "completed"
_NOT_PAUSED = (STATE_STOPPED, STATE_COMPLETED)


@dataclass(frozen=True)
class TasksQuery:
    """The filters of a task listing, validated: an owner, active or not, one notebook item."""

    owner: Optional[str] = None
    active: Optional[bool] = None
    item_id: Optional[str] = None

    @classmethod
    def from_options(cls, get: Any) -> "TasksQuery":
        active = get("active")
        if active is not None and not isinstance(active, bool):
            raise OptionError("active must be true or false, not %r" % (active,))
        return cls(owner=validate_name(get("owner"), "owner"), active=active,
                   item_id=validate_name(get("item_id"), "item_id"))

    def params(self) -> Dict[str, str]:
        """The Portal's own filters; the same tests run again on every record (a Portal may ignore one)."""
        params = {"types": EXECUTE_NOTEBOOK}
        if self.active is not None:
            params["active"] = "true" if self.active else "false"
        if self.item_id:
            params["itemId"] = self.item_id
        return params

    def matches(self, record: Dict[str, Any]) -> bool:
        kind = record.get("type")
        if isinstance(kind, str) and kind.lower() != EXECUTE_NOTEBOOK.lower():
            return False
        if self.owner is not None and isinstance(task_owner(record), str) and \
                task_owner(record).lower() != self.owner.lower():
            return False
        if self.active is not None and is_active(record) is not self.active:
            return False
        return self.item_id is None or record.get("itemId") == self.item_id


def validate_name(value: Any, option: str) -> Optional[str]:
    """An owner, item id or task id as given, stripped; None when not given; OptionError for a non-string."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.strip():
        raise OptionError("%s must be a non-empty string, not %r" % (option, value))
    return value.strip()


def validate_task_id(value: Any) -> str:
    """A task id, stripped; OptionError for an empty one (it would address the owner's whole task list)."""
    task_id = validate_name(value, "task_id")
    if task_id is None:
        raise OptionError("task_id must be a non-empty string, not %r" % (value,))
    return task_id


# -- what a record means ----------------------------------------------------------------------------------


def task_owner(record: Dict[str, Any]) -> Optional[str]:
    """The owner's user name (``userId``); None when the record does not say."""
    owner = record.get("userId", record.get("owner"))
    return owner if isinstance(owner, str) and owner else None


def task_state(record: Dict[str, Any]) -> str:
    """``taskState`` in lower case, or ``active``/``inactive`` from ``active`` when the Portal sends no state."""
    state = record.get("taskState")
    if isinstance(state, str) and state.strip():
        return state.strip().lower()
    return "active" if is_active(record) else "inactive"


def is_active(record: Dict[str, Any]) -> bool:
    """True when the task runs on its schedule: ``active`` true, or, when that is not a boolean, a ``taskState``
    that is not known to stop it. A record that says neither may run, so it is active.
    """
    active = record.get("active")
    if isinstance(active, bool):
        return active
    if isinstance(active, str) and active.strip().lower() in ("true", "false"):
        return active.strip().lower() == "true"
    state = record.get("taskState")
    if isinstance(state, str) and state.strip():
        return state.strip().lower() not in (STATE_DISABLED,) + _NOT_PAUSED
    return True


def is_paused(record: Dict[str, Any]) -> bool:
    """Not active, and neither stopped by the Portal (five failed runs in a row) nor completed."""
    return not is_active(record) and task_state(record) not in _NOT_PAUSED


def is_stopped(record: Dict[str, Any]) -> bool:
    """Stopped by the Portal after five failed runs in a row: it stays stopped until enabled again."""
    return not is_active(record) and task_state(record) == STATE_STOPPED


def annotate(record: Dict[str, Any]) -> Dict[str, Any]:
    """The Portal's record with the computed ``paused``."""
    annotated = dict(record)
    annotated["paused"] = is_paused(record)
    return annotated


def summarize(records: Iterable[Dict[str, Any]], complete: bool) -> Dict[str, Any]:
    """``count``, ``active``, ``paused``, ``stopped``, ``active_task_ids``; ``none_active`` only for a whole list."""
    count = paused = stopped = 0
    active_ids: List[str] = []
    for record in records:
        count += 1
        if is_active(record):
            active_ids.append(str(record.get("id")))
        elif is_stopped(record):
            stopped += 1
        elif is_paused(record):
            paused += 1
    return {
        "count": count,
        "active": len(active_ids),
        "paused": paused,
        "stopped": stopped,
        "active_task_ids": active_ids,
        # A partial list can never show that no task is active.
        "none_active": complete and not active_ids,
    }


# -- reading ------------------------------------------------------------------------------------------------


def read_portal_id(client: Any) -> str:
    """The organisation's id (``portals/self``), which the org-wide task list is addressed by."""
    answer = client.get_json(PORTAL_SELF, {"f": "json"})
    portal_id = answer.get("id") if isinstance(answer, dict) else None
    if not isinstance(portal_id, str) or not portal_id.strip():
        raise portal_error(BadResponseError("the answer of portals/self has no id; is portal_url the Portal root, e.g. "
                                            "https://gis.example.com/portal?"), client)
    return portal_id.strip()


def user_tasks_path(client: Any, owner: str) -> str:
    return "community/users/%s/tasks" % client.path_segment(owner)


def task_path(client: Any, owner: str, task_id: str, operation: Optional[str] = None) -> str:
    """``community/users/<owner>/tasks/<id>`` (or ``.../disable``, ``.../enable``), each part quoted."""
    path = "%s/%s" % (user_tasks_path(client, owner), client.path_segment(task_id))
    return "%s/%s" % (path, operation) if operation else path


def list_tasks(client: Any, query: TasksQuery = TasksQuery()) -> PortalListing:
    """The ExecuteNotebook tasks ``query`` selects, every page read: the owner's list when an owner is given,
    else the organisation's (which needs a Portal administrator).
    """
    if query.owner:
        path = user_tasks_path(client, query.owner)
    else:
        path = "portals/%s/allScheduledTasks" % client.path_segment(read_portal_id(client))
    listing = read_pages(client, path, "tasks", query.params())
    listing.records = [record for record in listing.records if query.matches(record)]
    return listing


def read_task(client: Any, owner: str, task_id: str) -> Dict[str, Any]:
    """One task of ``owner``; ``ScheduledTaskNotFoundError`` only when the Portal says, for that task, it has none.

    A Portal answers 400 ("does not exist or is inaccessible") for an unknown task and for another user's.
    """
    path = task_path(client, owner, task_id)
    try:
        record = client.get_json(path, {"f": "json"})
    except (NotFoundError, ServerError) as exc:
        if not (exc.envelope and exc.resource == path and exc.code in (400, 404)):
            raise
        raise portal_error(ScheduledTaskNotFoundError(
            "no scheduled task %s of %s: it does not exist, or belongs to another user (leave owner out to look the "
            "owner up)" % (task_id, owner), exc.server, exc.status, exc.code), client) from None
    if not isinstance(record, dict) or record.get("id") != task_id:
        raise portal_error(BadResponseError("the answer for scheduled task %s is not that task's record" % task_id),
                           client)
    return record


def find_tasks(client: Any, task_ids: Sequence[str]) -> Tuple[Dict[str, Dict[str, Any]], List[str]]:
    """The records of ``task_ids`` from the organisation's list (their owners unknown), and the ids not in it.

    An id missing from a list that was not read whole is not known to be missing: that is an error.
    """
    listing = list_tasks(client)
    by_id = {str(record.get("id")): record for record in listing.records}
    found = {task_id: by_id[task_id] for task_id in task_ids if task_id in by_id}
    missing = [task_id for task_id in task_ids if task_id not in by_id]
    if missing and not listing.complete:
        raise portal_error(ServerError("cannot look up the owner of scheduled task %s: the Portal's task list is "
                                       "incomplete (%s). Give owner" % (", ".join(missing), listing.incomplete_reason)),
                           client)
    for task_id, record in found.items():
        if task_owner(record) is None:
            raise portal_error(BadResponseError("the Portal lists scheduled task %s without its owner (userId); give "
                                                "owner" % task_id), client)
    return found, missing
