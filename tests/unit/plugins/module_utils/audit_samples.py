# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small fleet shared by the audit report tests: one quiet server, one busy one, one unreachable; their notebooks.

Jobs are server records, tallied as the reader tallies them (``tally_jobs``, stuck after 2 hours).
"""

from __future__ import annotations

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.model import AuditWindow
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.notebooks import AuditNotebook, ServerNotebooks
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import ServerAudit
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.tally import TallyRules, tally_jobs
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.times import iso_from_epoch_ms

HOUR_MS = 3600 * 1000
NOW_MS = 1_700_000_000_000
WINDOW = AuditWindow(since="-24h", start_ms=NOW_MS - 24 * HOUR_MS, end_ms=NOW_MS)
STUCK_AFTER_SECONDS = 7200.0
RULES = TallyRules(WINDOW, STUCK_AFTER_SECONDS)


def job(job_id, outcome, start_hours_ago, end_hours_ago=None, owner="alice", job_type="executeNotebook", status=None,
        **extra):
    """A job record as a server sends it, that ends the given way (a cancel is FAILED with isCancelled)."""
    statuses = {"active": "PROCESSING", "completed": "COMPLETED", "failed": "FAILED", "cancelled": "FAILED"}
    record = {"jobId": job_id, "type": job_type, "username": owner, "status": status or statuses[outcome],
              "customAttributes": {"isCancelled": outcome == "cancelled"}}
    if start_hours_ago is not None:
        record["startTime"] = int(NOW_MS - start_hours_ago * HOUR_MS)
    if end_hours_ago is not None:
        record["endTime"] = int(NOW_MS - end_hours_ago * HOUR_MS)
    record.update(extra)
    return record


def server(name, url, records, **fields):
    """A reachable server whose records were tallied as the reader does it, on the clock NOW_MS."""
    return ServerAudit(name=name, url=url, reachable=True, tally=tally_jobs(records, NOW_MS, RULES, name), **fields)


def notebook(notebook_id, owner="alice", idle_hours=1.0, state="idle", busy=None, stale_after_hours=24.0):
    """An open notebook as the audit keeps it: the core's brief of it, its kernel's state, whether it is stale."""
    last_ms = int(NOW_MS - idle_hours * HOUR_MS)
    busy = state not in ("idle", "dead") if busy is None else busy
    brief = {"id": notebook_id, "itemId": "item-" + notebook_id, "username": owner, "containerId": "c-" + owner,
             "dateLastActivity": str(last_ms), "last_activity_iso": iso_from_epoch_ms(last_ms),
             "idle_seconds": idle_hours * 3600.0,
             "kernels": [{"id": "k-" + notebook_id, "name": "python3", "execution_state": state,
                          "last_activity_iso": iso_from_epoch_ms(last_ms), "connections": 1, "join": "path"}],
             "busy": busy, "busy_reason": ("kernel %s" % state if state not in ("idle", "dead") else
                                           "activity within 10m") if busy else None}
    return AuditNotebook(brief, state, idle_hours > stale_after_hours)


def server_notebooks(*notebooks, complete=True, reasons=()):
    """What a server's notebooks read as, with the summary the core makes of them."""
    by_owner, busy_by_owner = {}, {}
    for item in notebooks:
        owner = item.brief["username"]
        by_owner[owner] = by_owner.get(owner, 0) + 1
        if item.brief["busy"]:
            busy_by_owner[owner] = busy_by_owner.get(owner, 0) + 1
    busy_kernels = sum(1 for item in notebooks if item.kernel_state not in ("idle", "dead"))
    summary = {"open_notebooks": len(notebooks), "busy_notebooks": sum(busy_by_owner.values()),
               "busy_kernels": busy_kernels, "containers": len(by_owner),
               "quiet": complete and not busy_by_owner and not busy_kernels,
               "last_activity_iso": max((item.brief["last_activity_iso"] for item in notebooks), default=None),
               "by_owner": by_owner, "busy_by_owner": busy_by_owner}
    return ServerNotebooks(notebooks=tuple(notebooks), summary=summary, complete=complete,
                           incomplete_reasons=tuple(reasons))


def fleet():
    quiet = server("nb-quiet", "https://quiet.example.com:11443/arcgis", [
        job("jq1", "completed", 2, 1.5),
        job("jq2", "completed", 30, 29),  # finished before the window
        job("jq3", "active", 0.5, owner="bob", job_type="openNotebook"),
    ], reported_total=3, elapsed_seconds=0.2, notebooks=server_notebooks(
        notebook("nq1", "alice", idle_hours=2.0), notebook("nq2", "bob", idle_hours=30.0)))
    busy = server("nb-busy", "https://busy.example.com/notebooks", [
        job("jb1", "active", 5),  # stuck: active for longer than 2 hours
        job("jb2", "active", 3, owner="bob"),  # stuck
        job("jb3", "active", 0.1),
        job("jb4", "failed", 4, 3.9, owner="carol"),
        job("jb5", "failed", 26, 25, owner="carol"),  # outside the window
        job("jb6", "completed", 10, 9, job_type="executeNotebookAsWebTool"),
        job("jb7", "cancelled", 1, 0.9, owner="carol"),
    ], reported_total=7, elapsed_seconds=0.4, notebooks=server_notebooks(
        notebook("nb1", "carol", idle_hours=0.5, state="busy"), notebook("nb2", "carol", idle_hours=0.05, busy=True)))
    down = ServerAudit(name="nb-down", url="https://down.example.com:11443/arcgis", reachable=False,
                       error="connection refused", elapsed_seconds=0.01)
    return [quiet, busy, down]
