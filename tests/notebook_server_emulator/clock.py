"""The emulator's clock: epoch milliseconds that can run faster than real time and be moved forward."""

from __future__ import annotations

import threading
import time


class EmulatedClock:
    """Emulated time = a wall-clock anchor plus scaled monotonic time elapsed since the anchor.

    A monotonic base keeps emulated time from jumping when the host clock is adjusted;
    re-anchoring on every change keeps it continuous when the scale changes.
    """

    def __init__(self, time_scale: float = 1.0, offset_seconds: float = 0.0):
        self._lock = threading.Lock()
        self._scale = float(time_scale)
        self._anchor_ms = (time.time() + offset_seconds) * 1000.0
        self._anchor_mono = time.monotonic()

    @property
    def time_scale(self) -> float:
        return self._scale

    def now_ms(self) -> int:
        with self._lock:
            return int(self._anchor_ms + (time.monotonic() - self._anchor_mono) * 1000.0 * self._scale)

    def _reanchor(self) -> None:
        mono = time.monotonic()
        self._anchor_ms += (mono - self._anchor_mono) * 1000.0 * self._scale
        self._anchor_mono = mono

    def set_time_scale(self, time_scale: float) -> None:
        if time_scale < 0:
            raise ValueError("time_scale must not be negative")
        with self._lock:
            self._reanchor()
            self._scale = float(time_scale)

    def offset_seconds(self) -> float:
        """How far emulated time is ahead of the host's clock (negative: behind)."""
        return round(self.now_ms() / 1000.0 - time.time(), 3)

    def set_offset(self, seconds: float) -> None:
        """Emulated time = the host's time + `seconds` from now on (then it runs at the time scale).

        Unlike advance() this may move the clock back: jobs that already moved on stay where they are.
        """
        with self._lock:
            self._anchor_ms = (time.time() + seconds) * 1000.0
            self._anchor_mono = time.monotonic()

    def advance(self, seconds: float) -> None:
        """Jump forward in emulated time (tests use this instead of sleeping)."""
        if seconds < 0:
            raise ValueError("the emulated clock only moves forward")
        with self._lock:
            self._reanchor()
            self._anchor_ms += seconds * 1000.0
