"""All open notebooks and their containers: opened, closed, kernels made busy, and timed changes from a heap.

Busy spells end, idle notebooks close and empty containers go at their own emulated instants,
whenever the store is next looked at, so a clock jump gives the same result as waiting.
Pages of a big site are slices of a listing that is rebuilt only when notebooks come or go.
"""

from __future__ import annotations

import heapq
import random
import threading
import uuid

from .notebook_settings import NotebookSettings
from .notebook_specs import Opening
from .notebooks import BUSY, DEAD, IDLE, RESTING_STATES, Container, Notebook


class NotebookNotFound(KeyError):
    pass


class ContainerNotFound(KeyError):
    pass


class NotebookStore:
    def __init__(self, settings: NotebookSettings, seed: int):
        self.lock = threading.RLock()
        self.settings = settings
        self._rng = random.Random(seed)
        self._notebooks: dict[str, Notebook] = {}
        self._containers: dict[str, Container] = {}
        self._labels: dict = {}  # (username, scenario label) -> container id
        self._label_of: dict = {}  # container id -> its key in _labels
        # (username, container type) -> that user's containers (an ordered set); new notebooks join the oldest.
        self._owned: dict = {}
        self._events: list = []  # heap of (instant ms, generation, kind, id); kind "n" notebook, "c" container
        self._listings: dict = {}  # owner (None: everyone) -> notebooks in opening order
        self._opened_count = 0

    # ----- ids -----

    def _hex(self) -> str:
        return "%032x" % self._rng.getrandbits(128)

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    # ----- timed changes -----

    def _schedule_notebook(self, notebook: Notebook) -> None:
        instant = notebook.next_event_ms(self.settings.idle_ms)
        if instant is not None:
            heapq.heappush(self._events, (instant, notebook.generation, "n", notebook.notebook_id))

    def _schedule_container(self, container: Container) -> None:
        if container.empty_since_ms is not None:
            instant = container.empty_since_ms + self.settings.empty_container_ms
            heapq.heappush(self._events, (instant, container.generation, "c", container.container_id))

    def refresh(self, now_ms: int) -> None:
        """Apply every timed change due by now, each at its own instant."""
        with self.lock:
            events = self._events
            while events and events[0][0] <= now_ms:
                instant, generation, kind, object_id = heapq.heappop(events)
                if kind == "n":
                    notebook = self._notebooks.get(object_id)
                    if notebook is not None and notebook.generation == generation:
                        self._notebook_event(notebook, instant)
                else:
                    container = self._containers.get(object_id)
                    if container is not None and container.generation == generation and container.empty_since_ms is not None:
                        self._remove_container(container)

    def _notebook_event(self, notebook: Notebook, instant: int) -> None:
        if notebook.execution_state == BUSY and notebook.busy_until_ms is not None:
            # The cell finished: the kernel reports idle, and that was its last activity.
            notebook.execution_state = IDLE
            notebook.busy_until_ms = None
            notebook.last_activity_ms = instant
            notebook.changed()
            self._schedule_notebook(notebook)
        elif notebook.execution_state in RESTING_STATES:
            self._close(notebook, instant)

    def update_settings(self, settings: NotebookSettings, now_ms: int) -> None:
        """New thresholds apply to every notebook and container from now on."""
        with self.lock:
            self.refresh(now_ms)
            self.settings = settings
            self._events = []
            for notebook in self._notebooks.values():
                self._schedule_notebook(notebook)
            for container in self._containers.values():
                self._schedule_container(container)
            self.refresh(now_ms)

    # ----- membership -----

    def _membership_changed(self) -> None:
        self._listings.clear()

    def _container_for(self, opening: Opening) -> Container:
        if opening.container_id and opening.container_id in self._containers:
            container = self._containers[opening.container_id]
            if container.username != opening.username:
                raise ValueError("container %s belongs to %s, not %s"
                                 % (container.container_id, container.username, opening.username))
            return container
        if opening.container_label is not None:
            container_id = self._labels.get((opening.username, opening.container_label))
            if container_id in self._containers:
                return self._containers[container_id]
        elif not opening.container_id:
            # A user's next notebook opens in the container they already have (of the same type).
            owned = self._owned.get((opening.username, opening.container_type))
            if owned:
                return self._containers[next(iter(owned))]
        container = Container(container_id=opening.container_id or opening.new_container_id or self._hex(),
                              docker_id=self._hex() + self._hex(), username=opening.username,
                              container_type=opening.container_type, created_ms=opening.opened_ms,
                              runtime_id=self._hex(), host_index=1 + len(self._containers) % 3)
        self._containers[container.container_id] = container
        self._owned.setdefault((container.username, container.container_type), {})[container.container_id] = None
        if opening.container_label is not None:
            self._labels[(opening.username, opening.container_label)] = container.container_id
            self._label_of[container.container_id] = (opening.username, opening.container_label)
        return container

    def open(self, openings: list, now_ms: int) -> list:
        """Open these notebooks (in existing containers of their users, or new ones); returns them."""
        with self.lock:
            self.refresh(now_ms)
            opened = []
            for opening in openings:
                if opening.notebook_id and opening.notebook_id in self._notebooks:
                    raise ValueError("duplicate notebook id %s" % opening.notebook_id)
                container = self._container_for(opening)
                item_id = opening.item_id or self._hex()
                self._opened_count += 1
                notebook = Notebook(
                    notebook_id=opening.notebook_id or self._hex(), item_id=item_id, username=opening.username,
                    container_id=container.container_id, session_id=self._uuid(), kernel_id=self._uuid(),
                    title=opening.title or "analysis_%d" % self._opened_count, opened_ms=opening.opened_ms,
                    last_activity_ms=opening.last_activity_ms, execution_state=opening.execution_state,
                    busy_until_ms=opening.busy_until_ms, connections=opening.connections, path=opening.path)
                self._notebooks[notebook.notebook_id] = notebook
                container.notebook_ids[notebook.notebook_id] = None
                container.empty_since_ms = None
                container.changed()
                self._schedule_notebook(notebook)
                opened.append(notebook)
            self._membership_changed()
            # An opening in the past may already be due to change (e.g. a job that completed a day ago).
            self.refresh(now_ms)
            return opened

    def _close(self, notebook: Notebook, instant: int) -> None:
        del self._notebooks[notebook.notebook_id]
        container = self._containers.get(notebook.container_id)
        if container is not None:
            container.notebook_ids.pop(notebook.notebook_id, None)
            if not container.notebook_ids:
                container.empty_since_ms = instant
                container.changed()
                self._schedule_container(container)
        self._membership_changed()

    def _remove_container(self, container: Container) -> None:
        for notebook_id in list(container.notebook_ids):
            self._notebooks.pop(notebook_id, None)
        del self._containers[container.container_id]
        label = self._label_of.pop(container.container_id, None)
        if label is not None:
            del self._labels[label]
        owned = self._owned[(container.username, container.container_type)]
        del owned[container.container_id]
        if not owned:
            del self._owned[(container.username, container.container_type)]
        self._membership_changed()

    def close(self, notebook_id: str, now_ms: int) -> None:
        """Close a notebook: it and its kernel session go; its container stays (empty ones go later)."""
        with self.lock:
            self._close(self.notebook(notebook_id, now_ms), now_ms)

    def terminate(self, container_id: str, now_ms: int) -> None:
        """terminateContainer: the container goes at once, with its notebooks and their sessions."""
        with self.lock:
            self._remove_container(self.container(container_id, now_ms))

    def clear(self) -> None:
        with self.lock:
            self._notebooks.clear()
            self._containers.clear()
            self._labels.clear()
            self._label_of.clear()
            self._owned.clear()
            self._events.clear()
            self._membership_changed()

    # ----- kernels -----

    def _kernel_changed(self, notebook: Notebook) -> Notebook:
        notebook.changed()
        self._schedule_notebook(notebook)
        return notebook

    def make_busy(self, notebook_id: str, now_ms: int, seconds: float | None) -> Notebook:
        """The kernel runs a cell from now: for `seconds`, or (None) until told otherwise."""
        with self.lock:
            notebook = self.notebook(notebook_id, now_ms)
            notebook.execution_state = BUSY
            notebook.busy_until_ms = None if seconds is None else now_ms + int(float(seconds) * 1000)
            notebook.last_activity_ms = now_ms
            return self._kernel_changed(notebook)

    def touch(self, notebook_id: str, now_ms: int) -> Notebook:
        """Someone used the notebook now: its idle time starts again."""
        with self.lock:
            notebook = self.notebook(notebook_id, now_ms)
            notebook.last_activity_ms = now_ms
            return self._kernel_changed(notebook)

    def set_state(self, notebook_id: str, now_ms: int, state: str, connections: int | None = None) -> Notebook:
        """Any execution_state string ("dead" for a killed kernel); "busy" this way is busy until told."""
        with self.lock:
            notebook = self.notebook(notebook_id, now_ms)
            notebook.execution_state = state
            notebook.busy_until_ms = None
            if connections is not None:
                notebook.connections = int(connections)
            return self._kernel_changed(notebook)

    def kill(self, notebook_id: str, now_ms: int) -> Notebook:
        return self.set_state(notebook_id, now_ms, DEAD, connections=0)

    # ----- reading -----

    def notebook(self, notebook_id: str, now_ms: int) -> Notebook:
        with self.lock:
            self.refresh(now_ms)
            notebook = self._notebooks.get(notebook_id)
            if notebook is None:
                raise NotebookNotFound(notebook_id)
            return notebook

    def container(self, container_id: str, now_ms: int) -> Container:
        with self.lock:
            self.refresh(now_ms)
            container = self._containers.get(container_id)
            if container is None:
                raise ContainerNotFound(container_id)
            return container

    def _listing(self, owner: str | None) -> list:
        listing = self._listings.get(owner)
        if listing is None:
            listing = [notebook for notebook in self._notebooks.values() if owner is None or notebook.username == owner]
            self._listings[owner] = listing
        return listing

    def page(self, now_ms: int, start: int, num: int, owner: str | None) -> tuple:
        """(records of the notebooks from 1-based `start`, at most `num` of them; total visible)."""
        with self.lock:
            self.refresh(now_ms)
            listing = self._listing(owner)
            first = max(start, 1) - 1
            return [notebook.record() for notebook in listing[first:first + max(num, 0)]], len(listing)

    def containers(self, now_ms: int, owner: str | None) -> list:
        with self.lock:
            self.refresh(now_ms)
            return [container for container in self._containers.values() if owner is None or container.username == owner]

    def container_notebooks(self, container_id: str, now_ms: int) -> list:
        with self.lock:
            container = self.container(container_id, now_ms)
            return [self._notebooks[notebook_id] for notebook_id in container.notebook_ids]

    def notebooks(self, now_ms: int) -> list:
        with self.lock:
            self.refresh(now_ms)
            return list(self._notebooks.values())

    def counts(self, now_ms: int) -> tuple:
        """(open notebooks, containers)."""
        with self.lock:
            self.refresh(now_ms)
            return len(self._notebooks), len(self._containers)
