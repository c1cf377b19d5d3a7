#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_server_jobs_info
short_description: List the asynchronous jobs of an ArcGIS Notebook Server, with a summary
version_added: 0.1.0
description:
  - Reads the administrative jobs of one ArcGIS Notebook Server site (C(admin/system/jobs)) - notebooks being
    opened, notebooks being executed by tasks, web tools - and returns them with a few computed fields and a summary.
  - The list is complete. Jobs are requested with full details, newest first, and when the server holds more
    jobs than came back they are asked for again (at most two requests), unless O(num) limits the list.
  - A job is active when its status is C(SUBMITTED), C(PROCESSING) or anything not known to be final, and no cancel
    was requested (C(customAttributes.isCancelled)).
  - One token is used for the whole task; retries and errors follow the connection options.
author:
  - gisadmin.notebook_server contributors (@gisadmin)
extends_documentation_fragment:
  - gisadmin.notebook_server.connection
  - gisadmin.notebook_server.jobs_query
  - gisadmin.notebook_server.attributes
  - gisadmin.notebook_server.attributes.info_module
  - gisadmin.notebook_server.attributes.platform
  - gisadmin.notebook_server.attributes.action_group
seealso:
  - plugin: gisadmin.notebook_server.notebook_server_jobs
    plugin_type: lookup
    description: The same data in an expression, for C(when) and C(assert).
"""

EXAMPLES = r"""
- name: Check before maintenance that no notebook job is running
  gisadmin.notebook_server.notebook_server_jobs_info:
    url: https://nb.example.com:11443/arcgis
    username: siteadmin
    password: "{{ vault_notebook_server_password }}"
    ca_path: /etc/pki/notebook-server-ca.pem
    status: active
  register: active_jobs
  delegate_to: localhost

- name: Stop here if anybody's work would be lost
  ansible.builtin.assert:
    that:
      - active_jobs.complete
      - active_jobs.summary.idle
    fail_msg: >-
      {{ active_jobs.summary.active }} active jobs, the oldest
      {{ active_jobs.summary.oldest_active.type | default('') }} by
      {{ active_jobs.summary.oldest_active.username | default('') }}

- name: List stuck jobs (active for more than two hours)
  gisadmin.notebook_server.notebook_server_jobs_info:
    url: https://gis.example.com/notebooks
    token: "{{ portal_admin_token }}"
    status: active
    stuck_after: 2h
  register: long_running

- name: Show them
  ansible.builtin.debug:
    msg: "{{ long_running.jobs | selectattr('stuck') | map(attribute='jobId') | list }}"

- name: Count the active jobs of each owner with a JMESPath query
  gisadmin.notebook_server.notebook_server_jobs_info:
    url: https://nb.example.com:11443/arcgis
    username: siteadmin
    password: "{{ vault_notebook_server_password }}"
    query: summary.active_by_owner
  register: per_owner
  # per_owner.query_result == {"alice": 2, "bob": 1}

- name: Failed notebook executions of the last day
  gisadmin.notebook_server.notebook_server_jobs_info:
    url: https://nb.example.com:11443/arcgis
    username: siteadmin
    password: "{{ vault_notebook_server_password }}"
    job_type: executeNotebook
    status: FAILED
    started_after: -1d
    query: "jobs[].{id: jobId, owner: username, started: startTime}"
  register: failed_runs

- name: Show when each failed run started, in UTC
  ansible.builtin.debug:
    msg: "{{ item.id }} by {{ item.owner }} at {{ '%Y-%m-%d %H:%M:%SZ' | strftime(item.started // 1000, utc=true) }}"
  loop: "{{ failed_runs.query_result }}"

- name: Set the connection once for every module of the collection
  module_defaults:
    group/gisadmin.notebook_server.notebook_server:
      url: https://nb.example.com:11443/arcgis
      portal_url: https://gis.example.com/portal
      username: portaladmin
      password: "{{ vault_portal_password }}"
      ca_path: /etc/pki/notebook-server-ca.pem
  block:
    - name: Read two jobs by id
      gisadmin.notebook_server.notebook_server_jobs_info:
        job_id:
          - j0bc73e29-3725-4eb1-b6c7-db2cdc56799c
          - j9ed8e170-21d8-412f-bea2-609a82f1b436
      register: two_jobs
"""

RETURN = r"""
server:
  description: The normalised site URL the jobs were read from.
  returned: success
  type: str
  sample: https://nb.example.com:11443/arcgis
jobs:
  description:
    - The matching jobs, newest first, each with the server's fields unchanged (C(jobId), C(type), C(status),
      C(username), C(startTime), C(endTime), C(inputs), C(results), C(messages), C(customAttributes), ...)
      plus computed snake_case fields, which never replace a field the server sent.
    - The computed fields are only what the server's fields do not say; times stay as the server sent them
      (epoch milliseconds, UTC). About 60 bytes per job on top of the server's own record.
  returned: success
  type: list
  elements: dict
  contains:
    active:
      description:
        - The job is work - it has no C(endTime) and no final status (C(COMPLETED), C(FAILED), C(CANCELLED),
          C(ERROR)). C(SUBMITTED), C(PROCESSING) and any other status count, a requested cancel too.
        - An C(endTime) of 0 or less (a placeholder some servers send while a job runs) counts as no C(endTime).
      type: bool
      sample: true
    stuck:
      description: Active for at least O(stuck_after); always false without O(stuck_after).
      type: bool
      sample: false
    age_seconds:
      description: Seconds since the job started, on the server's clock (its C(Date) header); null without C(startTime).
      type: float
      sample: 754.231
  sample:
    - jobId: j9ed8e170-21d8-412f-bea2-609a82f1b436
      type: executeNotebook
      status: PROCESSING
      username: a_doe
      startTime: 1612172292858
      inputs:
        itemId: e18af37c680b40f082a8ed49a91beb0a
        updatePortalItem: true
        saveInjectedParameters: false
        notebookParameters: "{}"
        runId: 6abddcae013d4dfc8b435aea25b187f0
        executeJobUpdated: false
        taskId: 4596975e57c84a05b46d0ba1403fdad9
      customAttributes:
        isCancelled: false
      active: true
      stuck: false
      age_seconds: 754.231
total:
  description:
    - How many jobs the server holds, as it counted them (before filters); with O(job_id), the number found.
    - Null if the server did not say.
  returned: success
  type: int
  sample: 2
complete:
  description:
    - True when no job was left out, that is every job the server holds was read (or every requested id was looked up).
    - False when O(num) cut the list short; when the server sent no usable C(total) (then nothing proves the list
      whole, as a server may cap C(num)); when it holds more jobs than came back (more than 250,000, or it caps
      C(num)); or when an item of the list is not a job record. Each case but O(num) comes with a warning saying why.
  returned: success
  type: bool
  sample: true
summary:
  description: Counts over the matching jobs.
  returned: success
  type: dict
  contains:
    count:
      description: Number of matching jobs.
      type: int
    active:
      description: Number of matching active jobs.
      type: int
    idle:
      description:
        - The list was read completely (RV(complete)) and no matching job is active.
        - False whenever the list is partial, however few jobs came back, since a job that was not read may run.
      type: bool
    stuck:
      description: Number of stuck jobs.
      type: int
    stuck_job_ids:
      description: The ids of the stuck jobs, newest first.
      type: list
      elements: str
    by_status:
      description: Number of jobs per status (C(UNKNOWN) for a record without one).
      type: dict
    by_type:
      description: Number of jobs per type.
      type: dict
    by_owner:
      description: Number of jobs per owner.
      type: dict
    active_by_owner:
      description: Number of active jobs per owner.
      type: dict
    oldest_active:
      description:
        - The active job that started first; null when idle.
        - The same keys as a blocking job of M(gisadmin.notebook_server.notebook_server_drain) and a job of the
          audit report - the server's C(jobId), C(type), C(status), C(username), C(startTime), C(endTime), then the
          computed C(active), C(stuck), C(age_seconds).
      type: dict
  sample:
    count: 2
    active: 1
    idle: false
    stuck: 0
    stuck_job_ids: []
    by_status: {COMPLETED: 1, PROCESSING: 1}
    by_type: {executeNotebook: 1, openNotebook: 1}
    by_owner: {a_doe: 1, j_doe: 1}
    active_by_owner: {a_doe: 1}
    oldest_active:
      jobId: j9ed8e170-21d8-412f-bea2-609a82f1b436
      type: executeNotebook
      status: PROCESSING
      username: a_doe
      startTime: 1612172292000
      endTime: null
      active: true
      stuck: false
      age_seconds: 754.231
missing_job_ids:
  description: The requested O(job_id) values the server does not know.
  returned: when O(job_id) is set
  type: list
  elements: str
  sample: [j0bc73e29-3725-4eb1-b6c7-db2cdc56799c]
query_result:
  description: The value of the O(query) expression.
  returned: when O(query) is set
  type: raw
  sample: {a_doe: 1}
"""

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.front_door import run_module
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.task import ARGUMENT_SPEC, run


def main() -> None:
    run_module(ARGUMENT_SPEC, run)


if __name__ == "__main__":
    main()
