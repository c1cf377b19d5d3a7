# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Portal tasks, from options to result: its inventory of Notebook Servers, and the scheduled tasks modules."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    OptionError,
    ScheduledTaskNotFoundError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import (
    OptionAdapter,
    connection_settings,
    id_list,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.client import (
    PORTAL_CONNECTION_ARGSPEC,
    open_portal_client,
    portal_error,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.hosts import (
    host_options,
    inventory_hosts,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.pause import (
    StateChange,
    pause_tasks,
    resume_tasks,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.scheduled_tasks import (
    TasksQuery,
    annotate,
    find_tasks,
    is_active,
    list_tasks,
    read_task,
    summarize,
    task_state,
    validate_name,
    validate_task_id,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.servers import read_servers
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.text import plural

ENABLED = "enabled"
DISABLED = "disabled"
TASK_STATES = (ENABLED, DISABLED)

SCHEDULED_TASKS_INFO_ARGUMENT_SPEC: Dict[str, Dict[str, Any]] = dict(
    PORTAL_CONNECTION_ARGSPEC,
    owner={"type": "str"},
    active={"type": "bool"},
    item_id={"type": "str"},
)
SCHEDULED_TASK_ARGUMENT_SPEC: Dict[str, Dict[str, Any]] = dict(
    PORTAL_CONNECTION_ARGSPEC,
    task_id={"type": "list", "elements": "str", "required": True},
    owner={"type": "str"},
    state={"type": "str", "choices": list(TASK_STATES), "required": True},
    missing={"type": "str", "choices": ["fail", "ignore"], "default": "fail"},
)

Warn = Callable[[str], None]


def run_scheduled_tasks_info(options: OptionAdapter, check_mode: bool, warn: Warn) -> Dict[str, Any]:
    """Every scheduled notebook task the filters select, each page read; a read, so check mode reads the same."""
    del check_mode
    query = TasksQuery.from_options(options.get)
    with open_portal_client(options, on_retry=warn) as client:
        listing = list_tasks(client, query)
        if listing.incomplete_reason:
            warn("Portal %s: the scheduled task list is incomplete: %s; complete and summary.none_active are false"
                 % (client.server, listing.incomplete_reason))
        return {
            "portal": client.server,
            "tasks": [annotate(record) for record in listing.records],
            "total": listing.total,
            "complete": listing.complete,
            "incomplete_reason": listing.incomplete_reason,
            "summary": summarize(listing.records, listing.complete),
        }


def _predicted(record: Dict[str, Any], active: bool) -> Dict[str, Any]:
    predicted = dict(record)
    predicted["active"] = active
    predicted["taskState"] = "active" if active else DISABLED
    return predicted


def _failure_message(state: str, outcome: StateChange) -> str:
    if state == DISABLED:
        text = "could not pause scheduled task %s (%s)" % (", ".join(outcome.failed_task_ids), "; ".join(outcome.errors))
        if outcome.changed:
            return "%s; resuming the ones this task had paused failed too: %s %s still paused" % (
                text, ", ".join(outcome.changed), "is" if len(outcome.changed) == 1 else "are")
        if outcome.undone:
            return "%s; the %s this task had paused %s resumed again (%s), so nothing is left paused" % (
                text, plural(len(outcome.undone), "task"), "was" if len(outcome.undone) == 1 else "were",
                ", ".join(outcome.undone))
        return "%s; nothing was paused" % text
    return "could not resume %s (%s); the others were resumed" % (
        plural(len(outcome.failed_task_ids), "scheduled task"), "; ".join(outcome.errors))


def run_scheduled_task(options: OptionAdapter, check_mode: bool, warn: Warn) -> Dict[str, Any]:
    """Pause (``disabled``) or resume (``enabled``) the given tasks; every one is read before anything is written."""
    task_ids = id_list(options, "task_id", validate_task_id, "scheduled task id")
    state = options.get("state")
    if state not in TASK_STATES:
        raise OptionError("state must be enabled or disabled, not %r" % (state,))
    missing_policy = options.get("missing", "fail")
    if missing_policy not in ("fail", "ignore"):
        raise OptionError("missing must be fail or ignore, not %r" % (missing_policy,))
    owner: Optional[str] = validate_name(options.get("owner"), "owner")
    active = state == ENABLED
    with open_portal_client(options, on_retry=warn) as client:
        records: Dict[str, Dict[str, Any]] = {}
        missing: List[str] = []
        if owner:
            for task_id in task_ids:
                try:
                    records[task_id] = read_task(client, owner, task_id)
                except ScheduledTaskNotFoundError:
                    missing.append(task_id)
        else:
            records, missing = find_tasks(client, task_ids)
        if missing and missing_policy == "fail":
            raise portal_error(ScheduledTaskNotFoundError(
                "no scheduled notebook task %s%s; nothing was changed. Set missing=ignore to change the others anyway"
                % (", ".join(missing), " of %s" % owner if owner else " in this Portal")), client)
        ordered = [records[task_id] for task_id in task_ids if task_id in records]
        before = {task_id: task_state(record) for task_id, record in records.items()}
        if check_mode:
            outcome = StateChange()
            for record in ordered:
                task_id = str(record.get("id"))
                if is_active(record) is active:
                    outcome.unchanged.append(task_id)
                    outcome.after[task_id] = record
                else:
                    outcome.changed.append(task_id)
                    outcome.after[task_id] = _predicted(record, active)
        else:
            outcome = (resume_tasks if active else pause_tasks)(client, ordered, owner)
        result: Dict[str, Any] = {
            "changed": bool(outcome.changed),
            "portal": client.server,
            "tasks": [annotate(outcome.after.get(task_id, records[task_id])) for task_id in task_ids
                      if task_id in records],
            "changed_task_ids": outcome.changed,
            "unchanged_task_ids": outcome.unchanged,
            "missing_task_ids": missing,
            "failed_task_ids": outcome.failed_task_ids,
            "undone_task_ids": outcome.undone,
            "diff": {
                "before": {"tasks": before},
                "after": {"tasks": {task_id: task_state(outcome.after.get(task_id, records[task_id]))
                                    for task_id in records}},
            },
        }
        if outcome.error is not None:
            result.update({
                "failed": True,
                "msg": "Portal %s: %s" % (client.server, _failure_message(state, outcome)),
            })
        return result


def _types_seen(records: List[Dict[str, Any]]) -> str:
    types = sorted({record["serverType"] for record in records})
    return ", ".join(types) if types else "none"


def run_inventory(options: OptionAdapter, check_mode: bool = False, warn: Callable[[str], None] = lambda message: None,
                  listed: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    """``portal_url``, ``servers`` (every listed server, what a cache keeps), ``read`` (asked now, not given),
    ``group`` and ``hosts``. Every option is validated first, also when ``listed`` spares the request.
    """
    del check_mode  # a read changes nothing
    settings = connection_settings(options, portal=True)
    choice = host_options(options)
    read = listed is None
    if listed is None:
        with open_portal_client(options, on_retry=warn) as client:
            listed = read_servers(client)
    hosts = inventory_hosts(listed, settings.site_url, choice, warn)
    if not hosts:
        warn("Portal %s lists no server of the types %s (%s listed; their types: %s): group %s is empty"
             % (settings.site_url, ", ".join(choice.server_types), plural(len(listed), "server"),
                _types_seen(listed), choice.group))
    return {"portal_url": settings.site_url, "servers": listed, "read": read, "group": choice.group, "hosts": hosts}
