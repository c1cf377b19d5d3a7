# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The jobs_info task, from options to result: what the notebook_server_jobs_info module and the lookup call."""

from __future__ import annotations

import time
from typing import Any, Callable, Dict

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import (
    CONNECTION_ARGSPEC,
    OptionAdapter,
    connection_settings,
    open_client,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.listing import JobListing, get_jobs, list_jobs
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.scan import scan
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.query import JOBS_QUERY_ARGSPEC, JobsQuery

ARGUMENT_SPEC = dict(CONNECTION_ARGSPEC, **JOBS_QUERY_ARGSPEC)


def jobs_info(client: Any, listing: JobListing, query: JobsQuery, now_ms: int) -> Dict[str, Any]:
    """``server``, ``jobs``, ``total``, ``complete``, ``summary`` (+ ``missing_job_ids``, ``query_result``)."""
    jobs, summary = scan(listing.records, query, now_ms, listing.complete)
    result: Dict[str, Any] = {
        "server": client.server,
        "jobs": jobs,
        "total": listing.total,
        "complete": listing.complete,
        "summary": summary,
    }
    if query.job_ids:
        result["missing_job_ids"] = listing.missing_job_ids
    if query.compiled_query is not None:
        result["query_result"] = query.evaluate(result)
    return result


def run(options: OptionAdapter, check_mode: bool = False, warn: Callable[[str], None] = lambda message: None) -> Dict[str, Any]:
    """Validate every option first, then read. A read changes nothing, so check mode reads the same way."""
    del check_mode
    settings = connection_settings(options)
    query = JobsQuery.from_options(options.get, int(time.time() * 1000))
    with open_client(settings, on_retry=warn) as client:
        listing = get_jobs(client, query.job_ids) if query.job_ids else list_jobs(client, query.num)
        if listing.incomplete_reason:
            warn("Notebook Server %s: %s; complete and summary.idle are false" % (client.server, listing.incomplete_reason))
        # Ages and relative times (started_after: -2h) on the server's clock, like its start times.
        now_ms = client.now_ms()
        return jobs_info(client, listing, JobsQuery.from_options(options.get, now_ms), now_ms)
