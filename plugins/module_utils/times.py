# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Durations and points in time as users write them (``30m``, ISO-8601, ``-2h``) and as people read them (``2h5m``)."""

from __future__ import annotations

import datetime
import re
from typing import Dict, Optional, Union

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import OptionError

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")
_DURATION = re.compile(r"^(?:\d+(?:\.\d+)?[smhdw])+$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_RELATIVE = re.compile(r"^([+-])((?:\d+(?:\.\d+)?[smhdw])+)$")
# Below this, a number is taken as epoch *seconds*: 1e11 ms is March 1973, 1e11 s is the year 5138.
_EPOCH_SECONDS_LIMIT = 100000000000

Number = Union[int, float]


def parse_duration(value: object, option: str = "duration") -> float:
    """Seconds from ``90``, ``90s``, ``30m``, ``2h``, ``1d``, ``1w`` or a combination such as ``1h30m``."""
    if isinstance(value, bool):
        raise OptionError("%s must be a duration such as 30m, 2h or 1d, not a boolean" % option)
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        text = str(value).strip().lower().replace(" ", "")
        if _NUMBER.match(text):
            seconds = float(text)
        elif _DURATION.match(text):
            seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in _DURATION_PART.findall(text))
        else:
            raise OptionError("%s: %r is not a duration; use seconds or a number with s, m, h, d or w, "
                              "e.g. 30m, 2h, 1d, 1h30m" % (option, value))
    if seconds < 0:
        raise OptionError("%s must not be negative" % option)
    return seconds


def _from_iso(text: str) -> Optional[datetime.datetime]:
    candidate = text.strip()
    if candidate[-1:] in ("Z", "z"):
        candidate = candidate[:-1] + "+00:00"
    candidate = candidate.replace(" ", "T", 1) if "T" not in candidate and " " in candidate else candidate
    try:
        parsed = datetime.datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)  # a time without zone is UTC, like the server's epochs
    return parsed


def parse_time(value: object, now_ms: Number, option: str = "time") -> int:
    """Epoch milliseconds from ISO-8601 (UTC if no zone), epoch ms (or s, if small), ``now``, or ``-2h``/``+30m``."""
    if isinstance(value, bool):
        raise OptionError("%s must be a time, not a boolean" % option)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip()
        lowered = text.lower().replace(" ", "")
        relative = _RELATIVE.match(lowered)
        if lowered == "now":
            return int(now_ms)
        if relative:
            offset_ms = parse_duration(relative.group(2), option) * 1000.0
            return int(now_ms - offset_ms if relative.group(1) == "-" else now_ms + offset_ms)
        if _NUMBER.match(lowered):
            number = float(lowered)
        else:
            parsed = _from_iso(text) if text else None
            if parsed is None:
                raise OptionError("%s: %r is not a time; use ISO-8601 (2024-05-01T08:00:00Z), epoch milliseconds, "
                                  "or a time relative to now such as -2h or -1d" % (option, value))
            return int(parsed.timestamp() * 1000)
    if number < _EPOCH_SECONDS_LIMIT:
        number *= 1000.0
    return int(number)


def iso_from_epoch_ms(epoch_ms: object) -> Optional[str]:
    """``2024-05-01T08:00:00Z`` (UTC, whole seconds) from epoch ms; None for anything that is not a number.

    Called twice per job for lists of 100,000 jobs, so it caches the text up to the minute
    (jobs cluster in time) instead of calling ``strftime``, which would be most of the parse time.
    """
    if isinstance(epoch_ms, bool) or not isinstance(epoch_ms, (int, float)):
        return None
    try:
        minute, second = divmod(int(epoch_ms // 1000), 60)
    except (OverflowError, ValueError):
        return None
    prefix = _MINUTE_PREFIXES.get(minute)
    if prefix is None:
        try:
            moment = _EPOCH + datetime.timedelta(minutes=minute)
        except OverflowError:
            return None
        prefix = "%04d-%02d-%02dT%02d:%02d:" % (moment.year, moment.month, moment.day, moment.hour, moment.minute)
        if len(_MINUTE_PREFIXES) >= 65536:
            _MINUTE_PREFIXES.clear()
        _MINUTE_PREFIXES[minute] = prefix
    return "%s%02dZ" % (prefix, second)


_EPOCH = datetime.datetime(1970, 1, 1)
_MINUTE_PREFIXES: Dict[int, str] = {}
# A server's instant, as Jupyter writes it (2024-05-01T08:00:00.123456Z) or close to it; any number of fraction digits.
_ISO_INSTANT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
                          r"\s*(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$")


def epoch_ms_from_iso(value: object) -> Optional[int]:
    """Epoch ms from an ISO-8601 instant a server sent (UTC when it names no zone); None for anything else.

    Lenient about what servers really send (a space for ``T``, 3 to 9 fraction digits, ``+0000``), strict about
    the rest: an unreadable date is unknown, never "long ago".
    """
    if not isinstance(value, str):
        return None
    match = _ISO_INSTANT.match(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, _zulu, sign, offset_h, offset_m = match.groups()
    try:
        moment = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                                   tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    epoch_ms = int((moment - _EPOCH_UTC).total_seconds()) * 1000 + int((fraction or "0")[:3].ljust(3, "0"))
    if sign:
        offset_ms = (int(offset_h) * 60 + int(offset_m)) * 60000
        epoch_ms += -offset_ms if sign == "+" else offset_ms
    return epoch_ms


_EPOCH_UTC = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def format_duration(seconds: Optional[float]) -> str:
    """``45s``, ``4m10s``, ``12m``, ``2h5m``, ``1d3h``: two units at most, whole seconds; ``?`` for unknown."""
    if seconds is None:
        return "?"
    total = max(0, int(seconds))
    for unit_seconds, unit, sub_seconds, sub_unit in ((86400, "d", 3600, "h"), (3600, "h", 60, "m"), (60, "m", 1, "s")):
        if total >= unit_seconds:
            whole, rest = divmod(total, unit_seconds)
            part = rest // sub_seconds
            return "%d%s%d%s" % (whole, unit, part, sub_unit) if part else "%d%s" % (whole, unit)
    return "%ds" % total
