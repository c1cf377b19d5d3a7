# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One pass over a jobs list: each record classified, tested, annotated in place and counted, no object per job.

A big site lists 100,000 jobs; this loop is most of a task's own time, so it works on the records' values
with local names and keeps the rule of ``model.classify`` (the same cache of final statuses) without calling it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import (
    NO_STATUS,
    classify,
    epoch_ms,
    job_brief,
    status_is_final,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.query import JobsQuery


def scan(records: List[Any], query: JobsQuery, now_ms: int, complete: bool) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    """The matching records, in server order, each with its computed fields; and the summary of them.

    ``idle`` in the summary means the list was read completely and nothing matching is active. Items that are
    not records are left out here; the listing has already said the list is incomplete.
    """
    stuck_after_ms = None if query.stuck_after_seconds is None else query.stuck_after_seconds * 1000.0
    accepts = query.accepts if query.filters else None
    final_by_status: Dict[Any, bool] = {}
    by_status: Dict[str, int] = {}
    by_type: Dict[str, int] = {}
    by_owner: Dict[str, int] = {}
    active_by_owner: Dict[str, int] = {}
    stuck_ids: List[str] = []
    kept: List[Dict[str, Any]] = []
    keep = kept.append
    active_count = 0
    oldest: Optional[Dict[str, Any]] = None
    oldest_start: Optional[int] = None
    for record in records:
        if record.__class__ is not dict:
            continue
        get = record.get
        status = get("status")
        end = get("endTime")
        if end is not None:  # as classify: an endTime <= 0 is a placeholder, read as absent
            if end.__class__ is not int:
                end = epoch_ms(end)
                if end is not None and end <= 0:
                    end = None
            elif end <= 0:  # the common case, a positive int, pays this one comparison
                end = None
        if end is None:
            if status.__class__ is str:
                final = final_by_status.get(status)
                if final is None:
                    final = final_by_status[status] = status_is_final(status)
            else:  # a list or an object as a status: not a final word, and not a key the cache can hold
                final = False
            active = not final
        else:
            active = False
        start = get("startTime")
        if start.__class__ is not int:
            start = epoch_ms(start)
        job_type = get("type") or ""
        owner = get("username") or ""
        if job_type.__class__ is not str:
            job_type = str(job_type)
        if owner.__class__ is not str:
            owner = str(owner)
        status_word = status if status.__class__ is str and status else NO_STATUS
        if accepts is not None and not accepts(status_word, active, job_type, owner, start):
            continue
        if start is None:
            age = stuck = None
        else:
            age_ms = now_ms - start
            age = age_ms / 1000.0
            stuck = active and stuck_after_ms is not None and age_ms >= stuck_after_ms
        stuck = bool(stuck)
        if "active" in record or "stuck" in record or "age_seconds" in record:
            record.setdefault("active", active)  # a server that sends one of our names keeps its value
            record.setdefault("stuck", stuck)
            record.setdefault("age_seconds", age)
        else:
            record["active"] = active
            record["stuck"] = stuck
            record["age_seconds"] = age
        keep(record)
        by_status[status_word] = by_status.get(status_word, 0) + 1
        type_key = job_type or NO_STATUS
        by_type[type_key] = by_type.get(type_key, 0) + 1
        owner_key = owner or NO_STATUS
        by_owner[owner_key] = by_owner.get(owner_key, 0) + 1
        if active:
            active_count += 1
            active_by_owner[owner_key] = active_by_owner.get(owner_key, 0) + 1
            if stuck:
                stuck_ids.append(str(get("jobId") or ""))
            # The oldest active job; one without a start time only while none with one is known.
            if oldest is None or (start is not None and (oldest_start is None or start < oldest_start)):
                oldest, oldest_start = record, start
    summary = {
        "count": len(kept),
        "active": active_count,
        "idle": complete and active_count == 0,
        "stuck": len(stuck_ids),
        "stuck_job_ids": stuck_ids,
        "by_status": by_status,
        "by_type": by_type,
        "by_owner": by_owner,
        "active_by_owner": active_by_owner,
        "oldest_active": None if oldest is None else job_brief(classify(oldest, now_ms, query.stuck_after_seconds)),
    }
    return kept, summary
