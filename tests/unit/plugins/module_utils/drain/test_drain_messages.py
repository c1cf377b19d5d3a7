# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lines a drain prints."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.policy import (
    DrainPolicy,
    judge_listing,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.messages import (
    format_check_outcome,
    format_duration,
    format_outcome,
    format_poll_line,
    short_error,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.waiter import (
    STOPPED_ERROR,
    STOPPED_FAILURES,
    STOPPED_IDLE,
    STOPPED_TIMEOUT,
    DrainResult,
    PollRecord,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.listing import JobListing
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import classify

NOW_MS = 1700000000000


def _raw(job_id, job_type="executeNotebook", owner="alice", age=60.0, status="PROCESSING"):
    return {"jobId": job_id, "type": job_type, "username": owner, "status": status, "startTime": NOW_MS - int(age * 1000)}


def _job(job_id, job_type="executeNotebook", owner="alice", age=60.0, status="PROCESSING"):
    return classify(_raw(job_id, job_type, owner, age, status), NOW_MS, None)


def _record(jobs, policy=None, complete=True, number=3, elapsed=250.0, timeout=1800.0, total=None, **kwargs):
    listing = JobListing([_raw(job.job_id, job.job_type, job.owner, job.age_seconds, job.status) for job in jobs],
                         total, complete)
    verdict = judge_listing(listing, policy or DrainPolicy(), NOW_MS)
    return PollRecord(number=number, elapsed=elapsed, timeout=timeout, verdict=verdict, listing=listing,
                      max_consecutive_failures=5, **kwargs)


@pytest.mark.parametrize("seconds, text", [
    (None, "?"), (-3, "0s"), (0, "0s"), (0.9, "0s"), (45, "45s"), (60, "1m"), (250, "4m10s"), (720, "12m"),
    (3600, "1h"), (7500, "2h5m"), (7519, "2h5m"), (86400, "1d"), (97200, "1d3h"),
])
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_poll_line_matches_the_issue_example():
    jobs = [_job("j1", age=720.0), _job("j2", job_type="openNotebook", owner="bob", age=30.0), _job("j3", age=5.0)]
    assert format_poll_line("nb1", _record(jobs)) == \
        "nb1: 3 active jobs (oldest: executeNotebook by alice, 12m) - waiting 4m10s of 30m"


def test_poll_line_one_job_singular():
    assert format_poll_line("nb1", _record([_job("j1", age=61.0)], elapsed=2.0, timeout=60.0)) == \
        "nb1: 1 active job (oldest: executeNotebook by alice, 1m1s) - waiting 2s of 1m"


def test_poll_line_names_stuck_and_ignored_stuck():
    jobs = [_job("old", age=7200.0), _job("new", age=10.0)]
    assert format_poll_line("nb1", _record(jobs, DrainPolicy(stuck_after=3600.0))) == \
        "nb1: 2 active jobs, 1 stuck (oldest: executeNotebook by alice, 2h) - waiting 4m10s of 30m"
    assert format_poll_line("nb1", _record(jobs, DrainPolicy(stuck_after=3600.0, stuck_policy="ignore"))) == \
        "nb1: 1 active job, 1 stuck ignored (oldest: executeNotebook by alice, 10s) - waiting 4m10s of 30m"


def test_poll_line_incomplete_listing():
    assert format_poll_line("nb1", _record([], complete=False, total=250)) == \
        "nb1: no active job, listing incomplete: 0 of 250 jobs - waiting 4m10s of 30m"


def test_poll_line_idle():
    assert format_poll_line("nb1", _record([])) == "nb1: idle - after 4m10s, 3 polls"
    ignored = _record([_job("old", owner="bob", age=7200.0)], DrainPolicy(stuck_after=60.0, stuck_policy="ignore"))
    assert format_poll_line("nb1", ignored) == \
        "nb1: idle apart from 1 stuck job ignored (oldest: executeNotebook by bob, 2h) - after 4m10s, 3 polls"


def test_poll_line_idle_apart_from_jobs_out_of_scope_is_not_mentioned_as_active():
    record = _record([_job("other", owner="bob")], DrainPolicy(owners=("alice",)), number=1, elapsed=0.2)
    assert format_poll_line("nb1", record) == "nb1: idle - after 0s, 1 poll"


def test_poll_line_cancelled_and_cancel_errors():
    stuck = _job("jstuck", owner="bob", age=10800.0)
    record = _record([stuck], DrainPolicy(stuck_after=3600.0, stuck_policy="cancel"),
                     cancelled=(stuck,), cancel_errors=((_job("jother"), "HTTP 503\nmore"),))
    assert format_poll_line("nb1", record) == (
        "nb1: 1 active job, 1 stuck (oldest: executeNotebook by bob, 3h) - waiting 4m10s of 30m"
        "; cancelled stuck job jstuck (executeNotebook by bob, 3h); could not cancel jother: HTTP 503")


def test_poll_line_faults():
    transient = PollRecord(number=4, elapsed=65.0, timeout=1800.0, verdict=None, error="Connection refused",
                           transient=True, consecutive_failures=2, max_consecutive_failures=5)
    assert format_poll_line("nb2", transient) == \
        "nb2: poll 4 failed: Connection refused (2 in a row, stopping at 5) - waiting 1m5s of 30m"
    fatal = PollRecord(number=1, elapsed=0.1, timeout=1800.0, verdict=None, error="403 not permitted", transient=False)
    assert format_poll_line("nb2", fatal) == "nb2: poll 1 failed: 403 not permitted - stopping"


def test_short_error():
    assert short_error(None) == "unknown error"
    assert short_error("  \n") == "unknown error"
    assert short_error("first\nsecond") == "first"
    long = short_error("x" * 500)
    assert len(long) == 160 and long.endswith("...")


def _result(stopped_by, **kwargs):
    values = {"idle": stopped_by == STOPPED_IDLE, "stopped_by": stopped_by, "waited_seconds": 130.0, "polls": 14,
              "failures": 1, "timeout": 120.0}
    values.update(kwargs)
    return DrainResult(**values)


def test_outcome_idle():
    assert format_outcome("nb1", _result(STOPPED_IDLE)) == "nb1: idle after 2m10s (14 polls, 1 failed)"
    ignored = _job("jold", owner="bob", age=7200.0)
    assert format_outcome("nb1", _result(STOPPED_IDLE, stuck=(ignored,), ignored_stuck=(ignored,))) == (
        "nb1: idle after 2m10s (14 polls, 1 failed); ignored 1 stuck job: "
        "jold executeNotebook by bob, 2h (PROCESSING, stuck)")


def test_outcome_timeout_lists_every_blocking_job():
    old, new = _job("jold", owner="bob", age=7200.0), _job("jnew", job_type="openNotebook", age=30.0)
    text = format_outcome("nb1", _result(STOPPED_TIMEOUT, blocking=(old, new), stuck=(old,), cancelled=(old,)))
    assert text == (
        "nb1: not idle after 2m10s (14 polls, 1 failed), timeout 2m; 2 blocking jobs: "
        "jold executeNotebook by bob, 2h (PROCESSING, stuck); jnew openNotebook by alice, 30s (PROCESSING)"
        "; cancelled: jold")


def test_outcome_timeout_with_incomplete_listing_or_no_listing():
    assert format_outcome("nb1", _result(STOPPED_TIMEOUT)).endswith(
        "; the last listing was incomplete, so idle could not be confirmed")
    assert format_outcome("nb1", _result(STOPPED_TIMEOUT, polls=3, failures=3)).endswith("; no listing could be read")


def test_outcome_failures_and_error():
    assert format_outcome("nb1", _result(STOPPED_FAILURES, polls=5, failures=5, consecutive_failures=5,
                                         last_error="HTTP 503 Service Unavailable")) == (
        "nb1: gave up after 2m10s (5 polls, 5 failed): 5 polls failed in a row, "
        "last error: HTTP 503 Service Unavailable; no listing could be read")
    assert format_outcome("nb1", _result(STOPPED_ERROR, polls=1, failures=1, last_error="Invalid credentials",
                                         cancel_failures={"j9": "not found"})) == (
        "nb1: stopped after 2m10s (1 poll, 1 failed): Invalid credentials; no listing could be read"
        "; could not cancel j9: not found")


def test_check_outcome():
    assert format_check_outcome("nb1", _result(STOPPED_IDLE, polls=1, failures=0), []) == \
        "nb1: idle now (check mode: nothing to do)"
    busy = _result("check_mode", polls=1, failures=0, blocking=(_job("j1"),))
    assert format_check_outcome("nb1", busy, ["would set READ_ONLY", "would wait up to 30m"]) == (
        "nb1: not idle now; 1 blocking job: j1 executeNotebook by alice, 1m (PROCESSING) "
        "(check mode: would set READ_ONLY, would wait up to 30m)")
    failed = _result("check_mode", polls=1, failures=1, last_error="Connection refused")
    assert format_check_outcome("nb1", failed, ["would wait up to 30m"]) == \
        "nb1: could not read the jobs: Connection refused (check mode: would wait up to 30m)"


def test_poll_line_of_a_single_look():
    assert format_poll_line("nb1", _record([_job("j1", age=30.0)], number=1, elapsed=0.1, timeout=0.0)) == \
        "nb1: 1 active job (oldest: executeNotebook by alice, 30s) - one look, no waiting"
