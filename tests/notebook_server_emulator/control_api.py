"""The control API tests use to steer the emulator: jobs, notebooks, kernels, faults, clock, tokens, log, federation.

It lives under its own path, needs its own secret (X-Control-Secret) and answers with real
HTTP statuses, so it can never be mistaken for the emulated API.
"""

from __future__ import annotations

import hmac
import json

from .faults import FaultError
from .federation import federation_from_dict
from .http_exchange import Request, Response
from .job_store import JobNotFound
from .jobs import COMPLETED, FAILED
from .notebook_specs import FOREVER
from .notebook_store import ContainerNotFound, NotebookNotFound
from .scenario import ScenarioError
from .site import SITE_MODES, EmulatedSite, SiteReadOnly

CONTROL_PREFIX = "/_emulator"
SECRET_HEADER = "X-Control-Secret"


class ControlError(Exception):
    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__(message)


def _json(document, status: int = 200) -> Response:
    return Response(status=status, body=json.dumps(document).encode("utf-8"))


def _body(request: Request) -> dict:
    if not request.body:
        return {}
    try:
        document = json.loads(request.body)
    except ValueError as exc:
        raise ControlError(400, "the body is not JSON: %s" % exc) from None
    if not isinstance(document, dict):
        raise ControlError(400, "the body must be a JSON object")
    return document


class ControlApi:
    def __init__(self, site: EmulatedSite, secret: str, prefix: str = CONTROL_PREFIX):
        """prefix: where this site's calls live (a site among many: CONTROL_PREFIX/sites/<name>)."""
        self.site = site
        self.secret = secret
        self.prefix = prefix

    def handle(self, request: Request) -> Response:
        presented = request.header(SECRET_HEADER) or ""
        if not hmac.compare_digest(presented.encode("utf-8"), self.secret.encode("utf-8")):
            return _json({"error": "missing or wrong %s" % SECRET_HEADER}, 403)
        parts = [part for part in request.path[len(self.prefix):].split("/") if part]
        try:
            return self._route(request, parts)
        except ControlError as exc:
            return _json({"error": str(exc)}, exc.status)
        except JobNotFound as exc:
            return _json({"error": "no job %s" % exc.args[0]}, 404)
        except NotebookNotFound as exc:
            return _json({"error": "no open notebook %s" % exc.args[0]}, 404)
        except ContainerNotFound as exc:
            return _json({"error": "no container %s" % exc.args[0]}, 404)
        except SiteReadOnly as exc:
            return _json({"error": str(exc)}, 409)
        except (FaultError, ScenarioError, ValueError, TypeError, KeyError) as exc:
            return _json({"error": "bad request: %s" % exc}, 400)

    def _route(self, request: Request, parts: list) -> Response:
        method = request.method
        site = self.site
        route = (method, "/".join(parts[:1]))
        if route == ("GET", "state"):
            return _json(self.state())
        if route == ("GET", "requests"):
            return _json(site.log.entries(int(request.query.get("since") or 0)))
        if route == ("DELETE", "requests"):
            site.log.clear()
            return _json({"status": "cleared"})
        if route == ("POST", "reset"):
            site.reset()
            return _json(self.state())
        if parts[:1] == ["jobs"]:
            return self._jobs(request, parts[1:])
        if parts[:1] == ["notebooks"]:
            return self._notebooks(request, parts[1:])
        if route == ("GET", "notebook-settings"):
            return _json(site.notebooks.settings.describe())
        if route == ("POST", "notebook-settings"):
            return _json(site.set_notebook_settings(_body(request)).describe())
        if route == ("GET", "faults"):
            return _json(site.faults.describe())
        if route == ("POST", "faults"):
            body = _body(request)
            specs = body["faults"] if "faults" in body else [body]
            return _json({"faults": [site.faults.add(spec).describe() for spec in specs]})
        if route == ("DELETE", "faults"):
            site.faults.clear()
            return _json({"status": "cleared"})
        if route == ("GET", "switches"):
            return _json(self._switches())
        if route == ("POST", "switches"):
            body = _body(request)
            unknown = set(body) - {"max_num"}
            if unknown:
                raise ControlError(400, "unknown switches: %s" % ", ".join(sorted(unknown)))
            if "max_num" in body:
                max_num = body["max_num"]
                if max_num is not None and int(max_num) < 0:
                    raise ControlError(400, "max_num must not be negative")
                site.max_num = None if max_num is None else int(max_num)
            return _json(self._switches())
        if route == ("POST", "clock"):
            body = _body(request)
            if body.get("offset_seconds") is not None:
                site.clock.set_offset(float(body["offset_seconds"]))
            if body.get("time_scale") is not None:
                site.clock.set_time_scale(float(body["time_scale"]))
            if body.get("advance_seconds"):
                site.clock.advance(float(body["advance_seconds"]))
            return _json(self._clock())
        if route == ("GET", "clock"):
            return _json(self._clock())
        if method == "POST" and parts == ["tokens", "expire"]:
            return _json({"expired": site.tokens.expire_all()})
        if method == "POST" and parts == ["tokens", "expire-after-uses"]:
            uses = _body(request).get("uses")
            site.tokens.expire_after_uses(None if uses is None else int(uses))
            return _json({"uses": uses})
        if parts[:1] == ["federation"]:
            return self._federation(request, parts[1:])
        if route == ("POST", "mode"):
            mode = str(_body(request).get("site_mode", "")).upper()
            if mode not in SITE_MODES:
                raise ControlError(400, "site_mode must be one of %s" % ", ".join(SITE_MODES))
            site.set_mode(mode)
            return _json({"site_mode": mode})
        raise ControlError(404, "no control resource %s %s" % (method, "/".join(parts)))

    def _federation(self, request: Request, parts: list) -> Response:
        """The Portal this server trusts (a Portal sets it when a server is registered with it)."""
        site, method = self.site, request.method
        if parts:
            raise ControlError(404, "no control resource %s federation/%s" % (method, "/".join(parts)))
        if method == "POST":
            site.federation = federation_from_dict(_body(request))
        elif method == "DELETE":
            site.federation = None
        elif method != "GET":
            raise ControlError(405, "federation: GET, POST or DELETE")
        return _json(site.federation.describe() if site.federation else {"federated": False})

    def _clock(self) -> dict:
        clock = self.site.clock
        return {"now_ms": clock.now_ms(), "time_scale": clock.time_scale, "offset_seconds": clock.offset_seconds()}

    def _switches(self) -> dict:
        return {"max_num": self.site.max_num}

    def state(self) -> dict:
        site = self.site
        notebooks, containers = site.notebooks.counts(site.sync())
        return {"site_mode": site.site_mode, "jobs": site.store.count(), "notebooks": notebooks,
                "containers": containers, "error_form": site.error_form, "faults": site.faults.describe(),
                "federated": site.federation is not None, **self._switches(), **self._clock()}

    def _jobs(self, request: Request, parts: list) -> Response:
        site, method = self.site, request.method
        now_ms = site.now_ms()
        if not parts and method == "POST":
            body = _body(request)
            force = bool(body.pop("force", False))
            specs = body["jobs"] if "jobs" in body else [body]
            return _json({"job_ids": site.add_jobs(specs, force=force)})
        if not parts and method == "GET":
            return _json({"job_ids": site.store.ids()})
        job_id = parts[0]
        action = parts[1] if len(parts) > 1 else ""
        store = site.store
        if method == "GET" and not action:
            job = store.get(job_id, now_ms)
        elif method == "POST" and action == "finish":
            job = store.end_now(job_id, now_ms, str(_body(request).get("status") or COMPLETED))
        elif method == "POST" and action == "fail":
            job = store.end_now(job_id, now_ms, FAILED)
        elif method == "POST" and action == "stick":
            job = store.stick(job_id, now_ms)
        elif method == "POST" and action == "cancel":
            job = store.cancel(job_id, now_ms)
        elif method == "POST" and action == "request-cancel":
            body = _body(request)
            seconds = None if body.get("seconds") is None else float(body["seconds"])
            if seconds is not None and seconds < 0:
                raise ControlError(400, "seconds must not be negative")
            job = store.request_cancel(job_id, now_ms, seconds, body.get("running_status"))
        else:
            raise ControlError(404, "no control resource %s jobs/%s" % (method, "/".join(parts)))
        with store.lock:
            return _json(job.full(store.context))

    def _notebooks(self, request: Request, parts: list) -> Response:
        site, method = self.site, request.method
        store = site.notebooks
        style = store.settings.session_path
        if not parts and method == "POST":
            body = _body(request)
            force = bool(body.pop("force", False))
            specs = body["notebooks"] if "notebooks" in body else [body]
            opened = site.open_notebooks(specs, force=force)
            with store.lock:
                return _json({"notebooks": [notebook.control_view(style) for notebook in opened]})
        now_ms = site.sync()
        if not parts and method == "GET":
            with store.lock:
                return _json({"notebooks": [notebook.control_view(style) for notebook in store.notebooks(now_ms)]})
        notebook_id = parts[0]
        action = parts[1] if len(parts) > 1 else ""
        if len(parts) > 2:
            raise ControlError(404, "no control resource %s notebooks/%s" % (method, "/".join(parts)))
        if method == "GET" and not action:
            notebook = store.notebook(notebook_id, now_ms)
        elif (method == "POST" and action == "close") or (method == "DELETE" and not action):
            store.close(notebook_id, now_ms)
            return _json({"closed": notebook_id})
        elif method == "POST" and action == "busy":
            body = _body(request)
            seconds = body.get("seconds")
            notebook = store.make_busy(notebook_id, now_ms, None if seconds in (None, FOREVER) else float(seconds))
        elif method == "POST" and action == "touch":
            notebook = store.touch(notebook_id, now_ms)
        elif method == "POST" and action == "kill":
            notebook = store.kill(notebook_id, now_ms)
        elif method == "POST" and action == "state":
            body = _body(request)
            state = body.get("execution_state")
            if not isinstance(state, str) or not state:
                raise ControlError(400, "execution_state must be a non-empty string")
            notebook = store.set_state(notebook_id, now_ms, state, body.get("connections"))
        else:
            raise ControlError(404, "no control resource %s notebooks/%s" % (method, "/".join(parts)))
        with store.lock:
            return _json(notebook.control_view(style))
