# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Removing finished jobs (``system/jobs/deleteAll``, 10.9), and knowing which ones went."""

from __future__ import annotations

from typing import Any, FrozenSet, List, Set

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    NotFoundError,
    UnsupportedOperationError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.listing import get_jobs, list_jobs
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.writes import write_then_confirm

DELETE_ALL_PATH = "system/jobs/deleteAll"
DELETE_ALL_ADDED_IN = "10.9"
# What deleteAll removes, by the server's own rule: nothing else, not even a job whose cancel was requested.
REMOVED_STATUSES = frozenset(("COMPLETED", "FAILED"))


def _job_ids(records: List[Any]) -> Set[str]:
    return {str(record.get("jobId")) for record in records if isinstance(record, dict) and record.get("jobId")}


def _removable(record: Any) -> bool:
    status = record.get("status") if isinstance(record, dict) else None
    return isinstance(status, str) and status.upper() in REMOVED_STATUSES


def removable_job_ids(client: Any) -> FrozenSet[str]:
    """The ids of the jobs deleteAll would remove (COMPLETED or FAILED), from the core's complete detailed listing."""
    return frozenset(_job_ids([record for record in list_jobs(client).records if _removable(record)]))


def _gone(client: Any, job_ids: FrozenSet[str]) -> Set[str]:
    """Which of ``job_ids`` the server no longer has, from a complete listing (or, if it was cut short, one read each)."""
    listing = list_jobs(client)
    unseen = set(job_ids) - _job_ids(listing.records)
    if listing.complete or not unseen:
        return unseen
    return set(get_jobs(client, sorted(unseen)).missing_job_ids)


def delete_finished_jobs(client: Any) -> FrozenSet[str]:
    """Remove the finished jobs (``deleteAll``); the ids of the removable jobs before the call that are gone after it.

    The write is sent even when no finished job is visible: an account that may not delete gets the
    server's refusal, not a silent nothing.
    """
    before = removable_job_ids(client)
    try:
        write_then_confirm(
            lambda: client.post_json(DELETE_ALL_PATH, {}, idempotent=False),
            lambda: _gone(client, before) == set(before),
        )
    except NotFoundError as exc:
        raise UnsupportedOperationError(
            "this Notebook Server does not support removing finished jobs (deleteAll, added in %s): it answered "
            "'not found' for admin/%s" % (DELETE_ALL_ADDED_IN, DELETE_ALL_PATH), exc.server, exc.status, exc.code) from None
    return frozenset(_gone(client, before)) if before else frozenset()
