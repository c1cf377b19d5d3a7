# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Counts and list positions a server sends (``total``, ``nextStart``), read leniently; None when unusable."""

from __future__ import annotations

import math
from typing import Any, Optional

# Thousands separators servers and proxies have been seen to put in numbers sent as text.
_SEPARATORS = str.maketrans("", "", ",_ \u00a0\u202f")


def read_integer(value: Any) -> Optional[int]:
    """A whole number of either sign (``12``, ``12.0``, ``"12"``, ``"1,151"``, ``-1``); None for a fraction, a
    boolean, infinity or anything that is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.translate(_SEPARATORS)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or number != int(number):
        return None
    return int(number)


def read_count(value: Any) -> Optional[int]:
    """A count: a whole number of zero or more (``read_integer``'s rules); None for a negative one too."""
    number = read_integer(value)
    return number if number is not None and number >= 0 else None
