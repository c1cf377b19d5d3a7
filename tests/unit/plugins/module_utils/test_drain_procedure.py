# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole drain of one server against fake site operations: site mode, check mode, returned data."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain_policy import DrainPolicy
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain_procedure import (
    DrainRequest,
    SiteOperations,
    outcome_to_result,
    request_from_options,
    run_drain,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain_waiter import WaitSettings
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs_listing import JobListing

NOW = 1700000000.0


class Fault(Exception):
    pass


class FakeSite:
    """Records every call; the jobs finish after ``busy_polls`` listings."""

    def __init__(self, mode: str = "EDITABLE", busy_polls: int = 0, stuck: bool = False) -> None:
        self.mode = mode
        self.busy_polls = busy_polls
        self.stuck = stuck
        self.calls: list[tuple] = []
        self.now = 0.0
        self.fail_update = False

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def list_jobs(self) -> JobListing:
        self.calls.append(("list",))
        jobs = []
        if self.busy_polls > 0:
            self.busy_polls -= 1
            jobs.append({"jobId": "j1", "type": "executeNotebook", "username": "alice", "status": "PROCESSING",
                         "startTime": int((NOW - 30) * 1000)})
        if self.stuck:
            jobs.append({"jobId": "jstuck", "type": "openNotebook", "username": "bob", "status": "PROCESSING",
                         "startTime": int((NOW - 99999) * 1000)})
        return JobListing(jobs, len(jobs), True)

    def read_site_mode(self) -> str:
        self.calls.append(("read_mode",))
        return self.mode

    def update_site_mode(self, mode: str) -> None:
        self.calls.append(("update_mode", mode))
        if self.fail_update:
            self.mode = mode
            raise Fault("read timed out")
        self.mode = mode

    def cancel_job(self, job_id: str) -> None:
        self.calls.append(("cancel", job_id))
        self.stuck = False

    def operations(self) -> SiteOperations:
        return SiteOperations(self.list_jobs, self.read_site_mode, self.update_site_mode, self.cancel_job,
                              (Fault,), lambda exc: True)


def _request(read_only=False, stuck_policy="block", timeout=30.0):
    return DrainRequest(
        policy=DrainPolicy(stuck_after=3600.0, stuck_policy=stuck_policy),
        settings=WaitSettings(poll_interval=1.0, timeout=timeout, max_consecutive_failures=3),
        read_only=read_only,
    )


def _run(site, request, check_mode=False):
    return run_drain(site.operations(), request, check_mode=check_mode, clock=site.clock, sleep=site.sleep,
                     wall_clock=lambda: NOW)


def test_read_only_set_only_when_editable_and_remembered():
    site = FakeSite(mode="EDITABLE", busy_polls=2)
    outcome = _run(site, _request(read_only=True))
    assert outcome.read_only_set and outcome.site_mode == "EDITABLE" and outcome.result.idle
    assert site.calls[:2] == [("read_mode",), ("update_mode", "READ_ONLY")]
    assert site.calls.count(("list",)) == 3
    returned = outcome_to_result("nb1", outcome)
    assert returned["changed"] and returned["read_only_set"]


def test_read_only_left_alone_when_already_read_only():
    site = FakeSite(mode="READ_ONLY")
    outcome = _run(site, _request(read_only=True))
    assert not outcome.read_only_set and outcome.site_mode == "READ_ONLY"
    assert ("update_mode", "READ_ONLY") not in site.calls
    assert outcome_to_result("nb1", outcome)["changed"] is False


def test_site_mode_not_touched_without_read_only():
    site = FakeSite()
    outcome = _run(site, _request())
    assert site.calls == [("list",)]
    assert outcome.site_mode is None


def test_failed_switch_that_took_effect_is_still_remembered():
    site = FakeSite(mode="EDITABLE")
    site.fail_update = True
    outcome = _run(site, _request(read_only=True))
    assert outcome.result.stopped_by == "error" and not outcome.result.idle
    assert outcome.read_only_set
    assert ("list",) not in site.calls
    assert "could not switch the site to READ_ONLY: read timed out" in outcome_to_result("nb1", outcome)["msg"]


def test_check_mode_looks_once_and_changes_nothing():
    site = FakeSite(mode="EDITABLE", busy_polls=5, stuck=True)
    outcome = _run(site, _request(read_only=True, stuck_policy="cancel"), check_mode=True)
    assert site.calls == [("read_mode",), ("list",)]
    assert outcome.check_mode and not outcome.read_only_set
    returned = outcome_to_result("nb1", outcome)
    assert returned["stopped_by"] == "check_mode" and not returned["idle"]
    assert returned["would_set_read_only"] and returned["would_wait"]
    assert returned["would_cancel_job_ids"] == ["jstuck"]
    assert returned["changed"] is False
    assert returned["msg"] == (
        "nb1: not idle now; 2 blocking jobs: jstuck openNotebook by bob, 1d3h (PROCESSING, stuck); "
        "j1 executeNotebook by alice, 30s (PROCESSING) "
        "(check mode: would set READ_ONLY, would wait up to 30s, would cancel jstuck)")


def test_check_mode_idle_now():
    site = FakeSite()
    returned = outcome_to_result("nb1", _run(site, _request(), check_mode=True))
    assert returned["idle"] and returned["stopped_by"] == "idle"
    assert returned["msg"] == "nb1: idle now (check mode: nothing to do)"
    assert returned["would_wait"] is False


def test_cancel_stuck_result_keys():
    site = FakeSite(stuck=True)
    returned = outcome_to_result("nb1", _run(site, _request(stuck_policy="cancel")))
    assert returned["idle"] and returned["changed"]
    assert returned["cancelled_job_ids"] == ["jstuck"]
    assert ("cancel", "jstuck") in site.calls


def test_timeout_result_lists_blocking_jobs():
    site = FakeSite(stuck=True)
    returned = outcome_to_result("nb1", _run(site, _request(timeout=3.0)))
    assert returned["timed_out"] and returned["stopped_by"] == "timeout"
    assert returned["blocking_jobs"] == [{
        "id": "jstuck", "type": "openNotebook", "owner": "bob", "status": "PROCESSING",
        "age_seconds": 99999.0, "age": "1d3h", "stuck": True,
    }]
    assert returned["stuck_job_ids"] == ["jstuck"]
    assert returned["polls"] == 4
    assert "jstuck openNotebook by bob" in returned["msg"]


def _parse(value, option):
    text = str(value)
    units = {"s": 1, "m": 60, "h": 3600}
    try:
        return float(text[:-1]) * units[text[-1]] if text[-1] in units else float(text)
    except ValueError:
        raise ValueError("%s: %r is not a duration" % (option, value)) from None


def test_request_from_options():
    request = request_from_options({
        "read_only": True, "poll_interval": "2s", "wait_timeout": "5m", "stuck_after": "2h", "stuck_jobs": "ignore",
        "on_timeout": "continue", "max_consecutive_failures": 4, "job_types": ["executeNotebook"], "owners": [],
    }, _parse)
    assert request.settings == WaitSettings(2.0, 300.0, 4)
    assert request.policy == DrainPolicy(job_types=("executeNotebook",), owners=(), stuck_after=7200.0, stuck_policy="ignore")
    assert request.read_only and request.on_timeout == "continue"


def test_request_from_options_names_the_bad_option():
    with pytest.raises(ValueError, match="^wait_timeout: "):
        request_from_options({"poll_interval": "1", "wait_timeout": "soon"}, _parse)
    with pytest.raises(ValueError, match="stuck_after"):
        request_from_options({"poll_interval": "1", "wait_timeout": "1", "stuck_jobs": "cancel", "stuck_after": ""}, _parse)
