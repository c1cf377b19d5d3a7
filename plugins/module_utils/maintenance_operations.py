# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Maintenance writes on a Notebook Server (site mode, job cancel, removal of finished jobs), each checked by a read.

No write here is repeated blindly: when the client cannot tell whether a write took effect (a
timeout or dropped connection, ``WriteOutcomeUnknownError``; an answer that is not JSON; a gateway's
502/503/504), the state it was meant to change is read first, and the write is sent once more only
if that read shows it did not happen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Set

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.errors import (
    BadResponseError,
    NotebookServerError,
    NotFoundError,
    OptionError,
    ServerError,
    WriteOutcomeUnknownError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs_listing import JOBS_PATH, get_jobs, list_jobs
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs_model import classify

READ_ONLY = "READ_ONLY"
EDITABLE = "EDITABLE"
SITE_MODES = (READ_ONLY, EDITABLE)

MODE_PATH = "mode"
MODE_UPDATE_PATH = "mode/update"
DELETE_ALL_PATH = "system/jobs/deleteAll"

CANCEL_ADDED_IN = "10.8.1"
DELETE_ALL_ADDED_IN = "10.9"


class UnsupportedOperationError(NotebookServerError):
    """The server says an operation does not exist: it is older than the release that added it."""


@dataclass(frozen=True)
class CancelOutcome:
    """What ``cancel_job_outcome`` did: ``record`` is the job as read after the action."""

    job_id: str
    record: Dict[str, Any]
    cancelled: bool  # False: the job had already finished and was left alone


def _server_of(client: Any) -> Optional[str]:
    return getattr(client, "server", None)


# Gateways answer these when the server behind them may or may not have acted.
_GATEWAY_STATUSES = (502, 503, 504)


def _outcome_unknown(exc: NotebookServerError) -> bool:
    """True when a write may have taken effect although no usable answer came back."""
    if isinstance(exc, (WriteOutcomeUnknownError, BadResponseError)):
        return True
    return isinstance(exc, ServerError) and exc.status in _GATEWAY_STATUSES


def _write_then_confirm(write: Callable[[], Any], took_effect: Callable[[], bool]) -> None:
    """Send ``write``; if its outcome is unknown, read with ``took_effect`` and send it once more only if needed."""
    try:
        write()
        return
    except NotebookServerError as exc:
        if not _outcome_unknown(exc):
            raise
        if took_effect():
            return
    try:
        write()
    except NotebookServerError as exc:
        if not _outcome_unknown(exc) or not took_effect():
            raise


# -- site mode -------------------------------------------------------------------------------------

def validate_site_mode(mode: object) -> str:
    """``mode`` as the server spells it (``READ_ONLY`` or ``EDITABLE``); OptionError for anything else."""
    text = str(mode).strip().upper() if isinstance(mode, str) else ""
    if text not in SITE_MODES:
        raise OptionError("mode must be one of %s, not %r" % (", ".join(SITE_MODES), mode))
    return text


def read_site_mode(client: Any) -> str:
    """The site's current mode (``siteMode`` of ``admin/mode``), e.g. ``READ_ONLY`` or ``EDITABLE``."""
    answer = client.get_json(MODE_PATH)
    mode = answer.get("siteMode") if isinstance(answer, dict) else None
    if not isinstance(mode, str) or not mode:
        raise BadResponseError("the answer of admin/mode has no siteMode", _server_of(client))
    return mode.upper()


def update_site_mode(client: Any, mode: str) -> None:
    """Set the site mode; after a write whose outcome is unknown, the mode is read before the write is repeated once."""
    wanted = validate_site_mode(mode)
    _write_then_confirm(
        lambda: client.post_json(MODE_UPDATE_PATH, {"siteMode": wanted}, idempotent=False),
        lambda: read_site_mode(client) == wanted,
    )


# -- one job ---------------------------------------------------------------------------------------

def validate_job_id(job_id: object) -> str:
    """A job id as given, stripped; OptionError for an empty one (it would address the whole jobs list)."""
    text = job_id.strip() if isinstance(job_id, str) else ""
    if not text:
        raise OptionError("a job id must be a non-empty string, not %r" % (job_id,))
    return text


def _job_path(client: Any, job_id: str, operation: Optional[str] = None) -> str:
    path = "%s/%s" % (JOBS_PATH, client.path_segment(job_id))
    return "%s/%s" % (path, operation) if operation else path


def read_job(client: Any, job_id: str) -> Dict[str, Any]:
    """The full record of one job; NotFoundError when the server does not know the id."""
    job_id = validate_job_id(job_id)
    try:
        record = client.get_json(_job_path(client, job_id))
    except NotFoundError as exc:
        raise NotFoundError("job %s does not exist (it may never have existed, or the server has removed it "
                            "after it finished)" % job_id, exc.server, exc.status, exc.code) from None
    if not isinstance(record, dict) or not record.get("jobId"):
        raise BadResponseError("the answer for job %s is not a job record" % job_id, _server_of(client))
    return record


def is_cancelled(record: Dict[str, Any]) -> bool:
    """True when the record says the job was cancelled (``customAttributes.isCancelled``)."""
    attributes = record.get("customAttributes")
    return isinstance(attributes, dict) and attributes.get("isCancelled") is True


def is_finished(record: Dict[str, Any]) -> bool:
    """True for a job that will not run any more (COMPLETED, FAILED, cancelled), as the core's jobs model classifies it."""
    return not classify(record, 0, None).active


def cancel_job_outcome(client: Any, job_id: str) -> CancelOutcome:
    """Cancel one job unless it has finished; the record read afterwards and whether a cancel was sent."""
    job_id = validate_job_id(job_id)
    record = read_job(client, job_id)
    if is_finished(record):
        return CancelOutcome(job_id, record, cancelled=False)
    try:
        _write_then_confirm(
            lambda: client.post_json(_job_path(client, job_id, "cancel"), {}, idempotent=False),
            lambda: is_finished(read_job(client, job_id)),
        )
    except NotFoundError as exc:
        # The job was there a moment ago: if it still is, the server does not know the operation.
        read_job(client, job_id)
        raise UnsupportedOperationError(
            "this Notebook Server does not support cancelling jobs (added in %s): it answered 'not found' for "
            "admin/%s while job %s exists" % (CANCEL_ADDED_IN, _job_path(client, job_id, "cancel"), job_id),
            exc.server, exc.status, exc.code) from None
    return CancelOutcome(job_id, read_job(client, job_id), cancelled=True)


def cancel_job(client: Any, job_id: str) -> Dict[str, Any]:
    """Cancel one job unless it has finished, and return its record as read afterwards."""
    return cancel_job_outcome(client, job_id).record


# -- finished jobs ---------------------------------------------------------------------------------

def _job_ids(records: List[Dict[str, Any]]) -> Set[str]:
    return {str(record.get("jobId")) for record in records if record.get("jobId")}


def finished_job_ids(client: Any) -> FrozenSet[str]:
    """The ids of every finished job the account can see, from the core's complete detailed listing."""
    return frozenset(_job_ids([record for record in list_jobs(client).records if is_finished(record)]))


def _gone(client: Any, job_ids: FrozenSet[str]) -> Set[str]:
    """Which of ``job_ids`` the server no longer has, from a complete listing (or, if it was cut short, one read each)."""
    listing = list_jobs(client)
    unseen = set(job_ids) - _job_ids(listing.records)
    if listing.complete or not unseen:
        return unseen
    return set(get_jobs(client, sorted(unseen)).missing_job_ids)


def delete_finished_job_ids(client: Any) -> FrozenSet[str]:
    """Remove every finished job (``deleteAll``); the ids of the jobs finished before the call that are gone after it.

    The write is sent even when no finished job is visible: an account that may not delete gets the
    server's refusal, not a silent nothing.
    """
    before = finished_job_ids(client)
    try:
        _write_then_confirm(
            lambda: client.post_json(DELETE_ALL_PATH, {}, idempotent=False),
            lambda: _gone(client, before) == set(before),
        )
    except NotFoundError as exc:
        raise UnsupportedOperationError(
            "this Notebook Server does not support removing finished jobs (deleteAll, added in %s): it answered "
            "'not found' for admin/%s" % (DELETE_ALL_ADDED_IN, DELETE_ALL_PATH), exc.server, exc.status, exc.code) from None
    return frozenset(_gone(client, before)) if before else frozenset()


def delete_finished_jobs(client: Any) -> int:
    """Remove every finished job (``deleteAll``); how many finished jobs were removed (finished before, gone after)."""
    return len(delete_finished_job_ids(client))
