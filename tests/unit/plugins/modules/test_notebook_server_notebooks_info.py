# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The notebook_server_notebooks_info module: result shape, warnings for what went unread, options, check mode."""

from __future__ import annotations

import json

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.modules import notebook_server_notebooks_info
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.modules.module_runner import run_module_main
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    HOUR_MS,
    NOW_MS,
    PASSWORD,
    SITE,
    USERNAME,
    Reply,
)


@pytest.fixture
def server(fake_server):
    fake_server.open_notebook("n1", "alice", "busy", NOW_MS - 40000)
    fake_server.open_notebook("n2", "alice", "idle", NOW_MS - 3 * HOUR_MS)
    fake_server.open_notebook("n3", "bob", "idle", NOW_MS - 5 * 60000)
    fake_server.open_notebook("n4", "carol", "idle", NOW_MS - 3 * HOUR_MS)
    return fake_server


def _run(monkeypatch, **extra):
    args = {"url": SITE, "username": USERNAME, "password": PASSWORD}
    args.update(extra)
    return run_module_main(monkeypatch, notebook_server_notebooks_info.main, args)


def test_notebooks_containers_and_summary(monkeypatch, server):
    result, warnings = _run(monkeypatch)
    assert result["failed"] is False and result["changed"] is False and warnings == []
    assert result["server"] == SITE and result["complete"] is True and result["total"] == 4
    assert result["incomplete_reasons"] == []
    busy = {n["id"]: (n["busy"], n["busy_reason"]) for n in result["notebooks"]}
    assert busy == {"n1": (True, "kernel busy"), "n2": (False, None), "n3": (True, "activity within 10m"),
                    "n4": (False, None)}
    first = result["notebooks"][0]
    # Idle time on the server's clock: its Date header, moved on by the (tiny) time since the answer.
    assert first["dateLastActivity"] == str(NOW_MS - 40000) and first["idle_seconds"] == pytest.approx(40.0, abs=0.5)
    assert first["kernels"][0]["execution_state"] == "busy" and first["kernels"][0]["join"] == "path"
    assert [(c["id"], c["notebook_count"], c["busy_kernels"], c["sessions_read"]) for c in result["containers"]] == [
        ("c-alice", 2, 1, True), ("c-bob", 1, 0, True), ("c-carol", 1, 0, True)]
    assert result["summary"] == {"open_notebooks": 4, "busy_notebooks": 2, "busy_kernels": 1, "containers": 3,
                                 "quiet": False, "last_activity_iso": "2024-05-01T07:59:20Z",
                                 "by_owner": {"alice": 2, "bob": 1, "carol": 1}, "busy_by_owner": {"alice": 1, "bob": 1}}
    assert PASSWORD not in json.dumps(result)


def test_quiet_for_changes_what_is_busy(monkeypatch, server):
    result = _run(monkeypatch, quiet_for="2m")[0]
    assert [n["id"] for n in result["notebooks"] if n["busy"]] == ["n1"]
    result = _run(monkeypatch, quiet_for="4h")[0]
    assert [n["id"] for n in result["notebooks"] if n["busy"]] == ["n1", "n2", "n3", "n4"]


def test_owner_filter(monkeypatch, server):
    result = _run(monkeypatch, owner=["BOB", "carol"])[0]
    assert [n["id"] for n in result["notebooks"]] == ["n3", "n4"]
    assert [c["id"] for c in result["containers"]] == ["c-bob", "c-carol"]
    assert result["total"] == 4 and result["complete"] is True
    assert [p for p in server.paths() if p.endswith("/sessions")] == [
        "system/containers/c-bob/sessions", "system/containers/c-carol/sessions"]


def test_a_failed_sessions_read_warns_and_is_never_quiet(monkeypatch, server):
    server.script("admin/system/containers/c-carol/sessions", *[Reply(503, "<html>down</html>",
                                                                      {"Content-Type": "text/html"})] * 2)
    result, warnings = _run(monkeypatch, owner=["carol"], retries=1)
    assert result["failed"] is False and result["complete"] is False and result["summary"]["quiet"] is False
    notebook, = result["notebooks"]
    assert notebook["busy"] is True and notebook["kernels"] == []
    assert notebook["busy_reason"].startswith("the kernels of container c-carol could not be read: ")
    assert result["containers"][0]["sessions_read"] is False and result["containers"][0]["sessions_error"]
    assert any("complete and summary.quiet are false" in w and "c-carol" in w for w in warnings)


def test_kernels_false_reads_no_session_and_says_nothing_is_known_idle(monkeypatch, server):
    result, warnings = _run(monkeypatch, kernels=False)
    assert server.paths() == ["notebooks", "system/containers"]
    assert result["complete"] is False and all(n["busy"] for n in result["notebooks"]) and warnings == []
    assert result["incomplete_reasons"] == ["the kernels were not read (kernels=false), so none is known to be idle"]


def test_check_mode_reads_for_real(monkeypatch, server):
    result = _run(monkeypatch, _ansible_check_mode=True)[0]
    assert result["failed"] is False and len(result["notebooks"]) == 4
    assert server.writes() == []


def test_bad_quiet_for_is_a_clear_error_before_any_request(monkeypatch, server):
    result = _run(monkeypatch, quiet_for="soon")[0]
    assert result["failed"] is True and result["msg"].startswith("quiet_for: 'soon' is not a duration")
    assert server.calls == []


def test_a_non_administrator_is_told_so(monkeypatch, server):
    server.admin = False
    result = _run(monkeypatch)[0]
    assert result["failed"] is True and "You do not have permissions" in result["msg"]
