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
    """The shared demo emulator, reset to its start state (jobs, notebooks, tokens, faults, log, clock, switches, mode).

    Its clock stands still until a test advances or scales it: a boundary such as "busy after 119 s, idle after 121 s"
    then holds however slow the machine is.
    """
    shared_emulator.control.reset()
    shared_emulator.control.set_time_scale(0)
    shared_emulator.session.close()
    shared_emulator.session = requests.Session()
    return shared_emulator


# ----- the emulated Portal and its federated servers -----

class Portal:
    """One running emulated Portal: its start line, its control client and helpers for the sharing API."""

    def __init__(self, start_line: dict):
        from notebook_server_emulator.portal.control import PortalControl

        self.info = start_line
        self.url = start_line["url"]
        self.sharing_url = self.url + "/sharing/rest"
        self.verify = start_line["ca_path"] or True
        self.control = PortalControl.from_start_line(start_line)
        self.session = requests.Session()

    def credentials(self, who: str = "admin") -> tuple:
        account = self.info[who]
        return account["username"], account["password"]

    def token(self, who: str = "admin", referer: str = REFERER, username: str | None = None,
              password: str | None = None, **extra) -> str:
        if username is None:
            username, password = self.credentials(who)
        data = {"username": username, "password": password, "client": "referer", "referer": referer, "f": "json",
                **extra}
        answer = self.session.post(self.sharing_url + "/generateToken", data=data, verify=self.verify, timeout=30)
        document = answer.json()
        assert "token" in document, document
        return document["token"]

    def sharing(self, path: str, token: str | None = None, method: str = "GET", referer: str = REFERER,
                **params) -> dict:
        """A sharing API resource, token as Esri's client sends it (X-Esri-Authorization), decoded JSON."""
        headers = {"Referer": referer}
        if token is not None:
            headers["X-Esri-Authorization"] = "Bearer " + token
        params = {"f": "json", **params}
        url = self.sharing_url + "/" + path.lstrip("/")
        if method == "POST":
            answer = self.session.post(url, data=params, headers=headers, verify=self.verify, timeout=30)
        else:
            answer = self.session.get(url, params=params, headers=headers, verify=self.verify, timeout=30)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def close(self) -> None:
        self.session.close()


class Fleet:
    """An emulated Portal with two federated emulated Notebook Servers (one CA), as fleet.start_fleet starts them."""

    def __init__(self, state_file: str, document: dict):
        self.state_file = state_file
        self.portal = Portal(document["portal"])
        self.servers = []
        for line in document["servers"]:
            server = Emulator(line["state_file"])
            server.portal_server_id = line["portal_server_id"]
            self.servers.append(server)
        self.ca_path = document["ca_path"]

    def reset(self) -> None:
        self.portal.control.reset()
        self.portal.control.set_time_scale(0)  # still until a test moves it, as for `site`
        for server in self.servers:
            server.control.reset()
            server.control.set_time_scale(0)


@pytest.fixture(scope="session")
def start_portal(tmp_path_factory):
    """Factory: start a lone emulated Portal with these options (stopped at the end of the session)."""
    started = []

    def start(*options: str, timeout: float = 30) -> Portal:
        state_file = str(tmp_path_factory.mktemp("portal") / "portal.json")
        launch("start", "--state-file", state_file, "--timeout", str(timeout), "--portal", "--", "--port", "0",
               *options)
        with open(state_file, encoding="utf-8") as handle:
            portal = Portal(json.load(handle))
        portal.state_file = state_file
        started.append(portal)
        return portal

    yield start
    for portal in started:
        portal.close()
        launch("stop", "--state-file", portal.state_file, check=False)


@pytest.fixture(scope="session")
def shared_fleet(tmp_path_factory):
    """The Portal scenario with two servers: the second listed as an ArcGIS server whose function includes notebooks."""
    from notebook_server_emulator.fleet import start_fleet, stop_fleet

    state_file = str(tmp_path_factory.mktemp("fleet") / "fleet.json")
    document = start_fleet(state_file, servers=2,
                           portal_args=["--scenario", os.path.join(SCENARIOS, "portal.json")],
                           server_args=[["--scenario", os.path.join(SCENARIOS, "demo.json")]],
                           listings=[{}, {"server_type": "ArcGIS", "server_function": "GeoAnalytics,NotebookServer"}])
    fleet = Fleet(state_file, document)
    yield fleet
    fleet.portal.close()
    for server in fleet.servers:
        server.close()
    stop_fleet(state_file)


@pytest.fixture()
def fleet(shared_fleet):
    """The shared fleet, every member reset to its start state (federation stays)."""
    shared_fleet.reset()
    return shared_fleet
