"""The emulated interactive-work resources: admin/notebooks (paged, close) and admin/system/containers.

Administrators see and act on everything; other users only on their own notebooks and containers
(a list shows only theirs, someone else's gives 403), as the documentation says for containers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .accounts import Account
from .envelopes import BAD_REQUEST, FORBIDDEN, NOT_FOUND, ApiError
from .http_exchange import Request, Response
from .notebook_store import ContainerNotFound, NotebookNotFound
from .site import READ_ONLY

if TYPE_CHECKING:
    from .admin_api import AdminApi

DEFAULT_PAGE = 10
MAX_PAGE = 100
# The close operation each close_operations setting answers; the other one is "not found".
CLOSE_NAMES = {"new": ("closeNotebook",), "old": ("close",), "both": ("closeNotebook", "close")}


def _int(request: Request, name: str, default: int) -> int:
    value = request.param(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ApiError(BAD_REQUEST, "Invalid value for parameter %s." % name) from None


def _may_see(account: Account, username: str) -> None:
    if not account.is_admin and username != account.username:
        raise ApiError(FORBIDDEN)


class NotebookResources:
    def __init__(self, api: AdminApi):
        self.api = api
        self.site = api.site

    def _refuse_in_read_only(self) -> None:
        if self.site.notebooks.settings.read_only_blocks_close and self.site.site_mode == READ_ONLY:
            raise ApiError(FORBIDDEN, "This operation is not allowed while the site is in READ_ONLY mode.")

    # ----- admin/notebooks -----

    def notebooks(self, request: Request, account: Account, rest: list) -> Response:
        now_ms = self.site.sync()
        store = self.site.notebooks
        if not rest:
            return self._page(request, account, now_ms)
        try:
            notebook = store.notebook(rest[0], now_ms)
        except NotebookNotFound:
            raise ApiError(NOT_FOUND, "Notebook '%s' does not exist." % rest[0]) from None
        _may_see(account, notebook.username)
        if len(rest) == 1:
            with store.lock:
                record = notebook.record()
            return self.api.document(request, record, "Notebook")
        if len(rest) == 2 and rest[1] in CLOSE_NAMES[store.settings.close_operations]:
            self.api.require_post(request)
            self._refuse_in_read_only()
            store.close(notebook.notebook_id, now_ms)
            return self.api.document(request, {"status": "success"}, "Close notebook")
        raise ApiError(NOT_FOUND)

    def _page(self, request: Request, account: Account, now_ms: int) -> Response:
        start = max(_int(request, "start", 1), 1)
        num = min(max(_int(request, "num", DEFAULT_PAGE), 0), MAX_PAGE)
        owner = None if account.is_admin else account.username
        records, total = self.site.notebooks.page(now_ms, start, num, owner)
        document = {"total": total, "start": start, "num": num, "notebooks": records}
        if self.site.notebooks.settings.next_start:
            following = start + len(records)
            document["nextStart"] = following if following <= total else -1
        return self.api.document(request, document, "Notebooks")

    # ----- admin/system/containers -----

    def containers(self, request: Request, account: Account, rest: list) -> Response:
        now_ms = self.site.sync()
        store = self.site.notebooks
        date_format = store.settings.container_date_created
        owner = None if account.is_admin else account.username
        if not rest:
            with store.lock:
                records = [container.record(date_format) for container in store.containers(now_ms, owner)]
            return self.api.document(request, {"containers": records}, "Containers")
        try:
            container = store.container(rest[0], now_ms)
        except ContainerNotFound:
            raise ApiError(NOT_FOUND, "Container '%s' does not exist." % rest[0]) from None
        _may_see(account, container.username)
        action = rest[1:]
        if not action:
            with store.lock:
                record = container.record(date_format)
            return self.api.document(request, record, "Container")
        if action == ["sessions"]:
            style = store.settings.session_path
            with store.lock:
                sessions = [notebook.session(style) for notebook in store.container_notebooks(container.container_id, now_ms)]
            return self.api.document(request, {"sessions": sessions}, "Sessions")
        if action[0] == "notebooks" and len(action) <= 2:
            with store.lock:
                notebooks = store.container_notebooks(container.container_id, now_ms)
                if len(action) == 1:
                    return self.api.document(request, {"notebooks": [notebook.record() for notebook in notebooks]},
                                             "Container notebooks")
                for notebook in notebooks:
                    if notebook.notebook_id == action[1]:
                        return self.api.document(request, notebook.record(), "Container notebook")
            raise ApiError(NOT_FOUND, "Notebook '%s' does not exist." % action[1])
        if action == ["terminateContainer"]:
            self.api.require_post(request)
            self._refuse_in_read_only()
            store.terminate(container.container_id, now_ms)
            return self.api.document(request, {"status": "success"}, "Terminate container")
        raise ApiError(NOT_FOUND)
