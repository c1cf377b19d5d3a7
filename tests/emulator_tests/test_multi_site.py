"""--sites N: one process serves N independent sites, each its own server to a client (URL, seed, accounts, tokens,
jobs, faults, clock, request log, control API), with a process control API over them."""

from __future__ import annotations

import email.utils
import http.client
import json
import ssl
import time

import pytest
import requests

from conftest import REFERER, Emulator, launch
from notebook_server_emulator.control import ControlApiError, EmulatorControl, admin_token
from notebook_server_emulator.site_mounts import site_names

SITES = 3
JOBS = 40
FIRST_SEED = 7


class MultiSite:
    """A running multi-site emulator: its start line, one Emulator client per site, the process's control client."""

    def __init__(self, state_file: str, tmp_dir):
        self.state_file = state_file
        with open(state_file, encoding="utf-8") as handle:
            self.info = json.load(handle)
        self.control = EmulatorControl.from_start_line(self.info)
        self.sites = []
        for line in self.info["sites"]:
            path = tmp_dir / ("%s.json" % line["name"])
            path.write_text(json.dumps(line))
            self.sites.append(Emulator(str(path)))

    def close(self) -> None:
        for site in self.sites:
            site.close()


@pytest.fixture(scope="module")
def shared_multi_site(tmp_path_factory):
    directory = tmp_path_factory.mktemp("multi-site")
    state_file = str(directory / "emulator.json")
    launch("start", "--state-file", state_file, "--timeout", "60", "--", "--port", "0", "--sites", str(SITES),
           "--generate-jobs", str(JOBS), "--seed", str(FIRST_SEED))
    multi = MultiSite(state_file, directory)
    yield multi
    multi.close()
    launch("stop", "--state-file", state_file, check=False)


@pytest.fixture()
def multi(shared_multi_site):
    """Every site back to its start state, the logs empty, fresh client sessions."""
    shared_multi_site.control.reset()
    for site in shared_multi_site.sites:
        site.session.close()
        site.session = requests.Session()
    return shared_multi_site


def _job_ids(site) -> list:
    return sorted(job["jobId"] for job in site.jobs(detail="true", num="1000")["asyncJobs"])


def _server_time(answer) -> float:
    return email.utils.parsedate_to_datetime(answer.headers["Date"]).timestamp()


def test_each_site_is_its_own_server(multi):
    info = multi.info
    assert info["site_count"] == SITES and info["url"] == "https://127.0.0.1:%d" % info["port"]
    names = [line["name"] for line in info["sites"]]
    assert names == ["site001", "site002", "site003"]
    for line in info["sites"]:
        assert line["url"] == "%s/%s" % (info["url"], line["name"]) and line["context"] == "/" + line["name"]
        assert line["admin_url"] == line["url"] + "/admin"
        assert line["control_url"] == "%s/_emulator/sites/%s" % (info["url"], line["name"])
        assert line["ca_path"] == info["ca_path"] and line["port"] == info["port"] and line["jobs"] == JOBS
    assert [line["seed"] for line in info["sites"]] == [FIRST_SEED, FIRST_SEED + 1, FIRST_SEED + 2]
    assert len({line["password"] for line in info["sites"]}) == SITES  # random, one for each site
    ids = [set(_job_ids(site)) for site in multi.sites]
    assert all(len(found) == JOBS for found in ids)
    assert not ids[0] & ids[1] and not ids[1] & ids[2] and not ids[0] & ids[2]


def test_a_site_holds_what_a_single_server_with_its_seed_holds(multi, start_emulator):
    single = start_emulator("--generate-jobs", str(JOBS), "--seed", str(FIRST_SEED + 1))
    assert _job_ids(multi.sites[1]) == _job_ids(single)
    assert _job_ids(multi.sites[0]) != _job_ids(single)


def test_a_scenario_seed_is_the_first_sites_and_the_others_count_on(start_emulator, tmp_path):
    scenario = tmp_path / "seeded.json"
    scenario.write_text(json.dumps({"seed": 20, "generate_jobs": 6}))
    state_file = str(tmp_path / "seeded-sites.json")
    launch("start", "--state-file", state_file, "--timeout", "60", "--", "--port", "0", "--sites", "2",
           "--scenario", str(scenario))
    try:
        multi = MultiSite(state_file, tmp_path)
        assert [line["seed"] for line in multi.info["sites"]] == [20, 21]
        assert _job_ids(multi.sites[0]) == _job_ids(start_emulator("--scenario", str(scenario)))
        next_seed = tmp_path / "seeded-next.json"
        next_seed.write_text(json.dumps({"seed": 21, "generate_jobs": 6}))
        assert _job_ids(multi.sites[1]) == _job_ids(start_emulator("--scenario", str(next_seed)))
        assert _job_ids(multi.sites[0]) != _job_ids(multi.sites[1])
        multi.close()
    finally:
        launch("stop", "--state-file", state_file, check=False)


def test_tokens_and_credentials_belong_to_their_site(multi):
    first, second = multi.sites[0], multi.sites[1]
    token = first.token()
    assert first.jobs(token)["total"] == JOBS
    assert second.jobs(token)["error"]["code"] == 498
    username, password = first.credentials()
    answer = second.post("admin/generateToken", {"username": username, "password": password, "client": "referer",
                                                 "referer": REFERER, "f": "json"}).json()
    assert answer["error"]["code"] == 400 and "token" not in answer
    # The emulator's own helpers take a site's line as they take a single server's start line.
    assert second.jobs(admin_token(second.info, REFERER))["total"] == JOBS


def test_request_logs_are_kept_per_site_and_tagged_with_it(multi):
    first, second = multi.sites[0], multi.sites[1]
    first.jobs()
    second.get("rest/info/healthcheck", {"f": "json"})
    origin = multi.info["url"]
    for wrong in ("/site999/admin/system/jobs", "/arcgis/rest/info/healthcheck"):
        answer = requests.get(origin + wrong, params={"f": "json"}, verify=multi.info["ca_path"], timeout=10)
        assert answer.status_code == 404 and answer.headers["Content-Type"].startswith("text/html")
    own = first.control.requests()
    assert [(entry["site"], entry["resource"]) for entry in own] == [("site001", "admin/generateToken"),
                                                                     ("site001", "admin/system/jobs")]
    assert [(entry["site"], entry["resource"]) for entry in second.control.requests()] == [("site002", "rest/info/healthcheck")]
    assert multi.sites[2].control.requests() == []
    merged = multi.control.requests()
    assert [entry["site"] for entry in merged] == ["site001", "site001", "site002", None, None]
    assert [entry["seq"] for entry in merged] == sorted(entry["seq"] for entry in merged)
    assert [entry["path"] for entry in merged[3:]] == ["/site999/admin/system/jobs", "/arcgis/rest/info/healthcheck"]
    assert [entry["seq"] for entry in multi.control.requests(since=merged[2]["seq"])] == [merged[3]["seq"], merged[4]["seq"]]
    assert [entry["seq"] for entry in first.control.requests(since=own[0]["seq"])] == [own[1]["seq"]]
    first.control.clear_requests()
    assert first.control.requests() == [] and len(multi.control.requests()) == 3
    multi.control.clear_requests()
    assert multi.control.requests() == [] and second.control.requests() == []


def test_control_calls_reach_their_site_only(multi):
    first, second, third = multi.sites
    second.control.inject_fault("http_503", probability=1, path="healthcheck")
    assert first.get("rest/info/healthcheck", {"f": "json"}).status_code == 200
    assert second.get("rest/info/healthcheck", {"f": "json"}).status_code == 503
    assert second.control.requests()[0]["fault"] == "http_error" and first.control.requests()[0]["fault"] is None
    third.control.advance_clock(86400)
    assert abs(_server_time(third.get("rest/info/healthcheck", {"f": "json"})) - (time.time() + 86400)) < 5
    assert abs(_server_time(first.get("rest/info/healthcheck", {"f": "json"})) - time.time()) < 5
    first.control.set_site_mode("READ_ONLY")
    assert first.admin("mode")["siteMode"] == "READ_ONLY" and third.admin("mode")["siteMode"] == "EDITABLE"
    job_id = third.control.add_active_job()
    assert third.jobs()["total"] == JOBS + 1 and first.jobs()["total"] == JOBS
    with pytest.raises(ControlApiError) as refused:
        first.control.add_active_job()
    assert refused.value.status == 409
    # One site's reset leaves the others as they are.
    third.control.reset()
    assert job_id not in third.control.job_ids() and first.control.state()["site_mode"] == "READ_ONLY"
    assert second.control.state()["faults"]


def _https(multi) -> http.client.HTTPSConnection:
    context = ssl.create_default_context(cafile=multi.info["ca_path"])
    return http.client.HTTPSConnection("127.0.0.1", multi.info["port"], context=context, timeout=10)


def _get(connection: http.client.HTTPSConnection, path: str) -> int:
    connection.request("GET", path + "?f=json")
    answer = connection.getresponse()
    answer.read()
    return answer.status


def test_a_restart_of_one_site_drops_that_sites_connections_only(multi):
    first, second = multi.sites[0], multi.sites[1]
    kept = _https(multi)
    try:
        assert _get(kept, "/site001/rest/info/healthcheck") == 200
        socket_before = kept.sock
        second.control.inject_fault("restart", path="system/jobs$", seconds=0.5)
        with pytest.raises(requests.exceptions.ConnectionError):
            second.post("admin/system/jobs", {"f": "json"})
        assert second.get("rest/info/healthcheck", {"f": "json"}).status_code == 503  # still starting
        # The other site's open connection was not touched: the same socket answers.
        assert _get(kept, "/site001/rest/info/healthcheck") == 200 and kept.sock is socket_before
        # Its own restart does drop it.
        first.control.inject_fault("restart", path="system/jobs$", seconds=0)
        with pytest.raises(requests.exceptions.ConnectionError):
            first.post("admin/system/jobs", {"f": "json"})
        with pytest.raises((ConnectionError, http.client.HTTPException, ssl.SSLError)):
            _get(kept, "/site001/rest/info/healthcheck")
    finally:
        kept.close()


def test_the_process_control_api_lists_the_sites_and_routes_to_each(multi):
    listed = multi.control.sites()
    assert [site["name"] for site in listed] == ["site001", "site002", "site003"]
    assert [site["url"] for site in listed] == [line["url"] for line in multi.info["sites"]]
    assert [site["control_url"] for site in listed] == [line["control_url"] for line in multi.info["sites"]]
    assert all(site["jobs"] == JOBS for site in listed)
    text = json.dumps(listed)
    assert not any(line["password"] in text for line in multi.info["sites"])
    assert multi.control.call("GET", "state") == {"sites": SITES, "site_names": ["site001", "site002", "site003"]}
    for call in (("POST", "faults"), ("GET", "jobs"), ("POST", "clock")):
        with pytest.raises(ControlApiError) as refused:
            multi.control.call(*call, body={})
        assert refused.value.status == 404 and "/_emulator/sites/<name>" in str(refused.value)
    with pytest.raises(ControlApiError) as unknown:
        multi.control.call("GET", "sites/site999/state")
    assert unknown.value.status == 404 and "no site site999" in str(unknown.value)
    wrong = EmulatorControl(multi.info["sites"][0]["control_url"], "not-the-secret", multi.info["ca_path"])
    with pytest.raises(ControlApiError) as forbidden:
        wrong.state()
    assert forbidden.value.status == 403
    # A reset of the process resets every site.
    for site in multi.sites:
        site.control.inject_fault("http_503", path="healthcheck")
    multi.control.reset()
    assert all(site.get("rest/info/healthcheck", {"f": "json"}).status_code == 200 for site in multi.sites)


def test_bad_sites_options_stop_the_start(tmp_path):
    for options, message in ((["--sites", "2", "--context", "/arcgis"], "--sites takes no --context"),
                             (["--sites", "-1"], "must not be negative")):
        result = launch("start", "--state-file", str(tmp_path / "bad.json"), "--", "--port", "0", *options, check=False)
        assert result.returncode == 1 and message in result.stderr


def test_site_names_widen_past_999():
    assert site_names(3) == ["site001", "site002", "site003"]
    names = site_names(1000)
    assert names[0] == "site0001" and names[-1] == "site1000" and len(set(names)) == 1000
