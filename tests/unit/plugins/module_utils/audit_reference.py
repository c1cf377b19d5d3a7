# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit's job figures and jobs.csv as they were made before the one-pass tally: the slow reference of the tests.

Every record becomes an ``AuditJob`` by the per-record rule (``model.audit_job``, the core's ``classify``), and each
figure is computed over those jobs by the code of the audit up to version 0.1.0 (server_entry, top_owners,
job_start_timeline, the scheduled tasks' job list, jobs_csv with the csv module and the core's ISO formatter).
Nothing here is fast, on purpose: it is the definition the tally must agree with, byte for byte.
"""

from __future__ import annotations

import csv
import io
import random
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.model import (
    AuditJob,
    AuditWindow,
    audit_job,
    in_window,
    job_summary,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.times import iso_from_epoch_ms

OUTCOMES = ("active", "completed", "failed", "cancelled")
_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
JOBS_COLUMNS = ("server", "jobId", "type", "username", "status", "outcome", "start_time_iso", "end_time_iso",
                "duration_seconds", "age_seconds", "stuck", "in_window")

Server = Tuple[str, Tuple[AuditJob, ...]]


def reference_jobs(records: Sequence[Any], now_ms: int, stuck_after_seconds: Optional[float]) -> Tuple[AuditJob, ...]:
    return tuple(audit_job(record, now_ms, stuck_after_seconds) for record in records)


def _empty_counts() -> Dict[str, int]:
    return {"jobs": 0, "active": 0, "completed": 0, "failed": 0, "cancelled": 0}


def _sorted_table(table: Dict[str, Dict[str, int]]) -> Dict[str, Dict[str, int]]:
    return dict(sorted(table.items(), key=lambda item: (-item[1]["jobs"], item[0])))


def reference_oldest(jobs: Sequence[AuditJob]) -> Optional[AuditJob]:
    dated = [job for job in jobs if job.outcome == "active" and job.start_ms is not None]
    return min(dated, key=lambda job: (job.start_ms, job.job_id)) if dated else None


def reference_figures(jobs: Sequence[AuditJob], window: AuditWindow) -> Dict[str, Any]:
    """The job figures of one server entry of report.json, as server_entry computed them."""
    counts = _empty_counts()
    by_type: Dict[str, Dict[str, int]] = {}
    by_owner: Dict[str, Dict[str, int]] = {}
    stuck_jobs: List[AuditJob] = []
    failed_jobs: List[AuditJob] = []
    started_in_window = 0
    for job in jobs:
        if window.contains(job.start_ms):
            started_in_window += 1
        if job.stuck and job.outcome == "active":
            stuck_jobs.append(job)
        if not in_window(job, window):
            continue
        counts["jobs"] += 1
        counts[job.outcome] += 1
        for table, key in ((by_type, job.job_type or "unknown"), (by_owner, job.owner or "unknown")):
            row = table.setdefault(key, _empty_counts())
            row["jobs"] += 1
            row[job.outcome] += 1
        if job.outcome == "failed":
            failed_jobs.append(job)
    oldest = reference_oldest(jobs)
    stuck_jobs.sort(key=lambda job: (job.start_ms if job.start_ms is not None else window.end_ms, job.job_id))
    failed_jobs.sort(key=lambda job: (-(job.end_ms or job.start_ms or 0), job.job_id))
    return {
        "jobs_listed": len(jobs),
        "in_window": counts["jobs"],
        "started_in_window": started_in_window,
        "active": counts["active"],
        "stuck": len(stuck_jobs),
        "completed": counts["completed"],
        "failed": counts["failed"],
        "cancelled": counts["cancelled"],
        "by_type": _sorted_table(by_type),
        "by_owner": _sorted_table(by_owner),
        "oldest_active": None if oldest is None else job_summary(oldest),
        "stuck_jobs": [job_summary(job) for job in stuck_jobs],
        "failed_jobs": [job_summary(job) for job in failed_jobs[:20]],
    }


def reference_fleet_oldest(servers: Sequence[Server]) -> Optional[Dict[str, Any]]:
    oldest: Optional[Tuple[str, AuditJob]] = None
    for name, jobs in servers:
        candidate = reference_oldest(jobs)
        if candidate is not None and (oldest is None or (candidate.start_ms, name) < (oldest[1].start_ms, oldest[0])):
            oldest = (name, candidate)
    return None if oldest is None else job_summary(oldest[1], server=oldest[0])


def reference_top_owners(servers: Sequence[Server], limit: int = 10) -> List[Dict[str, Any]]:
    owners: Dict[str, Dict[str, Any]] = {}
    for name, jobs in servers:
        for job in jobs:
            if job.outcome != "active":
                continue
            owner = owners.setdefault(job.owner or "unknown", {"active": 0, "stuck": 0, "servers": {}})
            owner["active"] += 1
            owner["stuck"] += 1 if job.stuck else 0
            owner["servers"][name] = owner["servers"].get(name, 0) + 1
    ranked = sorted(owners.items(), key=lambda item: (-item[1]["active"], item[0]))[:limit]
    return [{"owner": name, "active": data["active"], "stuck": data["stuck"], "servers": dict(sorted(data["servers"].items()))}
            for name, data in ranked]


def reference_timeline(servers: Sequence[Server], window: AuditWindow, buckets: int = 24) -> Dict[str, Any]:
    span_ms = max(1, window.end_ms - window.start_ms)
    width_ms = max(1, -(-span_ms // buckets))
    fleet = [0] * buckets
    per_server: Dict[str, List[int]] = {}
    for name, jobs in servers:
        counts = [0] * buckets
        for job in jobs:
            if window.contains(job.start_ms):
                index = min(buckets - 1, (int(job.start_ms) - window.start_ms) // width_ms)
                counts[index] += 1
                fleet[index] += 1
        per_server[name] = counts
    return {
        "bucket_seconds": round(width_ms / 1000.0, 3),
        "bucket_starts": [iso_from_epoch_ms(window.start_ms + i * width_ms) for i in range(buckets)],
        "starts": fleet,
        "starts_by_server": per_server,
    }


def reference_task_jobs(servers: Sequence[Server]) -> List[Dict[str, Any]]:
    """Every active job a scheduled task started, as the scheduled tasks section lists them (before the titles)."""
    found = []
    for name, jobs in servers:
        for job in jobs:
            if job.outcome == "active" and job.task_id:
                entry = job_summary(job, server=name)
                entry["task_id"] = job.task_id
                found.append(entry)
    return found


def _spreadsheet_safe(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_LEADS) else text


def reference_jobs_csv(servers: Sequence[Server], window: AuditWindow) -> str:
    """jobs.csv as the csv module wrote it, one row per job, cell by cell through spreadsheet_safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(JOBS_COLUMNS)
    for name, jobs in servers:
        for job in jobs:
            duration = ""
            if job.start_ms is not None and job.end_ms is not None:
                duration = str(round(max(0, job.end_ms - job.start_ms) / 1000.0, 1))
            age = "" if job.age_seconds is None else str(round(job.age_seconds, 1))
            if job.outcome == "active":
                duration = age
            # Names go through spreadsheet_safe; the outcome, times, numbers and flags are written as they are.
            writer.writerow([_spreadsheet_safe(value) for value in (name, job.job_id, job.job_type, job.owner, job.status)]
                            + [job.outcome, iso_from_epoch_ms(job.start_ms) or "", iso_from_epoch_ms(job.end_ms) or "",
                               duration, age, "true" if job.stuck else "false",
                               "true" if in_window(job, window) else "false"])
    return buffer.getvalue()


# Text a server may send where a name goes: formula leads, the CSV's own characters, line breaks, non-ASCII.
HOSTILE_TEXTS = ("alice", "", "=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "\tTab", "\rCR", "a,b", 'say "hi"',
                 "line\nbreak", "cr\rin", "\u2019quote", "naïve", "日本", "  spaced  ", "'already", "a\x00b", "\u2028sep")


def hostile_records(seed: int, count: int, now_ms: int) -> List[Any]:
    """Records of every kind a server might send, reproducibly: odd statuses, times and names, items that are not
    records, cancels, scheduled tasks' inputs, equal start times and duplicate ids (for the orders of the lists).
    """
    chance = random.Random(seed)
    hour = 3600000
    statuses = ("PROCESSING", "SUBMITTED", "COMPLETED", "FAILED", "failed", "CANCELLED", "Canceled", "CANCELLING",
                "ERROR", "NEW_STATUS", "", None, 7, ["x"], {"a": 1})
    # ... and the edges of a window of the last 24 hours, which is what the tests audit.
    times = [None, None, "bad", True, float("inf"), 1.5e12, -5, 0, 253402300799999, 10 ** 20, now_ms, now_ms + 1,
             now_ms - 24 * hour, now_ms - 24 * hour - 1]
    records: List[Any] = []
    for number in range(count):
        if chance.random() < 0.02:
            records.append(chance.choice([None, "x", 3, [], ["nested"]]))
            continue
        start: Any = now_ms - chance.randrange(0, 40 * hour)
        if chance.random() < 0.1:
            start = chance.choice(times + [str(start), now_ms + hour, now_ms - 50, now_ms - 7200000])
        elif chance.random() < 0.2:
            start = (start // 1000) * 1000 + chance.choice((0, 50, 150, 949, 950, 951, 999))  # tenths ties and edges
        record: Dict[str, Any] = {
            "jobId": chance.choice(["j%d" % number] * 8 + ["dup", "=x%d" % number, "a,%d" % number, "", None,
                                                           number, "-%d" % number, 'q"%d' % number]),
            "type": chance.choice(["executeNotebook"] * 4 + ["openNotebook", "", None, 5] + list(HOSTILE_TEXTS[2:6])),
            "username": chance.choice(["alice", "bob", "carol"] * 3 + list(HOSTILE_TEXTS) + [None, 12, False]),
            "status": chance.choice(statuses),
            "startTime": start,
        }
        roll = chance.random()
        if roll < 0.6 and isinstance(start, int) and not isinstance(start, bool):
            record["endTime"] = min(start + chance.randrange(0, 3 * hour), now_ms)
        elif roll < 0.7:
            record["endTime"] = chance.choice(times + [str(now_ms - hour)])
        if chance.random() < 0.3:
            record["customAttributes"] = chance.choice([{"isCancelled": True}, {"isCancelled": False},
                                                        {"isCancelled": "true"}, "x", None])
        if chance.random() < 0.4:
            record["inputs"] = chance.choice([{"taskId": "t%d" % chance.randrange(5)}, {"taskId": ""}, {"taskId": None},
                                              {"taskId": 5}, {}, "x", None])
        records.append(record)
    return records
