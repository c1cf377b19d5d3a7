# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The notebook_server_audit module: options, check mode, changed, report files, and no secret anywhere."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.modules import notebook_server_audit
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    HOUR_MS,
    NOW_MS,
    PASSWORD,
    USERNAME,
    Reply,
    job,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.modules.module_runner import run_module_main

TOKEN = "tok-never-shown-1234"
NB1 = "https://nb1.example.com:11443/arcgis"
AUTH = "https://auth.example.com/notebooks"


@pytest.fixture
def fleet(fake_fleet, monkeypatch):
    """nb1 answers (after one 503), nb-down is not there, nb-auth refuses the token with a badly behaved message."""
    monkeypatch.setattr("time.time", lambda: NOW_MS / 1000.0)  # the audit window ends at the fake servers' clock
    start = NOW_MS - 3 * HOUR_MS
    nb1 = fake_fleet.add(NB1, jobs=[
        job("j1", "PROCESSING", username="alice", start_ms=start),
        job("j2", "FAILED", username="bob", start_ms=start, end_ms=start + 60000),
        job("j3", "COMPLETED", job_type="openNotebook", username="=evil()", start_ms=start, end_ms=start + 1000),
    ])
    nb1.script("admin/system/jobs", Reply(503, "<html>busy</html>", {"Content-Type": "text/html"}))
    nb1.open_notebook("n1", "carol", "busy", NOW_MS - 60000)
    nb1.open_notebook("n2", "dave", "idle", NOW_MS - 30 * HOUR_MS)
    auth = fake_fleet.add(AUTH)
    # A badly behaved message: the module must still keep the secrets out of the report.
    auth.script("admin/system/jobs", *[Reply(200, {"error": {"code": 403, "message": "refused %s for password %s"
                                                             % (TOKEN, PASSWORD), "details": []}})] * 10)
    auth.valid_tokens.add(TOKEN)
    return fake_fleet


def _run(monkeypatch, args):
    result, warnings = run_module_main(monkeypatch, notebook_server_audit.main, args)
    if not result["failed"]:
        result["warnings"] = warnings
    return result


def _args(tmp_path, **extra):
    args = {
        "servers": [
            {"name": "nb1", "url": NB1},
            {"name": "nb-down", "url": "https://down.example.com:11443/arcgis"},
            {"name": "nb-auth", "url": AUTH, "token": TOKEN},
        ],
        "username": USERNAME,
        "password": PASSWORD,
        "report_dir": str(tmp_path / "audit"),
    }
    args.update(extra)
    return args


def test_audit_writes_the_report_and_keeps_going_past_failures(monkeypatch, tmp_path, fleet):
    result = _run(monkeypatch, _args(tmp_path))
    assert result["failed"] is False
    assert result["changed"] is True
    assert result["schema_version"] == "2.1"
    assert [s["reachable"] for s in result["servers"]] == [True, False, False]
    assert result["servers"][1]["error"].startswith("connection failed: ")
    assert "connection refused" in result["servers"][1]["error"].lower()
    assert result["fleet"]["active"] == 1 and result["fleet"]["stuck"] == 1 and result["fleet"]["failed"] == 1
    assert [a["server"] for a in result["attention"]] == ["nb-auth", "nb-down", "nb1"]
    notebooks = result["servers"][0]["notebooks"]
    assert (notebooks["open"], notebooks["busy"], notebooks["stale"], notebooks["containers"]) == (2, 1, 1, 2)
    assert result["fleet"]["notebooks"]["servers_not_read"] == ["nb-down", "nb-auth"]
    assert result["stale_after_seconds"] == 86400.0
    assert sorted(result["report_files"]) == ["jobs.csv", "notebooks.csv", "report.html", "report.json", "servers.csv"]
    assert sorted(result["changed_files"]) == sorted(result["report_files"])
    assert "Notebook Server %s: HTTP 503 on POST /arcgis/admin/system/jobs; retry 1 of 3 in 1.0s" % NB1 \
        in result["warnings"]
    assert all("; retry " in warning for warning in result["warnings"])
    assert fleet.servers[NB1].calls_to("/admin/system/jobs")[-1].form["num"]  # nb1 was really read
    for path in result["report_files"].values():
        assert os.path.isfile(path)


def test_no_secret_in_any_file_or_in_the_result(monkeypatch, tmp_path, fleet):
    result = _run(monkeypatch, _args(tmp_path))
    texts = [json.dumps(result)]
    for path in result["report_files"].values():
        with open(path, encoding="utf-8") as handle:
            texts.append(handle.read())
    for text in texts:
        assert PASSWORD not in text
        assert TOKEN not in text
    assert "refused ******** for password ********" in texts[0]


def test_second_run_with_same_content_is_not_changed(monkeypatch, tmp_path, fleet):
    monkeypatch.setattr("time.monotonic", lambda: 42.0)  # the time spent per server is in the report too
    first = _run(monkeypatch, _args(tmp_path))
    fleet.servers[NB1].script("admin/system/jobs", Reply(503, "<html>busy</html>", {"Content-Type": "text/html"}))
    second = _run(monkeypatch, _args(tmp_path))
    assert first["changed"] is True
    assert second["changed"] is False and second["changed_files"] == []


def test_check_mode_reads_but_writes_nothing(monkeypatch, tmp_path, fleet):
    result = _run(monkeypatch, _args(tmp_path, _ansible_check_mode=True))
    assert result["failed"] is False
    assert result["fleet"]["servers"] == 3
    assert sorted(result["changed_files"]) == ["jobs.csv", "notebooks.csv", "report.html", "report.json", "servers.csv"]
    assert result["changed"] is True  # it would write them
    assert not (tmp_path / "audit").exists()


def test_without_report_dir_nothing_is_written_and_nothing_changes(monkeypatch, tmp_path, fleet):
    args = _args(tmp_path)
    del args["report_dir"]
    result = _run(monkeypatch, args)
    assert result["changed"] is False and result["report_files"] == {}
    assert result["markdown"].startswith("## Notebook Server audit: 3 servers, 1 reachable, 2 unreachable")


@pytest.mark.parametrize("option, value, message", [
    ("since", "yesterday", "since"),
    ("since", "+2h", "since: +2h is in the future"),
    ("stuck_after", "soon", "stuck_after"),
    ("stale_after", "later", "stale_after: 'later' is not a duration"),
    ("stale_after", "0", "stale_after must be a positive duration"),
    ("max_workers", 0, "max_workers must be at least 1"),
])
def test_bad_options_fail_before_any_request(monkeypatch, tmp_path, fleet, option, value, message):
    result = _run(monkeypatch, _args(tmp_path, **{option: value}))
    assert result["failed"] is True
    assert message in result["msg"]
    assert all(server.calls == [] for server in fleet.servers.values())


def test_unwritable_report_dir_fails_with_the_cause(monkeypatch, tmp_path, fleet):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = _run(monkeypatch, _args(tmp_path, report_dir=str(blocker / "audit")))
    assert result["failed"] is True
    assert result["msg"].startswith("report_dir: could not write the report files:")


def test_a_server_option_of_the_wrong_type_is_that_servers_error_not_the_tasks(monkeypatch, tmp_path, fleet):
    args = _args(tmp_path)
    args["servers"][0]["timeout"] = "10"  # a number as text, as an inventory gives it: fine
    args["servers"].append({"name": "nb3", "url": "https://nb3.example.com:11443/arcgis", "timeout": "30s",
                            "validate_certs": "maybe", "token_location": "cookie"})
    result = _run(monkeypatch, args)
    assert result["failed"] is False
    assert [s["name"] for s in result["servers"]] == ["nb1", "nb-down", "nb-auth", "nb3"]
    assert result["servers"][0]["reachable"] is True
    nb3 = result["servers"][3]
    assert nb3["reachable"] is False
    assert nb3["error"] == (
        "nb3: option timeout (host variable notebook_server_timeout) must be a number, not '30s'; "
        "nb3: option validate_certs (host variable notebook_server_validate_certs) must be a boolean (true or false), "
        "not 'maybe'; "
        "nb3: option token_location (host variable notebook_server_token_location) must be one of body, header, "
        "not 'cookie'")
    assert {"server": "nb3", "error": nb3["error"]}.items() <= next(
        a for a in result["attention"] if a["server"] == "nb3").items()
    assert result["fleet"]["notebooks"]["quiet"] is False


def _written_report(result):
    with open(result["report_files"]["report.json"], encoding="utf-8") as handle:
        return json.load(handle)


def test_result_detail_full_returns_what_report_json_holds(monkeypatch, tmp_path, fleet):
    fleet.servers[NB1].jobs.append(job("j4", "PROCESSING", username="erin", inputs={"taskId": "t-nightly"}))
    result = _run(monkeypatch, _args(tmp_path, result_detail="full"))
    written = _written_report(result)
    assert {key: result[key] for key in written} == written
    assert [entry["jobId"] for entry in result["scheduled_tasks"]["active_task_jobs"]] == ["j4"]
    assert [entry["jobId"] for entry in result["servers"][0]["failed_jobs"]] == ["j2"]


def test_result_detail_figures_leaves_the_long_lists_out_and_keeps_every_figure(monkeypatch, tmp_path, fleet):
    fleet.servers[NB1].jobs.append(job("j4", "PROCESSING", username="erin", inputs={"taskId": "t-nightly"}))
    result = _run(monkeypatch, _args(tmp_path, result_detail="figures"))
    written = _written_report(result)
    # The file still holds everything: the lists are left out of the result only.
    assert [entry["jobId"] for entry in written["scheduled_tasks"]["active_task_jobs"]] == ["j4"]
    assert [entry["jobId"] for entry in written["servers"][0]["failed_jobs"]] == ["j2"]
    assert "active_task_jobs" not in result["scheduled_tasks"]
    assert len(result["servers"]) == len(written["servers"]) == 3
    for entry, whole in zip(result["servers"], written["servers"]):
        # Absent, not empty: an empty failed_jobs would say that nothing failed.
        assert "failed_jobs" not in entry and "by_owner" not in entry
        assert "by_owner" not in entry["notebooks"] and "busy_by_owner" not in entry["notebooks"]
        kept = {key: value for key, value in whole.items() if key not in ("failed_jobs", "by_owner", "notebooks")}
        assert {key: entry[key] for key in kept} == kept
        notebooks = {key: value for key, value in whole["notebooks"].items() if key not in ("by_owner", "busy_by_owner")}
        assert entry["notebooks"] == notebooks
    assert result["servers"][0]["failed"] == 1 and result["servers"][0]["active"] == 2
    assert [job_entry["jobId"] for job_entry in result["servers"][0]["stuck_jobs"]] == ["j1"]
    assert [notebook["id"] for notebook in result["servers"][0]["notebooks"]["busy_notebooks"]] == ["n1"]
    for key in ("fleet", "attention", "top_owners", "timeline", "window", "generated_at"):
        assert result[key] == written[key]
    assert result["markdown"] == _run(monkeypatch, _args(tmp_path, result_detail="full"))["markdown"]


def test_result_detail_is_checked(monkeypatch, tmp_path, fleet):
    result = _run(monkeypatch, _args(tmp_path, result_detail="everything"))
    assert result["failed"] is True
    assert "result_detail" in result["msg"] and "figures" in result["msg"]
