"""The emulated Notebook Server resources: generateToken, jobs, job operations, mode, health check
(notebooks and containers are in notebook_resources).

Errors are answered the ArcGIS way: HTTP 200 with an error envelope (or an HTML page for f=html).
"""

from __future__ import annotations

import json

from . import html_pages
from .accounts import ADMIN, Account
from .envelopes import (BAD_REQUEST, FORBIDDEN, INVALID_TOKEN, METHOD_NOT_ALLOWED, NOT_FOUND, TOKEN_REQUIRED,
                        ApiError, error_body)
from .federation import PortalUnreachable, PortalVerdict
from .http_exchange import HTML_TYPE, Request, Response
from .job_store import JobNotFound
from .notebook_resources import NotebookResources
from .site import SITE_MODES, EmulatedSite
from .tokens import INVALID

VERSION = "11.3"
# Where a token may travel, in the order a server looks for it.
TOKEN_HEADERS = (("X-Esri-Authorization", "x-esri-authorization"), ("Authorization", "authorization"))
JOB_OPERATIONS = ("cancel",)


def parse_bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() == "true"


def token_channels(request: Request) -> list:
    """[(channel, token)] for every place this request carries a token."""
    found = []
    if request.form.get("token"):
        found.append(("body", request.form["token"]))
    for header, channel in TOKEN_HEADERS:
        value = (request.header(header) or "").strip()
        if value[:7].lower() == "bearer " and value[7:].strip():
            found.append((channel, value[7:].strip()))
    if request.query.get("token"):
        found.append(("query", request.query["token"]))
    return found


class AdminApi:
    def __init__(self, site: EmulatedSite):
        self.site = site
        self.interactive = NotebookResources(self)

    # ----- plumbing -----

    def _format(self, request: Request) -> str:
        # The documented default is html: clients must always send f=json.
        f = (request.param("f") or "html").lower()
        return f if f in ("json", "pjson", "html") else "html"

    def document(self, request: Request, document: dict, title: str) -> Response:
        f = self._format(request)
        if f == "json":
            return Response(body=json.dumps(document).encode("utf-8"))
        if f == "pjson":
            return Response(body=json.dumps(document, indent=2).encode("utf-8"))
        return Response(body=html_pages.document_page(title, document), content_type=HTML_TYPE)

    def error_response(self, request: Request, error: ApiError) -> Response:
        if self._format(request) == "html":
            return Response(body=html_pages.error_page(error.code, error.message), content_type=HTML_TYPE)
        return Response(body=error_body(error, self.site.error_form))

    def _authenticate(self, request: Request, entry: dict) -> Account:
        channels = token_channels(request)
        entry["token_channels"] = [channel for channel, _token in channels]
        if not channels:
            raise ApiError(TOKEN_REQUIRED)
        channel, value = channels[0]
        entry["token_channel"] = channel
        tokens = self.site.tokens
        referer, client_ip = request.header("Referer"), request.client_ip
        token, problem = tokens.check(value, referer, client_ip, self.site.now_ms())
        verdict = None
        if token is None and problem == INVALID and not tokens.knows(value) and self.site.federation is not None:
            # Not one of ours: perhaps our Portal's. Adopted, it also obeys this server's expiry and restarts.
            verdict = self._ask_portal(value, request)
            tokens.adopt(value, verdict.username, verdict.client, verdict.bound_to, verdict.role)
            token, problem = tokens.check(value, referer, client_ip, self.site.now_ms())
        if token is None:
            raise ApiError(INVALID_TOKEN, problem)
        if token.portal_role is not None:
            # The Portal judges every use of its tokens (its clock, its revocations); only its admins administer.
            verdict = verdict or self._ask_portal(value, request)
            entry["token_issuer"] = "portal"
            entry["username"] = verdict.username
            if verdict.role != ADMIN:
                raise ApiError(FORBIDDEN)
            return Account(verdict.username, "", ADMIN)
        account = self.site.accounts.get(token.username)
        if account is None:
            raise ApiError(INVALID_TOKEN)
        entry["token_issuer"] = "server"
        entry["username"] = account.username
        return account

    def _ask_portal(self, value: str, request: Request) -> PortalVerdict:
        federation = self.site.federation
        if federation is None:
            raise ApiError(INVALID_TOKEN)  # adopted from a Portal this server has since left
        try:
            verdict = federation.validate(value, request.header("Referer"), request.client_ip)
        except PortalUnreachable:
            raise ApiError(INVALID_TOKEN, None, ["The portal could not be reached to validate the token."]) from None
        if not verdict.valid:
            raise ApiError(INVALID_TOKEN, verdict.message)
        return verdict

    @staticmethod
    def require_post(request: Request) -> None:
        if request.method != "POST":
            raise ApiError(METHOD_NOT_ALLOWED, "This operation is supported only with POST.")

    @staticmethod
    def require_admin(account: Account) -> None:
        if not account.is_admin:
            raise ApiError(FORBIDDEN)

    # ----- dispatch -----

    def handle(self, request: Request, entry: dict) -> Response:
        context = self.site.settings.context
        if not (request.path == context or request.path.startswith(context + "/")):
            # Not this site (a mistyped Web Adaptor name): the web server's own page, not an ArcGIS envelope.
            return Response(status=404, body=html_pages.web_server_not_found_page(), content_type=HTML_TYPE)
        parts = [part for part in request.path[len(context):].split("/") if part]
        entry["resource"] = "/".join(parts)
        try:
            return self._route(request, parts, entry)
        except ApiError as error:
            entry["error_code"] = error.code
            return self.error_response(request, error)

    def _route(self, request: Request, parts: list, entry: dict) -> Response:
        if not parts:
            return self.document(request, {"resources": ["admin", "rest"], "currentVersion": VERSION}, "ArcGIS")
        if parts[0] == "rest":
            return self._rest(request, parts[1:])
        if parts[0] != "admin":
            raise ApiError(NOT_FOUND)
        rest = parts[1:]
        if rest == ["generateToken"]:
            return self._generate_token(request, entry)
        # Every other admin resource needs a token; it is checked before the path (499 before 404).
        account = self._authenticate(request, entry)
        if not rest:
            return self.document(request, {"resources": ["system", "notebooks", "mode", "generateToken"],
                                           "currentVersion": VERSION}, "Notebook Server Administrator Directory")
        if rest == ["mode"]:
            self.require_admin(account)
            return self.document(request, {"siteMode": self.site.site_mode, "lastModified": self.site.mode_changed_ms},
                                 "Site mode")
        if rest == ["mode", "update"]:
            return self._update_mode(request, account)
        if rest == ["system"]:
            self.require_admin(account)
            return self.document(request, {"resources": ["jobs", "containers"]}, "System")
        if rest[:2] == ["system", "jobs"]:
            return self._jobs(request, account, rest[2:])
        if rest[:2] == ["system", "containers"]:
            return self.interactive.containers(request, account, rest[2:])
        if rest[:1] == ["notebooks"]:
            return self.interactive.notebooks(request, account, rest[1:])
        raise ApiError(NOT_FOUND)

    # ----- resources -----

    def _rest(self, request: Request, parts: list) -> Response:
        if parts == ["info", "healthcheck"]:
            return self.document(request, {"success": True}, "Health check")
        if parts == ["info"]:
            base = self.site.settings.public_base
            return self.document(request, {
                "currentVersion": float(VERSION), "fullVersion": VERSION + ".0",
                "authInfo": {"isTokenBasedSecurity": True, "tokenServicesUrl": base + "/admin/generateToken"},
            }, "Info")
        raise ApiError(NOT_FOUND)

    def _generate_token(self, request: Request, entry: dict) -> Response:
        fail = "Unable to generate token."
        if "username" in request.query or "password" in request.query:
            # Like ArcGIS Server's default: credentials in a URL are refused, even on a POST.
            raise ApiError(BAD_REQUEST, fail, ["Credentials in the URL query string are not accepted; POST them."])
        self.require_post(request)
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
        expires = str(expires_ms) if self.site.settings.expires_as_string else expires_ms
        return self.document(request, {"token": token.value, "expires": expires, "ssl": True}, "Token")

    def _update_mode(self, request: Request, account: Account) -> Response:
        self.require_admin(account)
        self.require_post(request)
        mode = (request.param("sitemode") or "").upper()
        if mode not in SITE_MODES:
            raise ApiError(BAD_REQUEST, "Invalid siteMode '%s'." % mode, ["siteMode must be one of %s." % ", ".join(SITE_MODES)])
        self.site.set_mode(mode)
        return self.document(request, {"status": "success"}, "Site mode")

    def _jobs(self, request: Request, account: Account, rest: list) -> Response:
        store = self.site.store
        now_ms = self.site.now_ms()
        if not rest:
            return self._jobs_list(request, account, now_ms)
        if rest == ["deleteAll"]:
            self.require_admin(account)
            self.require_post(request)
            store.delete_finished(now_ms)
            return self.document(request, {"status": "success"}, "Delete all jobs")
        if len(rest) > 2 or (len(rest) == 2 and rest[1] not in JOB_OPERATIONS):
            raise ApiError(NOT_FOUND)
        try:
            job = store.get(rest[0], now_ms)
        except JobNotFound:
            raise ApiError(NOT_FOUND, "Job '%s' does not exist." % rest[0]) from None
        if not account.is_admin and job.username != account.username:
            raise ApiError(FORBIDDEN)
        if len(rest) == 2:
            store.cancel(job.job_id, now_ms)
            return self.document(request, {"status": "success"}, "Cancel job")
        with store.lock:
            record = job.full(store.context)
        return self.document(request, record, "Job")

    def _jobs_list(self, request: Request, account: Account, now_ms: int) -> Response:
        detail = parse_bool(request.param("detail"))
        sort_by_date = parse_bool(request.param("sortbydate"))
        try:
            num = int(request.param("num") or 100)
        except ValueError:
            raise ApiError(BAD_REQUEST, "Invalid value for parameter num.") from None
        if self.site.max_num is not None:
            # Some servers cap a page whatever num asks; total still counts every job.
            num = min(num, self.site.max_num)
        # Users who are not administrators see their own jobs only.
        owner = None if account.is_admin else account.username
        store = self.site.store
        f = self._format(request)
        if f == "json":
            return Response(body=store.list_json(now_ms, detail, num, sort_by_date, owner))
        with store.lock:
            jobs, total = store.select(now_ms, num, sort_by_date, owner)
            records = [job.full(store.context) if detail else job.abbreviated() for job in jobs]
        if f == "pjson":
            return Response(body=json.dumps({"asyncJobs": records, "total": total}, indent=2).encode("utf-8"))
        return Response(body=html_pages.jobs_page(records, total, detail), content_type=HTML_TYPE)
