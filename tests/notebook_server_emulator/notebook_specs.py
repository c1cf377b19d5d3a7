"""Notebook specs (scenario `notebooks` entries and control API opens) as openings, and generated notebooks.

Times are emulated seconds relative to now (negative = in the past), as for jobs.
"""

from __future__ import annotations

import dataclasses
import random

from .notebooks import BUSY, IDLE, OPEN_NOTEBOOK

NOTEBOOK_KEYS = {"id", "owner", "username", "item_id", "title", "container", "container_id", "container_type",
                 "kernel", "busy_for", "last_activity", "opened", "connections", "path", "count"}
FOREVER = "forever"


class NotebookSpecError(ValueError):
    pass


@dataclasses.dataclass
class Opening:
    """What to open: everything a new notebook needs except the ids the store makes up."""
    username: str
    opened_ms: int
    last_activity_ms: int
    notebook_id: str | None = None
    item_id: str | None = None
    title: str | None = None
    container_label: str | None = None  # scenario grouping: one container per label (default: per user)
    container_id: str | None = None  # an existing container, or the id a new one gets
    new_container_id: str | None = None  # the id a new container gets when the user has none to reuse
    container_type: str = OPEN_NOTEBOOK
    execution_state: str = IDLE
    busy_until_ms: int | None = None
    connections: int = 1
    path: str | None = None


def check_notebook_spec(spec: dict) -> None:
    if not isinstance(spec, dict):
        raise NotebookSpecError("a notebook is a mapping")
    unknown = set(spec) - NOTEBOOK_KEYS
    if unknown:
        raise NotebookSpecError("unknown notebook keys: %s" % ", ".join(sorted(unknown)))


def _ms(now_ms: int, seconds) -> int:
    return now_ms + int(float(seconds) * 1000)


def openings_from_spec(spec: dict, now_ms: int, default_username: str) -> list:
    """One spec (possibly with count) as Openings; see docs/emulator.md for the keys."""
    check_notebook_spec(spec)
    count = int(spec.get("count", 1))
    if count > 1 and ({"id", "item_id", "path"} & set(spec)):
        raise NotebookSpecError("a notebook spec with count cannot have a fixed id, item_id or path")
    last_activity_ms = _ms(now_ms, spec.get("last_activity", 0))
    opened_ms = _ms(now_ms, spec["opened"]) if "opened" in spec else min(last_activity_ms, now_ms)
    if opened_ms > last_activity_ms:
        raise NotebookSpecError("a notebook cannot be active before it was opened")
    state = str(spec.get("kernel", BUSY if "busy_for" in spec else IDLE))
    busy_for = spec.get("busy_for")
    busy_until_ms = None
    if busy_for is not None and busy_for != FOREVER:
        if state != BUSY:
            raise NotebookSpecError("busy_for needs kernel busy, not %r" % state)
        busy_until_ms = _ms(now_ms, busy_for)
    return [Opening(
        username=str(spec.get("username") or spec.get("owner") or default_username),
        opened_ms=opened_ms,
        last_activity_ms=last_activity_ms,
        notebook_id=spec.get("id"),
        item_id=spec.get("item_id"),
        title=spec.get("title"),
        container_label=spec.get("container"),
        container_id=spec.get("container_id"),
        container_type=str(spec.get("container_type", OPEN_NOTEBOOK)),
        execution_state=state,
        busy_until_ms=busy_until_ms,
        connections=int(spec.get("connections", 1)),
        path=spec.get("path"),
    ) for _index in range(count)]


def generate_openings(count: int, now_ms: int, usernames: list, seed: int) -> list:
    """A big site: notebooks of many users active within the last 20 hours, about 5 % with a busy kernel."""
    rng = random.Random(seed)
    openings = []
    for _index in range(count):
        last_activity_ms = now_ms - rng.randrange(0, 20 * 3600 * 1000)
        busy = rng.random() < 0.05
        openings.append(Opening(
            username=usernames[rng.randrange(len(usernames))],
            opened_ms=last_activity_ms - rng.randrange(0, 3600 * 1000),
            last_activity_ms=last_activity_ms,
            execution_state=BUSY if busy else IDLE,
            busy_until_ms=now_ms + rng.randrange(60, 4 * 3600) * 1000 if busy else None,
            connections=rng.randrange(0, 3),
        ))
    return openings
