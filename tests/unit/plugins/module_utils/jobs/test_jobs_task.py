# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole jobs_info task from options to result, and a lean pass over many jobs."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import OptionError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.task import run
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    HOUR_MS,
    NOW_MS,
    PASSWORD,
    SITE,
    USERNAME,
    job,
)

JOBS = [
    job("j1", "PROCESSING", username="alice", start_ms=NOW_MS - 3 * HOUR_MS),
    job("j2", "COMPLETED", username="bob", start_ms=NOW_MS - 4 * HOUR_MS, end_ms=NOW_MS - 3 * HOUR_MS),
    job("j3", "SUBMITTED", job_type="openNotebook", username="alice", start_ms=NOW_MS - 60000),
]


def _run(server, warnings=None, **options):
    values = {"url": SITE + "/", "username": USERNAME, "password": PASSWORD}
    values.update(options)
    del server  # the fake_server fixture answers every request
    return run(OptionAdapter.from_dict(values), False, warnings.append if warnings is not None else (lambda message: None))


def test_result_shape(fake_server):
    server = fake_server.load([dict(j) for j in JOBS])
    result = _run(server, stuck_after="2h")
    assert sorted(result) == ["complete", "jobs", "server", "summary", "total"]
    assert result["server"] == SITE and result["total"] == 3 and result["complete"] is True
    assert [j["jobId"] for j in result["jobs"]] == ["j1", "j2", "j3"]
    assert result["jobs"][0]["stuck"] is True and result["jobs"][0]["age_seconds"] == pytest.approx(3 * 3600.0, abs=1)
    assert result["summary"]["stuck_job_ids"] == ["j1"] and result["summary"]["active"] == 2


def test_filters_and_query(fake_server):
    server = fake_server.load([dict(j) for j in JOBS])
    result = _run(server, status=["active"], owner=["ALICE"], query="summary.active_by_owner")
    assert [j["jobId"] for j in result["jobs"]] == ["j1", "j3"]
    assert result["total"] == 3  # the server's count, before filters
    assert result["query_result"] == {"alice": 2}


def test_query_over_jobs(fake_server):
    server = fake_server.load([dict(j) for j in JOBS])
    assert _run(server, query="jobs[?active].jobId")["query_result"] == ["j1", "j3"]


def test_job_ids(fake_server):
    server = fake_server.load([dict(j) for j in JOBS])
    result = _run(server, job_id=["j2", "jgone"])
    assert [j["jobId"] for j in result["jobs"]] == ["j2"]
    assert result["missing_job_ids"] == ["jgone"]
    assert result["summary"]["idle"] is True


def test_num_makes_a_partial_result(fake_server):
    server = fake_server.load([dict(j) for j in JOBS])
    result = _run(server, num=2)
    assert result["complete"] is False and len(result["jobs"]) == 2


def test_options_are_checked_before_any_request(fake_server):
    server = fake_server.load([dict(j) for j in JOBS])
    with pytest.raises(OptionError):
        _run(server, query="jobs[")
    with pytest.raises(OptionError):
        _run(server, stuck_after="long")
    assert server.calls == []


def test_retry_warnings_reach_the_caller(fake_server):
    from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import Reply

    server = fake_server.load([dict(j) for j in JOBS])
    server.script("admin/system/jobs", Reply(503, b""))
    warnings = []
    assert _run(server, warnings)["total"] == 3
    assert len(warnings) == 1 and "HTTP 503" in warnings[0]
