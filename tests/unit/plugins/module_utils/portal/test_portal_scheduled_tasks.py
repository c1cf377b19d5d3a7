# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scheduled tasks in the Portal: every page read or the list said incomplete, what a record means, one task."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    BadResponseError,
    NotFoundError,
    OptionError,
    PermissionDeniedError,
    ScheduledTaskNotFoundError,
    ServerError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.client import open_portal_client
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.pages import read_pages
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.scheduled_tasks import (
    TasksQuery,
    annotate,
    find_tasks,
    is_active,
    is_paused,
    is_stopped,
    list_tasks,
    read_task,
    summarize,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    PASSWORD,
    PORTAL,
    PORTAL_ID,
    USERNAME,
    Reply,
    scheduled_task,
)

ALL_TASKS = "portals/%s/allScheduledTasks" % PORTAL_ID
ALL_TASKS_URL_PATH = "/portal/sharing/rest/" + ALL_TASKS


def portal_client(**options):
    values = {"portal_url": PORTAL + "/sharing/rest", "username": USERNAME, "password": PASSWORD, "retries": 1}
    values.update(options)
    return open_portal_client(OptionAdapter.from_dict(values))


def tasks(count, **extra):
    return [scheduled_task("t%02d" % index, **extra) for index in range(count)]


def page(records, total, start=1, next_start=-1, **extra):
    body = {"total": total, "start": start, "num": len(records), "nextStart": next_start, "tasks": records}
    body.update(extra)
    return Reply(200, body)


# -- pages --------------------------------------------------------------------------------------------------

def test_every_page_is_read_when_the_portal_caps_a_page(fake_server):
    fake_server.portal_tasks = tasks(25)
    fake_server.page_cap = 10
    with portal_client() as client:
        listing = read_pages(client, ALL_TASKS, "tasks")
    assert [record["id"] for record in listing.records] == ["t%02d" % index for index in range(25)]
    assert (listing.complete, listing.total, listing.requests, listing.incomplete_reason) == (True, 25, 3, None)
    pages = [call for call in fake_server.calls if call.sharing_path == ALL_TASKS]
    # Each page after the first starts on the last task read, to see whether the list shifted meanwhile.
    assert [(call.field("start"), call.field("num")) for call in pages] == [("1", "100"), ("10", "100"), ("19", "100")]


def test_one_page_when_the_portal_sends_everything(fake_server):
    fake_server.portal_tasks = tasks(25)
    with portal_client() as client:
        listing = read_pages(client, ALL_TASKS, "tasks")
    assert listing.complete and listing.requests == 1 and len(listing.records) == 25


@pytest.mark.parametrize("replies, reason", [
    # No usable total: the pages are read, but the list is not known to be whole.
    ([page(tasks(2), None)], "no usable total (none sent)"),
    ([Reply(200, {"tasks": tasks(2), "nextStart": -1})], "no usable total (none sent)"),
    ([page(tasks(2), "many")], "no usable total (got 'many')"),
    # The last page says so, but fewer came than the Portal counts.
    ([page(tasks(2), 3)], "the Portal counts 3 and 2 came back"),
    # A nextStart that goes back (or is not a number) would loop: the rest is unread.
    ([page(tasks(2), 4, next_start=1)], "no usable nextStart"),
    ([page(tasks(2), 4, next_start="later")], "no usable nextStart"),
    # An empty page that says more follow.
    ([page([], 4, next_start=3)], "is empty but says more follow"),
    # Items that are not records.
    ([page(tasks(2) + ["t99", None], 4)], "2 items of the list are not a record"),
    # The list changed between pages.
    ([page(tasks(2), 3, next_start=3), page([scheduled_task("t02")], 4, start=3)], "changed while it was read"),
])
def test_anything_unread_makes_the_list_incomplete(fake_server, replies, reason):
    fake_server.script(ALL_TASKS_URL_PATH, *replies)
    with portal_client() as client:
        listing = read_pages(client, ALL_TASKS, "tasks")
    assert listing.complete is False
    assert reason in listing.incomplete_reason


def test_without_next_start_the_total_says_whether_more_follow(fake_server):
    first = Reply(200, {"total": 3, "tasks": tasks(2)})
    second = Reply(200, {"total": 3, "tasks": [scheduled_task("t01"), scheduled_task("t02")]})
    fake_server.script(ALL_TASKS_URL_PATH, first, second)
    with portal_client() as client:
        listing = read_pages(client, ALL_TASKS, "tasks")
    assert listing.complete and listing.requests == 2
    assert [call.field("start") for call in fake_server.calls if call.sharing_path == ALL_TASKS] == ["1", "2"]


def test_a_record_met_twice_is_kept_once(fake_server):
    # A task created while the list is read moves the others one place on: the page boundary repeats one.
    fake_server.script(ALL_TASKS_URL_PATH, page(tasks(2), 3, next_start=3),
                       page([scheduled_task("t01"), scheduled_task("t02")], 3, start=3))
    with portal_client() as client:
        listing = read_pages(client, ALL_TASKS, "tasks")
    assert [record["id"] for record in listing.records] == ["t00", "t01", "t02"]
    assert listing.complete


def test_one_task_gone_and_one_come_between_pages_is_incomplete(fake_server):
    # The total stays 25, yet every task after the first moved up a place: the 11th would go unread.
    fake_server.portal_tasks = tasks(25)
    fake_server.page_cap = 10
    original = fake_server.answer

    def swapping(call):
        if call.field("start") != "1" and fake_server.portal_tasks[0]["id"] == "t00":
            fake_server.portal_tasks.pop(0)
            fake_server.portal_tasks.append(scheduled_task("t99"))
        return original(call)

    fake_server.script(ALL_TASKS_URL_PATH, swapping, swapping, swapping)
    with portal_client() as client:
        listing = read_pages(client, ALL_TASKS, "tasks")
    assert listing.total == 25 and listing.complete is False
    assert "changed while it was read (the page at start=10 did not begin with t09" in listing.incomplete_reason


def test_a_portal_that_sends_one_task_a_page_cannot_show_a_shift_and_is_incomplete(fake_server):
    fake_server.portal_tasks = tasks(3)
    fake_server.page_cap = 1
    with portal_client() as client:
        listing = read_pages(client, ALL_TASKS, "tasks")
    assert [record["id"] for record in listing.records] == ["t00", "t01", "t02"] and listing.requests == 3
    assert not listing.complete and "holds one record" in listing.incomplete_reason


def test_a_list_longer_than_the_page_limit_is_incomplete(fake_server):
    fake_server.portal_tasks = tasks(5)
    fake_server.page_cap = 2
    with portal_client() as client:
        listing = read_pages(client, ALL_TASKS, "tasks", max_pages=3)
    assert listing.requests == 3 and not listing.complete
    assert "longer than 3 pages" in listing.incomplete_reason


def test_an_answer_without_the_list_is_a_bad_answer(fake_server):
    fake_server.script(ALL_TASKS_URL_PATH, Reply(200, {"total": 1}))
    with portal_client() as client, pytest.raises(BadResponseError, match="has no tasks list"):
        read_pages(client, ALL_TASKS, "tasks")


# -- what a record means ------------------------------------------------------------------------------------

@pytest.mark.parametrize("fields, active, paused, stopped", [
    ({"active": True, "taskState": "active"}, True, False, False),
    ({"active": False, "taskState": "disabled"}, False, True, False),
    ({"active": False, "taskState": "stopped"}, False, False, True),
    ({"active": False, "taskState": "completed"}, False, False, False),
    # A Portal without taskState: not active means paused (it cannot be told from stopped).
    ({"active": False, "taskState": None}, False, True, False),
    ({"active": "false", "taskState": None}, False, True, False),
    # No usable active: the state decides, and an unknown or missing state may run.
    ({"active": None, "taskState": "disabled"}, False, True, False),
    ({"active": None, "taskState": "scheduled"}, True, False, False),
    ({"active": None, "taskState": None}, True, False, False),
    ({"active": "yes", "taskState": None}, True, False, False),
])
def test_what_a_record_means(fields, active, paused, stopped):
    record = scheduled_task("t1")
    for key, value in fields.items():
        if value is None:
            record.pop(key)
        else:
            record[key] = value
    assert (is_active(record), is_paused(record), is_stopped(record)) == (active, paused, stopped)
    assert annotate(record)["paused"] is paused
    assert "paused" not in record


def test_summary_never_says_none_active_for_a_partial_list():
    records = [scheduled_task("t1", active=False), scheduled_task("t2", active=False, state="stopped"),
               scheduled_task("t3", active=False, state="completed")]
    assert summarize(records, True) == {"count": 3, "active": 0, "paused": 1, "stopped": 1, "active_task_ids": [],
                                        "none_active": True}
    assert summarize(records, False)["none_active"] is False
    busy = summarize(records + [scheduled_task("t4")], True)
    assert (busy["active"], busy["active_task_ids"], busy["none_active"]) == (1, ["t4"], False)


def test_query_options_are_validated():
    assert TasksQuery.from_options({"owner": " j_doe ", "active": False}.get) == TasksQuery("j_doe", False, None)
    with pytest.raises(OptionError, match="active must be true or false"):
        TasksQuery.from_options({"active": "yes"}.get)
    with pytest.raises(OptionError, match="owner must be a non-empty string"):
        TasksQuery.from_options({"owner": "  "}.get)


# -- listing and reading ------------------------------------------------------------------------------------

def test_the_organisation_list_is_addressed_by_the_portal_id_with_the_filters(fake_server):
    fake_server.portal_tasks = [scheduled_task("t1"), scheduled_task("t2", owner="nbuser", active=False),
                                scheduled_task("t3", task_type="UpdateInsightsWorkbook")]
    with portal_client() as client:
        listing = list_tasks(client, TasksQuery(active=True))
    assert [record["id"] for record in listing.records] == ["t1"]
    assert fake_server.sharing_paths() == ["portals/self", ALL_TASKS]
    listed = fake_server.calls[-1]
    assert (listed.field("types"), listed.field("active"), listed.field("itemId")) == ("ExecuteNotebook", "true", None)


def test_an_owner_reads_that_user_list(fake_server):
    fake_server.portal_tasks = [scheduled_task("t1"), scheduled_task("t2", owner="nbuser")]
    fake_server.portal_admin = False  # the owner's list needs no administrator
    with portal_client() as client:
        listing = list_tasks(client, TasksQuery(owner="nbuser"))
    assert [record["id"] for record in listing.records] == ["t2"]
    assert fake_server.sharing_paths() == ["community/users/nbuser/tasks"]


def test_the_filters_hold_even_when_the_portal_ignores_them(fake_server):
    ignoring = page([scheduled_task("t1"), scheduled_task("t2", active=False), scheduled_task("t3", owner="nbuser"),
                     scheduled_task("t4", item_id="other"), scheduled_task("t5", task_type="Other")], 5)
    fake_server.script("/portal/sharing/rest/community/users/J_DOE/tasks", ignoring)
    with portal_client() as client:
        listing = list_tasks(client, TasksQuery(owner="J_DOE", active=True, item_id="a1b2c3d4e5f60718293a4b5c6d7e8f90"))
    assert [record["id"] for record in listing.records] == ["t1"]
    assert listing.complete


def test_the_organisation_list_needs_a_portal_administrator(fake_server):
    fake_server.portal_admin = False
    with portal_client() as client, pytest.raises(PermissionDeniedError, match="administrator of this Portal") as failed:
        list_tasks(client)
    assert str(failed.value).startswith("Portal %s:" % PORTAL)


def test_read_one_task_and_tell_a_missing_task_from_a_wrong_address(fake_server):
    fake_server.portal_tasks = [scheduled_task("t1")]
    with portal_client() as client:
        assert read_task(client, "j_doe", "t1")["id"] == "t1"
        with pytest.raises(ScheduledTaskNotFoundError, match="no scheduled task t1 of nbuser"):
            read_task(client, "nbuser", "t1")
        with pytest.raises(ScheduledTaskNotFoundError, match="no scheduled task t9 of j_doe"):
            read_task(client, "j_doe", "t9")
    fake_server.script("/portal/sharing/rest/community/users/j_doe/tasks/t1",
                       Reply(404, "<html><h1>Not Found</h1></html>", {"Content-Type": "text/html"}))
    with portal_client() as client, pytest.raises(NotFoundError) as failed:
        read_task(client, "j_doe", "t1")
    assert not isinstance(failed.value, ScheduledTaskNotFoundError)


def test_ids_are_quoted_into_the_path(fake_server):
    with portal_client() as client, pytest.raises(ScheduledTaskNotFoundError):
        read_task(client, "j/doe", "t1/disable")
    assert fake_server.calls[-1].path.endswith("/community/users/j%2Fdoe/tasks/t1%2Fdisable")


def test_find_tasks_looks_up_the_owners(fake_server):
    fake_server.portal_tasks = [scheduled_task("t1"), scheduled_task("t2", owner="nbuser")]
    with portal_client() as client:
        found, missing = find_tasks(client, ["t2", "t9"])
    assert {task_id: record["userId"] for task_id, record in found.items()} == {"t2": "nbuser"}
    assert missing == ["t9"]


def test_a_task_not_in_an_incomplete_list_is_not_called_missing(fake_server):
    fake_server.script(ALL_TASKS_URL_PATH, page([scheduled_task("t1")], 2))
    with portal_client() as client, pytest.raises(ServerError, match="incomplete .*Give owner"):
        find_tasks(client, ["t9"])
