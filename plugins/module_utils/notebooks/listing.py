# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a site's interactive work: the open notebooks page by page, the containers, each container's kernels.

Requests, and nothing else: the notebook pages (``num=100``, the server's maximum), one containers request,
one sessions request per container in scope. What could not be read is recorded with the reason, so that the
model never takes an unread kernel for an idle one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    BadResponseError,
    NotebookServerError,
    NotFoundError,
    cause,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.counts import read_count
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.text import plural, shorten

NOTEBOOKS_PATH = "notebooks"
CONTAINERS_PATH = "system/containers"
# The server answers at most 100 notebooks per page whatever num asks.
PAGE_SIZE = 100
# Never read more pages than this (250,000 notebooks): a bigger or endless listing is read in part and said so.
MAX_PAGES = 2500


def scope_of(owners: Optional[Sequence[str]]) -> frozenset:
    """The owners a reading is narrowed to, compared case-insensitively; empty means everyone."""
    return frozenset(str(owner).casefold() for owner in owners or () if str(owner).strip())


def in_scope(username: Any, owners: frozenset) -> bool:
    """Whether work of ``username`` is in scope; anything without a readable owner is in every scope."""
    if not owners or not isinstance(username, str) or not username:
        return True
    return username.casefold() in owners


@dataclass
class NotebookPages:
    """Every open notebook the pages held, in server order (an id seen twice is kept once), and whether that is all."""

    records: List[Any]
    total: Optional[int]
    complete: bool
    requests: int
    incomplete_reason: Optional[str] = None


@dataclass
class ContainerSessions:
    """The kernel sessions of one container, or why they are unknown."""

    container_id: str
    sessions: Optional[List[Any]] = None  # None: not read
    error: Optional[str] = None
    # The site said the container does not exist: it went between the containers list and this read.
    gone: bool = False

    @property
    def read(self) -> bool:
        return self.sessions is not None


@dataclass
class InteractiveListing:
    """What one reading of the interactive work found; ``sessions`` is keyed by container id."""

    pages: NotebookPages
    containers: List[Any]
    sessions: Dict[str, ContainerSessions] = field(default_factory=dict)
    kernels_read: bool = True
    containers_reason: Optional[str] = None  # why the containers list is not known to be whole
    requests: int = 0


def _notebook_id(item: Any) -> Optional[str]:
    return item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) and item.get("id") else None


def _page(client: Any, start: int) -> Dict[str, Any]:
    answer = client.get_json(NOTEBOOKS_PATH, {"start": start, "num": PAGE_SIZE, "f": "json"})
    if not isinstance(answer, dict) or not isinstance(answer.get("notebooks"), list):
        raise BadResponseError("the answer of admin/notebooks has no notebooks list; is url the Notebook Server "
                               "site root?", client.server)
    return answer


def _next_start(answer: Dict[str, Any], start: int, count: int) -> int:
    following = read_count(answer.get("nextStart"))
    # A nextStart that does not move forward would read the same page for ever: count instead.
    return following if following is not None and following > start else start + count


def list_notebooks(client: Any) -> NotebookPages:
    """Every open notebook, page by page until ``total`` is read; ``complete`` says whether nothing is missing.

    Without a usable ``total``, or when the total changes between pages (notebooks opened or closed meanwhile,
    so a page may have shifted past one), the list is never known to be complete. Each page after the first
    starts one place early, on the last notebook already read: a page that does not begin with it has shifted
    (one closed and another opened between the reads leave the total as it was, and a notebook unread).
    """
    records: List[Any] = []
    seen: set = set()
    start, requests, total = 1, 0, None
    reason: Optional[str] = None
    last_id: Optional[str] = None
    while True:
        answer = _page(client, start)
        requests += 1
        page = answer["notebooks"]
        page_total = read_count(answer.get("total"))
        if requests == 1:
            total = page_total
            if total is None:
                sent = answer.get("total")
                reason = ("the notebooks answer has no usable total (%s), so the list is not known to be complete"
                          % ("none sent" if sent is None else "got %s" % shorten(repr(sent), 40)))
        elif page_total != total and reason is None:
            reason = "the notebooks changed while they were read (a total of %s, then %s)" % (total, page_total)
        new = 0
        for item in page:
            notebook_id = _notebook_id(item)
            if notebook_id is None:
                records.append(item)
                new += 1
            elif notebook_id not in seen:
                seen.add(notebook_id)
                records.append(item)
                new += 1
        if not page:
            break
        if not new:
            # A server that ignores start sends the first page again and again.
            reason = reason or "the page from start=%d held only notebooks already read" % start
            break
        if requests > 1 and last_id is not None and _notebook_id(page[0]) != last_id and reason is None:
            reason = ("the notebooks changed while they were read (the page from start=%d did not begin with %s, "
                      "the last one read before)" % (start, last_id))
        last_id = _notebook_id(page[-1])
        if total is not None and start - 1 + len(page) >= total:
            break
        if answer.get("nextStart") is not None and read_count(answer.get("nextStart")) is None:
            break  # -1 (or anything unusable): the server says this was the last page
        if requests >= MAX_PAGES:
            reason = reason or "more than %d pages of notebooks; at most %d are ever read" % (MAX_PAGES, MAX_PAGES)
            break
        if len(page) == 1:  # no place to start early from: a shift before the next page would go unseen
            reason = reason or ("the page from start=%d holds one notebook, so whether the notebooks changed before "
                                "the next page cannot be seen" % start)
            start = _next_start(answer, start, 1)
        else:
            start = _next_start(answer, start, len(page)) - 1  # one place early: see the docstring
    odd = sum(1 for record in records if _notebook_id(record) is None)
    if odd:
        reason = "%s of the notebooks list %s not a notebook record" % (plural(odd, "item"), "is" if odd == 1 else "are")
    if reason is None and total is not None and len(records) < total:
        reason = "the server holds %d open notebooks and %d came back" % (total, len(records))
    complete = reason is None and total is not None and len(records) >= total
    return NotebookPages(records, total, complete, requests, incomplete_reason=reason)


def list_containers(client: Any) -> List[Any]:
    """The containers of ``admin/system/containers`` as the server sent them (one request)."""
    answer = client.get_json(CONTAINERS_PATH, {"f": "json"})
    if not isinstance(answer, dict) or not isinstance(answer.get("containers"), list):
        raise BadResponseError("the answer of admin/system/containers has no containers list", client.server)
    return answer["containers"]


def sessions_path(client: Any, container_id: str) -> str:
    """``system/containers/<id>/sessions``, the id quoted so it cannot change the path."""
    return "%s/%s/sessions" % (CONTAINERS_PATH, client.path_segment(container_id))


def read_sessions(client: Any, container_id: str) -> List[Any]:
    """The kernel sessions of one container (one request)."""
    answer = client.get_json(sessions_path(client, container_id), {"f": "json"})
    if not isinstance(answer, dict) or not isinstance(answer.get("sessions"), list):
        raise BadResponseError("the sessions answer of container %s has no sessions list" % container_id, client.server)
    return answer["sessions"]


def _sessions_of(client: Any, container_id: str, strict: bool) -> ContainerSessions:
    try:
        return ContainerSessions(container_id, read_sessions(client, container_id))
    except NotFoundError as exc:
        if exc.envelope and exc.resource == sessions_path(client, container_id):
            # The site itself says the container is gone (emptied and removed since the containers list).
            return ContainerSessions(container_id, error=cause(exc), gone=True)
        if strict:
            raise
        return ContainerSessions(container_id, error=cause(exc))
    except NotebookServerError as exc:
        if strict:
            raise
        return ContainerSessions(container_id, error=cause(exc))


def _container_ids(containers: List[Any], notebooks: List[Any], owners: frozenset) -> List[str]:
    """The containers whose kernels are read: every container in scope, then any in-scope notebook's container
    that the containers list did not hold (it may have come since)."""
    ids: Dict[str, None] = {}
    for container in containers:
        if isinstance(container, dict) and in_scope(container.get("username"), owners):
            container_id = container.get("id")
            if isinstance(container_id, str) and container_id:
                ids[container_id] = None
    for notebook in notebooks:
        if isinstance(notebook, dict) and in_scope(notebook.get("username"), owners):
            container_id = notebook.get("containerId")
            if isinstance(container_id, str) and container_id:
                ids[container_id] = None
    return list(ids)


def _containers_reason(containers: List[Any], owners: frozenset) -> Optional[str]:
    unreadable = sum(1 for container in containers if not isinstance(container, dict)
                     or (in_scope(container.get("username"), owners)
                         and not (isinstance(container.get("id"), str) and container.get("id"))))
    if not unreadable:
        return None
    return "%s of the containers list %s no container record with an id, so %s kernels cannot be read" % (
        plural(unreadable, "item"), "is" if unreadable == 1 else "are", "its" if unreadable == 1 else "their")


def read_interactive(client: Any, kernels: bool = True, owners: Optional[Sequence[str]] = None,
                     strict: bool = False) -> InteractiveListing:
    """The open notebooks, the containers and (with ``kernels``) the sessions of every container in scope.

    A failed read of the notebooks or the containers raises. A failed sessions read raises with ``strict`` (a drain's
    poll fails) and is recorded otherwise (the info module reports what it could read); a container the site says
    no longer exists is recorded as gone either way.
    """
    scope = scope_of(owners)
    requests_before = client.requests_sent
    pages = list_notebooks(client)
    containers = list_containers(client)
    listing = InteractiveListing(pages=pages, containers=containers, kernels_read=kernels,
                                 containers_reason=_containers_reason(containers, scope))
    if kernels:
        for container_id in _container_ids(containers, pages.records, scope):
            listing.sessions[container_id] = _sessions_of(client, container_id, strict)
    listing.requests = client.requests_sent - requests_before
    return listing
