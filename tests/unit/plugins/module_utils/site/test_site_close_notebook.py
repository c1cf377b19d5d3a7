# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Closing a notebook: closeNotebook, the older close on 404, a lost answer checked by a read, never blindly repeated."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    NotFoundError,
    OptionError,
    PermissionDeniedError,
    UnsupportedOperationError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.site.close_notebook import close_notebook
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    TIMEOUT_AFTER,
    TIMEOUT_BEFORE,
    Reply,
    make_client,
)


@pytest.fixture
def server(fake_server):
    fake_server.open_notebook("n1", "alice")
    return fake_server


def test_close_notebook(server):
    outcome = close_notebook(make_client(server), "n1")
    assert (outcome.closed, outcome.operation) == (True, "closeNotebook")
    assert server.paths() == ["notebooks/n1/closeNotebook"] and server.notebooks == []
    assert server.calls_to("/closeNotebook")[0].method == "POST"


def test_older_servers_close(server):
    server.close_operations = ("close",)
    outcome = close_notebook(make_client(server), "n1")
    assert (outcome.closed, outcome.operation) == (True, "close")
    assert server.paths() == ["notebooks/n1/closeNotebook", "notebooks/n1", "notebooks/n1/close"]


def test_a_lost_answer_after_the_close_is_checked_not_repeated(server):
    server.fail_next("notebooks/n1/closeNotebook", TIMEOUT_AFTER)
    outcome = close_notebook(make_client(server), "n1")
    assert outcome.closed and server.paths() == ["notebooks/n1/closeNotebook", "notebooks/n1"]


def test_a_lost_request_is_sent_once_more(server):
    server.fail_next("notebooks/n1/closeNotebook", TIMEOUT_BEFORE)
    outcome = close_notebook(make_client(server), "n1")
    assert outcome.closed and server.paths() == ["notebooks/n1/closeNotebook", "notebooks/n1",
                                                 "notebooks/n1/closeNotebook"]


def test_a_notebook_already_closed(server):
    server.notebooks = []
    outcome = close_notebook(make_client(server), "n1")
    assert not outcome.closed and server.writes() == ["notebooks/n1/closeNotebook"]


def test_neither_operation_known(server):
    server.close_operations = ()
    with pytest.raises(UnsupportedOperationError, match="answered 'not found' for both closeNotebook and close"):
        close_notebook(make_client(server), "n1")
    assert len(server.notebooks) == 1


def test_an_html_404_is_not_a_closed_notebook(server):
    page = Reply(404, "<html><body>Not Found</body></html>", {"Content-Type": "text/html"})
    server.script("admin/notebooks/n1/closeNotebook", page)
    server.script("admin/notebooks/n1", page)
    with pytest.raises(NotFoundError):
        close_notebook(make_client(server), "n1")
    assert len(server.notebooks) == 1


def test_refused(server):
    server.script("admin/notebooks/n1/closeNotebook", Reply(200, {"error": {"code": 403, "message": "Not allowed."}}))
    with pytest.raises(PermissionDeniedError):
        close_notebook(make_client(server), "n1")


@pytest.mark.parametrize("bad", ["", "  ", None, 3])
def test_bad_ids(server, bad):
    with pytest.raises(OptionError):
        close_notebook(make_client(server), bad)
    assert server.calls == []


def test_the_id_cannot_change_the_path(server):
    close_notebook(make_client(server), "../system/jobs")
    assert server.raw_paths()[0] == "notebooks/..%2Fsystem%2Fjobs/closeNotebook"
