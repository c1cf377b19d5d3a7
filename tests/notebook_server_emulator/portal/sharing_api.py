"""The emulated Portal's sharing API (`<context>/sharing/rest/...`): tokens, portals/self, servers, users, tasks.

Errors are answered the ArcGIS way: HTTP 200 with a `{"error": {...}}` envelope (or an HTML page
for f=html). Administrators are Portal users with the org_admin role.
"""

from __future__ import annotations

import json

from .. import html_pages
from ..accounts import Account
from ..admin_api import token_channels
from ..envelopes import (BAD_REQUEST, FORBIDDEN, FORM_B, INVALID_TOKEN, METHOD_NOT_ALLOWED, NOT_FOUND, TOKEN_REQUIRED,
                         ApiError, error_body)
from ..http_exchange import HTML_TYPE, Request, Response
from .portal_documents import REST_VERSION, portal_self, rest_info, user_record
from .site import PortalSite
from .tasks import OperationRefused, ScheduledTask, TaskNotFound

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100


def _bool(value: str | None) -> bool | None:
    if value is None or value.strip() == "":
        return None
    return value.strip().lower() == "true"


class SharingApi:
    def __init__(self, site: PortalSite):
        self.site = site

    # ----- plumbing -----

    @staticmethod
    def _format(request: Request) -> str:
        f = (request.param("f") or "html").lower()
        return f if f in ("json", "pjson", "html") else "html"

    def _document(self, request: Request, document: dict, title: str) -> Response:
        f = self._format(request)
        if f == "json":
            return Response(body=json.dumps(document).encode("utf-8"))
        if f == "pjson":
            return Response(body=json.dumps(document, indent=2).encode("utf-8"))
        return Response(body=html_pages.document_page(title, document), content_type=HTML_TYPE)

    def _error(self, request: Request, error: ApiError) -> Response:
        if self._format(request) == "html":
            return Response(body=html_pages.error_page(error.code, error.message), content_type=HTML_TYPE)
        return Response(body=error_body(error, FORM_B))

    def _caller(self, request: Request, entry: dict, required: bool) -> Account | None:
        """The account whose token the request carries; None for an anonymous request where that is allowed."""
        channels = token_channels(request)
        entry["token_channels"] = [channel for channel, _token in channels]
        if not channels:
            if required:
                raise ApiError(TOKEN_REQUIRED)
            return None
        channel, value = channels[0]
        entry["token_channel"] = channel
        token, problem = self.site.tokens.check(value, request.header("Referer"), request.client_ip,
                                                self.site.now_ms())
        if token is None:
            raise ApiError(INVALID_TOKEN, problem)
        account = self.site.accounts.get(token.username)
        if account is None:
            raise ApiError(INVALID_TOKEN)
        entry["token_issuer"] = "portal"
        entry["username"] = account.username
        return account

    @staticmethod
    def _require_post(request: Request) -> None:
        if request.method != "POST":
            raise ApiError(METHOD_NOT_ALLOWED, "This operation is supported only with POST.")

    @staticmethod
    def _require_admin(account: Account) -> None:
        if not account.is_admin:
            raise ApiError(FORBIDDEN)

    # ----- dispatch -----

    def handle(self, request: Request, entry: dict) -> Response:
        context = self.site.settings.context
        if not (request.path == context or request.path.startswith(context + "/")):
            # Not this Portal (a mistyped Web Adaptor name): the web server's own page, as for a server.
            return Response(status=404, body=html_pages.web_server_not_found_page(), content_type=HTML_TYPE)
        parts = [part for part in request.path[len(context):].split("/") if part]
        entry["resource"] = "/".join(parts)
        if parts[:2] != ["sharing", "rest"]:
            # The Portal's web pages (home, ...) are not emulated; Esri's client probes <portal>/info first.
            return Response(status=404, body=html_pages.error_page(404, "Not Found"), content_type=HTML_TYPE)
        # Scheduled runs happen on their own; running the due ones first makes every answer current.
        self.site.scheduler.run_due()
        try:
            return self._route(request, parts[2:], entry)
        except ApiError as error:
            entry["error_code"] = error.code
            return self._error(request, error)

    def _route(self, request: Request, parts: list, entry: dict) -> Response:
        if not parts:
            return self._document(request, {"currentVersion": REST_VERSION}, "Portal Directory")
        if parts == ["info"]:
            return self._document(request, rest_info(self.site), "Info")
        if parts == ["generateToken"]:
            return self._generate_token(request, entry)
        if parts[0] == "portals" and len(parts) >= 2:
            if parts[1] not in ("self", self.site.portal_id):
                raise ApiError(BAD_REQUEST, "Organization not found.")
            return self._portal(request, parts[2:], entry)
        if parts == ["community", "self"]:
            account = self._caller(request, entry, required=True)
            return self._document(request, user_record(self.site, account.username, full=True), "User")
        if parts[:2] == ["community", "users"] and len(parts) >= 3:
            return self._user(request, parts[2], parts[3:], entry)
        # Resources that need a token answer 499 before 404, as the Notebook Server does.
        self._caller(request, entry, required=True)
        raise ApiError(NOT_FOUND)

    # ----- resources -----

    def _generate_token(self, request: Request, entry: dict) -> Response:
        fail = "Unable to generate token."
        if "username" in request.query or "password" in request.query:
            # Credentials never travel in a URL: refused even on a POST.
            raise ApiError(BAD_REQUEST, fail, ["Credentials in the URL query string are not accepted; POST them."])
        self._require_post(request)
        username, password = request.form.get("username", ""), request.form.get("password", "")
        if not username or not password:
            raise ApiError(BAD_REQUEST, fail, ["Username and password are required."])
        account = self.site.accounts.authenticate(username, password)
        if account is None:
            raise ApiError(BAD_REQUEST, fail, ["Invalid username or password."])
        client = (request.form.get("client") or "requestip").lower()
        if client == "referer":
            bound_to = request.form.get("referer", "")
            if not bound_to:
                raise ApiError(BAD_REQUEST, fail, ["A referer is required with client=referer."])
        elif client == "ip":
            bound_to = request.form.get("ip", "")
            if not bound_to:
                raise ApiError(BAD_REQUEST, fail, ["An ip is required with client=ip."])
        elif client == "requestip":
            bound_to = request.client_ip
        else:
            raise ApiError(BAD_REQUEST, fail, ["Invalid client type %s." % client])
        try:
            minutes = int(request.form.get("expiration") or 60)
        except ValueError:
            raise ApiError(BAD_REQUEST, fail, ["Invalid expiration."]) from None
        minutes = max(1, min(minutes, self.site.settings.max_token_minutes))
        expires_ms = self.site.now_ms() + minutes * 60_000
        token = self.site.tokens.issue(account.username, client, bound_to, expires_ms)
        entry["username"] = account.username
        return self._document(request, {"token": token.value, "expires": expires_ms, "ssl": True}, "Token")

    def _portal(self, request: Request, rest: list, entry: dict) -> Response:
        if not rest:
            # Anonymous callers get the public part; a token adds the signed-in user.
            account = self._caller(request, entry, required=False)
            return self._document(request, portal_self(self.site, account), "Portal")
        account = self._caller(request, entry, required=True)
        if rest == ["servers"]:
            self._require_admin(account)
            site = self.site
            servers = [server.listing(site.admin_url_key, site.admin_public_url) for server in site.servers.all()]
            return self._document(request, {"servers": servers}, "Servers")
        if rest == ["allScheduledTasks"]:
            self._require_admin(account)
            return self._tasks_page(request, owner=request.param("userfilter") or None)
        raise ApiError(NOT_FOUND)

    def _user(self, request: Request, username: str, rest: list, entry: dict) -> Response:
        account = self._caller(request, entry, required=True)
        if self.site.accounts.get(username) is None:
            raise ApiError(BAD_REQUEST, "User '%s' does not exist or is inaccessible." % username)
        own = account.username == username
        if not rest:
            return self._document(request, user_record(self.site, username, full=own or account.is_admin), "User")
        if rest[0] != "tasks":
            raise ApiError(NOT_FOUND)
        # A user's tasks are theirs and the administrators' to see and change.
        if not (own or account.is_admin):
            raise ApiError(FORBIDDEN)
        if len(rest) == 1:
            return self._tasks_page(request, owner=username)
        task = self._owned_task(rest[1], username)
        if len(rest) == 2:
            return self._document(request, task.record(), "Task")
        if len(rest) == 3 and rest[2] in ("disable", "enable"):
            self._require_post(request)
            try:
                self.site.tasks.set_active(task.task_id, rest[2], self.site.now_ms())
            except OperationRefused as refused:
                raise ApiError(refused.code, refused.message) from None
            return self._document(request, {"success": True, "taskId": task.task_id}, "Task")
        raise ApiError(NOT_FOUND)

    def _owned_task(self, task_id: str, owner: str) -> ScheduledTask:
        try:
            task = self.site.tasks.get(task_id)
        except TaskNotFound:
            task = None
        if task is None or task.owner != owner:
            raise ApiError(BAD_REQUEST, "Task '%s' does not exist or is inaccessible." % task_id)
        return task

    def _tasks_page(self, request: Request, owner: str | None) -> Response:
        """A page of tasks: types, active, itemId filters; start (1-based), num, total, nextStart (-1 at the end)."""
        types = request.param("types")
        type_set = {name.strip().lower() for name in types.split(",") if name.strip()} if types else None
        try:
            start = max(1, int(request.param("start") or 1))
            # At least 1: a page of nothing would send a client paging by nextStart round in circles.
            num = max(1, min(int(request.param("num") or DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE))
        except ValueError:
            raise ApiError(BAD_REQUEST, "Invalid value for start or num.") from None
        tasks = self.site.tasks.select(types=type_set, active=_bool(request.param("active")), owner=owner,
                                       item_id=request.param("itemid") or None)
        tasks.sort(key=lambda task: (task.created_ms, task.task_id))
        page = tasks[start - 1:start - 1 + num]
        next_start = start + len(page) if start - 1 + len(page) < len(tasks) else -1
        return self._document(request, {"total": len(tasks), "start": start, "num": num, "nextStart": next_start,
                                        "tasks": [task.record() for task in page]}, "Tasks")
