# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What open notebooks and their kernels mean: busy or quiet and since when, which kernel is whose, the summary.

A notebook is busy when one of its kernels is in any state but ``idle`` or ``dead`` (a missing or unknown state
is busy), when its kernels could not be read, or when there was activity within ``quiet_for``. Activity comes in
two formats: a notebook's ``dateLastActivity`` (epoch ms as a string) and a kernel's ``last_activity`` (ISO-8601).
A kernel belongs to the notebook its session path names (``<itemId>.ipynb``); a kernel whose session names no
listed notebook of its container counts for every notebook of that container, so a busy one is never dropped.
The server's records are kept as they came; computed fields are added in snake_case, never over a server field.
"""

from __future__ import annotations

import math
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.listing import (
    ContainerSessions,
    InteractiveListing,
    in_scope,
    scope_of,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.text import plural
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.times import (
    epoch_ms_from_iso,
    format_duration,
    iso_from_epoch_ms,
)

# Jupyter's states of a kernel doing no work; every other state, a missing one included, is work.
RESTING_STATES = frozenset(("idle", "dead"))
UNKNOWN_STATE = "unknown"
DEFAULT_QUIET_FOR = "10m"
# How a kernel was matched with a notebook: its session path names the notebook's item, or (unsure) it runs in
# the notebook's container and its session names no listed notebook.
JOIN_PATH = "path"
JOIN_CONTAINER = "container"
NOTEBOOK_FIELDS = ("last_activity_iso", "idle_seconds", "kernels", "busy", "busy_reason")
CONTAINER_FIELDS = ("notebook_count", "busy_kernels", "sessions_read", "sessions_error")
# Below this an instant is taken as epoch *seconds*: 1e11 ms is March 1973, 1e11 s the year 5138.
_EPOCH_SECONDS_LIMIT = 100000000000
_NOTEBOOK_SUFFIX = ".ipynb"
KERNELS_NOT_READ = "the kernels were not read (kernels=false), so none is known to be idle"


def activity_ms(value: Any) -> Optional[int]:
    """An instant as servers send one: epoch ms as a number or a string (``"1714550400000"``), or ISO-8601
    (``2024-05-01T08:00:00.123Z``); None when absent or unreadable, which callers take as unknown, never as old.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return epoch_ms_from_iso(text)
    elif isinstance(value, (int, float)):
        number = float(value)
    else:
        return None
    if not math.isfinite(number) or number < 0:
        return None
    return int(number * 1000 if number < _EPOCH_SECONDS_LIMIT else number)


def kernel_state_is_busy(state: Any) -> bool:
    """True for every state but ``idle`` and ``dead``: ``busy``, ``starting``, ``restarting``, a new or missing one."""
    return not (isinstance(state, str) and state.strip().casefold() in RESTING_STATES)


class KernelFacts(NamedTuple):
    """One kernel session as the core reasons with it."""

    kernel_id: str
    name: str
    state: str  # as sent, or "unknown"
    last_activity_ms: Optional[int]
    connections: Optional[int]
    busy: bool
    join: str


def kernel_of(session: Any, join: str) -> KernelFacts:
    """The facts of one session's kernel; a session that is not a record, or has no kernel, is a busy unknown kernel."""
    kernel = session.get("kernel") if isinstance(session, dict) else None
    if not isinstance(kernel, dict):
        return KernelFacts("", "", UNKNOWN_STATE, None, None, True, join)
    state = kernel.get("execution_state")
    connections = kernel.get("connections")
    return KernelFacts(
        str(kernel.get("id") or ""), str(kernel.get("name") or ""),
        state.strip() if isinstance(state, str) and state.strip() else UNKNOWN_STATE,
        activity_ms(kernel.get("last_activity")),
        connections if isinstance(connections, int) and not isinstance(connections, bool) else None,
        kernel_state_is_busy(state), join,
    )


def kernel_brief(kernel: KernelFacts) -> Dict[str, Any]:
    """A kernel in every output: Jupyter's names where the server sent them, then how it was matched."""
    return {
        "id": kernel.kernel_id,
        "name": kernel.name,
        "execution_state": kernel.state,
        "last_activity_iso": iso_from_epoch_ms(kernel.last_activity_ms),
        "connections": kernel.connections,
        "join": kernel.join,
    }


def session_item_id(session: Any) -> Optional[str]:
    """The item id a session's path names (``folder/<itemId>.ipynb``), compared case-insensitively; None if none."""
    path = session.get("path") if isinstance(session, dict) else None
    if not isinstance(path, str):
        return None
    name = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    if name.casefold().endswith(_NOTEBOOK_SUFFIX):
        name = name[:-len(_NOTEBOOK_SUFFIX)]
    return name.casefold() or None


class NotebookFacts(NamedTuple):
    """One open notebook, its kernels and its verdict. ``record`` is the server's own item of the list."""

    record: Dict[str, Any]
    notebook_id: str
    item_id: str
    owner: str
    container_id: str
    kernels: Tuple[KernelFacts, ...]
    kernels_known: bool  # its container's sessions were read
    last_activity_ms: Optional[int]  # the later of the notebook's and its kernels' last activity
    idle_seconds: Optional[float]
    busy: bool
    reason: Optional[str]  # why it is busy, for people: "kernel busy", "activity within 10m", ...

    @property
    def kernel_state(self) -> str:
        """The state that matters most, for people: a working kernel's state first, else ``idle``/``dead``."""
        if not self.kernels_known:
            return "state unknown"
        if not self.kernels:
            return "none"
        working = [kernel for kernel in self.kernels if kernel.busy]
        return (working or list(self.kernels))[0].state


class ContainerFacts(NamedTuple):
    """One container: its notebooks in scope and the kernels of its sessions."""

    record: Any
    container_id: str
    owner: str
    notebook_count: int
    kernels: Tuple[KernelFacts, ...]
    sessions_read: bool
    sessions_error: Optional[str]

    @property
    def busy_kernels(self) -> int:
        return sum(1 for kernel in self.kernels if kernel.busy)


class InteractiveFacts(NamedTuple):
    """The verdict on one reading: the notebooks and containers in scope, and whether nothing went unread."""

    notebooks: Tuple[NotebookFacts, ...]
    containers: Tuple[ContainerFacts, ...]
    complete: bool
    incomplete_reasons: Tuple[str, ...]
    total: Optional[int]
    # Busy kernels of containers without any listed notebook in scope (a run's container, a notebook not listed).
    unattributed: Tuple[Tuple[ContainerFacts, KernelFacts], ...]

    @property
    def busy_notebooks(self) -> Tuple[NotebookFacts, ...]:
        return tuple(notebook for notebook in self.notebooks if notebook.busy)

    @property
    def busy_kernels(self) -> int:
        return sum(container.busy_kernels for container in self.containers)

    @property
    def quiet(self) -> bool:
        """Read completely, no busy notebook and no busy kernel anywhere in scope."""
        return self.complete and not self.busy_notebooks and not self.unattributed and not self.busy_kernels


def _unread_reason(container_id: str, sessions: Optional[ContainerSessions], kernels_read: bool) -> str:
    if not kernels_read:
        return "kernels not read (kernels=false)"
    if not container_id:
        return "no containerId, so its kernel cannot be found"
    if sessions is None:
        return "the kernels of container %s were not read" % container_id
    if sessions.gone:
        return "container %s went while it was read" % container_id
    return "the kernels of container %s could not be read: %s" % (container_id, sessions.error)


def _verdict(kernels: Tuple[KernelFacts, ...], own_ms: Optional[int], now_ms: int,
             quiet_for_seconds: float) -> Tuple[Optional[int], Optional[float], bool, Optional[str]]:
    """(last activity, idle seconds, busy, reason) of a notebook whose kernels were read."""
    moments = [moment for moment in [own_ms] + [kernel.last_activity_ms for kernel in kernels] if moment is not None]
    last = max(moments) if moments else None
    idle = (now_ms - last) / 1000.0 if last is not None else None
    working = [kernel for kernel in kernels if kernel.busy]
    if working:
        state = working[0].state
        return last, idle, True, "kernel state unknown" if state == UNKNOWN_STATE else "kernel %s" % state
    if idle is None:
        return last, idle, True, "last activity unknown"
    if idle < quiet_for_seconds:
        return last, idle, True, "activity within %s" % format_duration(quiet_for_seconds)
    return last, idle, False, None


class _Join(NamedTuple):
    matched: Dict[int, List[KernelFacts]]  # by the position of a notebook among its container's
    unmatched: Tuple[KernelFacts, ...]  # sessions whose path names no listed notebook: unsure, they count for all
    every: Tuple[KernelFacts, ...]  # each session's kernel once


def _join(container_notebooks: List[Dict[str, Any]], sessions: List[Any]) -> _Join:
    """Match a container's sessions with its listed notebooks by the item id the session path names."""
    by_item: Dict[str, List[int]] = {}
    for index, record in enumerate(container_notebooks):
        item = record.get("itemId")
        if isinstance(item, str) and item:
            by_item.setdefault(item.casefold(), []).append(index)
    matched: Dict[int, List[KernelFacts]] = {}
    unmatched: List[KernelFacts] = []
    every: List[KernelFacts] = []
    for session in sessions:
        indexes = by_item.get(session_item_id(session) or "")
        kernel = kernel_of(session, JOIN_PATH if indexes else JOIN_CONTAINER)
        every.append(kernel)
        if indexes:
            for index in indexes:
                matched.setdefault(index, []).append(kernel)
        else:
            unmatched.append(kernel)
    return _Join(matched, tuple(unmatched), tuple(every))


def classify(listing: InteractiveListing, now_ms: int, quiet_for_seconds: float,
             owners: Iterable[str] = ()) -> InteractiveFacts:
    """The facts of every notebook and container in scope (owners compared case-insensitively), on ``now_ms``."""
    scope = scope_of(list(owners))
    reasons: List[str] = []
    if listing.pages.incomplete_reason:
        reasons.append(listing.pages.incomplete_reason)
    if listing.containers_reason:
        reasons.append(listing.containers_reason)
    if not listing.kernels_read:
        reasons.append(KERNELS_NOT_READ)
    records = [record for record in listing.pages.records
               if isinstance(record, dict) and in_scope(record.get("username"), scope)]
    by_container: Dict[str, List[Dict[str, Any]]] = {}
    for record in records:
        by_container.setdefault(str(record.get("containerId") or ""), []).append(record)

    kernels_of: Dict[int, Tuple[KernelFacts, ...]] = {}  # by id() of a notebook record
    container_kernels: Dict[str, Tuple[KernelFacts, ...]] = {}
    unattributed_by_container: Dict[str, Tuple[KernelFacts, ...]] = {}
    for container_id, sessions in listing.sessions.items():
        notebooks = by_container.get(container_id, [])
        if not sessions.read:
            if not sessions.gone or notebooks:
                reasons.append(_unread_reason(container_id, sessions, True))
            continue
        join = _join(notebooks, sessions.sessions or [])
        for index, record in enumerate(notebooks):
            kernels_of[id(record)] = tuple(join.matched.get(index, [])) + join.unmatched
        container_kernels[container_id] = join.every
        if not notebooks:
            unattributed_by_container[container_id] = tuple(kernel for kernel in join.every if kernel.busy)
    if "" in by_container and listing.kernels_read:
        reasons.append("%s without a containerId" % plural(len(by_container[""]), "notebook"))

    notebooks_facts = []
    for record in records:
        container_id = str(record.get("containerId") or "")
        own_ms = activity_ms(record.get("dateLastActivity"))
        kernels = kernels_of.get(id(record))
        if kernels is None:
            moment = own_ms
            idle = (now_ms - moment) / 1000.0 if moment is not None else None
            facts = NotebookFacts(record, str(record.get("id") or ""), str(record.get("itemId") or ""),
                                  str(record.get("username") or ""), container_id, (), False, moment, idle, True,
                                  _unread_reason(container_id, listing.sessions.get(container_id), listing.kernels_read))
        else:
            last, idle, busy, reason = _verdict(kernels, own_ms, now_ms, quiet_for_seconds)
            facts = NotebookFacts(record, str(record.get("id") or ""), str(record.get("itemId") or ""),
                                  str(record.get("username") or ""), container_id, kernels, True, last, idle, busy,
                                  reason)
        notebooks_facts.append(facts)

    containers_facts = []
    unattributed = []
    for container in listing.containers:
        if not isinstance(container, dict) or not in_scope(container.get("username"), scope):
            continue
        container_id = str(container.get("id") or "")
        sessions = listing.sessions.get(container_id)
        facts_of_container = ContainerFacts(
            container, container_id, str(container.get("username") or ""), len(by_container.get(container_id, [])),
            container_kernels.get(container_id, ()), bool(sessions and sessions.read),
            sessions.error if sessions is not None else None)
        containers_facts.append(facts_of_container)
        for kernel in unattributed_by_container.get(container_id, ()):
            unattributed.append((facts_of_container, kernel))
    return InteractiveFacts(tuple(notebooks_facts), tuple(containers_facts), not reasons, tuple(reasons),
                            listing.pages.total, tuple(unattributed))


def annotate_notebook(facts: NotebookFacts) -> Dict[str, Any]:
    """Add the computed fields to the notebook's record in place (never over a server field) and return it."""
    record = facts.record
    computed = {
        "last_activity_iso": iso_from_epoch_ms(facts.last_activity_ms),
        "idle_seconds": facts.idle_seconds,
        "kernels": [kernel_brief(kernel) for kernel in facts.kernels],
        "busy": facts.busy,
        "busy_reason": facts.reason,
    }
    for key, value in computed.items():
        record.setdefault(key, value)
    return record


def annotate_container(facts: ContainerFacts) -> Any:
    """Add the computed fields to the container's record in place (never over a server field) and return it."""
    record = facts.record
    computed = {
        "notebook_count": facts.notebook_count,
        "busy_kernels": facts.busy_kernels,
        "sessions_read": facts.sessions_read,
        "sessions_error": facts.sessions_error,
    }
    for key, value in computed.items():
        record.setdefault(key, value)
    return record


def notebook_brief(facts: NotebookFacts) -> Dict[str, Any]:
    """A notebook where an output names one (busy, closed, stale): the server's own field names for what it sent,
    then the computed fields, the same keys in the info module, the drain's fact and the audit report.
    """
    return {
        "id": facts.notebook_id,
        "itemId": facts.item_id,
        "username": facts.owner,
        "containerId": facts.container_id,
        "dateLastActivity": facts.record.get("dateLastActivity"),
        "last_activity_iso": iso_from_epoch_ms(facts.last_activity_ms),
        "idle_seconds": facts.idle_seconds,
        "kernels": [kernel_brief(kernel) for kernel in facts.kernels],
        "busy": facts.busy,
        "busy_reason": facts.reason,
    }


def describe_notebook(facts: NotebookFacts) -> str:
    """``alice: kernel busy, last activity 40s ago``: whose, what its kernel does, when it was last used."""
    return "%s: %s" % (facts.owner or "unknown user", describe_state(facts))


def describe_state(facts: NotebookFacts) -> str:
    """``kernel busy, last activity 40s ago``: what its kernel does, when the notebook was last used."""
    if facts.kernels_known:
        kernel = "no kernel" if not facts.kernels else "kernel %s" % facts.kernel_state
    else:
        kernel = "kernel state unknown"
    if facts.idle_seconds is None:
        activity = "last activity unknown"
    else:
        activity = "last activity %s ago" % format_duration(facts.idle_seconds)
    return "%s, %s" % (kernel, activity)


def _count(counts: Dict[str, int], key: str) -> None:
    counts[key] = counts.get(key, 0) + 1


def summarize(facts: InteractiveFacts) -> Dict[str, Any]:
    """Counts over the notebooks and containers in scope; ``quiet`` only when read completely and nothing is busy."""
    by_owner: Dict[str, int] = {}
    busy_by_owner: Dict[str, int] = {}
    moments = []
    for notebook in facts.notebooks:
        _count(by_owner, notebook.owner or UNKNOWN_STATE)
        if notebook.busy:
            _count(busy_by_owner, notebook.owner or UNKNOWN_STATE)
        if notebook.last_activity_ms is not None:
            moments.append(notebook.last_activity_ms)
    moments += [kernel.last_activity_ms for container in facts.containers for kernel in container.kernels
                if kernel.last_activity_ms is not None]
    return {
        "open_notebooks": len(facts.notebooks),
        "busy_notebooks": len(facts.busy_notebooks),
        "busy_kernels": facts.busy_kernels,
        "containers": len(facts.containers),
        "quiet": facts.quiet,
        "last_activity_iso": iso_from_epoch_ms(max(moments)) if moments else None,
        "by_owner": by_owner,
        "busy_by_owner": busy_by_owner,
    }
