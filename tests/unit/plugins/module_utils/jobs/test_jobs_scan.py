# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one pass over a jobs list: the same verdict as classify for every record, the summary, the filters."""

from __future__ import annotations

import itertools

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import classify
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.query import JobsQuery
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.scan import scan
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    HOUR_MS,
    NOW_MS,
    job,
)


def _query(**options):
    return JobsQuery.from_options(options.get, NOW_MS)


def test_scan_says_what_classify_says_for_every_kind_of_record():
    """The loop inlines classify's rule for speed: for every combination the two must agree."""
    statuses = ["SUBMITTED", "PROCESSING", "COMPLETED", "failed", "CANCELLING", "ERROR", "", None, 7, ["COMPLETED"],
                {"state": "COMPLETED"}]
    ends = [None, NOW_MS - 1000, "1714550000000", "soon", True, 0, -1, "0", "-1", 1, "1", -1.5, "0.5"]  # <= 0: absent
    starts = [NOW_MS - 3 * HOUR_MS, NOW_MS - 60000, None, "1714540000000", float("inf"), "bad"]
    records = [dict(job("j%d" % n, status=status, start_ms=start), endTime=end)
               for n, (status, end, start) in enumerate(itertools.product(statuses, ends, starts))]
    expected = [classify(dict(record), NOW_MS, 7200.0) for record in records]
    kept, _summary = scan(records, _query(stuck_after="2h"), NOW_MS, True)
    assert len(kept) == len(records)
    for record, facts in zip(kept, expected):
        computed = (record["active"], record["stuck"], record["age_seconds"])
        assert computed == (facts.active, facts.stuck, facts.age_seconds), record


def test_summary():
    records = [
        job("j1", "PROCESSING", username="alice", start_ms=NOW_MS - 3 * HOUR_MS),
        job("j2", "SUBMITTED", job_type="openNotebook", username="bob", start_ms=NOW_MS - HOUR_MS),
        job("j3", "COMPLETED", username="alice", start_ms=NOW_MS - 5 * HOUR_MS, end_ms=NOW_MS - 4 * HOUR_MS),
        job("j4", "FAILED", username="carol", start_ms=NOW_MS - 6 * HOUR_MS, end_ms=NOW_MS - 6 * HOUR_MS + 5),
        job("j5", "PROCESSING", username="alice", start_ms=NOW_MS - 4 * HOUR_MS),
    ]
    kept, summary = scan(records, _query(stuck_after="2h"), NOW_MS, True)
    assert kept == records and all(a is b for a, b in zip(kept, records))  # annotated in place, not copied
    assert summary["count"] == 5 and summary["active"] == 3 and summary["idle"] is False
    assert summary["by_status"] == {"PROCESSING": 2, "SUBMITTED": 1, "COMPLETED": 1, "FAILED": 1}
    assert summary["by_type"] == {"executeNotebook": 4, "openNotebook": 1}
    assert summary["by_owner"] == {"alice": 3, "bob": 1, "carol": 1}
    assert summary["active_by_owner"] == {"alice": 2, "bob": 1}
    assert summary["stuck_job_ids"] == ["j1", "j5"] and summary["stuck"] == 2
    assert summary["oldest_active"] == {
        "jobId": "j5", "type": "executeNotebook", "status": "PROCESSING", "username": "alice",
        "startTime": NOW_MS - 4 * HOUR_MS, "endTime": None, "active": True, "stuck": True, "age_seconds": 4 * 3600.0,
    }


def test_an_active_job_without_a_start_is_the_oldest_only_until_one_with_a_start_is_seen():
    records = [job("jnostart", start_ms=None), job("j1", start_ms=NOW_MS - HOUR_MS), job("j2", start_ms=NOW_MS - 60000)]
    assert scan(records, _query(), NOW_MS, True)[1]["oldest_active"]["jobId"] == "j1"
    assert scan([job("jnostart", start_ms=None)], _query(), NOW_MS, True)[1]["oldest_active"]["jobId"] == "jnostart"


def test_summary_of_nothing_is_idle():
    _kept, summary = scan([], _query(), NOW_MS, True)
    assert summary["idle"] is True and summary["oldest_active"] is None and summary["count"] == 0


def test_summary_with_only_finished_jobs_is_idle():
    _kept, summary = scan([job("j1", "COMPLETED", end_ms=NOW_MS)], _query(), NOW_MS, True)
    assert summary["idle"] is True and summary["active"] == 0 and summary["oldest_active"] is None


def test_a_list_not_read_completely_is_never_idle():
    """summary.idle ignored complete (issue 13, item 3): nothing active in part of a list says nothing."""
    _kept, summary = scan([job("j1", "COMPLETED", end_ms=NOW_MS)], _query(), NOW_MS, False)
    assert summary["active"] == 0 and summary["idle"] is False


def test_filters_keep_the_matching_records_themselves_and_leave_the_others_alone():
    records = [job("j%d" % i, "PROCESSING" if i % 2 else "COMPLETED", end_ms=None if i % 2 else NOW_MS)
               for i in range(1000)]
    kept, summary = scan(records, _query(status=["active"]), NOW_MS, True)
    assert len(kept) == 500 and summary["count"] == 500
    assert all(record is records[2 * n + 1] for n, record in enumerate(kept))
    assert "active" not in records[0]  # non-matching records are left alone


def test_items_that_are_not_records_are_left_out_of_jobs_and_counts():
    kept, summary = scan([job("j1"), "x", None, 3], _query(), NOW_MS, False)
    assert [record["jobId"] for record in kept] == ["j1"] and summary["count"] == 1 and summary["idle"] is False


def test_computed_fields_never_shadow_server_fields():
    record = job("j1", active="server-value", stuck_time=3)
    scan([record], _query(), NOW_MS, True)
    assert record["active"] == "server-value" and record["stuck"] is False and record["stuck_time"] == 3
