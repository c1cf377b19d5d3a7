"""Which emulated site answers a request: the process's only site, or one of many sites, each under its own context."""

from __future__ import annotations

import dataclasses

SITE_NAME_PREFIX = "site"


def site_names(count: int) -> list:
    """site001 ... siteNNN (at least three digits, more when there are more sites), in order."""
    width = max(3, len(str(count)))
    return ["%s%0*d" % (SITE_NAME_PREFIX, width, index) for index in range(1, count + 1)]


@dataclasses.dataclass
class SiteMount:
    """One site as the server serves it: its state, its emulated API and its control API."""
    name: str | None  # None: the process serves this site alone (no site tag, no per-site control path)
    site: object  # an EmulatedSite, or a PortalSite
    api: object  # handle(request, log entry) -> Response
    control_api: object  # handle(request) -> Response


class SiteTable:
    """One site (every path goes to it, which answers 404 outside its context), or many keyed by their context."""

    def __init__(self, single: SiteMount | None = None, mounts: list | None = None):
        self.single = single
        self.mounts = {mount.name: mount for mount in (mounts or [])}

    @property
    def multi(self) -> bool:
        return self.single is None

    def route(self, path: str) -> SiteMount | None:
        """The site whose context starts the path (its first segment), or None when no site has it."""
        if self.single is not None:
            return self.single
        first = path.lstrip("/").split("/", 1)[0]
        return self.mounts.get(first)

    def all(self) -> list:
        return [self.single] if self.single is not None else list(self.mounts.values())

    def secrets(self) -> list:
        found = []
        for mount in self.all():
            found.extend(mount.site.secrets())
        return found
