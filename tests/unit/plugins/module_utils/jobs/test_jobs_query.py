# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every filter, option validation, and the JMESPath query."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import OptionError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import classify
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.query import JobsQuery
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    HOUR_MS,
    NOW_MS,
    job,
)

RECORDS = [
    job("j1", "PROCESSING", "executeNotebook", "Alice", NOW_MS - 3 * HOUR_MS),
    job("j2", "SUBMITTED", "openNotebook", "bob", NOW_MS - HOUR_MS),
    job("j3", "COMPLETED", "executeNotebook", "alice", NOW_MS - 5 * HOUR_MS, NOW_MS - 4 * HOUR_MS),
    job("j4", "FAILED", "executeNotebookAsWebTool", "carol", NOW_MS - 30 * HOUR_MS, NOW_MS - 29 * HOUR_MS),
    job("j5", "WAITING_FOR_GODOT", "openNotebook", "dave", NOW_MS - 10 * 60 * 1000),
    {"jobId": "j6", "type": "openNotebook", "username": "erin"},  # no status, no start
]


def _ids(**options):
    query = JobsQuery.from_options(options.get, NOW_MS)
    return [r["jobId"] for r in RECORDS if query.matches(classify(r, NOW_MS, query.stuck_after_seconds))]


def test_no_filter_matches_everything():
    assert _ids() == ["j1", "j2", "j3", "j4", "j5", "j6"]


@pytest.mark.parametrize("status, expected", [
    (["PROCESSING"], ["j1"]),
    (["processing", "failed"], ["j1", "j4"]),
    (["active"], ["j1", "j2", "j5", "j6"]),
    (["ACTIVE", "COMPLETED"], ["j1", "j2", "j3", "j5", "j6"]),
    ("FAILED,COMPLETED", ["j3", "j4"]),
    (["UNKNOWN"], ["j6"]),
])
def test_status(status, expected):
    assert _ids(status=status) == expected


def test_job_type_is_case_insensitive():
    assert _ids(job_type=["opennotebook"]) == ["j2", "j5", "j6"]
    assert _ids(job_type=["executeNotebook", "executeNotebookAsWebTool"]) == ["j1", "j3", "j4"]


def test_owner_is_case_insensitive():
    assert _ids(owner=["alice"]) == ["j1", "j3"]
    assert _ids(owner=["ALICE", "carol"]) == ["j1", "j3", "j4"]


def test_started_after_and_before():
    assert _ids(started_after="-2h") == ["j2", "j5"]
    assert _ids(started_before="-2h") == ["j1", "j3", "j4"]
    assert _ids(started_after="-6h", started_before="-2h") == ["j1", "j3"]
    assert _ids(started_after="2024-05-01T07:00:00Z") == ["j2", "j5"]  # inclusive
    assert _ids(started_before=str(NOW_MS - HOUR_MS)) == ["j1", "j3", "j4"]  # exclusive


def test_filters_combine():
    assert _ids(status=["active"], owner=["alice", "dave"], started_after="-1d") == ["j1", "j5"]


def test_stuck_after_sets_the_threshold():
    query = JobsQuery.from_options({"stuck_after": "2h"}.get, NOW_MS)
    stuck = [r["jobId"] for r in RECORDS if classify(r, NOW_MS, query.stuck_after_seconds).stuck]
    assert stuck == ["j1"]


def test_job_ids_deduplicated_in_order():
    query = JobsQuery.from_options({"job_id": ["j2", "j1", "j2", " "]}.get, NOW_MS)
    assert query.job_ids == ("j2", "j1")


@pytest.mark.parametrize("options, words", [
    ({"num": 0}, "num must be at least 1"),
    ({"num": "many"}, "num must be a whole number"),
    ({"stuck_after": "a while"}, "stuck_after"),
    ({"started_after": "yesterday"}, "started_after"),
    ({"started_before": "tomorrow"}, "started_before"),
    ({"started_after": "-1h", "started_before": "-2h"}, "started_after must be earlier than started_before"),
    ({"query": "jobs[?status=="}, "query is not a valid JMESPath expression"),
])
def test_bad_options(options, words):
    with pytest.raises(OptionError) as caught:
        JobsQuery.from_options(options.get, NOW_MS)
    assert words in str(caught.value)


def test_query_is_compiled_once_and_evaluated():
    query = JobsQuery.from_options({"query": " summary.by_owner "}.get, NOW_MS)
    assert query.query_text == "summary.by_owner"
    assert query.evaluate({"summary": {"by_owner": {"a": 1}}}) == {"a": 1}
    assert query.evaluate({"jobs": []}) is None


def test_query_evaluation_errors_are_option_errors():
    query = JobsQuery.from_options({"query": "length(total)"}.get, NOW_MS)
    with pytest.raises(OptionError) as caught:
        query.evaluate({"total": 5})
    assert "query 'length(total)' failed" in str(caught.value)


def test_no_query_evaluates_to_none():
    assert JobsQuery.from_options({}.get, NOW_MS).evaluate({"a": 1}) is None
