# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read one server's jobs (and open notebooks) for an audit with the shared client, and tally them in one pass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.notebooks import read_server_notebooks
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import ServerJobs
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.tally import TallyRules, tally_jobs
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter, open_client_from
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.listing import list_jobs


@dataclass(frozen=True)
class NotebookAuditSettings:
    """How the audit judges open notebooks: busy after activity within ``quiet_for``, stale after ``stale_after``."""

    quiet_for_seconds: float
    stale_after_seconds: float


def read_server_jobs(connection: Dict[str, Any], rules: TallyRules, server_name: str = "",
                     on_retry: Optional[Callable[[str], None]] = None,
                     notebooks: Optional[NotebookAuditSettings] = None) -> ServerJobs:
    """Every job of one server (at most two requests, one token), tallied on that server's clock (its jobs.csv rows
    start with ``server_name``); with ``notebooks``, its open notebooks and kernels too, with the same token (a
    failure there is recorded, not raised).

    Raises the core's ``NotebookServerError`` subclasses, whose messages never hold a secret.
    """
    interactive = None
    with open_client_from(OptionAdapter.from_dict(connection), on_retry=on_retry) as client:
        listing = list_jobs(client)
        now_ms = client.now_ms()
        if notebooks is not None:
            interactive = read_server_notebooks(client, client.now_ms(), notebooks.quiet_for_seconds,
                                                notebooks.stale_after_seconds)
    # Items that are not records stay in: they count as active work of an unknown owner.
    tally = tally_jobs(listing.records, now_ms, rules, server_name)
    return ServerJobs(tally=tally, reported_total=listing.total, incomplete_reason=listing.incomplete_reason,
                      notebooks=interactive)
