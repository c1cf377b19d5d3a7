# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep secrets out of text: the one redaction every message, excerpt and report goes through."""

from __future__ import annotations

import re
from typing import Iterable

MASK = "********"
# user:password@ in any URL.
_URL_USERINFO = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]*@")
# Anything that looks like a secret assignment, whatever its value: token=..., "password": "...".
_SECRET_ASSIGNMENT = re.compile(
    r"""(?i)(["']?(?:token|password|access_token|passwd)["']?\s*[=:]\s*["']?)[^"'&\s,;}]+""")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every known secret, credentials in URLs and every ``token=``/``password:`` value masked."""
    # Longest first, so a secret that contains another is masked whole.
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _URL_USERINFO.sub(r"\1", text)
    return _SECRET_ASSIGNMENT.sub(lambda match: match.group(1) + MASK, text)


def public_url(url: object) -> str:
    """A URL as reports show it: no user name or password in it, no query string or fragment."""
    text = _URL_USERINFO.sub(r"\1", str(url or ""))
    return text.split("?", 1)[0].split("#", 1)[0]
