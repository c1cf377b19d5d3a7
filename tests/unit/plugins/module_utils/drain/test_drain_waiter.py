# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drain's idle verdict and wait loop, on a fake clock against a fake jobs listing."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    BadResponseError,
    PermissionDeniedError,
    TransportError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.policy import (
    DrainPolicy,
    judge_listing,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.waiter import (
    STOPPED_ERROR,
    STOPPED_FAILURES,
    STOPPED_IDLE,
    STOPPED_TIMEOUT,
    WaitSettings,
    wait_until_idle,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.listing import JobListing


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps or a request takes time."""

    def __init__(self) -> None:
        self.now = 5000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


def Transient(message: str) -> TransportError:  # pylint: disable=invalid-name
    """A fault that passes by waiting (no answer)."""
    return TransportError(message)


def Fatal(message: str) -> PermissionDeniedError:  # pylint: disable=invalid-name
    """A fault that waiting will not fix."""
    return PermissionDeniedError(message)


class FakeServer:
    """Jobs that end at known times on the fake clock; each listing request takes ``latency`` seconds."""

    def __init__(self, clock: FakeClock, jobs: list[dict], latency: float = 0.25) -> None:
        self.clock = clock
        self.jobs = jobs
        self.latency = latency
        self.requests = 0
        self.faults: list[Exception] = []
        self.complete = True
        self.cancelled: list[str] = []

    def _active(self, job: dict) -> bool:
        return job["ends"] is None or self.clock.now < job["ends"]

    def fetch(self) -> JobListing:
        self.requests += 1
        self.clock.now += self.latency
        if self.faults:
            raise self.faults.pop(0)
        records = [
            {
                "jobId": job["id"], "type": job.get("type", "executeNotebook"), "username": job.get("owner", "alice"),
                "status": "PROCESSING" if self._active(job) else "COMPLETED",
                "startTime": int(job.get("started", self.clock.now - 60) * 1000),
            }
            for job in self.jobs
            if job.get("appears", 0) <= self.clock.now
        ]
        return JobListing(records, len(records) if self.complete else len(records) + 100, self.complete)

    def cancel(self, job_id: str) -> None:
        self.cancelled.append(job_id)
        for job in self.jobs:
            if job["id"] == job_id:
                job["ends"] = self.clock.now + 1


def _wait(server: FakeServer, clock: FakeClock, policy: DrainPolicy | None = None, interval: float = 2.0,
          timeout: float = 60.0, max_failures: int = 3, records: list | None = None, **kwargs):
    return wait_until_idle(
        server.fetch,
        policy or DrainPolicy(),
        WaitSettings(poll_interval=interval, timeout=timeout, max_consecutive_failures=max_failures),
        on_poll=records.append if records is not None else None,
        clock=clock,
        sleep=clock.sleep,
        now_ms=lambda: int(clock() * 1000),
        **kwargs
    )


NOW_MS = 1700000000000


def _job(job_id: str, job_type: str = "executeNotebook", owner: str = "alice", status: str = "PROCESSING",
         age_seconds: float | None = 60.0, **extra) -> dict:
    record = {"jobId": job_id, "type": job_type, "username": owner, "status": status}
    if age_seconds is not None:
        record["startTime"] = NOW_MS - int(age_seconds * 1000)
    record.update(extra)
    return record


def _judge(records: list, policy: DrainPolicy, complete: bool = True):
    return judge_listing(JobListing(records, len(records), complete), policy, NOW_MS)


# --- the pure verdict -------------------------------------------------------------------------------

def test_verdict_idle_when_no_active_job():
    verdict = _judge([_job("j1", status="COMPLETED"), _job("j2", status="FAILED")], DrainPolicy())
    assert verdict.idle and not verdict.blocking


@pytest.mark.parametrize("status", ["SUBMITTED", "PROCESSING", "WAITING_FOR_GPU", None, ""])
def test_verdict_active_and_unknown_statuses_block(status):
    record = _job("j1")
    record["status"] = status
    verdict = _judge([record], DrainPolicy())
    assert not verdict.idle and [job.job_id for job in verdict.blocking] == ["j1"]


def test_verdict_a_job_whose_cancel_is_only_requested_still_blocks():
    """isCancelled on a PROCESSING job read as finished (issue 13, item 6): the drain said idle too early."""
    verdict = _judge([_job("j1", customAttributes={"isCancelled": True})], DrainPolicy())
    assert not verdict.idle and [job.job_id for job in verdict.blocking] == ["j1"]


def test_verdict_an_item_that_is_not_a_record_blocks_whatever_the_scope():
    verdict = _judge([_job("j1", owner="bob"), "jnot-a-record"], DrainPolicy(owners=("alice",)))
    assert not verdict.idle and [job.job_id for job in verdict.blocking] == ["(not a job record)"]


def test_verdict_incomplete_listing_is_never_idle():
    verdict = _judge([], DrainPolicy(), complete=False)
    assert not verdict.idle
    assert not verdict.complete


def test_verdict_blocking_jobs_oldest_first_unknown_age_last():
    jobs = [_job("young", age_seconds=5.0), _job("unknown", age_seconds=None), _job("old", age_seconds=500.0)]
    verdict = _judge(jobs, DrainPolicy())
    assert [job.job_id for job in verdict.blocking] == ["old", "young", "unknown"]


def test_verdict_scope_by_type_and_owner_case_insensitive():
    jobs = [_job("a", owner="Alice"), _job("b", owner="bob"), _job("c", owner="alice", job_type="openNotebook")]
    verdict = _judge(jobs, DrainPolicy(job_types=("EXECUTENOTEBOOK",), owners=("alice",)))
    assert [job.job_id for job in verdict.blocking] == ["a"]
    assert _judge([_job("b", owner="bob")], DrainPolicy(owners=("alice",))).idle


@pytest.mark.parametrize("policy, idle, blocking, to_cancel", [
    ("block", False, ["stuck", "fresh"], []),
    ("ignore", False, ["fresh"], []),
    ("cancel", False, ["stuck", "fresh"], ["stuck"]),
])
def test_verdict_stuck_policies(policy, idle, blocking, to_cancel):
    jobs = [_job("fresh", age_seconds=30.0), _job("stuck", age_seconds=7200.0)]
    verdict = _judge(jobs, DrainPolicy(stuck_after=3600.0, stuck_policy=policy))
    assert verdict.idle is idle
    assert [job.job_id for job in verdict.blocking] == blocking
    assert [job.job_id for job in verdict.stuck] == ["stuck"]
    assert [job.job_id for job in verdict.to_cancel] == to_cancel


def test_verdict_ignore_only_stuck_left_is_idle():
    verdict = _judge([_job("stuck", age_seconds=7200.0)], DrainPolicy(stuck_after=60.0, stuck_policy="ignore"))
    assert verdict.idle
    assert [job.job_id for job in verdict.ignored_stuck] == ["stuck"]


def test_verdict_unknown_age_is_never_stuck():
    verdict = _judge([_job("j", age_seconds=None)], DrainPolicy(stuck_after=1.0, stuck_policy="ignore"))
    assert not verdict.idle and not verdict.stuck


@pytest.mark.parametrize("kwargs", [
    {"stuck_policy": "kill", "stuck_after": 10.0},
    {"stuck_policy": "ignore"},
    {"stuck_policy": "cancel"},
    {"stuck_after": 0.0},
])
def test_policy_rejects_nonsense(kwargs):
    with pytest.raises(ValueError):
        DrainPolicy(**kwargs)


@pytest.mark.parametrize("kwargs", [
    {"poll_interval": 0, "timeout": 10, "max_consecutive_failures": 1},
    {"poll_interval": 1, "timeout": -1, "max_consecutive_failures": 1},
    {"poll_interval": 1, "timeout": 10, "max_consecutive_failures": 0},
])
def test_settings_reject_nonsense(kwargs):
    with pytest.raises(ValueError):
        WaitSettings(**kwargs)


# --- the wait loop ----------------------------------------------------------------------------------

def test_idle_at_once_means_one_poll_and_no_sleep():
    clock = FakeClock()
    server = FakeServer(clock, [{"id": "done", "ends": clock.now - 10}])
    result = _wait(server, clock)
    assert result.idle and result.stopped_by == STOPPED_IDLE
    assert (result.polls, server.requests, clock.sleeps) == (1, 1, [])


@pytest.mark.parametrize("ends_after", [0.1, 3.9, 4.0, 4.3, 7.77, 11.99])
def test_idle_seen_within_one_interval_of_the_last_job_ending(ends_after):
    clock = FakeClock()
    start = clock.now
    server = FakeServer(clock, [{"id": "a", "ends": start + ends_after / 2}, {"id": "b", "ends": start + ends_after}])
    result = _wait(server, clock, interval=2.0)
    assert result.idle
    seen_at = clock.now
    assert 0 <= seen_at - (start + ends_after) <= 2.0 + server.latency
    assert server.requests == result.polls
    # Polls start one interval apart: the time a request took is not slept again.
    assert all(s == pytest.approx(2.0 - server.latency) for s in clock.sleeps)


def test_slow_poll_is_followed_at_once():
    clock = FakeClock()
    server = FakeServer(clock, [{"id": "a", "ends": clock.now + 7}], latency=3.0)
    result = _wait(server, clock, interval=2.0)
    assert result.idle
    assert clock.sleeps and all(s == 0 for s in clock.sleeps)


def test_job_added_during_the_wait_is_waited_for():
    clock = FakeClock()
    start = clock.now
    server = FakeServer(clock, [
        {"id": "first", "ends": start + 3},
        {"id": "late", "appears": start + 2.5, "ends": start + 9},
    ])
    result = _wait(server, clock, interval=1.0)
    assert result.idle
    assert clock.now >= start + 9


def test_incomplete_listing_is_never_idle_and_times_out():
    clock = FakeClock()
    server = FakeServer(clock, [])
    server.complete = False
    records = []
    result = _wait(server, clock, interval=1.0, timeout=5.0, records=records)
    assert not result.idle and result.timed_out and result.stopped_by == STOPPED_TIMEOUT
    assert result.blocking == ()
    assert all(not record.verdict.idle for record in records)


def test_timeout_reports_blocking_jobs_and_polls_last_at_the_deadline():
    clock = FakeClock()
    start = clock.now
    server = FakeServer(clock, [{"id": "forever", "ends": None, "started": start - 100}], latency=0.0)
    records = []
    result = _wait(server, clock, interval=2.0, timeout=5.0, records=records)
    assert result.timed_out and not result.idle
    assert [job.job_id for job in result.blocking] == ["forever"]
    assert [record.elapsed for record in records] == [0.0, 2.0, 4.0, 5.0]
    assert result.waited_seconds == pytest.approx(5.0)
    assert result.polls == server.requests == 4


def test_transient_faults_are_counted_and_survived():
    clock = FakeClock()
    server = FakeServer(clock, [{"id": "a", "ends": clock.now + 5}])
    server.faults = [Transient("503 Service Unavailable"), Transient("connection refused")]
    records = []
    result = _wait(server, clock, interval=1.0, max_failures=3, records=records)
    assert result.idle
    assert result.failures == 2 and result.consecutive_failures == 0
    assert [record.error for record in records[:2]] == ["503 Service Unavailable", "connection refused"]
    assert records[1].consecutive_failures == 2
    assert result.last_error == "connection refused"


def test_consecutive_failures_reset_after_a_good_poll():
    clock = FakeClock()
    server = FakeServer(clock, [{"id": "a", "ends": clock.now + 6}])
    real_fetch = server.fetch
    script = iter([Transient("x"), Transient("y"), None, Transient("z"), Transient("w")])

    def fetch():
        fault = next(script, None)
        if fault is not None:
            server.requests += 1
            clock.now += server.latency
            raise fault
        return real_fetch()

    result = wait_until_idle(
        fetch, DrainPolicy(), WaitSettings(1.0, 60.0, 3),
        clock=clock, sleep=clock.sleep, now_ms=lambda: int(clock() * 1000),
    )
    assert result.idle and result.failures == 4


def test_too_many_consecutive_failures_end_the_wait():
    clock = FakeClock()
    server = FakeServer(clock, [{"id": "a", "ends": None}])
    server.faults = [Transient("timed out")] * 10
    result = _wait(server, clock, interval=1.0, max_failures=3)
    assert not result.idle and not result.timed_out
    assert result.stopped_by == STOPPED_FAILURES
    assert result.polls == result.failures == result.consecutive_failures == 3


def test_a_fault_that_will_not_pass_ends_the_wait_at_once():
    clock = FakeClock()
    server = FakeServer(clock, [])
    server.faults = [Fatal("403 You do not have permissions")]
    result = _wait(server, clock)
    assert result.stopped_by == STOPPED_ERROR and not result.idle
    assert result.polls == 1 and clock.sleeps == []
    assert result.last_error == "403 You do not have permissions"


def test_an_unreadable_answer_at_the_first_look_ends_the_wait():
    """A login page before anything was read is a wrong url, not a restart: it stops at once with its message."""
    clock = FakeClock()
    server = FakeServer(clock, [])
    server.faults = [BadResponseError("HTTP 200 answer is not JSON (text/html): Sign In", None, 200)]
    result = _wait(server, clock)
    assert result.stopped_by == STOPPED_ERROR and result.polls == 1
    assert result.last_error.startswith("HTTP 200 answer is not JSON")


def test_an_unreadable_answer_after_a_good_read_is_a_failed_poll_with_one_fresh_session():
    """Issue 14: a Web Adaptor answering a login page for a moment must not end a drain that had read the server."""
    clock = FakeClock()
    server = FakeServer(clock, [{"id": "a", "ends": clock.now + 6}])
    real_fetch = server.fetch
    script = iter([None, BadResponseError("HTTP 200 answer is not JSON (text/html): Sign In", None, 200),
                   BadResponseError("the jobs answer has no asyncJobs list", None), None])
    fresh = []

    def fetch():
        fault = next(script, None)
        if fault is not None:
            server.requests += 1
            clock.now += server.latency
            raise fault
        return real_fetch()

    records = []
    result = wait_until_idle(fetch, DrainPolicy(), WaitSettings(1.0, 60.0, 3), clock=clock, sleep=clock.sleep,
                             now_ms=lambda: int(clock() * 1000), on_poll=records.append,
                             fresh_session=lambda: fresh.append(clock()))
    assert result.idle and result.failures == 2
    assert len(fresh) == 1  # once per run of unreadable answers, not once per poll
    assert [record.transient for record in records if record.verdict is None] == [True, True]
    assert "not JSON" in records[1].error


def test_unexpected_exceptions_are_not_swallowed():
    clock = FakeClock()

    def broken():
        raise KeyError("bug")

    with pytest.raises(KeyError):
        wait_until_idle(broken, DrainPolicy(), WaitSettings(1, 5, 3), clock=clock, sleep=clock.sleep)


def test_stuck_job_blocks_by_default():
    clock = FakeClock()
    server = FakeServer(clock, [{"id": "stuck", "ends": None, "started": clock.now - 7200}])
    result = _wait(server, clock, policy=DrainPolicy(stuck_after=3600.0), timeout=4.0)
    assert result.timed_out
    assert [job.job_id for job in result.stuck] == ["stuck"]
    assert [job.job_id for job in result.blocking] == ["stuck"]


def test_ignore_stuck_finishes_around_them():
    clock = FakeClock()
    server = FakeServer(clock, [
        {"id": "stuck", "ends": None, "started": clock.now - 7200},
        {"id": "normal", "ends": clock.now + 3},
    ])
    result = _wait(server, clock, policy=DrainPolicy(stuck_after=3600.0, stuck_policy="ignore"))
    assert result.idle
    assert [job.job_id for job in result.ignored_stuck] == ["stuck"]
    assert result.cancelled == ()


def test_cancel_stuck_cancels_each_once_and_waits_for_it_to_end():
    clock = FakeClock()
    server = FakeServer(clock, [{"id": "stuck", "ends": None, "started": clock.now - 7200}])
    records = []
    result = _wait(server, clock, policy=DrainPolicy(stuck_after=3600.0, stuck_policy="cancel"),
                   interval=0.5, cancel_job=server.cancel, records=records)
    assert result.idle
    assert server.cancelled == ["stuck"]
    assert [job.job_id for job in result.cancelled] == ["stuck"]
    assert [job.job_id for job in records[0].cancelled] == ["stuck"]
    assert result.polls > 1


def test_cancel_retried_after_a_transient_error_not_after_a_lasting_one():
    clock = FakeClock()
    server = FakeServer(clock, [
        {"id": "flaky", "ends": None, "started": clock.now - 7200},
        {"id": "refused", "ends": None, "started": clock.now - 7000},
    ])
    attempts = []
    errors = {"flaky": [Transient("503")], "refused": [Fatal("404 job not found")] * 5}

    def cancel(job_id):
        attempts.append(job_id)
        if errors[job_id]:
            raise errors[job_id].pop(0)
        server.cancel(job_id)

    result = _wait(server, clock, policy=DrainPolicy(stuck_after=60.0, stuck_policy="cancel"),
                   interval=1.0, timeout=6.0, cancel_job=cancel)
    assert attempts == ["flaky", "refused", "flaky"]
    assert [job.job_id for job in result.cancelled] == ["flaky"]
    assert result.cancel_failures == {"refused": "404 job not found"}
    assert result.timed_out and [job.job_id for job in result.blocking] == ["refused"]


def test_one_listing_request_per_poll_and_one_record_per_poll():
    clock = FakeClock()
    server = FakeServer(clock, [{"id": "a", "ends": clock.now + 10}])
    server.faults = [Transient("boom")]
    records = []
    result = _wait(server, clock, interval=1.0, records=records)
    assert result.polls == server.requests == len(records)
    assert [record.number for record in records] == list(range(1, result.polls + 1))


def test_zero_timeout_is_a_single_look():
    clock = FakeClock()
    server = FakeServer(clock, [{"id": "a", "ends": None}])
    result = _wait(server, clock, timeout=0.0)
    assert result.timed_out and result.polls == 1 and clock.sleeps == []


def test_errors_are_worded_without_the_servers_url():
    clock = FakeClock()
    server = FakeServer(clock, [])
    server.faults = [TransportError("cannot connect", "https://nb1.example.com:11443/arcgis")]
    records = []
    result = _wait(server, clock, records=records)
    assert records[0].error == "cannot connect" and result.last_error == "cannot connect"
