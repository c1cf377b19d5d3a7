# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which of the core's errors a waiting drain outlives, and how an error is worded on a poll line."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    AuthenticationError,
    BadResponseError,
    NotFoundError,
    OptionError,
    PermissionDeniedError,
    ServerError,
    TLSError,
    TransportError,
    WriteOutcomeUnknownError,
    cause,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.waiter import fault_will_pass

SERVER = "https://nb1.example.com:11443/arcgis"


@pytest.mark.parametrize("error, passes", [
    (TransportError("cannot connect (Connection refused)", SERVER), True),
    (WriteOutcomeUnknownError("no answer within the timeout", SERVER), True),
    (ServerError("HTTP 503", SERVER, 503, 503), True),
    (ServerError("the server reported an error (code 500): boom", SERVER, 200, 500), True),
    (ServerError("the server reported an error (code 400): bad request", SERVER, 200, 400), False),
    (BadResponseError("HTTP 502 gateway page", SERVER, 502), True),
    (BadResponseError("HTTP 200 answer is not JSON (text/html): login", SERVER, 200), False),
    (TLSError("TLS failed: certificate verify failed", SERVER), False),
    (AuthenticationError("could not get a token", SERVER, 200, 400), False),
    (PermissionDeniedError("permission denied", SERVER, 200, 403), False),
    (NotFoundError("not found", SERVER, 404, 404), False),
    (OptionError("url is not a URL"), False),
])
def test_fault_will_pass(error, passes):
    assert fault_will_pass(error) is passes


@pytest.mark.parametrize("error", [
    BadResponseError("HTTP 200 answer is not JSON (text/html): login", SERVER, 200),
    BadResponseError("the jobs answer has no asyncJobs list", SERVER),
    BadResponseError("HTTP 200 answer is not valid JSON (cut short or malformed)", SERVER, 200),
])
def test_an_unreadable_answer_passes_once_the_server_has_been_read(error):
    assert fault_will_pass(error) is False
    assert fault_will_pass(error, read_before=True) is True


def test_refusals_do_not_pass_even_after_a_good_read():
    assert not fault_will_pass(AuthenticationError("could not get a token", SERVER, 200, 400), read_before=True)
    assert not fault_will_pass(TLSError("TLS failed", SERVER), read_before=True)


def test_cause_leaves_the_url_out_and_fits_one_line():
    assert cause(TransportError("cannot connect (Connection refused)", SERVER)) == "cannot connect (Connection refused)"
    assert cause(ValueError("plain\n  text")) == "plain text"
    assert cause(ValueError()) == "ValueError"
