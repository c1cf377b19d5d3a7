# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The notebook_server_audit module: options, check mode, changed, report files, and no secret anywhere."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit_report import AuditJob
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.errors import AuthenticationError, TransportError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.fleet_audit import ServerJobs
from ansible_collections.gisadmin.notebook_server.plugins.modules import notebook_server_audit
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.modules.module_runner import run_module_main

PASSWORD = "Pa55-w0rd-never-shown"
TOKEN = "tok-never-shown-1234"


def _run(monkeypatch, args, reader):
    monkeypatch.setattr(notebook_server_audit, "read_server_jobs", reader)
    result, warnings = run_module_main(monkeypatch, notebook_server_audit.main, args)
    if not result["failed"]:
        result["warnings"] = warnings
    return result


def _reader(target, now_ms, stuck_after_seconds, on_retry=None):
    assert target.connection["password"] == PASSWORD or target.connection["token"] == TOKEN
    if target.name == "nb-down":
        raise TransportError("cannot connect (connection refused)", target.connection["url"])
    if target.name == "nb-auth":
        # A badly behaved message: the module must still keep the secret out of the report.
        raise AuthenticationError("credentials refused for password %s" % PASSWORD, target.connection["url"])
    if on_retry is not None:
        on_retry("Notebook Server %s: HTTP 503 on POST /arcgis/admin/system/jobs; retry 1 of 3 in 1.0s"
                 % target.connection["url"])
    start = now_ms - 3 * 3600 * 1000
    jobs = (
        AuditJob("j1", "executeNotebook", "alice", "PROCESSING", "active", start, None, stuck=True),
        AuditJob("j2", "executeNotebook", "bob", "FAILED", "failed", start, start + 60000),
        AuditJob("j3", "openNotebook", "=evil()", "COMPLETED", "completed", start, start + 1000),
    )
    return ServerJobs(jobs=jobs, reported_total=3)


def _args(tmp_path, **extra):
    args = {
        "servers": [
            {"name": "nb1", "url": "https://nb1.example.com:11443/arcgis"},
            {"name": "nb-down", "url": "https://down.example.com:11443/arcgis"},
            {"name": "nb-auth", "url": "https://auth.example.com/notebooks", "token": TOKEN},
        ],
        "username": "siteadmin",
        "password": PASSWORD,
        "report_dir": str(tmp_path / "audit"),
    }
    args.update(extra)
    return args


def test_audit_writes_the_report_and_keeps_going_past_failures(monkeypatch, tmp_path):
    result = _run(monkeypatch, _args(tmp_path), _reader)
    assert result["failed"] is False
    assert result["changed"] is True
    assert result["schema_version"] == "1.0"
    assert [s["reachable"] for s in result["servers"]] == [True, False, False]
    assert result["servers"][1]["error"] == "cannot connect (connection refused)"
    assert result["fleet"]["active"] == 1 and result["fleet"]["stuck"] == 1 and result["fleet"]["failed"] == 1
    assert [a["server"] for a in result["attention"]] == ["nb-auth", "nb-down", "nb1"]
    assert sorted(result["report_files"]) == ["jobs.csv", "report.html", "report.json", "servers.csv"]
    assert sorted(result["changed_files"]) == sorted(result["report_files"])
    assert result["warnings"] == [
        "Notebook Server https://nb1.example.com:11443/arcgis: HTTP 503 on POST /arcgis/admin/system/jobs; retry 1 of 3 in 1.0s"]
    for path in result["report_files"].values():
        assert os.path.isfile(path)


def test_no_secret_in_any_file_or_in_the_result(monkeypatch, tmp_path):
    result = _run(monkeypatch, _args(tmp_path), _reader)
    texts = [json.dumps(result)]
    for path in result["report_files"].values():
        with open(path, encoding="utf-8") as handle:
            texts.append(handle.read())
    for text in texts:
        assert PASSWORD not in text
        assert TOKEN not in text
    assert "credentials refused for password ********" in texts[0]


def test_second_run_with_same_content_is_not_changed(monkeypatch, tmp_path):
    monkeypatch.setattr("time.time", lambda: 1_700_000_000.0)
    monkeypatch.setattr("time.monotonic", lambda: 42.0)  # the time spent per server is in the report too
    first = _run(monkeypatch, _args(tmp_path), _reader)
    second = _run(monkeypatch, _args(tmp_path), _reader)
    assert first["changed"] is True
    assert second["changed"] is False and second["changed_files"] == []


def test_check_mode_reads_but_writes_nothing(monkeypatch, tmp_path):
    result = _run(monkeypatch, _args(tmp_path, _ansible_check_mode=True), _reader)
    assert result["failed"] is False
    assert result["fleet"]["servers"] == 3
    assert sorted(result["changed_files"]) == ["jobs.csv", "report.html", "report.json", "servers.csv"]
    assert result["changed"] is True  # it would write them
    assert not (tmp_path / "audit").exists()


def test_without_report_dir_nothing_is_written_and_nothing_changes(monkeypatch, tmp_path):
    args = _args(tmp_path)
    del args["report_dir"]
    result = _run(monkeypatch, args, _reader)
    assert result["changed"] is False and result["report_files"] == {}
    assert result["markdown"].startswith("## Notebook Server audit: 3 servers, 1 reachable, 2 unreachable")


@pytest.mark.parametrize("option, value, message", [
    ("since", "yesterday", "since"),
    ("since", "+2h", "since: +2h is in the future"),
    ("stuck_after", "soon", "stuck_after"),
    ("max_workers", 0, "max_workers must be at least 1"),
])
def test_bad_options_fail_before_any_request(monkeypatch, tmp_path, option, value, message):
    def never(*_args, **_kwargs):
        raise AssertionError("no server is read when the options are wrong")

    result = _run(monkeypatch, _args(tmp_path, **{option: value}), never)
    assert result["failed"] is True
    assert message in result["msg"]


def test_unwritable_report_dir_fails_with_the_cause(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = _run(monkeypatch, _args(tmp_path, report_dir=str(blocker / "audit")), _reader)
    assert result["failed"] is True
    assert result["msg"].startswith("could not write the report files:")
