# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The site tasks of the mode, job and jobs_cleanup modules, from options to result, with check mode and diff."""

from __future__ import annotations

from typing import Any, Callable, Dict, List

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    JobNotFoundError,
    OptionError,
    ServerError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import (
    CONNECTION_ARGSPEC,
    OptionAdapter,
    id_list,
    open_client_from,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.listing import read_job, validate_job_id
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import (
    annotate,
    classify,
    is_cancelled,
    is_finished,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.site.cancel import cancel_job
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.site.cleanup import (
    delete_finished_jobs,
    removable_job_ids,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.site.mode import (
    SITE_MODES,
    read_site_mode,
    update_site_mode,
    validate_site_mode,
)

MODE_ARGUMENT_SPEC: Dict[str, Dict[str, Any]] = dict(CONNECTION_ARGSPEC, mode={"type": "str", "choices": list(SITE_MODES)})
JOB_ARGUMENT_SPEC: Dict[str, Dict[str, Any]] = dict(
    CONNECTION_ARGSPEC,
    job_id={"type": "list", "elements": "str", "required": True},
    state={"type": "str", "choices": ["cancelled"], "default": "cancelled"},
    missing={"type": "str", "choices": ["fail", "ignore"], "default": "fail"},
)
JOBS_CLEANUP_ARGUMENT_SPEC: Dict[str, Dict[str, Any]] = CONNECTION_ARGSPEC

Warn = Callable[[str], None]


def run_site_mode(options: OptionAdapter, check_mode: bool, warn: Warn) -> Dict[str, Any]:
    """Read the site mode and, when ``mode`` is given and differs, set it (in check mode: predict it)."""
    wanted = validate_site_mode(options.get("mode")) if options.get("mode") else None
    with open_client_from(options, on_retry=warn) as client:
        before = read_site_mode(client)
        changed = wanted is not None and before != wanted
        if changed and not check_mode:
            update_site_mode(client, wanted)
            after = read_site_mode(client)
            if after != wanted:
                raise ServerError("the site mode is still %s after the server accepted the change to %s"
                                  % (after, wanted), client.server)
        else:
            after = wanted if changed else before
        return {
            "changed": changed,
            "server": client.server,
            "mode_before": before,
            "mode_after": after,
            "diff": {"before": {"mode": before}, "after": {"mode": after}},
        }


def _job_state(record: Dict[str, Any]) -> str:
    """One line for --diff: the status as the server shows it, and whether a cancel is recorded."""
    status = str(record.get("status") or "UNKNOWN")
    return status + (" (cancelled)" if is_cancelled(record) else "")


def run_job(options: OptionAdapter, check_mode: bool, warn: Warn) -> Dict[str, Any]:
    """Cancel the given jobs that still run; every id is looked up before anything is cancelled."""
    job_ids = id_list(options, "job_id", validate_job_id, "job id")
    state = options.get("state", "cancelled")
    if state != "cancelled":
        raise OptionError("state must be cancelled, not %r" % (state,))
    missing_policy = options.get("missing", "fail")
    if missing_policy not in ("fail", "ignore"):
        raise OptionError("missing must be fail or ignore, not %r" % (missing_policy,))
    with open_client_from(options, on_retry=warn) as client:
        current: Dict[str, Dict[str, Any]] = {}
        missing: List[str] = []
        for job_id in job_ids:
            try:
                current[job_id] = read_job(client, job_id)
            except JobNotFoundError:
                missing.append(job_id)
        if missing and missing_policy == "fail":
            raise JobNotFoundError("no job %s on this server; nothing was cancelled. Set missing=ignore to cancel the "
                                   "others anyway" % ", ".join(missing), client.server)
        cancelled: List[str] = []
        already_finished: List[str] = []
        records: List[Dict[str, Any]] = []
        before: Dict[str, str] = {}
        after: Dict[str, str] = {}
        for job_id, record in current.items():
            before[job_id] = _job_state(record)
            if is_finished(record):
                already_finished.append(job_id)
                after[job_id] = before[job_id]
            elif check_mode:
                cancelled.append(job_id)
                after[job_id] = "cancelled"
            else:
                try:
                    outcome = cancel_job(client, job_id)
                except JobNotFoundError:
                    if missing_policy == "fail":
                        raise
                    missing.append(job_id)  # removed between the look-up and the cancel
                    continue
                record = outcome.record
                (cancelled if outcome.cancelled else already_finished).append(job_id)
                after[job_id] = _job_state(record)
            records.append(record)
        now_ms = client.now_ms()
        return {
            "changed": bool(cancelled),
            "server": client.server,
            "jobs": [annotate(classify(record, now_ms, None)) for record in records],
            "cancelled_job_ids": cancelled,
            "already_finished_job_ids": already_finished,
            "missing_job_ids": missing,
            "diff": {"before": {"jobs": before}, "after": {"jobs": after}},
        }


def run_jobs_cleanup(options: OptionAdapter, check_mode: bool, warn: Warn) -> Dict[str, Any]:
    """Remove the finished jobs (in check mode: list the ones the server's rule would remove)."""
    with open_client_from(options, on_retry=warn) as client:
        removed = removable_job_ids(client) if check_mode else delete_finished_jobs(client)
        removed_ids = sorted(removed)
        return {
            "changed": bool(removed_ids),
            "server": client.server,
            "removed": len(removed_ids),
            "removed_job_ids": removed_ids,
            "diff": {"before": {"finished_job_ids": removed_ids}, "after": {"finished_job_ids": []}},
        }
