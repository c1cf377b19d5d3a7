# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which jobs keep a Notebook Server from being drained: a pure verdict on one listing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.listing import JobListing
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import JobFacts, classify
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.query import JobsQuery

STUCK_POLICIES = ("block", "ignore", "cancel")


@dataclass(frozen=True)
class DrainPolicy:
    """Which active jobs count, and what to do with jobs active longer than ``stuck_after``."""

    job_types: Tuple[str, ...] = ()
    owners: Tuple[str, ...] = ()
    stuck_after: Optional[float] = None
    stuck_policy: str = "block"

    def __post_init__(self) -> None:
        if self.stuck_policy not in STUCK_POLICIES:
            raise ValueError("stuck policy must be one of %s, not %r" % (", ".join(STUCK_POLICIES), self.stuck_policy))
        if self.stuck_after is not None and self.stuck_after <= 0:
            raise ValueError("stuck_after must be a positive duration")
        if self.stuck_policy != "block" and self.stuck_after is None:
            raise ValueError("ignoring or cancelling stuck jobs needs stuck_after")

    @property
    def scope(self) -> JobsQuery:
        """The jobs the drain waits for, as the core's query (type and owner compared case-insensitively)."""
        return JobsQuery(job_types=frozenset(t.casefold() for t in self.job_types),
                         owners=frozenset(o.casefold() for o in self.owners))


def keeps_busy(job: JobFacts, scope: JobsQuery) -> bool:
    """An active job in scope. A job whose cancel is only requested still runs until its status is final;
    an item of the list that is not a record may be anyone's work, so no scope leaves it out.
    """
    return job.active and (not isinstance(job.record, dict) or scope.matches(job))


@dataclass(frozen=True)
class IdleVerdict:
    """The answer for one listing: idle or not, and the jobs behind the answer (oldest first)."""

    idle: bool
    complete: bool
    blocking: Tuple[JobFacts, ...]
    stuck: Tuple[JobFacts, ...]
    to_cancel: Tuple[JobFacts, ...]

    @property
    def ignored_stuck(self) -> Tuple[JobFacts, ...]:
        """Stuck jobs that do not block because the policy says to ignore them."""
        blocking_ids = {job.job_id for job in self.blocking}
        return tuple(job for job in self.stuck if job.job_id not in blocking_ids)


def _oldest_first(jobs: Tuple[JobFacts, ...]) -> Tuple[JobFacts, ...]:
    # Jobs without a start time sort last: their age is unknown, not zero.
    return tuple(sorted(jobs, key=lambda job: -job.age_seconds if job.age_seconds is not None else float("inf")))


def judge_listing(listing: JobListing, policy: DrainPolicy, now_ms: int) -> IdleVerdict:
    """Say whether a server whose jobs are ``listing`` is idle under ``policy``, ages counted up to ``now_ms``.

    A listing that is not ``complete`` (fewer jobs came back than the server holds)
    is never idle: an active job may be among the ones we did not see.
    """
    scope = policy.scope
    classified = (classify(record, now_ms, policy.stuck_after) for record in listing.records)
    active = _oldest_first(tuple(job for job in classified if keeps_busy(job, scope)))
    stuck = tuple(job for job in active if job.stuck)
    if policy.stuck_policy == "ignore":
        blocking = tuple(job for job in active if not job.stuck)
    else:
        # Cancelled stuck jobs still block until the server reports them finished.
        blocking = active
    to_cancel = stuck if policy.stuck_policy == "cancel" else ()
    return IdleVerdict(
        idle=listing.complete and not blocking,
        complete=listing.complete,
        blocking=blocking,
        stuck=stuck,
        to_cancel=to_cancel,
    )
