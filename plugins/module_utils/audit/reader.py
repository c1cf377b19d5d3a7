# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read one server's jobs (and open notebooks) for an audit with the shared client, classified the way the core does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.notebooks import read_server_notebooks
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import (
    OUTCOME_ACTIVE,
    OUTCOME_CANCELLED,
    OUTCOME_COMPLETED,
    OUTCOME_FAILED,
    AuditJob,
    ServerJobs,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter, open_client_from
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.listing import list_jobs
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import JobFacts, classify


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
    facts = classify(record, now_ms, stuck_after_seconds)
    return AuditJob(job_id=facts.job_id, job_type=facts.job_type, owner=facts.owner, status=facts.status,
                    outcome=outcome_of(facts), start_ms=facts.start_ms, end_ms=facts.end_ms, stuck=facts.stuck,
                    age_seconds=facts.age_seconds, task_id=task_id_of(record))


@dataclass(frozen=True)
class NotebookAuditSettings:
    """How the audit judges open notebooks: busy after activity within ``quiet_for``, stale after ``stale_after``."""

    quiet_for_seconds: float
    stale_after_seconds: float


def read_server_jobs(connection: Dict[str, Any], stuck_after_seconds: Optional[float],
                     on_retry: Optional[Callable[[str], None]] = None,
                     notebooks: Optional[NotebookAuditSettings] = None) -> ServerJobs:
    """Every job of one server (at most two requests, one token), classified on that server's clock; with
    ``notebooks``, its open notebooks and kernels too, with the same token (a failure there is recorded, not raised).

    Raises the core's ``NotebookServerError`` subclasses, whose messages never hold a secret.
    """
    interactive = None
    with open_client_from(OptionAdapter.from_dict(connection), on_retry=on_retry) as client:
        listing = list_jobs(client)
        now_ms = client.now_ms()
        if notebooks is not None:
            interactive = read_server_notebooks(client, client.now_ms(), notebooks.quiet_for_seconds,
                                                notebooks.stale_after_seconds)
    # Items that are not records stay in: they count as active work of an unknown owner.
    jobs = tuple(audit_job(record, now_ms, stuck_after_seconds) for record in listing.records)
    return ServerJobs(jobs=jobs, reported_total=listing.total, incomplete_reason=listing.incomplete_reason,
                      notebooks=interactive)
