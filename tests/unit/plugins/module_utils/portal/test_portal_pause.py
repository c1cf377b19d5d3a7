# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pausing and resuming scheduled tasks: each write read back, never repeated blindly, a failed pause undone."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    ServerError,
    WriteOutcomeUnknownError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.client import open_portal_client
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.pause import (
    pause_tasks,
    resume_tasks,
    set_task_active,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    GIVEN_TOKEN,
    PORTAL,
    TIMEOUT_AFTER,
    TIMEOUT_BEFORE,
    Reply,
    scheduled_task,
)

TASK_PATH = "community/users/j_doe/tasks/%s"


def portal_client():
    return open_portal_client(OptionAdapter.from_dict({"portal_url": PORTAL, "token": GIVEN_TOKEN, "retries": 1}))


def states(server):
    return {record["id"]: record["taskState"] for record in server.portal_tasks}


def test_a_pause_is_read_back(fake_server):
    fake_server.portal_tasks = [scheduled_task("t1")]
    with portal_client() as client:
        after = set_task_active(client, "j_doe", "t1", False)
    assert (after["active"], after["taskState"]) == (False, "disabled")
    assert fake_server.sharing_paths() == [TASK_PATH % "t1/disable", TASK_PATH % "t1"]
    assert fake_server.calls[0].method == "POST"


def test_a_lost_answer_after_the_pause_is_read_not_repeated(fake_server):
    fake_server.portal_tasks = [scheduled_task("t1")]
    fake_server.fail_next(TASK_PATH % "t1/disable", TIMEOUT_AFTER)
    with portal_client() as client:
        set_task_active(client, "j_doe", "t1", False)
    assert fake_server.task_writes() == ["disable t1"]
    assert states(fake_server) == {"t1": "disabled"}


def test_a_lost_request_is_sent_once_more_after_the_read_shows_it_did_not_happen(fake_server):
    fake_server.portal_tasks = [scheduled_task("t1")]
    fake_server.fail_next(TASK_PATH % "t1/disable", TIMEOUT_BEFORE)
    with portal_client() as client:
        set_task_active(client, "j_doe", "t1", False)
    assert fake_server.task_writes() == ["disable t1", "disable t1"]
    assert states(fake_server) == {"t1": "disabled"}


def test_two_lost_answers_are_an_error_that_says_so(fake_server):
    fake_server.portal_tasks = [scheduled_task("t1")]
    fake_server.fail_next(TASK_PATH % "t1/disable", TIMEOUT_BEFORE, TIMEOUT_BEFORE)
    with portal_client() as client, pytest.raises(WriteOutcomeUnknownError, match="Read the current state"):
        set_task_active(client, "j_doe", "t1", False)
    assert fake_server.task_writes() == ["disable t1", "disable t1"]


def test_a_portal_that_says_success_false_is_believed(fake_server):
    fake_server.portal_tasks = [scheduled_task("t1")]
    fake_server.script("/portal/sharing/rest/" + TASK_PATH % "t1/disable", Reply(200, {"success": False}))
    with portal_client() as client, pytest.raises(ServerError, match="did not disable scheduled task t1"):
        set_task_active(client, "j_doe", "t1", False)


def test_an_accepted_pause_that_did_not_happen_is_an_error(fake_server):
    fake_server.portal_tasks = [scheduled_task("t1")]
    fake_server.script("/portal/sharing/rest/" + TASK_PATH % "t1/disable", Reply(200, {"success": True}))
    with portal_client() as client, pytest.raises(ServerError, match="t1 is active after the Portal accepted disable"):
        set_task_active(client, "j_doe", "t1", False)


def test_pause_only_the_active_tasks(fake_server):
    fake_server.portal_tasks = [scheduled_task("t1"), scheduled_task("t2", active=False),
                                scheduled_task("t3", active=False, state="stopped"), scheduled_task("t4")]
    with portal_client() as client:
        outcome = pause_tasks(client, [dict(record) for record in fake_server.portal_tasks])
    assert (outcome.changed, outcome.unchanged, outcome.error) == (["t1", "t4"], ["t2", "t3"], None)
    assert fake_server.task_writes() == ["disable t1", "disable t4"]
    assert states(fake_server) == {"t1": "disabled", "t2": "disabled", "t3": "stopped", "t4": "disabled"}


def test_a_pause_that_fails_half_way_resumes_the_ones_already_paused(fake_server):
    fake_server.portal_tasks = [scheduled_task("t1"), scheduled_task("t2"), scheduled_task("t3"),
                                scheduled_task("t4")]
    fake_server.task_faults["t3/disable"] = [500]
    with portal_client() as client:
        outcome = pause_tasks(client, [dict(record) for record in fake_server.portal_tasks])
    assert fake_server.task_writes() == ["disable t1", "disable t2", "disable t3", "enable t2", "enable t1"]
    assert states(fake_server) == {"t1": "active", "t2": "active", "t3": "active", "t4": "active"}
    assert (outcome.changed, outcome.undone, outcome.failed_task_ids) == ([], ["t1", "t2"], ["t3"])
    assert isinstance(outcome.error, ServerError)
    assert outcome.errors == ["t3: the server reported an error (code 500): Unable to disable the task"]


def test_when_undoing_fails_too_the_outcome_names_the_tasks_left_paused(fake_server):
    fake_server.portal_tasks = [scheduled_task("t1"), scheduled_task("t2"), scheduled_task("t3")]
    fake_server.task_faults.update({"t3/disable": [403], "t1/enable": [500]})
    with portal_client() as client:
        outcome = pause_tasks(client, [dict(record) for record in fake_server.portal_tasks])
    assert states(fake_server) == {"t1": "disabled", "t2": "active", "t3": "active"}
    assert (outcome.changed, outcome.undone, outcome.failed_task_ids) == (["t1"], ["t2"], ["t3"])
    assert outcome.errors[1].startswith("t1 (resuming it again): ")


def test_resume_tries_every_task_and_names_the_failures(fake_server):
    fake_server.portal_tasks = [scheduled_task("t1", active=False), scheduled_task("t2", active=False),
                                scheduled_task("t3", active=False, state="stopped"), scheduled_task("t4")]
    fake_server.task_faults["t2/enable"] = [500]
    with portal_client() as client:
        outcome = resume_tasks(client, [dict(record) for record in fake_server.portal_tasks])
    assert fake_server.task_writes() == ["enable t1", "enable t2", "enable t3"]
    assert (outcome.changed, outcome.unchanged, outcome.failed_task_ids) == (["t1", "t3"], ["t4"], ["t2"])
    assert states(fake_server) == {"t1": "active", "t2": "disabled", "t3": "active", "t4": "active"}
