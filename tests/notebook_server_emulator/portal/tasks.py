"""Scheduled notebook tasks as the Portal keeps them: schedule, state, runs, consecutive failures, list filters.

A task runs every `every_minutes` emulated minutes from its start date (the emulator's stand-in
for cron). Five failed runs in a row stop it. What a stopped or finished task shows is an
assumption (not documented): active false with taskState "stopped" or "completed".
"""

from __future__ import annotations

import dataclasses
import json
import random
import threading

EXECUTE_NOTEBOOK = "ExecuteNotebook"
ACTIVE = "active"
DISABLED = "disabled"
STOPPED = "stopped"  # after MAX_FAILURES_IN_A_ROW failed runs [assumed]
COMPLETED = "completed"  # maxOccurrences runs done, or past endDate [assumed]
MAX_FAILURES_IN_A_ROW = 5
NEVER = -1  # Esri's value for a date that has not happened (lastStart before the first run)
TASK_SPEC_KEYS = {"id", "item_id", "type", "title", "owner", "username", "every_minutes", "cron_schedule",
                  "max_occurrences", "start", "end", "active", "server", "parameters", "run_queued",
                  "run_duration", "run_final_status"}
OPERATIONS = ("disable", "enable")


class TaskError(ValueError):
    pass


class TaskNotFound(KeyError):
    pass


class OperationRefused(Exception):
    """An injected failure of disable/enable (the control API's operation faults)."""

    def __init__(self, code: int, message: str):
        self.code = code
        self.message = message
        super().__init__(message)


def cron_for_minutes(minutes: int) -> str:
    """A Quartz-style expression (Portal's format) for 'every N minutes', for display."""
    if minutes % 1440 == 0:
        return "0 0 0 1/%d * ? *" % (minutes // 1440)
    if minutes % 60 == 0:
        return "0 0 0/%d * * ? *" % (minutes // 60)
    return "0 0/%d * * * ? *" % minutes


@dataclasses.dataclass
class ScheduledTask:
    task_id: str
    item_id: str
    owner: str
    title: str
    every_minutes: int
    cron_schedule: str
    max_occurrences: int  # -1: no limit
    start_ms: int
    end_ms: int | None
    created_ms: int
    task_type: str = EXECUTE_NOTEBOOK
    server: str | None = None  # a federated server's id or name; None: the first Notebook Server
    parameters: dict = dataclasses.field(default_factory=dict)
    run_queued: float = 5.0
    run_duration: float | None = 60.0
    run_final_status: str = "COMPLETED"
    active: bool = True
    state: str = ACTIVE
    modified_ms: int = 0
    last_start_ms: int = NEVER
    next_run_ms: int = 0
    occurrences: int = 0
    failures_in_a_row: int = 0

    def record(self) -> dict:
        """The task as Portal lists it."""
        return {
            "id": self.task_id, "itemId": self.item_id, "type": self.task_type, "title": self.title,
            "userId": self.owner, "cronSchedule": self.cron_schedule, "maxOccurrences": self.max_occurrences,
            "startDate": self.start_ms, "endDate": self.end_ms if self.end_ms is not None else NEVER,
            "lastStart": self.last_start_ms, "active": self.active, "taskState": self.state,
            "created": self.created_ms, "modified": self.modified_ms, "parameters": self.parameters,
        }

    def schedule_next(self, now_ms: int) -> None:
        """The first slot (start + k * interval) after now: missed slots fire once, not once each."""
        interval = self.every_minutes * 60_000
        if now_ms < self.start_ms:
            self.next_run_ms = self.start_ms
        else:
            self.next_run_ms = self.start_ms + ((now_ms - self.start_ms) // interval + 1) * interval


def _hex_id(rng: random.Random) -> str:
    return "%032x" % rng.getrandbits(128)


def task_from_spec(spec: dict, now_ms: int, default_owner: str, rng: random.Random) -> ScheduledTask:
    if not isinstance(spec, dict):
        raise TaskError("a task is a mapping")
    unknown = set(spec) - TASK_SPEC_KEYS
    if unknown:
        raise TaskError("unknown task keys: %s" % ", ".join(sorted(unknown)))
    try:
        minutes = int(spec.get("every_minutes", 60))
        if minutes < 1:
            raise TaskError("every_minutes must be at least 1")
        item_id = str(spec.get("item_id") or _hex_id(rng))
        task_id = str(spec.get("id") or _hex_id(rng))
        start_ms = now_ms + int(float(spec.get("start", 0)) * 1000)
        end_ms = now_ms + int(float(spec["end"]) * 1000) if spec.get("end") is not None else None
        parameters = spec.get("parameters") or {
            "itemId": item_id, "updatePortalItem": True, "saveInjectedParameters": False, "notebookParameters": {},
            "timeout": 20}
        task = ScheduledTask(
            task_id=task_id, item_id=item_id, owner=str(spec.get("owner") or spec.get("username") or default_owner),
            title=str(spec.get("title") or "Scheduled notebook %s" % item_id[:8]), every_minutes=minutes,
            cron_schedule=str(spec.get("cron_schedule") or cron_for_minutes(minutes)),
            max_occurrences=int(spec.get("max_occurrences", -1)), start_ms=start_ms, end_ms=end_ms,
            created_ms=now_ms, modified_ms=now_ms, task_type=str(spec.get("type", EXECUTE_NOTEBOOK)),
            server=str(spec["server"]) if spec.get("server") else None, parameters=dict(parameters),
            run_queued=float(spec.get("run_queued", 5.0)),
            run_duration=None if spec.get("run_duration", 60.0) is None else float(spec.get("run_duration", 60.0)),
            run_final_status=str(spec.get("run_final_status", "COMPLETED")),
        )
    except (TypeError, ValueError) as exc:
        if isinstance(exc, TaskError):
            raise
        raise TaskError("bad task spec: %s" % exc) from None
    if spec.get("active") is False:
        task.active, task.state = False, DISABLED
    # The first run is at the start date if it is ahead, else one interval from now.
    task.schedule_next(now_ms)
    return task


def _matches(task: ScheduledTask, types: set | None, active: bool | None, owner: str | None,
             item_id: str | None) -> bool:
    if types is not None and task.task_type.lower() not in types:
        return False
    if active is not None and task.active is not active:
        return False
    if owner is not None and task.owner.lower() != owner.lower():
        return False
    return item_id is None or task.item_id == item_id


class TaskStore:
    def __init__(self, seed: int):
        self.lock = threading.RLock()
        self._tasks: dict = {}
        self._runs: list = []
        self._operation_faults: dict = {}  # task id -> {"operations", "count", "code", "message"}
        self._seed = "tasks/%d" % seed  # not the servers' job id stream: task ids must not look like job ids
        self._rng = random.Random(self._seed)

    @property
    def rng(self) -> random.Random:
        return self._rng

    def reseed(self) -> None:
        """Scenario tasks without ids get the same ids after every reset."""
        self._rng = random.Random(self._seed)

    def reset(self, tasks: list) -> None:
        with self.lock:
            self._tasks.clear()
            self._runs.clear()
            self._operation_faults.clear()
            self.add(tasks)

    def add(self, tasks: list) -> None:
        with self.lock:
            for task in tasks:
                if task.task_id in self._tasks:
                    raise TaskError("duplicate task id %s" % task.task_id)
            for task in tasks:
                self._tasks[task.task_id] = task

    def get(self, task_id: str) -> ScheduledTask:
        with self.lock:
            task = self._tasks.get(task_id)
            if task is None:
                raise TaskNotFound(task_id)
            return task

    def all(self) -> list:
        with self.lock:
            return list(self._tasks.values())

    def select(self, types: set | None = None, active: bool | None = None, owner: str | None = None,
               item_id: str | None = None) -> list:
        with self.lock:
            return [task for task in self._tasks.values() if _matches(task, types, active, owner, item_id)]

    # ----- state changes -----

    def set_active(self, task_id: str, operation: str, now_ms: int) -> ScheduledTask:
        """disable or enable, unless an operation fault says this call fails (then nothing changes)."""
        with self.lock:
            task = self.get(task_id)
            fault = self._operation_faults.get(task_id)
            if fault and operation in fault["operations"]:
                if fault["count"] is not None:
                    fault["count"] -= 1
                    if fault["count"] <= 0:
                        del self._operation_faults[task_id]
                raise OperationRefused(fault["code"], fault["message"] or "Unable to %s the task." % operation)
            if operation == "disable":
                task.active, task.state = False, DISABLED
            else:
                task.active, task.state = True, ACTIVE
                task.failures_in_a_row = 0
                task.schedule_next(now_ms)
            task.modified_ms = now_ms
            return task

    def due(self, now_ms: int) -> list:
        with self.lock:
            return [task for task in self._tasks.values() if task.active and task.next_run_ms <= now_ms]

    def record_run(self, task: ScheduledTask, now_ms: int, trigger: str, server_id: str | None,
                   job_id: str | None, error: str | None) -> dict:
        """Count one run (ok when a job was added); stop the task after too many failures in a row."""
        with self.lock:
            task.last_start_ms = now_ms
            task.occurrences += 1
            if error is None:
                task.failures_in_a_row = 0
            else:
                task.failures_in_a_row += 1
            if task.active:
                task.schedule_next(now_ms)
                if task.failures_in_a_row >= MAX_FAILURES_IN_A_ROW:
                    task.active, task.state = False, STOPPED
                elif 0 < task.max_occurrences <= task.occurrences or (
                        task.end_ms is not None and task.next_run_ms > task.end_ms):
                    task.active, task.state = False, COMPLETED
            run = {"seq": len(self._runs) + 1, "task_id": task.task_id, "time_ms": now_ms, "trigger": trigger,
                   "ok": error is None, "server_id": server_id, "job_id": job_id, "error": error,
                   "failures_in_a_row": task.failures_in_a_row, "task_state": task.state}
            self._runs.append(run)
            return run

    def runs(self, task_id: str | None = None) -> list:
        with self.lock:
            return [dict(run) for run in self._runs if task_id is None or run["task_id"] == task_id]

    # ----- operation faults -----

    def fail_operations(self, task_id: str, operations: list, count: int | None, code: int, message: str) -> dict:
        self.get(task_id)
        unknown = set(operations) - set(OPERATIONS)
        if unknown or not operations:
            raise TaskError("operations must be among %s" % ", ".join(OPERATIONS))
        with self.lock:
            fault = {"operations": sorted(set(operations)), "count": count, "code": int(code), "message": message}
            self._operation_faults[task_id] = fault
            return dict(fault)

    def clear_operation_faults(self, task_id: str | None = None) -> None:
        with self.lock:
            if task_id is None:
                self._operation_faults.clear()
            else:
                self._operation_faults.pop(task_id, None)

    def operation_faults(self) -> dict:
        with self.lock:
            return {task_id: dict(fault) for task_id, fault in self._operation_faults.items()}

    def describe(self, task: ScheduledTask) -> dict:
        """The control API's view: the Portal record plus the schedule's inner state."""
        with self.lock:
            return {**task.record(), "every_minutes": task.every_minutes, "server": task.server,
                    "next_run_ms": task.next_run_ms if task.active else None, "occurrences": task.occurrences,
                    "failures_in_a_row": task.failures_in_a_row}


def parameters_json(task: ScheduledTask) -> str:
    """notebookParameters travel to the job as a JSON string, as on a real server."""
    value = task.parameters.get("notebookParameters", {})
    return value if isinstance(value, str) else json.dumps(value)
