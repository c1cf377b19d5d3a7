"""End one job per server at known wall-clock times, from a background thread, and record when each ended."""

from __future__ import annotations

import threading
import time


class JobEnder:
    """Ends jobs through the emulators' control API at the scheduled time.monotonic() instants.

    Each recorded end time is taken just *before* the control call, so a measured
    drain delay can only be overestimated (by the call's latency, a few ms), never flattered.
    """

    def __init__(self, plan: list):
        # plan: [(monotonic instant, server, job id)]
        self.plan = sorted(plan, key=lambda item: item[0])
        self.ended = []  # [(server name, wall time.time(), monotonic)]
        self.errors = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="job-ender", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        for instant, server, job_id in self.plan:
            if self._stop.wait(max(0.0, instant - time.monotonic())):
                return
            wall, mono = time.time(), time.monotonic()
            try:
                server.finish_job(job_id)
                self.ended.append((server.name, wall, mono))
            except Exception as exc:  # reported in the table, never silently dropped
                self.errors.append("%s: %s" % (server.name, exc))

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def cancel(self) -> None:
        self._stop.set()
        self._thread.join(5)
