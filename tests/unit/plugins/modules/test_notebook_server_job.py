# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The notebook_server_job module: cancel, finished jobs left alone, missing ids, check mode, diff, old servers."""

from __future__ import annotations

from ansible_collections.gisadmin.notebook_server.plugins.modules import notebook_server_job
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    TIMEOUT_AFTER,
    SITE,
    FakeNotebookServer,
    job_record,
    GIVEN_TOKEN,
    serve,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.modules.module_runner import run_module

RUNNING = "j0bc73e29-3725-4eb1-b6c7-db2cdc56799c"
WAITING = "j9ed8e170-21d8-412f-bea2-609a82f1b436"
DONE = "j11111111-3725-4eb1-b6c7-db2cdc56799c"
UNKNOWN = "jdeadbee-0000-0000-0000-000000000000"


CONNECTION = {"url": SITE + "/admin/", "token": GIVEN_TOKEN}


def server(**kwargs):
    return FakeNotebookServer(jobs=[job_record(RUNNING), job_record(WAITING, "SUBMITTED"), job_record(DONE, "COMPLETED")],
                              **kwargs)


def run(monkeypatch, fake, check_mode=False, diff=False, **args):
    serve(monkeypatch, fake)
    return run_module(monkeypatch, notebook_server_job, dict(CONNECTION, **args), check_mode=check_mode, diff=diff)


def test_cancels_one_running_job(monkeypatch):
    fake = server()
    result = run(monkeypatch, fake, job_id=RUNNING)
    assert result["failed"] is False
    assert result["changed"] is True
    assert result["cancelled_job_ids"] == [RUNNING]
    assert result["already_finished_job_ids"] == []
    assert result["missing_job_ids"] == []
    assert [job["jobId"] for job in result["jobs"]] == [RUNNING]
    assert result["jobs"][0]["customAttributes"]["isCancelled"] is True
    assert result["jobs"][0]["active"] is False  # the computed fields of jobs_info
    assert fake.record(RUNNING)["customAttributes"]["isCancelled"] is True


def test_a_list_of_ids_with_a_finished_one_and_a_repeat(monkeypatch):
    fake = server()
    result = run(monkeypatch, fake, job_id=[RUNNING, DONE, WAITING, RUNNING])
    assert result["cancelled_job_ids"] == [RUNNING, WAITING]
    assert result["already_finished_job_ids"] == [DONE]
    assert [job["jobId"] for job in result["jobs"]] == [RUNNING, DONE, WAITING]
    assert len(fake.writes()) == 2


def test_a_finished_job_is_left_alone(monkeypatch):
    fake = server()
    result = run(monkeypatch, fake, job_id=DONE)
    assert result["changed"] is False
    assert result["already_finished_job_ids"] == [DONE]
    assert result["jobs"][0]["status"] == "COMPLETED"
    assert fake.writes() == []


def test_second_run_is_idempotent(monkeypatch):
    fake = server()
    run(monkeypatch, fake, job_id=RUNNING)
    result = run(monkeypatch, fake, job_id=RUNNING)
    assert result["changed"] is False
    assert result["already_finished_job_ids"] == [RUNNING]
    assert len(fake.writes()) == 1


def test_unknown_id_fails_before_anything_is_cancelled(monkeypatch):
    fake = server()
    result = run(monkeypatch, fake, job_id=[RUNNING, UNKNOWN])
    assert result["failed"] is True
    assert UNKNOWN in result["msg"]
    assert "nothing was cancelled" in result["msg"]
    assert fake.writes() == []


def test_unknown_id_ignored_when_asked(monkeypatch):
    fake = server()
    result = run(monkeypatch, fake, job_id=[UNKNOWN, RUNNING], missing="ignore")
    assert result["failed"] is False
    assert result["missing_job_ids"] == [UNKNOWN]
    assert result["cancelled_job_ids"] == [RUNNING]


def test_check_mode_predicts_without_cancelling(monkeypatch):
    fake = server()
    result = run(monkeypatch, fake, check_mode=True, job_id=[RUNNING, DONE])
    assert result["changed"] is True
    assert result["cancelled_job_ids"] == [RUNNING]
    assert result["already_finished_job_ids"] == [DONE]
    assert result["jobs"][0]["status"] == "PROCESSING"
    assert fake.writes() == []


def test_check_mode_on_finished_jobs_predicts_no_change(monkeypatch):
    assert run(monkeypatch, server(), check_mode=True, job_id=DONE)["changed"] is False


def test_diff_shows_each_job_before_and_after(monkeypatch):
    result = run(monkeypatch, server(), diff=True, job_id=[RUNNING, DONE])
    assert result["diff"] == {
        "before": {"jobs": {RUNNING: "PROCESSING", DONE: "COMPLETED"}},
        "after": {"jobs": {RUNNING: "FAILED (cancelled)", DONE: "COMPLETED"}},
    }


def test_diff_in_check_mode_shows_the_prediction(monkeypatch):
    result = run(monkeypatch, server(), check_mode=True, diff=True, job_id=RUNNING)
    assert result["diff"]["after"] == {"jobs": {RUNNING: "cancelled"}}


def test_old_server_without_cancel_fails_with_a_clear_message(monkeypatch):
    fake = server(cancel_supported=False)
    result = run(monkeypatch, fake, job_id=RUNNING)
    assert result["failed"] is True
    assert "does not support cancelling jobs (added in 10.8.1)" in result["msg"]


def test_cancel_timeout_reads_the_job_instead_of_repeating(monkeypatch):
    fake = server()
    fake.fail_next("system/jobs/%s/cancel" % RUNNING, TIMEOUT_AFTER)
    result = run(monkeypatch, fake, job_id=RUNNING)
    assert result["changed"] is True
    assert len(fake.writes()) == 1


def test_permission_denied(monkeypatch):
    result = run(monkeypatch, server(admin=False), job_id=RUNNING)
    assert result["failed"] is True
    assert "permission denied" in result["msg"]


def test_an_empty_job_id_is_refused(monkeypatch):
    fake = server()
    result = run(monkeypatch, fake, job_id=[" "])
    assert result["failed"] is True
    assert "job id" in result["msg"]
    assert fake.calls == []
