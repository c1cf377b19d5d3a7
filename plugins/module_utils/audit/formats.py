# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the audit writes values: ISO times, seconds to a tenth, CSV cells; the same text as the general way, faster.

jobs.csv writes two times, two numbers and four texts per job, 500,000 jobs for a fleet of 500 servers: each
function here has a fast path for the common value and falls back to the general formatter for every other one,
so the bytes never depend on which path was taken (unit tests compare the two).
"""

from __future__ import annotations

import csv
import io
import re
import time
from typing import Any, Dict, Optional

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.times import iso_from_epoch_ms

# Year 9999: beyond it time.gmtime and datetime disagree, so the core's formatter decides.
MAX_FAST_EPOCH_MS = 253402300799000
# Below this many milliseconds (278 years) a tenth of a second is exact in a float and repr() prints it as q.d.
MAX_FAST_TENTHS_MS = 2 ** 43
DIGITS = tuple("0123456789")
SECOND_SUFFIXES = tuple("%02dZ" % second for second in range(60))
# "2024-05-01T12:00:" per minute since the epoch: jobs cluster in time, so a few thousand cover a fleet.
MINUTE_PREFIXES: Dict[int, str] = {}
_MAX_MINUTES_KEPT = 65536

# A spreadsheet runs a cell that starts with one of these as a formula; usernames and messages come from servers.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
# A text the csv module writes as it is (printable ASCII but the quote and the comma) and no formula lead
# prefixes: the cell is the text itself. Anything else takes the general path.
PLAIN_CELL = re.compile(r"(?:[\x20-\x21\x23-\x2a\x2e-\x3c\x3e-\x3f\x41-\x7e][\x20-\x21\x23-\x2b\x2d-\x7e]*)?").fullmatch


def minute_prefix(minute: int) -> str:
    """``2024-05-01T12:00:`` for a minute since the epoch (0 to the end of year 9999), remembered."""
    prefix = MINUTE_PREFIXES.get(minute)
    if prefix is None:
        if len(MINUTE_PREFIXES) >= _MAX_MINUTES_KEPT:
            MINUTE_PREFIXES.clear()
        prefix = MINUTE_PREFIXES[minute] = time.strftime("%Y-%m-%dT%H:%M:", time.gmtime(minute * 60))
    return prefix


def iso_time(epoch_ms: Any) -> Optional[str]:
    """``2024-05-01T12:00:00Z`` for epoch milliseconds; None stays None: the text of the core's ``iso_from_epoch_ms``."""
    if epoch_ms.__class__ is int and 0 <= epoch_ms < MAX_FAST_EPOCH_MS:
        prefix = MINUTE_PREFIXES.get(epoch_ms // 60000) or minute_prefix(epoch_ms // 60000)
        return prefix + SECOND_SUFFIXES[epoch_ms // 1000 % 60]
    return iso_from_epoch_ms(epoch_ms)


def tenths(milliseconds: int) -> str:
    """``str(round(milliseconds / 1000.0, 1))``, the same text, by integer arithmetic where that is exact.

    A tie (a remainder of exactly 50 ms) rounds as the float does, so it, like a negative or huge value, takes
    the general path.
    """
    if milliseconds.__class__ is int and 0 <= milliseconds < MAX_FAST_TENTHS_MS:
        tenth, tie = divmod(milliseconds + 50, 100)
        if tie:
            return str(tenth // 10) + "." + DIGITS[tenth % 10]
    return str(round(milliseconds / 1000.0, 1))


def spreadsheet_safe(value: Any) -> str:
    """A CSV cell: text that a spreadsheet would evaluate gets a leading quote; booleans are ``true``/``false``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def csv_cell(text: str) -> str:
    """A text as one cell of a CSV row: spreadsheet-safe, then quoted exactly as the csv module quotes it."""
    if PLAIN_CELL(text) is not None:
        return text
    safe = "'" + text if text.startswith(FORMULA_LEADS) else text
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow((safe, ""))
    return buffer.getvalue()[:-2]  # the cell without the empty second one and the line end


class CsvCells(dict):
    """``csv_cell`` of texts, remembered: owners, types and statuses repeat across thousands of rows."""

    def __missing__(self, text: str) -> str:
        cell = self[text] = csv_cell(text)
        return cell
