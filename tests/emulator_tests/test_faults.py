"""Every injected fault, counted or with a probability, optionally limited to a path."""

from __future__ import annotations

import json
import time

import pytest
import requests

from conftest import REFERER


def _raw_jobs(site, token: str) -> requests.Response:
    return site.session.post(site.admin_url + "/system/jobs", data={"f": "json", "token": token},
                             headers={"Referer": REFERER}, verify=site.verify, timeout=10)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_http_errors_with_an_html_body_for_the_next_n_requests(site, status):
    token = site.token()
    site.control.inject_fault("http_error", count=2, status=status)
    for _attempt in range(2):
        answer = _raw_jobs(site, token)
        assert answer.status_code == status and answer.headers["Content-Type"].startswith("text/html")
        assert "<html>" in answer.text
    assert _raw_jobs(site, token).json()["total"] == 9
    faults = [entry["fault"] for entry in site.control.requests()]
    assert faults[-3:] == ["http_error", "http_error", None]


def test_too_many_requests_with_retry_after(site):
    token = site.token()
    site.control.inject_fault("too_many_requests", retry_after=7)
    answer = _raw_jobs(site, token)
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "7"
    assert _raw_jobs(site, token).status_code == 200


def test_connection_reset(site):
    token = site.token()
    site.control.inject_fault("connection_reset")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(site.admin_url + "/system/jobs", data={"f": "json", "token": token}, headers={"Referer": REFERER},
                      verify=site.verify, timeout=10)
    assert _raw_jobs(site, token).json()["total"] == 9
    assert site.control.requests()[-2]["fault"] == "connection_reset" and site.control.requests()[-2]["status"] is None


def test_delay_is_slower_than_a_client_timeout(site):
    token = site.token()
    site.control.inject_fault("delay", seconds=1.0)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(site.admin_url + "/system/jobs", data={"f": "json", "token": token}, headers={"Referer": REFERER},
                      verify=site.verify, timeout=0.3)
    # The fault is used up: the next request is answered as usual while the first one still sleeps.
    assert _raw_jobs(site, token).json()["total"] == 9
    assert site.control.faults() == [] and site.control.requests()[-1]["fault"] is None
    # The delayed request is logged when it answers at last; wait for it, so that it lands in this test's log.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(entry["fault"] == "delay" for entry in site.control.requests()):
        time.sleep(0.05)
    [delayed] = [entry for entry in site.control.requests() if entry["fault"] == "delay"]
    assert delayed["duration_ms"] >= 1000


def test_truncated_and_invalid_json(site):
    token = site.token()
    site.control.inject_fault("truncated_json")
    site.control.inject_fault("invalid_json")
    for _kind in ("truncated", "invalid"):
        answer = _raw_jobs(site, token)
        assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/json")
        with pytest.raises(ValueError):
            json.loads(answer.text)
    assert _raw_jobs(site, token).json()["total"] == 9


def test_login_page_with_200(site):
    token = site.token()
    site.control.inject_fault("login_page")
    answer = _raw_jobs(site, token)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/html")
    assert "Sign In" in answer.text


def test_expire_tokens_fault(site):
    token = site.token()
    site.control.inject_fault("expire_tokens")
    assert _raw_jobs(site, token).json()["error"]["message"] == "Token Expired."
    assert site.jobs()["total"] == 9


def test_restart_forgets_tokens_and_keeps_jobs(site):
    token = site.token()
    before = site.jobs(token, detail="true")
    site.control.inject_fault("restart", path="system/jobs$", seconds=2.0)
    with pytest.raises(requests.exceptions.ConnectionError):
        _raw_jobs(site, token)
    assert site.get("rest/info/healthcheck", {"f": "json"}).status_code == 503  # still starting
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and site.get("rest/info/healthcheck", {"f": "json"}).status_code == 503:
        time.sleep(0.1)
    assert site.jobs(token)["error"]["code"] == 498
    assert site.jobs(detail="true") == before


def test_path_restriction_and_probability(site):
    token = site.token()
    site.control.inject_fault("http_503", count=1, path="healthcheck")
    assert _raw_jobs(site, token).status_code == 200
    assert site.get("rest/info/healthcheck", {"f": "json"}).status_code == 503
    site.control.inject_fault("http_502", probability=0.5, path="system/jobs$")
    statuses = [_raw_jobs(site, token).status_code for _attempt in range(60)]
    assert 10 < statuses.count(502) < 50 and statuses.count(200) == 60 - statuses.count(502)
    assert len(site.control.faults()) == 1
    site.control.clear_faults()
    assert _raw_jobs(site, token).status_code == 200


def test_fault_from_the_command_line(start_emulator):
    emulator = start_emulator("--fault", "kind=http_503,count=1,path=healthcheck")
    assert emulator.get("rest/info/healthcheck", {"f": "json"}).status_code == 503
    assert emulator.get("rest/info/healthcheck", {"f": "json"}).status_code == 200


def test_bad_fault_specs_are_refused(site):
    from notebook_server_emulator.control import ControlApiError
    with pytest.raises(ControlApiError) as refused:
        site.control.inject_fault("meteor_strike")
    assert refused.value.status == 400
