# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report directory: CSV and JSON content, atomic writes, change detection."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit import files as audit_files
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import build_report
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.files import (
    JOBS_COLUMNS,
    REPORT_FILE_NAMES,
    SERVERS_COLUMNS,
    jobs_csv,
    render_report_files,
    servers_csv,
    spreadsheet_safe,
    write_atomically,
    write_report_files,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.audit_samples import WINDOW, fleet, job, server


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_jobs_csv_has_one_row_per_job_with_its_server():
    rows = _rows(jobs_csv(fleet()))
    assert len(rows) == 10
    assert tuple(rows[0]) == JOBS_COLUMNS
    jb1 = next(row for row in rows if row["jobId"] == "jb1")
    assert jb1["server"] == "nb-busy" and jb1["stuck"] == "true" and jb1["age_seconds"] == "18000.0"
    assert jb1["start_time_iso"] == "2023-11-14T17:13:20Z" and jb1["end_time_iso"] == ""
    jb5 = next(row for row in rows if row["jobId"] == "jb5")
    assert jb5["in_window"] == "false" and jb5["duration_seconds"] == "3600.0" and jb5["outcome"] == "failed"


def test_servers_csv_has_one_row_per_server():
    report = build_report(fleet(), WINDOW, 7200.0)
    rows = _rows(servers_csv(report))
    assert [row["server"] for row in rows] == ["nb-quiet", "nb-busy", "nb-down"]
    assert tuple(rows[0]) == SERVERS_COLUMNS
    busy = rows[1]
    assert (busy["active"], busy["stuck"], busy["failed"], busy["completed"]) == ("3", "2", "1", "1")
    assert busy["oldest_active_jobId"] == "jb1"
    assert rows[2]["reachable"] == "false" and rows[2]["error"] == "connection refused"
    assert rows[2]["attention"] == "unreachable: connection refused"


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
    ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("alice", "alice"), (None, ""), (True, "true"), (3, "3"), (-2, "-2"), (1.5, "1.5"),
])
def test_spreadsheet_safe(value, expected):
    assert spreadsheet_safe(value) == expected


def test_formula_owner_is_neutralised_in_jobs_csv():
    rows = _rows(jobs_csv([server("nb", "u", [job("j1", "active", 1, owner="=cmd|' /C calc'!A0")])]))
    assert rows[0]["username"] == "'=cmd|' /C calc'!A0"


def test_report_files_render_all_four():
    report = build_report(fleet(), WINDOW, 7200.0)
    contents = render_report_files(report, fleet())
    assert tuple(contents) == REPORT_FILE_NAMES
    assert json.loads(contents["report.json"].decode("utf-8")) == report


def test_report_json_has_a_line_per_key_and_per_server():
    report = build_report(fleet(), WINDOW, 7200.0)
    lines = audit_files.report_json(report).splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    for key in report:
        assert sum(line.startswith(json.dumps(key) + ": ") for line in lines) == 1, key
    server_lines = [line for line in lines if line.startswith('{"name": ')]
    assert [json.loads(line.rstrip(","))["name"] for line in server_lines] == [entry["name"] for entry in report["servers"]]
    empty = dict(report, servers=[])
    assert json.loads(audit_files.report_json(empty)) == empty  # an empty list stays on its key's line


def test_write_report_files_creates_the_directory_and_reports_changes(tmp_path):
    target = tmp_path / "reports" / "today"
    contents = {"a.json": b"{}\n", "b.csv": b"x\n"}
    paths, changed = write_report_files(str(target), contents)
    assert changed == ["a.json", "b.csv"]
    assert paths == {"a.json": str(target / "a.json"), "b.csv": str(target / "b.csv")}
    assert (target / "b.csv").read_bytes() == b"x\n"
    paths, changed = write_report_files(str(target), contents)
    assert changed == []
    paths, changed = write_report_files(str(target), {"a.json": b"{}\n", "b.csv": b"y\n"})
    assert changed == ["b.csv"]
    assert sorted(os.listdir(str(target))) == ["a.json", "b.csv"]  # no temporary files left


@pytest.mark.parametrize("existing, same", [
    (b"abcdefghij", True), (b"abcdefghiX", False), (b"Xbcdefghij", False), (b"abcdefgh", False),
    (b"abcdefghijk", False), (b"", False),
])
def test_content_is_compared_a_chunk_at_a_time(tmp_path, existing, same):
    path = tmp_path / "jobs.csv"
    path.write_bytes(existing)
    assert audit_files._same_content(str(path), b"abcdefghij", chunk=4) is same
    assert audit_files._same_content(str(tmp_path / "missing.csv"), b"") is False


def test_check_mode_writes_nothing(tmp_path):
    target = tmp_path / "reports"
    paths, changed = write_report_files(str(target), {"a.json": b"{}"}, check_mode=True)
    assert changed == ["a.json"]
    assert paths["a.json"] == str(target / "a.json")
    assert not target.exists()


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "report.json"
    path.write_bytes(b"old")

    def broken_replace(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(audit_files.os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomically(str(path), b"new")
    assert path.read_bytes() == b"old"
    assert os.listdir(str(tmp_path)) == ["report.json"]


def test_written_file_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomically(str(tmp_path / "r.csv"), b"x")
    finally:
        os.umask(old)
    assert os.stat(str(tmp_path / "r.csv")).st_mode & 0o777 == 0o640
