# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading one server for an audit with the real client against a fake server, and what each job's outcome is."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.fleet import audit_fleet, build_targets
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.model import AuditWindow, audit_job
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.reader import read_server_jobs
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.tally import TallyRules
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    HOUR_MS,
    NOW_MS,
    PASSWORD,
    SITE,
    USERNAME,
    job,
)


@pytest.mark.parametrize("record, outcome", [
    (job("a", "PROCESSING"), "active"),
    (job("b", "SUBMITTED"), "active"),
    (job("c", "SOMETHING_NEW"), "active"),
    (job("d", "COMPLETED", end_ms=NOW_MS), "completed"),
    (job("e", "FAILED", end_ms=NOW_MS), "failed"),
    (job("f", "FAILED", end_ms=NOW_MS, cancelled=True), "cancelled"),
    (job("g", "PROCESSING", cancelled=True), "active"),  # a cancel requested, the work not yet stopped
    (job("g2", "CANCELLING"), "active"),
    (job("h", "CANCELLED", end_ms=NOW_MS), "cancelled"),
    (job("i", "ERROR", end_ms=NOW_MS), "failed"),
])
def test_outcome_of_each_job(record, outcome):
    assert audit_job(record, NOW_MS, 7200.0).outcome == outcome


def test_audit_job_carries_times_and_stuck():
    record = job("j1", "PROCESSING", username="bob", start_ms=NOW_MS - 3 * HOUR_MS)
    audited = audit_job(record, NOW_MS, 7200.0)
    assert (audited.job_id, audited.owner, audited.start_ms, audited.end_ms, audited.stuck) == (
        "j1", "bob", NOW_MS - 3 * HOUR_MS, None, True)
    assert audit_job(record, NOW_MS, 4 * 3600.0).stuck is False


# The window is on the controller's clock; ages and stuck are on each server's (the fake's Date header: NOW_MS).
RULES = TallyRules(AuditWindow("-24h", NOW_MS - 24 * HOUR_MS, NOW_MS), 7200.0)


def _connection(**connection):
    values = {"url": SITE, "username": USERNAME, "password": PASSWORD, "retries": 0}
    values.update(connection)
    return values


def test_read_server_jobs_lists_everything_with_one_token(fake_server):
    fake_server.load([job("j%d" % i, "COMPLETED", end_ms=NOW_MS) for i in range(3)]
                     + [job("old", "PROCESSING", start_ms=NOW_MS - 5 * HOUR_MS)])
    listing = read_server_jobs(_connection(), RULES, "nb1")
    rows = [row.split(",") for row in listing.tally.csv_rows.decode().splitlines()]
    assert [(row[0], row[1], row[10]) for row in rows] == [
        ("nb1", "j0", "false"), ("nb1", "j1", "false"), ("nb1", "j2", "false"), ("nb1", "old", "true")]
    assert listing.reported_total == 4 and listing.tally.listed == 4
    assert [j.job_id for j in listing.tally.stuck_jobs] == ["old"]
    assert len(fake_server.tokens_issued) == 1
    assert len(fake_server.calls_to("/admin/system/jobs")) == 1


def test_ages_are_on_each_servers_clock(fake_server):
    """The fake server's Date header is NOW_MS, years before this host's clock: an hour-old job is an hour old."""
    fake_server.load([job("j1", "PROCESSING", start_ms=NOW_MS - HOUR_MS)])
    tally = read_server_jobs(_connection(), RULES).tally
    assert tally.oldest_active.age_seconds == pytest.approx(3600.0, abs=1) and tally.stuck_jobs == []


def test_a_refused_password_is_an_entry_without_the_password(fake_fleet):
    good_site, bad_site = "https://good.example.com:11443/arcgis", "https://bad.example.com:11443/arcgis"
    fake_fleet.add(good_site, jobs=[job("j1")])
    fake_fleet.add(bad_site)
    targets = build_targets([
        {"name": "good", "url": good_site, "username": USERNAME, "password": PASSWORD},
        {"name": "bad", "url": bad_site, "username": USERNAME, "password": "Wrong-Pa55word-xyz"},
    ], {"retries": 0})
    entries = audit_fleet(targets, lambda target: read_server_jobs(target.connection, RULES, target.name))
    assert entries[0].reachable and entries[0].tally.csv_rows.startswith(b"good,j1,")
    assert entries[1].reachable is False
    assert "Invalid username or password" in entries[1].error
    assert "Wrong-Pa55word-xyz" not in entries[1].error
    assert bad_site not in entries[1].error  # the report names the server already
