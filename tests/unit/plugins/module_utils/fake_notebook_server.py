# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fake Notebook Server behind a requests transport adapter: the client under test runs unchanged, no network.

It answers generateToken (server and Portal), the job list (honouring ``num`` and ``total``) and single
jobs, records every request, and plays scripted replies or exceptions per path before its defaults.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Optional, Union
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.connection_options import (
    OptionAdapter,
    connection_settings,
    open_client,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.retry_policy import RetryPolicy

SITE = "https://nb.example.com:11443/arcgis"
PORTAL = "https://portal.example.com/portal"
USERNAME = "siteadmin"
PASSWORD = "S3cret-Pa55word!"
GIVEN_TOKEN = "given-token-0123456789abcdef"
NOW_MS = 1714550400000  # 2024-05-01T08:00:00Z
HOUR_MS = 3600 * 1000


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

    def __init__(self, request: Any, kwargs: Dict[str, Any]) -> None:
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


class FakeNotebookServer(BaseAdapter):
    """Mount on a requests.Session; ``session()`` does that for http and https."""

    def __init__(self, jobs: Optional[List[Dict[str, Any]]] = None, site: str = SITE, portal: str = PORTAL,
                 max_num: Optional[int] = None) -> None:
        super().__init__()
        self.site_path = urlsplit(site).path
        self.portal_path = urlsplit(portal).path
        self.jobs = list(jobs or [])
        self.max_num = max_num  # a server that caps num whatever is asked
        self.calls: List[Call] = []
        self.scripts: Dict[str, List[Scripted]] = {}
        self.tokens_issued: List[str] = []
        self.valid_tokens = {GIVEN_TOKEN}
        self.referers: Dict[str, str] = {}

    # -- scripting ------------------------------------------------------------------------------

    def script(self, path: str, *replies: Scripted) -> None:
        """Replies for ``path`` (relative to the site, e.g. "admin/system/jobs"), played in order before defaults."""
        full = path if path.startswith("/") else "%s/%s" % (self.site_path, path)
        self.scripts.setdefault(full, []).extend(replies)

    def expire_tokens(self) -> None:
        self.valid_tokens = set()

    def session(self) -> requests.Session:
        session = requests.Session()
        session.mount("https://", self)
        session.mount("http://", self)
        return session

    def calls_to(self, suffix: str) -> List[Call]:
        return [c for c in self.calls if c.path.endswith(suffix)]

    # -- transport ------------------------------------------------------------------------------

    def send(self, request: Any, **kwargs: Any) -> requests.Response:
        call = Call(request, kwargs)
        self.calls.append(call)
        queued = self.scripts.get(call.path)
        if queued:
            scripted = queued.pop(0)
            if callable(scripted) and not isinstance(scripted, BaseException):
                scripted = scripted(call)
            if isinstance(scripted, BaseException):
                raise scripted
            return self._response(request, scripted)
        return self._response(request, self._default(call))

    def close(self) -> None:
        pass

    def _response(self, request: Any, reply: Reply) -> requests.Response:
        response = requests.Response()
        response.status_code = reply.status
        response._content = reply.content()
        response.headers = CaseInsensitiveDict(reply.headers)
        response.url = request.url
        response.request = request
        response.reason = "Fake"
        return response

    def _default(self, call: Call) -> Reply:
        if call.path in (self.site_path + "/admin/generateToken", self.portal_path + "/sharing/rest/generateToken"):
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
        token = call.token()
        if not token:
            return Reply(200, {"error": {"code": 499, "message": "Token Required.", "details": []}})
        if token not in self.valid_tokens:
            return Reply(200, {"status": "error", "messages": ["Invalid token."], "code": 498})
        if token in self.referers and call.headers.get("Referer") != self.referers[token]:
            return Reply(200, {"error": {"code": 498, "message": "Invalid token.", "details": []}})
        jobs_path = self.site_path + "/admin/system/jobs"
        if call.path == jobs_path:
            num = int(call.field("num") or 100)
            if self.max_num is not None:
                num = min(num, self.max_num)
            return Reply(200, {"asyncJobs": [dict(j) for j in self.jobs[:num]], "total": len(self.jobs)})
        if call.path.startswith(jobs_path + "/"):
            job_id = call.path[len(jobs_path) + 1:]
            if job_id.endswith("/cancel") and call.method == "POST":
                return Reply(200, {"status": "success"})
            for record in self.jobs:
                if record["jobId"] == job_id:
                    return Reply(200, dict(record))
            return Reply(200, {"status": "error", "messages": ["Job '%s' not found." % job_id], "code": 404})
        return Reply(404, "<html><body><h1>Not Found</h1></body></html>", {"Content-Type": "text/html"})


def make_client(server: FakeNotebookServer, sleeps: Optional[List[float]] = None,
                warnings: Optional[List[str]] = None, retries: int = 3, **options: Any) -> Any:
    """A real NotebookServerClient, built from options like a module would, talking to ``server``."""
    values = {"url": SITE, "username": USERNAME, "password": PASSWORD, "retries": retries}
    values.update(options)
    settings = connection_settings(OptionAdapter.from_dict(values))
    return open_client(
        settings,
        on_retry=warnings.append if warnings is not None else None,
        session=server.session(),
        sleep=sleeps.append if sleeps is not None else (lambda _seconds: None),
        wall_clock=lambda: NOW_MS / 1000.0,
        retry_policy=RetryPolicy(retries=retries, backoff=1.0, max_backoff=30.0, max_retry_after=60.0),
    )
