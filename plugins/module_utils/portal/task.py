# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Portal inventory task: options in, the Portal's servers read (or given from a cache), the hosts out."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import (
    OptionAdapter,
    connection_settings,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.client import open_portal_client
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.hosts import (
    host_options,
    inventory_hosts,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.servers import read_servers
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.text import plural


def _types_seen(records: List[Dict[str, Any]]) -> str:
    types = sorted({record["serverType"] for record in records})
    return ", ".join(types) if types else "none"


def run(options: OptionAdapter, check_mode: bool = False, warn: Callable[[str], None] = lambda message: None,
        listed: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    """``portal_url``, ``servers`` (every listed server, what a cache keeps), ``read`` (asked now, not given),
    ``group`` and ``hosts``. Every option is validated first, also when ``listed`` spares the request.
    """
    del check_mode  # a read changes nothing
    settings = connection_settings(options, portal=True)
    choice = host_options(options)
    read = listed is None
    if listed is None:
        with open_portal_client(options, on_retry=warn) as client:
            listed = read_servers(client)
    hosts = inventory_hosts(listed, settings.site_url, choice, warn)
    if not hosts:
        warn("Portal %s lists no server of the types %s (%s listed; their types: %s): group %s is empty"
             % (settings.site_url, ", ".join(choice.server_types), plural(len(listed), "server"),
                _types_seen(listed), choice.group))
    return {"portal_url": settings.site_url, "servers": listed, "read": read, "group": choice.group, "hosts": hosts}
