# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole jobs_info task, from options to result, shared by the module and the lookup."""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, Iterable, List, Optional

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.connection_options import (
    OptionAdapter,
    connection_settings,
    open_client,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs_listing import get_jobs, list_jobs
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs_model import (
    JobFacts,
    annotate,
    classify,
    summarize,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs_query import JobsQuery


def select(records: Iterable[Any], query: JobsQuery, now_ms: int) -> List[JobFacts]:
    """The facts of the matching records, in server order, each record annotated in place: one pass, no copies."""
    stuck_after = query.stuck_after_seconds
    matches = query.matches
    matched: List[JobFacts] = []
    append = matched.append
    for record in records:
        if isinstance(record, dict):
            facts = classify(record, now_ms, stuck_after)
            if matches(facts):
                annotate(facts)
                append(facts)
    return matched


def jobs_info(client: Any, query: JobsQuery, now_ms: int) -> Dict[str, Any]:
    """``server``, ``jobs``, ``total``, ``complete``, ``summary`` (+ ``missing_job_ids``, ``query_result``)."""
    listing = get_jobs(client, query.job_ids) if query.job_ids else list_jobs(client, query.num)
    matched = select(listing.records, query, now_ms)
    result: Dict[str, Any] = {
        "server": client.server,
        "jobs": [facts.record for facts in matched],
        "total": listing.total,
        "complete": listing.complete,
        "summary": summarize(matched),
    }
    if query.job_ids:
        result["missing_job_ids"] = listing.missing_job_ids
    if query.compiled_query is not None:
        result["query_result"] = query.evaluate(result)
    return result


def run_jobs_info(options: OptionAdapter, warn: Optional[Callable[[str], None]] = None,
                  wall_clock: Callable[[], float] = time.time, **client_overrides: Any) -> Dict[str, Any]:
    """Validate every option first, then read: the front doors call this and turn errors into failures."""
    now_ms = int(wall_clock() * 1000)
    settings = connection_settings(options)
    query = JobsQuery.from_options(options.get, now_ms)
    with open_client(settings, on_retry=warn, **client_overrides) as client:
        result = jobs_info(client, query, now_ms)
    return result
