# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Busy or quiet: every kernel state, both date formats, the notebook-kernel join (sure and unsure), unread kernels."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.listing import (
    ContainerSessions,
    InteractiveListing,
    NotebookPages,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.model import (
    JOIN_CONTAINER,
    JOIN_PATH,
    KERNELS_NOT_READ,
    activity_ms,
    annotate_notebook,
    classify,
    describe_notebook,
    kernel_state_is_busy,
    notebook_brief,
    session_item_id,
    summarize,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    NOW_MS,
    container_record,
    iso,
    notebook_record,
    session_record,
)

QUIET_FOR = 600.0
MINUTE_MS = 60000


def _listing(notebooks, containers=None, sessions=None, kernels=True, complete=True):
    containers = containers if containers is not None else [
        container_record(cid, owner) for cid, owner in {(n["containerId"], n["username"]) for n in notebooks}]
    read = {cid: ContainerSessions(cid, list(found)) for cid, found in (sessions or {}).items()}
    pages = NotebookPages(list(notebooks), len(notebooks), complete, 1,
                          None if complete else "the server holds 101 open notebooks and 100 came back")
    return InteractiveListing(pages=pages, containers=containers, sessions=read, kernels_read=kernels)


def _one(state, kernel_ms=NOW_MS - 30 * MINUTE_MS, notebook_ms=NOW_MS - 30 * MINUTE_MS, quiet_for=QUIET_FOR):
    notebook = notebook_record("n1", "alice", "c1", item_id="item1", last_activity_ms=notebook_ms)
    listing = _listing([notebook], sessions={"c1": [session_record("item1.ipynb", state, kernel_ms)]})
    return classify(listing, NOW_MS, quiet_for)


@pytest.mark.parametrize("state, busy", [
    ("idle", False), ("dead", False), ("IDLE", False), (" idle ", False),
    ("busy", True), ("starting", True), ("restarting", True), ("autorestarting", True), ("terminating", True),
    ("something-new", True), ("", True), (None, True), (7, True),
])
def test_every_kernel_state(state, busy):
    assert kernel_state_is_busy(state) is busy
    facts = _one(state)
    notebook, = facts.notebooks
    assert notebook.busy is busy
    assert facts.quiet is (not busy)
    if busy:
        expected = "kernel %s" % state.strip() if isinstance(state, str) and state.strip() else "kernel state unknown"
        assert notebook.reason == expected


def test_a_session_without_a_kernel_is_busy_and_unknown():
    notebook = notebook_record("n1", "alice", "c1", item_id="item1", last_activity_ms=NOW_MS - 3600000)
    facts = classify(_listing([notebook], sessions={"c1": [{"path": "item1.ipynb", "id": "s1"}]}), NOW_MS, QUIET_FOR)
    assert facts.notebooks[0].busy and facts.notebooks[0].reason == "kernel state unknown"
    assert facts.busy_kernels == 1 and not facts.quiet


@pytest.mark.parametrize("value, expected", [
    ("1714550400000", 1714550400000),  # dateLastActivity: epoch ms as a string
    (" 1714550400000 ", 1714550400000),
    (1714550400000, 1714550400000),
    ("1714550400", 1714550400000),  # epoch seconds are not 1970
    ("1714550400000.0", 1714550400000),
    ("2024-05-01T08:00:00.000000Z", 1714550400000),  # kernels' last_activity: ISO-8601
    ("2024-05-01T08:00:00.123Z", 1714550400123),
    ("2024-05-01T08:00:00.123456789Z", 1714550400123),
    ("2024-05-01T08:00:00Z", 1714550400000),
    ("2024-05-01 08:00:00", 1714550400000),
    ("2024-05-01T10:00:00+02:00", 1714550400000),
    ("2024-05-01T03:30:00-0430", 1714550400000),
    ("yesterday", None), ("", None), (None, None), (True, None), ("nan", None), ("-5", None), ([], None),
    ("2024-13-01T08:00:00Z", None),
])
def test_both_date_formats(value, expected):
    assert activity_ms(value) == expected


def test_idle_time_is_from_the_later_of_the_notebook_and_its_kernel():
    facts = _one("idle", kernel_ms=NOW_MS - 20 * MINUTE_MS, notebook_ms=NOW_MS - 90 * MINUTE_MS)
    assert facts.notebooks[0].idle_seconds == 1200.0
    facts = _one("idle", kernel_ms=NOW_MS - 90 * MINUTE_MS, notebook_ms=NOW_MS - 20 * MINUTE_MS)
    assert facts.notebooks[0].idle_seconds == 1200.0 and facts.notebooks[0].last_activity_ms == NOW_MS - 20 * MINUTE_MS


def test_activity_within_quiet_for_is_busy_and_at_quiet_for_it_is_quiet():
    recent = _one("idle", kernel_ms=NOW_MS - 9 * MINUTE_MS, notebook_ms=NOW_MS - 9 * MINUTE_MS)
    assert recent.notebooks[0].busy and recent.notebooks[0].reason == "activity within 10m"
    settled = _one("idle", kernel_ms=NOW_MS - 10 * MINUTE_MS, notebook_ms=NOW_MS - 10 * MINUTE_MS)
    assert not settled.notebooks[0].busy and settled.quiet
    zero = _one("idle", kernel_ms=NOW_MS - 1000, notebook_ms=NOW_MS - 1000, quiet_for=0)
    assert not zero.notebooks[0].busy


def test_unknown_dates_are_never_old():
    notebook = notebook_record("n1", "alice", "c1", item_id="item1")
    notebook["dateLastActivity"] = "not a date"
    session = session_record("item1.ipynb", "idle", None)
    facts = classify(_listing([notebook], sessions={"c1": [session]}), NOW_MS, QUIET_FOR)
    assert facts.notebooks[0].busy and facts.notebooks[0].reason == "last activity unknown"
    assert facts.notebooks[0].idle_seconds is None
    # One readable date is enough.
    session["kernel"]["last_activity"] = iso(NOW_MS - 3600000)
    facts = classify(_listing([notebook], sessions={"c1": [session]}), NOW_MS, QUIET_FOR)
    assert not facts.notebooks[0].busy and facts.notebooks[0].idle_seconds == 3600.0


def test_a_clock_ahead_of_ours_is_activity_now():
    facts = _one("idle", kernel_ms=NOW_MS + 3600000, notebook_ms=NOW_MS + 3600000)
    assert facts.notebooks[0].busy and facts.notebooks[0].idle_seconds == -3600.0


def test_the_join_is_by_the_item_the_session_path_names():
    notebooks = [notebook_record("n1", "alice", "c1", item_id="ItemOne"),
                 notebook_record("n2", "alice", "c1", item_id="itemtwo")]
    sessions = [session_record("work/itemone.ipynb", "busy", kernel_id="k1"),
                session_record("itemtwo.ipynb", "idle", kernel_id="k2")]
    facts = classify(_listing(notebooks, sessions={"c1": sessions}), NOW_MS, QUIET_FOR)
    one, two = facts.notebooks
    assert [k.kernel_id for k in one.kernels] == ["k1"] and one.busy and one.kernels[0].join == JOIN_PATH
    assert [k.kernel_id for k in two.kernels] == ["k2"] and not two.busy
    assert facts.busy_kernels == 1 and len(facts.busy_notebooks) == 1 and not facts.quiet


def test_where_the_join_is_unsure_a_busy_kernel_counts_for_every_notebook_of_its_container():
    notebooks = [notebook_record("n1", "alice", "c1", item_id="item1"),
                 notebook_record("n2", "alice", "c1", item_id="item2"),
                 notebook_record("n3", "bob", "c2", item_id="item3")]
    sessions = {"c1": [session_record("flood_model.ipynb", "busy", kernel_id="k1"),
                       session_record("scratch.ipynb", "idle", kernel_id="k2")],
                "c2": [session_record("item3.ipynb", "idle", kernel_id="k3")]}
    facts = classify(_listing(notebooks, sessions=sessions), NOW_MS, QUIET_FOR)
    one, two, three = facts.notebooks
    for notebook in (one, two):
        assert notebook.busy and notebook.reason == "kernel busy"
        assert [(k.kernel_id, k.join) for k in notebook.kernels] == [("k1", JOIN_CONTAINER), ("k2", JOIN_CONTAINER)]
    assert not three.busy
    assert facts.busy_kernels == 1  # one kernel, counted once, whoever it is attributed to
    assert summarize(facts)["busy_by_owner"] == {"alice": 2}


def test_a_busy_kernel_in_a_container_without_a_listed_notebook_is_never_dropped():
    containers = [container_record("c9", "scheduler", type="executeNotebook")]
    facts = classify(_listing([], containers=containers, sessions={"c9": [session_record("run.ipynb", "busy")]}),
                     NOW_MS, QUIET_FOR)
    assert facts.complete and not facts.notebooks and not facts.quiet
    (container, kernel), = facts.unattributed
    assert container.container_id == "c9" and kernel.busy
    assert summarize(facts)["busy_kernels"] == 1 and summarize(facts)["quiet"] is False


def test_a_container_whose_sessions_read_failed_makes_its_notebooks_busy_and_the_listing_incomplete():
    notebooks = [notebook_record("n1", "alice", "c1", last_activity_ms=NOW_MS - 86400000),
                 notebook_record("n2", "bob", "c2", item_id="item2", last_activity_ms=NOW_MS - 86400000)]
    listing = _listing(notebooks, sessions={"c2": [session_record("item2.ipynb", "idle", NOW_MS - 86400000)]})
    listing.sessions["c1"] = ContainerSessions("c1", error="the server reported an error (code 503): unavailable")
    facts = classify(listing, NOW_MS, QUIET_FOR)
    alice, bob = facts.notebooks
    assert alice.busy and not alice.kernels_known and alice.idle_seconds == 86400.0
    assert alice.reason == "the kernels of container c1 could not be read: the server reported an error (code 503): " \
                           "unavailable"
    assert describe_notebook(alice) == "alice: kernel state unknown, last activity 1d ago"
    assert not bob.busy
    assert not facts.complete and not facts.quiet and facts.incomplete_reasons == (alice.reason,)


def test_a_container_gone_between_two_reads():
    notebooks = [notebook_record("n1", "alice", "c1")]
    listing = _listing(notebooks, containers=[container_record("c1", "alice"), container_record("c2", "bob")])
    listing.sessions["c1"] = ContainerSessions("c1", error="Container 'c1' does not exist.", gone=True)
    listing.sessions["c2"] = ContainerSessions("c2", error="Container 'c2' does not exist.", gone=True)
    facts = classify(listing, NOW_MS, QUIET_FOR)
    # Its notebook may have gone with it, or not: unknown is busy. An empty container that went is nobody's work.
    assert facts.notebooks[0].busy and facts.notebooks[0].reason == "container c1 went while it was read"
    assert facts.incomplete_reasons == ("container c1 went while it was read",)


def test_without_kernels_nothing_is_known_to_be_idle():
    notebook = notebook_record("n1", "alice", "c1", last_activity_ms=NOW_MS - 86400000)
    facts = classify(_listing([notebook], kernels=False), NOW_MS, QUIET_FOR)
    assert facts.notebooks[0].busy and facts.notebooks[0].reason == "kernels not read (kernels=false)"
    assert facts.incomplete_reasons == (KERNELS_NOT_READ,) and not facts.quiet


def test_an_incomplete_listing_is_never_quiet():
    notebook = notebook_record("n1", "alice", "c1", item_id="item1", last_activity_ms=NOW_MS - 86400000)
    listing = _listing([notebook], sessions={"c1": [session_record("item1.ipynb", "idle", NOW_MS - 86400000)]},
                       complete=False)
    facts = classify(listing, NOW_MS, QUIET_FOR)
    assert not facts.busy_notebooks and not facts.complete and not facts.quiet
    assert summarize(facts)["quiet"] is False


def test_owners_narrow_notebooks_and_containers():
    notebooks = [notebook_record("n1", "Alice", "c1", item_id="item1"), notebook_record("n2", "bob", "c2")]
    sessions = {"c1": [session_record("item1.ipynb", "idle")]}
    facts = classify(_listing(notebooks, sessions=sessions), NOW_MS, QUIET_FOR, owners=["alice"])
    assert [n.notebook_id for n in facts.notebooks] == ["n1"] and [c.container_id for c in facts.containers] == ["c1"]
    assert facts.quiet  # bob's unread container is not in scope


def test_computed_fields_never_replace_server_fields_and_the_brief_uses_the_server_names():
    notebook = notebook_record("n1", "alice", "c1", item_id="item1", last_activity_ms=NOW_MS - 3 * MINUTE_MS)
    notebook["busy"] = "server's own"
    facts = classify(_listing([notebook], sessions={"c1": [session_record("item1.ipynb", "busy", NOW_MS - 40000)]}),
                     NOW_MS, QUIET_FOR)
    record = annotate_notebook(facts.notebooks[0])
    assert record["busy"] == "server's own" and record["idle_seconds"] == 40.0
    assert record["last_activity_iso"] == "2024-05-01T07:59:20Z"
    assert record["kernels"] == [{"id": "k1", "name": "python3", "execution_state": "busy",
                                  "last_activity_iso": "2024-05-01T07:59:20Z", "connections": 1, "join": "path"}]
    brief = notebook_brief(facts.notebooks[0])
    assert brief["id"] == "n1" and brief["username"] == "alice" and brief["containerId"] == "c1"
    assert brief["dateLastActivity"] == str(NOW_MS - 3 * MINUTE_MS) and brief["busy"] is True
    assert describe_notebook(facts.notebooks[0]) == "alice: kernel busy, last activity 40s ago"


def test_summary_counts():
    notebooks = [notebook_record("n1", "alice", "c1", item_id="i1", last_activity_ms=NOW_MS - 5 * MINUTE_MS),
                 notebook_record("n2", "alice", "c1", item_id="i2", last_activity_ms=NOW_MS - 90 * MINUTE_MS),
                 notebook_record("n3", "bob", "c2", item_id="i3", last_activity_ms=NOW_MS - 90 * MINUTE_MS)]
    sessions = {"c1": [session_record("i1.ipynb", "idle", NOW_MS - 5 * MINUTE_MS, "k1"),
                       session_record("i2.ipynb", "idle", NOW_MS - 90 * MINUTE_MS, "k2")],
                "c2": [session_record("i3.ipynb", "restarting", NOW_MS - 2 * MINUTE_MS, "k3")]}
    summary = summarize(classify(_listing(notebooks, sessions=sessions), NOW_MS, QUIET_FOR))
    assert summary == {"open_notebooks": 3, "busy_notebooks": 2, "busy_kernels": 1, "containers": 2, "quiet": False,
                       "last_activity_iso": "2024-05-01T07:58:00Z", "by_owner": {"alice": 2, "bob": 1},
                       "busy_by_owner": {"alice": 1, "bob": 1}}


@pytest.mark.parametrize("path, item", [
    ("abc.ipynb", "abc"), ("Work/ABC.ipynb", "abc"), ("a\\b\\abc.IPYNB", "abc"), ("abc", "abc"), ("", None),
    (None, None),
])
def test_session_paths(path, item):
    assert session_item_id({"path": path}) == item
