# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The words a drain prints: one line per poll, and the closing summary."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.waiter import (
    STOPPED_ERROR,
    STOPPED_FAILURES,
    STOPPED_IDLE,
    DrainResult,
    PollRecord,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.policy import IdleVerdict
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import JobFacts
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.model import (
    ContainerFacts,
    KernelFacts,
    NotebookFacts,
    describe_notebook,
    describe_state,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.text import plural, shorten
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.times import format_duration


def describe_job(job: JobFacts) -> str:
    """``executeNotebook by alice, 12m``."""
    return "%s by %s, %s" % (job.job_type or "unknown type", job.owner or "unknown user", format_duration(job.age_seconds))


def describe_job_with_id(job: JobFacts, stuck: bool = False) -> str:
    """``j0bc7... executeNotebook by alice, 12m (PROCESSING, stuck)``."""
    notes = job.status or "no status"
    if stuck:
        notes += ", stuck"
    return "%s %s (%s)" % (job.job_id, describe_job(job), notes)


def describe_notebook_with_id(notebook: NotebookFacts) -> str:
    """``b5e1c0de... by alice (kernel busy, last activity 40s ago)``: id, owner, kernel state, last activity."""
    return "%s by %s (%s)" % (notebook.notebook_id or "(no id)", notebook.owner or "unknown user",
                              describe_state(notebook))


def describe_unattributed(container: ContainerFacts, kernel: KernelFacts) -> str:
    """``kernel 4c1e... in container c9 of scheduler (busy)``: a busy kernel no listed notebook is known to own."""
    return "kernel %s in container %s of %s (%s)" % (
        kernel.kernel_id or "(no id)", container.container_id, container.owner or "unknown user", kernel.state)


def _notebook_parts(verdict: IdleVerdict) -> List[str]:
    """``1 busy notebook (alice: kernel busy, last activity 40s ago)`` and the like, for a poll line."""
    parts = []
    busy = verdict.busy_notebooks
    if busy:
        more = "; %d more" % (len(busy) - 1) if len(busy) > 1 else ""
        parts.append("%s (%s%s)" % (plural(len(busy), "busy notebook"), describe_notebook(busy[0]), more))
    if verdict.busy_unattributed:
        owners = sorted({container.owner or "unknown user" for container, _kernel in verdict.busy_unattributed})
        parts.append("%s without an open notebook (%s)" % (
            plural(len(verdict.busy_unattributed), "busy kernel"), ", ".join(owners)))
    if not verdict.notebooks_complete and verdict.notebooks_reasons:
        parts.append("notebooks not all read: %s" % shorten(verdict.notebooks_reasons[0], 100))
    return parts


def short_error(message: Optional[str]) -> str:
    """First line of an error message, cut to a length that fits one printed line."""
    lines = (message or "").strip().splitlines()
    return shorten(lines[0] if lines else "unknown error")


def _progress(record: PollRecord) -> str:
    if record.timeout <= 0:
        return "one look, no waiting"
    return "waiting %s of %s" % (format_duration(record.elapsed), format_duration(record.timeout))


def format_poll_line(label: str, record: PollRecord) -> str:
    """One line a person reads at a glance, e.g.

    ``nb1: 3 active jobs (oldest: executeNotebook by alice, 12m) - waiting 4m10s of 30m``
    """
    verdict = record.verdict
    if verdict is None:
        if not record.transient:
            return "%s: poll %d failed: %s - stopping" % (label, record.number, short_error(record.error))
        return "%s: poll %d failed: %s (%d in a row, stopping at %d) - %s" % (
            label, record.number, short_error(record.error), record.consecutive_failures,
            record.max_consecutive_failures, _progress(record))

    ignored = verdict.ignored_stuck
    if verdict.idle:
        line = "%s: idle" % label
        if ignored:
            line += " apart from %s ignored (oldest: %s)" % (plural(len(ignored), "stuck job"), describe_job(ignored[0]))
        if verdict.open_notebooks:
            line += " (%s, all quiet)" % plural(len(verdict.open_notebooks), "open notebook")
        line += " - after %s, %s" % (format_duration(record.elapsed), plural(record.number, "poll"))
    else:
        parts = [plural(len(verdict.blocking), "active job") if verdict.blocking else "no active job"]
        blocking_stuck = len(verdict.stuck) - len(ignored)
        if blocking_stuck:
            parts.append("%d stuck" % blocking_stuck)
        if ignored:
            parts.append("%d stuck ignored" % len(ignored))
        jobs = ", ".join(parts)
        if verdict.blocking:
            jobs += " (oldest: %s)" % describe_job(verdict.blocking[0])
        parts = [jobs]
        if not verdict.complete and record.listing is not None:
            total = record.listing.total
            parts.append("listing incomplete: %d of %s jobs" % (len(record.listing.records), "?" if total is None else total))
        line = "%s: %s" % (label, ", ".join(parts + _notebook_parts(verdict)))
        line += " - " + _progress(record)
    for job in record.cancelled:
        line += "; cancelled stuck job %s (%s)" % (job.job_id, describe_job(job))
    for job, error in record.cancel_errors:
        line += "; could not cancel %s: %s" % (job.job_id, short_error(error))
    return line


def _job_list(jobs: Iterable[JobFacts], stuck_ids: Iterable[str]) -> str:
    stuck = set(stuck_ids)
    return "; ".join(describe_job_with_id(job, job.job_id in stuck) for job in jobs)


def _blocking_tail(result: DrainResult, stuck_ids: List[str]) -> str:
    """Every job and notebook that kept the server busy at the last poll read, or why idle could not be confirmed."""
    parts = []
    if result.blocking:
        parts.append("%s: %s" % (plural(len(result.blocking), "blocking job"), _job_list(result.blocking, stuck_ids)))
    if result.busy_notebooks:
        parts.append("%s: %s" % (plural(len(result.busy_notebooks), "busy notebook"),
                                 "; ".join(describe_notebook_with_id(notebook) for notebook in result.busy_notebooks)))
    if result.busy_unattributed:
        parts.append("%s without an open notebook: %s" % (
            plural(len(result.busy_unattributed), "busy kernel"),
            "; ".join(describe_unattributed(container, kernel) for container, kernel in result.busy_unattributed)))
    if result.notebooks_reasons and result.polls > result.failures:
        parts.append("the notebooks could not all be read (%s), so they are not known to be quiet"
                     % "; ".join(result.notebooks_reasons))
    if parts:
        return "; " + "; ".join(parts)
    if result.polls > result.failures:
        return "; the last listing was incomplete, so idle could not be confirmed"
    return "; no listing could be read"


def _ignored_tail(result: DrainResult, stuck_ids: List[str]) -> str:
    if not result.ignored_stuck:
        return ""
    return "; ignored %s: %s" % (plural(len(result.ignored_stuck), "stuck job"), _job_list(result.ignored_stuck, stuck_ids))


def format_outcome(label: str, result: DrainResult) -> str:
    """The closing sentence: idle, or why not and every job that still blocks."""
    stuck_ids = [job.job_id for job in result.stuck]
    waited = "%s (%s, %d failed)" % (format_duration(result.waited_seconds), plural(result.polls, "poll"), result.failures)
    if result.stopped_by == STOPPED_IDLE:
        line = "%s: idle after %s%s" % (label, waited, _ignored_tail(result, stuck_ids))
    else:
        if result.stopped_by == STOPPED_FAILURES:
            line = "%s: gave up after %s: %s failed in a row, last error: %s" % (
                label, waited, plural(result.consecutive_failures, "poll"), short_error(result.last_error))
        elif result.stopped_by == STOPPED_ERROR:
            line = "%s: stopped after %s: %s" % (label, waited, short_error(result.last_error))
        else:
            line = "%s: not idle after %s, timeout %s" % (label, waited, format_duration(result.timeout))
        line += _blocking_tail(result, stuck_ids)
    if result.cancelled:
        line += "; cancelled: %s" % ", ".join(job.job_id for job in result.cancelled)
    for job_id, error in sorted(result.cancel_failures.items()):
        line += "; could not cancel %s: %s" % (job_id, short_error(error))
    return line


def format_check_outcome(label: str, result: DrainResult, would: List[str]) -> str:
    """Check mode's answer after one look: idle now or not, and what a real run would do."""
    stuck_ids = [job.job_id for job in result.stuck]
    if result.idle:
        line = "%s: idle now%s" % (label, _ignored_tail(result, stuck_ids))
    elif result.failures:
        line = "%s: could not read the jobs%s: %s" % (label, " and notebooks" if result.notebooks_waited else "",
                                                      short_error(result.last_error))
    else:
        line = "%s: not idle now%s" % (label, _blocking_tail(result, stuck_ids))
    return "%s (check mode: %s)" % (line, ", ".join(would) if would else "nothing to do")


def format_closed_briefs(closed: Iterable[Dict[str, Any]], failures: Dict[str, str]) -> str:
    """``closed 3 notebooks: n1 (alice), n2 (alice), n3 (bob)``, then any that could not be closed."""
    closed = list(closed)
    text = ""
    if closed:
        text = "closed %s: %s" % (plural(len(closed), "notebook"), ", ".join(
            "%s (%s)" % (notebook["id"], notebook["username"] or "unknown user") for notebook in closed))
    for notebook_id, error in sorted(failures.items()):
        text += "%scould not close %s: %s" % ("; " if text else "", notebook_id, short_error(error))
    return text


def format_closed(closed: Iterable[NotebookFacts], failures: Dict[str, str]) -> str:
    """The same sentence from the notebooks' facts."""
    return format_closed_briefs(({"id": n.notebook_id, "username": n.owner} for n in closed), failures)
