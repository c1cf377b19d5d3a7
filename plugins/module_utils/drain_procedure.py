# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole drain of one server: optional READ_ONLY first, the wait, and the result Ansible returns."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple, Type

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain_policy import DrainPolicy
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain_report import (
    format_check_outcome,
    format_duration,
    format_outcome,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain_waiter import (
    STOPPED_CHECK_MODE,
    STOPPED_ERROR,
    STOPPED_FAILURES,
    STOPPED_TIMEOUT,
    DrainResult,
    PollRecord,
    WaitSettings,
    wait_until_idle,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs_listing import JobListing
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs_model import JobFacts

READ_ONLY = "READ_ONLY"
EDITABLE = "EDITABLE"

# The drain's own options; the connection options come from the shared connection argspec.
DRAIN_ARGSPEC: Dict[str, Dict[str, Any]] = {
    "read_only": {"type": "bool", "default": False},
    "poll_interval": {"type": "str", "default": "10s"},
    "wait_timeout": {"type": "str", "default": "30m"},
    "stuck_after": {"type": "str", "default": "2h"},
    "stuck_jobs": {"type": "str", "default": "block", "choices": ["block", "ignore", "cancel"]},
    "on_timeout": {"type": "str", "default": "fail", "choices": ["fail", "continue"]},
    "max_consecutive_failures": {"type": "int", "default": 5},
    "job_types": {"type": "list", "elements": "str", "default": []},
    "owners": {"type": "list", "elements": "str", "default": []},
}


@dataclass(frozen=True)
class DrainRequest:
    """What the caller asked for, in seconds and policies."""

    policy: DrainPolicy
    settings: WaitSettings
    read_only: bool = False
    on_timeout: str = "fail"


def request_from_options(options: Dict[str, Any], parse_duration: Callable[[Any, str], float]) -> DrainRequest:
    """Build a request from validated ``DRAIN_ARGSPEC`` options.

    ``parse_duration(value, option)`` turns ``30m`` into seconds and raises an error naming the option;
    a ``ValueError`` names an impossible combination.
    """

    def duration(name: str) -> Optional[float]:
        value = options.get(name)
        if value is None or str(value).strip() == "":
            return None
        return float(parse_duration(value, name))

    poll_interval = duration("poll_interval")
    wait_timeout = duration("wait_timeout")
    if poll_interval is None or wait_timeout is None:
        raise ValueError("poll_interval and wait_timeout must be set")
    return DrainRequest(
        policy=DrainPolicy(
            job_types=tuple(options.get("job_types") or ()),
            owners=tuple(options.get("owners") or ()),
            stuck_after=duration("stuck_after"),
            stuck_policy=options.get("stuck_jobs") or "block",
        ),
        settings=WaitSettings(
            poll_interval=poll_interval,
            timeout=wait_timeout,
            max_consecutive_failures=int(options.get("max_consecutive_failures") or 0),
        ),
        read_only=bool(options.get("read_only")),
        on_timeout=options.get("on_timeout") or "fail",
    )


@dataclass
class SiteOperations:
    """The calls a drain makes to one server; each is bound to one client (one token)."""

    list_jobs: Callable[[], JobListing]
    read_site_mode: Callable[[], str]
    update_site_mode: Callable[[str], object]
    cancel_job: Callable[[str], object]
    fault_types: Tuple[Type[Exception], ...]
    is_transient: Callable[[Exception], bool]
    describe_error: Callable[[Exception], str] = str


@dataclass
class DrainOutcome:
    """A wait's result plus what was done to the site mode, and in check mode what would be done."""

    result: DrainResult
    site_mode: Optional[str] = None
    read_only_set: bool = False
    check_mode: bool = False
    would_set_read_only: bool = False
    would_cancel: Tuple[JobFacts, ...] = ()
    wait_timeout: float = 0.0


def _mode_error(message: str) -> DrainResult:
    return DrainResult(idle=False, stopped_by=STOPPED_ERROR, waited_seconds=0.0, polls=0, failures=0,
                       last_error=message)


def run_drain(
    operations: SiteOperations,
    request: DrainRequest,
    *,
    check_mode: bool = False,
    on_poll: Optional[Callable[[PollRecord], None]] = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    wall_clock: Callable[[], float] = time.time,
) -> DrainOutcome:
    """Drain one server. In check mode: look once, change nothing, say what would be done."""
    site_mode: Optional[str] = None
    read_only_set = False
    if request.read_only:
        try:
            site_mode = operations.read_site_mode()
            if site_mode == EDITABLE and not check_mode:
                operations.update_site_mode(READ_ONLY)
                read_only_set = True
        except operations.fault_types as exc:  # pylint: disable=catching-non-exception
            return DrainOutcome(result=_mode_error("could not switch the site to READ_ONLY: %s" % operations.describe_error(exc)),
                                site_mode=site_mode, read_only_set=_read_only_after_error(operations, site_mode))

    if check_mode:
        # One look: a zero timeout makes the waiter poll exactly once; nothing is cancelled.
        look = WaitSettings(request.settings.poll_interval, 0.0, request.settings.max_consecutive_failures)
        result = wait_until_idle(operations.list_jobs, request.policy, look, fault_types=operations.fault_types,
                                 is_transient=operations.is_transient, on_poll=on_poll, clock=clock, sleep=sleep,
                                 wall_clock=wall_clock, describe_error=operations.describe_error)
        if result.stopped_by == STOPPED_TIMEOUT:
            result.stopped_by = STOPPED_CHECK_MODE
        return DrainOutcome(
            result=result, site_mode=site_mode, check_mode=True, wait_timeout=request.settings.timeout,
            would_set_read_only=request.read_only and site_mode == EDITABLE,
            would_cancel=result.stuck if request.policy.stuck_policy == "cancel" else (),
        )

    result = wait_until_idle(
        operations.list_jobs, request.policy, request.settings, fault_types=operations.fault_types,
        is_transient=operations.is_transient, cancel_job=operations.cancel_job, on_poll=on_poll,
        clock=clock, sleep=sleep, wall_clock=wall_clock, describe_error=operations.describe_error,
    )
    return DrainOutcome(result=result, site_mode=site_mode, read_only_set=read_only_set)


def _read_only_after_error(operations: SiteOperations, site_mode: Optional[str]) -> bool:
    """After a failed switch, look again: the POST may have taken effect although its answer was lost."""
    if site_mode != EDITABLE:
        return False
    try:
        return operations.read_site_mode() == READ_ONLY
    except operations.fault_types:  # pylint: disable=catching-non-exception
        return False


def job_record(job: JobFacts, stuck_ids: Tuple[str, ...] = ()) -> Dict[str, Any]:
    """A job as returned to Ansible."""
    return {
        "id": job.job_id,
        "type": job.job_type,
        "owner": job.owner,
        "status": job.status,
        "age_seconds": None if job.age_seconds is None else round(job.age_seconds, 1),
        "age": format_duration(job.age_seconds),
        "stuck": job.job_id in stuck_ids,
    }


def outcome_to_result(label: str, outcome: DrainOutcome) -> Dict[str, Any]:
    """The task result: every documented return key, plus ``msg``; ``failed`` is left to the caller."""
    result = outcome.result
    stuck_ids = tuple(job.job_id for job in result.stuck)
    if outcome.check_mode:
        would: List[str] = []
        if outcome.would_set_read_only:
            would.append("would set READ_ONLY")
        if not result.idle:
            would.append("would wait up to %s" % format_duration(outcome.wait_timeout))
        if outcome.would_cancel:
            would.append("would cancel %s" % ", ".join(job.job_id for job in outcome.would_cancel))
        msg = format_check_outcome(label, result, would)
    else:
        msg = format_outcome(label, result)
    returned: Dict[str, Any] = {
        "changed": outcome.read_only_set or bool(result.cancelled),
        "idle": result.idle,
        "stopped_by": result.stopped_by,
        "timed_out": result.timed_out,
        "waited_seconds": round(result.waited_seconds, 1),
        "polls": result.polls,
        "failures": result.failures,
        "blocking_jobs": [job_record(job, stuck_ids) for job in result.blocking],
        "stuck_job_ids": list(stuck_ids),
        "ignored_stuck_job_ids": [job.job_id for job in result.ignored_stuck],
        "cancelled_job_ids": [job.job_id for job in result.cancelled],
        "cancel_failures": dict(result.cancel_failures),
        "site_mode": outcome.site_mode,
        "read_only_set": outcome.read_only_set,
        "last_error": result.last_error,
        "msg": msg,
    }
    if outcome.check_mode:
        returned.update({
            "would_set_read_only": outcome.would_set_read_only,
            "would_wait": not result.idle,
            "would_cancel_job_ids": [job.job_id for job in outcome.would_cancel],
        })
    return returned


def drain_warnings(returned: Dict[str, Any], on_timeout: str) -> List[str]:
    """Warnings the task carries: jobs left running on purpose, cancels that failed, a wait given up on."""
    warnings = []
    if returned["ignored_stuck_job_ids"]:
        warnings.append("finished around stuck jobs still running: %s" % ", ".join(returned["ignored_stuck_job_ids"]))
    if returned["cancel_failures"]:
        warnings.append("could not cancel: %s" % ", ".join(sorted(returned["cancel_failures"])))
    if on_timeout == "continue" and returned["stopped_by"] in (STOPPED_TIMEOUT, STOPPED_FAILURES):
        warnings.append("going on although the server is not idle: %s" % returned["msg"])
    return warnings


def drain_failed(returned: Dict[str, Any], on_timeout: str) -> bool:
    """A wait that did not end idle fails, unless asked to continue; an error that will not pass always fails."""
    if returned["stopped_by"] == STOPPED_ERROR:
        return True
    return returned["stopped_by"] in (STOPPED_TIMEOUT, STOPPED_FAILURES) and on_timeout == "fail"
