# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The notebooks in a fleet audit: read per server, in report.json, notebooks.csv, report.html and the summary;
a server whose notebooks could not be read is flagged, never quiet."""

from __future__ import annotations

import csv
import io
import json

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.files import (
    NOTEBOOKS_COLUMNS,
    notebooks_csv,
    render_report_files,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.fleet import audit_fleet, build_targets
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.html import render_html
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.markdown import markdown_summary
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.notebooks import ServerNotebooks
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.reader import (
    NotebookAuditSettings,
    read_server_jobs,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import ServerAudit, build_report
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.audit_samples import (
    RULES,
    WINDOW,
    fleet,
    job,
    notebook,
    server,
    server_notebooks,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    NOW_MS,
    PASSWORD,
    SITE,
    USERNAME,
    Reply,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    job as server_job,
)

SETTINGS = NotebookAuditSettings(quiet_for_seconds=600.0, stale_after_seconds=86400.0)


def _report(servers=None):
    return build_report(fleet() if servers is None else servers, WINDOW, 7200.0, stale_after_seconds=86400.0,
                        quiet_for_seconds=600.0)


def _entry(report, name):
    return next(entry for entry in report["servers"] if entry["name"] == name)["notebooks"]


def _unread(error="the server reported an error (code 500): notebooks are down"):
    return server("nb-blind", "u", [job("j1", "completed", 2, 1)], notebooks=ServerNotebooks(error=error))


def test_open_busy_stale_and_containers_per_server():
    report = _report()
    quiet, busy, down = _entry(report, "nb-quiet"), _entry(report, "nb-busy"), _entry(report, "nb-down")
    assert (quiet["open"], quiet["busy"], quiet["stale"], quiet["containers"], quiet["quiet"]) == (2, 0, 1, 2, True)
    assert [n["id"] for n in quiet["stale_notebooks"]] == ["nq2"] and quiet["busy_notebooks"] == []
    assert (busy["open"], busy["busy"], busy["busy_kernels"], busy["quiet"]) == (2, 2, 1, False)
    assert [n["id"] for n in busy["busy_notebooks"]] == ["nb1", "nb2"]
    assert busy["busy_by_owner"] == {"carol": 2}
    assert down["read"] is False and down["error"] == "connection refused" and down["open"] is None
    assert report["stale_after_seconds"] == 86400.0 and report["notebook_quiet_for_seconds"] == 600.0
    totals = report["fleet"]["notebooks"]
    assert (totals["open"], totals["busy"], totals["stale"], totals["containers"]) == (4, 2, 1, 3)
    assert totals["servers_read"] == 2 and totals["servers_not_read"] == ["nb-down"] and totals["quiet"] is False
    json.dumps(report)


def test_a_server_whose_notebooks_could_not_be_read_is_flagged_never_quiet():
    report = _report(fleet()[:1] + [_unread()])
    entry = _entry(report, "nb-blind")
    assert entry["read"] is False and entry["quiet"] is False and entry["busy"] is None and entry["open"] is None
    item = next(item for item in report["attention"] if item["server"] == "nb-blind")
    assert item["severity"] == "incomplete"
    assert item["reasons"] == ["notebooks not read: the server reported an error (code 500): notebooks are down"]
    assert report["fleet"]["notebooks"]["servers_not_read"] == ["nb-blind"]
    text = markdown_summary(report, {})
    assert "Notebooks: 2 open (0 busy, 1 stale) in 2 containers. Not read on nb-blind, so not known to be quiet " \
           "there." in text
    assert "| nb-blind | notebooks not read: the server reported an error (code 500): notebooks are down |" in text


def test_a_reachable_server_without_notebooks_data_is_flagged_too():
    report = _report([ServerAudit(name="nb", url="u", reachable=True)])
    assert report["attention"][0]["reasons"] == ["notebooks not read: they were not asked for"]


def test_incompletely_read_notebooks_are_flagged():
    partial = server_notebooks(notebook("n1"), complete=False,
                               reasons=("the kernels of container c-alice could not be read: HTTP 503",))
    report = _report([ServerAudit(name="nb", url="u", reachable=True, notebooks=partial)])
    assert _entry(report, "nb")["complete"] is False and _entry(report, "nb")["quiet"] is False
    assert report["attention"][0]["reasons"] == [
        "notebooks incomplete: the kernels of container c-alice could not be read: HTTP 503"]
    assert report["fleet"]["notebooks"]["servers_incomplete"] == ["nb"]


def test_notebooks_csv_has_one_row_per_open_notebook():
    rows = list(csv.DictReader(io.StringIO(notebooks_csv(fleet()))))
    assert tuple(rows[0]) == NOTEBOOKS_COLUMNS
    assert [(r["server"], r["id"], r["username"], r["kernel_state"], r["busy"], r["stale"]) for r in rows] == [
        ("nb-quiet", "nq1", "alice", "idle", "false", "false"),
        ("nb-quiet", "nq2", "bob", "idle", "false", "true"),
        ("nb-busy", "nb1", "carol", "busy", "true", "false"),
        ("nb-busy", "nb2", "carol", "idle", "true", "false"),
    ]
    assert rows[1]["idle_seconds"] == "108000.0" and rows[2]["busy_reason"] == "kernel busy"
    assert "notebooks.csv" in render_report_files(_report(), fleet())


def test_a_formula_owner_is_neutralised_in_notebooks_csv():
    formula = ServerAudit(name="nb", url="u", reachable=True, notebooks=server_notebooks(notebook("n1", "=cmd|x")))
    rows = list(csv.DictReader(io.StringIO(notebooks_csv([formula]))))
    assert rows[0]["username"] == "'=cmd|x"


def test_report_html_has_a_notebooks_section():
    page = render_html(_report(fleet() + [_unread('<b>"down"</b>')]))
    assert '<h2>Open notebooks</h2>' in page and 'id="notebooks"' in page and 'id="notebook-list"' in page
    assert '<tr class="" data-notebooks-server="nb-quiet"><td>nb-quiet</td><td class="num">2</td>' in page
    assert '<tr class="incomplete" data-notebooks-server="nb-blind">' in page
    assert "&lt;b&gt;&quot;down&quot;&lt;/b&gt;" in page and '<b>"down"</b>' not in page
    assert '<span class="tag stale">stale</span>' in page and '<span class="tag busy">busy</span>' in page
    assert "busy when a kernel of it is not idle" in page and "last 10m" in page and "more than 1d" in page


def _connection():
    return {"url": SITE, "username": USERNAME, "password": PASSWORD}


def test_the_reader_reads_the_notebooks_with_the_same_token(fake_server):
    fake_server.jobs = [server_job("j1")]
    fake_server.open_notebook("n1", "alice", "busy", NOW_MS - 40000)
    fake_server.open_notebook("n2", "bob", "idle", NOW_MS - 30 * 3600000)
    read = read_server_jobs(_connection(), RULES, "nb1", notebooks=SETTINGS)
    assert read.tally.listed == 1 and read.tally.csv_rows.startswith(b"nb1,j1,")
    assert read.notebooks.read and read.notebooks.complete
    assert [(n.brief["id"], n.brief["busy"], n.stale) for n in read.notebooks.notebooks] == [
        ("n1", True, False), ("n2", False, True)]
    assert len(fake_server.tokens_issued) == 1


def test_a_notebooks_failure_leaves_the_jobs_and_says_why(fake_server):
    fake_server.jobs = [server_job("j1")]
    fake_server.script("admin/notebooks", Reply(200, {"error": {"code": 403, "message": "Not permitted for " + PASSWORD}}))
    entry, = audit_fleet(build_targets([{"name": "nb1"}], _connection()),
                         lambda target: read_server_jobs(target.connection, RULES, target.name, notebooks=SETTINGS))
    assert entry.reachable and entry.tally.listed == 1 and entry.tally.csv_rows.startswith(b"nb1,j1,")
    assert not entry.notebooks.read and "Not permitted" in entry.notebooks.error
    assert PASSWORD not in entry.notebooks.error


def test_a_sessions_failure_is_an_incomplete_reading(fake_server):
    fake_server.open_notebook("n1", "alice", "idle", NOW_MS - 3600000)
    fake_server.script("admin/system/containers/c-alice/sessions",
                       *[Reply(503, "<html>down</html>", {"Content-Type": "text/html"})] * 5)
    read = read_server_jobs(dict(_connection(), retries=0), RULES, notebooks=SETTINGS)
    assert read.notebooks.read and not read.notebooks.complete
    assert read.notebooks.notebooks[0].brief["busy"] is True
