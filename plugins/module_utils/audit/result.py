# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What of the report the module returns: all of it, or its figures without the long lists (``result_detail``).

A registered result costs Ansible time and memory for every value it holds (at 500 servers, seconds), and AWX
drops an event's data past 700 KB; the report files always hold everything. Lists that are left out are removed,
never emptied: an empty ``failed_jobs`` would say "no failed job".
"""

from __future__ import annotations

from typing import Any, Dict

RESULT_DETAILS = ("full", "figures")
# Per server: the failed jobs (history: jobs.csv has them all) and the per-owner tables; the counts stay, and so do
# the lists one acts on (stuck jobs, the oldest active job, busy and stale notebooks).
_SERVER_KEYS_LEFT_OUT = ("by_owner", "failed_jobs")
_NOTEBOOK_KEYS_LEFT_OUT = ("by_owner", "busy_by_owner")
# Fleet-wide: every active job a scheduled task started (each Portal keeps its count of them).
_SCHEDULED_TASKS_KEYS_LEFT_OUT = ("active_task_jobs",)


def report_as_result(report: Dict[str, Any], detail: str) -> Dict[str, Any]:
    """A new dict with the report's keys; with ``figures``, servers and scheduled tasks without the keys above.

    The report itself is left as it is (the files are rendered from it).
    """
    result = dict(report)
    if detail == "full":
        return result
    servers = []
    for entry in report["servers"]:
        server = {key: value for key, value in entry.items() if key not in _SERVER_KEYS_LEFT_OUT}
        notebooks = entry.get("notebooks")
        if isinstance(notebooks, dict):
            server["notebooks"] = {key: value for key, value in notebooks.items() if key not in _NOTEBOOK_KEYS_LEFT_OUT}
        servers.append(server)
    result["servers"] = servers
    tasks = report.get("scheduled_tasks")
    if isinstance(tasks, dict):
        result["scheduled_tasks"] = {key: value for key, value in tasks.items() if key not in _SCHEDULED_TASKS_KEYS_LEFT_OUT}
    return result
