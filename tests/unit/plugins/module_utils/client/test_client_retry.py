# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which statuses are retried and how long the waits are."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.retry import (
    RetryPolicy,
    parse_retry_after,
)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_reads_retry_transient_statuses(status):
    assert RetryPolicy().status_is_retryable(status, idempotent=True)


@pytest.mark.parametrize("status", [200, 400, 401, 403, 404, 498, 499, 501])
def test_never_retried(status):
    assert not RetryPolicy().status_is_retryable(status, idempotent=True)
    assert not RetryPolicy().status_is_retryable(status, idempotent=False)


@pytest.mark.parametrize("status, retryable", [(429, True), (500, False), (502, False), (503, False), (504, False)])
def test_writes_retry_only_what_was_not_processed(status, retryable):
    assert RetryPolicy().status_is_retryable(status, idempotent=False) is retryable


def test_exponential_backoff_is_capped():
    policy = RetryPolicy(retries=8, backoff=1.0, max_backoff=10.0)
    assert [policy.delay(n) for n in range(1, 7)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_retry_after_seconds_replace_the_backoff_and_are_capped():
    policy = RetryPolicy(backoff=1.0, max_retry_after=60.0)
    assert policy.delay(1, "7") == 7.0
    assert policy.delay(3, "0") == 0.0
    assert policy.delay(1, "3600") == 60.0


def test_retry_after_as_http_date():
    now = 1714550400.0  # Wed, 01 May 2024 08:00:00 GMT
    assert parse_retry_after("Wed, 01 May 2024 08:00:05 GMT", now) == 5.0
    assert parse_retry_after("Wed, 01 May 2024 07:00:00 GMT", now) == 0.0
    assert RetryPolicy(max_retry_after=2.0).delay(1, "Wed, 01 May 2024 08:00:05 GMT", now) == 2.0


@pytest.mark.parametrize("value", [None, "", "soon", "Wed, 99 Foo"])
def test_unreadable_retry_after_falls_back_to_backoff(value):
    assert RetryPolicy(backoff=2.0).delay(2, value, 1714550400.0) == 4.0


def test_negative_settings_are_refused():
    with pytest.raises(ValueError):
        RetryPolicy(retries=-1)
    with pytest.raises(ValueError):
        RetryPolicy(backoff=-1.0)
