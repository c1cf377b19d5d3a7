# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small fleet shared by the audit report tests: one quiet server, one busy one, one unreachable."""

from __future__ import annotations

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import (
    AuditJob,
    AuditWindow,
    ServerAudit,
)

HOUR_MS = 3600 * 1000
NOW_MS = 1_700_000_000_000
WINDOW = AuditWindow(since="-24h", start_ms=NOW_MS - 24 * HOUR_MS, end_ms=NOW_MS)


def job(job_id, outcome, start_hours_ago, end_hours_ago=None, owner="alice", job_type="executeNotebook", stuck=False, status=None):
    statuses = {"active": "PROCESSING", "completed": "COMPLETED", "failed": "FAILED", "cancelled": "FAILED"}
    start_ms = None if start_hours_ago is None else int(NOW_MS - start_hours_ago * HOUR_MS)
    return AuditJob(
        job_id=job_id, job_type=job_type, owner=owner, status=status or statuses[outcome], outcome=outcome,
        start_ms=start_ms, end_ms=None if end_hours_ago is None else int(NOW_MS - end_hours_ago * HOUR_MS),
        stuck=stuck, age_seconds=None if start_ms is None else (NOW_MS - start_ms) / 1000.0,
    )


def fleet():
    quiet = ServerAudit(name="nb-quiet", url="https://quiet.example.com:11443/arcgis", reachable=True, jobs=(
        job("jq1", "completed", 2, 1.5),
        job("jq2", "completed", 30, 29),  # finished before the window
        job("jq3", "active", 0.5, owner="bob", job_type="openNotebook"),
    ), reported_total=3, elapsed_seconds=0.2)
    busy = ServerAudit(name="nb-busy", url="https://busy.example.com/notebooks", reachable=True, jobs=(
        job("jb1", "active", 5, stuck=True),
        job("jb2", "active", 3, owner="bob", stuck=True),
        job("jb3", "active", 0.1),
        job("jb4", "failed", 4, 3.9, owner="carol"),
        job("jb5", "failed", 26, 25, owner="carol"),  # outside the window
        job("jb6", "completed", 10, 9, job_type="executeNotebookAsWebTool"),
        job("jb7", "cancelled", 1, 0.9, owner="carol"),
    ), reported_total=7, elapsed_seconds=0.4)
    down = ServerAudit(name="nb-down", url="https://down.example.com:11443/arcgis", reachable=False,
                       error="connection refused", elapsed_seconds=0.01)
    return [quiet, busy, down]
