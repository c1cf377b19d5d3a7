# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The job query options shared by the jobs_info module and the notebook_server_jobs lookup."""

from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  job_id:
    description:
      - Only these jobs, each read from C(admin/system/jobs/<id>). Ids the server does not know (finished jobs
        are cleaned up after C(asyncJobsCleanupAgeHours)) are listed in C(missing_job_ids), not an error.
      - Without O(job_id), the whole job list is read, complete (see C(complete)).
    type: list
    elements: str
  status:
    description:
      - Only jobs with one of these statuses, for example V(PROCESSING) or V(FAILED) (case-insensitive).
      - The word V(active) means C(SUBMITTED), C(PROCESSING) and any status not known to be final.
    type: list
    elements: str
  job_type:
    description:
      - Only jobs of these types, for example V(executeNotebook), V(openNotebook) (case-insensitive).
    type: list
    elements: str
  owner:
    description:
      - Only jobs of these users (the C(username) field, case-insensitive).
    type: list
    elements: str
  started_after:
    description:
      - Only jobs started at or after this time.
      - ISO-8601 (V(2024-05-01T08:00:00Z); UTC when no zone is given), epoch milliseconds (V(1714550400000)),
        V(now), or a time relative to now such as V(-2h), V(-30m), V(-1d).
    type: str
  started_before:
    description:
      - Only jobs started before this time. Same forms as O(started_after).
    type: str
  stuck_after:
    description:
      - An active job older than this is I(stuck) (C(stuck=true), listed in C(summary.stuck_job_ids)).
      - A duration such as V(30m), V(2h), V(1d), V(1h30m), or a number of seconds.
    type: str
  num:
    description:
      - Ask the server for the newest O(num) jobs only; filters apply to those. C(complete) is then V(false)
        when the server holds more jobs.
      - Without O(num), every job is read (at most two requests).
    type: int
  query:
    description:
      - A JMESPath expression applied last to the result (the keys C(jobs), C(summary), C(total), C(complete),
        C(server)); its value is returned as C(query_result).
      - For example V(summary.active_by_owner), V(jobs[?stuck].jobId) or V(length(jobs[?username=='alice'])).
      - An expression that does not parse is an error before anything is requested.
    type: str
"""
