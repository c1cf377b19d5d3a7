"""Fixtures: emulators started through the launcher (real processes, real HTTPS) and a small API client."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import requests

from notebook_server_emulator.control import EmulatorControl

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIOS = os.path.join(TESTS_DIR, "notebook_server_emulator", "scenarios")
REFERER = "https://tests.invalid/"


def launch(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=TESTS_DIR)
    result = subprocess.run([sys.executable, "-m", "notebook_server_emulator.launch", *args], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    if check and result.returncode != 0:
        raise AssertionError("launcher failed: %s %s" % (result.stdout, result.stderr))
    return result


class Emulator:
    """One running emulator: its start line, a control client and helpers for the emulated API."""

    def __init__(self, state_file: str):
        self.state_file = state_file
        with open(state_file, encoding="utf-8") as handle:
            self.info = json.load(handle)
        self.url = self.info["url"]
        self.admin_url = self.info["admin_url"]
        self.verify = self.info["ca_path"] or True
        self.control = EmulatorControl.from_start_line(self.info)
        self.session = requests.Session()

    def credentials(self, who: str = "admin") -> tuple:
        account = self.info[who]
        return account["username"], account["password"]

    def post(self, path: str, data: dict | None = None, **kwargs) -> requests.Response:
        return self.session.post(self.url + "/" + path.lstrip("/"), data=data, verify=self.verify, timeout=60, **kwargs)

    def get(self, path: str, params: dict | None = None, **kwargs) -> requests.Response:
        return self.session.get(self.url + "/" + path.lstrip("/"), params=params, verify=self.verify, timeout=60, **kwargs)

    def token(self, who: str = "admin", client: str = "referer", referer: str = REFERER, **extra) -> str:
        username, password = self.credentials(who)
        data = {"username": username, "password": password, "client": client, "f": "json", **extra}
        if client == "referer":
            data["referer"] = referer
        answer = self.post("admin/generateToken", data).json()
        assert "token" in answer, answer
        return answer["token"]

    def admin(self, path: str, token: str | None = None, who: str = "admin", referer: str = REFERER, **params) -> dict:
        """POST an admin resource the way Esri's tools do (token in the body, Referer header), decode JSON."""
        if token is None:
            token = self.token(who)
        data = {"f": "json", "token": token, **params}
        response = self.post("admin/" + path.lstrip("/"), data, headers={"Referer": referer})
        assert response.status_code == 200, response.text
        return response.json()

    def jobs(self, token: str | None = None, **params) -> dict:
        return self.admin("system/jobs", token, **params)

    def close(self) -> None:
        self.session.close()


@pytest.fixture(scope="session")
def start_emulator(tmp_path_factory):
    """Factory: start an emulator with these options; all are stopped at the end of the session."""
    started = []

    def start(*options: str, timeout: float = 30) -> Emulator:
        # Generous: the bound is for a broken start, and CI machines can be heavily loaded.
        state_file = str(tmp_path_factory.mktemp("emulator") / "emulator.json")
        launch("start", "--state-file", state_file, "--timeout", str(timeout), "--", "--port", "0", *options)
        emulator = Emulator(state_file)
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.close()
        launch("stop", "--state-file", emulator.state_file, check=False)


@pytest.fixture(scope="session")
def shared_emulator(start_emulator):
    return start_emulator("--scenario", os.path.join(SCENARIOS, "demo.json"))


@pytest.fixture()
def site(shared_emulator):
    """The shared demo emulator, reset to its start state (jobs, tokens, faults, log, clock, mode)."""
    shared_emulator.control.reset()
    shared_emulator.session.close()
    shared_emulator.session = requests.Session()
    return shared_emulator
