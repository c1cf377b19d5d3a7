# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Site mode, job cancel and deleteAll through the real client against a fake server session."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.errors import (
    NotFoundError,
    OptionError,
    PermissionDeniedError,
    ServerError,
    WriteOutcomeUnknownError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.maintenance_operations import (
    UnsupportedOperationError,
    cancel_job,
    cancel_job_outcome,
    delete_finished_jobs,
    finished_job_ids,
    is_finished,
    read_job,
    read_site_mode,
    update_site_mode,
    validate_site_mode,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.maintenance_fake_server import (
    TIMEOUT_AFTER,
    TIMEOUT_BEFORE,
    FakeNotebookServer,
    job_record,
)

RUNNING = "j0bc73e29-3725-4eb1-b6c7-db2cdc56799c"
DONE = "j11111111-3725-4eb1-b6c7-db2cdc56799c"
FAILED = "j22222222-3725-4eb1-b6c7-db2cdc56799c"


def server_with_jobs(**kwargs) -> FakeNotebookServer:
    return FakeNotebookServer(jobs=[job_record(RUNNING), job_record(DONE, "COMPLETED"), job_record(FAILED, "FAILED")],
                              **kwargs)


# -- pure helpers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("record, finished", [
    (job_record("j1", "SUBMITTED"), False),
    (job_record("j1", "PROCESSING"), False),
    (job_record("j1", "COMPLETED"), True),
    (job_record("j1", "FAILED"), True),
    (job_record("j1", "PROCESSING", cancelled=True), True),
    (job_record("j1", "SOMETHING_NEW"), False),  # unknown statuses are real work
    ({"jobId": "j1"}, False),  # no status at all: treated as active
])
def test_is_finished(record, finished):
    assert is_finished(record) is finished


def test_validate_site_mode_accepts_any_case_and_refuses_others():
    assert validate_site_mode("read_only") == "READ_ONLY"
    with pytest.raises(OptionError):
        validate_site_mode("MAINTENANCE")


# -- site mode -------------------------------------------------------------------------------------

def test_read_site_mode():
    assert read_site_mode(FakeNotebookServer(mode="READ_ONLY").client()) == "READ_ONLY"


def test_update_site_mode_writes_once():
    server = FakeNotebookServer()
    update_site_mode(server.client(), "READ_ONLY")
    assert server.mode == "READ_ONLY"
    assert server.writes() == ["mode/update"]
    assert server.calls[-1][1]["siteMode"] == "READ_ONLY"


def test_update_site_mode_timeout_after_write_reads_and_does_not_repeat():
    server = FakeNotebookServer()
    server.fail_next("mode/update", TIMEOUT_AFTER)
    update_site_mode(server.client(), "READ_ONLY")
    assert server.mode == "READ_ONLY"
    assert server.paths() == ["mode/update", "mode"]


def test_update_site_mode_timeout_before_write_reads_then_repeats_once():
    server = FakeNotebookServer()
    server.fail_next("mode/update", TIMEOUT_BEFORE)
    update_site_mode(server.client(), "READ_ONLY")
    assert server.mode == "READ_ONLY"
    assert server.paths() == ["mode/update", "mode", "mode/update"]


def test_update_site_mode_gives_up_after_the_second_unknown_outcome():
    server = FakeNotebookServer()
    server.fail_next("mode/update", TIMEOUT_BEFORE, TIMEOUT_BEFORE, TIMEOUT_BEFORE)
    with pytest.raises(WriteOutcomeUnknownError):
        update_site_mode(server.client(), "READ_ONLY")
    assert server.writes() == ["mode/update", "mode/update"]
    assert server.mode == "EDITABLE"


def test_update_site_mode_second_timeout_after_success_is_success():
    server = FakeNotebookServer()
    server.fail_next("mode/update", TIMEOUT_BEFORE, TIMEOUT_AFTER)
    update_site_mode(server.client(), "READ_ONLY")
    assert server.paths() == ["mode/update", "mode", "mode/update", "mode"]


def test_mode_permission_denied_is_typed():
    with pytest.raises(PermissionDeniedError):
        read_site_mode(FakeNotebookServer(admin=False).client())


# -- one job ---------------------------------------------------------------------------------------

def test_read_job_returns_the_full_record():
    record = read_job(server_with_jobs().client(), RUNNING)
    assert record["jobId"] == RUNNING
    assert record["status"] == "PROCESSING"


def test_read_job_unknown_id_is_not_found_naming_the_job():
    with pytest.raises(NotFoundError, match="job jnope does not exist"):
        read_job(server_with_jobs().client(), "jnope")


def test_read_job_refuses_an_empty_id():
    server = server_with_jobs()
    with pytest.raises(OptionError):
        read_job(server.client(), "  ")
    assert server.calls == []


def test_read_job_quotes_the_id_so_it_cannot_change_the_path():
    server = server_with_jobs()
    with pytest.raises(NotFoundError):
        read_job(server.client(), "../../mode")
    assert server.raw_paths == ["system/jobs/..%2F..%2Fmode"]


def test_cancel_running_job_posts_cancel_and_returns_the_new_record():
    server = server_with_jobs()
    outcome = cancel_job_outcome(server.client(), RUNNING)
    assert outcome.cancelled is True
    assert outcome.record["customAttributes"]["isCancelled"] is True
    assert server.paths() == ["system/jobs/" + RUNNING, "system/jobs/%s/cancel" % RUNNING, "system/jobs/" + RUNNING]


def test_cancel_job_returns_the_record():
    record = cancel_job(server_with_jobs().client(), RUNNING)
    assert record["jobId"] == RUNNING
    assert is_finished(record)


def test_cancel_finished_job_is_left_alone():
    server = server_with_jobs()
    outcome = cancel_job_outcome(server.client(), DONE)
    assert outcome.cancelled is False
    assert outcome.record["status"] == "COMPLETED"
    assert server.writes() == []


def test_cancel_unknown_job_is_not_found_without_a_write():
    server = server_with_jobs()
    with pytest.raises(NotFoundError, match="jnope"):
        cancel_job(server.client(), "jnope")
    assert server.writes() == []


def test_cancel_timeout_after_write_reads_and_does_not_repeat():
    server = server_with_jobs()
    server.fail_next("system/jobs/%s/cancel" % RUNNING, TIMEOUT_AFTER)
    outcome = cancel_job_outcome(server.client(), RUNNING)
    assert outcome.cancelled is True
    assert server.writes() == ["system/jobs/%s/cancel" % RUNNING]


def test_cancel_timeout_before_write_reads_then_repeats_once():
    server = server_with_jobs()
    server.fail_next("system/jobs/%s/cancel" % RUNNING, TIMEOUT_BEFORE)
    outcome = cancel_job_outcome(server.client(), RUNNING)
    assert outcome.record["customAttributes"]["isCancelled"] is True
    assert server.paths() == [
        "system/jobs/" + RUNNING, "system/jobs/%s/cancel" % RUNNING,
        "system/jobs/" + RUNNING, "system/jobs/%s/cancel" % RUNNING,
        "system/jobs/" + RUNNING,
    ]


def test_cancel_repeated_unknown_outcome_raises_after_two_writes():
    server = server_with_jobs()
    server.fail_next("system/jobs/%s/cancel" % RUNNING, TIMEOUT_BEFORE, TIMEOUT_BEFORE)
    with pytest.raises(WriteOutcomeUnknownError):
        cancel_job(server.client(), RUNNING)
    assert len(server.writes()) == 2


def test_cancel_on_a_server_without_the_operation_is_a_clear_typed_error():
    server = server_with_jobs(cancel_supported=False)
    with pytest.raises(UnsupportedOperationError, match=r"does not support cancelling jobs \(added in 10\.8\.1\)"):
        cancel_job(server.client(), RUNNING)
    assert server.jobs[RUNNING]["status"] == "PROCESSING"


def test_cancel_of_a_job_removed_meanwhile_is_not_found_not_unsupported():
    server = server_with_jobs()
    original = server._answer

    def answer(method, parts, fields):
        if parts[-1] == "cancel":
            server.jobs.pop(RUNNING, None)
        return original(method, parts, fields)

    server._answer = answer
    with pytest.raises(NotFoundError) as caught:
        cancel_job(server.client(), RUNNING)
    assert not isinstance(caught.value, UnsupportedOperationError)


def test_cancel_permission_denied_is_typed():
    with pytest.raises(PermissionDeniedError):
        cancel_job(server_with_jobs(admin=False).client(), RUNNING)


def test_cancel_job_that_ignores_cancel_still_reports_the_record():
    server = server_with_jobs()
    server.ignore_cancel.add(RUNNING)
    outcome = cancel_job_outcome(server.client(), RUNNING)
    assert outcome.cancelled is True
    assert outcome.record["status"] == "PROCESSING"


def test_cancel_works_with_the_token_in_a_header_too():
    server = server_with_jobs()
    assert cancel_job_outcome(server.client(token_location="header"), RUNNING).cancelled is True


# -- finished jobs ---------------------------------------------------------------------------------

def test_finished_job_ids():
    assert finished_job_ids(server_with_jobs().client()) == {DONE, FAILED}


def test_delete_finished_jobs_counts_what_went():
    server = server_with_jobs()
    assert delete_finished_jobs(server.client()) == 2
    assert set(server.jobs) == {RUNNING}
    assert server.writes() == ["system/jobs/deleteAll"]


def test_delete_finished_jobs_again_removes_nothing():
    server = server_with_jobs()
    client = server.client()
    delete_finished_jobs(client)
    assert delete_finished_jobs(client) == 0


def test_delete_finished_jobs_asks_the_server_even_when_none_is_visible():
    server = FakeNotebookServer(jobs=[job_record(RUNNING)])
    assert delete_finished_jobs(server.client()) == 0
    assert server.writes() == ["system/jobs/deleteAll"]


def test_delete_finished_jobs_timeout_after_write_reads_and_does_not_repeat():
    server = server_with_jobs()
    server.fail_next("system/jobs/deleteAll", TIMEOUT_AFTER)
    assert delete_finished_jobs(server.client()) == 2
    assert server.writes() == ["system/jobs/deleteAll"]


def test_delete_finished_jobs_timeout_before_write_reads_then_repeats_once():
    server = server_with_jobs()
    server.fail_next("system/jobs/deleteAll", TIMEOUT_BEFORE)
    assert delete_finished_jobs(server.client()) == 2
    assert server.paths() == ["system/jobs", "system/jobs/deleteAll", "system/jobs", "system/jobs/deleteAll",
                              "system/jobs"]


def test_delete_finished_jobs_uses_the_complete_listing():
    jobs = [job_record("j%05d" % number, "COMPLETED") for number in range(150)] + [job_record(RUNNING)]
    server = FakeNotebookServer(jobs=jobs)
    assert delete_finished_jobs(server.client()) == 150


def test_delete_finished_jobs_on_an_old_server_is_a_clear_typed_error():
    server = server_with_jobs(delete_all_supported=False)
    with pytest.raises(UnsupportedOperationError, match=r"deleteAll, added in 10\.9"):
        delete_finished_jobs(server.client())
    assert len(server.jobs) == 3


def test_delete_finished_jobs_permission_denied_is_typed():
    with pytest.raises(PermissionDeniedError):
        delete_finished_jobs(server_with_jobs(admin=False).client())


# -- answers that hide whether a write took effect -------------------------------------------------

def test_unreadable_answer_after_a_write_is_read_back_not_repeated():
    server = FakeNotebookServer()
    original = server._answer

    def truncated(method, parts, fields):
        response = original(method, parts, fields)
        if parts == ["mode", "update"]:
            response.content = response.content[:5]
        return response

    server._answer = truncated
    update_site_mode(server.client(), "READ_ONLY")
    assert server.paths() == ["mode/update", "mode"]


def test_gateway_error_on_a_write_is_read_back_then_repeated_once():
    server = FakeNotebookServer()
    answers = iter([502])
    original = server._answer

    def gateway(method, parts, fields):
        status = next(answers, None) if parts == ["mode", "update"] else None
        if status:
            response = original("GET", ["mode"], fields)  # the server behind did not act
            response.status_code = status
            response.content = b"<html>Bad Gateway</html>"
            response.headers = {"Content-Type": "text/html"}
            return response
        return original(method, parts, fields)

    server._answer = gateway
    update_site_mode(server.client(), "READ_ONLY")
    assert server.mode == "READ_ONLY"
    assert server.paths() == ["mode/update", "mode", "mode/update"]


def test_a_plain_server_error_on_a_write_is_not_repeated():
    server = FakeNotebookServer()
    original = server._answer

    def refuse(method, parts, fields):
        if parts == ["mode", "update"]:
            return server._error(500, "Internal error")
        return original(method, parts, fields)

    server._answer = refuse
    with pytest.raises(ServerError):
        update_site_mode(server.client(), "READ_ONLY")
    assert server.paths() == ["mode/update"]
