"""Notebooks that live: opened by openNotebook jobs, kernels busy then idle, idle ones closed, READ_ONLY, control."""

from __future__ import annotations

import datetime

import pytest

from notebook_server_emulator.control import ControlApiError
from notebook_server_emulator.notebook_specs import NotebookSpecError
from notebook_server_emulator.scenario import ScenarioError, scenario_from_dict

BUSY_ID = "b5e1c0de5eed4d0e9a5b1c2d3e4f5a6b"  # e_doe's, busy for 9000 s in demo.json
DEMO_NOTEBOOKS = 6


def _kernel(site, token: str, notebook_id: str) -> dict:
    view = site.control.notebook(notebook_id)
    sessions = site.admin("system/containers/%s/sessions" % view["containerId"], token)["sessions"]
    [session] = [session for session in sessions if session["id"] == view["sessionId"]]
    return session["kernel"]


def _iso(epoch_ms: int) -> str:
    return datetime.datetime.fromtimestamp(epoch_ms / 1000, tz=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _owners(site, token: str) -> list:
    return sorted(record["username"] for record in site.admin("notebooks", token, num="100")["notebooks"])


# ----- openNotebook jobs -----

def test_a_completed_open_notebook_job_opens_a_notebook_in_a_new_container(site):
    token = site.token()
    job_id = site.control.add_job(type="openNotebook", username="z_doe", queued=5, duration=20)
    assert "z_doe" not in _owners(site, token)
    site.control.advance_clock(26)
    job = site.admin("system/jobs/" + job_id, token)
    assert job["status"] == "COMPLETED"
    [notebook] = [record for record in site.admin("notebooks", token, num="100")["notebooks"] if record["username"] == "z_doe"]
    # The new container has the id the job's notebookUrl shows; the notebook is the job's notebookId.
    assert job["results"]["notebookUrl"].endswith(notebook["notebookUrl"])
    assert notebook["itemId"] == job["results"]["notebookId"]
    assert notebook["dateLastActivity"] == str(job["endTime"])
    [container] = [container for container in site.admin("system/containers", token)["containers"]
                   if container["username"] == "z_doe"]
    assert container["id"] == notebook["containerId"] and container["dateCreated"] == str(job["endTime"])


def test_a_users_next_notebook_joins_their_container_and_only_completed_jobs_open(site):
    token = site.token()
    [before] = [view for view in site.control.notebooks() if view["username"] == "nbuser"]
    finished = site.control.add_active_job(type="openNotebook", username="nbuser",
                                           inputs={"itemId": "0123456789abcdef0123456789abcdef"})
    cancelled = site.control.add_active_job(type="openNotebook", username="nbuser")
    failed = site.control.add_active_job(type="openNotebook", username="nbuser")
    executed = site.control.add_active_job(type="executeNotebook", username="nbuser")
    site.control.cancel_job(cancelled)
    site.control.fail_job(failed)
    site.control.finish_job(executed)
    assert _owners(site, token).count("nbuser") == 1
    site.control.finish_job(finished)
    mine = [view for view in site.control.notebooks() if view["username"] == "nbuser"]
    assert len(mine) == 2 and mine[1]["itemId"] == "0123456789abcdef0123456789abcdef"
    assert mine[1]["containerId"] == before["containerId"]
    # Finishing it again opens nothing more.
    site.control.finish_job(finished)
    assert _owners(site, token).count("nbuser") == 2


def test_the_demo_job_opens_j_does_notebook_later(site):
    token = site.token()
    assert _owners(site, token).count("j_doe") == 1
    site.control.advance_clock(300)  # the demo's openNotebook job ends 245 s after start
    assert _owners(site, token).count("j_doe") == 2


# ----- kernels -----

def test_busy_for_n_seconds_then_idle_with_its_last_activity(site):
    token = site.token()
    view = site.control.open_notebook(owner="nbuser")
    busy = site.control.make_kernel_busy(view["id"], seconds=120)
    began = busy["last_activity_ms"]
    assert busy["execution_state"] == "busy" and busy["busy_until_ms"] == began + 120_000
    kernel = _kernel(site, token, view["id"])
    assert kernel["execution_state"] == "busy" and kernel["last_activity"] == _iso(began)
    site.control.advance_clock(119)
    assert _kernel(site, token, view["id"])["execution_state"] == "busy"
    site.control.advance_clock(2)
    kernel = _kernel(site, token, view["id"])
    assert kernel["execution_state"] == "idle" and kernel["last_activity"] == _iso(began + 120_000)
    record = site.admin("notebooks/" + view["id"], token)
    assert record["dateLastActivity"] == str(began + 120_000)


def test_the_demo_kernel_is_busy_for_9000_seconds(site):
    token = site.token()
    assert _kernel(site, token, BUSY_ID)["execution_state"] == "busy"
    site.control.advance_clock(8990)
    token = site.token()  # the first one expired after an hour
    assert _kernel(site, token, BUSY_ID)["execution_state"] == "busy"
    site.control.advance_clock(11)
    assert _kernel(site, token, BUSY_ID)["execution_state"] == "idle"


def test_busy_forever_touch_kill_and_unknown_states(site):
    token = site.token()
    site.control.set_notebook_settings(idle_notebook_threshold=60)
    forever, touched, killed, odd = site.control.open_notebooks([{"owner": "nbuser"}] * 4)
    assert site.control.make_kernel_busy(forever["id"])["busy_until_ms"] is None
    killed_view = site.control.kill_kernel(killed["id"])
    assert killed_view["execution_state"] == "dead" and killed_view["connections"] == 0
    site.control.set_kernel_state(odd["id"], "autorestarting", connections=3)
    kernel = _kernel(site, token, odd["id"])
    assert kernel["execution_state"] == "autorestarting" and kernel["connections"] == 3
    site.control.advance_clock(50 * 60)
    assert site.control.touch_notebook(touched["id"])["last_activity_ms"] >= touched["last_activity_ms"] + 50 * 60_000
    site.control.advance_clock(20 * 60)
    # An hour after opening: the dead kernel's notebook closed, the touched one has 40 minutes left.
    open_ids = {view["id"] for view in site.control.notebooks()}
    assert killed["id"] not in open_ids and {forever["id"], touched["id"], odd["id"]} <= open_ids
    site.control.advance_clock(30 * 24 * 3600)
    open_ids = {view["id"] for view in site.control.notebooks()}
    # Busy and unknown states count as work: never closed for idleness.
    assert touched["id"] not in open_ids and {forever["id"], odd["id"]} <= open_ids
    assert _kernel(site, site.token(), forever["id"])["execution_state"] == "busy"


# ----- closing by themselves -----

def test_idle_notebooks_close_after_the_threshold_and_empty_containers_later(site):
    token = site.token()
    [m_doe] = [view for view in site.control.notebooks() if view["username"] == "m_doe"]
    site.control.advance_clock(1799)  # idle since 84600 s before start: 1440 minutes are up at 1800 s
    assert "m_doe" in _owners(site, token)
    site.control.advance_clock(2)
    assert "m_doe" not in _owners(site, token)
    containers = {container["id"]: container for container in site.admin("system/containers", token)["containers"]}
    # The empty container stays for containerCreatedThreshold (60 minutes), then goes.
    assert containers[m_doe["containerId"]]["username"] == "m_doe"
    assert site.admin("system/containers/%s/sessions" % m_doe["containerId"], token) == {"sessions": []}
    site.control.advance_clock(3600)
    token = site.token()
    assert m_doe["containerId"] not in [container["id"] for container in site.admin("system/containers", token)["containers"]]


def test_thresholds_are_settings(site):
    token = site.token()
    settings = site.control.set_notebook_settings(idle_notebook_threshold=31, container_created_threshold=0)
    assert settings["idle_notebook_threshold"] == 31 and settings["container_created_threshold"] == 0
    # Idle for more than 31 minutes already: a_doe's scratch (90 min) and m_doe's go at once, with m_doe's container.
    assert _owners(site, token) == ["a_doe", "e_doe", "j_doe", "nbuser"]
    assert "m_doe" not in {container["username"] for container in site.admin("system/containers", token)["containers"]}
    site.control.advance_clock(27 * 60)
    # Left: the busy kernel's notebook, and the one j_doe's openNotebook job opened 245 s after start.
    assert _owners(site, token) == ["e_doe", "j_doe"]


# ----- READ_ONLY -----

def test_read_only_refuses_new_opens_unless_forced(site):
    token = site.token()
    assert site.admin("mode/update", token, siteMode="READ_ONLY") == {"status": "success"}
    with pytest.raises(ControlApiError) as refused:
        site.control.open_notebook(owner="nbuser")
    assert refused.value.status == 409
    assert site.admin("notebooks", token)["total"] == DEMO_NOTEBOOKS
    forced = site.control.open_notebook(owner="nbuser", force=True)
    assert site.admin("notebooks/" + forced["id"], token)["username"] == "nbuser"
    # Closing is still allowed by default; read_only_blocks_close refuses it.
    assert site.admin("notebooks/%s/closeNotebook" % forced["id"], token) == {"status": "success"}
    site.control.set_notebook_settings(read_only_blocks_close=True)
    refusal = site.admin("notebooks/%s/closeNotebook" % BUSY_ID, token)["error"]
    assert refusal["code"] == 403 and "READ_ONLY" in refusal["message"]
    container_id = site.control.notebook(BUSY_ID)["containerId"]
    assert site.admin("system/containers/%s/terminateContainer" % container_id, token)["error"]["code"] == 403
    assert site.admin("notebooks", token)["total"] == DEMO_NOTEBOOKS
    site.control.set_site_mode("EDITABLE")
    assert site.admin("notebooks/%s/closeNotebook" % BUSY_ID, token) == {"status": "success"}


def test_a_job_accepted_before_read_only_still_opens_its_notebook(site):
    token = site.token()
    job_id = site.control.add_active_job(type="openNotebook", username="z_doe")
    site.control.set_site_mode("READ_ONLY")
    site.control.finish_job(job_id)
    assert "z_doe" in _owners(site, token)


# ----- control API and scenario -----

def test_control_notebook_calls_and_errors(site):
    opened = site.control.open_notebook(owner="nbuser", container="second", item_id="aa" * 16, title="t1",
                                        kernel="starting", connections=2)
    assert set(opened) >= {"id", "itemId", "containerId", "sessionId", "kernelId", "username", "execution_state"}
    assert opened["itemId"] == "aa" * 16 and opened["execution_state"] == "starting" and opened["connections"] == 2
    [first] = [view for view in site.control.notebooks() if view["username"] == "nbuser" and view["id"] != opened["id"]]
    assert opened["containerId"] != first["containerId"]  # a container label of its own
    same = site.control.open_notebook(owner="nbuser", container_id=opened["containerId"])
    assert same["containerId"] == opened["containerId"]
    assert site.control.state()["notebooks"] == DEMO_NOTEBOOKS + 2
    site.control.close_notebook(same["id"])
    for call, args, status in ((site.control.notebook, ("nosuch",), 404), (site.control.close_notebook, ("nosuch",), 404),
                               (site.control.make_kernel_busy, ("nosuch", 5), 404),
                               (site.control.set_kernel_state, (opened["id"], ""), 400),
                               (site.control.open_notebook, (), 400)):
        with pytest.raises(ControlApiError) as failed:
            call(*args) if args else call(owner="nbuser", colour="red")
        assert failed.value.status == status
    with pytest.raises(ControlApiError) as refused:
        site.control.open_notebook(owner="j_doe", container_id=opened["containerId"])  # not j_doe's container
    assert refused.value.status == 400


def test_reset_restores_the_scenario_notebooks_with_the_same_ids(site):
    views = site.control.notebooks()
    site.control.open_notebook(owner="nbuser")
    site.control.close_notebook(BUSY_ID)
    site.control.set_notebook_settings(close_operations="old")
    state = site.control.reset()
    assert state["notebooks"] == DEMO_NOTEBOOKS and state["containers"] == 5
    assert [view["id"] for view in site.control.notebooks()] == [view["id"] for view in views]
    assert site.control.notebook_settings()["close_operations"] == "new"


def test_scenario_notebook_specs_are_checked():
    with pytest.raises(NotebookSpecError):
        scenario_from_dict({"notebooks": [{"owner": "x", "colour": "red"}]})
    with pytest.raises(ScenarioError):
        scenario_from_dict({"notebook_settings": {"close_operations": "sometimes"}})
    scenario = scenario_from_dict({"notebooks": [{"owner": "x", "busy_for": "forever"}],
                                   "notebook_settings": {"idle_notebook_threshold": 5}})
    assert scenario.notebooks[0]["busy_for"] == "forever"
