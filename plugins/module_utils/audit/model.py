# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a job is to an audit: how it ended, the window it counts in, and the few jobs a report names.

``audit_job`` is the rule, one record at a time; ``tally.py`` applies the same rule to a whole list in one pass
without an object per job, and a unit test holds the two to the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, NamedTuple, Optional

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import JobFacts, classify, job_brief

OUTCOME_ACTIVE = "active"
OUTCOME_COMPLETED = "completed"
OUTCOME_FAILED = "failed"
OUTCOME_CANCELLED = "cancelled"
OUTCOMES = (OUTCOME_ACTIVE, OUTCOME_COMPLETED, OUTCOME_FAILED, OUTCOME_CANCELLED)

TIMELINE_BUCKETS = 24


class AuditJob(NamedTuple):
    """One job as the audit names it, already classified: its outcome, whether it is stuck, its age at audit time.

    It has the attributes of the core's ``JobFacts`` but not the server's record. Only the jobs a report names
    (stuck, failed, oldest active, started by a scheduled task) become one.
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
class AuditWindow:
    """The time window finished jobs are counted in: from ``start_ms`` to ``end_ms`` (the audit time)."""

    since: str
    start_ms: int
    end_ms: int

    def contains(self, epoch_ms: Optional[int]) -> bool:
        return epoch_ms is not None and self.start_ms <= epoch_ms <= self.end_ms

    def bucket_ms(self, buckets: int = TIMELINE_BUCKETS) -> int:
        """The width of each of ``buckets`` equal parts of the window (the last may be shorter), at least 1 ms."""
        span_ms = max(1, self.end_ms - self.start_ms)
        return max(1, -(-span_ms // buckets))


def outcome_of(facts: JobFacts) -> str:
    """``active`` (SUBMITTED, PROCESSING, anything not known to be final), or how the job ended."""
    if facts.active:
        return OUTCOME_ACTIVE
    status = facts.status.upper()
    # A cancel shows as customAttributes.isCancelled on a FAILED (or COMPLETED) job; some servers say CANCELLED.
    if facts.cancelled or status in ("CANCELLED", "CANCELED"):
        return OUTCOME_CANCELLED
    if status == "COMPLETED":
        return OUTCOME_COMPLETED
    return OUTCOME_FAILED


def task_id_of(record: Any) -> Optional[str]:
    """The scheduled task that started a job (``inputs.taskId``), or None."""
    inputs = record.get("inputs") if isinstance(record, dict) else None
    task_id = inputs.get("taskId") if isinstance(inputs, dict) else None
    return task_id if isinstance(task_id, str) and task_id else None


def audit_job(record: Any, now_ms: int, stuck_after_seconds: Optional[float]) -> AuditJob:
    """One record as the audit sees it, by the core's ``classify``; items that are not records are active work."""
    facts = classify(record, now_ms, stuck_after_seconds)
    return AuditJob(job_id=facts.job_id, job_type=facts.job_type, owner=facts.owner, status=facts.status,
                    outcome=outcome_of(facts), start_ms=facts.start_ms, end_ms=facts.end_ms, stuck=facts.stuck,
                    age_seconds=facts.age_seconds, task_id=task_id_of(record))


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
