# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report directory of a fleet audit: the content of each file, and writing them so none is ever half-written."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.html import render_html
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import (
    OUTCOME_ACTIVE,
    AuditWindow,
    ServerAudit,
    iso_time,
)

REPORT_JSON = "report.json"
JOBS_CSV = "jobs.csv"
SERVERS_CSV = "servers.csv"
NOTEBOOKS_CSV = "notebooks.csv"
REPORT_HTML = "report.html"
REPORT_FILE_NAMES = (REPORT_JSON, JOBS_CSV, SERVERS_CSV, NOTEBOOKS_CSV, REPORT_HTML)

# The core's job vocabulary: the server's field names, then the computed ones.
JOBS_COLUMNS = (
    "server", "jobId", "type", "username", "status", "outcome", "start_time_iso", "end_time_iso",
    "duration_seconds", "age_seconds", "stuck", "in_window",
)
SERVERS_COLUMNS = (
    "server", "url", "reachable", "error", "needs_attention", "attention", "jobs_listed", "jobs_reported", "complete",
    "in_window", "active", "stuck", "completed", "failed", "cancelled", "oldest_active_jobId", "oldest_active_username",
    "oldest_active_age_seconds", "elapsed_seconds",
)
# The core's notebook vocabulary, the kernel's state that matters most, and whether the notebook is stale.
NOTEBOOKS_COLUMNS = (
    "server", "id", "itemId", "username", "containerId", "last_activity_iso", "idle_seconds", "kernel_state", "busy",
    "busy_reason", "stale",
)

# A spreadsheet runs a cell that starts with one of these as a formula; usernames and messages come from servers.
_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> str:
    """A CSV cell: text that a spreadsheet would evaluate gets a leading quote; booleans are ``true``/``false``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_LEADS) else text


def _csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    return buffer.getvalue()


class _SafeText(dict):
    """``spreadsheet_safe`` of text cells, remembered: owners, types and statuses repeat across thousands of rows."""

    def __missing__(self, text: str) -> str:
        safe = self[text] = spreadsheet_safe(text)
        return safe


def jobs_csv(servers: Sequence[ServerAudit], window: AuditWindow) -> str:
    """One row per job the servers listed, with the server's name.

    Written for speed (a fleet can list 100,000 jobs): each cell is made a string once, without per-cell calls.
    """
    safe = _SafeText()
    flag = {True: "true", False: "false"}
    now_ms, start_of_window = window.end_ms, window.start_ms
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(JOBS_COLUMNS)
    for server in servers:
        name = safe[server.name]
        rows = []
        for job in server.jobs:
            start_ms, end_ms = job.start_ms, job.end_ms
            duration = ""
            if start_ms is not None and end_ms is not None:
                duration = str(round(max(0, end_ms - start_ms) / 1000.0, 1))
            age = "" if job.age_seconds is None else str(round(job.age_seconds, 1))
            if job.outcome == OUTCOME_ACTIVE:
                counted = True
                duration = age  # as the core's duration_seconds: an active job has lasted its age so far
            else:
                # in_window() inlined: the same rule, without a call per job.
                moment = end_ms if end_ms is not None else start_ms
                counted = moment is not None and start_of_window <= moment <= now_ms
            rows.append((
                name, safe[job.job_id], safe[job.job_type], safe[job.owner], safe[job.status], job.outcome,
                iso_time(start_ms) or "", iso_time(end_ms) or "", duration, age, flag[job.stuck], flag[counted],
            ))
        writer.writerows(rows)
    return buffer.getvalue()


def servers_csv(report: Dict[str, Any]) -> str:
    """One row per server, in inventory order."""
    rows = []
    for entry in report["servers"]:
        oldest = entry["oldest_active"] or {}
        rows.append((
            entry["name"], entry["url"], entry["reachable"], entry["error"], entry["needs_attention"],
            "; ".join(entry["attention"]), entry["jobs_listed"], entry["jobs_reported"], entry["complete"],
            entry["in_window"], entry["active"], entry["stuck"], entry["completed"], entry["failed"], entry["cancelled"],
            oldest.get("jobId"), oldest.get("username"), oldest.get("age_seconds"), entry["elapsed_seconds"],
        ))
    return _csv_text(SERVERS_COLUMNS, rows)


def notebooks_csv(servers: Sequence[ServerAudit]) -> str:
    """One row per open notebook of every server whose notebooks were read, with the server's name."""
    rows = []
    for server in servers:
        if server.notebooks is None:
            continue
        for notebook in server.notebooks.notebooks:
            brief = notebook.brief
            idle = brief["idle_seconds"]
            rows.append((
                server.name, brief["id"], brief["itemId"], brief["username"], brief["containerId"],
                brief["last_activity_iso"], None if idle is None else round(idle, 1), notebook.kernel_state,
                brief["busy"], brief["busy_reason"], notebook.stale,
            ))
    return _csv_text(NOTEBOOKS_COLUMNS, rows)


def report_json(report: Dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def render_report_files(report: Dict[str, Any], servers: Sequence[ServerAudit], window: AuditWindow) -> Dict[str, bytes]:
    """Every file of the report directory, rendered in memory first so a rendering error writes nothing."""
    return {
        REPORT_JSON: report_json(report).encode("utf-8"),
        JOBS_CSV: jobs_csv(servers, window).encode("utf-8"),
        SERVERS_CSV: servers_csv(report).encode("utf-8"),
        NOTEBOOKS_CSV: notebooks_csv(servers).encode("utf-8"),
        REPORT_HTML: render_html(report).encode("utf-8"),
    }


def _current_umask() -> int:
    # os.umask can only be read by setting it; set it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _same_content(path: str, content: bytes) -> bool:
    try:
        with open(path, "rb") as existing:
            return existing.read() == content
    except OSError:
        return False


def write_atomically(path: str, content: bytes, mode: Optional[int] = None) -> None:
    """Write to a temporary file next to ``path``, flush it to disk, then rename it over ``path``."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode if mode is not None else 0o666 & ~_current_umask())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def write_report_files(directory: str, contents: Dict[str, bytes], check_mode: bool = False) -> Tuple[Dict[str, str], List[str]]:
    """Write the report files into ``directory`` (created if missing).

    Returns the path of every file and the names of those whose content changed (or would change, in check mode).
    Files whose content is already the same are left alone.
    """
    directory = os.path.abspath(os.path.expanduser(directory))
    paths = {name: os.path.join(directory, name) for name in contents}
    changed = [name for name in contents if not _same_content(paths[name], contents[name])]
    if check_mode or not changed:
        return paths, changed
    os.makedirs(directory, exist_ok=True)
    for name in changed:
        write_atomically(paths[name], contents[name])
    return paths, changed
