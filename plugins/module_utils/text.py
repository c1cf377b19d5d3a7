# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Short texts for people: counted nouns, one line, cut to fit a printed line."""

from __future__ import annotations

from typing import Optional

# One printed line of a poll, a report cell or an excerpt of a server's answer.
LINE_LIMIT = 160


def plural(count: int, word: str) -> str:
    """``1 job``, ``3 jobs``."""
    return "%d %s%s" % (count, word, "" if count == 1 else "s")


def one_line(text: Optional[str]) -> str:
    """``text`` with every run of whitespace, line breaks included, made one space."""
    return " ".join((text or "").split())


def shorten(text: str, limit: int = LINE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, ``...`` included, when it is longer."""
    return text if len(text) <= limit else text[:limit - 3].rstrip() + "..."
