# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The scheduled notebook tasks of a fleet's Portals in its audit: per Portal, and the active jobs that came from a task.

Each Portal the servers name (their ``portal_url``) is read once, with the credentials of the first server
that names it. A Portal that cannot be read is an entry with its error, never an abort; a list that was not
read whole says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.fleet import AuditTarget
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.model import job_summary
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import ServerAudit
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    NotebookServerError,
    OptionError,
    cause,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.secrets import redact
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.urls import normalize_portal_url
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.client import open_portal_client
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.scheduled_tasks import (
    is_active,
    is_paused,
    is_stopped,
    list_tasks,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.text import plural


@dataclass(frozen=True)
class PortalTarget:
    """One Portal to read: its URL, the servers that name it, and the connection options of the first of them."""

    url: str
    servers: Tuple[str, ...]
    connection: Dict[str, Any] = field(repr=False)

    @property
    def secrets(self) -> Tuple[str, ...]:
        return tuple(str(self.connection[key]) for key in ("password", "token") if self.connection.get(key))


@dataclass(frozen=True)
class PortalTasks:
    """What one Portal listed (its ExecuteNotebook tasks), or why it could not be read."""

    target: PortalTarget
    records: Tuple[Dict[str, Any], ...] = ()
    complete: bool = False
    incomplete_reason: Optional[str] = None
    error: Optional[str] = None
    elapsed_seconds: float = 0.0


def portal_targets(targets: Sequence[AuditTarget]) -> List[PortalTarget]:
    """The Portals of the audited servers, once each (however their URLs are spelled), in the servers' order."""
    portals: Dict[str, Tuple[List[str], Dict[str, Any]]] = {}
    for target in targets:
        raw = target.connection.get("portal_url")
        if not raw:
            continue
        try:
            url = normalize_portal_url(raw)
        except OptionError:
            continue  # the server's own entry already says its options are wrong
        if url not in portals:
            portals[url] = ([], dict(target.connection, portal_url=url))
        portals[url][0].append(target.name)
    return [PortalTarget(url=url, servers=tuple(names), connection=connection)
            for url, (names, connection) in portals.items()]


def read_portal_tasks(target: PortalTarget, on_retry: Optional[Callable[[str], None]] = None) -> PortalTasks:
    """Every ExecuteNotebook task of one Portal; any failure becomes the entry's error, without a secret."""
    started = time.monotonic()
    try:
        with open_portal_client(OptionAdapter.from_dict(target.connection), on_retry=on_retry) as client:
            listing = list_tasks(client)
    except NotebookServerError as exc:
        message = cause(exc)
    # One broken Portal must not take the fleet's report down with it, whatever it raised.
    except Exception as exc:  # pylint: disable=broad-except
        message = "%s: %s" % (exc.__class__.__name__, cause(exc))
    else:
        return PortalTasks(target, tuple(listing.records), listing.complete, listing.incomplete_reason,
                           elapsed_seconds=time.monotonic() - started)
    return PortalTasks(target, error=redact(message, target.secrets), elapsed_seconds=time.monotonic() - started)


def scheduled_tasks_section(portals: Sequence[PortalTasks], servers: Sequence[ServerAudit]) -> Dict[str, Any]:
    """report.json's ``scheduled_tasks``: per Portal the active, paused and stopped tasks, and every active job of
    the fleet that a scheduled task started (``inputs.taskId``), with the task's title when its Portal lists it.
    """
    titles: Dict[str, Tuple[str, Optional[str]]] = {}
    for portal in portals:
        for record in portal.records:
            title = record.get("title")
            titles[str(record.get("id"))] = (portal.target.url, title if isinstance(title, str) else None)
    task_jobs: List[Dict[str, Any]] = []
    for server in servers:
        for job in server.tally.task_jobs:  # the active jobs with an inputs.taskId, in the server's order
            entry = job_summary(job, server=server.name)
            portal_url, title = titles.get(job.task_id, (None, None))
            entry.update({"task_id": job.task_id, "task_title": title, "portal": portal_url})
            task_jobs.append(entry)
    entries = []
    for portal in portals:
        records = portal.records
        servers_of_portal = set(portal.target.servers)
        entries.append({
            "url": portal.target.url,
            "servers": list(portal.target.servers),
            "reachable": portal.error is None,
            "error": portal.error,
            "complete": portal.error is None and portal.complete,
            "incomplete_reason": portal.incomplete_reason,
            "elapsed_seconds": round(portal.elapsed_seconds, 3),
            "tasks": len(records),
            "active": sum(1 for record in records if is_active(record)),
            "paused": sum(1 for record in records if is_paused(record)),
            "stopped": sum(1 for record in records if is_stopped(record)),
            "active_task_ids": [str(record.get("id")) for record in records if is_active(record)],
            "stopped_task_ids": [str(record.get("id")) for record in records if is_stopped(record)],
            "active_task_jobs": sum(1 for job in task_jobs if job["server"] in servers_of_portal),
        })
    return {"portals": entries, "active_task_jobs": task_jobs}


def scheduled_tasks_lines(section: Optional[Dict[str, Any]]) -> List[str]:
    """The Markdown summary's lines for ``scheduled_tasks``: one per Portal; none when no server names a Portal."""
    if not section or not section["portals"]:
        return []
    lines = []
    for portal in section["portals"]:
        if not portal["reachable"]:
            lines.append("Scheduled notebook tasks of Portal %s: could not be read (%s)." % (portal["url"], portal["error"]))
            continue
        text = "Scheduled notebook tasks of Portal %s: %d active, %d paused, %d stopped%s; %s." % (
            portal["url"], portal["active"], portal["paused"], portal["stopped"],
            " (after five failed runs in a row: %s)" % ", ".join(portal["stopped_task_ids"]) if portal["stopped"] else "",
            plural(portal["active_task_jobs"], "active job") + " started by a task")
        if not portal["complete"]:
            text += " The list is incomplete (%s): there may be more." % portal["incomplete_reason"]
        lines.append(text)
    return lines + [""]
