# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Status classification, computed fields that never shadow the server's, and the summary."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import (
    annotate,
    classify,
    epoch_ms,
    job_brief,
    status_is_active,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    HOUR_MS,
    NOW_MS,
    job,
)


@pytest.mark.parametrize("status, active", [
    ("SUBMITTED", True), ("PROCESSING", True), ("processing", True), ("COMPLETED", False), ("FAILED", False),
    ("CANCELLED", False), ("cancelled", False), ("CANCELED", False), ("ERROR", False),
    # Only whole final words end a job: a status that merely contains one is still work (issue 13, item 6).
    ("CANCELLING", True), ("CANCEL_REQUESTED", True), ("esriJobFailed", True), ("TIMED_OUT_ERROR", True),
    ("FAILING_OVER", True), ("WAITING", True), ("EXECUTING", True), ("", True), (None, True), (42, True),
])
def test_active_means_anything_but_a_whole_final_word(status, active):
    assert status_is_active(status) is active


def test_an_end_time_ends_a_job_whatever_its_status():
    assert not classify(job("j1", "CANCELLING", end_ms=NOW_MS), NOW_MS, None).active
    assert classify(job("j1", "CANCELLING"), NOW_MS, None).active


@pytest.mark.parametrize("value, expected", [(5, 5), ("1714550400000", 1714550400000), (1.5e12, 1500000000000),
                                             (None, None), (True, None), ("soon", None), ({}, None),
                                             (float("inf"), None), ("1e999", None), (float("nan"), None)])
def test_epoch_ms(value, expected):
    assert epoch_ms(value) == expected


def test_classify_reads_the_record_without_copying_it():
    record = job("j1", start_ms=NOW_MS - 3 * HOUR_MS)
    facts = classify(record, NOW_MS, 2 * 3600.0)
    assert facts.record is record
    assert (facts.job_id, facts.job_type, facts.owner, facts.status) == ("j1", "executeNotebook", "alice", "PROCESSING")
    assert facts.active and facts.stuck and not facts.cancelled
    assert facts.age_seconds == 3 * 3600.0


def test_not_stuck_below_the_threshold_or_when_finished_or_without_threshold():
    assert not classify(job("j1", start_ms=NOW_MS - HOUR_MS), NOW_MS, 7200.0).stuck
    assert not classify(job("j2", "COMPLETED", start_ms=NOW_MS - 5 * HOUR_MS), NOW_MS, 7200.0).stuck
    assert not classify(job("j3", start_ms=NOW_MS - 5 * HOUR_MS), NOW_MS, None).stuck


def test_a_job_whose_cancel_is_only_requested_is_still_work():
    """isCancelled on a PROCESSING job: the cancel was asked for, the work has not stopped (issue 13, item 6)."""
    facts = classify(job("j1", "PROCESSING", start_ms=NOW_MS - HOUR_MS, cancelled=True), NOW_MS, 60.0)
    assert facts.cancelled and facts.active and facts.stuck
    finished = classify(job("j2", "FAILED", end_ms=NOW_MS, cancelled=True), NOW_MS, 60.0)
    assert finished.cancelled and not finished.active


@pytest.mark.parametrize("item", ["jnot-a-record", 42, None, ["jobId", "status"], True, 1.5])
def test_an_item_that_is_not_a_record_is_work(item):
    """A hostile or broken list must not crash the core or read as idle (issue 13, item 4)."""
    facts = classify(item, NOW_MS, 60.0)
    assert facts.active and facts.status == "UNKNOWN" and facts.job_id == "(not a job record)"


def test_a_start_time_of_infinity_is_unknown_not_a_crash():
    facts = classify(job("j1", start_ms=float("inf")), NOW_MS, 60.0)
    assert facts.start_ms is None and facts.age_seconds is None and facts.active


def test_missing_fields_are_tolerated():
    facts = classify({"jobId": "j1"}, NOW_MS, 60.0)
    assert facts.status == "UNKNOWN" and facts.active and facts.age_seconds is None and not facts.stuck
    record = annotate(facts)
    assert record["age_seconds"] is None and record["active"] is True


def test_annotate_adds_computed_fields_in_place():
    record = job("j1", "COMPLETED", start_ms=NOW_MS - HOUR_MS, end_ms=NOW_MS - HOUR_MS + 90500)
    annotated = annotate(classify(record, NOW_MS, None))
    assert annotated is record
    assert {key: record[key] for key in ("active", "stuck", "age_seconds")} == {
        "active": False, "stuck": False, "age_seconds": 3600.0}
    # Only what the server's fields do not say: no second spelling of a server field (issue 18).
    assert set(record) == set(job("j1", "COMPLETED", end_ms=0)) | {"active", "stuck", "age_seconds"}
    assert record["status"] == "COMPLETED" and record["startTime"] == NOW_MS - HOUR_MS


def test_computed_fields_never_shadow_server_fields():
    record = job("j1", active="server-value", stuck_time=3)
    annotate(classify(record, NOW_MS, None))
    assert record["active"] == "server-value"
    assert record["stuck"] is False and record["stuck_time"] == 3


def test_a_brief_job_has_the_keys_of_an_annotated_record():
    """One vocabulary: every key of a brief job is a key of the full record jobs_info returns."""
    record = job("j1", "COMPLETED", start_ms=NOW_MS - HOUR_MS, end_ms=NOW_MS - 60000)
    facts = classify(record, NOW_MS, None)
    brief = job_brief(facts)
    annotated = annotate(facts)
    assert set(brief) <= set(annotated)
    assert {key: annotated[key] for key in brief} == brief
