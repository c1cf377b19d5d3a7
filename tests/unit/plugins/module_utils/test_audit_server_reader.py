# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading one server for an audit with the real client against a fake server, and what each job's outcome is."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit_server_reader import (
    READ_ERRORS,
    audit_job,
    read_server_jobs,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.fleet_audit import audit_fleet, build_targets
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    HOUR_MS,
    NOW_MS,
    PASSWORD,
    SITE,
    USERNAME,
    FakeNotebookServer,
    job,
)


@pytest.mark.parametrize("record, outcome", [
    (job("a", "PROCESSING"), "active"),
    (job("b", "SUBMITTED"), "active"),
    (job("c", "SOMETHING_NEW"), "active"),
    (job("d", "COMPLETED", end_ms=NOW_MS), "completed"),
    (job("e", "FAILED", end_ms=NOW_MS), "failed"),
    (job("f", "FAILED", end_ms=NOW_MS, cancelled=True), "cancelled"),
    (job("g", "PROCESSING", cancelled=True), "cancelled"),
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


def _target(server, **connection):
    values = {"name": "nb1", "url": SITE, "username": USERNAME, "password": PASSWORD, "retries": 0}
    values.update(connection)
    return build_targets([values], {})[0]


def test_read_server_jobs_lists_everything_with_one_token():
    fake = FakeNotebookServer(jobs=[job("j%d" % i, "COMPLETED", end_ms=NOW_MS) for i in range(3)]
                              + [job("old", "PROCESSING", start_ms=NOW_MS - 5 * HOUR_MS)])
    listing = read_server_jobs(_target(fake), NOW_MS, 7200.0, session=fake.session())
    assert [j.job_id for j in listing.jobs] == ["j0", "j1", "j2", "old"]
    assert listing.reported_total == 4
    assert [j.stuck for j in listing.jobs] == [False, False, False, True]
    assert len(fake.tokens_issued) == 1
    assert len(fake.calls_to("/admin/system/jobs")) == 1


def test_a_refused_password_is_an_entry_without_the_password():
    good = FakeNotebookServer(jobs=[job("j1")])
    bad = FakeNotebookServer()
    targets = build_targets([
        {"name": "good", "url": SITE, "username": USERNAME, "password": PASSWORD},
        {"name": "bad", "url": SITE, "username": USERNAME, "password": "Wrong-Pa55word-xyz"},
    ], {"retries": 0})
    sessions = {"good": good, "bad": bad}

    def read(target):
        return read_server_jobs(target, NOW_MS, 7200.0, session=sessions[target.name].session())

    entries = audit_fleet(targets, read, expected_errors=READ_ERRORS)
    assert entries[0].reachable and entries[0].jobs[0].job_id == "j1"
    assert entries[1].reachable is False
    assert "Invalid username or password" in entries[1].error
    assert "Wrong-Pa55word-xyz" not in entries[1].error
    assert SITE not in entries[1].error  # the report names the server already
