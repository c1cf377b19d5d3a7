# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Complete job lists in at most two requests; partial when limited; jobs by id."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import BadResponseError, ServerError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.listing import (
    DEFAULT_NUM,
    MAX_NUM,
    get_jobs,
    list_jobs,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    Reply,
    job,
    make_client,
)


def _jobs(count):
    return [job("j%05d" % i) for i in range(count)]


def _list_calls(server):
    return [c for c in server.calls if c.path.endswith("/admin/system/jobs")]


def test_one_request_when_everything_fits(fake_server):
    server = fake_server.load(_jobs(250))
    listing = list_jobs(make_client(server))
    assert (len(listing.records), listing.total, listing.complete, listing.requests) == (250, 250, True, 1)
    call, = _list_calls(server)
    assert call.form["detail"] == "true" and call.form["sortByDate"] == "true" and call.form["f"] == "json"
    assert call.form["num"] == str(DEFAULT_NUM)


def test_a_second_request_when_total_says_more(fake_server):
    server = fake_server.load(_jobs(DEFAULT_NUM + 5))
    listing = list_jobs(make_client(server))
    assert (len(listing.records), listing.total, listing.complete, listing.requests) == (DEFAULT_NUM + 5, DEFAULT_NUM + 5, True, 2)
    first, second = _list_calls(server)
    assert int(second.form["num"]) >= DEFAULT_NUM + 5


def test_never_more_than_two_requests_and_honest_when_the_server_caps_num(fake_server):
    server = fake_server.load(_jobs(150), max_num=100)  # a server that returns at most 100 whatever is asked
    listing = list_jobs(make_client(server))
    assert len(listing.records) == 100 and listing.total == 150
    assert listing.complete is False
    assert len(_list_calls(server)) == 2


def test_a_user_limit_is_one_request_and_says_partial(fake_server):
    server = fake_server.load(_jobs(50))
    listing = list_jobs(make_client(server), num=10)
    assert (len(listing.records), listing.total, listing.complete) == (10, 50, False)
    assert len(_list_calls(server)) == 1
    assert _list_calls(server)[0].form["num"] == "10"


def test_a_user_limit_above_total_is_complete(fake_server):
    listing = list_jobs(make_client(fake_server.load(_jobs(5))), num=10)
    assert listing.complete is True


def test_without_a_total_a_list_is_never_known_to_be_complete(fake_server):
    """A server that caps num and sends no total looked complete (issue 13, item 2): fewer came than were asked."""
    server = fake_server.load()
    server.script("admin/system/jobs", Reply(200, {"asyncJobs": [job("j1")]}))
    listing = list_jobs(make_client(server))
    assert listing.total is None and listing.complete is False
    assert listing.incomplete_reason == ("the jobs answer has no usable total (none sent), so the list is not "
                                         "known to be complete")
    server.script("admin/system/jobs", Reply(200, {"asyncJobs": [job("j1"), job("j2")]}))
    listing = list_jobs(make_client(server), num=2)
    assert listing.complete is False


def test_a_capped_server_with_a_float_string_total_is_read_twice_and_completely(fake_server):
    server = fake_server.load(_jobs(151), max_num=100)
    real = server.answer

    def float_string_total(call):
        reply = real(call)
        reply.body["total"] = "151.0"
        return reply

    server.script("admin/system/jobs", float_string_total, float_string_total)
    listing = list_jobs(make_client(server))
    assert listing.total == 151 and len(listing.records) == 100 and listing.complete is False
    assert listing.incomplete_reason == "the server holds 151 jobs and 100 came back"


def test_num_is_never_above_the_cap(fake_server):
    server = fake_server.load(_jobs(3))
    huge_total = Reply(200, {"asyncJobs": [job("j1")], "total": 10 ** 12})
    server.script("admin/system/jobs", huge_total, huge_total)
    listing = list_jobs(make_client(server))
    asked = [int(call.form["num"]) for call in _list_calls(server)]
    assert asked == [DEFAULT_NUM, MAX_NUM] and listing.complete is False
    assert "at most %d are ever asked for" % MAX_NUM in listing.incomplete_reason
    assert list_jobs(make_client(server), num=10 ** 9) and int(_list_calls(server)[-1].form["num"]) == MAX_NUM


def test_items_that_are_not_records_make_the_list_incomplete(fake_server):
    server = fake_server.load()
    server.script("admin/system/jobs", Reply(200, {"asyncJobs": [job("j1"), "jnot-a-record", 42, None], "total": 4}))
    listing = list_jobs(make_client(server))
    assert listing.complete is False and listing.incomplete_reason == "3 items of the list are not a job record"


def test_string_total_is_read(fake_server):
    server = fake_server.load()
    server.script("admin/system/jobs", Reply(200, {"asyncJobs": [job("j1")], "total": "1"}))
    assert list_jobs(make_client(server)).total == 1


@pytest.mark.parametrize("body", [{"jobs": []}, {"asyncJobs": "none"}, [], {"total": 3}])
def test_answers_without_a_job_list_are_bad_responses(fake_server, body):
    server = fake_server.load()
    server.script("admin/system/jobs", Reply(200, body))
    with pytest.raises(BadResponseError) as caught:
        list_jobs(make_client(server))
    assert "asyncJobs" in str(caught.value)


def test_jobs_by_id_with_missing_ones(fake_server):
    server = fake_server.load([job("j1"), job("j2", "COMPLETED")])
    listing = get_jobs(make_client(server), ["j2", "gone", "j1"])
    assert [r["jobId"] for r in listing.records] == ["j2", "j1"]
    assert listing.missing_job_ids == ["gone"]
    assert listing.complete is True and listing.total == 2
    paths = [c.path for c in server.calls if "/system/jobs/" in c.path]
    assert paths == ["/arcgis/admin/system/jobs/j2", "/arcgis/admin/system/jobs/gone", "/arcgis/admin/system/jobs/j1"]


def test_job_ids_cannot_escape_their_path(fake_server):
    server = fake_server.load([job("j1")])
    listing = get_jobs(make_client(server), ["../mode"])
    assert listing.missing_job_ids == ["../mode"]
    assert server.calls[-1].path == "/arcgis/admin/system/jobs/..%2Fmode"


def test_other_errors_for_a_job_id_are_raised(fake_server):
    server = fake_server.load([job("j1")])
    server.script("admin/system/jobs/j1", Reply(200, {"status": "error", "messages": ["boom"], "code": 500}))
    with pytest.raises(ServerError):
        get_jobs(make_client(server), ["j1"])


def test_a_job_answer_that_is_not_a_job_is_a_bad_response(fake_server):
    server = fake_server.load([job("j1")])
    server.script("admin/system/jobs/j1", Reply(200, {"status": "success"}))
    with pytest.raises(BadResponseError):
        get_jobs(make_client(server), ["j1"])
