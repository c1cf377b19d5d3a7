"""Scheduled notebook tasks in the emulated Portal: runs on the emulated clock become executeNotebook jobs with
inputs.taskId on a federated server; disabled tasks do not run; five failed runs in a row stop a task;
disable/enable, their permissions and injected failures; the org-wide and per-user lists, filters and paging."""

from __future__ import annotations

import time

import pytest

from conftest import REFERER, launch
from notebook_server_emulator.control import ControlApiError

NIGHTLY = "5f1e3c0a9b8d4e2f8a7b6c5d4e3f2a10"  # nbuser's, runs daily
HOURLY = "6a2f4d1b0c9e5f3a9b8c7d6e5f4a3b21"  # j_doe's
WEEKLY = "7b3a5e2c1d0f6a4b0c9d8e7f6a5b4c32"  # nbuser's, disabled
QUARTER = "8c4b6f3d2e1a7b5c1d0e9f8a7b6c5d43"  # j_doe's, every 15 minutes
SCENARIO_TASKS = {NIGHTLY, HOURLY, WEEKLY, QUARTER}
PARCELS_ITEM = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
J_DOE = ("j_doe", "j_doe-portal-password")


def _runs_of(portal, task_id: str) -> list:
    return portal.control.task_runs(task_id)


def _pause(portal, token: str, owner: str, task_id: str, operation: str = "disable") -> dict:
    return portal.sharing("community/users/%s/tasks/%s/%s" % (owner, task_id, operation), token, method="POST")


def test_a_scheduled_run_adds_an_execute_notebook_job_with_the_task_id(fleet):
    portal, server = fleet.portal, fleet.servers[0]
    task_id = portal.control.add_task(every_minutes=15, owner="nbuser", title="Quarter-hourly refresh",
                                      item_id=PARCELS_ITEM, run_duration=600)
    portal.control.advance_clock(14 * 60)
    assert _runs_of(portal, task_id) == []
    # The scenario's quarter-hour task runs too: pick ours.
    [run] = [run for run in portal.control.advance_clock(60)["runs"] if run["task_id"] == task_id]
    assert run["task_id"] == task_id and run["ok"] and run["trigger"] == "schedule"
    assert run["server_id"] == server.portal_server_id
    job = server.admin("system/jobs/" + run["job_id"])
    assert job["type"] == "executeNotebook" and job["username"] == "nbuser" and job["status"] == "SUBMITTED"
    assert job["inputs"]["taskId"] == task_id and job["inputs"]["itemId"] == PARCELS_ITEM
    assert isinstance(job["inputs"]["notebookParameters"], str)
    task = portal.sharing("community/users/nbuser/tasks/" + task_id, portal.token())
    assert task["lastStart"] == run["time_ms"] and task["active"] is True and task["taskState"] == "active"
    assert task["cronSchedule"] == "0 0/15 * * * ? *" and task["type"] == "ExecuteNotebook"
    # Esri's client reads the same job through a Portal administrator's token.
    listed = server.session.get(server.admin_url + "/system/jobs", params={"f": "json", "detail": "true"},
                                headers={"Referer": REFERER, "X-Esri-Authorization": "Bearer " + portal.token()},
                                verify=server.verify, timeout=10).json()
    assert run["job_id"] in {job["jobId"] for job in listed["asyncJobs"]}


def test_missed_slots_fire_once_and_the_next_run_is_in_the_future(fleet):
    portal = fleet.portal
    task_id = portal.control.add_task(every_minutes=15)
    runs = portal.control.advance_clock(5 * 3600)["runs"]
    assert [run["task_id"] for run in runs].count(task_id) == 1
    task = portal.control.task(task_id)
    assert task["occurrences"] == 1 and task["next_run_ms"] > portal.control.state()["now_ms"]


def test_a_task_on_another_server_runs_there(fleet):
    portal, second = fleet.portal, fleet.servers[1]
    task_id = portal.control.add_task(every_minutes=30, server=second.portal_server_id, owner="j_doe")
    run = portal.control.run_task(task_id)
    assert run["ok"] and run["server_id"] == second.portal_server_id and run["trigger"] == "manual"
    assert second.control.job(run["job_id"])["inputs"]["taskId"] == task_id


def test_disabled_tasks_do_not_run_until_enabled(fleet):
    portal = fleet.portal
    token = portal.token("user", expiration=str(24 * 60))  # outlives the clock jumps below
    task_id = portal.control.add_task(every_minutes=10, owner="nbuser")
    assert _pause(portal, token, "nbuser", task_id) == {"success": True, "taskId": task_id}
    task = portal.sharing("community/users/nbuser/tasks/" + task_id, token)
    assert task["active"] is False and task["taskState"] == "disabled"
    portal.control.advance_clock(3600)
    assert _runs_of(portal, task_id) == []
    assert _pause(portal, token, "nbuser", task_id, "enable") == {"success": True, "taskId": task_id}
    portal.control.advance_clock(9 * 60)
    assert _runs_of(portal, task_id) == []
    portal.control.advance_clock(60)
    [run] = _runs_of(portal, task_id)
    assert run["ok"]
    # Disabling twice is no error; the scenario's disabled task never ran either.
    assert _pause(portal, token, "nbuser", task_id)["success"] is True
    assert _pause(portal, token, "nbuser", task_id)["success"] is True
    assert _runs_of(portal, WEEKLY) == []


def test_five_failed_runs_in_a_row_stop_a_task(fleet):
    portal, server = fleet.portal, fleet.servers[0]
    task_id = portal.control.add_task(every_minutes=15, server=server.portal_server_id)
    portal.control.set_server_reachable(server.portal_server_id, False)
    for _slot in range(4):
        portal.control.advance_clock(15 * 60)
    assert [run["ok"] for run in _runs_of(portal, task_id)] == [False] * 4
    assert portal.control.task(task_id)["active"] is True
    portal.control.set_server_reachable(server.portal_server_id, True)
    assert portal.control.run_task(task_id)["ok"]  # a success resets the count
    portal.control.set_server_reachable(server.portal_server_id, False)
    for _slot in range(4):
        portal.control.advance_clock(15 * 60)
    assert portal.control.task(task_id)["failures_in_a_row"] == 4 and portal.control.task(task_id)["active"]
    portal.control.advance_clock(15 * 60)
    runs = _runs_of(portal, task_id)
    assert runs[-1]["error"].endswith("cannot be reached") and runs[-1]["task_state"] == "stopped"
    listed = portal.sharing("portals/self/allScheduledTasks", portal.token(),
                            itemId=portal.control.task(task_id)["itemId"])["tasks"]
    assert [(task["id"], task["active"], task["taskState"]) for task in listed] == [(task_id, False, "stopped")]
    portal.control.advance_clock(3600)
    assert len(_runs_of(portal, task_id)) == 10
    # Enabling a stopped task starts it again with a clean count.
    portal.control.set_server_reachable(server.portal_server_id, True)
    assert _pause(portal, portal.token(), "nbuser", task_id, "enable")["success"] is True
    portal.control.advance_clock(15 * 60)
    assert _runs_of(portal, task_id)[-1]["ok"] and portal.control.task(task_id)["failures_in_a_row"] == 0


def test_a_stopped_server_process_and_a_read_only_server_make_runs_fail(fleet, start_emulator):
    portal, server = fleet.portal, fleet.servers[0]
    gone = start_emulator()
    registered = portal.control.register_server(state_file=gone.state_file)
    task_id = portal.control.add_task(every_minutes=60, server=registered["id"])
    assert portal.control.run_task(task_id)["ok"]
    launch("stop", "--state-file", gone.state_file)
    failed = portal.control.run_task(task_id)
    assert not failed["ok"] and "cannot be reached" in failed["error"] and failed["job_id"] is None
    portal.control.remove_server(registered["id"])
    server.control.set_site_mode("READ_ONLY")
    refused = portal.control.run_task(portal.control.add_task(every_minutes=60, server=server.portal_server_id))
    assert not refused["ok"] and "refused the job (409)" in refused["error"]


def test_tasks_on_fictitious_or_missing_servers_fail(fleet):
    portal = fleet.portal
    far = portal.control.add_fictitious_server("https://nb-far.example.invalid:11443/arcgis")
    assert not portal.control.run_task(portal.control.add_task(server=far["id"]))["ok"]
    assert "no federated Notebook Server" in portal.control.run_task(portal.control.add_task(server="nosuch"))["error"]


def test_max_occurrences_completes_a_task(fleet):
    portal = fleet.portal
    task_id = portal.control.add_task(every_minutes=5, max_occurrences=2)
    portal.control.advance_clock(300)
    portal.control.advance_clock(300)
    portal.control.advance_clock(300)
    assert len(_runs_of(portal, task_id)) == 2
    task = portal.control.task(task_id)
    assert task["active"] is False and task["taskState"] == "completed" and task["maxOccurrences"] == 2


def test_all_scheduled_tasks_filters(fleet):
    portal = fleet.portal
    token = portal.token()

    def ids(**params) -> set:
        document = portal.sharing("portals/self/allScheduledTasks", token, **params)
        assert document["total"] == len(document["tasks"])
        return {task["id"] for task in document["tasks"]}

    assert ids(types="ExecuteNotebook") == SCENARIO_TASKS
    assert ids(types="executenotebook,UpdateInsightsWorkbook", active="true") == {NIGHTLY, HOURLY, QUARTER}
    assert ids(active="false") == {WEEKLY}
    assert ids(userFilter="j_doe") == {HOURLY, QUARTER}
    assert ids(itemId=PARCELS_ITEM) == {NIGHTLY, WEEKLY}
    assert ids(types="ExecuteNotebook", active="true", userFilter="nbuser", itemId=PARCELS_ITEM) == {NIGHTLY}
    assert ids(types="UpdateInsightsWorkbook") == set()
    by_id = portal.sharing("portals/0123456789ABCDEF/allScheduledTasks", token)
    assert {task["id"] for task in by_id["tasks"]} == SCENARIO_TASKS
    record = [task for task in by_id["tasks"] if task["id"] == HOURLY][0]
    assert set(record) >= {"id", "itemId", "type", "title", "userId", "cronSchedule", "maxOccurrences", "startDate",
                           "lastStart", "active", "taskState"}
    assert record["userId"] == "j_doe" and record["lastStart"] == -1 and record["cronSchedule"] == "0 0 0/1 * * ? *"
    assert portal.sharing("portals/self/allScheduledTasks", portal.token("user"))["error"]["code"] == 403


def test_paging_with_start_num_and_next_start(fleet):
    portal = fleet.portal
    token = portal.token()
    portal.control.add_tasks([{"owner": "nbuser", "every_minutes": 30 + index} for index in range(7)])
    seen, start, pages = [], 1, 0
    while start != -1:
        page = portal.sharing("portals/self/allScheduledTasks", token, start=start, num=3)
        assert page["total"] == 11 and page["start"] == start and page["num"] == 3
        seen.extend(task["id"] for task in page["tasks"])
        start, pages = page["nextStart"], pages + 1
    assert pages == 4 and len(seen) == len(set(seen)) == 11
    assert portal.sharing("portals/self/allScheduledTasks", token)["nextStart"] == 11  # 10 by default
    last = portal.sharing("portals/self/allScheduledTasks", token, start=11, num=100)
    assert len(last["tasks"]) == 1 and last["nextStart"] == -1
    beyond = portal.sharing("portals/self/allScheduledTasks", token, start=50)
    assert beyond["tasks"] == [] and beyond["nextStart"] == -1 and beyond["total"] == 11
    at_least_one = portal.sharing("portals/self/allScheduledTasks", token, num=0)
    assert len(at_least_one["tasks"]) == 1 and at_least_one["nextStart"] == 2
    mine = portal.sharing("community/users/nbuser/tasks", token, types="ExecuteNotebook", num=4)
    assert mine["total"] == 9 and len(mine["tasks"]) == 4 and mine["nextStart"] == 5


def test_user_task_lists_are_for_the_owner_and_administrators(fleet):
    portal = fleet.portal
    user = portal.token("user")
    own = portal.sharing("community/users/nbuser/tasks", user, types="ExecuteNotebook")
    assert {task["id"] for task in own["tasks"]} == {NIGHTLY, WEEKLY}
    assert portal.sharing("community/users/nbuser/tasks", user, active="true")["total"] == 1
    assert portal.sharing("community/users/j_doe/tasks", user)["error"]["code"] == 403
    admin_view = portal.sharing("community/users/j_doe/tasks", portal.token())
    assert {task["id"] for task in admin_view["tasks"]} == {HOURLY, QUARTER}
    assert portal.sharing("community/users/j_doe/tasks")["error"]["code"] == 499


def test_disable_and_enable_permissions(fleet):
    portal = fleet.portal
    j_doe = portal.token(username=J_DOE[0], password=J_DOE[1])
    assert _pause(portal, j_doe, "nbuser", NIGHTLY)["error"]["code"] == 403  # not hers
    assert _pause(portal, j_doe, "j_doe", NIGHTLY)["error"]["code"] == 400  # not under her name
    assert _pause(portal, j_doe, "j_doe", HOURLY) == {"success": True, "taskId": HOURLY}
    admin = portal.token()
    assert _pause(portal, admin, "nbuser", NIGHTLY) == {"success": True, "taskId": NIGHTLY}
    assert portal.control.task(NIGHTLY)["active"] is False
    assert portal.sharing("community/users/nbuser/tasks/%s/disable" % NIGHTLY, admin)["error"]["code"] == 405
    assert _pause(portal, admin, "nbuser", "0" * 32)["error"]["code"] == 400


def test_injected_disable_and_enable_failures_change_nothing(fleet):
    portal = fleet.portal
    admin = portal.token()
    portal.control.fail_task_operations(HOURLY, ["disable"], count=1)
    failed = _pause(portal, admin, "j_doe", HOURLY)
    assert failed["error"]["code"] == 500 and "disable" in failed["error"]["message"]
    assert portal.control.task(HOURLY)["active"] is True
    assert _pause(portal, admin, "j_doe", HOURLY)["success"] is True  # only the next one failed
    assert _pause(portal, admin, "j_doe", QUARTER)["success"] is True  # other tasks were never affected
    portal.control.fail_task_operations(HOURLY, ["enable"], count=None, code=403, message="Not today.")
    for _attempt in range(3):
        assert _pause(portal, admin, "j_doe", HOURLY, "enable")["error"] == {"code": 403, "message": "Not today.",
                                                                             "details": []}
    assert portal.control.operation_faults()[HOURLY]["operations"] == ["enable"]
    portal.control.clear_task_operation_faults(HOURLY)
    assert _pause(portal, admin, "j_doe", HOURLY, "enable")["success"] is True
    assert portal.control.task(HOURLY)["active"] is True
    with pytest.raises(ControlApiError) as refused:
        portal.control.fail_task_operations(HOURLY, ["delete"])
    assert refused.value.status == 400


def test_manual_runs_run_even_disabled_tasks_and_reset_restores_the_scenario(fleet):
    portal = fleet.portal
    run = portal.control.run_task(WEEKLY)
    assert run["ok"] and portal.control.task(WEEKLY)["taskState"] == "disabled"
    added = portal.control.add_task(every_minutes=60)
    assert len(portal.control.runs()) == 1
    portal.control.reset()
    assert {task["id"] for task in portal.control.tasks()} == SCENARIO_TASKS
    assert portal.control.runs() == [] and added not in {task["id"] for task in portal.control.tasks()}
    with pytest.raises(ControlApiError) as missing:
        portal.control.task(added)
    assert missing.value.status == 404
    with pytest.raises(ControlApiError) as bad:
        portal.control.add_task(every_minutes=0)
    assert bad.value.status == 400


def test_the_scheduler_runs_tasks_without_anybody_asking(fleet):
    portal = fleet.portal
    task_id = portal.control.add_task(every_minutes=1, owner="nbuser")
    portal.control.set_time_scale(600)  # one emulated minute every 0.1 s: the ticker must notice by itself
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(_runs_of(portal, task_id)) < 2:
        time.sleep(0.05)
    portal.control.set_time_scale(1)
    runs = _runs_of(portal, task_id)
    assert len(runs) >= 2 and all(run["ok"] and run["trigger"] == "schedule" for run in runs)
