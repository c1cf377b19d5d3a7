# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one fake Notebook Server of the unit tests: a stand-in for the client's transport, so the real client runs unchanged.

It answers generateToken (server and Portal), the jobs list (``num``, ``total``, a ``max_num`` cap), single
jobs, cancel, deleteAll, the site mode, and the interactive work: open notebooks (paged by ``start``/``num``, at
most 100 a page), one notebook, ``closeNotebook``/``close``, the containers and each container's sessions; on its
Portal ``portals/self``, ``portals/self/servers`` (``portal_servers``, records made by ``federated_server``) and
the scheduled tasks (the org-wide and per-owner lists, paged; one task; disable and enable, which ``task_faults``
can make fail); records every request; plays scripted replies or exceptions per path before its defaults; and can
lose a write's answer before or after acting on it. Tests get it with the
``fake_server`` fixture (tests/unit/conftest.py), which makes every client the core opens talk to it.
"""

from __future__ import annotations

import datetime
import io
import json
import time
from email.utils import formatdate
from typing import Any, Callable, Dict, List, Optional, Union
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client import http, transport
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import (
    OptionAdapter,
    open_client_from,
)

SITE = "https://nb.example.com:11443/arcgis"
PORTAL = "https://portal.example.com/portal"
USERNAME = "siteadmin"
PASSWORD = "S3cret-Pa55word!"
GIVEN_TOKEN = "given-token-0123456789abcdef"
NOW_MS = 1714550400000  # 2024-05-01T08:00:00Z
HOUR_MS = 3600 * 1000

# Lost answers of ``fail_next``: before the server acted (it did nothing) or after (it acted).
TIMEOUT_BEFORE = "timeout_before"
TIMEOUT_AFTER = "timeout_after"


class Reply:
    """One scripted answer: status, body (dict/list -> JSON, str/bytes as is), headers."""

    def __init__(self, status: int = 200, body: Any = None, headers: Optional[Dict[str, str]] = None) -> None:
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            self.headers.setdefault("Content-Type", "application/json")

    def content(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


Scripted = Union[Reply, BaseException, Callable[["Call"], Union[Reply, BaseException]]]


class Call:
    """One request as the server saw it."""

    def __init__(self, request: Any, kwargs: Dict[str, Any], site_path: str, portal_path: Optional[str] = None) -> None:
        parts = urlsplit(request.url)
        self.method = request.method
        self.url = request.url
        self.path = parts.path
        self.query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        body = request.body or ""
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        self.form = {k: v[-1] for k, v in parse_qs(body).items()}
        self.headers = dict(request.headers)
        self.verify = kwargs.get("verify")
        self.timeout = kwargs.get("timeout")
        admin = site_path + "/admin/"
        # The admin path as sent (still quoted) and with each segment decoded, e.g. "system/jobs/<id>/cancel".
        self.raw_admin_path = self.path[len(admin):] if self.path.startswith(admin) else None
        self.admin_path = ("/".join(unquote(s) for s in self.raw_admin_path.split("/"))
                           if self.raw_admin_path is not None else None)
        # The same below the Portal's sharing/rest, e.g. "community/users/<owner>/tasks/<id>/disable".
        sharing = (portal_path or "") + "/sharing/rest/"
        self.sharing_path = ("/".join(unquote(s) for s in self.path[len(sharing):].split("/"))
                             if portal_path is not None and self.path.startswith(sharing) else None)

    def field(self, name: str) -> Optional[str]:
        return self.form.get(name, self.query.get(name))

    def token(self) -> Optional[str]:
        header = self.headers.get("X-Esri-Authorization", "")
        return header[len("Bearer "):] if header.startswith("Bearer ") else self.form.get("token")


def job(job_id: str, status: str = "PROCESSING", job_type: str = "executeNotebook", username: str = "alice",
        start_ms: int = NOW_MS - HOUR_MS, end_ms: Optional[int] = None, cancelled: bool = False,
        **extra: Any) -> Dict[str, Any]:
    record = {"jobId": job_id, "type": job_type, "status": status, "username": username, "startTime": start_ms,
              "inputs": {}, "customAttributes": {"isCancelled": cancelled}}
    if end_ms is not None:
        record["endTime"] = end_ms
    record.update(extra)
    return record


def job_record(job_id: str, status: str = "PROCESSING", cancelled: bool = False, owner: str = "analyst") -> Dict[str, Any]:
    """A full record as a maintenance test wants it: started long ago, ended a minute later when final."""
    record = job(job_id, status, username=owner, start_ms=1700000000000, cancelled=cancelled,
                 inputs={"itemId": "abc123"}, messages=[])
    if status in ("COMPLETED", "FAILED"):
        record["endTime"] = 1700000060000
    return record


PORTAL_ID = "0123456789ABCDEF"


def scheduled_task(task_id: str, owner: str = "j_doe", active: bool = True, state: Optional[str] = None,
                   item_id: str = "a1b2c3d4e5f60718293a4b5c6d7e8f90", task_type: str = "ExecuteNotebook",
                   **extra: Any) -> Dict[str, Any]:
    """A scheduled task record as a Portal lists it."""
    record = {"id": task_id, "itemId": item_id, "type": task_type, "title": "Task %s" % task_id, "userId": owner,
              "cronSchedule": "0 0/15 * * * ? *", "maxOccurrences": -1, "startDate": NOW_MS - HOUR_MS, "endDate": -1,
              "lastStart": -1, "active": active, "taskState": state or ("active" if active else "disabled"),
              "created": NOW_MS - HOUR_MS, "modified": NOW_MS - HOUR_MS}
    record.update(extra)
    return record


def iso(epoch_ms: int) -> str:
    """An instant as Jupyter writes a kernel's last_activity: ``2024-05-01T08:00:00.000000Z``."""
    moment = datetime.datetime.fromtimestamp(epoch_ms / 1000.0, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def notebook_record(notebook_id: str, owner: str = "alice", container_id: Optional[str] = None,
                    item_id: Optional[str] = None, last_activity_ms: int = NOW_MS - HOUR_MS) -> Dict[str, Any]:
    """One entry of admin/notebooks as the documentation shows it (dateLastActivity: epoch ms as a string)."""
    container_id = container_id or "c-" + owner
    item_id = item_id or "item" + notebook_id
    return {"itemId": item_id, "notebookUrl": "/notebooks/%s/notebooks/%s.ipynb" % (container_id, item_id),
            "dateLastActivity": str(last_activity_ms), "id": notebook_id, "containerId": container_id,
            "username": owner}


def container_record(container_id: str, owner: str = "alice", **extra: Any) -> Dict[str, Any]:
    record = {"hostName": "nbhost1.example.com", "memory": 4096, "cpus": 2.0, "dateCreated": str(NOW_MS - 2 * HOUR_MS),
              "id": container_id, "containerId": "d0c4e7" + container_id, "username": owner, "type": "openNotebook",
              "notebookRuntimeName": "ArcGIS Notebook Python 3 Standard"}
    record.update(extra)
    return record


def session_record(path: str, state: Any = "idle", last_activity_ms: Optional[int] = NOW_MS - HOUR_MS,
                   kernel_id: str = "k1", connections: int = 1) -> Dict[str, Any]:
    """One entry of a container's sessions (last_activity: ISO-8601); ``state`` None sends no execution_state."""
    kernel: Dict[str, Any] = {"name": "python3", "id": kernel_id, "connections": connections}
    if last_activity_ms is not None:
        kernel["last_activity"] = iso(last_activity_ms)
    if state is not None:
        kernel["execution_state"] = state
    return {"path": path, "kernel": kernel, "name": "", "id": "s-" + kernel_id, "type": "notebook"}


def make_client(server: "FakeNotebookServer", warnings: Optional[List[str]] = None, retries: int = 3,
                **options: Any) -> Any:
    """A real NotebookServerClient, opened from options as a task opens it; the ``fake_server`` fixture
    makes it talk to ``server``.
    """
    values = {"url": server.site, "username": USERNAME, "password": PASSWORD, "retries": retries}
    values.update(options)
    return open_client_from(OptionAdapter.from_dict(values), on_retry=warnings.append if warnings is not None else None)


def federated_server(host: str, server_id: str = "", server_type: str = "ARCGIS_NOTEBOOK_SERVER",
                     function: str = "NotebookServer", role: str = "FEDERATED_SERVER", admin_key: str = "adminUrl",
                     public_url: Optional[str] = None, admin_public_url: Optional[str] = None,
                     **extra: Any) -> Dict[str, Any]:
    """One record of the Portal's ``portals/self/servers``, keys in the documented order; ``admin_key`` may be
    ``adminURL`` (the property table's spelling) or ``None`` (no admin URL at all).
    """
    site = "https://%s:11443/arcgis" % host
    record: Dict[str, Any] = {"id": server_id or "id-" + host.split(".")[0], "name": "%s:11443" % host,
                              "url": public_url or site, "isHosted": False}
    if admin_key:
        record[admin_key] = site
    if admin_public_url:
        record["adminPublicUrl"] = admin_public_url
    record.update({"serverType": server_type, "serverRole": role, "serverFunction": function})
    record.update(extra)
    return record


def _envelope(code: int, message: str) -> Reply:
    return Reply(200, {"error": {"code": code, "message": message, "details": []}})


class FakeNotebookServer:
    """One site (and its Portal). ``session()`` is a transport that talks to it; the fixture gives it every client."""

    def __init__(self, jobs: Optional[List[Dict[str, Any]]] = None, site: str = SITE, portal: str = PORTAL,
                 max_num: Optional[int] = None, mode: str = "EDITABLE", admin: bool = True,
                 cancel_supported: bool = True, delete_all_supported: bool = True) -> None:
        self.site = site
        self.site_path = urlsplit(site).path
        self.portal_path = urlsplit(portal).path
        self.jobs = list(jobs or [])
        self.max_num = max_num  # a server that caps num whatever is asked
        self.mode = mode
        self.admin = admin
        self.cancel_supported = cancel_supported
        self.delete_all_supported = delete_all_supported
        self.ignore_cancel: set = set()
        self.calls: List[Call] = []
        self.scripts: Dict[str, List[Scripted]] = {}
        self.faults: Dict[str, List[str]] = {}
        self.tokens_issued: List[str] = []
        self.valid_tokens = {GIVEN_TOKEN}
        self.referers: Dict[str, str] = {}
        self.sleeps: List[float] = []  # what the client slept between retries (the fixture routes sleep here)
        self.clock_ms: Optional[int] = NOW_MS  # the server's clock, sent as the Date header; None sends none
        self.portal_servers: List[Dict[str, Any]] = []  # what the Portal's portals/self/servers lists
        # The Portal's side: its id, its scheduled tasks (records), whether the caller is its administrator, the
        # most records a page holds, and per "<task id>/<disable|enable>" the codes its next calls fail with.
        self.portal_id = PORTAL_ID
        self.portal_tasks: List[Dict[str, Any]] = []
        self.portal_admin = True
        self.page_cap = 100
        self.task_faults: Dict[str, List[int]] = {}
        # Interactive work: admin/notebooks records, system/containers records, sessions by container id.
        self.notebooks: List[Dict[str, Any]] = []
        self.containers: List[Dict[str, Any]] = []
        self.sessions: Dict[str, List[Any]] = {}
        self.close_operations = ("closeNotebook",)  # the names this release knows; others answer 404
        self.next_start = False  # add nextStart to notebook pages

    def load(self, jobs: Optional[List[Dict[str, Any]]] = None, **settings: Any) -> "FakeNotebookServer":
        """Give this server (usually the fixture's) its jobs and any other constructor setting; returns it."""
        self.jobs = list(jobs or [])
        for name, value in settings.items():
            if not hasattr(self, name):
                raise AttributeError(name)
            setattr(self, name, value)
        if "site" in settings:
            self.site_path = urlsplit(self.site).path
        return self

    # -- scripting ------------------------------------------------------------------------------

    def script(self, path: str, *replies: Scripted) -> None:
        """Replies for ``path`` (relative to the site, e.g. "admin/system/jobs"), played in order before defaults."""
        full = path if path.startswith("/") else "%s/%s" % (self.site_path, path)
        self.scripts.setdefault(full, []).extend(replies)

    def fail_next(self, admin_path: str, *kinds: str) -> None:
        """Lose the answer of the next requests to ``admin_path`` (decoded, e.g. "mode/update", or a Portal path below
        sharing/rest such as "community/users/j_doe/tasks/t1/disable"): TIMEOUT_BEFORE/AFTER.
        """
        self.faults.setdefault(admin_path, []).extend(kinds)

    def expire_tokens(self) -> None:
        self.valid_tokens = set()

    def session(self) -> "FakeSession":
        return FakeSession({"": self})

    def calls_to(self, suffix: str) -> List[Call]:
        return [c for c in self.calls if c.path.endswith(suffix)]

    def paths(self) -> List[str]:
        """The decoded admin path of every admin request, in order (generateToken excluded)."""
        return [c.admin_path for c in self.calls if c.admin_path is not None and c.admin_path != "generateToken"]

    def raw_paths(self) -> List[str]:
        """The admin path of every admin request as sent, still quoted (generateToken excluded)."""
        return [c.raw_admin_path for c in self.calls if c.raw_admin_path not in (None, "generateToken")]

    def open_notebook(self, notebook_id: str, owner: str = "alice", state: Any = "idle",
                      last_activity_ms: int = NOW_MS - HOUR_MS, container_id: Optional[str] = None,
                      path: Optional[str] = None, kernel_activity_ms: Optional[int] = None) -> Dict[str, Any]:
        """An open notebook, its container (made when new) and its kernel session; returns the notebook record."""
        record = notebook_record(notebook_id, owner, container_id, last_activity_ms=last_activity_ms)
        container_id = record["containerId"]
        self.notebooks.append(record)
        if not any(container.get("id") == container_id for container in self.containers):
            self.containers.append(container_record(container_id, owner))
        self.sessions.setdefault(container_id, []).append(session_record(
            path if path is not None else record["itemId"] + ".ipynb", state,
            last_activity_ms if kernel_activity_ms is None else kernel_activity_ms, kernel_id="k-" + notebook_id))
        return record

    def notebook_ids(self) -> List[str]:
        return [record.get("id") for record in self.notebooks]

    def job_ids(self) -> List[str]:
        return [record.get("jobId") for record in self.jobs]

    def writes(self) -> List[str]:
        return [path for path in self.paths() if path == "mode/update"
                or path.endswith(("/cancel", "/deleteAll", "/closeNotebook", "/close"))]

    def sharing_paths(self) -> List[str]:
        """The decoded path below the Portal's sharing/rest of every Portal request (generateToken excluded)."""
        return [c.sharing_path for c in self.calls if c.sharing_path not in (None, "generateToken")]

    def task_writes(self) -> List[str]:
        """Every disable and enable call, in order, as ``disable <task id>``."""
        return ["%s %s" % (path.rsplit("/", 2)[2], path.rsplit("/", 2)[1]) for path in self.sharing_paths()
                if path.endswith(("/disable", "/enable"))]

    def portal_task(self, task_id: str) -> Optional[Dict[str, Any]]:
        """The stored record of a scheduled task, or None."""
        return next((record for record in self.portal_tasks if record.get("id") == task_id), None)

    # -- transport ------------------------------------------------------------------------------

    def send(self, request: Any, **kwargs: Any) -> transport.Response:
        call = Call(request, kwargs, self.site_path, self.portal_path)
        self.calls.append(call)
        queued = self.scripts.get(call.path)
        if queued:
            scripted = queued.pop(0)
            if callable(scripted) and not isinstance(scripted, BaseException):
                scripted = scripted(call)
            if isinstance(scripted, BaseException):
                raise scripted
            return self._response(request, scripted)
        fault_key = call.admin_path if call.admin_path is not None else call.sharing_path
        fault = self.faults[fault_key].pop(0) if self.faults.get(fault_key) else None
        if fault == TIMEOUT_BEFORE:
            raise transport.AnswerTimeout("no answer within the timeout")
        reply = self.answer(call)
        if fault == TIMEOUT_AFTER:
            raise transport.AnswerTimeout("no answer within the timeout")
        return self._response(request, reply)

    def close(self) -> None:
        pass

    def _response(self, request: Any, reply: Reply) -> transport.Response:
        headers = dict(reply.headers)
        if self.clock_ms is not None and not any(name.lower() == "date" for name in headers):
            headers["Date"] = formatdate(self.clock_ms / 1000.0, usegmt=True)
        # The body as the real transport hands it over: still to be read, a piece at a time.
        return transport.Response(reply.status, headers, io.BytesIO(reply.content()))

    # -- the emulated resources -----------------------------------------------------------------

    def answer(self, call: Call) -> Reply:
        """The server's own answer to ``call`` (what a scripted reply may start from)."""
        if call.path in (self.site_path + "/admin/generateToken", self.portal_path + "/sharing/rest/generateToken"):
            return self._generate_token(call)
        sharing = self.portal_path + "/sharing/rest/"
        if call.admin_path is None and not call.path.startswith(sharing):
            # Neither the site's admin API nor the Portal's sharing API: the web server's own page.
            return Reply(404, "<html><body><h1>Not Found</h1></body></html>", {"Content-Type": "text/html"})
        token = call.token()
        if not token:
            return _envelope(499, "Token Required.")
        if token not in self.valid_tokens:
            return Reply(200, {"status": "error", "messages": ["Invalid token."], "code": 498})
        if token in self.referers and call.headers.get("Referer") != self.referers[token]:
            return _envelope(498, "Invalid token.")
        if call.sharing_path is not None:
            return self._sharing(call, call.sharing_path.split("/"))
        if call.admin_path is None:
            return Reply(404, "<html><body><h1>Not Found</h1></body></html>", {"Content-Type": "text/html"})
        if not self.admin:
            return _envelope(403, "You do not have permissions to access this resource or perform this operation.")
        return self._admin(call, call.admin_path.split("/"))

    def _generate_token(self, call: Call) -> Reply:
        if call.method != "POST" or call.query:
            return Reply(200, {"status": "error", "messages": ["credentials must be POSTed"], "code": 400})
        if call.form.get("username") != USERNAME or call.form.get("password") != PASSWORD:
            return Reply(200, {"error": {"code": 400, "message": "Unable to generate token.",
                                         "details": ["Invalid username or password."]}})
        token = "tok-%d-abcdef" % (len(self.tokens_issued) + 1)
        self.tokens_issued.append(token)
        self.valid_tokens.add(token)
        self.referers[token] = call.form.get("referer", "")
        return Reply(200, {"token": token, "expires": str(NOW_MS + HOUR_MS)})

    @staticmethod
    def _not_found_operation(name: str) -> Reply:
        # The classic Server admin envelope, as an older release answers an operation it does not have.
        return Reply(200, {"status": "error", "messages": ["Could not find resource or operation '%s'." % name],
                           "code": 404})

    def record(self, job_id: str) -> Optional[Dict[str, Any]]:
        """The stored record of a job, or None."""
        return next((record for record in self.jobs if record.get("jobId") == job_id), None)

    def _admin(self, call: Call, parts: List[str]) -> Reply:
        path = "/".join(parts)
        if path == "mode":
            return Reply(200, {"siteMode": self.mode, "lastModified": NOW_MS})
        if path == "mode/update" and call.method == "POST":
            self.mode = call.field("siteMode")
            return Reply(200, {"status": "success"})
        if path == "system/jobs":
            num = int(call.field("num") or 100)
            if self.max_num is not None:
                num = min(num, self.max_num)
            return Reply(200, {"asyncJobs": [dict(j) for j in self.jobs[:num]], "total": len(self.jobs)})
        if path == "system/jobs/deleteAll":
            if not self.delete_all_supported:
                return self._not_found_operation("deleteAll")
            self.jobs = [j for j in self.jobs if j.get("status") not in ("COMPLETED", "FAILED")]
            return Reply(200, {"status": "success"})
        if parts[0] == "notebooks":
            return self._notebooks(call, parts[1:])
        if parts[:2] == ["system", "containers"]:
            return self._containers(parts[2:])
        if len(parts) in (3, 4) and parts[:2] == ["system", "jobs"]:
            record = self.record(parts[2])
            if record is None:
                return Reply(200, {"status": "error", "messages": ["Job '%s' not found." % parts[2]], "code": 404})
            if len(parts) == 3:
                return Reply(200, dict(record))
            if parts[3] == "cancel" and call.method == "POST" and self.cancel_supported:
                if record.get("status") in ("SUBMITTED", "PROCESSING") and record["jobId"] not in self.ignore_cancel:
                    record["status"] = "FAILED"
                    record["endTime"] = NOW_MS
                    record.setdefault("customAttributes", {})["isCancelled"] = True
                return Reply(200, {"status": "success"})
            return self._not_found_operation(parts[3])
        return _envelope(404, "Could not find resource or operation '%s'." % path)

    # -- the Portal's scheduled tasks -----------------------------------------------------------

    def _sharing(self, call: Call, parts: List[str]) -> Reply:
        """The Portal's resources (``portal_admin`` says whether the token's user is an administrator of the Portal)."""
        if parts == ["portals", "self"]:
            return Reply(200, {"id": self.portal_id, "name": "Fake Portal", "isPortal": True})
        if parts == ["portals", "self", "servers"]:
            if not self.portal_admin:
                return _envelope(403, "You do not have permissions to access this resource or perform this operation.")
            return Reply(200, {"servers": [dict(record) if isinstance(record, dict) else record
                                           for record in self.portal_servers]})
        if parts[:1] == ["portals"] and parts[2:] == ["allScheduledTasks"]:
            if parts[1] not in ("self", self.portal_id):
                return _envelope(400, "Organization not found.")
            if not self.portal_admin:
                return _envelope(403, "You do not have permissions to access this resource or perform this operation.")
            return self._tasks_page(call, call.field("userFilter"))
        if parts[:2] == ["community", "users"] and len(parts) >= 4 and parts[3] == "tasks":
            owner = parts[2]
            if len(parts) == 4:
                return self._tasks_page(call, owner)
            record = self.portal_task(parts[4])
            if record is None or record.get("userId") != owner:
                return _envelope(400, "Task '%s' does not exist or is inaccessible." % parts[4])
            if len(parts) == 5:
                return Reply(200, dict(record))
            if len(parts) == 6 and parts[5] in ("disable", "enable") and call.method == "POST":
                codes = self.task_faults.get("%s/%s" % (record["id"], parts[5]))
                if codes:
                    return _envelope(codes.pop(0), "Unable to %s the task." % parts[5])
                record["active"] = parts[5] == "enable"
                record["taskState"] = "active" if record["active"] else "disabled"
                return Reply(200, {"success": True, "taskId": record["id"]})
        return _envelope(404, "Could not find resource or operation '%s'." % "/".join(parts))

    def _tasks_page(self, call: Call, owner: Optional[str]) -> Reply:
        types = {name.lower() for name in (call.field("types") or "").split(",") if name}
        active = call.field("active")
        selected = [record for record in self.portal_tasks
                    if (not types or str(record.get("type")).lower() in types)
                    and (active is None or record.get("active") is (active == "true"))
                    and (not owner or str(record.get("userId")).lower() == owner.lower())
                    and (not call.field("itemId") or record.get("itemId") == call.field("itemId"))]
        start = max(1, int(call.field("start") or 1))
        num = max(1, min(int(call.field("num") or 10), self.page_cap))
        page = selected[start - 1:start - 1 + num]
        next_start = start + len(page) if start - 1 + len(page) < len(selected) else -1
        return Reply(200, {"total": len(selected), "start": start, "num": num, "nextStart": next_start,
                           "tasks": [dict(record) for record in page]})

    # -- interactive work -----------------------------------------------------------------------

    def _notebooks(self, call: Call, rest: List[str]) -> Reply:
        if not rest:
            start = max(int(call.field("start") or 1), 1)
            num = min(max(int(call.field("num") or 10), 0), 100)
            page = [dict(record) for record in self.notebooks[start - 1:start - 1 + num]]
            document: Dict[str, Any] = {"total": len(self.notebooks), "start": start, "num": num, "notebooks": page}
            if self.next_start:
                following = start + len(page)
                document["nextStart"] = following if following <= len(self.notebooks) else -1
            return Reply(200, document)
        record = next((r for r in self.notebooks if r.get("id") == rest[0]), None)
        if record is None:
            return _envelope(404, "Notebook '%s' does not exist." % rest[0])
        if len(rest) == 1:
            return Reply(200, dict(record))
        if len(rest) == 2 and rest[1] in self.close_operations and call.method == "POST":
            self.notebooks.remove(record)
            sessions = self.sessions.get(record["containerId"], [])
            self.sessions[record["containerId"]] = [
                s for s in sessions if not (isinstance(s, dict) and s.get("path") == record["itemId"] + ".ipynb")]
            return Reply(200, {"status": "success"})
        return _envelope(404, "Could not find resource or operation '%s'." % "/".join(["notebooks"] + rest))

    def _containers(self, rest: List[str]) -> Reply:
        if not rest:
            return Reply(200, {"containers": [dict(c) if isinstance(c, dict) else c for c in self.containers]})
        known = any(isinstance(c, dict) and c.get("id") == rest[0] for c in self.containers) or rest[0] in self.sessions
        if not known:
            return _envelope(404, "Container '%s' does not exist." % rest[0])
        if rest[1:] == ["sessions"]:
            return Reply(200, {"sessions": [dict(s) if isinstance(s, dict) else s for s in self.sessions.get(rest[0], [])]})
        return _envelope(404, "Could not find resource or operation '%s'." % "/".join(["system", "containers"] + rest))


class FakeRequest:
    """A request as the transport would send it: method, whole URL (with its query), form body, headers."""

    def __init__(self, method: str, url: str, headers: Dict[str, str], data: Optional[Dict[str, str]],
                 params: Optional[Dict[str, str]]) -> None:
        self.method = method
        self.url = url + ("?" + urlencode(params) if params else "")
        self.body = urlencode(data) if data is not None else None
        self.headers = dict(headers)


class FakeSession:
    """The transport's ``Session`` for fakes: each request goes to the fake whose address is its longest prefix;
    an address no fake serves refuses the connection, as a host where nothing listens.
    """

    def __init__(self, servers: Dict[str, "FakeNotebookServer"]) -> None:
        self.servers = servers

    def request(self, method: str, url: str, *, headers: Dict[str, str], timeout: float, verify: Any,
                data: Optional[Dict[str, str]] = None, params: Optional[Dict[str, str]] = None) -> transport.Response:
        prefixes = sorted((prefix for prefix in self.servers if url.startswith(prefix)), key=len, reverse=True)
        if not prefixes:
            raise transport.ConnectFailed("connection refused")
        return self.servers[prefixes[0]].send(FakeRequest(method, url, headers, data, params),
                                              timeout=timeout, verify=verify)

    def close(self) -> None:
        pass


class FakeFleet:
    """Several fake sites at once, told apart by their URLs (the audit asks many servers)."""

    def __init__(self) -> None:
        self.servers: Dict[str, FakeNotebookServer] = {}
        self.portals: Dict[str, FakeNotebookServer] = {}
        self.sleeps: List[float] = []

    def add(self, site: str, **settings: Any) -> FakeNotebookServer:
        server = FakeNotebookServer(site=site, **settings)
        self.servers[site] = server
        return server

    def add_portal(self, portal: str, tasks: Optional[List[Dict[str, Any]]] = None) -> FakeNotebookServer:
        """A fake Portal at ``portal`` with these scheduled tasks (the fake's Portal side, no site of its own)."""
        server = FakeNotebookServer(site=portal + "/no-site", portal=portal)
        server.portal_tasks = [dict(record) for record in tasks or []]
        self.portals[portal] = server
        return server

    def session(self) -> FakeSession:
        return FakeSession(dict(list(self.servers.items()) + list(self.portals.items())))


def serve(monkeypatch: Any, server: Union[FakeNotebookServer, FakeFleet]) -> Any:
    """The one way a test gives the core a server: every client it opens talks to ``server``, and retries
    sleep into ``server.sleeps`` instead of really sleeping.
    """
    monkeypatch.setattr(http, "new_session", server.session)
    monkeypatch.setattr(time, "sleep", server.sleeps.append)
    return server
