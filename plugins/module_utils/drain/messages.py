# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The words a drain prints: one line per poll, and the closing summary."""

from __future__ import annotations

from typing import Iterable, List, Optional

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.waiter import (
    STOPPED_ERROR,
    STOPPED_FAILURES,
    STOPPED_IDLE,
    DrainResult,
    PollRecord,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import JobFacts
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
        line += " - after %s, %s" % (format_duration(record.elapsed), plural(record.number, "poll"))
    else:
        parts = [plural(len(verdict.blocking), "active job")]
        blocking_stuck = len(verdict.stuck) - len(ignored)
        if blocking_stuck:
            parts.append("%d stuck" % blocking_stuck)
        if ignored:
            parts.append("%d stuck ignored" % len(ignored))
        if not verdict.complete and record.listing is not None:
            total = record.listing.total
            parts.append("listing incomplete: %d of %s jobs" % (len(record.listing.records), "?" if total is None else total))
        line = "%s: %s" % (label, ", ".join(parts))
        if verdict.blocking:
            line += " (oldest: %s)" % describe_job(verdict.blocking[0])
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
    if result.blocking:
        return "; %s: %s" % (plural(len(result.blocking), "blocking job"), _job_list(result.blocking, stuck_ids))
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
        line = "%s: could not read the jobs: %s" % (label, short_error(result.last_error))
    else:
        line = "%s: not idle now%s" % (label, _blocking_tail(result, stuck_ids))
    return "%s (check mode: %s)" % (line, ", ".join(would) if would else "nothing to do")
