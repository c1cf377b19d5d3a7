# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Portal for ArcGIS as a client talks to it: its connection options and a client of ``sharing/rest``."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import NotebookServerError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.http import NotebookServerClient
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import (
    CONNECTION_ARGSPEC,
    OptionAdapter,
    connection_settings,
    open_client,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.urls import SHARING_API

# The connection options of a task that talks to a Portal: portal_url is the address, the rest as for a site.
PORTAL_CONNECTION_ARGSPEC: Dict[str, Dict[str, Any]] = {
    name: dict(spec) for name, spec in CONNECTION_ARGSPEC.items() if name != "url"
}
PORTAL_CONNECTION_ARGSPEC["portal_url"]["required"] = True


def open_portal_client(options: OptionAdapter, on_retry: Optional[Callable[[str], None]] = None) -> NotebookServerClient:
    """A client of ``<portal>/sharing/rest`` (one token, retries, typed errors naming the Portal), from options."""
    return open_client(connection_settings(options, portal=True), on_retry, api=SHARING_API, product="Portal")


def portal_error(error: NotebookServerError, client: NotebookServerClient) -> NotebookServerError:
    """``error`` named as the Portal's, for the errors the portal core raises itself (the client names its own)."""
    error.server = error.server or client.server
    error.product = client.product
    return error
