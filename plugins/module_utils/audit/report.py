# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet audit report: pure aggregation of what each server listed into the versioned report.json data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.formats import iso_time
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.model import (
    OUTCOME_ACTIVE,
    OUTCOME_CANCELLED,
    OUTCOME_COMPLETED,
    OUTCOME_FAILED,
    TIMELINE_BUCKETS,
    AuditJob,
    AuditWindow,
    job_summary,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.notebooks import (
    ServerNotebooks,
    fleet_notebooks,
    notebook_attention,
    notebooks_entry,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.tally import JobTally, empty_counts
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.text import plural

# Bump the minor number when keys are added, the major number when a key changes meaning or goes away.
SCHEMA_VERSION = "2.1"

# Why a server is on the attention list, most urgent first.
ATTENTION_UNREACHABLE = "unreachable"
ATTENTION_STUCK = "stuck"
ATTENTION_FAILED = "failed"
ATTENTION_INCOMPLETE = "incomplete"
_SEVERITY_RANK = {ATTENTION_UNREACHABLE: 0, ATTENTION_STUCK: 1, ATTENTION_FAILED: 2, ATTENTION_INCOMPLETE: 3}

TOP_OWNERS = 10


@dataclass(frozen=True)
class ServerJobs:
    """What one server listed, tallied (``tally.py``), and the total the server said it holds."""

    tally: JobTally
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
    # The figures of the jobs it listed (the empty tally when it could not be read).
    tally: JobTally = field(default_factory=JobTally)
    error: Optional[str] = None
    # The job count the server reported, and why the list is not known to be whole (None: it is).
    reported_total: Optional[int] = None
    incomplete_reason: Optional[str] = None
    elapsed_seconds: float = 0.0
    # The open notebooks and kernels; None when they were not asked for (a reachable server is then flagged).
    notebooks: Optional[ServerNotebooks] = None


def _sorted_table(table: Dict[str, Dict[str, int]]) -> Dict[str, Dict[str, int]]:
    # Busiest first, then by name, so the JSON reads like a ranking and stays stable between runs.
    return dict(sorted(table.items(), key=lambda item: (-item[1]["jobs"], item[0])))


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
    """Per-server figures for report.json, from the server's tally."""
    tally = server.tally
    counts = tally.counts
    now_ms = window.end_ms
    stuck_jobs = sorted(tally.stuck_jobs, key=lambda job: (job.start_ms if job.start_ms is not None else now_ms, job.job_id))
    reasons = _attention_reasons(server, len(stuck_jobs), counts[OUTCOME_FAILED])
    oldest = tally.oldest_active
    return {
        "name": server.name,
        "url": server.url,
        "reachable": server.reachable,
        "error": server.error,
        "elapsed_seconds": round(server.elapsed_seconds, 3),
        "jobs_listed": tally.listed,
        "jobs_reported": server.reported_total,
        "complete": server.reachable and not server.incomplete_reason,
        "in_window": counts["jobs"],
        "started_in_window": tally.started_in_window,
        "active": counts[OUTCOME_ACTIVE],
        "stuck": len(stuck_jobs),
        "completed": counts[OUTCOME_COMPLETED],
        "failed": counts[OUTCOME_FAILED],
        "cancelled": counts[OUTCOME_CANCELLED],
        "by_type": _sorted_table(tally.by_type),
        "by_owner": _sorted_table(tally.by_owner),
        "oldest_active": None if oldest is None else job_summary(oldest),
        "needs_attention": bool(reasons),
        "attention": [text for _kind, text in reasons],
        "stuck_jobs": [job_summary(job) for job in stuck_jobs],
        "failed_jobs": [job_summary(job) for job in tally.failed_jobs],
        "notebooks": notebooks_entry(server.reachable, server.error, server.notebooks),
    }


def _merge_tables(entries: Sequence[Dict[str, Any]], key: str) -> Dict[str, Dict[str, int]]:
    merged: Dict[str, Dict[str, int]] = {}
    for entry in entries:
        for name, counts in entry[key].items():
            target = merged.get(name)
            if target is None:
                target = merged[name] = empty_counts()
            for figure, value in counts.items():
                target[figure] += value
    return _sorted_table(merged)


def fleet_totals(entries: Sequence[Dict[str, Any]], servers: Sequence[ServerAudit], window: AuditWindow) -> Dict[str, Any]:
    """The same figures as a server entry, summed over the fleet."""
    oldest: Optional[Tuple[str, AuditJob]] = None
    for server in servers:
        candidate = server.tally.oldest_active
        if candidate is not None and (oldest is None or (candidate.start_ms, server.name) < (oldest[1].start_ms, oldest[0])):
            oldest = (server.name, candidate)
    reachable = sum(1 for entry in entries if entry["reachable"])
    totals: Dict[str, Any] = {
        "servers": len(entries),
        "reachable": reachable,
        "unreachable": len(entries) - reachable,
        "needing_attention": sum(1 for entry in entries if entry["needs_attention"]),
    }
    for figure in ("jobs_listed", "in_window", "started_in_window", "active", "stuck", "completed", "failed", "cancelled"):
        totals[figure] = sum(entry[figure] for entry in entries)
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
        for name, (active, stuck) in server.tally.active_by_owner.items():
            owner = owners.get(name)
            if owner is None:
                owner = owners[name] = {"active": 0, "stuck": 0, "servers": {}}
            owner["active"] += active
            owner["stuck"] += stuck
            owner["servers"][server.name] = owner["servers"].get(server.name, 0) + active
    ranked = sorted(owners.items(), key=lambda item: (-item[1]["active"], item[0]))[:limit]
    return [
        {"owner": name, "active": data["active"], "stuck": data["stuck"], "servers": dict(sorted(data["servers"].items()))}
        for name, data in ranked
    ]


def job_start_timeline(servers: Sequence[ServerAudit], window: AuditWindow) -> Dict[str, Any]:
    """Job starts over the window in ``TIMELINE_BUCKETS`` equal buckets, fleet-wide and per server."""
    width_ms = window.bucket_ms(TIMELINE_BUCKETS)
    fleet = [0] * TIMELINE_BUCKETS
    per_server: Dict[str, List[int]] = {}
    for server in servers:
        counts = server.tally.timeline
        per_server[server.name] = list(counts)
        for index, count in enumerate(counts):
            fleet[index] += count
    return {
        "bucket_seconds": round(width_ms / 1000.0, 3),
        "bucket_starts": [iso_time(window.start_ms + i * width_ms) for i in range(TIMELINE_BUCKETS)],
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
