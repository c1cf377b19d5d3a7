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

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.formats import spreadsheet_safe
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.html import render_html
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import ServerAudit

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


def _csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    return buffer.getvalue()


def jobs_csv_bytes(servers: Sequence[ServerAudit]) -> bytes:
    """jobs.csv, UTF-8: one row per job the servers listed, with the server's name. The rows are those each server's
    tally wrote as it read them (``tally.py``), in the order of the servers; they are joined, never copied as text.
    """
    parts = [(",".join(JOBS_COLUMNS) + "\n").encode("utf-8")]
    for server in servers:
        if server.tally.listed and server.tally.csv_rows is None:
            raise ValueError("the jobs of %s were tallied without their jobs.csv rows" % server.name)
        parts.append(server.tally.csv_rows or b"")
    return b"".join(parts)


def jobs_csv(servers: Sequence[ServerAudit]) -> str:
    """jobs.csv as text."""
    return jobs_csv_bytes(servers).decode("utf-8")


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
    """The report as JSON a person can still scan: a line per top-level key and one per item of its lists (a
    server, a task). Indented JSON took seven times as long to write (Python's encoder) and half as much room again.
    """
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = []
    for key, value in report.items():
        if isinstance(value, list) and value:
            text = "[\n" + ",\n".join(encode(item) for item in value) + "\n]"
        else:
            text = encode(value)
        lines.append(encode(str(key)) + ": " + text)
    return "{\n" + ",\n".join(lines) + "\n}\n"


def render_report_files(report: Dict[str, Any], servers: Sequence[ServerAudit]) -> Dict[str, bytes]:
    """Every file of the report directory, rendered in memory first so a rendering error writes nothing."""
    return {
        REPORT_JSON: report_json(report).encode("utf-8"),
        JOBS_CSV: jobs_csv_bytes(servers),
        SERVERS_CSV: servers_csv(report).encode("utf-8"),
        NOTEBOOKS_CSV: notebooks_csv(servers).encode("utf-8"),
        REPORT_HTML: render_html(report).encode("utf-8"),
    }


def _current_umask() -> int:
    # os.umask can only be read by setting it; set it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _same_content(path: str, content: bytes, chunk: int = 1 << 20) -> bool:
    # Compared a chunk at a time: jobs.csv of a large fleet is tens of MB, and a second copy of it is not needed.
    try:
        if os.path.getsize(path) != len(content):
            return False
        view = memoryview(content)
        with open(path, "rb") as existing:
            for offset in range(0, len(content), chunk):
                if existing.read(chunk) != view[offset:offset + chunk]:
                    return False
            return existing.read(1) == b""
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
