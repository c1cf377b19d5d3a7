# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a drain returns to Ansible: every documented key, the warnings it carries, and whether it failed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.messages import (
    format_check_outcome,
    format_closed,
    format_outcome,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.waiter import (
    STOPPED_ERROR,
    STOPPED_FAILURES,
    STOPPED_TIMEOUT,
    DrainResult,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import JobFacts, job_brief
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.model import NotebookFacts, notebook_brief
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
    # The notebooks this drain closed once the server was idle, those it could not close (id to error), and in
    # check mode those it would close.
    closed_notebooks: Tuple[NotebookFacts, ...] = ()
    close_failures: Dict[str, str] = field(default_factory=dict)
    would_close: Optional[Tuple[NotebookFacts, ...]] = None


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
        if outcome.would_close:
            would.append("would close %s once idle: %s" % (
                "the open notebook" if len(outcome.would_close) == 1 else "%d open notebooks" % len(outcome.would_close),
                ", ".join("%s (%s)" % (notebook.notebook_id, notebook.owner) for notebook in outcome.would_close)))
        msg = format_check_outcome(label, result, would)
    else:
        msg = format_outcome(label, result)
        closed = format_closed(outcome.closed_notebooks, outcome.close_failures)
        if closed:
            msg += "; " + closed
    returned: Dict[str, Any] = {
        "changed": outcome.read_only_set or bool(result.cancelled) or bool(outcome.closed_notebooks),
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
        "busy_notebooks": [notebook_brief(notebook) for notebook in result.busy_notebooks],
        "open_notebooks": None if result.open_notebooks is None else len(result.open_notebooks),
        "closed_notebooks": [notebook_brief(notebook) for notebook in outcome.closed_notebooks],
        "notebook_close_failures": dict(outcome.close_failures),
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
            "would_close_notebooks": [notebook_brief(notebook) for notebook in outcome.would_close or ()],
        })
    return returned


def drain_warnings(returned: Dict[str, Any], on_timeout: str) -> List[str]:
    """Warnings the task carries: jobs left running on purpose, cancels that failed, a wait given up on."""
    warnings = []
    if returned["ignored_stuck_job_ids"]:
        warnings.append("finished around stuck jobs still running: %s" % ", ".join(returned["ignored_stuck_job_ids"]))
    if returned["cancel_failures"]:
        warnings.append("could not cancel: %s" % ", ".join(sorted(returned["cancel_failures"])))
    if returned["notebook_close_failures"]:
        warnings.append("could not close notebooks: %s" % "; ".join(
            "%s (%s)" % (notebook_id, error) for notebook_id, error in sorted(returned["notebook_close_failures"].items())))
    if on_timeout == "continue" and returned["stopped_by"] in (STOPPED_TIMEOUT, STOPPED_FAILURES):
        warnings.append("going on although the server is not idle: %s" % returned["msg"])
    return warnings


def drain_failed(returned: Dict[str, Any], on_timeout: str) -> bool:
    """A wait that did not end idle fails, unless asked to continue; an error that will not pass always fails."""
    if returned["stopped_by"] == STOPPED_ERROR:
        return True
    return returned["stopped_by"] in (STOPPED_TIMEOUT, STOPPED_FAILURES) and on_timeout == "fail"
