# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The notebook_server_mode module: read only, idempotence, check mode, diff, errors, the write-timeout rule."""

from __future__ import annotations

from ansible_collections.gisadmin.notebook_server.plugins.modules import notebook_server_mode
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    SITE,
    TIMEOUT_AFTER,
    TIMEOUT_BEFORE,
    GIVEN_TOKEN,
    FakeNotebookServer,
    serve,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.modules.module_runner import run_module


CONNECTION = {"url": SITE + "/admin/", "token": GIVEN_TOKEN}


def run(monkeypatch, server, check_mode=False, diff=False, **args):
    serve(monkeypatch, server)
    return run_module(monkeypatch, notebook_server_mode, dict(CONNECTION, **args), check_mode=check_mode, diff=diff)


def test_without_mode_only_reads(monkeypatch):
    server = FakeNotebookServer(mode="READ_ONLY")
    result = run(monkeypatch, server)
    assert result["failed"] is False
    assert result["changed"] is False
    assert (result["mode_before"], result["mode_after"]) == ("READ_ONLY", "READ_ONLY")
    assert result["server"] == SITE
    assert server.writes() == []


def test_sets_the_mode_when_it_differs(monkeypatch):
    server = FakeNotebookServer(mode="EDITABLE")
    result = run(monkeypatch, server, mode="READ_ONLY")
    assert result["changed"] is True
    assert (result["mode_before"], result["mode_after"]) == ("EDITABLE", "READ_ONLY")
    assert server.mode == "READ_ONLY"
    assert server.writes() == ["mode/update"]


def test_idempotent_when_the_mode_is_already_set(monkeypatch):
    server = FakeNotebookServer(mode="READ_ONLY")
    result = run(monkeypatch, server, mode="READ_ONLY")
    assert result["changed"] is False
    assert server.writes() == []


def test_check_mode_predicts_without_writing(monkeypatch):
    server = FakeNotebookServer(mode="EDITABLE")
    result = run(monkeypatch, server, check_mode=True, mode="READ_ONLY")
    assert result["changed"] is True
    assert result["mode_after"] == "READ_ONLY"
    assert server.mode == "EDITABLE"
    assert server.writes() == []


def test_check_mode_idempotent(monkeypatch):
    result = run(monkeypatch, FakeNotebookServer(mode="EDITABLE"), check_mode=True, mode="EDITABLE")
    assert result["changed"] is False


def test_diff_shows_before_and_after(monkeypatch):
    result = run(monkeypatch, FakeNotebookServer(mode="EDITABLE"), diff=True, mode="READ_ONLY")
    assert result["diff"] == {"before": {"mode": "EDITABLE"}, "after": {"mode": "READ_ONLY"}}


def test_no_diff_without_diff_mode(monkeypatch):
    assert "diff" not in run(monkeypatch, FakeNotebookServer(), mode="READ_ONLY")


def test_write_timeout_is_followed_by_a_read_not_a_blind_repeat(monkeypatch):
    server = FakeNotebookServer(mode="EDITABLE")
    server.fail_next("mode/update", TIMEOUT_AFTER)
    result = run(monkeypatch, server, mode="READ_ONLY")
    assert result["changed"] is True
    assert server.writes() == ["mode/update"]
    assert server.paths() == ["mode", "mode/update", "mode", "mode"]


def test_write_lost_before_the_server_is_repeated_once_after_a_read(monkeypatch):
    server = FakeNotebookServer(mode="EDITABLE")
    server.fail_next("mode/update", TIMEOUT_BEFORE)
    result = run(monkeypatch, server, mode="READ_ONLY")
    assert result["mode_after"] == "READ_ONLY"
    assert server.paths() == ["mode", "mode/update", "mode", "mode/update", "mode"]


def test_permission_denied_fails_with_a_clear_message(monkeypatch):
    result = run(monkeypatch, FakeNotebookServer(admin=False), mode="READ_ONLY")
    assert result["failed"] is True
    assert "permission denied" in result["msg"]
    assert GIVEN_TOKEN not in str(result)


def test_unknown_outcome_twice_fails_without_a_third_write(monkeypatch):
    server = FakeNotebookServer(mode="EDITABLE")
    server.fail_next("mode/update", TIMEOUT_BEFORE, TIMEOUT_BEFORE)
    result = run(monkeypatch, server, mode="READ_ONLY")
    assert result["failed"] is True
    assert "Read the current state" in result["msg"]
    assert len(server.writes()) == 2


def test_a_mode_the_server_does_not_keep_is_an_error(monkeypatch):
    server = FakeNotebookServer(mode="EDITABLE")

    def stubborn(call):
        answer = server.answer(call)
        server.mode = "EDITABLE"
        return answer

    server.script("admin/mode/update", stubborn)
    result = run(monkeypatch, server, mode="READ_ONLY")
    assert result["failed"] is True
    assert "still EDITABLE" in result["msg"]
