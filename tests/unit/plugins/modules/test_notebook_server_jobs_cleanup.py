# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The notebook_server_jobs_cleanup module: the count, idempotence, check mode, diff, old servers, permissions."""

from __future__ import annotations

from ansible_collections.gisadmin.notebook_server.plugins.modules import notebook_server_jobs_cleanup
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    TIMEOUT_AFTER,
    SITE,
    FakeNotebookServer,
    job_record,
    GIVEN_TOKEN,
    serve,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.modules.module_runner import run_module

RUNNING = "j0bc73e29-3725-4eb1-b6c7-db2cdc56799c"
DONE = "j11111111-3725-4eb1-b6c7-db2cdc56799c"
FAILED = "j22222222-3725-4eb1-b6c7-db2cdc56799c"


CONNECTION = {"url": SITE + "/admin/", "token": GIVEN_TOKEN}


def server(**kwargs):
    return FakeNotebookServer(jobs=[job_record(RUNNING), job_record(DONE, "COMPLETED"), job_record(FAILED, "FAILED")],
                              **kwargs)


def run(monkeypatch, fake, check_mode=False, diff=False):
    serve(monkeypatch, fake)
    return run_module(monkeypatch, notebook_server_jobs_cleanup, CONNECTION, check_mode=check_mode, diff=diff)


def test_removes_finished_jobs_and_counts_them(monkeypatch):
    fake = server()
    result = run(monkeypatch, fake)
    assert result["failed"] is False
    assert result["changed"] is True
    assert result["removed"] == 2
    assert result["removed_job_ids"] == sorted([DONE, FAILED])
    assert fake.job_ids() == [RUNNING]


def test_second_run_removes_nothing(monkeypatch):
    fake = server()
    run(monkeypatch, fake)
    result = run(monkeypatch, fake)
    assert result["changed"] is False
    assert result["removed"] == 0


def test_check_mode_counts_without_removing(monkeypatch):
    fake = server()
    result = run(monkeypatch, fake, check_mode=True)
    assert result["changed"] is True
    assert result["removed"] == 2
    assert len(fake.jobs) == 3
    assert fake.writes() == []


def test_check_mode_with_nothing_finished(monkeypatch):
    result = run(monkeypatch, FakeNotebookServer(jobs=[job_record(RUNNING)]), check_mode=True)
    assert (result["changed"], result["removed"]) == (False, 0)


def test_diff_lists_the_removed_ids(monkeypatch):
    result = run(monkeypatch, server(), diff=True)
    assert result["diff"] == {"before": {"finished_job_ids": sorted([DONE, FAILED])}, "after": {"finished_job_ids": []}}


def test_timeout_after_the_removal_is_read_back_not_repeated(monkeypatch):
    fake = server()
    fake.fail_next("system/jobs/deleteAll", TIMEOUT_AFTER)
    result = run(monkeypatch, fake)
    assert result["removed"] == 2
    assert fake.writes() == ["system/jobs/deleteAll"]


def test_old_server_fails_with_a_clear_message(monkeypatch):
    result = run(monkeypatch, server(delete_all_supported=False))
    assert result["failed"] is True
    assert "does not support removing finished jobs" in result["msg"]


def test_permission_denied(monkeypatch):
    result = run(monkeypatch, server(admin=False))
    assert result["failed"] is True
    assert "permission denied" in result["msg"]
