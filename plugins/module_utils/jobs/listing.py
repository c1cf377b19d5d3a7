# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading jobs from the server: the complete list (at most two requests), one job, or given job ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    BadResponseError,
    JobNotFoundError,
    NotFoundError,
    OptionError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.counts import read_count
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.text import plural, shorten

JOBS_PATH = "system/jobs"
# The server returns 100 jobs unless told otherwise; ask for enough at once that one request covers real sites.
DEFAULT_NUM = 100000
# Asked for again with num=total, jobs started in between would be cut off; a margin keeps the second answer complete.
SECOND_REQUEST_MARGIN = 1000
# Never ask for more: a site with more jobs than this is read in part and said to be incomplete.
MAX_NUM = 250000


@dataclass
class JobListing:
    """The server's records as they came, ``total`` as the server counted, and whether nothing is missing.

    ``incomplete_reason`` says why a list that should be whole is not known to be (no usable ``total``,
    more jobs than are ever asked for, items that are not records); it is None for a list cut by ``num``.
    """

    records: List[Any]
    total: Optional[int]
    complete: bool
    requests: int = 1
    missing_job_ids: List[str] = field(default_factory=list)
    incomplete_reason: Optional[str] = None


def _read_listing(answer: Any, client: Any) -> tuple:
    if not isinstance(answer, dict) or not isinstance(answer.get("asyncJobs"), list):
        raise BadResponseError("the jobs answer has no asyncJobs list; is url the Notebook Server site root?",
                               client.server)
    return answer["asyncJobs"], read_count(answer.get("total")), answer.get("total")


def _jobs_params(num: int) -> Dict[str, Any]:
    # detail=true is what carries `status`: the abbreviated list cannot tell active from finished.
    return {"detail": "true", "sortByDate": "true", "num": num, "f": "json"}


def list_jobs(client: Any, num: Optional[int] = None) -> JobListing:
    """All jobs (``num`` None), or the newest ``num``; ``complete`` says whether the server has no more.

    Without a usable ``total`` the list is never known to be complete: a server may cap ``num``, and
    guessing "fewer came than were asked for" is how a busy site reads idle.
    """
    asked = min(num, MAX_NUM) if num is not None else DEFAULT_NUM
    records, total, sent_total = _read_listing(client.get_json(JOBS_PATH, _jobs_params(asked)), client)
    requests = 1
    if num is None and total is not None and total > len(records) and asked < MAX_NUM:
        asked = min(total + SECOND_REQUEST_MARGIN, MAX_NUM)
        records, total, sent_total = _read_listing(client.get_json(JOBS_PATH, _jobs_params(asked)), client)
        requests = 2
    reason = None
    if total is None:
        reason = ("the jobs answer has no usable total (%s), so the list is not known to be complete"
                  % ("none sent" if sent_total is None else "got %s" % shorten(repr(sent_total), 40)))
    elif num is None and len(records) < total:
        reason = ("the server holds %d jobs and %d came back%s" % (
            total, len(records), "; at most %d are ever asked for" % MAX_NUM if total > MAX_NUM else ""))
    odd = sum(1 for record in records if record.__class__ is not dict)
    if odd:
        reason = "%s of the list %s not a job record" % (plural(odd, "item"), "is" if odd == 1 else "are")
    complete = reason is None and total is not None and len(records) >= total
    return JobListing(records, total, complete, requests, incomplete_reason=reason)


def validate_job_id(job_id: object) -> str:
    """A job id as given, stripped; OptionError for an empty one (it would address the whole jobs list)."""
    text = job_id.strip() if isinstance(job_id, str) else ""
    if not text:
        raise OptionError("a job id must be a non-empty string, not %r" % (job_id,))
    return text


def job_path(client: Any, job_id: str, operation: Optional[str] = None) -> str:
    """``system/jobs/<id>`` (or ``.../<operation>``), the id quoted so it cannot change the path."""
    path = "%s/%s" % (JOBS_PATH, client.path_segment(job_id))
    return "%s/%s" % (path, operation) if operation else path


def read_job(client: Any, job_id: str) -> Dict[str, Any]:
    """The full record of one job; ``JobNotFoundError`` only when the site itself says it does not know the id.

    Any other "not found" (an HTML 404 of a mistyped Web Adaptor path, generateToken not found) means the
    address is not a site: that stays an error, never "the job is gone".
    """
    job_id = validate_job_id(job_id)
    path = job_path(client, job_id)
    try:
        record = client.get_json(path, {"f": "json"})
    except NotFoundError as exc:
        if not (exc.envelope and exc.resource == path):
            raise
        raise JobNotFoundError("job %s does not exist (it may never have existed, or the server has removed it "
                               "after it finished)" % job_id, exc.server, exc.status, exc.code) from None
    if not isinstance(record, dict) or not record.get("jobId"):
        raise BadResponseError("the answer for job %s is not a job record" % job_id, client.server)
    return record


def get_jobs(client: Any, job_ids: Sequence[str]) -> JobListing:
    """The records of the given job ids, one request each; ids the server does not know are listed as missing."""
    records = []
    missing = []
    for job_id in job_ids:
        try:
            records.append(read_job(client, job_id))
        except JobNotFoundError:
            missing.append(job_id)  # finished jobs are cleaned up after asyncJobsCleanupAgeHours: not an error
    return JobListing(records, len(records), True, len(job_ids), missing)
