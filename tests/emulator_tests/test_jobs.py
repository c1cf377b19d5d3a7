"""The jobs resource: shapes as in Esri's examples, num and total, sort order, formats, single jobs, roles."""

from __future__ import annotations

import re
import uuid

# Keys of the examples on Esri's "Jobs" page (seeds/notebook-server-admin-jobs.txt).
ABBREVIATED_KEYS = ["jobId", "startTime", "type", "username"]
FULL_KEYS_FINISHED = ["jobId", "inputs", "startTime", "endTime", "type", "results", "status", "username", "customAttributes"]
FULL_KEYS_RUNNING = ["jobId", "inputs", "startTime", "type", "status", "username", "customAttributes"]
EXECUTE_INPUT_KEYS = {"itemId", "updatePortalItem", "saveInjectedParameters", "notebookParameters", "runId",
                      "executeJobUpdated", "taskId"}
JOB_ID = re.compile(r"^j[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _by_user_and_type(jobs: list) -> dict:
    return {(job["username"], job["type"]): job for job in jobs}


def test_abbreviated_list_has_no_status(site):
    answer = site.jobs()
    assert list(answer) == ["asyncJobs", "total"]
    assert answer["total"] == len(answer["asyncJobs"]) == 9
    for job in answer["asyncJobs"]:
        assert list(job) == ABBREVIATED_KEYS
        assert JOB_ID.match(job["jobId"]) and uuid.UUID(job["jobId"][1:]).version == 4
        assert isinstance(job["startTime"], int)


def test_full_records_follow_the_documented_shape(site):
    records = site.jobs(detail="true")["asyncJobs"]
    jobs = _by_user_and_type(records)
    finished = [job for job in records if job["status"] == "COMPLETED" and job["type"] == "openNotebook"][0]
    assert list(finished) == FULL_KEYS_FINISHED
    assert finished["inputs"] == {} and finished["customAttributes"] == {"isCancelled": False}
    assert set(finished["results"]) == {"notebookUrl", "notebookId", "webToolVersion"}
    assert finished["endTime"] > finished["startTime"]
    running = jobs[("nbuser", "executeNotebook")]
    assert running["status"] == "PROCESSING"
    assert list(running) == FULL_KEYS_RUNNING  # no endTime, no results while running
    assert set(running["inputs"]) == EXECUTE_INPUT_KEYS and isinstance(running["inputs"]["notebookParameters"], str)
    failed = [job for job in records if job["status"] == "FAILED" and not job["customAttributes"]["isCancelled"]][0]
    assert "results" in failed and "endTime" in failed and failed["messages"]
    cancelled = jobs[("m_doe", "openNotebook")]
    assert cancelled["customAttributes"]["isCancelled"] is True and cancelled["status"] == "FAILED"
    assert jobs[("j_doe", "exportNotebookSnapshot")]["status"] == "COMPLETED"  # unknown types are real jobs
    stuck = jobs[("scheduler", "executeNotebook")]
    assert stuck["status"] == "PROCESSING" and "endTime" not in stuck


def test_open_notebook_shows_progress_while_running(site):
    job_id = site.control.add_active_job(type="openNotebook", username="j_doe")
    record = site.admin("system/jobs/" + job_id)
    assert record["customAttributes"]["openNotebookProgress"]["percent"] == 50
    assert "openNotebook" in record["customAttributes"]


def test_num_defaults_to_100_and_total_counts_all(site):
    site.control.add_jobs([{"type": "executeNotebook", "start": -7200, "duration": 10, "count": 150}])
    token = site.token()
    answer = site.jobs(token)
    assert answer["total"] == 159 and len(answer["asyncJobs"]) == 100
    answer = site.jobs(token, num="5", detail="true")
    assert answer["total"] == 159 and len(answer["asyncJobs"]) == 5
    assert len(site.jobs(token, num="1000")["asyncJobs"]) == 159
    assert site.jobs(token, num="x")["error"]["code"] == 400


def test_sort_by_date_is_newest_first(site):
    token = site.token()
    unsorted = [job["startTime"] for job in site.jobs(token)["asyncJobs"]]
    newest_first = [job["startTime"] for job in site.jobs(token, sortByDate="true")["asyncJobs"]]
    assert newest_first == sorted(unsorted, reverse=True)
    assert unsorted != newest_first  # the default order is not by date
    top = site.jobs(token, sortByDate="true", num="2")["asyncJobs"]
    assert [job["startTime"] for job in top] == newest_first[:2]


def test_default_format_is_html_and_pjson_is_json(site):
    token = site.token()
    answer = site.post("admin/system/jobs", {"token": token}, headers={"Referer": "https://tests.invalid/"})
    assert answer.headers["Content-Type"].startswith("text/html") and "<table>" in answer.text
    pretty = site.post("admin/system/jobs", {"token": token, "f": "pjson", "detail": "true"},
                       headers={"Referer": "https://tests.invalid/"})
    assert pretty.json()["total"] == 9 and "\n  " in pretty.text


def test_one_job_and_unknown_job(site):
    token = site.token()
    job_id = site.jobs(token)["asyncJobs"][0]["jobId"]
    record = site.admin("system/jobs/" + job_id, token)
    assert record["jobId"] == job_id and "status" in record
    assert site.admin("system/jobs/jdoesnotexist", token)["error"]["code"] == 404


def test_a_user_sees_only_own_jobs_and_no_admin_resources(site):
    token = site.token("user")
    jobs = site.jobs(token, detail="true")["asyncJobs"]
    assert jobs and {job["username"] for job in jobs} == {"nbuser"}
    assert site.jobs(token)["total"] == len(jobs)
    others = [job for job in site.jobs()["asyncJobs"] if job["username"] != "nbuser"]
    assert site.admin("system/jobs/" + others[0]["jobId"], token)["error"]["code"] == 403
    assert site.admin("system/jobs/%s/cancel" % others[0]["jobId"], token)["error"]["code"] == 403
    assert site.admin("system/jobs/deleteAll", token)["error"]["code"] == 403
    assert site.admin("mode", token)["error"]["code"] == 403
    assert site.admin("mode/update", token, siteMode="READ_ONLY")["error"]["code"] == 403


def test_a_scenario_user_can_log_in(site):
    answer = site.post("admin/generateToken", {"username": "j_doe", "password": "j_doe-demo-password",
                                               "client": "requestip", "f": "json"}).json()
    jobs = site.jobs(answer["token"])["asyncJobs"]
    assert {job["username"] for job in jobs} == {"j_doe"}
