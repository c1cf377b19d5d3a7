# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a job record means: active or finished, stuck or not, how old; its computed fields; a job in brief.

The server's records are kept as they came (no copy, no re-serialisation); computed fields are added
in snake_case and never replace a field the server sent.
"""

from __future__ import annotations

from typing import Any, Dict, NamedTuple, Optional

ACTIVE_STATUSES = frozenset(("SUBMITTED", "PROCESSING"))
# The only words that end a job, matched whole (case aside): CANCELLING or CANCEL_REQUESTED still run.
FINAL_STATUSES = frozenset(("COMPLETED", "FAILED", "CANCELLED", "CANCELED", "ERROR"))
NO_STATUS = "UNKNOWN"
NOT_A_RECORD = "(not a job record)"
COMPUTED_FIELDS = ("active", "stuck", "age_seconds")


def status_is_final(status: Any) -> bool:
    """True only for a status that ends a job; a missing, new or in-between status is real work."""
    if not isinstance(status, str) or not status:
        return False
    known = _FINAL_BY_STATUS.get(status)
    if known is None:
        known = status.upper() in FINAL_STATUSES
        if len(_FINAL_BY_STATUS) < 1024:  # statuses are few; the bound only guards against a hostile server
            _FINAL_BY_STATUS[status] = known
    return known


def status_is_active(status: Any) -> bool:
    """Active = SUBMITTED, PROCESSING and anything not known to be final (a missing or new status is real work)."""
    return not status_is_final(status)


_FINAL_BY_STATUS: Dict[str, bool] = {}


def epoch_ms(value: Any) -> Optional[int]:
    """An epoch-ms field as an int (servers send numbers, sometimes numeric strings); None if absent or unreadable."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):  # OverflowError: 1e999 reads as infinity
        return None


def is_cancelled(record: Dict[str, Any]) -> bool:
    """True when a cancel is recorded (``customAttributes.isCancelled``): the only way a server shows one."""
    attributes = record.get("customAttributes")
    return attributes.get("isCancelled") is True if isinstance(attributes, dict) else False


def is_finished(record: Dict[str, Any]) -> bool:
    """True for a job that will not run any more: the opposite of active, by the rule ``classify`` applies."""
    return not classify(record, 0, None).active


class JobFacts(NamedTuple):
    """What the core reasons with, read once per record. ``record`` is the server's own item of the list."""

    record: Any
    job_id: str
    job_type: str
    owner: str
    status: str  # as sent, or UNKNOWN
    active: bool  # no final status and no endTime (> 0): still work, even with a cancel requested
    stuck: bool
    cancelled: bool
    start_ms: Optional[int]
    end_ms: Optional[int]  # None also for a placeholder endTime <= 0
    age_seconds: Optional[float]


def classify(record: Any, now_ms: int, stuck_after_seconds: Optional[float]) -> JobFacts:
    """The facts of one record (no copy of it). Kept lean: it runs once per job, 100,000 times for a big site.

    A job is finished only by a final status or an ``endTime``; a cancel that is only requested
    (``isCancelled`` on a running job) is still work. Anything in the list that is not a record is work too.
    Servers omit ``endTime`` while a job runs, and some send 0 or -1 instead: an ``endTime`` <= 0 (after the
    lenient parse) is read as absent - no end, no end time, no duration; the status decides. ``jobs/scan.py``
    and ``audit/tally.py`` apply the same rule inline, and unit tests hold the three to the same answers.
    """
    if not isinstance(record, dict):
        return JobFacts(record, NOT_A_RECORD, "", "", NO_STATUS, True, False, False, None, None, None)
    get = record.get
    status = get("status")
    end_ms = get("endTime")
    if end_ms is not None:  # an endTime <= 0 is a placeholder, not an end: read as absent
        if end_ms.__class__ is not int:
            end_ms = epoch_ms(end_ms)
            if end_ms is not None and end_ms <= 0:
                end_ms = None
        elif end_ms <= 0:  # the common case, a positive int, pays this one comparison
            end_ms = None
    active = end_ms is None and status_is_active(status)
    start_ms = get("startTime")
    if start_ms.__class__ is not int:  # the common case, an int from JSON, skips the conversion (bool is excluded)
        start_ms = epoch_ms(start_ms)
    age = (now_ms - start_ms) / 1000.0 if start_ms is not None else None
    cancelled = is_cancelled(record)
    stuck = active and stuck_after_seconds is not None and age is not None and age >= stuck_after_seconds
    return JobFacts(
        record, str(get("jobId") or ""), str(get("type") or ""), str(get("username") or ""),
        status if isinstance(status, str) and status else NO_STATUS, active, stuck, cancelled, start_ms,
        end_ms, age,
    )


def computed_fields(job: Any) -> Dict[str, Any]:
    """The computed fields of a job (``COMPUTED_FIELDS``), from anything with the attributes of ``JobFacts``.

    Only what the server's fields do not say: whether the job is work, whether it is stuck, how old it is
    on the server's clock. Times stay as the server sent them (``startTime``, ``endTime``: epoch ms).
    """
    return {"active": job.active, "stuck": job.stuck, "age_seconds": job.age_seconds}


def annotate(facts: JobFacts) -> Dict[str, Any]:
    """Add the computed fields to the record in place (never over a server field) and return it."""
    record = facts.record
    for key, value in computed_fields(facts).items():
        record.setdefault(key, value)  # a server that sends one of our names keeps its value
    return record


def job_brief(job: Any) -> Dict[str, Any]:
    """A job where an output names one (oldest active, blocking, stuck, failed): the server's own field names
    for what the server sent, then the computed fields, the same keys in every module, fact and report.
    """
    brief = {
        "jobId": job.job_id,
        "type": job.job_type,
        "status": job.status,
        "username": job.owner,
        "startTime": job.start_ms,
        "endTime": job.end_ms,
    }
    brief.update(computed_fields(job))
    return brief
