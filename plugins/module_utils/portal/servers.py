# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The servers federated with a Portal (``portals/self/servers``): read whole and checked, or a clear error.

Every record must be readable: a record that cannot be read could be a Notebook Server, and an inventory
that silently leaves one out would let a drain call a fleet idle while one of its servers still works.
"""

from __future__ import annotations

from typing import Any, Dict, List

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    BadResponseError,
    NotFoundError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.http import NotebookServerClient

SERVERS_RESOURCE = "portals/self/servers"
# The fields of a record kept (and cached); anything else a Portal adds is dropped, so nothing unexpected is stored.
TEXT_FIELDS = ("id", "name", "url", "adminUrl", "adminURL", "adminPublicUrl", "serverType", "serverRole",
               "serverFunction")
FLAG_FIELDS = ("isHosted",)
_CHECK_PORTAL_URL = ("Check portal_url: the root of a Portal for ArcGIS, e.g. https://gis.example.com/portal, "
                     "not the address of a Notebook Server or ArcGIS Server")


def listing_error(message: str, portal: str) -> BadResponseError:
    """A servers list that cannot be used, as the Portal's error."""
    error = BadResponseError(message, portal)
    error.product = "Portal"
    error.resource = SERVERS_RESOURCE
    return error


def describe(record: Dict[str, Any]) -> str:
    """How messages name a listed server: its name and id, whichever it has."""
    name, server_id = record.get("name"), record.get("id")
    if name and server_id:
        return "%s (id %s)" % (name, server_id)
    return str(name or server_id or "without a name or id")


def _record(raw: Any, index: int, portal: str) -> Dict[str, Any]:
    if not isinstance(raw, dict):
        raise listing_error(
            "record %d of %s is not an object but %s: the list cannot be read, so a Notebook Server could be "
            "missed" % (index + 1, SERVERS_RESOURCE, type(raw).__name__), portal)
    record: Dict[str, Any] = {}
    for key in TEXT_FIELDS:
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            record[key] = value.strip()
        elif value is not None and not isinstance(value, str):
            raise listing_error("server %s in %s has a %s that is not text (%s)"
                                % (describe(raw), SERVERS_RESOURCE, key, type(value).__name__), portal)
    for key in FLAG_FIELDS:
        if isinstance(raw.get(key), bool):
            record[key] = raw[key]
    if "serverType" not in record:
        # Without a type no filter can tell whether this is a Notebook Server.
        raise listing_error("server %s in %s has no serverType, so it cannot be told whether it is a Notebook "
                            "Server" % (describe(raw), SERVERS_RESOURCE), portal)
    return record


def read_servers(client: NotebookServerClient) -> List[Dict[str, Any]]:
    """Every server the Portal lists, each reduced to the known fields; an answer that is not a Portal's is an error."""
    try:
        answer = client.get_json(SERVERS_RESOURCE)
    except (NotFoundError, BadResponseError) as exc:
        # The usual cause is an address that is not a Portal's: say so first, then what answered.
        exc.message = "no Portal for ArcGIS answers at this address: " + exc.message
        raise
    servers = answer.get("servers") if isinstance(answer, dict) else None
    if not isinstance(servers, list):
        raise listing_error("the answer of %s has no list of servers, so this is not a Portal for ArcGIS. %s"
                            % (SERVERS_RESOURCE, _CHECK_PORTAL_URL), client.server)
    return [_record(raw, index, client.server) for index, raw in enumerate(servers)]
