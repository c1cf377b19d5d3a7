# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drain waits for interactive work too: busy notebooks block, ignore, owners, faults, lines, closing notebooks."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import OptionError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.messages import format_poll_line
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.policy import (
    DrainPolicy,
    WorkListing,
    judge_work,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.result import (
    drain_warnings,
    outcome_to_result,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.task import (
    DrainRequest,
    request_from_options,
    run_drain,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.waiter import PollRecord, WaitSettings
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.listing import JobListing, list_jobs
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.listing import read_interactive
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    GIVEN_TOKEN,
    NOW_MS,
    Reply,
    iso,
    job,
    make_client,
)

MINUTE_MS = 60000


class Clock:
    """A monotonic clock that moves only when the drain sleeps; the fake server's clock moves with it."""

    def __init__(self, server) -> None:
        self.now = 0.0
        self.server = server

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.server.clock_ms = NOW_MS + int(round(self.now * 1000))


def _request(timeout=60.0, quiet_for=10.0, notebooks="wait", owners=(), close=False, max_failures=3):
    return DrainRequest(
        policy=DrainPolicy(owners=owners, notebooks=notebooks, quiet_for=quiet_for),
        settings=WaitSettings(poll_interval=1.0, timeout=timeout, max_consecutive_failures=max_failures),
        close_notebooks=close,
    )


def _drain(server, request, check_mode=False, lines=None):
    clock = Clock(server)
    client = make_client(server, username=None, password=None, token=GIVEN_TOKEN, retries=0)
    on_poll = (lambda record: lines.append(format_poll_line("nb1", record))) if lines is not None else None
    outcome = run_drain(client, request, check_mode=check_mode, clock=clock, sleep=clock.sleep, on_poll=on_poll)
    return outcome, clock


def _kernel(server, notebook_id):
    record = next(r for r in server.notebooks if r["id"] == notebook_id)
    return next(s for s in server.sessions[record["containerId"]] if s["path"] == record["itemId"] + ".ipynb")["kernel"]


def _idle_at(server, notebook_id, seconds):
    """The kernel of ``notebook_id`` finishes its cell ``seconds`` into the drain (as the server sees it)."""
    kernel = _kernel(server, notebook_id)
    original = server.answer

    def answer(call):
        if server.clock_ms >= NOW_MS + seconds * 1000 and kernel["execution_state"] == "busy":
            kernel["execution_state"] = "idle"
            kernel["last_activity"] = iso(NOW_MS + seconds * 1000)
        return original(call)

    server.answer = answer


# ----- the verdict -----------------------------------------------------------------------------

def _work(server, owners=()):
    client = make_client(server)
    return WorkListing(JobListing([], 0, True), read_interactive(client, owners=owners, strict=True))


def test_a_busy_notebook_keeps_a_server_without_jobs_busy(fake_server):
    fake_server.open_notebook("n1", "alice", "busy", NOW_MS - 40000)
    fake_server.open_notebook("n2", "bob", "idle", NOW_MS - 3600000)
    verdict = judge_work(_work(fake_server), DrainPolicy(), NOW_MS)
    assert not verdict.idle and verdict.notebooks_read and not verdict.blocking
    assert [n.notebook_id for n in verdict.busy_notebooks] == ["n1"] and len(verdict.open_notebooks) == 2


def test_notebooks_ignored_do_not_block(fake_server):
    fake_server.open_notebook("n1", "alice", "busy")
    verdict = judge_work(_work(fake_server), DrainPolicy(notebooks="ignore"), NOW_MS)
    assert verdict.idle and not verdict.busy_notebooks


def test_owners_narrow_the_notebooks_as_they_narrow_the_jobs(fake_server):
    fake_server.open_notebook("n1", "alice", "busy")
    verdict = judge_work(_work(fake_server, owners=["bob"]), DrainPolicy(owners=("bob",)), NOW_MS)
    assert verdict.idle
    verdict = judge_work(_work(fake_server, owners=["ALICE"]), DrainPolicy(owners=("ALICE",)), NOW_MS)
    assert not verdict.idle


def test_notebooks_not_read_are_never_quiet():
    verdict = judge_work(WorkListing(JobListing([], 0, True)), DrainPolicy(), NOW_MS)
    assert not verdict.idle and verdict.notebooks_reasons == ("the notebooks were not read",)


def test_a_busy_kernel_without_a_listed_notebook_blocks(fake_server):
    fake_server.open_notebook("n1", "scheduler", "busy")
    fake_server.notebooks = []
    verdict = judge_work(_work(fake_server), DrainPolicy(), NOW_MS)
    assert not verdict.idle and not verdict.busy_notebooks and len(verdict.busy_unattributed) == 1


# ----- the lines -------------------------------------------------------------------------------

def _line(verdict, elapsed=60.0):
    return format_poll_line("nb1", PollRecord(number=7, elapsed=elapsed, timeout=1800.0, verdict=verdict,
                                              listing=JobListing([], 0, True), max_consecutive_failures=5))


def test_the_poll_line_names_the_busy_notebook(fake_server):
    fake_server.jobs = [job("j1", start_ms=NOW_MS - 720000), job("j2", username="bob", start_ms=NOW_MS - 60000)]
    fake_server.open_notebook("n1", "alice", "busy", NOW_MS - 40000)
    client = make_client(fake_server)
    work = WorkListing(list_jobs(client), read_interactive(client, strict=True))
    assert _line(judge_work(work, DrainPolicy(), NOW_MS)) == (
        "nb1: 2 active jobs (oldest: executeNotebook by alice, 12m), 1 busy notebook (alice: kernel busy, "
        "last activity 40s ago) - waiting 1m of 30m")


def test_the_poll_line_of_activity_more_notebooks_an_unknown_kernel_and_idle(fake_server):
    fake_server.open_notebook("n1", "bob", "idle", NOW_MS - 120000)
    fake_server.open_notebook("n2", "carol", "restarting", NOW_MS - 7200000)
    assert _line(judge_work(_work(fake_server), DrainPolicy(), NOW_MS)) == (
        "nb1: no active job, 2 busy notebooks (carol: kernel restarting, last activity 2h ago; 1 more) - waiting 1m of 30m")
    fake_server.sessions["c-carol"] = [{"path": "oops"}]
    fake_server.notebooks = fake_server.notebooks[1:]
    assert _line(judge_work(_work(fake_server), DrainPolicy(), NOW_MS)) == (
        "nb1: no active job, 1 busy notebook (carol: kernel unknown, last activity 2h ago) - waiting 1m of 30m")
    fake_server.sessions["c-carol"] = []
    assert _line(judge_work(_work(fake_server), DrainPolicy(), NOW_MS)) == \
        "nb1: idle (1 open notebook, all quiet) - after 1m, 7 polls"


# ----- whole drains ----------------------------------------------------------------------------

def test_a_busy_kernel_that_goes_idle_the_drain_returns_within_one_poll_of_quiet_for(fake_server):
    fake_server.open_notebook("n1", "alice", "busy", NOW_MS - 1800000)
    fake_server.open_notebook("n2", "bob", "idle", NOW_MS - 7200000)
    _idle_at(fake_server, "n1", 5)
    lines = []
    outcome, clock = _drain(fake_server, _request(quiet_for=10.0), lines=lines)
    result = outcome.result
    assert result.idle and result.stopped_by == "idle"
    # The cell ended at 5 s and quiet_for is 10 s: quiet from 15 s, seen by the poll at 15 s, not one later.
    assert clock.now == 15.0 and result.polls == 16
    assert lines[0] == "nb1: no active job, 1 busy notebook (alice: kernel busy, last activity 30m ago) - waiting 0s of 1m"
    assert lines[6] == "nb1: no active job, 1 busy notebook (alice: kernel idle, last activity 1s ago) - waiting 6s of 1m"
    assert lines[-1] == "nb1: idle (2 open notebooks, all quiet) - after 15s, 16 polls"
    returned = outcome_to_result("nb1", outcome)
    assert returned["busy_notebooks"] == [] and returned["open_notebooks"] == 2 and returned["closed_notebooks"] == []
    # One poll: jobs, one notebooks page, the containers, one sessions request per container.
    assert fake_server.paths()[:5] == ["system/jobs", "notebooks", "system/containers",
                                       "system/containers/c-alice/sessions", "system/containers/c-bob/sessions"]
    assert len(fake_server.paths()) == 5 * 16


def test_timeout_names_every_busy_notebook(fake_server):
    fake_server.jobs = [job("j1", start_ms=NOW_MS - 60000)]
    fake_server.open_notebook("n1", "e_doe", "busy", NOW_MS - 1800000)
    outcome, _clock = _drain(fake_server, _request(timeout=3.0))
    returned = outcome_to_result("nb1", outcome)
    assert returned["stopped_by"] == "timeout" and not returned["idle"]
    assert returned["msg"] == (
        "nb1: not idle after 3s (4 polls, 0 failed), timeout 3s; 1 blocking job: j1 executeNotebook by alice, "
        "1m3s (PROCESSING); 1 busy notebook: n1 by e_doe (kernel busy, last activity 30m3s ago)")
    busy, = returned["busy_notebooks"]
    assert (busy["id"], busy["username"], busy["busy_reason"]) == ("n1", "e_doe", "kernel busy")
    assert busy["kernels"][0]["execution_state"] == "busy"


def test_ignore_reads_no_notebook(fake_server):
    fake_server.open_notebook("n1", "alice", "busy")
    outcome, _clock = _drain(fake_server, _request(notebooks="ignore"))
    assert outcome.result.idle and fake_server.paths() == ["system/jobs"]
    returned = outcome_to_result("nb1", outcome)
    assert returned["open_notebooks"] is None and returned["busy_notebooks"] == []


def test_a_sessions_fault_mid_drain_is_a_failed_poll_never_quiet(fake_server):
    fake_server.open_notebook("n1", "alice", "idle", NOW_MS - 3600000)
    down = Reply(503, "<html><body>503 Service Unavailable</body></html>", {"Content-Type": "text/html"})
    fine = fake_server.answer
    fake_server.jobs = [job("j1")]
    calls = []

    def jobs_then_finish(call):
        calls.append(call)
        if len(calls) == 2:
            fake_server.jobs = []  # the job ends before the second poll: only the sessions read keeps it from idle
        return fine(call)

    fake_server.script("admin/system/jobs", *[jobs_then_finish] * 5)
    fake_server.script("admin/system/containers/c-alice/sessions", fine, down)
    lines = []
    outcome, _clock = _drain(fake_server, _request(), lines=lines)
    assert outcome.result.idle and outcome.result.failures == 1 and outcome.result.polls == 3
    assert lines[1].startswith("nb1: poll 2 failed: ") and "(1 in a row, stopping at 3)" in lines[1]


def test_an_unreadable_sessions_answer_at_the_first_look_stops_with_a_clear_error(fake_server):
    fake_server.open_notebook("n1", "alice", "idle", NOW_MS - 3600000)
    login = Reply(200, "<html><title>Sign In</title></html>", {"Content-Type": "text/html"})
    fake_server.script("admin/system/containers/c-alice/sessions", login)
    outcome, _clock = _drain(fake_server, _request())
    assert outcome.result.stopped_by == "error" and outcome.result.polls == 1
    assert "is not JSON" in outcome.result.last_error


def test_close_notebooks_once_idle_records_which_and_whose(fake_server):
    fake_server.open_notebook("n1", "alice", "idle", NOW_MS - 3600000)
    fake_server.open_notebook("n2", "bob", "idle", NOW_MS - 3600000)
    fake_server.open_notebook("n3", "carol", "idle", NOW_MS - 3600000)
    fake_server.close_operations = ("close",)  # an older release: closeNotebook is not found, close is
    outcome, _clock = _drain(fake_server, _request(owners=("alice", "bob"), close=True))
    returned = outcome_to_result("nb1", outcome)
    assert returned["changed"] is True and returned["idle"] is True
    assert [(n["id"], n["username"]) for n in returned["closed_notebooks"]] == [("n1", "alice"), ("n2", "bob")]
    assert returned["msg"].endswith("; closed 2 notebooks: n1 (alice), n2 (bob)")
    assert fake_server.notebook_ids() == ["n3"]
    assert [p for p in fake_server.paths() if p.startswith("notebooks/")] == [
        "notebooks/n1/closeNotebook", "notebooks/n1", "notebooks/n1/close",
        "notebooks/n2/closeNotebook", "notebooks/n2", "notebooks/n2/close"]


def test_close_notebooks_waits_for_the_busy_one_first(fake_server):
    fake_server.open_notebook("n1", "alice", "busy", NOW_MS - 1800000)
    _idle_at(fake_server, "n1", 2)
    outcome, clock = _drain(fake_server, _request(quiet_for=3.0, close=True))
    assert clock.now == 5.0 and [n.notebook_id for n in outcome.closed_notebooks] == ["n1"]
    assert fake_server.notebooks == []


def test_a_notebook_that_cannot_be_closed_is_a_warning_not_a_silent_pass(fake_server):
    fake_server.open_notebook("n1", "alice", "idle", NOW_MS - 3600000)
    fake_server.close_operations = ()
    outcome, _clock = _drain(fake_server, _request(close=True))
    returned = outcome_to_result("nb1", outcome)
    assert returned["closed_notebooks"] == [] and list(returned["notebook_close_failures"]) == ["n1"]
    assert "does not know how to close notebook n1" in returned["notebook_close_failures"]["n1"]
    assert any(w.startswith("could not close notebooks: n1 (") for w in drain_warnings(returned, "fail"))


def test_an_unexpected_error_while_closing_still_returns_what_the_drain_did(fake_server):
    fake_server.open_notebook("n1", "alice", "idle", NOW_MS - 3600000)
    fake_server.open_notebook("n2", "bob", "idle", NOW_MS - 3600000)
    fake_server.script("admin/notebooks/n1/closeNotebook", RecursionError("maximum recursion depth exceeded"))
    request = DrainRequest(policy=DrainPolicy(), settings=WaitSettings(1.0, 60.0, 3), read_only=True,
                           close_notebooks=True)
    outcome, _clock = _drain(fake_server, request)
    returned = outcome_to_result("nb1", outcome)
    assert returned["read_only_set"] is True and [n["id"] for n in returned["closed_notebooks"]] == ["n2"]
    assert returned["notebook_close_failures"] == {"n1": "RecursionError: maximum recursion depth exceeded"}


def test_a_notebook_closed_meanwhile_is_not_reported_as_closed_by_the_drain(fake_server):
    fake_server.open_notebook("n1", "alice", "idle", NOW_MS - 3600000)

    def gone(call):
        fake_server.notebooks = []
        return fake_server.answer(call)

    fake_server.script("admin/notebooks/n1/closeNotebook", gone)
    outcome, _clock = _drain(fake_server, _request(close=True))
    assert outcome.closed_notebooks == () and outcome.close_failures == {}


def test_check_mode_says_what_it_would_close_and_closes_nothing(fake_server):
    fake_server.open_notebook("n1", "alice", "idle", NOW_MS - 3600000)
    fake_server.open_notebook("n2", "bob", "busy", NOW_MS - 60000)
    outcome, _clock = _drain(fake_server, _request(close=True), check_mode=True)
    returned = outcome_to_result("nb1", outcome)
    assert [n["id"] for n in returned["would_close_notebooks"]] == ["n1", "n2"]
    assert returned["msg"] == (
        "nb1: not idle now; 1 busy notebook: n2 by bob (kernel busy, last activity 1m ago) "
        "(check mode: would wait up to 1m, would close 2 open notebooks once idle: n1 (alice), n2 (bob))")
    assert fake_server.writes() == [] and len(fake_server.notebooks) == 2


# ----- options ---------------------------------------------------------------------------------

def _options(**extra):
    values = {"poll_interval": "10s", "wait_timeout": "30m", "stuck_after": "2h"}
    values.update(extra)
    return OptionAdapter.from_dict(values)


def test_notebook_options():
    request = request_from_options(_options())
    assert request.policy.notebooks == "wait" and request.policy.quiet_for == 300.0 and not request.close_notebooks
    request = request_from_options(_options(notebooks="ignore", quiet_for="90s"))
    assert request.policy.notebooks == "ignore" and request.policy.quiet_for == 90.0
    with pytest.raises(OptionError, match="close_notebooks needs notebooks=wait"):
        request_from_options(_options(notebooks="ignore", close_notebooks=True))
    with pytest.raises(OptionError, match="notebooks must be one of wait, ignore"):
        request_from_options(_options(notebooks="sometimes"))
    with pytest.raises(OptionError, match="quiet_for: 'later' is not a duration"):
        request_from_options(_options(quiet_for="later"))
