# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which of the core's errors a waiting drain outlives, and how they are worded on a poll line."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain_site import (
    DRAIN_ARGUMENT_SPEC,
    describe_fault,
    fault_will_pass,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.errors import (
    AuthenticationError,
    BadResponseError,
    NotFoundError,
    OptionError,
    PermissionDeniedError,
    ServerError,
    TLSError,
    TransportError,
    WriteOutcomeUnknownError,
)

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


def test_describe_fault_leaves_the_url_out():
    assert describe_fault(TransportError("cannot connect (Connection refused)", SERVER)) == "cannot connect (Connection refused)"
    assert describe_fault(ValueError("plain")) == "plain"


def test_argument_spec_has_the_connection_and_the_drain_options_with_secrets_hidden():
    assert {"url", "username", "password", "token", "poll_interval", "wait_timeout", "stuck_jobs"} <= set(DRAIN_ARGUMENT_SPEC)
    assert DRAIN_ARGUMENT_SPEC["password"]["no_log"] and DRAIN_ARGUMENT_SPEC["token"]["no_log"]
