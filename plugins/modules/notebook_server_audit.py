#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_server_audit
short_description: Audit the jobs and open notebooks of many ArcGIS Notebook Servers at once, with a report
version_added: 0.1.0
description:
  - Reads the jobs of every server in O(servers) concurrently (up to O(max_workers) at a time), so an audit takes
    about as long as its slowest server, and aggregates them into one fleet report.
  - "Per server: reachable or not (with the cause), jobs listed, active, stuck, and completed, failed and cancelled
    within the window O(since), counts by job type and by owner, the oldest active job."
  - "Per server, the interactive work that is no job: open notebooks, busy notebooks (a kernel not idle, or activity
    within the last 10 minutes), busy kernels, containers, and stale notebooks (no activity for longer than
    O(stale_after)). A server whose notebooks could not be read, or not completely, needs attention and is never
    reported quiet."
  - "Across the fleet: the same totals, the servers needing attention first (unreachable, stuck jobs, failed jobs,
    incomplete listings, notebooks not read) and the top owners by active jobs."
  - A server that cannot be reached or answers with an error never fails the task; it is in the report with its
    error message. Secrets never appear in the result or in the report files.
  - With O(report_dir), writes C(report.json), C(jobs.csv), C(servers.csv), C(notebooks.csv) and a self-contained
    C(report.html) there. Each file is written to a temporary file and renamed, so a failed run never leaves a half-written file.
    The report.json schema is described in the collection's
    R(audit guide,ansible_collections.gisadmin.notebook_server.docsite.guide_audits).
  - A job is active when its status is C(SUBMITTED), C(PROCESSING) or anything not known to be finished; it is
    stuck when it has been active for longer than O(stuck_after).
  - Meant to run once per play on the controller (C(run_once) and C(delegate_to=localhost)), as the role
    P(gisadmin.notebook_server.audit#role) does.
author:
  - gisadmin.notebook_server contributors (@gisadmin)
extends_documentation_fragment:
  - gisadmin.notebook_server.connection
  - gisadmin.notebook_server.attributes
  - gisadmin.notebook_server.attributes.action_group
options:
  servers:
    description:
      - The servers to audit. Each entry may set its own connection options; those it leaves out fall back to the
        top-level options of the same name.
      - An entry without a URL or without credentials, or with a connection option that is not of its type (such as
        V(timeout=30s)), is reported as unreachable with the cause (the server, the option and its value); it does not
        fail the task, and the other entries are audited. The entries' options are checked by the module, entry by
        entry, with the rules of the top-level options of the same name (so V("30") is a fine O(servers[].timeout)).
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The server's name in the report, usually its inventory host name. Defaults to its URL.
        type: str
      url:
        description:
          - URL of the Notebook Server site, for example V(https://nb1.example.com:11443/arcgis),
            or a Web Adaptor URL such as V(https://www.example.com/notebooks).
        type: str
      username:
        description: Administrator user name, used to request a token.
        type: str
      password:
        description: Password of O(servers[].username).
        type: str
      token:
        description: An existing administrator token, used instead of a user name and password.
        type: str
      portal_url:
        description: URL of the federated Portal for ArcGIS to request the token from.
        type: str
      referer:
        description: The referer tokens are generated for, sent as the C(Referer) header of every request.
        type: str
      token_expiration:
        description: Lifetime asked for generated tokens, in minutes, an integer.
        type: raw
      token_location:
        description:
          - Where the token travels, V(body) (POST body) or V(header) (C(X-Esri-Authorization)).
          - Any other value is this entry's error.
        type: str
      validate_certs:
        description: Whether to verify the server's TLS certificate, a boolean.
        type: raw
      ca_path:
        description: A CA bundle (PEM) to verify the server's certificate with.
        type: path
      timeout:
        description: Seconds to wait for the connection and for each answer, a number.
        type: raw
      retries:
        description: How many times a failed idempotent request is retried, an integer.
        type: raw
  url:
    description:
      - The site URL for entries of O(servers) that set none. Rarely useful, except through C(module_defaults).
      - The other connection options (O(username), O(password), O(token), O(portal_url), O(referer),
        O(token_expiration), O(token_location), O(validate_certs), O(ca_path), O(timeout), O(retries)) are likewise
        the values for entries of O(servers) that do not set their own.
    type: str
    required: false
  since:
    description:
      - Start of the window in which finished jobs (completed, failed, cancelled) are counted,
        relative to now, such as V(-24h), V(-7d) or V(-90m), or a UTC time such as V(2024-05-01T00:00:00Z).
      - Active jobs are always counted. Servers remove finished jobs after C(asyncJobsCleanupAgeHours)
        (6 hours by default), so a longer window cannot show older finished jobs.
    type: str
    default: -24h
  stuck_after:
    description: A job active for longer than this is stuck, for example V(2h) or V(45m).
    type: str
    default: 2h
  stale_after:
    description:
      - An open notebook without activity for longer than this is stale, for example V(24h) or V(3d).
      - Servers close idle notebooks after C(idleNotebookThreshold) (24 hours by default), so stale notebooks
        usually keep a kernel busy, or the threshold was raised.
    type: str
    default: 24h
  report_dir:
    description:
      - Directory on the host running the module to write C(report.json), C(jobs.csv), C(servers.csv),
        C(notebooks.csv) and C(report.html) into; created when missing. Without it, no file is written.
      - A file whose content is already the same is left alone.
    type: path
  max_workers:
    description: How many servers are read at the same time (shared out among the O(reader_processes)).
    type: int
    default: 16
  reader_processes:
    description:
      - How many processes read the servers. Decoding and tallying jobs keeps one core busy per process, so on a
        controller with several CPUs a large fleet is read in several forked processes, each with its share of the
        servers and of O(max_workers).
      - V(0) is one per CPU, at most 4; V(1) reads every server in the module's own process. Never more than one
        process per 16 servers, and one where processes cannot be forked.
      - A reader process that dies leaves its servers in the report as not read, with the reason; it does not
        fail the task.
    type: int
    default: 0
  scheduled_tasks:
    description:
      - Also read the scheduled notebook tasks of every Portal the servers name (their O(servers[].portal_url)),
        once per Portal, with the credentials of the first server that names it (a Portal administrator's). The
        report then has, per Portal, the active, paused and stopped tasks, and across the fleet the active jobs a
        scheduled task started (C(inputs.taskId)). See RV(scheduled_tasks).
      - A Portal that cannot be read is in the report with its error; it does not fail the task.
    type: bool
    default: true
  result_detail:
    description:
      - How much of the report the task returns. The report files (O(report_dir)) always hold all of it.
      - V(full) returns everything C(report.json) holds.
      - V(figures) leaves out the lists of jobs that grow with the fleet's history and each server's tables per owner,
        namely each server's C(failed_jobs) and C(by_owner), its notebooks' C(by_owner) and C(busy_by_owner), and
        C(scheduled_tasks.active_task_jobs). These keys are absent, not empty; never read a missing one as none.
        Everything else stays, including every server's counts, C(by_type), C(attention), C(oldest_active),
        C(stuck_jobs) and busy and stale notebooks, the fleet's C(by_owner) and C(top_owners), and each Portal's count
        of the active jobs its tasks started.
      - With V(figures) a result holds about 2 KB a server instead of about 17 KB (1,000 jobs a server). A registered
        result costs Ansible time and memory for every value it holds, and AWX drops an event's data past 700 KB.
      - The P(gisadmin.notebook_server.audit#role) role asks for V(figures) unless C(audit_result_detail) says
        otherwise.
    type: str
    choices: [full, figures]
    default: full
attributes:
  check_mode:
    support: full
    details:
      - The servers are read (reading changes nothing); no file is written. RV(report_files) and
        RV(changed_files) say what would be written.
  diff_mode:
    support: none
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
    details: Runs where the task runs, usually V(localhost); it talks to the sites over HTTPS.
notes:
  - C(changed) is true when report files were written with new content (in check mode, when they would be).
seealso:
  - module: gisadmin.notebook_server.notebook_server_jobs_info
"""

EXAMPLES = r"""
- name: Audit every Notebook Server of the play from the controller
  gisadmin.notebook_server.notebook_server_audit:
    servers:
      - name: nb1
        url: https://nb1.example.com:11443/arcgis
      - name: nb2
        url: https://www.example.com/notebooks
        validate_certs: true
        ca_path: /etc/pki/example-ca.pem
    username: "{{ notebook_server_username }}"
    password: "{{ notebook_server_password }}"
    since: -7d
    stuck_after: 4h
    report_dir: "{{ playbook_dir }}/audit"
  run_once: true
  delegate_to: localhost
  register: audit
  no_log: true

- name: Show the summary
  ansible.builtin.debug:
    msg: "{{ audit.markdown.split('\n') }}"
  run_once: true
"""

RETURN = r"""
schema_version:
  description: Version of the report's schema (the same as in C(report.json)). Minor versions only add keys.
  returned: always
  type: str
  sample: "2.1"
generated_at:
  description: When the audit ran, in UTC (ISO 8601).
  returned: always
  type: str
  sample: "2024-05-01T12:00:00Z"
window:
  description: The window finished jobs are counted in.
  returned: always
  type: dict
  contains:
    since:
      description: O(since) as given.
      type: str
      sample: -24h
    start:
      description: Start of the window, UTC.
      type: str
      sample: "2024-04-30T12:00:00Z"
    end:
      description: End of the window (the audit time), UTC.
      type: str
      sample: "2024-05-01T12:00:00Z"
    seconds:
      description: Length of the window in seconds.
      type: float
      sample: 86400.0
stuck_after_seconds:
  description: O(stuck_after) in seconds.
  returned: always
  type: float
  sample: 7200.0
stale_after_seconds:
  description: O(stale_after) in seconds.
  returned: always
  type: float
  sample: 86400.0
notebook_quiet_for_seconds:
  description: A notebook with activity within this many seconds is busy, whatever its kernel's state.
  returned: always
  type: float
  sample: 600.0
fleet:
  description: Totals over every server.
  returned: always
  type: dict
  sample:
    servers: 3
    reachable: 2
    unreachable: 1
    needing_attention: 2
    jobs_listed: 10
    in_window: 8
    started_in_window: 8
    active: 4
    stuck: 2
    completed: 2
    failed: 1
    cancelled: 1
    by_type: {executeNotebook: {jobs: 7, active: 3, completed: 1, failed: 1, cancelled: 1}}
    by_owner: {alice: {jobs: 4, active: 2, completed: 2, failed: 0, cancelled: 0}}
    oldest_active: {jobId: j0bc73e29-3725-4eb1-b6c7-db2cdc56799c, type: executeNotebook, status: PROCESSING,
                    username: alice, startTime: 1714546800000, endTime: null, active: true, stuck: true,
                    age_seconds: 18000.0, outcome: active, server: nb2}
    notebooks: {open: 6, busy: 1, busy_kernels: 1, containers: 5, stale: 0, servers_read: 2,
                servers_not_read: [nb3], servers_incomplete: [], quiet: false}
attention:
  description: The servers needing attention, most urgent first (unreachable, stuck jobs, failed jobs, incomplete listing).
  returned: always
  type: list
  elements: dict
  sample:
    - {server: nb3, severity: unreachable, reasons: ["unreachable: connection refused"], error: connection refused,
       stuck: 0, failed: 0, active: 0}
    - {server: nb2, severity: stuck, reasons: ["2 stuck jobs", "1 failed job in the window"], error: null,
       stuck: 2, failed: 1, active: 3}
top_owners:
  description: Up to ten owners with the most active jobs across the fleet, and how many run on each server.
  returned: always
  type: list
  elements: dict
  sample:
    - {owner: alice, active: 2, stuck: 1, servers: {nb2: 2}}
servers:
  description:
    - One entry per server, in the order of O(servers). The keys are described in the collection's
      R(audit guide,ansible_collections.gisadmin.notebook_server.docsite.guide_audits).
    - With O(result_detail=figures), without C(failed_jobs), C(by_owner), C(notebooks.by_owner) and
      C(notebooks.busy_by_owner).
  returned: always
  type: list
  elements: dict
  sample:
    - name: nb3
      url: https://nb3.example.com:11443/arcgis
      reachable: false
      error: connection refused
      elapsed_seconds: 0.004
      jobs_listed: 0
      jobs_reported: null
      complete: false
      in_window: 0
      started_in_window: 0
      active: 0
      stuck: 0
      completed: 0
      failed: 0
      cancelled: 0
      by_type: {}
      by_owner: {}
      oldest_active: null
      needs_attention: true
      attention: ["unreachable: connection refused"]
      stuck_jobs: []
      failed_jobs: []
      notebooks: {read: false, complete: false, quiet: false, error: connection refused, incomplete_reasons: [],
                  open: null, busy: null, busy_kernels: null, containers: null, stale: null, by_owner: {},
                  busy_by_owner: {}, last_activity_iso: null, busy_notebooks: [], stale_notebooks: []}
timeline:
  description: Job starts over the window in 24 equal buckets, fleet-wide (C(starts)) and per server (C(starts_by_server)).
  returned: always
  type: dict
  sample:
    bucket_seconds: 3600.0
    bucket_starts: ["2024-04-30T12:00:00Z", "2024-04-30T13:00:00Z"]
    starts: [0, 3]
    starts_by_server: {nb1: [0, 1], nb2: [0, 2]}
scheduled_tasks:
  description:
    - The scheduled notebook tasks of the servers' Portals (with O(scheduled_tasks), since schema 2.1).
    - C(portals) has one entry per Portal, in the order the servers name them; C(active_task_jobs) lists every active
      job of the fleet that a scheduled task started, with its server, C(task_id), and the task's title and Portal
      when a Portal lists it (not with O(result_detail=figures)). The keys are described in the collection's
      R(audit guide,ansible_collections.gisadmin.notebook_server.docsite.guide_audits).
  returned: when O(scheduled_tasks=true)
  type: dict
  sample:
    portals:
      - url: https://gis.example.com/portal
        servers: [nb1, nb2]
        reachable: true
        error: null
        complete: true
        incomplete_reason: null
        elapsed_seconds: 0.12
        tasks: 4
        active: 2
        paused: 1
        stopped: 1
        active_task_ids: [5f1e3c0a9b8d4e2f8a7b6c5d4e3f2a10, 6a2f4d1b0c9e5f3a9b8c7d6e5f4a3b21]
        stopped_task_ids: [8c4b6f3d2e1a7b5c1d0e9f8a7b6c5d43]
        active_task_jobs: 1
    active_task_jobs:
      - jobId: j0bc73e29-3725-4eb1-b6c7-db2cdc56799c
        type: executeNotebook
        status: PROCESSING
        username: nbuser
        outcome: active
        server: nb1
        task_id: 5f1e3c0a9b8d4e2f8a7b6c5d4e3f2a10
        task_title: Nightly parcels refresh
        portal: https://gis.example.com/portal
markdown:
  description: A short Markdown summary of the audit, for printing at the end of a play.
  returned: always
  type: str
  sample: "## Notebook Server audit: 3 servers, 2 reachable, 1 unreachable\n\n..."
report_files:
  description: The report files, name to path; empty without O(report_dir). In check mode, the files that would be written.
  returned: always
  type: dict
  sample:
    report.json: /srv/audit/report.json
    jobs.csv: /srv/audit/jobs.csv
    servers.csv: /srv/audit/servers.csv
    notebooks.csv: /srv/audit/notebooks.csv
    report.html: /srv/audit/report.html
changed_files:
  description: Names of the report files whose content changed (in check mode, would change).
  returned: always
  type: list
  elements: str
  sample: [report.json, jobs.csv, servers.csv, notebooks.csv, report.html]
"""

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.front_door import run_module
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.task import ARGUMENT_SPEC, run


def main() -> None:
    run_module(ARGUMENT_SPEC, run)


if __name__ == "__main__":
    main()
