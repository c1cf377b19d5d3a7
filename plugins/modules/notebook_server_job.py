#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_server_job
short_description: Cancel asynchronous jobs of an ArcGIS Notebook Server
version_added: 0.1.0
description:
  - Cancels one or more jobs of an ArcGIS Notebook Server site (C(admin/system/jobs/<jobId>/cancel)), for example
    notebook executions that are stuck before a maintenance window.
  - Every job is looked up first. A job that has already finished (C(COMPLETED), C(FAILED) or cancelled) is left
    alone and reported in RV(already_finished_job_ids); C(changed) is true only when a cancel was sent.
  - With O(missing=fail), an unknown job id fails the task before any job is cancelled.
  - A cancel is never repeated blindly - when no answer comes back (a timeout or a dropped connection), the job is
    read first and the cancel is sent once more only if the job still runs.
  - The cancel operation exists since ArcGIS Notebook Server 10.8.1; an older server that answers that it does
    not know the operation fails the task with a message that says so.
  - A user who is not an administrator may cancel only their own jobs; the server refuses the others.
author:
  - gisadmin.notebook_server contributors (@gisadmin)
extends_documentation_fragment:
  - gisadmin.notebook_server.connection
  - gisadmin.notebook_server.attributes
  - gisadmin.notebook_server.attributes.platform
  - gisadmin.notebook_server.attributes.action_group
options:
  job_id:
    description:
      - The id of the job, or a list of ids, for example V(j0bc73e29-3725-4eb1-b6c7-db2cdc56799c).
      - Repeated ids are handled once.
    type: list
    elements: str
    required: true
  state:
    description:
      - V(cancelled) - the job must not run any more; a job still running or waiting is cancelled.
    type: str
    choices: [cancelled]
    default: cancelled
  missing:
    description:
      - What to do with a job id the server does not know (finished jobs are removed by the server after a while).
      - V(fail) - fail the task, before any job is cancelled.
      - V(ignore) - report the id in RV(missing_job_ids) and act on the others.
    type: str
    choices: [fail, ignore]
    default: fail
attributes:
  check_mode:
    support: full
    details:
      - The jobs are read, and the ones that would be cancelled are reported without being cancelled.
  diff_mode:
    support: full
    details:
      - Shows each job's status before and after (V(cancelled) when predicted in check mode).
seealso:
  - module: gisadmin.notebook_server.notebook_server_jobs_info
  - module: gisadmin.notebook_server.notebook_server_jobs_cleanup
  - module: gisadmin.notebook_server.notebook_server_mode
"""

EXAMPLES = r"""
- name: Maintenance window - cancel the notebook executions stuck for more than two hours
  delegate_to: localhost
  module_defaults:
    group/gisadmin.notebook_server.notebook_server:
      url: https://nb.example.com:11443/arcgis
      username: siteadmin
      password: "{{ vault_notebook_server_password }}"
      ca_path: /etc/pki/notebook-server-ca.pem
  block:
    - name: Stop new notebooks from being opened
      gisadmin.notebook_server.notebook_server_mode:
        mode: READ_ONLY

    - name: Find stuck jobs
      gisadmin.notebook_server.notebook_server_jobs_info:
        status: active
        stuck_after: 2h
      register: active_jobs

    - name: Cancel them (a job that finished meanwhile is left alone)
      gisadmin.notebook_server.notebook_server_job:
        job_id: "{{ active_jobs.summary.stuck_job_ids }}"
        state: cancelled
        missing: ignore
      when: active_jobs.summary.stuck_job_ids | length > 0
      register: cancelled

    - name: Report
      ansible.builtin.debug:
        msg: >-
          cancelled {{ cancelled.cancelled_job_ids | default([]) }},
          already finished {{ cancelled.already_finished_job_ids | default([]) }}

- name: Cancel one job
  gisadmin.notebook_server.notebook_server_job:
    url: https://nb.example.com:11443/arcgis
    username: siteadmin
    password: "{{ vault_notebook_server_password }}"
    job_id: j0bc73e29-3725-4eb1-b6c7-db2cdc56799c
"""

RETURN = r"""
server:
  description: The normalised site URL.
  returned: success
  type: str
  sample: https://nb.example.com:11443/arcgis
jobs:
  description:
    - The record of each job the server knows, as read after the action (in check mode, as read before it),
      in the order of O(job_id).
    - The server's fields are unchanged; computed snake_case fields are added as by
      M(gisadmin.notebook_server.notebook_server_jobs_info) (C(active), C(stuck), C(age_seconds)).
  returned: success
  type: list
  elements: dict
  sample:
    - jobId: j0bc73e29-3725-4eb1-b6c7-db2cdc56799c
      type: executeNotebook
      status: FAILED
      username: a_doe
      startTime: 1612172292858
      endTime: 1612173046089
      messages: [Job cancelled.]
      customAttributes:
        isCancelled: true
      active: false
      stuck: false
      age_seconds: 754.231
cancelled_job_ids:
  description: The jobs a cancel was sent for (in check mode, would be sent for).
  returned: success
  type: list
  elements: str
  sample: [j0bc73e29-3725-4eb1-b6c7-db2cdc56799c]
already_finished_job_ids:
  description: The jobs that had already finished and were left alone.
  returned: success
  type: list
  elements: str
  sample: []
missing_job_ids:
  description: The ids the server does not know (only with O(missing=ignore); otherwise the task fails).
  returned: success
  type: list
  elements: str
  sample: []
"""

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.front_door import run_module
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.site.task import JOB_ARGUMENT_SPEC, run_job


def main() -> None:
    run_module(JOB_ARGUMENT_SPEC, run_job)


if __name__ == "__main__":
    main()
