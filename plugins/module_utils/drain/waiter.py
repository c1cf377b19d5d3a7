# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Poll a Notebook Server's jobs and notebooks until it is idle, on a monotonic clock, surviving transient faults."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple, Union

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    BadResponseError,
    NotebookServerError,
    ServerError,
    TLSError,
    TransportError,
    cause,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.policy import (
    NOTEBOOKS_WAIT,
    DrainPolicy,
    IdleVerdict,
    WorkListing,
    judge_listing,
    judge_work,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.listing import JobListing
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import JobFacts
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.model import (
    ContainerFacts,
    KernelFacts,
    NotebookFacts,
)

# Why a wait ended.
STOPPED_IDLE = "idle"
STOPPED_TIMEOUT = "timeout"
STOPPED_FAILURES = "failures"
STOPPED_ERROR = "error"
STOPPED_CHECK_MODE = "check_mode"  # check mode looked once and found the server busy


@dataclass(frozen=True)
class WaitSettings:
    """How often to look, for how long, and how many failed looks in a row end the wait."""

    poll_interval: float
    timeout: float
    max_consecutive_failures: int

    def __post_init__(self) -> None:
        if self.poll_interval <= 0:
            raise ValueError("poll_interval must be positive")
        if self.timeout < 0:
            raise ValueError("timeout must not be negative")
        if self.max_consecutive_failures < 1:
            raise ValueError("max_consecutive_failures must be at least 1")


@dataclass(frozen=True)
class PollRecord:
    """What one poll saw; enough to print one line for a person watching."""

    number: int
    elapsed: float
    timeout: float
    verdict: Optional[IdleVerdict]
    listing: Optional[JobListing] = None
    error: Optional[str] = None
    transient: bool = True
    consecutive_failures: int = 0
    max_consecutive_failures: int = 0
    cancelled: Tuple[JobFacts, ...] = ()
    cancel_errors: Tuple[Tuple[JobFacts, str], ...] = ()


@dataclass
class DrainResult:
    """The outcome of a wait. ``blocking`` and the notebooks come from the last poll that was read."""

    idle: bool
    stopped_by: str
    waited_seconds: float
    polls: int
    failures: int
    consecutive_failures: int = 0
    blocking: Tuple[JobFacts, ...] = ()
    stuck: Tuple[JobFacts, ...] = ()
    ignored_stuck: Tuple[JobFacts, ...] = ()
    cancelled: Tuple[JobFacts, ...] = ()
    cancel_failures: Dict[str, str] = field(default_factory=dict)
    last_error: Optional[str] = None
    timeout: float = 0.0
    busy_notebooks: Tuple[NotebookFacts, ...] = ()
    busy_unattributed: Tuple[Tuple[ContainerFacts, KernelFacts], ...] = ()
    # The notebooks in scope at the last poll that read them; None when none did (ignored, or every poll failed).
    open_notebooks: Optional[Tuple[NotebookFacts, ...]] = None
    notebooks_reasons: Tuple[str, ...] = ()
    notebooks_waited: bool = False  # the policy waits for busy notebooks

    @property
    def timed_out(self) -> bool:
        return self.stopped_by == STOPPED_TIMEOUT


def fault_will_pass(exc: NotebookServerError, read_before: bool = False) -> bool:
    """Faults a waiting drain counts and outlives: no connection or answer (a restart, a timeout), a 5xx,
    a gateway's error page; and, once the server has been read, any answer that cannot be read (a login
    page or half an answer while a Web Adaptor or the server restarts). Credentials, permissions, a wrong
    URL or certificate will not pass by waiting, nor an unreadable answer at the first look (that is a
    wrong url, not a restart).
    """
    if isinstance(exc, TLSError):
        return False
    if isinstance(exc, TransportError):
        return True
    if isinstance(exc, ServerError):
        return (exc.code or exc.status or 500) >= 500
    if isinstance(exc, BadResponseError):
        return read_before or (exc.status is not None and exc.status >= 500)
    return False


class _Canceller:
    """Cancels each stuck job once; a transient failure is retried on the next poll."""

    def __init__(self, cancel: Optional[Callable[[str], object]]) -> None:
        self._cancel = cancel
        self.cancelled: List[JobFacts] = []
        self.failed: Dict[str, str] = {}

    def cancel_new(self, jobs: Tuple[JobFacts, ...]) -> Tuple[Tuple[JobFacts, ...], Tuple[Tuple[JobFacts, str], ...]]:
        if self._cancel is None:
            return (), ()
        done = {job.job_id for job in self.cancelled} | set(self.failed)
        cancelled_now: List[JobFacts] = []
        errors: List[Tuple[JobFacts, str]] = []
        for job in jobs:
            if job.job_id in done:
                continue
            try:
                self._cancel(job.job_id)
            except NotebookServerError as exc:
                errors.append((job, cause(exc)))
                if not fault_will_pass(exc):
                    self.failed[job.job_id] = cause(exc)
                continue
            cancelled_now.append(job)
        self.cancelled.extend(cancelled_now)
        return tuple(cancelled_now), tuple(errors)


def _judge(listing: Union[JobListing, WorkListing], policy: DrainPolicy, now_ms: int) -> Tuple[IdleVerdict, JobListing]:
    """The verdict on what a poll read: jobs and notebooks (a ``WorkListing``), or jobs alone (a ``JobListing``)."""
    if isinstance(listing, WorkListing):
        return judge_work(listing, policy, now_ms), listing.jobs
    return judge_listing(listing, policy, now_ms), listing


def wait_until_idle(
    fetch_listing: Callable[[], Union[JobListing, WorkListing]],
    policy: DrainPolicy,
    settings: WaitSettings,
    *,
    cancel_job: Optional[Callable[[str], object]] = None,
    on_poll: Optional[Callable[[PollRecord], None]] = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    now_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    fresh_session: Optional[Callable[[], object]] = None,
) -> DrainResult:
    """Read the jobs (and the notebooks) every ``poll_interval`` seconds until the server is idle under ``policy``.

    One call of ``fetch_listing`` per poll; a ``WorkListing`` is judged with its notebooks (``judge_work``), a bare
    ``JobListing`` on its jobs alone. Polls start ``poll_interval`` apart
    (only the rest of the interval is slept), so idle is seen within one interval
    of the last job ending. An error that will pass (``fault_will_pass``) is counted
    and the wait goes on; the wait ends when the server is idle, at ``timeout``,
    after ``max_consecutive_failures`` failed polls in a row, or at the first error
    that will not pass. Stuck jobs are handed to ``cancel_job`` when the policy says
    cancel. ``clock`` times the wait; job ages are counted up to ``now_ms()``, which
    should be the server's clock, like its start times. After an unreadable answer (once
    the server has been read) ``fresh_session`` is called once before the next poll: a
    login page may mean the session is gone.
    """
    start = clock()
    deadline = start + settings.timeout
    canceller = _Canceller(cancel_job)
    polls = failures = consecutive = 0
    last_verdict: Optional[IdleVerdict] = None
    last_error: Optional[str] = None
    stopped_by = STOPPED_TIMEOUT
    read_before = False
    refreshed = False  # a fresh session was asked for since the last good poll

    while True:
        poll_started = clock()
        polls += 1
        try:
            listing = fetch_listing()
        except NotebookServerError as exc:
            last_error = cause(exc)
            failures += 1
            consecutive += 1
            transient = fault_will_pass(exc, read_before)
            if transient and isinstance(exc, BadResponseError) and fresh_session is not None and not refreshed:
                fresh_session()
                refreshed = True
            record = PollRecord(
                number=polls, elapsed=clock() - start, timeout=settings.timeout, verdict=None,
                error=last_error, transient=transient, consecutive_failures=consecutive,
                max_consecutive_failures=settings.max_consecutive_failures,
            )
            if on_poll is not None:
                on_poll(record)
            if not transient:
                stopped_by = STOPPED_ERROR
                break
            if consecutive >= settings.max_consecutive_failures:
                stopped_by = STOPPED_FAILURES
                break
        else:
            consecutive = 0
            read_before, refreshed = True, False
            last_verdict, jobs_listing = _judge(listing, policy, now_ms())
            cancelled_now, cancel_errors = canceller.cancel_new(last_verdict.to_cancel)
            if on_poll is not None:
                on_poll(PollRecord(
                    number=polls, elapsed=clock() - start, timeout=settings.timeout, verdict=last_verdict,
                    listing=jobs_listing, max_consecutive_failures=settings.max_consecutive_failures,
                    cancelled=cancelled_now, cancel_errors=cancel_errors,
                ))
            if last_verdict.idle:
                stopped_by = STOPPED_IDLE
                break

        now = clock()
        if now >= deadline:
            stopped_by = STOPPED_TIMEOUT
            break
        # The last poll happens at the deadline itself, not one interval after it.
        sleep(max(0.0, min(poll_started + settings.poll_interval, deadline) - now))

    return DrainResult(
        idle=stopped_by == STOPPED_IDLE,
        stopped_by=stopped_by,
        waited_seconds=clock() - start,
        polls=polls,
        failures=failures,
        consecutive_failures=consecutive,
        blocking=last_verdict.blocking if last_verdict else (),
        stuck=last_verdict.stuck if last_verdict else (),
        ignored_stuck=last_verdict.ignored_stuck if last_verdict else (),
        cancelled=tuple(canceller.cancelled),
        cancel_failures=dict(canceller.failed),
        last_error=last_error,
        timeout=settings.timeout,
        busy_notebooks=last_verdict.busy_notebooks if last_verdict else (),
        busy_unattributed=last_verdict.busy_unattributed if last_verdict else (),
        open_notebooks=last_verdict.open_notebooks if last_verdict and last_verdict.notebooks_read else None,
        notebooks_reasons=last_verdict.notebooks_reasons if last_verdict else (),
        notebooks_waited=policy.notebooks == NOTEBOOKS_WAIT,
    )
