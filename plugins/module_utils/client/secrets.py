# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep secrets out of text: the one redaction every message, excerpt and report goes through."""

from __future__ import annotations

import json
import re
from typing import Iterable, Set

MASK = "********"
# user:password@ in any URL.
_URL_USERINFO = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]*@")
# Anything that looks like a secret assignment, whatever its value: token=..., "password": "...".
_SECRET_ASSIGNMENT = re.compile(
    r"""(?i)(["']?(?:token|password|access_token|passwd)["']?\s*[=:]\s*["']?)[^"'&\s,;}]+""")


def _spellings(secret: str) -> Set[str]:
    """The secret as written, and as repr() and JSON escape it (JSON with and without escaping what is not ASCII):
    error texts quote values every way, and a result's JSON text keeps non-ASCII characters as they are.
    """
    return {secret, repr(secret)[1:-1], json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}


def spellings(secrets: Iterable[str]) -> Set[str]:
    """Every way the secrets may be written in a text: as they are, and escaped as repr() and JSON escape them."""
    found: Set[str] = set()
    for secret in secrets:
        if secret:
            found |= _spellings(secret)
    return found


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every known secret (escaped forms too), credentials in URLs and every ``token=``/``password:``
    value masked.
    """
    # Longest first, so a secret that contains another is masked whole.
    for spelling in sorted(spellings(secrets), key=len, reverse=True):
        text = text.replace(spelling, MASK)
    text = _URL_USERINFO.sub(r"\1", text)
    return _SECRET_ASSIGNMENT.sub(lambda match: match.group(1) + MASK, text)


def public_url(url: object) -> str:
    """A URL as reports show it: no user name or password in it, no query string or fragment."""
    text = _URL_USERINFO.sub(r"\1", str(url or ""))
    return text.split("?", 1)[0].split("#", 1)[0]


def has_control_characters(value: str) -> bool:
    """True for a value no HTTP header or form may carry as is: a line break, a tab, any other control character."""
    return any(ord(character) < 32 or ord(character) == 127 for character in value)
