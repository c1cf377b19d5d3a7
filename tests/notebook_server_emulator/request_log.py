"""The request log other teams' tests read: one entry per request to the emulated API (not the control API)."""

from __future__ import annotations

import collections
import itertools
import threading


class RequestLog:
    def __init__(self, limit: int = 200_000, sequence: itertools.count | None = None):
        """sequence: numbers shared with other logs (the sites of one process), so their entries merge in order."""
        self._lock = threading.Lock()
        self._entries: collections.deque = collections.deque(maxlen=limit)
        self._sequence = sequence if sequence is not None else itertools.count(1)

    def append(self, entry: dict) -> None:
        with self._lock:
            entry["seq"] = next(self._sequence)
            self._entries.append(entry)

    def entries(self, since: int = 0) -> list:
        """Entries with seq > since, oldest first."""
        with self._lock:
            return [dict(entry) for entry in self._entries if entry["seq"] > since]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
