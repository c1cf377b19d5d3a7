# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Portal's scheduled task modules: listing with a summary; pausing and resuming with idempotence, check mode,
diff, the owner looked up, unknown ids, and a failed pause that leaves nothing paused."""

from __future__ import annotations

from ansible_collections.gisadmin.notebook_server.plugins.modules import (
    notebook_server_scheduled_task,
    notebook_server_scheduled_tasks_info,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    PASSWORD,
    PORTAL,
    USERNAME,
    FakeNotebookServer,
    Reply,
    scheduled_task,
    serve,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.modules.module_runner import (
    run_module,
    run_module_main,
)

CONNECTION = {"portal_url": PORTAL + "/home/", "username": USERNAME, "password": PASSWORD}


def portal_with(*records) -> FakeNotebookServer:
    server = FakeNotebookServer()
    server.portal_tasks = [dict(record) for record in records]
    return server


def run_task(monkeypatch, server, check_mode=False, diff=False, **args):
    serve(monkeypatch, server)
    return run_module(monkeypatch, notebook_server_scheduled_task, dict(CONNECTION, **args), check_mode=check_mode,
                      diff=diff)


def states(server):
    return {record["id"]: record["taskState"] for record in server.portal_tasks}


# -- notebook_server_scheduled_tasks_info -------------------------------------------------------------------

def test_info_lists_every_task_with_paused_and_a_summary(monkeypatch):
    server = portal_with(scheduled_task("t1"), scheduled_task("t2", active=False),
                         scheduled_task("t3", active=False, state="stopped"))
    serve(monkeypatch, server)
    result = run_module(monkeypatch, notebook_server_scheduled_tasks_info, dict(CONNECTION), check_mode=True)
    assert result["failed"] is False and result["changed"] is False
    assert result["portal"] == PORTAL
    assert [(task["id"], task["paused"]) for task in result["tasks"]] == [("t1", False), ("t2", True), ("t3", False)]
    assert result["summary"] == {"count": 3, "active": 1, "paused": 1, "stopped": 1, "active_task_ids": ["t1"],
                                 "none_active": False}
    assert (result["complete"], result["total"], result["incomplete_reason"]) == (True, 3, None)
    assert server.task_writes() == []


def test_info_filters(monkeypatch):
    server = portal_with(scheduled_task("t1"), scheduled_task("t2", active=False), scheduled_task("t3", owner="nbuser"))
    serve(monkeypatch, server)
    result = run_module(monkeypatch, notebook_server_scheduled_tasks_info, dict(CONNECTION, active=False))
    assert [task["id"] for task in result["tasks"]] == ["t2"]
    assert result["summary"]["none_active"] is True
    result = run_module(monkeypatch, notebook_server_scheduled_tasks_info, dict(CONNECTION, owner="nbuser"))
    assert [task["id"] for task in result["tasks"]] == ["t3"]


def test_info_warns_and_never_says_none_active_from_a_partial_list(monkeypatch):
    server = portal_with()
    server.script("/portal/sharing/rest/portals/0123456789ABCDEF/allScheduledTasks",
                  Reply(200, {"total": 2, "start": 1, "num": 1, "nextStart": -1,
                              "tasks": [scheduled_task("t1", active=False)]}))
    serve(monkeypatch, server)
    result, warnings = run_module_main(monkeypatch, notebook_server_scheduled_tasks_info.main, dict(CONNECTION))
    assert result["complete"] is False and result["summary"]["none_active"] is False
    assert result["incomplete_reason"] == "the Portal counts 2 and 1 came back"
    assert warnings == ["Portal %s: the scheduled task list is incomplete: the Portal counts 2 and 1 came back; "
                        "complete and summary.none_active are false" % PORTAL]


def test_info_failure_names_the_portal_and_holds_no_secret(monkeypatch):
    server = portal_with()
    server.portal_admin = False
    serve(monkeypatch, server)
    result = run_module(monkeypatch, notebook_server_scheduled_tasks_info, dict(CONNECTION))
    assert result["failed"] is True
    assert result["msg"].startswith("Portal %s: permission denied" % PORTAL)
    assert PASSWORD not in str(result)


# -- notebook_server_scheduled_task -------------------------------------------------------------------------

def test_pause_looks_up_the_owner_reads_back_and_shows_a_diff(monkeypatch):
    server = portal_with(scheduled_task("t1", owner="nbuser"), scheduled_task("t2"))
    result = run_task(monkeypatch, server, diff=True, task_id="t1", state="disabled")
    assert result["failed"] is False and result["changed"] is True
    assert (result["changed_task_ids"], result["unchanged_task_ids"]) == (["t1"], [])
    assert [(task["id"], task["taskState"], task["paused"]) for task in result["tasks"]] == [("t1", "disabled", True)]
    assert result["diff"] == {"before": {"tasks": {"t1": "active"}}, "after": {"tasks": {"t1": "disabled"}}}
    assert states(server) == {"t1": "disabled", "t2": "active"}
    assert server.sharing_paths()[-2:] == ["community/users/nbuser/tasks/t1/disable", "community/users/nbuser/tasks/t1"]


def test_pause_is_idempotent(monkeypatch):
    server = portal_with(scheduled_task("t1", active=False), scheduled_task("t2", active=False, state="stopped"))
    result = run_task(monkeypatch, server, task_id=["t1", "t2"], state="disabled")
    assert result["changed"] is False and result["unchanged_task_ids"] == ["t1", "t2"]
    assert server.task_writes() == []


def test_check_mode_predicts_without_writing(monkeypatch):
    server = portal_with(scheduled_task("t1"), scheduled_task("t2", active=False))
    result = run_task(monkeypatch, server, check_mode=True, diff=True, task_id=["t1", "t2"], state="disabled")
    assert result["changed"] is True and result["changed_task_ids"] == ["t1"]
    assert result["diff"]["after"]["tasks"] == {"t1": "disabled", "t2": "disabled"}
    assert [task["paused"] for task in result["tasks"]] == [True, True]
    assert server.task_writes() == [] and states(server) == {"t1": "active", "t2": "disabled"}


def test_resume_with_an_owner_reads_each_task_of_that_owner(monkeypatch):
    server = portal_with(scheduled_task("t1", active=False), scheduled_task("t2", active=False, state="stopped"),
                         scheduled_task("t3"))
    result = run_task(monkeypatch, server, owner="j_doe", task_id=["t1", "t2", "t3"], state="enabled")
    assert (result["changed_task_ids"], result["unchanged_task_ids"]) == (["t1", "t2"], ["t3"])
    assert states(server) == {"t1": "active", "t2": "active", "t3": "active"}
    assert not any(path.endswith("allScheduledTasks") for path in server.sharing_paths())


def test_an_unknown_task_fails_before_anything_changes(monkeypatch):
    server = portal_with(scheduled_task("t1"))
    result = run_task(monkeypatch, server, task_id=["t1", "t9"], state="disabled")
    assert result["failed"] is True
    assert result["msg"] == ("Portal %s: no scheduled notebook task t9 in this Portal; nothing was changed. Set "
                             "missing=ignore to change the others anyway" % PORTAL)
    assert server.task_writes() == []


def test_missing_ignore_changes_the_others(monkeypatch):
    server = portal_with(scheduled_task("t1"))
    result = run_task(monkeypatch, server, owner="j_doe", task_id=["t9", "t1"], state="disabled", missing="ignore")
    assert result["changed_task_ids"] == ["t1"] and result["missing_task_ids"] == ["t9"]


def test_a_failed_pause_resumes_the_others_and_fails(monkeypatch):
    server = portal_with(scheduled_task("t1"), scheduled_task("t2"), scheduled_task("t3"))
    server.task_faults["t2/disable"] = [500]
    result = run_task(monkeypatch, server, task_id=["t1", "t2", "t3"], state="disabled")
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"] == ("Portal %s: could not pause scheduled task t2 (t2: the server reported an error (code 500): "
                             "Unable to disable the task); the 1 task this task had paused was resumed again (t1), so "
                             "nothing is left paused" % PORTAL)
    assert (result["changed_task_ids"], result["undone_task_ids"], result["failed_task_ids"]) == ([], ["t1"], ["t2"])
    assert states(server) == {"t1": "active", "t2": "active", "t3": "active"}


def test_a_failed_resume_names_the_task_left_paused(monkeypatch):
    server = portal_with(scheduled_task("t1", active=False), scheduled_task("t2", active=False))
    server.task_faults["t1/enable"] = [500]
    result = run_task(monkeypatch, server, task_id=["t1", "t2"], state="enabled")
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"].startswith("Portal %s: could not resume 1 scheduled task (t1: " % PORTAL)
    assert (result["changed_task_ids"], result["failed_task_ids"]) == (["t2"], ["t1"])


def test_bad_options_fail_before_any_request(monkeypatch):
    server = portal_with(scheduled_task("t1"))
    result = run_task(monkeypatch, server, task_id=[" "], state="disabled")
    assert result["failed"] is True and "task_id must be a non-empty string" in result["msg"]
    assert server.calls == []
