# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a drain returns to Ansible: every documented key, the warnings it carries, and whether it failed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.messages import (
    format_check_outcome,
    format_outcome,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.waiter import (
    STOPPED_ERROR,
    STOPPED_FAILURES,
    STOPPED_TIMEOUT,
    DrainResult,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import JobFacts, job_brief
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.times import format_duration


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


def outcome_to_result(label: str, outcome: DrainOutcome) -> Dict[str, Any]:
    """The task result: every documented return key, plus ``msg``; ``failed`` is left to ``drain_failed``."""
    result = outcome.result
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
        "blocking_jobs": [job_brief(job) for job in result.blocking],
        "stuck_job_ids": [job.job_id for job in result.stuck],
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
