# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What keeps a Notebook Server from being drained: active jobs and busy notebooks; a pure verdict on one poll."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Optional, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.listing import JobListing
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import JobFacts, classify
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.query import JobsQuery
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.listing import InteractiveListing
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.model import (
    ContainerFacts,
    KernelFacts,
    NotebookFacts,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.model import classify as classify_notebooks

STUCK_POLICIES = ("block", "ignore", "cancel")
NOTEBOOKS_WAIT = "wait"
NOTEBOOKS_IGNORE = "ignore"
NOTEBOOK_POLICIES = (NOTEBOOKS_WAIT, NOTEBOOKS_IGNORE)
DEFAULT_QUIET_FOR = 300.0


@dataclass(frozen=True)
class DrainPolicy:
    """Which active jobs count, and what to do with jobs active longer than ``stuck_after``."""

    job_types: Tuple[str, ...] = ()
    owners: Tuple[str, ...] = ()
    stuck_after: Optional[float] = None
    stuck_policy: str = "block"
    # Whether busy notebooks keep the server busy, and how long after the last activity a notebook is quiet.
    notebooks: str = NOTEBOOKS_WAIT
    quiet_for: float = DEFAULT_QUIET_FOR

    def __post_init__(self) -> None:
        if self.notebooks not in NOTEBOOK_POLICIES:
            raise ValueError("notebooks must be one of %s, not %r" % (", ".join(NOTEBOOK_POLICIES), self.notebooks))
        if self.quiet_for < 0:
            raise ValueError("quiet_for must not be negative")
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
class WorkListing:
    """What one poll read: the jobs, and the interactive work (None when the policy ignores notebooks)."""

    jobs: JobListing
    notebooks: Optional[InteractiveListing] = None


@dataclass(frozen=True)
class IdleVerdict:
    """The answer for one poll: idle or not, and the jobs (oldest first) and notebooks behind the answer."""

    idle: bool
    complete: bool
    blocking: Tuple[JobFacts, ...]
    stuck: Tuple[JobFacts, ...]
    to_cancel: Tuple[JobFacts, ...]
    notebooks_read: bool = False
    # Busy notebooks, those whose kernel works first; busy kernels of containers without a listed notebook.
    busy_notebooks: Tuple[NotebookFacts, ...] = ()
    busy_unattributed: Tuple[Tuple[ContainerFacts, KernelFacts], ...] = ()
    open_notebooks: Tuple[NotebookFacts, ...] = ()
    notebooks_complete: bool = True
    notebooks_reasons: Tuple[str, ...] = ()

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


def _busiest_first(notebooks: Tuple[NotebookFacts, ...]) -> Tuple[NotebookFacts, ...]:
    """A working kernel first, then an unknown one, then recent activity; the longest at it first within each."""
    def rank(notebook: NotebookFacts) -> Tuple[int, float]:
        working = any(kernel.busy for kernel in notebook.kernels)
        kind = 0 if working else (1 if not notebook.kernels_known else 2)
        moment = notebook.last_activity_ms
        return kind, float(moment) if moment is not None else float("-inf")
    return tuple(sorted(notebooks, key=rank))


def judge_work(work: WorkListing, policy: DrainPolicy, now_ms: int) -> IdleVerdict:
    """Idle = no active job in scope and, unless the policy ignores notebooks, every notebook in scope read and quiet.

    Notebooks not read although the policy waits for them are never quiet. ``policy.owners`` narrows the notebooks
    as it narrows the jobs.
    """
    verdict = judge_listing(work.jobs, policy, now_ms)
    if policy.notebooks == NOTEBOOKS_IGNORE:
        return verdict
    if work.notebooks is None:
        return dataclasses.replace(verdict, idle=False, notebooks_complete=False,
                                   notebooks_reasons=("the notebooks were not read",))
    facts = classify_notebooks(work.notebooks, now_ms, policy.quiet_for, policy.owners)
    return dataclasses.replace(
        verdict,
        idle=verdict.idle and facts.quiet,
        notebooks_read=True,
        busy_notebooks=_busiest_first(facts.busy_notebooks),
        busy_unattributed=facts.unattributed,
        open_notebooks=facts.notebooks,
        notebooks_complete=facts.complete,
        notebooks_reasons=facts.incomplete_reasons,
    )
