"""All jobs of the site: lifecycle advanced lazily from a transition heap, list bodies joined from cached fragments.

Serving 100,000 detailed jobs must take well under a second of emulator time, so each job
keeps its serialised JSON and only jobs whose phase or data changed are re-serialised.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable

from .jobs import ENDED, HIDDEN, Job, RenderContext


class JobNotFound(KeyError):
    pass


class JobStore:
    def __init__(self, context: RenderContext):
        self.context = context
        self.lock = threading.RLock()
        self._jobs: dict[str, Job] = {}
        self._transitions: list = []  # heap of (instant ms, generation, job id)
        self._version = 0  # any change visible in a list
        self._by_date: list | None = None  # newest first; only membership changes invalidate it
        self._body_cache: dict = {}
        # Called (under the lock) for each job seen to end, e.g. so a completed openNotebook opens a notebook.
        self.on_ended: Callable[[Job], None] | None = None

    def _ended(self, job: Job) -> None:
        if self.on_ended is not None:
            self.on_ended(job)

    # ----- lifecycle -----

    def _schedule(self, job: Job, now_ms: int) -> None:
        instant = job.next_transition_ms(now_ms)
        if instant is not None:
            heapq.heappush(self._transitions, (instant, job.generation, job.job_id))

    def _changed(self) -> None:
        self._version += 1
        self._body_cache.clear()

    def refresh(self, now_ms: int) -> None:
        """Move every job whose next phase has come; untouched jobs keep their cached JSON."""
        with self.lock:
            heap = self._transitions
            changed = False
            while heap and heap[0][0] <= now_ms:
                _instant, generation, job_id = heapq.heappop(heap)
                job = self._jobs.get(job_id)
                if job is None or job.generation != generation:
                    continue
                phase = job.phase_at(now_ms)
                if phase != job.phase:
                    job.phase = phase
                    job.detail_json = None
                    changed = True
                    if phase == ENDED:
                        self._ended(job)
                self._schedule(job, now_ms)
            if changed:
                self._changed()

    def _update(self, job: Job, now_ms: int) -> None:
        job.touch()
        was = job.phase
        job.phase = job.phase_at(now_ms)
        self._schedule(job, now_ms)
        self._changed()
        if job.phase == ENDED and was != ENDED:
            self._ended(job)

    # ----- membership -----

    def add(self, jobs: list, now_ms: int, notify: bool = False) -> None:
        """Add jobs; with notify, those already ended count as seen ending now (a loaded history does not)."""
        with self.lock:
            seen: set = set()
            for job in jobs:
                if job.job_id in self._jobs or job.job_id in seen:
                    raise ValueError("duplicate job id %s" % job.job_id)
                seen.add(job.job_id)
            for job in jobs:
                job.phase = job.phase_at(now_ms)
                self._jobs[job.job_id] = job
                self._schedule(job, now_ms)
            self._by_date = None
            self._changed()
            if notify:
                for job in jobs:
                    if job.phase == ENDED:
                        self._ended(job)

    def clear(self) -> None:
        with self.lock:
            self._jobs.clear()
            self._transitions.clear()
            self._by_date = None
            self._changed()

    def get(self, job_id: str, now_ms: int) -> Job:
        with self.lock:
            self.refresh(now_ms)
            job = self._jobs.get(job_id)
            if job is None or job.phase == HIDDEN:
                raise JobNotFound(job_id)
            return job

    def delete_finished(self, now_ms: int) -> int:
        """deleteAll: only COMPLETED/FAILED (and cancelled) jobs go; active and stuck ones stay."""
        with self.lock:
            self.refresh(now_ms)
            doomed = [job_id for job_id, job in self._jobs.items() if job.is_finished(self.context)]
            for job_id in doomed:
                del self._jobs[job_id]
            if doomed:
                self._by_date = None
                self._changed()
            return len(doomed)

    # ----- changes to one job -----

    def cancel(self, job_id: str, now_ms: int) -> Job:
        with self.lock:
            job = self.get(job_id, now_ms)
            # Cancelling a finished job changes nothing (the real server answers success too [assumed]);
            # nor does cancelling again while a cancel is pending.
            if job.phase != ENDED and not job.ignore_cancel and not job.cancelled:
                pending = job.cancel_pending_ms
                self._mark_cancelled(job, now_ms, None if pending is None else now_ms + pending)
            return job

    def request_cancel(self, job_id: str, now_ms: int, seconds: float | None, running_status: str | None) -> Job:
        """Control API: isCancelled now, still running (as `running_status`) for `seconds`, or until ended."""
        with self.lock:
            job = self.get(job_id, now_ms)
            if job.phase != ENDED:
                if running_status:
                    job.running_status = running_status
                self._mark_cancelled(job, now_ms, None if seconds is None else now_ms + int(seconds * 1000))
            return job

    def _mark_cancelled(self, job: Job, now_ms: int, end_ms: int | None) -> None:
        job.cancelled = True
        job.end_ms = end_ms
        job.processing_ms = min(job.processing_ms, now_ms)
        self._update(job, now_ms)

    def end_now(self, job_id: str, now_ms: int, status: str) -> Job:
        """Control API: finish or fail a job at this instant (also ends stuck jobs)."""
        with self.lock:
            job = self.get(job_id, now_ms)
            job.final_status = status
            job.cancelled = False
            job.end_ms = now_ms
            job.processing_ms = min(job.processing_ms, now_ms)
            self._update(job, now_ms)
            return job

    def stick(self, job_id: str, now_ms: int) -> Job:
        """Control API: the job hangs in PROCESSING from now on, even if it had ended."""
        with self.lock:
            job = self.get(job_id, now_ms)
            job.end_ms = None
            job.cancelled = False
            job.processing_ms = min(job.processing_ms, now_ms)
            self._update(job, now_ms)
            return job

    # ----- reading -----

    def _ordered(self, sort_by_date: bool) -> list:
        if not sort_by_date:
            return list(self._jobs.values())
        if self._by_date is None:
            # Stable sort: equal start times keep their insertion order.
            self._by_date = sorted(self._jobs.values(), key=lambda job: job.start_ms, reverse=True)
        return self._by_date

    def select(self, now_ms: int, num: int, sort_by_date: bool, owner: str | None) -> tuple:
        """(the first num visible jobs in the requested order, total visible)."""
        with self.lock:
            self.refresh(now_ms)
            return self._select(num, sort_by_date, owner)

    def _select(self, num: int, sort_by_date: bool, owner: str | None) -> tuple:
        visible = [job for job in self._ordered(sort_by_date)
                   if job.phase != HIDDEN and (owner is None or job.username == owner)]
        return visible[:max(num, 0)], len(visible)

    def list_json(self, now_ms: int, detail: bool, num: int, sort_by_date: bool, owner: str | None) -> bytes:
        """The compact JSON body of a jobs list, joined from per-job fragments."""
        with self.lock:
            self.refresh(now_ms)
            key = (detail, num, sort_by_date, owner)
            body = self._body_cache.get(key)
            if body is not None:
                return body
            jobs, total = self._select(num, sort_by_date, owner)
            if detail:
                context = self.context
                fragments = [job.detail_bytes(context) for job in jobs]
            else:
                fragments = [job.abbreviated_bytes() for job in jobs]
            body = b'{"asyncJobs":[' + b",".join(fragments) + b'],"total":' + str(total).encode("ascii") + b"}"
            if len(self._body_cache) > 16:
                self._body_cache.clear()
            self._body_cache[key] = body
            return body

    def warm(self, chunk: int = 2000) -> None:
        """Serialise every job ahead of the first request, a chunk per lock hold so requests are not held up."""
        ids = self.ids()
        for first in range(0, len(ids), chunk):
            with self.lock:
                for job_id in ids[first:first + chunk]:
                    job = self._jobs.get(job_id)
                    if job is not None and job.phase != HIDDEN:
                        job.abbreviated_bytes()
                        job.detail_bytes(self.context)
            # Locks are not fair: without a pause this loop would retake the lock at once and starve requests.
            time.sleep(0.001)

    def count(self) -> int:
        with self.lock:
            return len(self._jobs)

    def ids(self) -> list:
        with self.lock:
            return list(self._jobs)
