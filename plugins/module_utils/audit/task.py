# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit task of a fleet: options in, servers read concurrently, report built, files written, result out."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.files import (
    render_report_files,
    write_report_files,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.fleet import (
    DEFAULT_MAX_WORKERS,
    audit_fleet,
    build_targets,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.markdown import markdown_summary
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.reader import (
    NotebookAuditSettings,
    read_server_jobs,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.model import AuditWindow
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.processes import reader_processes
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import build_report
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.result import RESULT_DETAILS, report_as_result
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.scheduled_tasks import (
    portal_targets,
    read_portal_tasks,
    scheduled_tasks_section,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.tally import TallyRules
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import OptionError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import (
    CONNECTION_ARGSPEC,
    CONNECTION_OPTION_NAMES,
    OptionAdapter,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.model import DEFAULT_QUIET_FOR
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.times import parse_duration, parse_time


def _argument_spec() -> Dict[str, Dict[str, Any]]:
    # The shared connection options are every server's defaults, so none of them is required at the top,
    # and each server may set any of them (without the defaults and environment fallbacks of the top level).
    # A server's options that a conversion can refuse (a number, a boolean, a choice) are taken as they come:
    # build_targets checks them per server, so one host's bad value is its own error, not the whole audit's.
    top = {name: dict(spec) for name, spec in CONNECTION_ARGSPEC.items()}
    top["url"].pop("required", None)
    per_server: Dict[str, Dict[str, Any]] = {"name": {"type": "str"}}
    for name, spec in CONNECTION_ARGSPEC.items():
        kind = spec.get("type", "str")
        per_server[name] = {"type": kind if kind in ("str", "path") else "raw"}
        if "no_log" in spec:
            per_server[name]["no_log"] = spec["no_log"]
    top.update({
        "servers": {"type": "list", "elements": "dict", "required": True, "options": per_server},
        "since": {"type": "str", "default": "-24h"},
        "stuck_after": {"type": "str", "default": "2h"},
        "stale_after": {"type": "str", "default": "24h"},
        "report_dir": {"type": "path"},
        "max_workers": {"type": "int", "default": DEFAULT_MAX_WORKERS},
        "reader_processes": {"type": "int", "default": 0},
        "scheduled_tasks": {"type": "bool", "default": True},
        "result_detail": {"type": "str", "default": "full", "choices": list(RESULT_DETAILS)},
    })
    return top


ARGUMENT_SPEC = _argument_spec()


@dataclass(frozen=True)
class AuditSettings:
    """The audit's own options, in milliseconds and seconds."""

    since: str
    window_start_ms: int
    now_ms: int
    stuck_after_seconds: float
    max_workers: int
    report_dir: Optional[str]
    reader_processes: int = 0  # 0: one per CPU (at most 4) for a fleet large enough to share out
    notebooks: NotebookAuditSettings = NotebookAuditSettings(parse_duration(DEFAULT_QUIET_FOR), 86400.0)


def settings_from_options(options: OptionAdapter, now_ms: Optional[int] = None) -> AuditSettings:
    """The audit's settings from its options; ``OptionError`` names a bad option."""
    now = int(time.time() * 1000) if now_ms is None else now_ms
    since = str(options.get("since") or "-24h").strip()
    start_ms = parse_time(since, now, option="since")
    if start_ms > now:
        raise OptionError("since: %s is in the future; use a time in the past such as -24h" % since)
    stuck_after = parse_duration(options.get("stuck_after") or "2h", option="stuck_after")
    if stuck_after <= 0:
        raise OptionError("stuck_after must be a positive duration such as 2h")
    stale_after = parse_duration(options.get("stale_after") or "24h", option="stale_after")
    if stale_after <= 0:
        raise OptionError("stale_after must be a positive duration such as 24h")
    max_workers = int(options.get("max_workers", DEFAULT_MAX_WORKERS))
    if max_workers < 1:
        raise OptionError("max_workers must be at least 1")
    processes = int(options.get("reader_processes") or 0)
    if processes < 0:
        raise OptionError("reader_processes must be 0 (one per CPU, at most 4) or a number of processes")
    return AuditSettings(since=since, window_start_ms=start_ms, now_ms=now, stuck_after_seconds=stuck_after,
                         max_workers=max_workers, reader_processes=processes,
                         report_dir=options.get("report_dir") or None,
                         notebooks=NotebookAuditSettings(parse_duration(DEFAULT_QUIET_FOR), stale_after))


def run(options: OptionAdapter, check_mode: bool, warn: Callable[[str], None]) -> Dict[str, Any]:
    """Audit the fleet and return the task result (every documented key, ``changed`` included).

    Servers are read in check mode too (a read changes nothing); only the report files are not written.
    """
    settings = settings_from_options(options)
    defaults = {key: options.get(key) for key in CONNECTION_OPTION_NAMES}
    targets = build_targets(options.get("servers") or [], defaults)
    window = AuditWindow(since=settings.since, start_ms=settings.window_start_ms, end_ms=settings.now_ms)
    # Each reader thread tallies its server's jobs as they arrive; jobs.csv rows only when files are written.
    rules = TallyRules(window, settings.stuck_after_seconds, csv_rows=bool(settings.report_dir))
    retries: List[str] = []  # collected from the worker threads, given to warn from this one
    servers = audit_fleet(
        targets,
        lambda target: read_server_jobs(target.connection, rules, target.name, on_retry=retries.append,
                                        notebooks=settings.notebooks),
        max_workers=settings.max_workers,
        processes=reader_processes(settings.reader_processes, len(targets)),
        messages=retries,
    )
    for message in retries:
        warn(message)
    report = build_report(servers, window, settings.stuck_after_seconds,
                          stale_after_seconds=settings.notebooks.stale_after_seconds,
                          quiet_for_seconds=settings.notebooks.quiet_for_seconds)
    if options.get("scheduled_tasks", True):
        # Each Portal once, after the servers: their jobs say which active work a scheduled task started.
        portals = [read_portal_tasks(target, on_retry=warn) for target in portal_targets(targets)]
        report["scheduled_tasks"] = scheduled_tasks_section(portals, servers)
    report_files: Dict[str, str] = {}
    changed_files: List[str] = []
    if settings.report_dir:
        contents = render_report_files(report, servers)
        try:
            report_files, changed_files = write_report_files(settings.report_dir, contents, check_mode=check_mode)
        except OSError as exc:
            raise OptionError("report_dir: could not write the report files: %s" % exc) from None
    result = report_as_result(report, options.get("result_detail") or "full")
    result.update({
        "changed": bool(changed_files),
        "report_files": report_files,
        "changed_files": changed_files,
        "markdown": markdown_summary(report, report_files),
    })
    return result
