# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The notebook_server_jobs_info module's entry point: args, env fallbacks, check mode, errors, no secrets."""

from __future__ import annotations

import json
import sys

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.modules import notebook_server_jobs_info
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.modules.module_runner import run_module_main
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    GIVEN_TOKEN,
    HOUR_MS,
    NOW_MS,
    PASSWORD,
    SITE,
    USERNAME,
    Reply,
    job,
)


@pytest.fixture
def server(fake_server):
    return fake_server.load([
        job("j1", "PROCESSING", username="alice", start_ms=NOW_MS - 3 * HOUR_MS),
        job("j2", "COMPLETED", username="bob", start_ms=NOW_MS - 4 * HOUR_MS, end_ms=NOW_MS - 3 * HOUR_MS),
    ])


def _run(monkeypatch, args):
    return run_module_main(monkeypatch, notebook_server_jobs_info.main, args)


def _args(**extra):
    args = {"url": SITE + "/admin", "username": USERNAME, "password": PASSWORD}
    args.update(extra)
    return args


def test_lists_jobs_unchanged(monkeypatch, server):
    result, warnings = _run(monkeypatch, _args(stuck_after="2h"))
    assert result["failed"] is False and result["changed"] is False
    assert result["server"] == SITE and result["complete"] is True and result["total"] == 2
    assert [j["jobId"] for j in result["jobs"]] == ["j1", "j2"]
    assert result["summary"]["stuck_job_ids"] == ["j1"]
    assert warnings == []


def test_check_mode_reads_for_real(monkeypatch, server):
    result = _run(monkeypatch, _args(_ansible_check_mode=True, status=["active"]))[0]
    assert result["failed"] is False and result["changed"] is False
    assert [j["jobId"] for j in result["jobs"]] == ["j1"]
    assert len(server.calls_to("/system/jobs")) == 1


def test_query_result(monkeypatch, server):
    result = _run(monkeypatch, _args(query="summary.by_owner"))[0]
    assert result["query_result"] == {"alice": 1, "bob": 1}


def test_environment_fallbacks(monkeypatch, server):
    monkeypatch.setenv("NOTEBOOK_SERVER_URL", SITE)
    monkeypatch.setenv("NOTEBOOK_SERVER_TOKEN", GIVEN_TOKEN)
    monkeypatch.setenv("NOTEBOOK_SERVER_RETRIES", "0")
    result = _run(monkeypatch, {})[0]
    assert result["failed"] is False and result["total"] == 2
    assert server.calls_to("/generateToken") == []
    assert server.calls[0].form["token"] == GIVEN_TOKEN


def test_bad_option_fails_cleanly(monkeypatch, server):
    result = _run(monkeypatch, _args(query="jobs[?"))[0]
    assert result["failed"] is True
    assert "query is not a valid JMESPath expression" in result["msg"]
    assert server.calls == []


def test_server_error_fails_with_the_server_named_and_no_secret(monkeypatch, server):
    server.script("admin/system/jobs", Reply(200, {"error": {"code": 403, "message": "User not authorized"}}))
    result = _run(monkeypatch, _args())[0]
    assert result["failed"] is True
    assert result["msg"].startswith("Notebook Server %s: permission denied" % SITE)
    text = json.dumps(result)
    assert PASSWORD not in text and server.tokens_issued[0] not in text


def test_retry_warnings_become_module_warnings(monkeypatch, server):
    server.script("admin/system/jobs", Reply(429, b"", {"Retry-After": "0"}))
    result, warnings = _run(monkeypatch, _args())
    assert result["failed"] is False
    assert len(warnings) == 1 and "HTTP 429" in warnings[0]


def test_password_and_token_are_no_log():
    spec = notebook_server_jobs_info.ARGUMENT_SPEC
    assert spec["password"]["no_log"] and spec["token"]["no_log"]


def test_no_third_party_library_is_needed_without_query(monkeypatch, server):
    for name in ("requests", "urllib3", "jmespath"):
        monkeypatch.setitem(sys.modules, name, None)  # importing any of them now fails
    result = _run(monkeypatch, _args())[0]
    assert result["failed"] is False and [j["jobId"] for j in result["jobs"]] == ["j1", "j2"]


def test_jmespath_is_needed_only_with_query(monkeypatch, server):
    monkeypatch.setitem(sys.modules, "jmespath", None)
    result = _run(monkeypatch, _args())[0]
    assert result["failed"] is False and [j["jobId"] for j in result["jobs"]] == ["j1", "j2"]
    result = _run(monkeypatch, _args(query="summary.active"))[0]
    assert result["failed"] is True
    assert "Failed to import the required Python library (jmespath)" in result["msg"]
