# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet audit report: pure aggregation of what each server listed into the versioned report.json data."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.notebooks import (
    ServerNotebooks,
    fleet_notebooks,
    notebook_attention,
    notebooks_entry,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import job_brief
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.text import plural
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.times import iso_from_epoch_ms

# Bump the minor number when keys are added, the major number when a key changes meaning or goes away.
SCHEMA_VERSION = "2.1"

OUTCOME_ACTIVE = "active"
OUTCOME_COMPLETED = "completed"
OUTCOME_FAILED = "failed"
OUTCOME_CANCELLED = "cancelled"

# Why a server is on the attention list, most urgent first.
ATTENTION_UNREACHABLE = "unreachable"
ATTENTION_STUCK = "stuck"
ATTENTION_FAILED = "failed"
ATTENTION_INCOMPLETE = "incomplete"
_SEVERITY_RANK = {ATTENTION_UNREACHABLE: 0, ATTENTION_STUCK: 1, ATTENTION_FAILED: 2, ATTENTION_INCOMPLETE: 3}

# Failed jobs listed per server in report.json; jobs.csv has all of them.
MAX_FAILED_JOBS_LISTED = 20
TOP_OWNERS = 10
TIMELINE_BUCKETS = 24
# Year 9999: beyond it time.gmtime and datetime disagree, so the core's formatter decides.
_MAX_FAST_EPOCH_MS = 253402300799000


class AuditJob(NamedTuple):
    """One job as the audit sees it, already classified: its outcome, whether it is stuck, its age at audit time.

    It has the attributes of the core's ``JobFacts`` but not the server's record, which a fleet audit does not keep.
    """

    job_id: str
    job_type: str
    owner: str
    status: str
    outcome: str
    start_ms: Optional[int] = None
    end_ms: Optional[int] = None
    stuck: bool = False
    age_seconds: Optional[float] = None
    # The scheduled task that started the job (an executeNotebook job's inputs.taskId), if any.
    task_id: Optional[str] = None

    @property
    def active(self) -> bool:
        return self.outcome == OUTCOME_ACTIVE

    @property
    def cancelled(self) -> bool:
        return self.outcome == OUTCOME_CANCELLED


@dataclass(frozen=True)
class ServerJobs:
    """The jobs one server listed, classified, and the total the server said it holds."""

    jobs: Tuple[AuditJob, ...]
    reported_total: Optional[int] = None
    # Why the list is not known to be whole (no usable total, more jobs than read, items that are not records).
    incomplete_reason: Optional[str] = None
    notebooks: Optional[ServerNotebooks] = None


@dataclass(frozen=True)
class ServerAudit:
    """What one server answered, or why it could not be asked."""

    name: str
    url: str
    reachable: bool
    jobs: Tuple[AuditJob, ...] = ()
    error: Optional[str] = None
    # The job count the server reported, and why the list is not known to be whole (None: it is).
    reported_total: Optional[int] = None
    incomplete_reason: Optional[str] = None
    elapsed_seconds: float = 0.0
    # The open notebooks and kernels; None when they were not asked for (a reachable server is then flagged).
    notebooks: Optional[ServerNotebooks] = None


@dataclass(frozen=True)
class AuditWindow:
    """The time window finished jobs are counted in: from ``start_ms`` to ``end_ms`` (the audit time)."""

    since: str
    start_ms: int
    end_ms: int

    def contains(self, epoch_ms: Optional[int]) -> bool:
        return epoch_ms is not None and self.start_ms <= epoch_ms <= self.end_ms


_DAY_SECONDS = 86400
_DATES: Dict[int, str] = {}


def iso_time(epoch_ms: Optional[int]) -> Optional[str]:
    """``2024-05-01T12:00:00Z`` for epoch milliseconds; None stays None.

    The same text as the core's ``iso_from_epoch_ms``, on a fast path (jobs.csv formats two times per job):
    the date is formatted once per day, the time of day by arithmetic.
    """
    if isinstance(epoch_ms, int) and not isinstance(epoch_ms, bool) and 0 <= epoch_ms < _MAX_FAST_EPOCH_MS:
        day, second = divmod(epoch_ms // 1000, _DAY_SECONDS)
        date = _DATES.get(day)
        if date is None:
            date = _DATES[day] = time.strftime("%Y-%m-%d", time.gmtime(day * _DAY_SECONDS))
        hour, second = divmod(second, 3600)
        minute, second = divmod(second, 60)
        return "%sT%02d:%02d:%02dZ" % (date, hour, minute, second)
    return iso_from_epoch_ms(epoch_ms)


def in_window(job: AuditJob, window: AuditWindow) -> bool:
    """Active jobs always count; a finished job counts when it ended (or, lacking an end, started) in the window."""
    if job.outcome == OUTCOME_ACTIVE:
        return True
    return window.contains(job.end_ms if job.end_ms is not None else job.start_ms)


def job_summary(job: AuditJob, server: Optional[str] = None) -> Dict[str, Any]:
    """A job as report.json names it (attention lists, oldest active job): the core's job vocabulary, its outcome,
    and the server it runs on where a list spans the fleet.
    """
    summary = job_brief(job)
    summary["outcome"] = job.outcome
    if server is not None:
        summary["server"] = server
    return summary


def _empty_counts() -> Dict[str, int]:
    return {"jobs": 0, OUTCOME_ACTIVE: 0, OUTCOME_COMPLETED: 0, OUTCOME_FAILED: 0, OUTCOME_CANCELLED: 0}


def _count_into(table: Dict[str, Dict[str, int]], key: str, job: AuditJob) -> None:
    counts = table.setdefault(key, _empty_counts())
    counts["jobs"] += 1
    counts[job.outcome] += 1


def _sorted_table(table: Dict[str, Dict[str, int]]) -> Dict[str, Dict[str, int]]:
    # Busiest first, then by name, so the JSON reads like a ranking and stays stable between runs.
    return dict(sorted(table.items(), key=lambda item: (-item[1]["jobs"], item[0])))


def _oldest_active(jobs: Iterable[AuditJob]) -> Optional[AuditJob]:
    dated = [job for job in jobs if job.outcome == OUTCOME_ACTIVE and job.start_ms is not None]
    return min(dated, key=lambda job: (job.start_ms, job.job_id)) if dated else None


def _attention_reasons(server: ServerAudit, stuck: int, failed: int) -> List[Tuple[str, str]]:
    reasons: List[Tuple[str, str]] = []
    if not server.reachable:
        reasons.append((ATTENTION_UNREACHABLE, "unreachable: %s" % (server.error or "unknown error")))
        return reasons
    if stuck:
        reasons.append((ATTENTION_STUCK, plural(stuck, "stuck job")))
    if failed:
        reasons.append((ATTENTION_FAILED, "%s in the window" % plural(failed, "failed job")))
    if server.incomplete_reason:
        reasons.append((ATTENTION_INCOMPLETE, "listing incomplete: %s" % server.incomplete_reason))
    reasons.extend((ATTENTION_INCOMPLETE, text) for text in notebook_attention(server.reachable, server.notebooks))
    return reasons


def server_entry(server: ServerAudit, window: AuditWindow) -> Dict[str, Any]:
    """Per-server figures for report.json."""
    now_ms = window.end_ms
    counts = _empty_counts()
    by_type: Dict[str, Dict[str, int]] = {}
    by_owner: Dict[str, Dict[str, int]] = {}
    stuck_jobs: List[AuditJob] = []
    failed_jobs: List[AuditJob] = []
    started_in_window = 0
    for job in server.jobs:
        if window.contains(job.start_ms):
            started_in_window += 1
        if job.stuck and job.outcome == OUTCOME_ACTIVE:
            stuck_jobs.append(job)
        if not in_window(job, window):
            continue
        counts["jobs"] += 1
        counts[job.outcome] += 1
        _count_into(by_type, job.job_type or "unknown", job)
        _count_into(by_owner, job.owner or "unknown", job)
        if job.outcome == OUTCOME_FAILED:
            failed_jobs.append(job)
    oldest = _oldest_active(server.jobs)
    stuck_jobs.sort(key=lambda job: (job.start_ms if job.start_ms is not None else now_ms, job.job_id))
    failed_jobs.sort(key=lambda job: (-(job.end_ms or job.start_ms or 0), job.job_id))
    reasons = _attention_reasons(server, len(stuck_jobs), counts[OUTCOME_FAILED])
    return {
        "name": server.name,
        "url": server.url,
        "reachable": server.reachable,
        "error": server.error,
        "elapsed_seconds": round(server.elapsed_seconds, 3),
        "jobs_listed": len(server.jobs),
        "jobs_reported": server.reported_total,
        "complete": server.reachable and not server.incomplete_reason,
        "in_window": counts["jobs"],
        "started_in_window": started_in_window,
        "active": counts[OUTCOME_ACTIVE],
        "stuck": len(stuck_jobs),
        "completed": counts[OUTCOME_COMPLETED],
        "failed": counts[OUTCOME_FAILED],
        "cancelled": counts[OUTCOME_CANCELLED],
        "by_type": _sorted_table(by_type),
        "by_owner": _sorted_table(by_owner),
        "oldest_active": None if oldest is None else job_summary(oldest),
        "needs_attention": bool(reasons),
        "attention": [text for _kind, text in reasons],
        "stuck_jobs": [job_summary(job) for job in stuck_jobs],
        "failed_jobs": [job_summary(job) for job in failed_jobs[:MAX_FAILED_JOBS_LISTED]],
        "notebooks": notebooks_entry(server.reachable, server.error, server.notebooks),
    }


def _merge_tables(entries: Sequence[Dict[str, Any]], key: str) -> Dict[str, Dict[str, int]]:
    merged: Dict[str, Dict[str, int]] = {}
    for entry in entries:
        for name, counts in entry[key].items():
            target = merged.setdefault(name, _empty_counts())
            for field, value in counts.items():
                target[field] += value
    return _sorted_table(merged)


def fleet_totals(entries: Sequence[Dict[str, Any]], servers: Sequence[ServerAudit], window: AuditWindow) -> Dict[str, Any]:
    """The same figures as a server entry, summed over the fleet."""
    oldest: Optional[Tuple[str, AuditJob]] = None
    for server in servers:
        candidate = _oldest_active(server.jobs)
        if candidate is not None and (oldest is None or (candidate.start_ms, server.name) < (oldest[1].start_ms, oldest[0])):
            oldest = (server.name, candidate)
    reachable = sum(1 for entry in entries if entry["reachable"])
    totals: Dict[str, Any] = {
        "servers": len(entries),
        "reachable": reachable,
        "unreachable": len(entries) - reachable,
        "needing_attention": sum(1 for entry in entries if entry["needs_attention"]),
    }
    for field in ("jobs_listed", "in_window", "started_in_window", "active", "stuck", "completed", "failed", "cancelled"):
        totals[field] = sum(entry[field] for entry in entries)
    totals["by_type"] = _merge_tables(entries, "by_type")
    totals["by_owner"] = _merge_tables(entries, "by_owner")
    totals["oldest_active"] = None if oldest is None else job_summary(oldest[1], server=oldest[0])
    totals["notebooks"] = fleet_notebooks(entries)
    return totals


def attention_list(servers: Sequence[ServerAudit], entries: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Servers needing attention, most urgent first: unreachable, then stuck jobs, then failed jobs."""
    items = []
    for server, entry in zip(servers, entries):
        reasons = _attention_reasons(server, entry["stuck"], entry["failed"])
        if not reasons:
            continue
        severity = min((kind for kind, _text in reasons), key=_SEVERITY_RANK.__getitem__)
        items.append({
            "server": entry["name"],
            "severity": severity,
            "reasons": [text for _kind, text in reasons],
            "error": entry["error"],
            "stuck": entry["stuck"],
            "failed": entry["failed"],
            "active": entry["active"],
        })
    items.sort(key=lambda item: (_SEVERITY_RANK[item["severity"]], -item["stuck"], -item["failed"], item["server"]))
    return items


def top_owners(servers: Sequence[ServerAudit], limit: int = TOP_OWNERS) -> List[Dict[str, Any]]:
    """Owners with the most active jobs across the fleet, and where those jobs run."""
    owners: Dict[str, Dict[str, Any]] = {}
    for server in servers:
        for job in server.jobs:
            if job.outcome != OUTCOME_ACTIVE:
                continue
            owner = owners.setdefault(job.owner or "unknown", {"active": 0, "stuck": 0, "servers": {}})
            owner["active"] += 1
            owner["stuck"] += 1 if job.stuck else 0
            owner["servers"][server.name] = owner["servers"].get(server.name, 0) + 1
    ranked = sorted(owners.items(), key=lambda item: (-item[1]["active"], item[0]))[:limit]
    return [
        {"owner": name, "active": data["active"], "stuck": data["stuck"], "servers": dict(sorted(data["servers"].items()))}
        for name, data in ranked
    ]


def job_start_timeline(servers: Sequence[ServerAudit], window: AuditWindow, buckets: int = TIMELINE_BUCKETS) -> Dict[str, Any]:
    """Job starts over the window in equal buckets, fleet-wide and per server."""
    span_ms = max(1, window.end_ms - window.start_ms)
    width_ms = max(1, -(-span_ms // buckets))
    fleet = [0] * buckets
    per_server: Dict[str, List[int]] = {}
    for server in servers:
        counts = [0] * buckets
        for job in server.jobs:
            if window.contains(job.start_ms):
                index = min(buckets - 1, (int(job.start_ms) - window.start_ms) // width_ms)
                counts[index] += 1
                fleet[index] += 1
        per_server[server.name] = counts
    return {
        "bucket_seconds": round(width_ms / 1000.0, 3),
        "bucket_starts": [iso_time(window.start_ms + i * width_ms) for i in range(buckets)],
        "starts": fleet,
        "starts_by_server": per_server,
    }


def build_report(
    servers: Sequence[ServerAudit],
    window: AuditWindow,
    stuck_after_seconds: Optional[float],
    generated_ms: Optional[int] = None,
    stale_after_seconds: Optional[float] = None,
    quiet_for_seconds: Optional[float] = None,
) -> Dict[str, Any]:
    """The whole report.json document (schema ``SCHEMA_VERSION``, described in docs/docsite/rst/guide_audits.rst)."""
    entries = [server_entry(server, window) for server in servers]
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": iso_time(window.end_ms if generated_ms is None else generated_ms),
        "window": {
            "since": window.since,
            "start": iso_time(window.start_ms),
            "end": iso_time(window.end_ms),
            "seconds": round((window.end_ms - window.start_ms) / 1000.0, 3),
        },
        "stuck_after_seconds": stuck_after_seconds,
        "stale_after_seconds": stale_after_seconds,
        "notebook_quiet_for_seconds": quiet_for_seconds,
        "fleet": fleet_totals(entries, servers, window),
        "attention": attention_list(servers, entries),
        "top_owners": top_owners(servers),
        "servers": entries,
        "timeline": job_start_timeline(servers, window),
    }
