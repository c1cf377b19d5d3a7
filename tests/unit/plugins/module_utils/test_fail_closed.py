# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fail closed: each way a verdict, a site mode or a secret went wrong, pinned through the tasks users run (issue 13)."""

from __future__ import annotations

import io
import time

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.model import AuditWindow
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.reader import read_server_jobs
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.tally import TallyRules
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client import bodies, transport
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    BadResponseError,
    JobNotFoundError,
    NotFoundError,
    OptionError,
    TransportError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.secrets import MASK, redact
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.result import outcome_to_result
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.task import DrainRequest, run_drain
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.policy import DrainPolicy
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.waiter import WaitSettings
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs import listing as jobs_listing
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import classify, is_finished, job_brief
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.task import run as run_jobs_info
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.site.task import run_job, run_jobs_cleanup
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    GIVEN_TOKEN,
    HOUR_MS,
    NOW_MS,
    PASSWORD,
    SITE,
    USERNAME,
    Reply,
    job,
    make_client,
)

HTML_404 = Reply(404, "<html><body><h1>HTTP Status 404 - Not Found</h1></body></html>", {"Content-Type": "text/html"})


def _options(**extra):
    values = {"url": SITE, "username": USERNAME, "password": PASSWORD, "retries": 0}
    values.update(extra)
    return OptionAdapter.from_dict(values)


def _quiet(_message):
    pass


# -- 1. a wrong URL is not "the job is gone" -------------------------------------------------------

def test_an_html_404_at_generate_token_is_an_error_not_a_missing_job(fake_server):
    fake_server.script("admin/generateToken", HTML_404)
    with pytest.raises(NotFoundError) as caught:
        run_jobs_info(_options(job_id=["j1"]), False, _quiet)
    assert not isinstance(caught.value, JobNotFoundError)
    assert "generateToken was not found" in caught.value.message and "check url" in caught.value.message


def test_an_html_404_for_the_job_path_is_an_error_not_a_missing_job(fake_server):
    fake_server.script("admin/system/jobs/j1", HTML_404)
    with pytest.raises(NotFoundError) as caught:
        run_job(_options(job_id=["j1"], missing="ignore"), False, _quiet)
    assert not isinstance(caught.value, JobNotFoundError)
    assert fake_server.writes() == []


def test_only_the_sites_own_envelope_for_that_job_means_missing(fake_server):
    fake_server.load([job("j1")])
    result = run_jobs_info(_options(job_id=["j1", "jgone"]), False, _quiet)
    assert result["missing_job_ids"] == ["jgone"] and [j["jobId"] for j in result["jobs"]] == ["j1"]
    assert result["complete"] is True and result["summary"]["idle"] is False


# -- 2 and 3. no usable total, a capped server: never complete, never idle -------------------------

@pytest.mark.parametrize("total", [None, "151.0x", float("inf")])
def test_a_capped_server_without_a_usable_total_is_neither_complete_nor_idle(fake_server, total):
    fake_server.load([job("jold", "PROCESSING", start_ms=NOW_MS - 5 * HOUR_MS)]
                     + [job("j%03d" % n, "COMPLETED", end_ms=NOW_MS) for n in range(150)], max_num=100)
    fake_server.jobs.append(fake_server.jobs.pop(0))  # the running job is the oldest: past the cap
    real = fake_server.answer

    def without_total(call):
        reply = real(call)
        if total is None:
            del reply.body["total"]
        else:
            reply.body["total"] = total
        return reply

    fake_server.script("admin/system/jobs", without_total)
    warnings = []
    result = run_jobs_info(_options(), False, warnings.append)
    assert result["complete"] is False and result["summary"]["active"] == 0
    assert result["summary"]["idle"] is False
    assert len(warnings) == 1 and "no usable total" in warnings[0] and "summary.idle" in warnings[0]


def test_the_drain_is_not_idle_on_a_list_without_total(fake_server):
    fake_server.load([job("j1", "COMPLETED", end_ms=NOW_MS)])
    fake_server.script("admin/system/jobs", *[Reply(200, {"asyncJobs": [job("j1", "COMPLETED", end_ms=NOW_MS)]})] * 5)
    returned = _drain(fake_server, timeout=2.0)
    assert returned["idle"] is False and returned["stopped_by"] == "timeout"
    assert "the last listing was incomplete" in returned["msg"]


def test_the_audit_reports_a_list_without_total_as_incomplete(fake_server):
    fake_server.script("admin/system/jobs", Reply(200, {"asyncJobs": [job("j1", "COMPLETED", end_ms=NOW_MS)]}))
    rules = TallyRules(AuditWindow("-24h", NOW_MS - 24 * HOUR_MS, NOW_MS), 7200.0)
    jobs = read_server_jobs({"url": SITE, "token": GIVEN_TOKEN}, rules)
    assert jobs.incomplete_reason.startswith("the jobs answer has no usable total")


# -- 4. a malformed answer is a failed poll, and the drain always says what it changed -------------

class _Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def _drain(server, timeout=3.0, read_only=False):
    clock = _Clock()
    request = DrainRequest(DrainPolicy(stuck_after=7200.0), WaitSettings(1.0, timeout, 3), read_only=read_only)
    client = make_client(server, username=None, password=None, token=GIVEN_TOKEN, retries=0)
    return outcome_to_result("nb1", run_drain(client, request, clock=clock, sleep=clock.sleep))


@pytest.mark.parametrize("body", [
    b"[" * 100000 + b"]" * 100000,  # RecursionError in json
    b'{"asyncJobs": [], "total": 1e999}',  # OverflowError in int()
    b'{"asyncJobs": [{"jobId": "j1", "status": "PROCESSING", "startTime": 1e999}], "total": 1}',
    b'{"asyncJobs": ["jnot-a-record", 42, null], "total": 3}',  # AttributeError in classify
])
def test_a_malformed_answer_after_read_only_leaves_a_record_of_read_only(fake_server, body):
    fake_server.script("admin/system/jobs", *[Reply(200, body, {"Content-Type": "application/json"})] * 10)
    returned = _drain(fake_server, read_only=True)
    assert fake_server.mode == "READ_ONLY"
    assert returned["read_only_set"] is True and returned["idle"] is False


def test_an_unexpected_exception_still_returns_what_the_drain_changed(fake_server, monkeypatch):
    def broken(_client, _num=None):
        raise KeyError("a bug")

    monkeypatch.setattr("ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.task.list_jobs", broken)
    returned = _drain(fake_server, read_only=True)
    assert returned["read_only_set"] is True and returned["stopped_by"] == "error"
    assert "KeyError" in returned["msg"]


def test_the_info_task_does_not_drop_items_that_are_not_records_while_saying_complete(fake_server):
    fake_server.script("admin/system/jobs", Reply(200, {"asyncJobs": [job("j1", "COMPLETED", end_ms=NOW_MS), "x"],
                                                        "total": 2}))
    warnings = []
    result = run_jobs_info(_options(), False, warnings.append)
    assert result["complete"] is False and result["summary"]["idle"] is False
    assert "1 item of the list is not a job record" in warnings[0]


# -- 5. a token with a line break is refused before it can leak -----------------------------------

@pytest.mark.parametrize("name", ["token", "password"])
def test_control_characters_in_secrets_are_refused_without_echoing_them(fake_server, name):
    secret = "s3cret-value\r\nX-Injected: yes"
    options = {"token": secret} if name == "token" else {"username": USERNAME, "password": secret}
    with pytest.raises(OptionError) as caught:
        run_jobs_info(OptionAdapter.from_dict(dict(url=SITE, token_location="header", **options)), False, _quiet)
    assert name in str(caught.value) and "s3cret" not in str(caught.value)
    assert fake_server.calls == []


def test_redaction_masks_the_escaped_and_repr_forms_of_a_secret():
    secret = "tok\r\nen-value"
    text = "Invalid header value b'Bearer %s' and %s" % (repr(secret)[1:-1], '"tok\\r\\nen-value"')
    assert "en-value" not in redact(text, [secret]) and redact(text, [secret]).count(MASK) == 2


# -- 6. a cancel requested is not a job finished ----------------------------------------------------

def test_the_drain_waits_for_a_job_whose_cancel_is_only_requested(fake_server):
    fake_server.load([job("j1", "PROCESSING", cancelled=True, start_ms=NOW_MS - 60000)])
    returned = _drain(fake_server, timeout=2.0)
    assert returned["idle"] is False and [j["jobId"] for j in returned["blocking_jobs"]] == ["j1"]
    assert returned["blocking_jobs"][0]["active"] is True and returned["blocking_jobs"][0]["status"] == "PROCESSING"


# -- 7. bounds: num, body size, a whole answer's time ------------------------------------------------

class _TricklingStream:
    """A body that gives one byte per read and lets the (patched) monotonic clock move a second each time."""

    def __init__(self, clock):
        self.clock = clock

    def read1(self, _amount):
        self.clock.now += 1.0
        return b" "


class _Closed:
    def __init__(self):
        self.closed = False

    def __call__(self, whole):
        self.closed = True


def test_a_trickling_body_is_cut_at_the_deadline(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(bodies.time, "monotonic", clock)
    closed = _Closed()
    response = transport.Response(200, {}, _TricklingStream(clock), closed)
    with pytest.raises(transport.AnswerTimeout, match="too slowly") as caught:
        bodies.read_body(response, 0.0, 30.0)
    assert clock.now <= 31.0 and closed.closed and caught.value.sent is True


def test_a_body_larger_than_the_limit_is_not_read_whole():
    closed = _Closed()
    with pytest.raises(bodies.AnswerTooLarge):
        bodies.read_body(transport.Response(200, {}, io.BytesIO(b"x" * 5000), closed), time.monotonic(), 30.0,
                         limit=1000)
    assert closed.closed
    stream = io.BytesIO(b"x" * 5000)
    with pytest.raises(bodies.AnswerTooLarge):
        bodies.read_body(transport.Response(200, {"Content-Length": "999999999999"}, stream), time.monotonic(), 30.0)
    assert stream.tell() == 0  # said too large from its length, before a byte was read


def test_a_huge_answer_is_a_bad_answer_not_a_memory_error(fake_server, monkeypatch):
    monkeypatch.setattr(bodies, "MAX_ANSWER_BYTES", 1000)
    monkeypatch.setattr(bodies.read_body, "__defaults__", (1000,))
    fake_server.script("admin/system/jobs", Reply(200, {"asyncJobs": [], "total": 0, "padding": "x" * 5000}))
    with pytest.raises(BadResponseError, match="larger than"):
        jobs_listing.list_jobs(make_client(fake_server))


def test_a_too_slow_answer_is_retried_then_reported(fake_server, monkeypatch):
    def too_slow(*_args, **_kwargs):
        raise bodies._too_slow(120.0)  # pylint: disable=protected-access

    monkeypatch.setattr("ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.http.read_body",
                        too_slow)
    with pytest.raises(TransportError, match="did not arrive within 120s"):
        jobs_listing.list_jobs(make_client(fake_server, retries=1, username=None, password=None, token=GIVEN_TOKEN))
    assert len(fake_server.calls_to("/admin/system/jobs")) == 2


# -- 8. a job whose status is ERROR is a record, not an error envelope -----------------------------

def test_a_job_with_status_error_read_by_id_is_a_record(fake_server):
    fake_server.load([job("j1", "ERROR", end_ms=NOW_MS)])
    result = run_jobs_info(_options(job_id=["j1"]), False, _quiet)
    assert [j["jobId"] for j in result["jobs"]] == ["j1"] and result["jobs"][0]["active"] is False


# -- 9. jobs_cleanup predicts with the server's rule -----------------------------------------------

def test_cleanup_check_mode_predicts_what_delete_all_removes(fake_server):
    fake_server.load([job("jdone", "COMPLETED", end_ms=NOW_MS), job("jfailed", "FAILED", end_ms=NOW_MS),
                      job("jcancelling", "PROCESSING", cancelled=True), job("jcancelled", "CANCELLED", end_ms=NOW_MS)])
    predicted = run_jobs_cleanup(_options(), True, _quiet)["removed_job_ids"]
    assert predicted == ["jdone", "jfailed"]
    assert run_jobs_cleanup(_options(), False, _quiet)["removed_job_ids"] == predicted


# -- 10. time and tokens ------------------------------------------------------------------------------

def test_a_controller_clock_ahead_does_not_make_healthy_jobs_stuck(fake_server):
    """The controller's clock is years ahead of NOW_MS; the server's Date header is what ages are counted on."""
    fake_server.load([job("j1", "PROCESSING", start_ms=NOW_MS - 60000)])
    result = run_jobs_info(_options(stuck_after="30m"), False, _quiet)
    assert result["jobs"][0]["stuck"] is False and result["jobs"][0]["age_seconds"] == pytest.approx(60.0, abs=1)


def test_a_generated_token_is_renewed_before_it_expires(fake_server, monkeypatch):
    """expires was parsed but unused: a long drain sent a token that had lapsed."""
    clock = _Clock()
    monkeypatch.setattr("time.monotonic", clock)
    client = make_client(fake_server)
    client.get_json("mode")
    clock.now += 30 * 60  # the fake's tokens last an hour
    client.get_json("mode")
    assert len(fake_server.tokens_issued) == 1
    clock.now += 29.5 * 60  # within a minute of expiry
    client.get_json("mode")
    assert len(fake_server.tokens_issued) == 2


# -- 11. a placeholder endTime is not an end ---------------------------------------------------------
# Servers omit endTime while a job runs; an endTime <= 0 (0, -1, "0", "-1") is a placeholder, read as absent:
# the status decides, and an active or unknown status is work. It made such a job finished: idle, dropped from the audit.

PLACEHOLDER_ENDS = [0, -1, "0", "-1"]
RUNNING_STATUSES = ["PROCESSING", "QUEUED_FOR_RETRY"]  # a documented active status, and one no document names
AUDIT_RULES = TallyRules(AuditWindow("-24h", NOW_MS - 24 * HOUR_MS, NOW_MS), 7200.0)


@pytest.mark.parametrize("status", RUNNING_STATUSES)
@pytest.mark.parametrize("end", PLACEHOLDER_ENDS, ids=repr)
def test_a_placeholder_end_time_does_not_finish_a_running_job(status, end):
    record = job("j1", status, start_ms=NOW_MS - 3 * HOUR_MS, end_ms=end)
    facts = classify(record, NOW_MS, 7200.0)
    assert is_finished(record) is False and facts.active is True and facts.stuck is True
    assert facts.end_ms is None and job_brief(facts)["endTime"] is None  # no end time made of the placeholder


@pytest.mark.parametrize("status", RUNNING_STATUSES)
@pytest.mark.parametrize("end", PLACEHOLDER_ENDS, ids=repr)
def test_the_info_summary_is_not_idle_for_a_running_job_with_a_placeholder_end_time(fake_server, status, end):
    fake_server.load([job("j1", status, end_ms=end), job("j2", "COMPLETED", end_ms=NOW_MS)])
    result = run_jobs_info(_options(), False, _quiet)
    assert result["complete"] is True
    assert result["summary"]["idle"] is False and result["summary"]["active"] == 1
    assert result["summary"]["oldest_active"]["jobId"] == "j1" and result["summary"]["oldest_active"]["endTime"] is None
    assert [record["active"] for record in result["jobs"]] == [True, False]


@pytest.mark.parametrize("status", RUNNING_STATUSES)
@pytest.mark.parametrize("end", PLACEHOLDER_ENDS, ids=repr)
def test_the_drain_waits_for_a_running_job_with_a_placeholder_end_time(fake_server, status, end):
    fake_server.load([job("j1", status, start_ms=NOW_MS - 60000, end_ms=end)])
    returned = _drain(fake_server, timeout=2.0)
    assert returned["idle"] is False and returned["stopped_by"] == "timeout"
    assert [item["jobId"] for item in returned["blocking_jobs"]] == ["j1"]
    assert returned["blocking_jobs"][0]["active"] is True and returned["blocking_jobs"][0]["endTime"] is None


@pytest.mark.parametrize("status", RUNNING_STATUSES)
@pytest.mark.parametrize("end", PLACEHOLDER_ENDS, ids=repr)
def test_the_audit_counts_a_running_job_with_a_placeholder_end_time_as_active(fake_server, status, end):
    fake_server.load([job("j1", status, start_ms=NOW_MS - 3 * HOUR_MS, end_ms=end)])
    tally = read_server_jobs({"url": SITE, "token": GIVEN_TOKEN}, AUDIT_RULES, "nb1").tally
    assert tally.counts["active"] == 1 and tally.counts["jobs"] == 1
    assert [item.job_id for item in tally.stuck_jobs] == ["j1"] and tally.oldest_active.job_id == "j1"
    assert tally.stuck_jobs[0].end_ms is None


@pytest.mark.parametrize("end", PLACEHOLDER_ENDS, ids=repr)
def test_the_job_module_cancels_a_running_job_with_a_placeholder_end_time(fake_server, end):
    fake_server.load([job("j1", "PROCESSING", end_ms=end)])
    result = run_job(_options(job_id=["j1"]), True, _quiet)
    assert result["cancelled_job_ids"] == ["j1"] and result["already_finished_job_ids"] == []
    assert result["jobs"][0]["active"] is True


@pytest.mark.parametrize("end", [-1, "0"], ids=repr)
def test_a_finished_job_with_a_placeholder_end_time_has_no_end_time_and_no_duration(fake_server, end):
    """The status decides; the placeholder makes no end time in 1969 and no duration, and the start dates the job."""
    fake_server.load([job("j1", "FAILED", start_ms=NOW_MS - HOUR_MS, end_ms=end)])
    tally = read_server_jobs({"url": SITE, "token": GIVEN_TOKEN}, AUDIT_RULES, "nb1").tally
    assert tally.counts["active"] == 0 and tally.counts["failed"] == 1  # in the window by its start
    assert tally.failed_jobs[0].end_ms is None
    assert tally.csv_rows == b"nb1,j1,executeNotebook,alice,FAILED,failed,2024-05-01T07:00:00Z,,,3600.0,false,true\n"


@pytest.mark.parametrize("end", [NOW_MS - 1000, str(NOW_MS - 1000), 1], ids=repr)
def test_a_positive_end_time_still_finishes_a_running_job(fake_server, end):
    record = job("j1", "PROCESSING", start_ms=NOW_MS - 3 * HOUR_MS, end_ms=end)
    assert is_finished(dict(record)) is True and classify(dict(record), NOW_MS, 7200.0).end_ms == int(end)
    fake_server.load([record])
    summary = run_jobs_info(_options(), False, _quiet)["summary"]
    assert summary["idle"] is True and summary["active"] == 0
    assert _drain(fake_server)["idle"] is True
    tally = read_server_jobs({"url": SITE, "token": GIVEN_TOKEN}, AUDIT_RULES, "nb1").tally
    assert tally.counts["active"] == 0 and tally.stuck_jobs == []
