"""Start-up, the start line, HTTPS with the generated CA, plain HTTP, context paths, base URLs, the launcher."""

from __future__ import annotations

import email.utils
import json
import os
import re
import socket
import ssl
import time
import urllib.request

import pytest
import requests

from conftest import REFERER, SCENARIOS, launch

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


def _server_time(answer: requests.Response) -> float:
    return email.utils.parsedate_to_datetime(answer.headers["Date"]).timestamp()


def test_the_date_header_follows_the_emulated_clock(site):
    healthcheck = ("rest/info/healthcheck", {"f": "json"})
    assert abs(_server_time(site.get(*healthcheck)) - time.time()) < 5
    site.control.advance_clock(86400)
    assert abs(_server_time(site.get(*healthcheck)) - (time.time() + 86400)) < 5
    # A server clock behind the caller's, also on error answers and token answers.
    clock = site.control.set_clock_offset(-7200)
    assert abs(clock["offset_seconds"] + 7200) < 5
    assert abs(_server_time(site.get("admin", {"f": "json"})) - (time.time() - 7200)) < 5
    username, password = site.credentials()
    answer = site.post("admin/generateToken", {"username": username, "password": password, "client": "referer",
                                               "referer": REFERER, "expiration": 60, "f": "json"})
    assert abs(answer.json()["expires"] / 1000.0 - (_server_time(answer) + 3600)) < 5
    assert abs(site.control.reset()["offset_seconds"]) < 5
    assert abs(_server_time(site.get(*healthcheck)) - time.time()) < 5


def test_clock_offset_and_max_num_from_the_command_line_and_scenario_survive_reset(start_emulator, tmp_path):
    scenario = tmp_path / "capped.json"
    scenario.write_text(json.dumps({"clock_offset": 600, "max_num": 2, "jobs": [{"start": -60, "count": 5}]}))
    emulator = start_emulator("--http", "--clock-offset", "-3600", "--scenario", str(scenario))
    for _round in range(2):
        answer = emulator.get("rest/info/healthcheck", {"f": "json"})
        assert abs(_server_time(answer) - (time.time() - 3600)) < 5  # the command line wins
        jobs = emulator.jobs(num="10")
        assert len(jobs["asyncJobs"]) == 2 and jobs["total"] == 5
        emulator.control.advance_clock(600)
        emulator.control.set_max_num(None)
        emulator.control.reset()


def test_a_wrong_context_gets_the_web_servers_html_404_and_a_wrong_job_an_envelope(site):
    username, password = site.credentials()
    origin = site.url.rsplit("/", 1)[0]
    for wrong in ("/wrongcontext/admin/generateToken", "/arcgisx/admin/generateToken", "/admin/generateToken"):
        answer = site.session.post(origin + wrong, verify=site.verify, timeout=10, data={
            "username": username, "password": password, "client": "referer", "referer": REFERER, "f": "json"})
        assert answer.status_code == 404 and answer.headers["Content-Type"].startswith("text/html")
        assert "HTTP Status 404" in answer.text and "Code: 404" not in answer.text
        with pytest.raises(ValueError):
            json.loads(answer.text)
        entry = site.control.requests()[-1]
        assert entry["path"] == wrong and entry["status"] == 404 and entry["resource"] is None
    token = site.token()
    answer = site.post("admin/system/jobs/jdoesnotexist", {"f": "json", "token": token}, headers={"Referer": REFERER})
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/json")
    assert answer.json() == {"error": {"code": 404, "message": "Job 'jdoesnotexist' does not exist.", "details": []}}


def _raw_exchange(emulator, data: bytes) -> bytes:
    """Send these exact bytes over TLS and read one answer (headers and Content-Length bytes of body)."""
    context = ssl.create_default_context(cafile=emulator.info["ca_path"])
    with socket.create_connection(("127.0.0.1", emulator.info["port"]), timeout=10) as plain:
        with context.wrap_socket(plain, server_hostname="127.0.0.1") as connection:
            connection.sendall(data)
            received = b""
            while True:
                head, separator, body = received.partition(b"\r\n\r\n")
                length = re.search(rb"(?im)^Content-Length: *([0-9]+)", head)
                if separator and length and len(body) >= int(length.group(1)):
                    return received
                chunk = connection.recv(65536)
                if not chunk:
                    return received
                received += chunk


def test_odd_request_headers_get_an_answer_and_the_emulator_keeps_serving(site):
    site.token()  # a token exists, so its value is among the secrets the log checks URLs for
    start = (b"POST /arcgis/admin/system/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n"
             b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 6\r\n")
    odd = {
        b"X-Esri-Authorization: Bearer abc\rdef\r\n": b'"code": 498',  # a bare CR inside the token
        b"X-Esri-Authorization: Bearer abc\ndef: x\r\n": b'"code": 498',  # a bare LF splitting it
        b"Authorization: Bearer abc\r\n def\r\n": b'"code": 498',  # an obsolete folded line
        b"Authorization: Bearer \xff\xfe\xc3\xa9\r\nReferer: https://\xe9/\r\n": b'"code": 498',
        b"Authorization: Bearer a\x00b\r\n": b'"code": 498',
        b"this line has no colon\r\n": b'"code": 499',
    }
    for headers, expected in odd.items():
        answer = _raw_exchange(site, start + headers + b"\r\nf=json")
        assert answer.startswith(b"HTTP/1.1 200 ") and expected in answer, (headers, answer)
    for length in (b"abc", b"-5", b"1e3"):
        answer = _raw_exchange(site, b"POST /arcgis/admin/system/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                     b"Content-Length: " + length + b"\r\n\r\nf=json")
        assert answer.startswith(b"HTTP/1.1 400 ") and b"Connection: close" in answer, (length, answer)
        assert abs(email.utils.parsedate_to_datetime(
            re.search(rb"Date: ([^\r]+)", answer).group(1).decode()).timestamp() - time.time()) < 5
    assert site.get("rest/info/healthcheck", {"f": "json"}).json() == {"success": True}
    logged = site.control.requests()
    assert [entry["error_code"] for entry in logged[-7:-1]] == [498, 498, 498, 498, 498, 499]
    json.dumps(logged)  # every logged header value is still plain data
