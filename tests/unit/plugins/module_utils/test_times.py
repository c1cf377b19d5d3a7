# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Durations and points in time as users write them."""

from __future__ import annotations

import datetime
import random

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import OptionError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.times import (
    format_duration,
    iso_from_epoch_ms,
    parse_duration,
    parse_time,
)

NOW_MS = 1714550400000  # 2024-05-01T08:00:00Z


@pytest.mark.parametrize("text, seconds", [
    ("90", 90.0), (90, 90.0), (1.5, 1.5), ("90s", 90.0), ("30m", 1800.0), ("2h", 7200.0), ("1d", 86400.0),
    ("1w", 604800.0), ("1h30m", 5400.0), ("1h 30m", 5400.0), ("2H", 7200.0), ("0.5h", 1800.0), ("0", 0.0),
])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "2 hours", "h", "-5m", "5x", "PT2H", True, "1.2.3m"])
def test_bad_durations_name_the_option(text):
    with pytest.raises(OptionError) as caught:
        parse_duration(text, "stuck_after")
    assert "stuck_after" in str(caught.value)


@pytest.mark.parametrize("text, expected", [
    ("2024-05-01T08:00:00Z", NOW_MS),
    ("2024-05-01T08:00:00z", NOW_MS),
    ("2024-05-01T10:00:00+02:00", NOW_MS),
    ("2024-05-01T08:00:00", NOW_MS),  # no zone: UTC, like the server's epochs
    ("2024-05-01 08:00:00", NOW_MS),
    ("2024-05-01", NOW_MS - 8 * 3600 * 1000),
    ("2024-05-01T08:00:00.250Z", NOW_MS + 250),
    (str(NOW_MS), NOW_MS),
    (NOW_MS, NOW_MS),
    (NOW_MS / 1000, NOW_MS),  # epoch seconds are recognised by size
    (str(NOW_MS // 1000), NOW_MS),
    ("now", NOW_MS),
    ("-2h", NOW_MS - 2 * 3600 * 1000),
    ("-30m", NOW_MS - 30 * 60 * 1000),
    ("-1d", NOW_MS - 86400 * 1000),
    ("+1h", NOW_MS + 3600 * 1000),
    ("-1h30m", NOW_MS - 5400 * 1000),
])
def test_times(text, expected):
    assert parse_time(text, NOW_MS) == expected


@pytest.mark.parametrize("text", ["yesterday", "2024-13-01", "-2x", "", False, "12:00"])
def test_bad_times_name_the_option(text):
    with pytest.raises(OptionError) as caught:
        parse_time(text, NOW_MS, "started_after")
    assert "started_after" in str(caught.value)


def test_iso_matches_strftime_over_many_random_times():
    rng = random.Random(7)
    for attempt in range(20000):
        value = rng.randint(-10 ** 12, 4 * 10 ** 12)
        expected = datetime.datetime.fromtimestamp(value / 1000.0, tz=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert iso_from_epoch_ms(value) == expected, (attempt, value)


@pytest.mark.parametrize("value", [None, "1714550400000", True, float("nan"), float("inf"), 10 ** 20, [1]])
def test_iso_of_non_numbers_is_none(value):
    assert iso_from_epoch_ms(value) is None


def test_iso_of_a_float():
    assert iso_from_epoch_ms(1612162576231.7) == "2021-02-01T06:56:16Z"


def test_format_duration():
    assert [format_duration(value) for value in (None, 5, 65, 3600, 3725, 90000)] == ["?", "5s", "1m5s", "1h", "1h2m", "1d1h"]
