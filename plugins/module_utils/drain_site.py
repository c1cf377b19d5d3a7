# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drain's options and its calls to one server, bound to one client (one token) for the whole drain."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from ansible_collections.gisadmin.notebook_server.plugins.module_utils import maintenance_operations
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.connection_options import (
    CONNECTION_ARGSPEC,
    OptionAdapter,
    connection_settings,
    open_client,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain_procedure import DRAIN_ARGSPEC, SiteOperations
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.errors import (
    BadResponseError,
    NotebookServerError,
    ServerError,
    TLSError,
    TransportError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.http_client import NotebookServerClient
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs_listing import list_jobs

# The connection options every module shares, then the drain's own.
DRAIN_ARGUMENT_SPEC: Dict[str, Dict[str, Any]] = dict(CONNECTION_ARGSPEC, **DRAIN_ARGSPEC)


def fault_will_pass(exc: Exception) -> bool:
    """Faults a waiting drain counts and outlives: no connection or answer (a restart, a timeout), a 5xx,
    a gateway's error page. Credentials, permissions, a wrong URL or certificate will not pass by waiting.
    """
    if isinstance(exc, TLSError):
        return False
    if isinstance(exc, TransportError):
        return True
    if isinstance(exc, ServerError):
        return (exc.code or exc.status or 500) >= 500
    if isinstance(exc, BadResponseError):
        return exc.status is not None and exc.status >= 500
    return False


def describe_fault(exc: Exception) -> str:
    """The error without the server's URL: every drain line already names the host."""
    return exc.message if isinstance(exc, NotebookServerError) else str(exc)


def site_operations(client: NotebookServerClient) -> SiteOperations:
    """The drain's calls, all through ``client`` and so all with its one token."""
    return SiteOperations(
        list_jobs=lambda: list_jobs(client),
        read_site_mode=lambda: maintenance_operations.read_site_mode(client),
        update_site_mode=lambda mode: maintenance_operations.update_site_mode(client, mode),
        cancel_job=lambda job_id: maintenance_operations.cancel_job(client, job_id),
        fault_types=(NotebookServerError,),
        is_transient=fault_will_pass,
        describe_error=describe_fault,
    )


def open_drain_client(options: Dict[str, Any], on_retry: Optional[Callable[[str], None]] = None) -> NotebookServerClient:
    """One client for the whole drain, from validated options; ``OptionError`` for settings that cannot work."""
    return open_client(connection_settings(OptionAdapter.from_dict(options)), on_retry=on_retry)
