"""Runs scheduled tasks on the Portal's emulated clock: each run adds an executeNotebook job to a federated server.

A run is the Portal asking the server's control API for a job with inputs.taskId; a server that
cannot be reached, is fictitious, is marked unreachable, or refuses the job (READ_ONLY) makes the
run fail. A ticker looks for due tasks several times a real second; clock jumps and list requests
run them at once, so tests see their effect without waiting.
"""

from __future__ import annotations

import random
import threading

from ..control_client import ControlApiError
from .servers import EMULATED, ServerRegistry
from .tasks import ScheduledTask, TaskStore, parameters_json

TICK_SECONDS = 0.1


class TaskScheduler:
    def __init__(self, now_ms, tasks: TaskStore, servers: ServerRegistry, force_runs: bool):
        self._now_ms = now_ms
        self.tasks = tasks
        self.servers = servers
        self.force_runs = force_runs  # also run on READ_ONLY servers (whether READ_ONLY stops runs is undocumented)
        self._run_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._rng = random.Random()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._tick, name="task-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _tick(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            self.run_due()

    def run_due(self) -> list:
        """Run every active task whose time has come (once, however many slots were missed)."""
        with self._run_lock:
            now_ms = self._now_ms()
            return [self._run(task, now_ms, "schedule") for task in self.tasks.due(now_ms)]

    def fire(self, task_id: str) -> dict:
        """Run a task now, whatever its schedule or state (the control API's 'run now')."""
        with self._run_lock:
            return self._run(self.tasks.get(task_id), self._now_ms(), "manual")

    def _job_spec(self, task: ScheduledTask) -> dict:
        return {"type": "executeNotebook", "username": task.owner, "queued": task.run_queued,
                "duration": task.run_duration, "final_status": task.run_final_status,
                "inputs": {"itemId": task.item_id, "updatePortalItem": bool(task.parameters.get("updatePortalItem", True)),
                           "saveInjectedParameters": bool(task.parameters.get("saveInjectedParameters", False)),
                           "notebookParameters": parameters_json(task), "runId": "%032x" % self._rng.getrandbits(128),
                           "executeJobUpdated": False, "taskId": task.task_id}}

    def _run(self, task: ScheduledTask, now_ms: int, trigger: str) -> dict:
        try:
            server = self.servers.get(task.server) if task.server else self.servers.first_notebook_server()
        except KeyError:
            server = None
        job_id = error = None
        if server is None:
            error = "no federated Notebook Server %s" % (task.server or "")
        elif server.kind != EMULATED or not server.reachable:
            error = "the server %s cannot be reached" % server.name
        else:
            try:
                job_id = server.control().add_jobs([self._job_spec(task)], force=self.force_runs)[0]
            except ControlApiError as exc:
                error = "the server %s refused the job (%d)" % (server.name, exc.status)
            except (OSError, ValueError) as exc:
                error = "the server %s cannot be reached: %s" % (server.name, exc)
        return self.tasks.record_run(task, now_ms, trigger, server.server_id if server else None, job_id, error)
