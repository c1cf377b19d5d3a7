# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading jobs from the server: the complete list (at most two requests) or given job ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.errors import BadResponseError, NotFoundError

JOBS_PATH = "system/jobs"
# The server returns 100 jobs unless told otherwise; ask for many at once so one request usually suffices.
DEFAULT_NUM = 10000
# Asked for again with num=total, jobs started in between would be cut off; a margin keeps the second answer complete.
SECOND_REQUEST_MARGIN = 1000


@dataclass
class JobListing:
    """The server's records as they came, ``total`` as the server counted, and whether nothing is missing."""

    records: List[Dict[str, Any]]
    total: Optional[int]
    complete: bool
    requests: int = 1
    missing_job_ids: List[str] = field(default_factory=list)


def _read_listing(answer: Any, client: Any) -> tuple:
    if not isinstance(answer, dict) or not isinstance(answer.get("asyncJobs"), list):
        raise BadResponseError("the jobs answer has no asyncJobs list; is url the Notebook Server site root?",
                               client.server)
    total = answer.get("total")
    if isinstance(total, bool) or not isinstance(total, (int, float, str)):
        total = None
    else:
        try:
            total = int(total)
        except ValueError:
            total = None
    return answer["asyncJobs"], total


def _jobs_params(num: int) -> Dict[str, Any]:
    # detail=true is what carries `status`: the abbreviated list cannot tell active from finished.
    return {"detail": "true", "sortByDate": "true", "num": num, "f": "json"}


def list_jobs(client: Any, num: Optional[int] = None) -> JobListing:
    """All jobs (``num`` None), or the newest ``num``; ``complete`` says whether the server has no more."""
    asked = num if num is not None else DEFAULT_NUM
    records, total = _read_listing(client.get_json(JOBS_PATH, _jobs_params(asked)), client)
    requests = 1
    if num is None and total is not None and total > len(records):
        asked = total + SECOND_REQUEST_MARGIN
        records, total = _read_listing(client.get_json(JOBS_PATH, _jobs_params(asked)), client)
        requests = 2
    if total is None:
        complete = len(records) < asked  # fewer than asked for: the server had no more
    else:
        complete = len(records) >= total
    return JobListing(records, total, complete, requests)


def get_jobs(client: Any, job_ids: Sequence[str]) -> JobListing:
    """The records of the given job ids, one request each; ids the server does not know are listed as missing."""
    records = []
    missing = []
    for job_id in job_ids:
        try:
            answer = client.get_json("%s/%s" % (JOBS_PATH, client.path_segment(job_id)), {"f": "json"})
        except NotFoundError:
            missing.append(job_id)  # finished jobs are cleaned up after asyncJobsCleanupAgeHours: not an error
            continue
        if not isinstance(answer, dict) or not answer.get("jobId"):
            raise BadResponseError("the answer for job %s is not a job record" % job_id, client.server)
        records.append(answer)
    return JobListing(records, len(records), True, len(job_ids), missing)
