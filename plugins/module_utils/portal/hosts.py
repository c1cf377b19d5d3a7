# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which of a Portal's servers an inventory holds, and the host each becomes: its name, site root and variables.

Pure: records of ``servers.read_servers`` in, hosts out. A server that cannot be addressed, or two servers that
would get one host name, are errors: a server merged into another or left out would be a server no play visits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple
from urllib.parse import urlsplit

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import OptionError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.urls import normalize_site_url
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.servers import (
    SERVERS_RESOURCE,
    describe,
    listing_error,
)

NOTEBOOK_SERVER_TYPE = "ARCGIS_NOTEBOOK_SERVER"
# A server of another type (an ArcGIS Server site, for example) that runs notebooks says so in serverFunction.
NOTEBOOK_SERVER_FUNCTION = "notebookserver"
DEFAULT_GROUP = "notebook_servers"
# Where the site root comes from: the record's fields, in order of preference.
URL_SOURCES: Dict[str, Tuple[str, ...]] = {
    "admin": ("adminUrl", "adminURL"),
    "admin_public": ("adminPublicUrl", "adminUrl", "adminURL"),
    "public": ("url",),
}
HOSTNAME_SOURCES = ("url_host", "name", "id")
_GROUP_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class HostOptions:
    """The options that choose and name the hosts, validated."""

    server_types: Tuple[str, ...] = (NOTEBOOK_SERVER_TYPE,)
    url_from: str = "admin"
    hostnames: str = "url_host"
    group: str = DEFAULT_GROUP


@dataclass(frozen=True)
class InventoryHost:
    """One server as an inventory host."""

    name: str
    variables: Dict[str, Any] = field(default_factory=dict)


def _choice(options: OptionAdapter, name: str, choices: Sequence[str], default: str) -> str:
    value = options.get(name, default)
    if value not in choices:
        raise OptionError("%s must be one of %s, not %r" % (name, ", ".join(choices), value))
    return str(value)


def host_options(options: OptionAdapter) -> HostOptions:
    """Validate ``server_types``, ``url_from``, ``hostnames`` and ``group``; ``OptionError`` names the option."""
    types = options.get("server_types", [NOTEBOOK_SERVER_TYPE])
    if isinstance(types, str):
        types = types.split(",")
    if not isinstance(types, (list, tuple)) or not types:
        raise OptionError("server_types must be a non-empty list of server types, e.g. [%s]" % NOTEBOOK_SERVER_TYPE)
    cleaned = []
    for value in types:
        if not isinstance(value, str) or not value.strip():
            raise OptionError("server_types holds %r, which is not a server type such as %s"
                              % (value, NOTEBOOK_SERVER_TYPE))
        cleaned.append(value.strip())
    group = options.get("group", DEFAULT_GROUP)
    if not isinstance(group, str) or not _GROUP_NAME.match(group):
        raise OptionError("group must be a group name of letters, digits and underscores that does not start with a "
                          "digit, not %r" % (group,))
    return HostOptions(
        server_types=tuple(cleaned),
        url_from=_choice(options, "url_from", tuple(URL_SOURCES), "admin"),
        hostnames=_choice(options, "hostnames", HOSTNAME_SOURCES, "url_host"),
        group=group,
    )


def functions_of(record: Dict[str, Any]) -> List[str]:
    """The server's functions: ``serverFunction`` is a comma-separated list (``GeoAnalytics,NotebookServer``)."""
    return [part.strip() for part in record.get("serverFunction", "").split(",") if part.strip()]


def is_selected(record: Dict[str, Any], server_types: Sequence[str]) -> bool:
    """A server of one of the types, any case; asking for Notebook Servers also takes one that runs notebooks."""
    wanted = {value.lower() for value in server_types}
    if record["serverType"].lower() in wanted:
        return True
    return (NOTEBOOK_SERVER_TYPE.lower() in wanted
            and NOTEBOOK_SERVER_FUNCTION in (function.lower() for function in functions_of(record)))


def _site_url(record: Dict[str, Any], url_from: str, portal: str) -> str:
    keys = URL_SOURCES[url_from]
    key = next((key for key in keys if record.get(key)), None)
    if key is None:
        other = "public" if url_from != "public" else "admin"
        raise listing_error("server %s in %s has no %s, so url_from=%s cannot address it; try url_from=%s"
                            % (describe(record), SERVERS_RESOURCE, " or ".join(keys), url_from, other), portal)
    try:
        return normalize_site_url(record[key], option=key)
    except OptionError as exc:
        raise listing_error("server %s in %s cannot be addressed: %s"
                            % (describe(record), SERVERS_RESOURCE, exc.message), portal) from None


def _public_url(record: Dict[str, Any], warn: Callable[[str], None], portal: str) -> Optional[str]:
    if not record.get("url"):
        return None
    try:
        return normalize_site_url(record["url"])
    except OptionError as exc:
        warn("Portal %s: server %s: its public url is left out: %s" % (portal, describe(record), exc.message))
        return None


def _host_name(record: Dict[str, Any], site_url: str, hostnames: str, portal: str) -> str:
    if hostnames == "url_host":
        name = urlsplit(site_url).hostname or ""
    else:
        name = record.get(hostnames, "")
    if not name:
        raise listing_error("server %s in %s has no %s to name its host; choose another hostnames"
                            % (describe(record), SERVERS_RESOURCE, hostnames), portal)
    return name


def inventory_hosts(records: Sequence[Dict[str, Any]], portal_url: str, choice: HostOptions,
                    warn: Callable[[str], None]) -> List[InventoryHost]:
    """The hosts of the selected servers, in the Portal's order; two servers with one host name are an error."""
    hosts: List[InventoryHost] = []
    named: Dict[str, Dict[str, Any]] = {}
    for record in records:
        if not is_selected(record, choice.server_types):
            continue
        site_url = _site_url(record, choice.url_from, portal_url)
        name = _host_name(record, site_url, choice.hostnames, portal_url)
        if name in named:
            raise listing_error(
                "servers %s and %s would both be host %s; choose hostnames=%s so each server is a host of its own"
                % (describe(named[name]), describe(record), name, "id" if choice.hostnames != "id" else "name"),
                portal_url)
        named[name] = record
        variables = {
            "notebook_server_url": site_url,
            "notebook_server_public_url": _public_url(record, warn, portal_url),
            "notebook_server_portal_url": portal_url,
            "notebook_server_id": record.get("id"),
            "notebook_server_name": record.get("name"),
            "notebook_server_type": record["serverType"],
            "notebook_server_role": record.get("serverRole"),
            "notebook_server_functions": functions_of(record),
        }
        hosts.append(InventoryHost(name, {key: value for key, value in variables.items() if value is not None}))
    return hosts
