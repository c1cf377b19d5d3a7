# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stand-in for the ``requests`` session under ``NotebookServerClient``: mode, jobs, cancel, deleteAll, faults.

Tests of the maintenance operations and modules drive the real client through it, so
typed errors, envelopes and the no-blind-retry rule are those of the real core.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import unquote, urlsplit

from requests import exceptions as requests_exceptions

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.http_client import NotebookServerClient
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.retry_policy import RetryPolicy
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.token_providers import GivenTokenProvider

SITE = "https://nb.example.com:11443/arcgis"
ADMIN_PREFIX = "/arcgis/admin/"
TOKEN = "secret-token-value"

# Fault kinds, queued per admin path: the next request to that path gets the first one.
TIMEOUT_BEFORE = "timeout_before"  # no answer, and the server did not act
TIMEOUT_AFTER = "timeout_after"  # the server acted, then the answer was lost


def job_record(job_id: str, status: str = "PROCESSING", cancelled: bool = False, owner: str = "analyst") -> Dict[str, Any]:
    record = {
        "jobId": job_id,
        "type": "executeNotebook",
        "status": status,
        "username": owner,
        "startTime": 1700000000000,
        "inputs": {"itemId": "abc123"},
        "messages": [],
        "customAttributes": {"isCancelled": cancelled},
    }
    if status in ("COMPLETED", "FAILED"):
        record["endTime"] = 1700000060000
    return record


class FakeResponse:
    def __init__(self, document: Any, status: int = 200) -> None:
        self.status_code = status
        self.content = json.dumps(document).encode("utf-8")
        self.headers = {"Content-Type": "application/json"}

    def close(self) -> None:
        pass


class FakeNotebookServer:
    """The session: ``request()`` answers like a Notebook Server; ``calls`` records each admin path asked for."""

    def __init__(self, mode: str = "EDITABLE", jobs: Optional[List[Dict[str, Any]]] = None, admin: bool = True,
                 cancel_supported: bool = True, delete_all_supported: bool = True) -> None:
        self.mode = mode
        self.jobs: Dict[str, Dict[str, Any]] = {job["jobId"]: job for job in (jobs or [])}
        self.admin = admin
        self.cancel_supported = cancel_supported
        self.delete_all_supported = delete_all_supported
        self.faults: Dict[str, List[str]] = {}
        self.calls: List[Tuple[str, Dict[str, str]]] = []  # (admin path with each segment decoded, form fields)
        self.raw_paths: List[str] = []  # as sent, still quoted
        self.ignore_cancel: set = set()

    # -- test helpers -----------------------------------------------------------------------------

    def fail_next(self, path: str, *kinds: str) -> None:
        self.faults.setdefault(path, []).extend(kinds)

    def paths(self) -> List[str]:
        return [path for path, _fields in self.calls]

    def writes(self) -> List[str]:
        return [path for path in self.paths() if path == "mode/update" or path.endswith(("/cancel", "/deleteAll"))]

    def client(self, token_location: str = "body") -> NotebookServerClient:
        return NotebookServerClient(SITE, GivenTokenProvider(TOKEN), session=self, sleep=lambda seconds: None,
                                    retry_policy=RetryPolicy(retries=2), token_location=token_location)

    # -- the session interface the client uses ----------------------------------------------------

    def request(self, method: str, url: str, data: Any = None, params: Any = None, headers: Any = None,
                **_kwargs: Any) -> FakeResponse:
        raw = urlsplit(url).path
        assert raw.startswith(ADMIN_PREFIX), raw
        self.raw_paths.append(raw[len(ADMIN_PREFIX):])
        segments = [unquote(segment) for segment in raw[len(ADMIN_PREFIX):].split("/")]
        path = "/".join(segments)
        fields = dict(params or {}, **(data or {}))
        bearer = (headers or {}).get("X-Esri-Authorization", "")
        if bearer.startswith("Bearer "):
            fields["token"] = bearer[len("Bearer "):]
        self.calls.append((path, fields))
        fault = self.faults.get(path, [None]).pop(0) if self.faults.get(path) else None
        if fault == TIMEOUT_BEFORE:
            raise requests_exceptions.ReadTimeout("read timed out")
        response = self._answer(method, segments, fields)
        if fault == TIMEOUT_AFTER:
            raise requests_exceptions.ReadTimeout("read timed out")
        return response

    def close(self) -> None:
        pass

    # -- the emulated resources -------------------------------------------------------------------

    @staticmethod
    def _error(code: int, message: str) -> FakeResponse:
        return FakeResponse({"error": {"code": code, "message": message, "details": []}})

    @staticmethod
    def _not_found_operation(name: str) -> FakeResponse:
        # The classic Server admin envelope, as an older release answers an operation it does not have.
        return FakeResponse({"status": "error", "messages": ["Could not find resource or operation '%s'." % name],
                             "code": 404})

    def _answer(self, method: str, parts: List[str], fields: Dict[str, str]) -> FakeResponse:
        path = "/".join(parts)
        if fields.get("token") != TOKEN:
            return self._error(499, "Token Required")
        if not self.admin:
            return self._error(403, "You do not have permissions to access this resource or perform this operation.")
        if path == "mode":
            return FakeResponse({"siteMode": self.mode, "lastModified": 1700000000000})
        if path == "mode/update":
            assert method == "POST"
            self.mode = fields["siteMode"]
            return FakeResponse({"status": "success"})
        if path == "system/jobs":
            records = sorted(self.jobs.values(), key=lambda job: job["startTime"], reverse=True)
            num = int(fields.get("num", 100))
            return FakeResponse({"asyncJobs": records[:num], "total": len(records)})
        if path == "system/jobs/deleteAll":
            if not self.delete_all_supported:
                return self._not_found_operation("deleteAll")
            for job_id in [job_id for job_id, job in self.jobs.items() if job["status"] in ("COMPLETED", "FAILED")]:
                del self.jobs[job_id]
            return FakeResponse({"status": "success"})
        if len(parts) in (3, 4) and parts[:2] == ["system", "jobs"]:
            job = self.jobs.get(parts[2])
            if job is None:
                return self._error(404, "Job '%s' does not exist." % parts[2])
            if len(parts) == 3:
                return FakeResponse(job)
            if parts[3] == "cancel" and self.cancel_supported:
                if job["status"] in ("SUBMITTED", "PROCESSING") and job["jobId"] not in self.ignore_cancel:
                    job["status"] = "FAILED"
                    job["endTime"] = 1700000090000
                    job["customAttributes"]["isCancelled"] = True
                return FakeResponse({"status": "success"})
            return self._not_found_operation(parts[3])
        return self._error(404, "Could not find resource or operation '%s'." % path)
