"""Jobs that live: SUBMITTED -> PROCESSING -> final on the (scaled) clock, stuck jobs, control, cancel, deleteAll, mode."""

from __future__ import annotations

import time

import pytest

from conftest import REFERER
from notebook_server_emulator.control import ControlApiError


def _status(site, job_id: str, token: str) -> str:
    return site.admin("system/jobs/" + job_id, token)["status"]


def test_lifecycle_follows_the_scaled_clock(site):
    token = site.token()
    # A "30 minute" job after one emulated minute in the queue; at 3600x that is 17 ms + 0.5 s.
    job_id = site.control.add_job(type="executeNotebook", queued=60, duration=1800)
    assert _status(site, job_id, token) == "SUBMITTED"
    site.control.set_time_scale(3600)
    seen = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        status = _status(site, job_id, token)
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == "COMPLETED":
            break
        time.sleep(0.02)
    assert seen[-1] == "COMPLETED" and "PROCESSING" in seen
    record = site.admin("system/jobs/" + job_id, token)
    assert record["endTime"] - record["startTime"] == (60 + 1800) * 1000


def test_advancing_the_clock_moves_jobs_and_the_list(site):
    token = site.token()
    job_id = site.control.add_job(queued=10, duration=100, final_status="FAILED")

    def listed() -> dict:
        return {job["jobId"]: job for job in site.jobs(token, detail="true")["asyncJobs"]}

    assert listed()[job_id]["status"] == "SUBMITTED"
    site.control.advance_clock(10)
    assert listed()[job_id]["status"] == "PROCESSING"
    site.control.advance_clock(100)
    assert listed()[job_id]["status"] == "FAILED"


def test_future_jobs_appear_at_their_start(site):
    token = site.token()
    assert site.jobs(token)["total"] == 9
    site.control.advance_clock(121)
    assert site.jobs(token)["total"] == 10


def test_stuck_jobs_never_end_until_told(site):
    token = site.token()
    job_id = site.control.add_job(stuck=True, queued=0)
    site.control.advance_clock(30 * 24 * 3600)
    # The old token did not survive a month of emulated time.
    assert site.admin("system/jobs/" + job_id, token)["error"] == {"code": 498, "message": "Token Expired.", "details": []}
    token = site.token()
    assert _status(site, job_id, token) == "PROCESSING"
    site.control.finish_job(job_id)
    assert _status(site, job_id, token) == "COMPLETED"
    site.control.stick_job(job_id)
    assert _status(site, job_id, token) == "PROCESSING"
    site.control.fail_job(job_id)
    assert _status(site, job_id, token) == "FAILED"


def test_undocumented_statuses_can_be_emitted(site):
    token = site.token()
    running = site.control.add_active_job(running_status="EXECUTING")
    ended = site.control.add_job(queued=0, duration=1, final_status="CANCELLED")
    site.control.advance_clock(2)
    assert _status(site, running, token) == "EXECUTING"
    record = site.admin("system/jobs/" + ended, token)
    assert record["status"] == "CANCELLED" and "results" not in record
    assert site.control.finish_job(running, status="TIMED_OUT")["status"] == "TIMED_OUT"


def test_cancel_marks_the_job_cancelled(site):
    token = site.token()
    job_id = site.control.add_active_job()
    assert site.admin("system/jobs/%s/cancel" % job_id, token) == {"status": "success"}
    record = site.admin("system/jobs/" + job_id, token)
    assert record["customAttributes"]["isCancelled"] is True
    assert record["status"] == "FAILED" and "endTime" in record and "results" in record
    # Cancelling again changes nothing.
    assert site.admin("system/jobs/%s/cancel" % job_id, token) == {"status": "success"}


def test_delete_all_removes_finished_jobs_only_and_needs_post(site):
    token = site.token()
    get = site.get("admin/system/jobs/deleteAll", {"f": "json", "token": token}, headers={"Referer": "https://tests.invalid/"})
    assert get.json()["error"]["code"] == 405
    assert site.admin("system/jobs/deleteAll", token) == {"status": "success"}
    left = site.jobs(token, detail="true")["asyncJobs"]
    assert sorted(job["status"] for job in left) == ["PROCESSING"] * 3
    # The future job and the stuck one survive too.
    site.control.advance_clock(121)
    assert site.jobs(token)["total"] == 4


def test_site_mode_and_read_only_refuses_new_jobs(site):
    token = site.token()
    assert site.admin("mode", token)["siteMode"] == "EDITABLE"
    assert site.admin("mode/update", token, siteMode="READ_ONLY") == {"status": "success"}
    assert site.admin("mode", token)["siteMode"] == "READ_ONLY"
    with pytest.raises(ControlApiError) as refused:
        site.control.add_job()
    assert refused.value.status == 409
    assert site.control.call("POST", "jobs", {"force": True})["job_ids"]  # tests may still seed jobs
    assert site.admin("mode/update", token, siteMode="BROKEN")["error"]["code"] == 400
    get = site.get("admin/mode/update", {"f": "json", "token": token, "siteMode": "EDITABLE"},
                   headers={"Referer": "https://tests.invalid/"})
    assert get.json()["error"]["code"] == 405
    assert site.admin("mode/update", token, siteMode="EDITABLE") == {"status": "success"}
    assert site.control.add_job()


def test_cancelled_status_option(start_emulator):
    emulator = start_emulator("--cancelled-status", "COMPLETED")
    job_id = emulator.control.add_active_job()
    emulator.control.cancel_job(job_id)
    record = emulator.admin("system/jobs/" + job_id)
    assert record["status"] == "COMPLETED" and record["customAttributes"]["isCancelled"] is True


def test_reset_restores_the_scenario_with_the_same_ids(site):
    ids = site.control.job_ids()
    site.control.add_job()
    site.control.set_site_mode("READ_ONLY")
    state = site.control.reset()
    assert site.control.job_ids() == ids and state["site_mode"] == "EDITABLE" and state["jobs"] == 10


def test_a_bad_scenario_is_refused(tmp_path):
    from conftest import launch
    scenario = tmp_path / "bad.json"
    scenario.write_text('{"jobs": [{"type": "executeNotebook", "colour": "red"}]}', encoding="utf-8")
    result = launch("start", "--state-file", str(tmp_path / "s.json"), "--", "--port", "0", "--scenario", str(scenario),
                    check=False)
    assert result.returncode != 0 and "colour" in result.stderr


def test_a_job_that_ends_as_error_is_read_by_id_without_an_error_envelope(site):
    token = site.token()
    job_id = site.control.add_job(queued=0, duration=5, final_status="ERROR")
    site.control.advance_clock(6)
    answer = site.post("admin/system/jobs/" + job_id, {"f": "json", "token": token}, headers={"Referer": REFERER})
    assert answer.status_code == 200
    record = answer.json()
    assert record["status"] == "ERROR" and record["jobId"] == job_id and "endTime" in record
    assert "error" not in record and record.get("code") is None and "results" not in record
    assert site.control.requests()[-1]["error_code"] is None
    finished_now = site.control.finish_job(site.control.add_active_job(), status="ERROR")
    assert site.admin("system/jobs/" + finished_now["jobId"], token)["status"] == "ERROR"


@pytest.mark.parametrize("running_status", ["CANCELLING", "CANCEL_REQUESTED"])
def test_cancel_statuses_can_be_running_statuses(site, running_status):
    token = site.token()
    job_id = site.control.add_job(queued=0, duration=600, running_status=running_status, final_status="cancelled")
    record = site.admin("system/jobs/" + job_id, token)
    # A job that will end cancelled shows isCancelled from its start, while it still runs.
    assert record["status"] == running_status and record["customAttributes"]["isCancelled"] is True
    assert "endTime" not in record
    listed = {job["jobId"]: job for job in site.jobs(token, detail="true")["asyncJobs"]}
    assert listed[job_id]["status"] == running_status
    site.control.advance_clock(600)
    record = site.admin("system/jobs/" + job_id, token)
    assert record["status"] == "FAILED" and record["customAttributes"]["isCancelled"] is True


def test_request_cancel_marks_is_cancelled_while_still_processing(site):
    token = site.token()
    job_id = site.control.add_active_job()
    record = site.control.request_cancel(job_id, seconds=120)
    assert record["status"] == "PROCESSING" and record["customAttributes"]["isCancelled"] is True
    seen = site.admin("system/jobs/" + job_id, token)
    assert seen["status"] == "PROCESSING" and seen["customAttributes"]["isCancelled"] is True and "endTime" not in seen
    # Still active: deleteAll keeps it.
    assert site.admin("system/jobs/deleteAll", token) == {"status": "success"}
    site.control.advance_clock(119)
    assert site.admin("system/jobs/" + job_id, token)["status"] == "PROCESSING"
    site.control.advance_clock(1)
    ended = site.admin("system/jobs/" + job_id, token)
    assert ended["status"] == "FAILED" and ended["customAttributes"]["isCancelled"] is True and ended["messages"]


def test_request_cancel_with_a_status_and_no_end(site):
    job_id = site.control.add_job(queued=0, duration=60)
    site.control.request_cancel(job_id, running_status="CANCELLING")
    site.control.advance_clock(30 * 24 * 3600)
    token = site.token()
    record = site.admin("system/jobs/" + job_id, token)
    assert record["status"] == "CANCELLING" and record["customAttributes"]["isCancelled"] is True
    # The admin API's cancel does not end a cancel already under way; the control API can.
    assert site.admin("system/jobs/%s/cancel" % job_id, token) == {"status": "success"}
    assert site.admin("system/jobs/" + job_id, token)["status"] == "CANCELLING"
    assert site.control.request_cancel(job_id, seconds=0)["status"] == "FAILED"
    with pytest.raises(ControlApiError) as refused:
        site.control.request_cancel(job_id, seconds=-1)
    assert refused.value.status == 400


def test_cancel_pending_seconds_keeps_a_cancelled_job_running(site):
    token = site.token()
    slow, never = site.control.add_jobs([{"queued": 0, "stuck": True, "cancel_pending_seconds": 300},
                                         {"queued": 0, "stuck": True, "cancel_pending_seconds": None}])
    for job_id in (slow, never):
        assert site.admin("system/jobs/%s/cancel" % job_id, token) == {"status": "success"}
        record = site.admin("system/jobs/" + job_id, token)
        assert record["status"] == "PROCESSING" and record["customAttributes"]["isCancelled"] is True
    site.control.advance_clock(300)
    assert site.admin("system/jobs/" + slow, token)["status"] == "FAILED"
    assert site.admin("system/jobs/" + never, token)["status"] == "PROCESSING"
    site.control.reset()
    assert slow not in site.control.job_ids()
