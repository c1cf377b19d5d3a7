# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Python's cycle collector paused while masses of data that hold no cycle are built (decoded JSON, an audit's reads).

Decoding 100,000 job records makes some 400,000 containers; the collector, woken every few hundred of them,
walks the ones already made again and again (about 40 % of the decoding time), and finds nothing: JSON cannot
hold a cycle. Plain reference counting still frees everything as before; only cycles wait for the end of a pause.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from typing import Iterator


class _Pause:
    """Pauses that nest and overlap across threads: the first one stops the collector, the last one restores it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._was_enabled = False

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._holders == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._holders += 1
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if self._holders == 0 and self._was_enabled:
                    gc.enable()


collector_paused = _Pause()
