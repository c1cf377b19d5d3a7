# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One pass over one server's jobs: each record classified once, the server's figures counted, its jobs.csv rows written.

A fleet of 500 servers lists 500,000 jobs; this loop runs in each server's reader thread and keeps no object per
job. It applies the rule of ``model.audit_job`` (the core's ``classify``, the same cache of final statuses as
``jobs/scan.py``) without calling it, and a unit test holds the two to the same answers for every kind of record.
Only the jobs a report names (stuck, failed in the window up to the cap, the oldest active one, those a scheduled
task started) are kept as ``AuditJob``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.formats import (
    DIGITS,
    MAX_FAST_EPOCH_MS,
    MAX_FAST_TENTHS_MS,
    MINUTE_PREFIXES,
    PLAIN_CELL,
    SECOND_SUFFIXES,
    CsvCells,
    minute_prefix,
    tenths,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.model import (
    OUTCOME_ACTIVE,
    OUTCOME_CANCELLED,
    OUTCOME_COMPLETED,
    OUTCOME_FAILED,
    TIMELINE_BUCKETS,
    AuditJob,
    AuditWindow,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import (
    NO_STATUS,
    NOT_A_RECORD,
    epoch_ms,
    status_is_final,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.times import iso_from_epoch_ms

# Failed jobs listed per server in report.json; jobs.csv has all of them.
MAX_FAILED_JOBS_LISTED = 20
UNKNOWN = "unknown"
# The last two cells of a jobs.csv row: stuck, in_window.
_FLAGS = (("false,false", "false,true"), ("true,false", "true,true"))


def empty_counts() -> Dict[str, int]:
    """The figures of a table row: jobs in the window, and how many of them have each outcome."""
    return {"jobs": 0, OUTCOME_ACTIVE: 0, OUTCOME_COMPLETED: 0, OUTCOME_FAILED: 0, OUTCOME_CANCELLED: 0}


def _empty_timeline() -> List[int]:
    return [0] * TIMELINE_BUCKETS


@dataclass(frozen=True)
class TallyRules:
    """What the pass needs besides the records: the window, when an active job is stuck, whether to write CSV rows."""

    window: AuditWindow
    stuck_after_seconds: Optional[float]
    csv_rows: bool = True


@dataclass
class JobTally:
    """One server's jobs in figures, and its jobs.csv rows as text; an unread server has the empty tally."""

    listed: int = 0
    # Jobs in the window ("jobs": active ones always, finished ones that ended in it) and per outcome.
    counts: Dict[str, int] = field(default_factory=empty_counts)
    started_in_window: int = 0
    # The same figures per job type and per owner ("unknown" when the server sends none), unsorted.
    by_type: Dict[str, Dict[str, int]] = field(default_factory=dict)
    by_owner: Dict[str, Dict[str, int]] = field(default_factory=dict)
    # Active jobs per owner: [active, stuck].
    active_by_owner: Dict[str, List[int]] = field(default_factory=dict)
    stuck_jobs: List[AuditJob] = field(default_factory=list)  # in the server's order
    failed_jobs: List[AuditJob] = field(default_factory=list)  # in the window, newest first, at most the cap
    oldest_active: Optional[AuditJob] = None  # the first of the oldest by (start, jobId); None without a dated one
    task_jobs: List[AuditJob] = field(default_factory=list)  # active jobs with an inputs.taskId, in order
    timeline: List[int] = field(default_factory=_empty_timeline)  # job starts per bucket of the window
    # The server's jobs.csv rows, UTF-8, each ending in a line break; None when none were asked for.
    csv_rows: Optional[bytes] = None


def failed_order(job: AuditJob) -> Tuple[int, str]:
    """Newest first (by end, else start), then by job id: the order of a report's failed jobs."""
    return -(job.end_ms or job.start_ms or 0), job.job_id


def _keep_newest_failed(failed: List[AuditJob]) -> None:
    failed.sort(key=failed_order)  # stable: jobs that compare equal keep the server's order
    del failed[MAX_FAILED_JOBS_LISTED:]


def _ended(status: str) -> str:
    """How a finished job that no cancel is recorded on ended, by its status word."""
    word = status.upper()
    if word in ("CANCELLED", "CANCELED"):
        return OUTCOME_CANCELLED
    return OUTCOME_COMPLETED if word == "COMPLETED" else OUTCOME_FAILED


def _tables(combos: Dict[Tuple[str, str, str, str], int], tally: JobTally) -> None:
    """Fold the counts per (type, owner, status, outcome) into the totals and the by_type and by_owner tables."""
    counts, by_type, by_owner = tally.counts, tally.by_type, tally.by_owner
    for (job_type, owner, _status, outcome), number in combos.items():
        counts["jobs"] += number
        counts[outcome] += number
        for table, key in ((by_type, job_type or UNKNOWN), (by_owner, owner or UNKNOWN)):
            row = table.get(key)
            if row is None:
                row = table[key] = empty_counts()
            row["jobs"] += number
            row[outcome] += number


def tally_jobs(records: Sequence[Any], now_ms: int, rules: TallyRules, server_name: str = "") -> JobTally:
    """The figures of every item a server listed, on its clock ``now_ms``; items that are not records count as
    active work of an unknown owner. With ``rules.csv_rows``, the jobs.csv rows too, each starting with ``server_name``.
    """
    # pylint: disable=too-many-locals,too-many-branches,too-many-statements  # one loop, by design
    window = rules.window
    window_start, window_end = window.start_ms, window.end_ms
    width = window.bucket_ms(TIMELINE_BUCKETS)
    last_bucket = TIMELINE_BUCKETS - 1
    stuck_after = rules.stuck_after_seconds
    tally = JobTally(listed=len(records))
    timeline = tally.timeline
    stuck_jobs, task_jobs, failed = tally.stuck_jobs, tally.task_jobs, tally.failed_jobs
    active_by_owner = tally.active_by_owner
    final_by_status: Dict[str, bool] = {}
    ended_by_status: Dict[str, str] = {}
    combos: Dict[Tuple[str, str, str, str], int] = {}
    oldest: Optional[AuditJob] = None
    started = 0
    writing = rules.csv_rows
    rows: List[str] = []
    row = rows.append
    cells = CsvCells()
    name_cell = cells[str(server_name)]
    middles: Dict[Tuple[str, str, str, str], str] = {}
    prefixes, suffixes, digits, plain = MINUTE_PREFIXES, SECOND_SUFFIXES, DIGITS, PLAIN_CELL
    for record in records:
        if record.__class__ is dict:
            get = record.get
            status = get("status")
            if status.__class__ is not str or not status:
                status = NO_STATUS
            end = get("endTime")
            if end is not None:  # as classify: an endTime <= 0 is a placeholder, read as absent (no end, no duration)
                if end.__class__ is not int:
                    end = epoch_ms(end)
                    if end is not None and end <= 0:
                        end = None
                elif end <= 0:  # the common case, a positive int, pays this one comparison
                    end = None
            start = get("startTime")
            if start.__class__ is not int:  # an int from JSON skips the conversion (bool is excluded)
                start = epoch_ms(start)
            job_id = get("jobId") or ""
            if job_id.__class__ is not str:
                job_id = str(job_id)
            job_type = get("type") or ""
            if job_type.__class__ is not str:
                job_type = str(job_type)
            owner = get("username") or ""
            if owner.__class__ is not str:
                owner = str(owner)
            if end is None:
                final = final_by_status.get(status)
                if final is None:
                    final = final_by_status[status] = status_is_final(status)
                active = not final
            else:
                active = False
            if active:
                outcome = OUTCOME_ACTIVE
            else:
                attributes = get("customAttributes")
                if attributes.__class__ is dict and attributes.get("isCancelled") is True:
                    outcome = OUTCOME_CANCELLED
                else:
                    outcome = ended_by_status.get(status) or ended_by_status.setdefault(status, _ended(status))
        else:  # not a record: work of an unknown owner, never "nothing there"
            get = None
            status, end, start, job_id, job_type, owner = NO_STATUS, None, None, NOT_A_RECORD, "", ""
            active, outcome = True, OUTCOME_ACTIVE
        if start is None:
            age_ms = age = None
            stuck = False
        else:
            age_ms = now_ms - start
            age = age_ms / 1000.0
            stuck = active and stuck_after is not None and age >= stuck_after
            if window_start <= start <= window_end:
                started += 1
                bucket = (start - window_start) // width
                timeline[bucket if bucket < last_bucket else last_bucket] += 1
        if active:
            counted = True
            owner_key = owner or UNKNOWN
            figures = active_by_owner.get(owner_key)
            if figures is None:
                figures = active_by_owner[owner_key] = [0, 0]
            figures[0] += 1
            task_id = None
            if get is not None:
                inputs = get("inputs")
                if inputs.__class__ is dict:
                    task_id = inputs.get("taskId")
                    if task_id.__class__ is not str or not task_id:
                        task_id = None
            older = start is not None and (oldest is None or (start, job_id) < (oldest.start_ms, oldest.job_id))
            if stuck or task_id or older:
                job = AuditJob(job_id, job_type, owner, status, OUTCOME_ACTIVE, start, end, stuck, age, task_id)
                if stuck:
                    figures[1] += 1
                    stuck_jobs.append(job)
                if task_id:
                    task_jobs.append(job)
                if older:
                    oldest = job
        else:
            moment = end if end is not None else start
            counted = moment is not None and window_start <= moment <= window_end
            if counted and outcome == OUTCOME_FAILED:
                failed.append(AuditJob(job_id, job_type, owner, status, outcome, start, end, False, age))
                if len(failed) >= 4 * MAX_FAILED_JOBS_LISTED:
                    _keep_newest_failed(failed)
        key = (job_type, owner, status, outcome)
        if counted:
            combos[key] = combos.get(key, 0) + 1
        if not writing:
            continue
        # The jobs.csv row, cell by cell as the csv module writes it (formats.py; the columns are files.JOBS_COLUMNS).
        middle = middles.get(key)
        if middle is None:
            middle = middles[key] = "%s,%s,%s,%s" % (cells[job_type], cells[owner], cells[status], outcome)
        if start is None:
            start_text = ""
        elif 0 <= start < MAX_FAST_EPOCH_MS:
            minute = start // 60000
            start_text = (prefixes.get(minute) or minute_prefix(minute)) + suffixes[start // 1000 % 60]
        else:
            start_text = iso_from_epoch_ms(start) or ""
        if end is None:
            end_text = ""
        elif 0 <= end < MAX_FAST_EPOCH_MS:
            minute = end // 60000
            end_text = (prefixes.get(minute) or minute_prefix(minute)) + suffixes[end // 1000 % 60]
        else:
            end_text = iso_from_epoch_ms(end) or ""
        if age_ms is None:
            age_text = ""
        else:  # formats.tenths inlined
            tenth, tie = divmod(age_ms + 50, 100)
            if tie and 0 <= age_ms < MAX_FAST_TENTHS_MS:
                age_text = str(tenth // 10) + "." + digits[tenth % 10]
            else:
                age_text = tenths(age_ms)
        if active:
            duration_text = age_text  # as the core's duration: an active job has lasted its age so far
        elif start is not None and end is not None:
            duration_text = tenths(end - start if end > start else 0)
        else:
            duration_text = ""
        id_cell = job_id if plain(job_id) is not None else cells[job_id]
        row(f"{name_cell},{id_cell},{middle},{start_text},{end_text},{duration_text},{age_text},{_FLAGS[stuck][counted]}\n")
    _tables(combos, tally)
    _keep_newest_failed(failed)
    tally.started_in_window = started
    tally.oldest_active = oldest
    if writing:
        tally.csv_rows = "".join(rows).encode("utf-8")  # bytes, as they are written: the file is one join away
    return tally
