"""Start-up, the start line, HTTPS with the generated CA, plain HTTP, context paths, base URLs, the launcher."""

from __future__ import annotations

import os
import ssl
import time
import urllib.request

import pytest
import requests

from conftest import SCENARIOS, launch

START_LINE_KEYS = {"url", "admin_url", "ca_path", "username", "password", "admin", "user", "control_url",
                   "control_secret", "pid", "port"}


def test_start_line_has_what_scripts_need(shared_emulator):
    info = shared_emulator.info
    assert START_LINE_KEYS <= set(info)
    assert info["url"] == "https://127.0.0.1:%d/arcgis" % info["port"]
    assert info["admin_url"] == info["url"] + "/admin"
    assert os.path.isfile(info["ca_path"])
    assert info["admin"]["username"] == info["username"] and info["user"]["username"] != info["username"]


def test_https_verifies_with_the_generated_ca_only(shared_emulator):
    context = ssl.create_default_context(cafile=shared_emulator.info["ca_path"])
    with urllib.request.urlopen(shared_emulator.url + "/rest/info/healthcheck?f=json", context=context, timeout=10) as answer:
        assert answer.read() == b'{"success": true}'
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(shared_emulator.url + "/rest/info/healthcheck?f=json", verify=True, timeout=10)
    # localhost is in the certificate too.
    localhost = shared_emulator.url.replace("127.0.0.1", "localhost")
    assert requests.get(localhost + "/rest/info/healthcheck?f=json", verify=shared_emulator.verify, timeout=10).ok


def test_admin_root_without_token_answers_499(site):
    assert site.get("admin/", {"f": "json"}).json()["error"]["code"] == 499
    assert site.get("admin", {"f": "json"}).json()["error"]["code"] == 499


def test_base_url_with_or_without_trailing_slash(site):
    token = site.token()
    for base in (site.url, site.url + "/"):
        answer = site.session.post(base + "/admin/system/jobs", data={"f": "json", "token": token},
                                   headers={"Referer": "https://tests.invalid/"}, verify=site.verify, timeout=10).json()
        assert answer["total"] == 9


def test_plain_http_and_web_adaptor_context(start_emulator):
    emulator = start_emulator("--http", "--context", "/notebooks")
    assert emulator.url.startswith("http://") and emulator.url.endswith("/notebooks")
    assert emulator.info["ca_path"] is None
    assert emulator.get("rest/info/healthcheck", {"f": "json"}).json() == {"success": True}
    assert emulator.jobs()["total"] == 0
    # The default context is not served by this site.
    assert requests.get(emulator.url.replace("/notebooks", "/arcgis") + "/rest/info/healthcheck", timeout=10).status_code == 404


def test_launcher_start_time_and_stop_is_idempotent(tmp_path):
    state_file = str(tmp_path / "emu.json")
    began = time.monotonic()
    launch("start", "--state-file", state_file, "--", "--port", "0", "--scenario", os.path.join(SCENARIOS, "demo.json"))
    elapsed = time.monotonic() - began
    print("launcher start with demo.json: %.2f s" % elapsed)
    assert elapsed < 10
    assert os.path.isfile(str(tmp_path / "emu.log"))
    assert launch("stop", "--state-file", state_file).returncode == 0
    assert launch("stop", "--state-file", state_file).returncode == 0
    assert launch("stop", "--state-file", str(tmp_path / "never-started.json")).returncode == 0


def test_launcher_reports_a_failed_start(tmp_path):
    result = launch("start", "--state-file", str(tmp_path / "bad.json"), "--", "--scenario", "/nonexistent.json", check=False)
    assert result.returncode != 0
    assert "cannot load the scenario" in result.stderr
    assert not os.path.exists(str(tmp_path / "bad.json"))


def test_concurrent_clients_are_served(site):
    import concurrent.futures
    token = site.token()

    def one(_index):
        with requests.Session() as session:
            return session.post(site.admin_url + "/system/jobs", data={"f": "json", "token": token},
                                headers={"Referer": "https://tests.invalid/"}, verify=site.verify, timeout=10).json()["total"]

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        assert set(pool.map(one, range(64))) == {9}
