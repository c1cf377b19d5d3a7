"""Answers a fail-closed client must refuse: capped lists, odd totals, trickling, huge, nested and malformed bodies."""

from __future__ import annotations

import concurrent.futures
import json
import math
import time

import pytest
import requests

from conftest import REFERER
from notebook_server_emulator.control import ControlApiError


def _raw_jobs(site, token: str, **params) -> requests.Response:
    return site.session.post(site.admin_url + "/system/jobs", data={"f": "json", "token": token, **params},
                             headers={"Referer": REFERER}, verify=site.verify, timeout=30)


# ----- max_num -----

def test_max_num_caps_the_records_whatever_num_asks(site):
    site.control.add_jobs([{"start": -7200, "duration": 10, "count": 30}])
    token = site.token()
    assert len(site.jobs(token, num="1000")["asyncJobs"]) == 39
    assert site.control.set_max_num(10) == {"max_num": 10}
    for num in ("1000", "11", "100000"):
        answer = site.jobs(token, num=num, detail="true")
        assert len(answer["asyncJobs"]) == 10 and answer["total"] == 39
    assert len(site.jobs(token, num="4")["asyncJobs"]) == 4  # a smaller num still wins
    assert site.control.state()["max_num"] == 10
    site.control.reset()
    assert site.control.switches() == {"max_num": None}
    assert len(site.jobs(token=site.token(), num="1000")["asyncJobs"]) == 9


def test_bad_switches_are_refused(site):
    for body in ({"max_num": -1}, {"max_num": "many"}, {"colour": "red"}):
        with pytest.raises(ControlApiError) as refused:
            site.control.call("POST", "switches", body)
        assert refused.value.status == 400


# ----- odd_total -----

@pytest.mark.parametrize("form, text, value", [
    ("float", '"total":9.0}', 9.0),
    ("float_string", '"total":"9.0"}', "9.0"),
    ("string", '"total":"9"}', "9"),
    ("infinite", '"total":1e999}', math.inf),
    ("huge", '"total":1000000000000}', 10 ** 12),
])
def test_odd_total_forms(site, form, text, value):
    token = site.token()
    site.control.inject_fault("odd_total", form=form)
    answer = _raw_jobs(site, token)
    assert answer.text.endswith(text)
    document = json.loads(answer.text)
    assert document["total"] == value and type(document["total"]) is type(value)
    assert len(document["asyncJobs"]) == 9
    assert _raw_jobs(site, token).json()["total"] == 9  # count 1: the next list is normal
    assert [entry["fault"] for entry in site.control.requests()[-2:]] == ["odd_total", None]


def test_odd_total_absent_and_thousands_with_a_value(site):
    token = site.token()
    site.control.inject_fault("odd_total", form="absent")
    site.control.inject_fault("odd_total", form="thousands", value=1151)
    absent = _raw_jobs(site, token, detail="true").json()
    assert list(absent) == ["asyncJobs"] and len(absent["asyncJobs"]) == 9
    assert _raw_jobs(site, token).json()["total"] == "1,151"


def test_odd_total_matches_only_jobs_lists_by_default(site):
    token = site.token()
    site.control.inject_fault("odd_total", form="infinite", count=1)
    job_id = site.control.job_ids()[0]
    assert site.admin("system/jobs/" + job_id, token)["jobId"] == job_id
    assert len(site.control.faults()) == 1  # not used up by the token request or the single job
    pretty = _raw_jobs(site, token, f="pjson")
    assert pretty.text.rstrip().endswith('"total":1e999\n}') and json.loads(pretty.text)["total"] == math.inf


# ----- trickle -----

def test_trickle_sends_a_few_bytes_steadily_and_other_clients_are_served(site):
    token = site.token()
    site.control.inject_fault("trickle", bytes_per_second=20, chunk_bytes=1, path="system/jobs$")
    with requests.post(site.admin_url + "/system/jobs", data={"f": "json", "token": token}, stream=True,
                       headers={"Referer": REFERER}, verify=site.verify, timeout=(10, 5.0)) as answer:
        length = int(answer.headers["Content-Length"])
        received, gaps = b"", []
        began = last = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            other = pool.submit(lambda: (time.sleep(0.3), time.monotonic(), _raw_jobs(site, token), time.monotonic()))
            while time.monotonic() - began < 1.5:
                received += answer.raw.read(1)  # blocks for the next byte; the 5 s read timeout never fires
                now = time.monotonic()
                gaps.append(now - last)
                last = now
            _pause, asked, other_answer, answered = other.result()
    assert 10 <= len(received) <= 60 < length, (len(received), length)
    assert max(gaps) < 2.0  # a byte every 0.05 s; generous for a loaded machine
    assert b'{"asyncJobs":[{"jobId":"'.startswith(received[:20])
    # Meanwhile another connection was answered, not queued behind the trickle (which takes minutes).
    assert other_answer.json()["total"] == 9 and answered - asked < 5


def test_a_request_is_in_the_log_once_its_answer_has_begun(site):
    """A client that has (the start of) its answer finds its entry: no race between the answer and the log."""
    token = site.token()
    site.control.inject_fault("trickle", bytes_per_second=20, chunk_bytes=1, path="system/jobs$")
    with requests.post(site.admin_url + "/system/jobs", data={"f": "json", "token": token}, stream=True,
                       headers={"Referer": REFERER}, verify=site.verify, timeout=(10, 5.0)) as answer:
        assert answer.raw.read(1) == b"{"  # the body has begun; the rest takes minutes
        entries = [entry for entry in site.control.requests() if entry["path"].endswith("/admin/system/jobs")]
    assert [(entry["status"], entry["fault"]) for entry in entries] == [(200, "trickle")]


def test_trickle_from_the_command_line_with_a_full_answer(start_emulator):
    emulator = start_emulator("--http", "--fault", "kind=trickle,bytes_per_second=40,chunk_bytes=4,path=healthcheck")
    began = time.monotonic()
    answer = requests.get(emulator.url + "/rest/info/healthcheck", params={"f": "json"}, timeout=(5, 2.0))
    elapsed = time.monotonic() - began
    assert answer.json() == {"success": True}
    # 17 bytes, 4 per write every 0.1 s: 0.4 s in all, and no read timed out. The fault is used up.
    assert 0.35 < elapsed < 10 and emulator.control.faults() == []
    assert emulator.control.requests()[-1]["fault"] == "trickle"


def test_bad_trickle_parameters_are_refused(site):
    for params in ({"bytes_per_second": 0}, {"chunk_bytes": 0}, {"bytes_per_second": "fast"}, {"megabytes": 1}):
        with pytest.raises(ControlApiError) as refused:
            site.control.inject_fault("trickle", **params)
        assert refused.value.status == 400


# ----- huge, nested and malformed bodies -----

def test_huge_body_is_valid_json_of_n_megabytes(site):
    token = site.token()
    site.control.inject_fault("huge_body", megabytes=3, path="system/jobs$")
    answer = _raw_jobs(site, token)
    assert int(answer.headers["Content-Length"]) == len(answer.content) > 3 * 2 ** 20
    document = answer.json()
    assert len(document["padding"]) == 3 * 2 ** 20 and set(document["padding"]) == {"x"}
    assert document["total"] == 9 and len(document["asyncJobs"]) == 9
    assert len(_raw_jobs(site, token).content) < 2000


@pytest.mark.parametrize("shape", ["array", "object"])
def test_nested_json_makes_python_json_raise_recursion_error(site, shape):
    token = site.token()
    site.control.inject_fault("nested_json", path="system/jobs$", shape=shape)
    answer = _raw_jobs(site, token)
    assert answer.status_code == 200 and len(answer.content) > 200_000
    with pytest.raises(RecursionError):
        json.loads(answer.content)
    opening = answer.content[:20]
    assert opening == (b'{"nested":[[[[[[[[[[' if shape == "array" else b'{"nested":{"n":{"n":')
    assert answer.content.endswith(b',"total":9}')


def test_nested_json_depth_is_a_parameter(site):
    token = site.token()
    site.control.inject_fault("nested_json", depth=3, path="system/jobs$")
    document = _raw_jobs(site, token).json()
    assert document["nested"] == [[[]]] and document["total"] == 9


def test_non_object_records_among_real_ones(site):
    token = site.token()
    site.control.inject_fault("non_object_records")
    records = _raw_jobs(site, token, detail="true").json()["asyncJobs"]
    others = [record for record in records if not isinstance(record, dict)]
    assert others == ["jnot-a-record", 42, None, ["jobId", "status"], True, 1.5]
    assert not isinstance(records[0], dict) and len(records) == 9 + len(others)
    assert sum(isinstance(record, dict) and "status" in record for record in records) == 9


@pytest.mark.parametrize("value, expected", [("1e999", math.inf), ("1e300", 1e300)])
def test_huge_start_time_in_a_list_and_in_one_job(site, value, expected):
    token = site.token()
    site.control.inject_fault("huge_start_time", value=value, field="both", count=2)
    listed = _raw_jobs(site, token, detail="true")
    assert '"startTime": %s' % value in listed.text
    first = listed.json()["asyncJobs"][0]
    assert first["startTime"] == first["endTime"] == expected
    assert all(isinstance(record["startTime"], int) for record in listed.json()["asyncJobs"][1:])
    job_id = site.control.job_ids()[0]
    assert site.admin("system/jobs/" + job_id, token)["startTime"] == expected
    assert isinstance(site.admin("system/jobs/" + job_id, token)["startTime"], int)


def test_huge_start_time_refuses_a_value_that_is_not_a_json_number(site):
    for value in ("inf", "Infinity", "1e", "NaN"):
        with pytest.raises(ControlApiError) as refused:
            site.control.inject_fault("huge_start_time", value=value)
        assert refused.value.status == 400


def test_command_line_switches_and_faults_come_back_after_reset(start_emulator):
    emulator = start_emulator("--http", "--max-num", "0",
                              "--fault", "kind=odd_total,form=thousands,value=1151",
                              "--fault", "kind=huge_start_time,value=1e300,path=system/jobs/j")
    job_id = emulator.control.add_job(start=-10, duration=1)
    token = emulator.token()
    for _round in range(2):
        answer = emulator.jobs(token, num="1000")
        assert answer == {"asyncJobs": [], "total": "1,151"}
        assert emulator.admin("system/jobs/" + job_id, token)["startTime"] == 1e300
        emulator.control.set_max_num(None)
        assert emulator.jobs(token)["total"] == 1
        emulator.control.reset()  # the command line's faults and cap again (the job is gone)
        assert emulator.control.switches() == {"max_num": 0}
        emulator.control.call("POST", "jobs", {"id": job_id, "start": -10, "duration": 1})
        token = emulator.token()
