# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole fleet audit: options in, servers read concurrently, report built, files written, task result out."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit_report import AuditWindow, build_report
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit_report_files import (
    render_report_files,
    write_report_files,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit_report_html import render_html
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit_report_markdown import markdown_summary
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.connection_options import (
    CONNECTION_ARGSPEC,
    CONNECTION_OPTION_NAMES,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.errors import OptionError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.fleet_audit import (
    DEFAULT_MAX_WORKERS,
    AuditTarget,
    ServerJobs,
    audit_fleet,
    build_targets,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.time_expressions import parse_duration, parse_time

_SERVER_SUBOPTIONS: Dict[str, Dict[str, Any]] = {
    "name": {"type": "str"},
    "url": {"type": "str"},
    "username": {"type": "str"},
    "password": {"type": "str", "no_log": True},
    "token": {"type": "str", "no_log": True},
    "portal_url": {"type": "str"},
    "validate_certs": {"type": "bool"},
    "ca_path": {"type": "path"},
    "timeout": {"type": "float"},
    "retries": {"type": "int"},
}


def _audit_argspec() -> Dict[str, Dict[str, Any]]:
    # The shared connection options are every server's defaults, so none of them is required here.
    argspec = {name: dict(spec) for name, spec in CONNECTION_ARGSPEC.items()}
    argspec["url"].pop("required", None)
    # A token's lifetime is not a secret (validate-modules guesses from the word "token").
    argspec["token_expiration"]["no_log"] = False
    argspec.update({
        "servers": {"type": "list", "elements": "dict", "required": True, "options": _SERVER_SUBOPTIONS},
        "since": {"type": "str", "default": "-24h"},
        "stuck_after": {"type": "str", "default": "2h"},
        "report_dir": {"type": "path"},
        "max_workers": {"type": "int", "default": DEFAULT_MAX_WORKERS},
    })
    return argspec


AUDIT_ARGSPEC = _audit_argspec()


@dataclass(frozen=True)
class AuditSettings:
    """The audit's own options, in milliseconds and seconds."""

    since: str
    window_start_ms: int
    now_ms: int
    stuck_after_seconds: float
    max_workers: int
    report_dir: Optional[str]


def settings_from_options(options: Dict[str, Any], now_ms: Optional[int] = None) -> AuditSettings:
    """The audit's settings from validated ``AUDIT_ARGSPEC`` options; ``OptionError`` names a bad option."""
    now = int(time.time() * 1000) if now_ms is None else now_ms
    since = str(options.get("since") or "-24h").strip()
    start_ms = parse_time(since, now, option="since")
    if start_ms > now:
        raise OptionError("since: %s is in the future; use a time in the past such as -24h" % since)
    stuck_after = parse_duration(options.get("stuck_after") or "2h", option="stuck_after")
    if stuck_after <= 0:
        raise OptionError("stuck_after must be a positive duration such as 2h")
    max_workers = int(options.get("max_workers") or 0)
    if max_workers < 1:
        raise OptionError("max_workers must be at least 1")
    return AuditSettings(since=since, window_start_ms=start_ms, now_ms=now, stuck_after_seconds=stuck_after,
                         max_workers=max_workers, report_dir=options.get("report_dir") or None)


def run_audit(
    options: Dict[str, Any],
    settings: AuditSettings,
    read_jobs: Callable[[AuditTarget], ServerJobs],
    expected_errors: Tuple[type, ...] = (),
    check_mode: bool = False,
) -> Dict[str, Any]:
    """Audit the fleet and return the task result (every documented key, ``changed`` included).

    ``read_jobs`` reads and classifies one server's jobs (its error types are ``expected_errors``);
    in check mode the servers are read but no file is written.
    """
    defaults = {key: options.get(key) for key in CONNECTION_OPTION_NAMES}
    targets = build_targets(options.get("servers") or [], defaults)
    servers = audit_fleet(targets, read_jobs, max_workers=settings.max_workers, expected_errors=expected_errors)
    window = AuditWindow(since=settings.since, start_ms=settings.window_start_ms, end_ms=settings.now_ms)
    report = build_report(servers, window, settings.stuck_after_seconds)
    report_files: Dict[str, str] = {}
    changed_files = []
    if settings.report_dir:
        contents = render_report_files(report, servers, window, render_html)
        report_files, changed_files = write_report_files(settings.report_dir, contents, check_mode=check_mode)
    result: Dict[str, Any] = dict(report)
    result.update({
        "changed": bool(changed_files),
        "report_files": report_files,
        "changed_files": changed_files,
        "markdown": markdown_summary(report, report_files),
    })
    return result
