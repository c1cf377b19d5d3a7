# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit's fast formatters write exactly the text of the general ones, whichever path a value takes."""

from __future__ import annotations

import csv
import io
import random

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit import formats
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.formats import (
    MAX_FAST_EPOCH_MS,
    MAX_FAST_TENTHS_MS,
    CsvCells,
    csv_cell,
    iso_time,
    spreadsheet_safe,
    tenths,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.times import iso_from_epoch_ms


def _general_tenths(milliseconds):
    return str(round(milliseconds / 1000.0, 1))


def test_tenths_is_str_of_round_for_every_millisecond_of_the_first_hours():
    for milliseconds in range(0, 3 * 3600 * 1000, 7):
        assert tenths(milliseconds) == _general_tenths(milliseconds), milliseconds


@pytest.mark.parametrize("milliseconds", [0, 49, 50, 51, 149, 150, 151, 950, 1050, 1150, 2050, 99999950, 86400050,
                                          MAX_FAST_TENTHS_MS - 1, MAX_FAST_TENTHS_MS, MAX_FAST_TENTHS_MS + 50,
                                          10 ** 16, 10 ** 19 + 50, -1, -49, -50, -51, -150, -3600000])
def test_tenths_at_ties_edges_and_outside_the_fast_path(milliseconds):
    assert tenths(milliseconds) == _general_tenths(milliseconds)


def test_tenths_of_random_values_up_to_the_fast_limit():
    chance = random.Random(18)
    for _round in range(200000):
        milliseconds = chance.randrange(0, MAX_FAST_TENTHS_MS)
        assert tenths(milliseconds) == _general_tenths(milliseconds), milliseconds
        tie = milliseconds // 100 * 100 + 50
        assert tenths(tie) == _general_tenths(tie), tie


def test_iso_time_is_the_cores_text():
    chance = random.Random(5)
    values = [chance.randrange(0, MAX_FAST_EPOCH_MS) for _round in range(20000)]
    values += [chance.randrange(1700000000000, 1700000000000 + 3 * 86400000) for _round in range(20000)]
    values += [0, 59999, 60000, 86399999, 951782400000, 4102444799999, MAX_FAST_EPOCH_MS - 1, MAX_FAST_EPOCH_MS,
               MAX_FAST_EPOCH_MS + 1000, -1, -60001, 10 ** 20, None, True, 1.5e12, "1714550400000"]
    for value in values:
        assert iso_time(value) == iso_from_epoch_ms(value), value


def test_iso_time_keeps_a_bounded_cache(monkeypatch):
    monkeypatch.setattr(formats, "_MAX_MINUTES_KEPT", 10)
    for minute in range(25):
        assert iso_time(minute * 60000 + 1000) == iso_from_epoch_ms(minute * 60000 + 1000)
    assert len(formats.MINUTE_PREFIXES) <= 10


def _csv_module_cell(text):
    """The cell as the csv module writes it (the way jobs.csv was written), from spreadsheet_safe's text."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([spreadsheet_safe(text), "x"])
    return buffer.getvalue()[:-3]


def test_csv_cell_quotes_every_character_as_the_csv_module_does():
    for code in list(range(0, 0x3000)) + [0x2028, 0x2029, 0xfeff, 0x1f600, 0x10ffff]:
        character = chr(code)
        for text in (character, "a" + character, character + "a", "a" + character + "b"):
            assert csv_cell(text) == _csv_module_cell(text), repr(text)


@pytest.mark.parametrize("text", ["", "alice", "=1+1", "+1", "-1", "@x", "\tx", "\rx", "'x", "a,b", 'a"b', "a\nb",
                                  "=a,b", '-"quoted"', " ", "a b", "j0bc73e29-3725-4eb1-b6c7-db2cdc56799c"])
def test_csv_cell_of_names_a_server_may_send(text):
    assert csv_cell(text) == _csv_module_cell(text)
    assert CsvCells()[text] == _csv_module_cell(text)
