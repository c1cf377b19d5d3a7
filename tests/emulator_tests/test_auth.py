"""Tokens: channels, referer binding, expiry, refusing credentials in URLs, error envelopes A and B, the request log."""

from __future__ import annotations

import time

import pytest

from conftest import REFERER
from notebook_server_emulator.control import admin_token

CHANNELS = {
    "body": lambda token: ({"token": token}, {}, {}),
    "x-esri-authorization": lambda token: ({}, {"X-Esri-Authorization": "Bearer " + token}, {}),
    "authorization": lambda token: ({}, {"Authorization": "Bearer " + token}, {}),
    "query": lambda token: ({}, {}, {"token": token}),
}


@pytest.mark.parametrize("channel", sorted(CHANNELS))
def test_each_token_channel_is_accepted_and_logged(site, channel):
    token = site.token()
    site.control.clear_requests()
    data, headers, params = CHANNELS[channel](token)
    answer = site.session.post(site.admin_url + "/system/jobs", data={"f": "json", **data}, params=params,
                               headers={"Referer": REFERER, **headers}, verify=site.verify, timeout=10)
    assert answer.json()["total"] == 9
    [entry] = site.control.requests()
    assert entry["token_channel"] == channel and entry["token_channels"] == [channel]
    assert entry["secret_in_url"] is (channel == "query")
    assert entry["status"] == 200 and entry["fault"] is None and entry["username"] == "siteadmin"
    assert entry["path"] == "/arcgis/admin/system/jobs" and entry["method"] == "POST"
    assert entry["query_keys"] == (["token"] if channel == "query" else [])


def test_request_log_records_one_token_request_and_no_secret_in_urls(site):
    site.control.clear_requests()
    token = site.token()
    site.jobs(token)
    site.jobs(token, detail="true")
    log = site.control.requests()
    assert [entry["resource"] for entry in log] == ["admin/generateToken", "admin/system/jobs", "admin/system/jobs"]
    assert not any(entry["secret_in_url"] for entry in log)
    assert set(log[0]) >= {"seq", "time", "method", "path", "query_keys", "token_channel", "secret_in_url", "status", "fault"}
    assert [entry["seq"] for entry in site.control.requests(since=log[1]["seq"])] == [log[2]["seq"]]


def test_referer_bound_tokens_need_their_referer(site):
    token = site.token(referer="https://a.example/")
    assert site.jobs(token, referer="https://a.example/")["total"] == 9
    assert site.jobs(token, referer="https://b.example/")["error"]["code"] == 498
    answer = site.post("admin/system/jobs", {"f": "json", "token": token})  # no Referer at all
    assert answer.json()["error"] == {"code": 498, "message": "Invalid token.", "details": []}


def test_requestip_tokens_need_no_referer(site):
    token = site.token(client="requestip")
    assert site.post("admin/system/jobs", {"f": "json", "token": token}).json()["total"] == 9
    bad_ip = site.token(client="ip", ip="10.9.8.7")
    assert site.post("admin/system/jobs", {"f": "json", "token": bad_ip}).json()["error"]["code"] == 498


def test_credentials_in_a_query_string_are_refused(site):
    username, password = site.credentials()
    site.control.clear_requests()
    answer = site.get("admin/generateToken", {"username": username, "password": password, "f": "json"}).json()
    assert answer["error"]["code"] == 400 and "token" not in answer
    answer = site.session.post(site.admin_url + "/generateToken", params={"username": username, "password": password},
                               data={"f": "json", "client": "requestip"}, verify=site.verify, timeout=10).json()
    assert answer["error"]["code"] == 400
    assert all(entry["secret_in_url"] for entry in site.control.requests())
    assert password not in str(site.control.requests())
    assert site.get("admin/generateToken", {"f": "json"}).json()["error"]["code"] == 405


def test_wrong_credentials_give_400(site):
    answer = site.post("admin/generateToken", {"username": "siteadmin", "password": "wrong", "client": "requestip",
                                               "f": "json"}).json()
    assert answer == {"error": {"code": 400, "message": "Unable to generate token.",
                                "details": ["Invalid username or password."]}}
    answer = site.post("admin/generateToken", {"username": "siteadmin", "password": site.credentials()[1],
                                               "client": "referer", "f": "json"}).json()
    assert answer["error"]["code"] == 400  # client=referer without a referer


def test_token_expiry_follows_the_sped_up_clock(site):
    username, password = site.credentials()
    answer = site.post("admin/generateToken", {"username": username, "password": password, "client": "referer",
                                               "referer": REFERER, "expiration": "1", "f": "json"}).json()
    assert answer["expires"] - site.control.state()["now_ms"] <= 60_000
    assert site.jobs(answer["token"])["total"] == 9
    site.control.set_time_scale(600)  # 1 real second = 10 emulated minutes
    time.sleep(0.15)
    assert site.jobs(answer["token"])["error"] == {"code": 498, "message": "Token Expired.", "details": []}


def test_expiration_is_capped(site):
    username, password = site.credentials()
    answer = site.post("admin/generateToken", {"username": username, "password": password, "client": "requestip",
                                               "expiration": "999999", "f": "json"}).json()
    assert answer["expires"] - site.control.state()["now_ms"] <= 1440 * 60_000


def test_tokens_expire_after_n_uses_and_on_demand(site):
    token = site.token()
    site.control.expire_tokens_after_uses(2)
    assert site.jobs(token)["total"] == 9
    assert site.jobs(token)["total"] == 9
    assert site.jobs(token)["error"]["message"] == "Token Expired."
    fresh = site.token()
    site.control.expire_tokens_after_uses(None)
    assert site.jobs(fresh)["total"] == 9
    assert site.control.expire_tokens() >= 2
    assert site.jobs(fresh)["error"]["code"] == 498


def test_error_form_b_envelopes(site):
    assert site.post("admin/system/jobs", {"f": "json"}).json() == {
        "error": {"code": 499, "message": "Token Required.", "details": []}}
    assert site.jobs("not-a-token")["error"] == {"code": 498, "message": "Invalid token.", "details": []}


def test_error_form_a_envelopes_and_string_expires(start_emulator):
    emulator = start_emulator("--error-form", "A", "--expires-as-string")
    assert emulator.post("admin/system/jobs", {"f": "json"}).json() == {
        "status": "error", "messages": ["Token Required."], "code": 499}
    assert emulator.jobs("bad")["code"] == 498 and emulator.jobs("bad")["messages"] == ["Invalid token."]
    answer = emulator.post("admin/generateToken", {"username": "siteadmin", "password": "x", "f": "json"}).json()
    assert answer["status"] == "error" and answer["code"] == 400
    username, password = emulator.credentials("user")
    answer = emulator.post("admin/generateToken", {"username": username, "password": password, "client": "requestip",
                                                   "f": "json"}).json()
    assert isinstance(answer["expires"], str) and answer["expires"].isdigit()
    forbidden = emulator.post("admin/mode", {"f": "json", "token": answer["token"]}).json()
    assert forbidden["code"] == 403 and forbidden["status"] == "error"


def test_admin_token_helper_gives_a_token_bound_to_its_referer(site):
    token = admin_token(site.info, "https://a.example/")
    assert site.jobs(token, referer="https://a.example/")["total"] == 9
    assert site.jobs(token, referer="https://b.example/")["error"]["code"] == 498
