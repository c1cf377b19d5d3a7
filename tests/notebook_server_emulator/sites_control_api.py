"""The control API of a process that serves many sites: the sites, their merged request log, and each site's own calls.

Every call of one site's control API lives under /_emulator/sites/<name>/ (state, requests, jobs,
faults, clock ...); the process itself answers only for what spans its sites.
"""

from __future__ import annotations

import hmac
import json

from .control_api import CONTROL_PREFIX, SECRET_HEADER
from .http_exchange import Request, Response
from .request_log import RequestLog
from .site_mounts import SiteMount

SITES = "sites"


def site_control_prefix(name: str) -> str:
    """Where the control calls of one site among many live."""
    return "%s/%s/%s" % (CONTROL_PREFIX, SITES, name)


def _json(document, status: int = 200) -> Response:
    return Response(status=status, body=json.dumps(document).encode("utf-8"))


class SitesControlApi:
    def __init__(self, mounts: list, secret: str, unrouted_log: RequestLog, describe):
        """describe(mount) -> the site's public description (URLs, counts) for GET sites."""
        self.mounts = {mount.name: mount for mount in mounts}
        self.secret = secret
        self.unrouted_log = unrouted_log
        self.describe = describe

    def _parts(self, path: str) -> list:
        return [part for part in path[len(CONTROL_PREFIX):].split("/") if part]

    def _mount(self, path: str) -> SiteMount | None:
        parts = self._parts(path)
        if len(parts) >= 2 and parts[0] == SITES:
            return self.mounts.get(parts[1])
        return None

    def site_for(self, path: str):
        mount = self._mount(path)
        return mount.site if mount is not None else None

    def handle(self, request: Request) -> Response:
        presented = request.header(SECRET_HEADER) or ""
        if not hmac.compare_digest(presented.encode("utf-8"), self.secret.encode("utf-8")):
            return _json({"error": "missing or wrong %s" % SECRET_HEADER}, 403)
        parts = self._parts(request.path)
        method = request.method
        if parts[:1] == [SITES] and len(parts) >= 2:
            mount = self._mount(request.path)
            if mount is None:
                return _json({"error": "no site %s" % parts[1]}, 404)
            return mount.control_api.handle(request)
        route = (method, "/".join(parts))
        if route == ("GET", SITES):
            return _json({"sites": [self.describe(mount) for mount in self.mounts.values()]})
        if route == ("GET", "state"):
            return _json({"sites": len(self.mounts), "site_names": list(self.mounts)})
        if route == ("GET", "requests"):
            since = int(request.query.get("since") or 0)
            entries = self.unrouted_log.entries(since)
            for mount in self.mounts.values():
                entries.extend(mount.site.log.entries(since))
            return _json(sorted(entries, key=lambda entry: entry["seq"]))
        if route == ("DELETE", "requests"):
            self.unrouted_log.clear()
            for mount in self.mounts.values():
                mount.site.log.clear()
            return _json({"status": "cleared"})
        if route == ("POST", "reset"):
            self.unrouted_log.clear()
            for mount in self.mounts.values():
                mount.site.reset()
            return _json({"sites": len(self.mounts), "status": "reset"})
        return _json({"error": "no control resource %s %s: this process serves %d sites, address one as %s/<name>/..."
                               % (method, "/".join(parts), len(self.mounts), CONTROL_PREFIX + "/" + SITES)}, 404)
