# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole drain of one server against the fake server: site mode, check mode, returned data, options."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import OptionError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.policy import DrainPolicy
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.result import outcome_to_result
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.task import (
    ARGUMENT_SPEC,
    DrainRequest,
    request_from_options,
    run,
    run_drain,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.waiter import WaitSettings
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    GIVEN_TOKEN,
    NOW_MS,
    SITE,
    Reply,
    job,
    make_client,
)


def busy():
    return job("j1", "PROCESSING", username="alice", start_ms=NOW_MS - 30000)


def stuck():
    return job("jstuck", "PROCESSING", job_type="openNotebook", username="bob", start_ms=NOW_MS - 99999000)


class Clock:
    """A monotonic clock that only moves when the drain sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _busy_for(server, listings: int) -> None:
    """``BUSY`` is listed by the next ``listings`` reads of the jobs, then it has finished."""
    server.jobs.insert(0, busy())
    seen = []

    def listing(call):
        seen.append(call)
        if len(seen) > listings:
            server.jobs = [record for record in server.jobs if record["jobId"] != "j1"]
        return server.answer(call)

    server.script("admin/system/jobs", *([listing] * 50))


def _request(read_only=False, stuck_policy="block", timeout=30.0):
    return DrainRequest(
        policy=DrainPolicy(stuck_after=3600.0, stuck_policy=stuck_policy),
        settings=WaitSettings(poll_interval=1.0, timeout=timeout, max_consecutive_failures=3),
        read_only=read_only,
    )


def _run(server, request, check_mode=False):
    clock = Clock()
    client = make_client(server, username=None, password=None, token=GIVEN_TOKEN)
    return run_drain(client, request, check_mode=check_mode, clock=clock, sleep=clock.sleep)


def test_read_only_set_only_when_editable_and_remembered(fake_server):
    _busy_for(fake_server, 2)
    outcome = _run(fake_server, _request(read_only=True))
    assert outcome.read_only_set and outcome.site_mode == "EDITABLE" and outcome.result.idle
    assert fake_server.paths()[:2] == ["mode", "mode/update"] and fake_server.mode == "READ_ONLY"
    assert fake_server.paths().count("system/jobs") == 3
    returned = outcome_to_result("nb1", outcome)
    assert returned["changed"] and returned["read_only_set"]


def test_read_only_left_alone_when_already_read_only(fake_server):
    fake_server.mode = "READ_ONLY"
    outcome = _run(fake_server, _request(read_only=True))
    assert not outcome.read_only_set and outcome.site_mode == "READ_ONLY"
    assert "mode/update" not in fake_server.paths()
    assert outcome_to_result("nb1", outcome)["changed"] is False


def test_site_mode_not_touched_without_read_only(fake_server):
    outcome = _run(fake_server, _request())
    # One poll: the jobs, then the interactive work (no notebook open, so no container to read the kernels of).
    assert fake_server.paths() == ["system/jobs", "notebooks", "system/containers"]
    assert outcome.site_mode is None


def test_failed_switch_that_took_effect_is_still_remembered(fake_server):
    def switched_then_failed(call):
        fake_server.answer(call)
        return Reply(200, {"error": {"code": 500, "message": "internal error after the switch", "details": []}})

    fake_server.script("admin/mode/update", switched_then_failed)
    outcome = _run(fake_server, _request(read_only=True))
    assert outcome.result.stopped_by == "error" and not outcome.result.idle
    assert outcome.read_only_set and fake_server.mode == "READ_ONLY"
    assert "system/jobs" not in fake_server.paths()
    assert "could not switch the site to READ_ONLY: the server reported an error (code 500): internal error after " \
           "the switch" in outcome_to_result("nb1", outcome)["msg"]


def test_check_mode_looks_once_and_changes_nothing(fake_server):
    fake_server.jobs = [stuck()]
    _busy_for(fake_server, 5)
    outcome = _run(fake_server, _request(read_only=True, stuck_policy="cancel"), check_mode=True)
    assert fake_server.paths() == ["mode", "system/jobs", "notebooks", "system/containers"]
    assert fake_server.mode == "EDITABLE"
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


def test_check_mode_idle_now(fake_server):
    returned = outcome_to_result("nb1", _run(fake_server, _request(), check_mode=True))
    assert returned["idle"] and returned["stopped_by"] == "idle"
    assert returned["msg"] == "nb1: idle now (check mode: nothing to do)"
    assert returned["would_wait"] is False


def test_cancel_stuck_result_keys(fake_server):
    fake_server.jobs = [stuck()]
    returned = outcome_to_result("nb1", _run(fake_server, _request(stuck_policy="cancel")))
    assert returned["idle"] and returned["changed"]
    assert returned["cancelled_job_ids"] == ["jstuck"]
    assert "system/jobs/jstuck/cancel" in fake_server.writes()


def test_timeout_result_lists_blocking_jobs_in_the_job_vocabulary(fake_server):
    fake_server.jobs = [stuck()]
    returned = outcome_to_result("nb1", _run(fake_server, _request(timeout=3.0)))
    assert returned["timed_out"] and returned["stopped_by"] == "timeout"
    # Ages are on the server's clock: its Date header moved on by the (real, tiny) time since the answer.
    assert returned["blocking_jobs"] == [{
        "jobId": "jstuck", "type": "openNotebook", "status": "PROCESSING", "username": "bob",
        "startTime": NOW_MS - 99999000, "endTime": None, "active": True, "stuck": True,
        # the server's clock moves on by the moments the test takes
        "age_seconds": pytest.approx(99999.0, abs=1),
    }]
    assert returned["stuck_job_ids"] == ["jstuck"]
    assert returned["polls"] == 4
    assert "jstuck openNotebook by bob" in returned["msg"]


def test_job_ages_are_on_the_servers_clock(fake_server):
    """The controller's clock is years past NOW_MS; the server's Date header says NOW_MS: a 30 s old job is not stuck."""
    fake_server.jobs = [busy()]
    returned = outcome_to_result("nb1", _run(fake_server, _request(timeout=0.0)))
    assert returned["blocking_jobs"][0]["age_seconds"] == pytest.approx(30.0, abs=1) and returned["stuck_job_ids"] == []


def test_request_from_options():
    request = request_from_options(OptionAdapter.from_dict({
        "read_only": True, "poll_interval": "2s", "wait_timeout": "5m", "stuck_after": "2h", "stuck_jobs": "ignore",
        "on_timeout": "continue", "max_consecutive_failures": 4, "job_types": ["executeNotebook"], "owners": [],
    }))
    assert request.settings == WaitSettings(2.0, 300.0, 4)
    assert request.policy == DrainPolicy(job_types=("executeNotebook",), owners=(), stuck_after=7200.0, stuck_policy="ignore")
    assert request.read_only and request.on_timeout == "continue"


def test_request_from_options_names_the_bad_option():
    with pytest.raises(OptionError, match="^wait_timeout: "):
        request_from_options(OptionAdapter.from_dict({"poll_interval": "1", "wait_timeout": "soon"}))
    with pytest.raises(OptionError, match="stuck_after"):
        request_from_options(OptionAdapter.from_dict(
            {"poll_interval": "1", "wait_timeout": "1", "stuck_jobs": "cancel", "stuck_after": ""}))


def test_run_is_the_task_with_failed_and_warnings(fake_server):
    fake_server.jobs = [stuck()]
    warnings = []
    options = {name: spec.get("default") for name, spec in ARGUMENT_SPEC.items()}
    options.update(url=SITE, token=GIVEN_TOKEN, wait_timeout="0", stuck_jobs="ignore", stuck_after="1h",
                   on_timeout="fail")
    returned = run(OptionAdapter.from_dict(options), False, warnings.append, label="nb1")
    assert returned["idle"] is True and "failed" not in returned
    assert warnings == ["finished around stuck jobs still running: jstuck"]
    assert returned["msg"].startswith("nb1: idle after ")
    fake_server.jobs.append(busy())
    returned = run(OptionAdapter.from_dict(options), False, warnings.append)
    assert returned["failed"] is True and returned["msg"].startswith(SITE + ": not idle after ")


def test_argument_spec_has_the_connection_and_the_drain_options_with_secrets_hidden():
    assert {"url", "username", "password", "token", "poll_interval", "wait_timeout", "stuck_jobs"} <= set(ARGUMENT_SPEC)
    assert ARGUMENT_SPEC["password"]["no_log"] and ARGUMENT_SPEC["token"]["no_log"]
