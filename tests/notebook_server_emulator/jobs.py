"""One asynchronous job: its lifecycle on the emulated clock and its JSON shapes (abbreviated and full)."""

from __future__ import annotations

import dataclasses
import hashlib
import json

# Lifecycle phases, in order. HIDDEN: its start time is still in the (emulated) future.
HIDDEN, SUBMITTED, RUNNING, ENDED = 0, 1, 2, 3

COMPLETED = "COMPLETED"
FAILED = "FAILED"
# The documented statuses with endTime and results; any other final status string is
# emitted as given (real servers may add statuses; clients must treat unknown ones as active).
RESULT_STATUSES = (COMPLETED, FAILED)

# A cancel is not a documented status: the docs show it only as customAttributes.isCancelled.
# We end a cancelled job as FAILED because its work did not complete, so it keeps every
# documented invariant of a finished job (endTime, results) without claiming success;
# a scenario can choose COMPLETED or an undocumented string instead (cancelled_status).
DEFAULT_CANCELLED_STATUS = FAILED

_COMPACT = (",", ":")


def stable_hex_id(job_id: str, salt: str) -> str:
    """A stable 32-hex id derived from the job id, so generated records are reproducible."""
    return hashlib.md5((salt + job_id).encode("ascii"), usedforsecurity=False).hexdigest()


def default_inputs(job_type: str, job_id: str) -> dict:
    """Inputs shaped like the documentation's examples."""
    if job_type == "executeNotebook":
        return {
            "itemId": stable_hex_id(job_id, "item"),
            "updatePortalItem": True,
            "saveInjectedParameters": False,
            "notebookParameters": "{}",
            "runId": stable_hex_id(job_id, "run"),
            "executeJobUpdated": False,
            "taskId": stable_hex_id(job_id, "task"),
        }
    if job_type == "executeNotebookAsWebTool":
        return {"itemId": stable_hex_id(job_id, "item"), "notebookParameters": "{}", "runId": stable_hex_id(job_id, "run")}
    return {}


@dataclasses.dataclass
class RenderContext:
    """What a record's shape depends on besides the job itself."""
    notebook_base: str
    cancelled_status: str = DEFAULT_CANCELLED_STATUS


@dataclasses.dataclass
class Job:
    job_id: str
    job_type: str
    username: str
    start_ms: int
    processing_ms: int
    end_ms: int | None  # None: never ends by itself (stuck, or waiting for the control API)
    final_status: str = COMPLETED
    cancelled: bool = False
    running_status: str = "PROCESSING"
    inputs: dict | None = None
    results: dict | None = None
    messages: list | None = None
    ignore_cancel: bool = False
    cancel_pending_ms: int | None = 0  # after a cancel it keeps running this long (None: until ended by control)
    # Bumped on every change, so stale transition entries and cached fragments are recognised.
    generation: int = 0
    phase: int = HIDDEN
    abbreviated_json: bytes | None = None
    detail_json: bytes | None = None

    def phase_at(self, now_ms: int) -> int:
        if now_ms < self.start_ms:
            return HIDDEN
        if now_ms < self.processing_ms:
            return SUBMITTED
        if self.end_ms is None or now_ms < self.end_ms:
            return RUNNING
        return ENDED

    def next_transition_ms(self, now_ms: int) -> int | None:
        for instant in (self.start_ms, self.processing_ms, self.end_ms):
            if instant is not None and instant > now_ms:
                return instant
        return None

    def is_finished(self, context: RenderContext) -> bool:
        """What deleteAll may remove: ended as COMPLETED or FAILED (or cancelled, whatever it shows)."""
        return self.phase == ENDED and (self.cancelled or self.final_status in RESULT_STATUSES)

    def shown_status(self, context: RenderContext) -> str:
        if self.phase == SUBMITTED:
            return "SUBMITTED"
        if self.phase == RUNNING:
            return self.running_status
        return context.cancelled_status if self.cancelled else self.final_status

    def touch(self) -> None:
        self.generation += 1
        self.detail_json = None

    def abbreviated(self) -> dict:
        # The abbreviated shape has no status: clients that need it must ask for detail=true.
        return {"jobId": self.job_id, "startTime": self.start_ms, "type": self.job_type, "username": self.username}

    def _default_results(self, status: str, context: RenderContext) -> dict:
        if status != COMPLETED:
            return {}
        notebook_id = stable_hex_id(self.job_id, "notebook")
        url = "%s/notebooks/%s/notebooks/%s.ipynb" % (context.notebook_base, stable_hex_id(self.job_id, "dir"), notebook_id)
        if self.job_type == "openNotebook":
            return {"notebookUrl": url, "notebookId": notebook_id, "webToolVersion": "11.3"}
        if self.job_type == "executeNotebook":
            return {"notebookUrl": url, "notebookId": notebook_id}
        return {"containerConfigStoreId": stable_hex_id(self.job_id, "container")}

    def full(self, context: RenderContext) -> dict:
        """The full record, keys in the documentation's order."""
        status = self.shown_status(context)
        record = {"jobId": self.job_id,
                  "inputs": self.inputs if self.inputs is not None else default_inputs(self.job_type, self.job_id),
                  "startTime": self.start_ms}
        if self.phase == ENDED:
            # endTime is absent while a job runs.
            record["endTime"] = self.end_ms
        record["type"] = self.job_type
        if self.phase == ENDED and status in RESULT_STATUSES:
            record["results"] = self.results if self.results is not None else self._default_results(status, context)
        record["status"] = status
        record["username"] = self.username
        messages = self.messages
        if messages is None and self.phase == ENDED:
            if self.cancelled:
                messages = ["Job cancelled."]
            elif status == FAILED:
                messages = ["Notebook execution failed: the kernel stopped unexpectedly."]
        if messages:
            record["messages"] = messages
        custom = {"isCancelled": self.cancelled}
        if self.job_type == "openNotebook" and self.phase in (SUBMITTED, RUNNING):
            custom["openNotebook"] = stable_hex_id(self.job_id, "runtime")
            custom["openNotebookProgress"] = ({"message": "Job submitted", "percent": 0} if self.phase == SUBMITTED
                                              else {"message": "Starting the notebook container", "percent": 50})
        record["customAttributes"] = custom
        return record

    def abbreviated_bytes(self) -> bytes:
        if self.abbreviated_json is None:
            self.abbreviated_json = json.dumps(self.abbreviated(), separators=_COMPACT).encode("utf-8")
        return self.abbreviated_json

    def detail_bytes(self, context: RenderContext) -> bytes:
        if self.detail_json is None:
            self.detail_json = json.dumps(self.full(context), separators=_COMPACT).encode("utf-8")
        return self.detail_json
