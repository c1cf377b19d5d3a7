"""Features together: hostile list answers on notebooks and Portal lists, Portal tokens on notebooks, the Portal's clock, one reset."""

from __future__ import annotations

import email.utils
import json
import math
import time

from conftest import REFERER
from notebook_server_emulator.portal.scenario import portal_scenario_from_dict
from notebook_server_emulator.portal.site import PortalSettings, PortalSite

DEMO_NOTEBOOKS = 6
BUSY_ID = "b5e1c0de5eed4d0e9a5b1c2d3e4f5a6b"  # e_doe's, busy for 9000 s in demo.json
NON_OBJECTS = ["jnot-a-record", 42, None, ["jobId", "status"], True, 1.5]


def _server_time(answer) -> float:
    return email.utils.parsedate_to_datetime(answer.headers["Date"]).timestamp()


def _raw(site, path: str, token: str, **params):
    return site.post("admin/" + path, {"f": "json", "token": token, **params}, headers={"Referer": REFERER})


def _only_objects(records: list) -> list:
    return [record for record in records if isinstance(record, dict)]


# ----- hostile answers on the notebooks resources -----

def test_odd_total_reaches_a_notebooks_page_only_when_its_path_is_given(site):
    token = site.token()
    normal = site.admin("notebooks", token)
    assert normal["total"] == DEMO_NOTEBOOKS
    site.control.inject_fault("odd_total", form="infinite")  # default path: jobs lists only
    assert site.admin("notebooks", token) == normal
    assert len(site.control.faults()) == 1
    site.control.clear_faults()
    site.control.inject_fault("odd_total", form="thousands", value=1151, path="admin/notebooks$")
    odd = site.admin("notebooks", token)
    assert odd["total"] == "1,151" and odd["notebooks"] == normal["notebooks"] and odd["start"] == 1
    site.control.inject_fault("odd_total", form="absent", path="admin/notebooks$")
    absent = site.admin("notebooks", token)
    assert "total" not in absent and absent["notebooks"] == normal["notebooks"]
    site.control.inject_fault("odd_total", form="infinite", path="admin/notebooks$")
    pretty = _raw(site, "notebooks", token, f="pjson")
    assert '"total": 1e999' in pretty.text and "\n" in pretty.text
    assert json.loads(pretty.text)["total"] == math.inf
    assert [entry["fault"] for entry in site.control.requests()[-4:]] == [None, "odd_total", "odd_total", "odd_total"]
    assert site.admin("notebooks", token)["total"] == DEMO_NOTEBOOKS


def test_non_object_records_among_notebooks_containers_and_sessions(site):
    token = site.token()
    container_id = site.control.notebook(BUSY_ID)["containerId"]
    resources = {"admin/notebooks$": ("notebooks", "notebooks"),
                 "system/containers$": ("system/containers", "containers"),
                 "sessions$": ("system/containers/%s/sessions" % container_id, "sessions")}
    for path, (resource, member) in resources.items():
        normal = site.admin(resource, token)[member]
        site.control.inject_fault("non_object_records", path=path)
        mixed = site.admin(resource, token)[member]
        assert mixed[0] == "jnot-a-record" and mixed[1] == normal[0], resource
        assert [item for item in mixed if not isinstance(item, dict)] == NON_OBJECTS
        assert _only_objects(mixed) == normal
    assert site.control.faults() == []


def test_body_faults_on_sessions_answer_valid_but_hostile_json(site):
    token = site.token()
    container_id = site.control.notebook(BUSY_ID)["containerId"]
    resource = "system/containers/%s/sessions" % container_id
    site.control.inject_fault("nested_json", depth=50_000, path="sessions$")
    nested = _raw(site, resource, token)
    assert nested.content.startswith(b'{"nested":[[[[')
    assert nested.content.endswith(b"]}") and b'"execution_state"' in nested.content
    site.control.inject_fault("huge_body", megabytes=1, path="sessions$")
    huge = _raw(site, resource, token)
    assert len(huge.content) > 1 << 20 and huge.json()["sessions"][0]["kernel"]["execution_state"] == "busy"


# ----- federation on the notebooks resources -----

def test_portal_administrator_tokens_read_and_close_notebooks_and_containers(fleet):
    portal, server = fleet.portal, fleet.servers[0]
    token = portal.token()
    server.control.clear_requests()
    page = server.admin("notebooks", token, num="100")
    assert page["total"] == DEMO_NOTEBOOKS
    container_id = server.control.notebook(BUSY_ID)["containerId"]
    [busy] = server.admin("system/containers/%s/sessions" % container_id, token)["sessions"]
    assert busy["kernel"]["execution_state"] == "busy"
    assert {record["id"] for record in server.admin("system/containers", token)["containers"]} >= {container_id}
    other = next(record for record in page["notebooks"] if record["id"] != BUSY_ID)
    assert server.admin("notebooks/%s/closeNotebook" % other["id"], token) == {"status": "success"}
    assert server.admin("system/containers/%s/terminateContainer" % container_id, token) == {"status": "success"}
    assert server.admin("notebooks", token)["total"] == DEMO_NOTEBOOKS - 2
    log = server.control.requests()
    assert len(log) == 6
    assert {(entry["token_issuer"], entry["username"], entry["status"], entry["error_code"]) for entry in log} == {
        ("portal", "portaladmin", 200, None)}
    # A plain Portal user administers nothing here, not even their own notebooks.
    user_token = portal.token("user")
    for resource in ("notebooks", "system/containers", "system/containers/%s/sessions" % container_id):
        assert server.admin(resource, user_token)["error"]["code"] == 403
    entry = server.control.requests()[-1]
    assert entry["token_issuer"] == "portal" and entry["username"] == "nbuser" and entry["error_code"] == 403


# ----- the Portal's clock, 404 page and list faults -----

def test_the_portals_date_header_and_tokens_follow_its_own_clock(fleet):
    portal, server = fleet.portal, fleet.servers[0]
    assert abs(_server_time(portal.session.get(portal.sharing_url, params={"f": "json"}, verify=portal.verify,
                                               timeout=10)) - time.time()) < 5
    clock = portal.control.set_clock_offset(-7200)
    assert abs(clock["offset_seconds"] + 7200) < 5
    username, password = portal.credentials()
    answer = portal.session.post(portal.sharing_url + "/generateToken", verify=portal.verify, timeout=10, data={
        "username": username, "password": password, "client": "referer", "referer": REFERER, "expiration": 60,
        "f": "json"})
    assert abs(_server_time(answer) - (time.time() - 7200)) < 5
    assert abs(answer.json()["expires"] / 1000.0 - (_server_time(answer) + 3600)) < 5
    # Each emulator keeps its own clock: the federated server's Date is the host's time still.
    assert abs(_server_time(server.get("rest/info/healthcheck", {"f": "json"})) - time.time()) < 5
    assert server.admin("notebooks", answer.json()["token"])["total"] == DEMO_NOTEBOOKS
    assert abs(portal.control.reset()["offset_seconds"]) < 5


def test_portal_clock_offset_from_the_command_line_and_a_wrong_context(start_portal):
    portal = start_portal("--http", "--clock-offset", "3600")
    for _round in range(2):
        answer = portal.session.get(portal.sharing_url + "/info", params={"f": "json"}, timeout=10)
        assert answer.status_code == 200 and abs(_server_time(answer) - (time.time() + 3600)) < 5
        portal.control.set_clock_offset(0)
        portal.control.reset()
    origin = portal.url.rsplit("/", 1)[0]
    wrong = portal.session.get(origin + "/portalx/sharing/rest/info", params={"f": "json"}, timeout=10)
    assert wrong.status_code == 404 and "HTTP Status 404" in wrong.text
    entry = portal.control.requests()[-1]
    assert entry["path"] == "/portalx/sharing/rest/info" and entry["status"] == 404 and entry["resource"] is None


def test_portal_clock_offset_from_the_scenario_unless_the_command_line_gives_one():
    scenario = portal_scenario_from_dict({"clock_offset": -600})
    assert abs(PortalSite(PortalSettings(), scenario).clock.offset_seconds() + 600) < 5
    site = PortalSite(PortalSettings(clock_offset=1800), scenario)
    assert abs(site.clock.offset_seconds() - 1800) < 5
    site.clock.set_offset(0)
    site.reset()
    assert abs(site.clock.offset_seconds() - 1800) < 5


def test_list_faults_on_the_portals_task_pages_and_servers_list(fleet):
    portal = fleet.portal
    token = portal.token()
    normal = portal.sharing("portals/self/allScheduledTasks", token)
    portal.control.inject_fault("odd_total", form="float_string", path="allScheduledTasks$")
    odd = portal.sharing("portals/self/allScheduledTasks", token)
    assert odd["total"] == "%d.0" % normal["total"] and odd["tasks"] == normal["tasks"]
    assert odd["nextStart"] == normal["nextStart"]
    servers = portal.sharing("portals/self/servers", token)["servers"]
    portal.control.inject_fault("non_object_records", path="servers$")
    mixed = portal.sharing("portals/self/servers", token)["servers"]
    assert mixed[0] == "jnot-a-record" and _only_objects(mixed) == servers
    faults = [entry["fault"] for entry in portal.control.requests()[-4:]]
    assert faults == [None, "odd_total", None, "non_object_records"]


# ----- one reset for everything -----

def test_a_reset_restores_notebooks_switches_clock_settings_and_keeps_federation(fleet):
    portal, server = fleet.portal, fleet.servers[0]
    control = server.control
    token = portal.token()
    control.set_max_num(1)
    control.set_clock_offset(-3600)
    control.set_notebook_settings(close_operations="old", next_start=True)
    control.close_notebook(BUSY_ID)
    control.set_site_mode("READ_ONLY")
    control.inject_fault("odd_total", form="string", path="admin/notebooks$", probability=1)
    assert server.admin("notebooks", token)["total"] == str(DEMO_NOTEBOOKS - 1)
    state = control.reset()
    assert state["max_num"] is None and abs(state["offset_seconds"]) < 5 and state["faults"] == []
    assert state["notebooks"] == DEMO_NOTEBOOKS and state["site_mode"] == "EDITABLE" and state["federated"] is True
    assert control.notebook_settings()["close_operations"] == "new"
    assert control.requests() == []
    # The reset forgot the Portal token the server had adopted; the Portal vouches for it again.
    page = server.admin("notebooks", token)
    assert page["total"] == DEMO_NOTEBOOKS and "nextStart" not in page
    assert len(server.jobs(token, num="100")["asyncJobs"]) == 9
    assert control.requests()[-1]["token_issuer"] == "portal"
