# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Site mode, job cancel and deleteAll through the real client against a fake server session."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    NotFoundError,
    OptionError,
    PermissionDeniedError,
    ServerError,
    WriteOutcomeUnknownError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import UnsupportedOperationError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.listing import read_job
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import is_finished
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.site.cancel import cancel_job
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.site.cleanup import (
    delete_finished_jobs,
    removable_job_ids,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.site.mode import (
    read_site_mode,
    update_site_mode,
    validate_site_mode,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    GIVEN_TOKEN,
    TIMEOUT_AFTER,
    TIMEOUT_BEFORE,
    FakeNotebookServer,
    job_record,
    Reply,
    make_client,
)

RUNNING = "j0bc73e29-3725-4eb1-b6c7-db2cdc56799c"
DONE = "j11111111-3725-4eb1-b6c7-db2cdc56799c"
FAILED = "j22222222-3725-4eb1-b6c7-db2cdc56799c"


def server_with_jobs(server: FakeNotebookServer, **kwargs) -> FakeNotebookServer:
    return server.load([job_record(RUNNING), job_record(DONE, "COMPLETED"), job_record(FAILED, "FAILED")], **kwargs)


def client_of(server: FakeNotebookServer):
    """A client with a ready token, as the drain and the modules get one."""
    return make_client(server, retries=2, username=None, password=None, token=GIVEN_TOKEN)


# -- pure helpers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("record, finished", [
    (job_record("j1", "SUBMITTED"), False),
    (job_record("j1", "PROCESSING"), False),
    (job_record("j1", "COMPLETED"), True),
    (job_record("j1", "FAILED"), True),
    (job_record("j1", "PROCESSING", cancelled=True), False),  # a cancel requested is not a job ended
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

def test_read_site_mode(fake_server):
    assert read_site_mode(client_of(fake_server.load(mode="READ_ONLY"))) == "READ_ONLY"


def test_update_site_mode_writes_once(fake_server):
    server = fake_server.load()
    update_site_mode(client_of(server), "READ_ONLY")
    assert server.mode == "READ_ONLY"
    assert server.writes() == ["mode/update"]
    assert server.calls[-1].form["siteMode"] == "READ_ONLY"


def test_update_site_mode_timeout_after_write_reads_and_does_not_repeat(fake_server):
    server = fake_server.load()
    server.fail_next("mode/update", TIMEOUT_AFTER)
    update_site_mode(client_of(server), "READ_ONLY")
    assert server.mode == "READ_ONLY"
    assert server.paths() == ["mode/update", "mode"]


def test_update_site_mode_timeout_before_write_reads_then_repeats_once(fake_server):
    server = fake_server.load()
    server.fail_next("mode/update", TIMEOUT_BEFORE)
    update_site_mode(client_of(server), "READ_ONLY")
    assert server.mode == "READ_ONLY"
    assert server.paths() == ["mode/update", "mode", "mode/update"]


def test_update_site_mode_gives_up_after_the_second_unknown_outcome(fake_server):
    server = fake_server.load()
    server.fail_next("mode/update", TIMEOUT_BEFORE, TIMEOUT_BEFORE, TIMEOUT_BEFORE)
    with pytest.raises(WriteOutcomeUnknownError):
        update_site_mode(client_of(server), "READ_ONLY")
    assert server.writes() == ["mode/update", "mode/update"]
    assert server.mode == "EDITABLE"


def test_update_site_mode_second_timeout_after_success_is_success(fake_server):
    server = fake_server.load()
    server.fail_next("mode/update", TIMEOUT_BEFORE, TIMEOUT_AFTER)
    update_site_mode(client_of(server), "READ_ONLY")
    assert server.paths() == ["mode/update", "mode", "mode/update", "mode"]


def test_mode_permission_denied_is_typed(fake_server):
    with pytest.raises(PermissionDeniedError):
        read_site_mode(client_of(fake_server.load(admin=False)))


# -- one job ---------------------------------------------------------------------------------------

def test_read_job_returns_the_full_record(fake_server):
    record = read_job(client_of(server_with_jobs(fake_server)), RUNNING)
    assert record["jobId"] == RUNNING
    assert record["status"] == "PROCESSING"


def test_read_job_unknown_id_is_not_found_naming_the_job(fake_server):
    with pytest.raises(NotFoundError, match="job jnope does not exist"):
        read_job(client_of(server_with_jobs(fake_server)), "jnope")


def test_read_job_refuses_an_empty_id(fake_server):
    server = server_with_jobs(fake_server)
    with pytest.raises(OptionError):
        read_job(client_of(server), "  ")
    assert server.calls == []


def test_read_job_quotes_the_id_so_it_cannot_change_the_path(fake_server):
    server = server_with_jobs(fake_server)
    with pytest.raises(NotFoundError):
        read_job(client_of(server), "../../mode")
    assert server.raw_paths() == ["system/jobs/..%2F..%2Fmode"]


def test_cancel_running_job_posts_cancel_and_returns_the_new_record(fake_server):
    server = server_with_jobs(fake_server)
    outcome = cancel_job(client_of(server), RUNNING)
    assert outcome.cancelled is True
    assert outcome.record["customAttributes"]["isCancelled"] is True
    assert server.paths() == ["system/jobs/" + RUNNING, "system/jobs/%s/cancel" % RUNNING, "system/jobs/" + RUNNING]


def test_cancel_job_returns_the_record(fake_server):
    record = cancel_job(client_of(server_with_jobs(fake_server)), RUNNING).record
    assert record["jobId"] == RUNNING
    assert is_finished(record)


def test_cancel_finished_job_is_left_alone(fake_server):
    server = server_with_jobs(fake_server)
    outcome = cancel_job(client_of(server), DONE)
    assert outcome.cancelled is False
    assert outcome.record["status"] == "COMPLETED"
    assert server.writes() == []


def test_cancel_unknown_job_is_not_found_without_a_write(fake_server):
    server = server_with_jobs(fake_server)
    with pytest.raises(NotFoundError, match="jnope"):
        cancel_job(client_of(server), "jnope")
    assert server.writes() == []


def test_cancel_timeout_after_write_reads_and_does_not_repeat(fake_server):
    server = server_with_jobs(fake_server)
    server.fail_next("system/jobs/%s/cancel" % RUNNING, TIMEOUT_AFTER)
    outcome = cancel_job(client_of(server), RUNNING)
    assert outcome.cancelled is True
    assert server.writes() == ["system/jobs/%s/cancel" % RUNNING]


def test_cancel_timeout_before_write_reads_then_repeats_once(fake_server):
    server = server_with_jobs(fake_server)
    server.fail_next("system/jobs/%s/cancel" % RUNNING, TIMEOUT_BEFORE)
    outcome = cancel_job(client_of(server), RUNNING)
    assert outcome.record["customAttributes"]["isCancelled"] is True
    assert server.paths() == [
        "system/jobs/" + RUNNING, "system/jobs/%s/cancel" % RUNNING,
        "system/jobs/" + RUNNING, "system/jobs/%s/cancel" % RUNNING,
        "system/jobs/" + RUNNING,
    ]


def test_cancel_repeated_unknown_outcome_raises_after_two_writes(fake_server):
    server = server_with_jobs(fake_server)
    server.fail_next("system/jobs/%s/cancel" % RUNNING, TIMEOUT_BEFORE, TIMEOUT_BEFORE)
    with pytest.raises(WriteOutcomeUnknownError):
        cancel_job(client_of(server), RUNNING)
    assert len(server.writes()) == 2


def test_cancel_on_a_server_without_the_operation_is_a_clear_typed_error(fake_server):
    server = server_with_jobs(fake_server, cancel_supported=False)
    with pytest.raises(UnsupportedOperationError, match=r"does not support cancelling jobs \(added in 10\.8\.1\)"):
        cancel_job(client_of(server), RUNNING)
    assert server.record(RUNNING)["status"] == "PROCESSING"


def test_cancel_of_a_job_removed_meanwhile_is_not_found_not_unsupported(fake_server):
    server = server_with_jobs(fake_server)

    def removed_then_answered(call):
        server.jobs = [record for record in server.jobs if record["jobId"] != RUNNING]
        return server.answer(call)

    server.script("admin/system/jobs/%s/cancel" % RUNNING, removed_then_answered)
    with pytest.raises(NotFoundError) as caught:
        cancel_job(client_of(server), RUNNING)
    assert not isinstance(caught.value, UnsupportedOperationError)


def test_cancel_permission_denied_is_typed(fake_server):
    with pytest.raises(PermissionDeniedError):
        cancel_job(client_of(server_with_jobs(fake_server, admin=False)), RUNNING)


def test_cancel_job_that_ignores_cancel_still_reports_the_record(fake_server):
    server = server_with_jobs(fake_server)
    server.ignore_cancel.add(RUNNING)
    outcome = cancel_job(client_of(server), RUNNING)
    assert outcome.cancelled is True
    assert outcome.record["status"] == "PROCESSING"


def test_cancel_works_with_the_token_in_a_header_too(fake_server):
    server = server_with_jobs(fake_server)
    assert cancel_job(make_client(server, username=None, password=None, token=GIVEN_TOKEN, token_location="header"), RUNNING).cancelled is True


# -- finished jobs ---------------------------------------------------------------------------------

def test_removable_job_ids(fake_server):
    assert removable_job_ids(client_of(server_with_jobs(fake_server))) == {DONE, FAILED}


def test_delete_finished_jobs_counts_what_went(fake_server):
    server = server_with_jobs(fake_server)
    assert len(delete_finished_jobs(client_of(server))) == 2
    assert server.job_ids() == [RUNNING]
    assert server.writes() == ["system/jobs/deleteAll"]


def test_delete_finished_jobs_again_removes_nothing(fake_server):
    server = server_with_jobs(fake_server)
    client = client_of(server)
    delete_finished_jobs(client)
    assert delete_finished_jobs(client) == frozenset()


def test_delete_finished_jobs_asks_the_server_even_when_none_is_visible(fake_server):
    server = fake_server.load(jobs=[job_record(RUNNING)])
    assert len(delete_finished_jobs(client_of(server))) == 0
    assert server.writes() == ["system/jobs/deleteAll"]


def test_delete_finished_jobs_timeout_after_write_reads_and_does_not_repeat(fake_server):
    server = server_with_jobs(fake_server)
    server.fail_next("system/jobs/deleteAll", TIMEOUT_AFTER)
    assert len(delete_finished_jobs(client_of(server))) == 2
    assert server.writes() == ["system/jobs/deleteAll"]


def test_delete_finished_jobs_timeout_before_write_reads_then_repeats_once(fake_server):
    server = server_with_jobs(fake_server)
    server.fail_next("system/jobs/deleteAll", TIMEOUT_BEFORE)
    assert len(delete_finished_jobs(client_of(server))) == 2
    assert server.paths() == ["system/jobs", "system/jobs/deleteAll", "system/jobs", "system/jobs/deleteAll",
                              "system/jobs"]


def test_delete_finished_jobs_uses_the_complete_listing(fake_server):
    jobs = [job_record("j%05d" % number, "COMPLETED") for number in range(150)] + [job_record(RUNNING)]
    server = fake_server.load(jobs=jobs)
    assert len(delete_finished_jobs(client_of(server))) == 150


def test_delete_finished_jobs_on_an_old_server_is_a_clear_typed_error(fake_server):
    server = server_with_jobs(fake_server, delete_all_supported=False)
    with pytest.raises(UnsupportedOperationError, match=r"deleteAll, added in 10\.9"):
        delete_finished_jobs(client_of(server))
    assert len(server.jobs) == 3


def test_delete_finished_jobs_permission_denied_is_typed(fake_server):
    with pytest.raises(PermissionDeniedError):
        delete_finished_jobs(client_of(server_with_jobs(fake_server, admin=False)))


# -- answers that hide whether a write took effect -------------------------------------------------

def test_unreadable_answer_after_a_write_is_read_back_not_repeated(fake_server):
    server = fake_server.load()
    server.script("admin/mode/update",
                  lambda call: Reply(200, server.answer(call).content()[:5], {"Content-Type": "application/json"}))
    update_site_mode(client_of(server), "READ_ONLY")
    assert server.mode == "READ_ONLY"
    assert server.paths() == ["mode/update", "mode"]


def test_gateway_error_on_a_write_is_read_back_then_repeated_once(fake_server):
    server = fake_server.load()
    # The gateway answers; the server behind it did not act.
    server.script("admin/mode/update", Reply(502, "<html>Bad Gateway</html>", {"Content-Type": "text/html"}))
    update_site_mode(client_of(server), "READ_ONLY")
    assert server.mode == "READ_ONLY"
    assert server.paths() == ["mode/update", "mode", "mode/update"]


def test_a_plain_server_error_on_a_write_is_not_repeated(fake_server):
    server = fake_server.load()
    server.script("admin/mode/update", Reply(200, {"error": {"code": 500, "message": "Internal error", "details": []}}))
    with pytest.raises(ServerError):
        update_site_mode(client_of(server), "READ_ONLY")
    assert server.paths() == ["mode/update"]
