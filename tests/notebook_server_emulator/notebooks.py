"""An open notebook with its kernel session, the container it runs in, and their documented JSON shapes.

Two date formats on purpose, as the real server sends them: a notebook's dateLastActivity is epoch
milliseconds as a *string*; a kernel's last_activity is an ISO-8601 string.
"""

from __future__ import annotations

import dataclasses
import datetime

IDLE = "idle"
BUSY = "busy"
DEAD = "dead"
# Kernels in these states do no work: their notebook closes once idle for idleNotebookThreshold.
# Any other state (busy, starting, restarting, an unknown string) keeps it open, as Jupyter's culler does.
RESTING_STATES = (IDLE, DEAD)

OPEN_NOTEBOOK = "openNotebook"
EXECUTE_NOTEBOOK = "executeNotebook"


def iso_time(epoch_ms: int) -> str:
    """`2024-05-01T08:00:00.123000Z`, the form of Jupyter's last_activity."""
    moment = datetime.datetime.fromtimestamp(epoch_ms / 1000.0, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclasses.dataclass
class Notebook:
    notebook_id: str
    item_id: str
    username: str
    container_id: str  # the container's `id` (not its Docker containerId)
    session_id: str
    kernel_id: str
    title: str
    opened_ms: int
    last_activity_ms: int
    execution_state: str = IDLE
    busy_until_ms: int | None = None  # with BUSY: back to idle then; None = busy until told
    connections: int = 1
    path: str | None = None  # a fixed session path; None: from the session_path setting
    generation: int = 0  # bumped on every change, so stale timer entries are recognised

    def changed(self) -> None:
        self.generation += 1

    def next_event_ms(self, idle_ms: int) -> int | None:
        """When this notebook next changes by itself: its busy spell ends, or it has been idle too long."""
        if self.execution_state == BUSY:
            return self.busy_until_ms
        if self.execution_state in RESTING_STATES:
            return self.last_activity_ms + idle_ms
        return None

    def session_path(self, style: str) -> str:
        if self.path is not None:
            return self.path
        return "%s.ipynb" % (self.item_id if style == "item" else self.title)

    def record(self) -> dict:
        """One entry of admin/notebooks (and of a container's notebooks), keys in the documentation's order."""
        return {"itemId": self.item_id,
                "notebookUrl": "/notebooks/%s/notebooks/%s.ipynb" % (self.container_id, self.item_id),
                "dateLastActivity": str(self.last_activity_ms),
                "id": self.notebook_id,
                "containerId": self.container_id,
                "username": self.username}

    def session(self, style: str) -> dict:
        """One entry of a container's sessions: the notebook's kernel."""
        return {"path": self.session_path(style),
                "kernel": {"last_activity": iso_time(self.last_activity_ms), "name": "python3", "id": self.kernel_id,
                           "execution_state": self.execution_state, "connections": self.connections},
                "name": "",
                "id": self.session_id,
                "type": "notebook"}

    def control_view(self, style: str) -> dict:
        """What the control API shows: the ids to join on and the kernel's state in plain numbers."""
        return {"id": self.notebook_id, "itemId": self.item_id, "username": self.username,
                "containerId": self.container_id, "sessionId": self.session_id, "kernelId": self.kernel_id,
                "path": self.session_path(style), "title": self.title, "execution_state": self.execution_state,
                "busy_until_ms": self.busy_until_ms, "last_activity_ms": self.last_activity_ms,
                "opened_ms": self.opened_ms, "connections": self.connections}


@dataclasses.dataclass
class Container:
    container_id: str  # `id`, used in URLs and as a notebook's containerId
    docker_id: str  # `containerId`, assigned by Docker
    username: str
    container_type: str
    created_ms: int
    runtime_id: str
    host_index: int = 1
    notebook_ids: dict = dataclasses.field(default_factory=dict)  # an ordered set
    empty_since_ms: int | None = None
    generation: int = 0

    def changed(self) -> None:
        self.generation += 1

    def record(self, date_created_format: str) -> dict:
        """One entry of system/containers, keys in the documentation's order."""
        host = "notebookhost%d.example.com" % self.host_index
        https_port = 30000 + int(self.docker_id[:4], 16) % 2000
        return {"hostName": host,
                "memory": 4096,
                "imageName": self.runtime_id[:12],
                "hostIp": "10.0.0.%d" % (10 + self.host_index),
                "cpus": 2.0,
                "httpPort": https_port + 1,
                "containerUrl": "https://%s:%d" % (host, https_port),
                "httpsPort": https_port,
                "dateCreated": str(self.created_ms) if date_created_format == "string" else self.created_ms,
                "id": self.container_id,
                "containerId": self.docker_id,
                "username": self.username,
                "type": self.container_type,
                "notebookRuntimeId": self.runtime_id,
                "notebookRuntimeVersion": "10.0",
                "notebookRuntimeName": "ArcGIS Notebook Python 3 Standard",
                "containerHostname": self.docker_id[:12]}
