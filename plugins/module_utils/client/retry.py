# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""When a failed request may be repeated, and how long to wait first (exponential backoff, ``Retry-After`` capped)."""

from __future__ import annotations

import email.utils
from dataclasses import dataclass
from typing import Optional

# Worth another try: too many requests, a server error, a gateway that lost its backend.
# Never 400/401/403/404: the same request gets the same answer.
RETRYABLE_STATUSES = frozenset((429, 500, 502, 503, 504))
# The statuses that say the request was *not* processed, so even a write may be sent again.
NOT_PROCESSED_STATUSES = frozenset((429,))


@dataclass(frozen=True)
class RetryPolicy:
    """``retries`` repeats after the first try; waits of ``backoff`` * 2**n up to ``max_backoff`` seconds.

    A ``Retry-After`` header replaces the computed wait but is capped at ``max_retry_after``, so a
    server asking for an hour cannot hang a play.
    """

    retries: int = 3
    backoff: float = 1.0
    max_backoff: float = 30.0
    max_retry_after: float = 60.0

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError("retries must not be negative")
        if self.backoff < 0 or self.max_backoff < 0 or self.max_retry_after < 0:
            raise ValueError("waits must not be negative")

    def status_is_retryable(self, status: int, idempotent: bool) -> bool:
        return status in (RETRYABLE_STATUSES if idempotent else NOT_PROCESSED_STATUSES)

    def delay(self, retry_number: int, retry_after: Optional[str] = None, now_epoch: Optional[float] = None) -> float:
        """Seconds to wait before retry ``retry_number`` (1 for the first retry)."""
        asked = parse_retry_after(retry_after, now_epoch)
        if asked is not None:
            return min(asked, self.max_retry_after)
        return min(self.backoff * (2 ** (retry_number - 1)), self.max_backoff)


def parse_retry_after(value: Optional[str], now_epoch: Optional[float] = None) -> Optional[float]:
    """Seconds from a ``Retry-After`` header: a number of seconds or an HTTP date; None if absent or unreadable."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None or now_epoch is None:
        return None
    return max(0.0, moment.timestamp() - now_epoch)
