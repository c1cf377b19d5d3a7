# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Aggregation of a fleet audit into report.json data."""

from __future__ import annotations

import json

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.formats import iso_time
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.model import audit_job, in_window
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import (
    SCHEMA_VERSION,
    ServerAudit,
    build_report,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.markdown import markdown_summary
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.times import iso_from_epoch_ms
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.audit_samples import (
    HOUR_MS,
    NOW_MS,
    WINDOW,
    fleet,
    job,
    server,
    server_notebooks,
)


def _report():
    return build_report(fleet(), WINDOW, stuck_after_seconds=7200.0)


def _server(report, name):
    return next(entry for entry in report["servers"] if entry["name"] == name)


def test_top_level_keys_and_version():
    report = _report()
    assert report["schema_version"] == SCHEMA_VERSION
    assert list(report) == ["schema_version", "generated_at", "window", "stuck_after_seconds", "stale_after_seconds",
                            "notebook_quiet_for_seconds", "fleet", "attention", "top_owners", "servers", "timeline"]
    assert report["generated_at"] == "2023-11-14T22:13:20Z"
    assert report["window"] == {"since": "-24h", "start": "2023-11-13T22:13:20Z", "end": "2023-11-14T22:13:20Z",
                                "seconds": 86400.0}
    json.dumps(report)  # plain JSON types only


def test_per_server_counts_use_the_window_for_finished_jobs_only():
    busy = _server(_report(), "nb-busy")
    assert busy["jobs_listed"] == 7
    assert (busy["active"], busy["stuck"], busy["failed"], busy["completed"], busy["cancelled"]) == (3, 2, 1, 1, 1)
    assert busy["in_window"] == 6
    assert busy["by_owner"]["carol"] == {"jobs": 2, "active": 0, "completed": 0, "failed": 1, "cancelled": 1}
    assert list(busy["by_owner"]) == ["alice", "carol", "bob"]
    assert busy["by_type"]["executeNotebookAsWebTool"]["completed"] == 1
    assert [j["jobId"] for j in busy["stuck_jobs"]] == ["jb1", "jb2"]
    assert [j["jobId"] for j in busy["failed_jobs"]] == ["jb4"]
    assert busy["oldest_active"]["jobId"] == "jb1"
    assert busy["oldest_active"]["age_seconds"] == 5 * 3600.0
    assert busy["complete"] is True
    assert busy["attention"] == ["2 stuck jobs", "1 failed job in the window"]


def test_unreachable_server_is_an_entry_with_its_error():
    down = _server(_report(), "nb-down")
    assert down["reachable"] is False
    assert down["error"] == "connection refused"
    assert down["attention"] == ["unreachable: connection refused"]
    assert down["active"] == 0 and down["oldest_active"] is None and down["complete"] is False


def test_fleet_totals_add_up():
    fleet_totals = _report()["fleet"]
    assert (fleet_totals["servers"], fleet_totals["reachable"], fleet_totals["unreachable"]) == (3, 2, 1)
    assert fleet_totals["needing_attention"] == 2
    assert (fleet_totals["active"], fleet_totals["stuck"], fleet_totals["failed"], fleet_totals["completed"]) == (4, 2, 1, 2)
    assert fleet_totals["jobs_listed"] == 10
    assert fleet_totals["by_owner"]["bob"]["active"] == 2
    assert fleet_totals["by_type"]["openNotebook"]["jobs"] == 1
    assert fleet_totals["oldest_active"]["server"] == "nb-busy"
    assert fleet_totals["oldest_active"]["jobId"] == "jb1"


def test_attention_lists_unreachable_then_stuck_then_failed():
    servers = fleet() + [
        server("nb-failing", "u", [job("jf", "failed", 2, 1)], notebooks=server_notebooks()),
        ServerAudit(name="nb-aaa-down", url="u", reachable=False, error="timed out"),
    ]
    attention = build_report(servers, WINDOW, 7200.0)["attention"]
    assert [(item["server"], item["severity"]) for item in attention] == [
        ("nb-aaa-down", "unreachable"), ("nb-down", "unreachable"), ("nb-busy", "stuck"), ("nb-failing", "failed")]


def test_incomplete_listing_needs_attention():
    partial = server("nb", "u", [job("j1", "completed", 2, 1)], reported_total=5,
                     incomplete_reason="the server holds 5 jobs and 1 came back", notebooks=server_notebooks())
    report = build_report([partial], WINDOW, None)
    assert report["servers"][0]["complete"] is False
    assert report["attention"][0]["severity"] == "incomplete"
    assert report["attention"][0]["reasons"] == ["listing incomplete: the server holds 5 jobs and 1 came back"]


def test_a_listing_without_a_usable_total_is_not_complete():
    """The audit took a list without total for complete (issue 13, item 2)."""
    partial = server("nb", "u", [job("j1", "completed", 2, 1)],
                     incomplete_reason="the jobs answer has no usable total (none sent)")
    report = build_report([partial], WINDOW, None)
    assert report["servers"][0]["complete"] is False and report["attention"][0]["severity"] == "incomplete"


def test_top_owners_rank_by_active_jobs():
    owners = _report()["top_owners"]
    assert owners[0] == {"owner": "alice", "active": 2, "stuck": 1, "servers": {"nb-busy": 2}}
    assert owners[1] == {"owner": "bob", "active": 2, "stuck": 1, "servers": {"nb-busy": 1, "nb-quiet": 1}}
    assert len(owners) == 2


def test_timeline_counts_starts_in_the_window():
    timeline = _report()["timeline"]
    assert len(timeline["starts"]) == 24
    assert timeline["bucket_seconds"] == 3600.0
    # Starts within the window: jq1, jq3, jb1..jb4, jb6, jb7 = 8.
    assert sum(timeline["starts"]) == 8
    assert timeline["starts"][-1] == 3  # jb7 (1 h ago, the bucket edge), jq3 (30 min ago), jb3 (6 min ago)
    assert sum(timeline["starts_by_server"]["nb-busy"]) == 6
    assert timeline["starts_by_server"]["nb-down"] == [0] * 24


def test_a_job_without_times_counts_when_active_only():
    def audited(record):
        return audit_job(record, NOW_MS, 7200.0)

    assert in_window(audited(job("a", "active", None)), WINDOW)
    assert not in_window(audited(job("b", "completed", None)), WINDOW)
    assert in_window(audited(job("c", "failed", 30, None)), WINDOW) is False
    assert in_window(audited(job("d", "failed", 1, None)), WINDOW)


def test_empty_fleet():
    report = build_report([], WINDOW, None)
    assert report["fleet"]["servers"] == 0 and report["attention"] == [] and report["top_owners"] == []


def test_markdown_summary_names_attention_and_escapes_pipes():
    servers = fleet() + [ServerAudit(name="nb|pipe", url="u", reachable=False, error="boom\nsecond line")]
    report = build_report(servers, WINDOW, 7200.0)
    text = markdown_summary(report, {"report.html": "/tmp/r/report.html"})
    assert text.startswith("## Notebook Server audit: 4 servers, 2 reachable, 2 unreachable")
    assert "| nb\\|pipe | unreachable: boom second line | 0 | 0 | 0 |" in text
    assert "| nb-busy | 2 stuck jobs; 1 failed job in the window | 3 | 2 | 1 |" in text
    assert "Top owners by active jobs: alice 2, bob 2." in text
    assert text.endswith("Report: /tmp/r/report.html")


def test_markdown_summary_of_a_healthy_fleet():
    report = build_report([fleet()[0]], WINDOW, 7200.0)
    assert "Every server is reachable" in markdown_summary(report, {})
    assert NOW_MS - HOUR_MS > WINDOW.start_ms


@pytest.mark.parametrize("epoch_ms", [0, 999, 1000, 86399999, 86400000, 951782400000, 1714550400123, 4102444799999,
                                      253402300799000, -1000, None, True, 1.5e12, "1714550400000"])
def test_iso_time_matches_the_core(epoch_ms):
    assert iso_time(epoch_ms) == iso_from_epoch_ms(epoch_ms)
