# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the interactive work: every page past 100, one containers request, one sessions request per container."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    BadResponseError,
    ServerError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.listing import (
    list_notebooks,
    read_interactive,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    Reply,
    make_client,
    notebook_record,
)


def _open(server, count, owners=("alice", "bob", "carol")):
    for index in range(count):
        server.open_notebook("n%04d" % index, owners[index % len(owners)])


def test_pages_past_100_until_total_is_read(fake_server):
    _open(fake_server, 250)
    pages = list_notebooks(make_client(fake_server))
    assert [r["id"] for r in pages.records] == fake_server.notebook_ids()
    assert (pages.total, pages.complete, pages.requests) == (250, True, 3)
    calls = fake_server.calls_to("/admin/notebooks")
    assert [(c.form["start"], c.form["num"], c.form["f"]) for c in calls] == [
        ("1", "100", "json"), ("100", "100", "json"), ("199", "100", "json")]  # one place early: see the next test


def test_exactly_one_page(fake_server):
    _open(fake_server, 100)
    pages = list_notebooks(make_client(fake_server))
    assert (len(pages.records), pages.complete, pages.requests) == (100, True, 1)


def test_no_notebooks(fake_server):
    pages = list_notebooks(make_client(fake_server))
    assert (pages.records, pages.total, pages.complete, pages.requests) == ([], 0, True, 1)


def test_next_start_is_followed(fake_server):
    _open(fake_server, 150)
    fake_server.next_start = True
    pages = list_notebooks(make_client(fake_server))
    assert pages.complete and pages.requests == 2 and len(pages.records) == 150


def test_a_server_that_pages_by_ten_is_still_read_whole(fake_server):
    _open(fake_server, 25)
    original = fake_server.answer

    def ten(call):
        reply = original(call)
        reply.body["notebooks"] = reply.body["notebooks"][:10]
        return reply

    fake_server.script("admin/notebooks", *[ten] * 5)
    pages = list_notebooks(make_client(fake_server))
    assert pages.complete and pages.requests == 3 and len(pages.records) == 25


def test_a_total_that_changes_between_pages_is_incomplete(fake_server):
    _open(fake_server, 150)

    def closing_one(call):
        if call.form["start"] == "100":
            fake_server.notebooks.pop(0)  # one closed meanwhile: every later notebook moved up a place
        return fake_server.answer(call)

    fake_server.script("admin/notebooks", closing_one, closing_one)
    pages = list_notebooks(make_client(fake_server))
    assert not pages.complete
    assert pages.incomplete_reason == "the notebooks changed while they were read (a total of 150, then 149)"


def test_one_closed_and_one_opened_between_pages_is_incomplete(fake_server):
    # The total stays 150, yet every notebook after the first moved up a place: the 101st would go unread.
    _open(fake_server, 150)
    late = fake_server.notebooks[-1]

    def swapping(call):
        if call.form["start"] != "1" and fake_server.notebooks[0] is not late:
            fake_server.notebooks.pop(0)
            fake_server.notebooks.append(dict(late, id="f" * 32))
        return fake_server.answer(call)

    fake_server.script("admin/notebooks", swapping, swapping)
    pages = list_notebooks(make_client(fake_server))
    assert pages.total == 150 and not pages.complete
    assert pages.incomplete_reason.startswith("the notebooks changed while they were read (the page from start=100 "
                                              "did not begin with ")


def test_a_server_that_sends_one_notebook_a_page_is_read_whole_but_said_incomplete(fake_server):
    _open(fake_server, 3)
    original = fake_server.answer

    def one(call):
        reply = original(call)
        reply.body["notebooks"] = reply.body["notebooks"][:1]
        return reply

    fake_server.script("admin/notebooks", *[one] * 5)
    pages = list_notebooks(make_client(fake_server))
    assert [r["id"] for r in pages.records] == fake_server.notebook_ids() and pages.requests == 3
    assert not pages.complete and "holds one notebook" in pages.incomplete_reason


def test_a_server_that_ignores_start_does_not_loop(fake_server):
    _open(fake_server, 150)
    original = fake_server.answer

    def first_page(call):
        call.form["start"] = "1"
        return original(call)

    fake_server.script("admin/notebooks", *[first_page] * 10)
    pages = list_notebooks(make_client(fake_server))
    assert not pages.complete and pages.requests == 2
    assert pages.incomplete_reason == "the page from start=100 held only notebooks already read"


@pytest.mark.parametrize("total, reason", [
    (None, "the notebooks answer has no usable total (none sent), so the list is not known to be complete"),
    ("many", "the notebooks answer has no usable total (got 'many'), so the list is not known to be complete"),
])
def test_without_a_usable_total_never_complete(fake_server, total, reason):
    _open(fake_server, 3)
    body = {"start": 1, "num": 100, "notebooks": [dict(r) for r in fake_server.notebooks]}
    if total is not None:
        body["total"] = total
    fake_server.script("admin/notebooks", Reply(200, body), Reply(200, dict(body, notebooks=[])))
    pages = list_notebooks(make_client(fake_server))
    assert not pages.complete and pages.incomplete_reason == reason and len(pages.records) == 3


def test_items_that_are_not_records_make_the_list_incomplete(fake_server):
    body = {"total": 2, "start": 1, "num": 100, "notebooks": [notebook_record("n1"), "n2"]}
    fake_server.script("admin/notebooks", Reply(200, body))
    pages = list_notebooks(make_client(fake_server))
    assert not pages.complete and pages.incomplete_reason == "1 item of the notebooks list is not a notebook record"


def test_fewer_than_total_is_incomplete(fake_server):
    body = {"total": 5, "start": 1, "num": 100, "notebooks": [notebook_record("n1")], "nextStart": -1}
    fake_server.script("admin/notebooks", Reply(200, body))
    pages = list_notebooks(make_client(fake_server))
    assert not pages.complete and pages.incomplete_reason == "the server holds 5 open notebooks and 1 came back"


def test_an_answer_without_a_notebooks_list_is_an_error(fake_server):
    fake_server.script("admin/notebooks", Reply(200, {"total": 0}))
    with pytest.raises(BadResponseError, match="no notebooks list"):
        list_notebooks(make_client(fake_server))


def test_requests_are_the_pages_one_containers_request_and_one_sessions_request_per_container(fake_server):
    _open(fake_server, 120)
    listing = read_interactive(make_client(fake_server))
    paths = fake_server.paths()
    assert paths == ["notebooks", "notebooks", "system/containers", "system/containers/c-alice/sessions",
                     "system/containers/c-bob/sessions", "system/containers/c-carol/sessions"]
    assert listing.requests == len(paths) + 1  # and one token
    assert all(s.read for s in listing.sessions.values())


def test_owners_read_only_their_containers_sessions(fake_server):
    _open(fake_server, 6)
    read_interactive(make_client(fake_server), owners=["BOB"])
    assert [p for p in fake_server.paths() if p.endswith("sessions")] == ["system/containers/c-bob/sessions"]


def test_without_kernels_no_sessions_are_read(fake_server):
    _open(fake_server, 6)
    listing = read_interactive(make_client(fake_server), kernels=False)
    assert fake_server.paths() == ["notebooks", "system/containers"] and not listing.kernels_read


def test_a_notebook_in_a_container_the_list_did_not_hold_gets_its_kernels_read(fake_server):
    fake_server.open_notebook("n1", "alice")
    fake_server.containers = []  # the notebook opened in a new container after the containers were listed
    listing = read_interactive(make_client(fake_server))
    assert listing.sessions["c-alice"].read


def test_a_failed_sessions_read_is_recorded_or_raised_when_strict(fake_server):
    _open(fake_server, 2, owners=("alice", "bob"))
    fake_server.script("admin/system/containers/c-alice/sessions", Reply(200, {"error": {"code": 500, "message": "boom"}}))
    listing = read_interactive(make_client(fake_server, retries=0))
    assert not listing.sessions["c-alice"].read and "boom" in listing.sessions["c-alice"].error
    assert listing.sessions["c-bob"].read
    fake_server.script("admin/system/containers/c-alice/sessions", Reply(200, {"error": {"code": 500, "message": "boom"}}))
    with pytest.raises(ServerError, match="boom"):
        read_interactive(make_client(fake_server, retries=0), strict=True)


def test_a_container_the_site_says_is_gone_is_recorded_even_when_strict(fake_server):
    fake_server.open_notebook("n1", "alice")
    listed = {"containers": [dict(c) for c in fake_server.containers] + [{"id": "c-gone", "username": "dan"}]}
    fake_server.script("admin/system/containers", Reply(200, listed))
    fake_server.sessions.clear()
    fake_server.containers.clear()  # both went after the containers list was sent
    listing = read_interactive(make_client(fake_server), strict=True)
    assert listing.sessions["c-gone"].gone and listing.sessions["c-alice"].gone


def test_a_containers_list_with_odd_items_is_said_to_be_partial(fake_server):
    fake_server.containers = ["c1", {"username": "alice"}]
    listing = read_interactive(make_client(fake_server))
    assert listing.containers_reason == "2 items of the containers list are no container record with an id, so " \
                                        "their kernels cannot be read"
