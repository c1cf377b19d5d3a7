# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn the site and Portal URLs people type into the one root the client builds every address from."""

from __future__ import annotations

from typing import List, Optional, Tuple
from urllib.parse import urlsplit, urlunsplit

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import OptionError

NOTEBOOK_SERVER_PORT = 11443
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Path segments that mark an address *inside* a site: everything from them on is dropped.
_SITE_TAILS = ("admin", "rest")
_PORTAL_TAILS = ("sharing", "home")


_SITE_EXAMPLE = "https://nb.example.com:11443/arcgis"
_PORTAL_EXAMPLE = "https://gis.example.com/portal"


def _split(text: object, option: str, example: str = _SITE_EXAMPLE) -> Tuple[str, str, Optional[int], List[str]]:
    if not isinstance(text, str) or not text.strip():
        raise OptionError("%s is required: the address, e.g. %s" % (option, example))
    raw = text.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise OptionError("%s is not a valid URL (bad host or port)" % option) from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise OptionError("%s must be an http:// or https:// URL with a host, e.g. %s" % (option, example))
    if parts.username is not None or parts.password is not None:
        # Credentials in a URL end up in logs; we never echo them back.
        raise OptionError("%s must not contain credentials; use the username and password options" % option)
    if parts.query or parts.fragment:
        raise OptionError("%s must not contain a query string or fragment" % option)
    host = parts.hostname.lower()
    segments = [s for s in parts.path.split("/") if s]
    return scheme, host, port, segments


def _join(scheme: str, host: str, port: Optional[int], segments: List[str]) -> str:
    if ":" in host:
        host = "[%s]" % host  # IPv6 literal
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else "%s:%d" % (host, port)
    path = "/" + "/".join(segments) if segments else ""
    return urlunsplit((scheme, netloc, path, "", ""))


def _cut_at(segments: List[str], tails: Tuple[str, ...]) -> List[str]:
    for index, segment in enumerate(segments):
        if segment.lower() in tails:
            return segments[:index]
    return segments


def normalize_site_url(text: object, option: str = "url") -> str:
    """The site root without a trailing slash, from any of the forms users type.

    ``https://nb:11443/arcgis``, ``.../arcgis/``, ``.../arcgis/admin``, ``.../arcgis/admin/system/jobs``
    and ``.../arcgis/rest/info`` all give ``https://nb:11443/arcgis``; a Web Adaptor root such as
    ``https://gis.example.com/notebooks/`` gives ``https://gis.example.com/notebooks``.
    A bare ``https://nb:11443`` gets the only context a Notebook Server has on that port, ``/arcgis``.
    """
    scheme, host, port, segments = _split(text, option)
    segments = _cut_at(segments, _SITE_TAILS)
    if not segments and port == NOTEBOOK_SERVER_PORT:
        segments = ["arcgis"]
    return _join(scheme, host, port, segments)


def normalize_portal_url(text: object, option: str = "portal_url") -> str:
    """The Portal root, from ``https://p/portal``, ``.../portal/home`` or ``.../portal/sharing/rest``."""
    scheme, host, port, segments = _split(text, option, _PORTAL_EXAMPLE)
    return _join(scheme, host, port, _cut_at(segments, _PORTAL_TAILS))


ADMIN_API = "admin"
SHARING_API = "sharing/rest"


def api_url(root: str, api: str, path: str) -> str:
    """The absolute URL of a resource: ``api_url(site, ADMIN_API, "system/jobs")``, ``api_url(portal, SHARING_API,
    "portals/self/servers")``.
    """
    return "%s/%s/%s" % (root, api, path.lstrip("/"))
