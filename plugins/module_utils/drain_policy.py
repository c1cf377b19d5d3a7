# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which jobs keep a Notebook Server from being drained: a pure verdict on one listing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Tuple

STUCK_POLICIES = ("block", "ignore", "cancel")


@dataclass(frozen=True)
class DrainJob:
    """One job as the drain sees it: who runs what, since when, and whether it is still active."""

    job_id: str
    job_type: str
    owner: str
    status: str
    active: bool
    age_seconds: Optional[float] = None


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

    def in_scope(self, job: DrainJob) -> bool:
        # Usernames and job type names are compared case-insensitively: Portal usernames are.
        if self.job_types and job.job_type.casefold() not in {t.casefold() for t in self.job_types}:
            return False
        if self.owners and job.owner.casefold() not in {o.casefold() for o in self.owners}:
            return False
        return True

    def is_stuck(self, job: DrainJob) -> bool:
        return self.stuck_after is not None and job.age_seconds is not None and job.age_seconds >= self.stuck_after


@dataclass(frozen=True)
class IdleVerdict:
    """The answer for one listing: idle or not, and the jobs behind the answer (oldest first)."""

    idle: bool
    complete: bool
    active: Tuple[DrainJob, ...]
    blocking: Tuple[DrainJob, ...]
    stuck: Tuple[DrainJob, ...]
    to_cancel: Tuple[DrainJob, ...]

    @property
    def ignored_stuck(self) -> Tuple[DrainJob, ...]:
        """Stuck jobs that do not block because the policy says to ignore them."""
        blocking_ids = {job.job_id for job in self.blocking}
        return tuple(job for job in self.stuck if job.job_id not in blocking_ids)


def _oldest_first(jobs: Iterable[DrainJob]) -> Tuple[DrainJob, ...]:
    # Jobs without a start time sort last: their age is unknown, not zero.
    return tuple(sorted(jobs, key=lambda job: -job.age_seconds if job.age_seconds is not None else float("inf")))


def judge_listing(jobs: Iterable[DrainJob], complete: bool, policy: DrainPolicy) -> IdleVerdict:
    """Say whether a server whose job listing is ``jobs`` is idle under ``policy``.

    A listing that is not ``complete`` (fewer jobs came back than the server holds)
    is never idle: an active job may be among the ones we did not see.
    """
    active = _oldest_first(job for job in jobs if job.active and policy.in_scope(job))
    stuck = tuple(job for job in active if policy.is_stuck(job))
    if policy.stuck_policy == "ignore":
        stuck_ids = {job.job_id for job in stuck}
        blocking = tuple(job for job in active if job.job_id not in stuck_ids)
    else:
        # Cancelled stuck jobs still block until the server reports them finished.
        blocking = active
    to_cancel = stuck if policy.stuck_policy == "cancel" else ()
    return IdleVerdict(
        idle=complete and not blocking,
        complete=complete,
        active=active,
        blocking=blocking,
        stuck=stuck,
        to_cancel=to_cancel,
    )
