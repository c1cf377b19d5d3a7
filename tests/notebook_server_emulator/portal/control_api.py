"""The Portal's control API: servers, tasks and their runs, list switches, faults, clock, tokens, log, reset.

Under the same /_emulator prefix and X-Control-Secret as the Notebook Server's. One resource is
for federated servers, not tests: federation/validate, authenticated by the federation key.
"""

from __future__ import annotations

import hmac

from ..control_api import CONTROL_PREFIX, SECRET_HEADER, ControlError, _body, _json
from ..control_client import ControlApiError
from ..faults import FaultError
from ..federation import FEDERATION_KEY_HEADER
from ..http_exchange import Request, Response
from ..scenario import ScenarioError
from .servers import ADMIN_URL_KEYS, EMULATED, FederatedServer, ServerRegistrationError
from .site import PortalSite
from .tasks import TaskError, TaskNotFound

VALIDATE_PATH = "federation/validate"


class PortalControlApi:
    def __init__(self, site: PortalSite, secret: str):
        self.site = site
        self.secret = secret

    def handle(self, request: Request) -> Response:
        parts = [part for part in request.path[len(CONTROL_PREFIX):].split("/") if part]
        if "/".join(parts) == VALIDATE_PATH:
            return self._validate(request)
        presented = request.header(SECRET_HEADER) or ""
        if not hmac.compare_digest(presented.encode("utf-8"), self.secret.encode("utf-8")):
            return _json({"error": "missing or wrong %s" % SECRET_HEADER}, 403)
        try:
            return self._route(request, parts)
        except ControlError as exc:
            return _json({"error": str(exc)}, exc.status)
        except TaskNotFound as exc:
            return _json({"error": "no task %s" % exc.args[0]}, 404)
        except ServerRegistrationError as exc:
            return _json({"error": str(exc)}, 400)
        except KeyError as exc:
            return _json({"error": "no server %s" % exc.args[0]}, 404)
        except (FaultError, ScenarioError, TaskError, ValueError, TypeError) as exc:
            return _json({"error": "bad request: %s" % exc}, 400)

    # ----- federated servers ask whether a token is ours -----

    def _validate(self, request: Request) -> Response:
        presented = request.header(FEDERATION_KEY_HEADER) or ""
        if not hmac.compare_digest(presented.encode("utf-8"), self.site.federation_key.encode("utf-8")):
            return _json({"error": "missing or wrong %s" % FEDERATION_KEY_HEADER}, 403)
        body = _body(request)
        site = self.site
        token, problem = site.tokens.check(str(body.get("token", "")), str(body.get("referer") or ""),
                                           str(body.get("client_ip") or ""), site.now_ms())
        account = site.accounts.get(token.username) if token is not None else None
        if token is None or account is None:
            return _json({"valid": False, "message": problem or "Invalid token."})
        return _json({"valid": True, "username": account.username, "role": account.role, "client": token.client,
                      "bound_to": token.bound_to, "portal_id": site.portal_id})

    # ----- routes for tests -----

    def _route(self, request: Request, parts: list) -> Response:
        site, method = self.site, request.method
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
        if parts[:1] == ["servers"]:
            return self._servers(request, parts[1:])
        if route == ("POST", "server-list"):
            return _json(self._server_list(_body(request)))
        if parts[:1] == ["tasks"]:
            return self._tasks(request, parts[1:])
        if route == ("GET", "runs"):
            return _json({"runs": site.tasks.runs()})
        if route == ("GET", "operation-faults"):
            return _json(site.tasks.operation_faults())
        if route == ("DELETE", "operation-faults"):
            site.tasks.clear_operation_faults()
            return _json({"status": "cleared"})
        if route == ("GET", "faults"):
            return _json(site.faults.describe())
        if route == ("POST", "faults"):
            body = _body(request)
            specs = body["faults"] if "faults" in body else [body]
            return _json({"faults": [site.faults.add(spec).describe() for spec in specs]})
        if route == ("DELETE", "faults"):
            site.faults.clear()
            return _json({"status": "cleared"})
        if route == ("POST", "clock"):
            body = _body(request)
            if body.get("offset_seconds") is not None:
                site.clock.set_offset(float(body["offset_seconds"]))
            if body.get("time_scale") is not None:
                site.clock.set_time_scale(float(body["time_scale"]))
            if body.get("advance_seconds"):
                site.clock.advance(float(body["advance_seconds"]))
            # Runs due after a jump happen before the answer, so the caller sees them.
            return _json({**self._clock(), "runs": site.scheduler.run_due()})
        if route == ("GET", "clock"):
            return _json(self._clock())
        if method == "POST" and parts == ["tokens", "expire"]:
            return _json({"expired": site.tokens.expire_all()})
        if method == "POST" and parts == ["tokens", "expire-after-uses"]:
            uses = _body(request).get("uses")
            site.tokens.expire_after_uses(None if uses is None else int(uses))
            return _json({"uses": uses})
        raise ControlError(404, "no control resource %s %s" % (method, "/".join(parts)))

    def _clock(self) -> dict:
        clock = self.site.clock
        return {"now_ms": clock.now_ms(), "time_scale": clock.time_scale, "offset_seconds": clock.offset_seconds()}

    def state(self) -> dict:
        site = self.site
        return {"portal_id": site.portal_id, "servers": len(site.servers.all()), "tasks": len(site.tasks.all()),
                "admin_url_key": site.admin_url_key, "admin_public_url": site.admin_public_url,
                "faults": site.faults.describe(), **self._clock()}

    def _server_list(self, body: dict) -> dict:
        """Switch how portals/self/servers spells the admin URL and whether it lists adminPublicUrl."""
        site = self.site
        if body.get("admin_url_key") is not None:
            if body["admin_url_key"] not in ADMIN_URL_KEYS:
                raise ControlError(400, "admin_url_key must be one of %s" % ", ".join(ADMIN_URL_KEYS))
            site.admin_url_key = str(body["admin_url_key"])
        if body.get("admin_public_url") is not None:
            site.admin_public_url = bool(body["admin_public_url"])
        return {"admin_url_key": site.admin_url_key, "admin_public_url": site.admin_public_url}

    def federate(self, server: FederatedServer) -> None:
        """Tell an emulated server to trust this Portal's tokens; registration fails if it cannot be told."""
        settings = self.site.settings
        try:
            server.control().federate(portal_url=settings.public_base, validate_url=settings.validate_url,
                                      federation_key=self.site.federation_key, portal_id=self.site.portal_id,
                                      ca_path=settings.ca_path)
        except (ControlApiError, OSError, ValueError) as exc:
            raise ServerRegistrationError("cannot federate %s: %s" % (server.url, exc)) from None

    def _servers(self, request: Request, parts: list) -> Response:
        site, method = self.site, request.method
        if not parts and method == "GET":
            return _json({"servers": [server.describe() for server in site.servers.all()]})
        if not parts and method == "POST":
            body = _body(request)
            specs = body["servers"] if "servers" in body else [body]
            return _json({"servers": [site.servers.register(spec, self.federate).describe() for spec in specs]})
        server = site.servers.get(parts[0])
        action = parts[1] if len(parts) > 1 else ""
        if method == "GET" and not action:
            return _json(server.describe())
        if method == "DELETE" and not action:
            site.servers.remove(server.server_id)
            if server.kind == EMULATED:
                try:
                    server.control().unfederate()
                except (ControlApiError, OSError, ValueError):
                    pass  # a server that is gone trusts nobody anyway
            return _json(server.describe())
        if method == "POST" and action == "reachable":
            server.reachable = bool(_body(request).get("reachable", True))
            return _json(server.describe())
        raise ControlError(404, "no control resource %s servers/%s" % (method, "/".join(parts)))

    def _tasks(self, request: Request, parts: list) -> Response:
        site, method = self.site, request.method
        tasks = site.tasks
        if not parts and method == "GET":
            return _json({"tasks": [tasks.describe(task) for task in tasks.all()]})
        if not parts and method == "POST":
            body = _body(request)
            specs = body["tasks"] if "tasks" in body else [body]
            return _json({"task_ids": [task.task_id for task in site.add_tasks(specs)]})
        task = tasks.get(parts[0])
        action = "/".join(parts[1:])
        if method == "GET" and not action:
            return _json(tasks.describe(task))
        if method == "POST" and action == "run":
            return _json(site.scheduler.fire(task.task_id))
        if method == "GET" and action == "runs":
            return _json({"runs": tasks.runs(task.task_id)})
        if method == "POST" and action == "operation-faults":
            body = _body(request)
            count = body.get("count", 1)
            fault = tasks.fail_operations(task.task_id, list(body.get("operations") or ["disable", "enable"]),
                                          None if count is None else int(count), int(body.get("code", 500)),
                                          str(body.get("message") or ""))
            return _json(fault)
        if method == "DELETE" and action == "operation-faults":
            tasks.clear_operation_faults(task.task_id)
            return _json({"status": "cleared"})
        raise ControlError(404, "no control resource %s tasks/%s" % (method, "/".join(parts)))
