# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cancelling one job (``system/jobs/<id>/cancel``, 10.8.1): only when it still runs, the write checked by a read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    NotFoundError,
    UnsupportedOperationError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.listing import (
    job_path,
    read_job,
    validate_job_id,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import is_finished
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.writes import write_then_confirm

CANCEL_ADDED_IN = "10.8.1"


@dataclass(frozen=True)
class CancelOutcome:
    """What ``cancel_job`` did: ``record`` is the job as read after the action."""

    job_id: str
    record: Dict[str, Any]
    cancelled: bool  # False: the job had already finished and was left alone


def cancel_job(client: Any, job_id: str) -> CancelOutcome:
    """Cancel one job unless it has finished; the record read afterwards and whether a cancel was sent."""
    job_id = validate_job_id(job_id)
    record = read_job(client, job_id)
    if is_finished(record):
        return CancelOutcome(job_id, record, cancelled=False)
    try:
        write_then_confirm(
            lambda: client.post_json(job_path(client, job_id, "cancel"), {}, idempotent=False),
            lambda: is_finished(read_job(client, job_id)),
        )
    except NotFoundError as exc:
        # The job was there a moment ago: if it still is, the server does not know the operation.
        read_job(client, job_id)
        raise UnsupportedOperationError(
            "this Notebook Server does not support cancelling jobs (added in %s): it answered 'not found' for "
            "admin/%s while job %s exists" % (CANCEL_ADDED_IN, job_path(client, job_id, "cancel"), job_id),
            exc.server, exc.status, exc.code) from None
    return CancelOutcome(job_id, read_job(client, job_id), cancelled=True)
