#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_server_drain
short_description: Wait until no job is active and no notebook is busy on an ArcGIS Notebook Server
version_added: 0.1.0
description:
  - Polls the jobs and the open notebooks of one Notebook Server site until no job is active and no notebook is
    busy, so that maintenance (an upgrade, a patch, a restart) loses nobody's work.
  - A job is active when its status is C(SUBMITTED), C(PROCESSING) or anything not known to be finished.
    A listing that is incomplete, or that could not be read, is never taken as idle.
  - The cells a user runs in an open notebook are no job; they run in the notebook's kernel. A notebook is busy when
    one of its kernels is in any state but C(idle) or C(dead) (an unknown state is busy) or when it was active within
    O(quiet_for); see M(gisadmin.notebook_server.notebook_server_notebooks_info). A read of the notebooks, the
    containers or a container's kernels that fails is a failed poll, never quiet. O(notebooks=ignore) waits for jobs only.
  - "This is an action plugin. It runs in the controller process, whatever C(delegate_to) says, and prints one
    line per poll, for example: nb1: 2 active jobs (oldest: executeNotebook by alice, 12m), 1 busy notebook
    (e_doe: kernel busy, last activity 40s ago) - waiting 4m10s of 30m"
  - It uses one token for the whole drain (a fresh one only when the server rejects it). Each poll makes one jobs
    request and, unless O(notebooks=ignore), reads the notebook pages, the containers and each container's sessions.
  - Polls start O(poll_interval) apart, so idle is noticed within one interval of the last job ending, or of the last
    busy notebook's O(quiet_for) passing.
  - Transient faults while waiting (connection errors, timeouts, 5xx answers, a restarting server) are printed and
    counted; only O(wait_timeout) or O(max_consecutive_failures) end the wait. Errors that will not pass
    (wrong credentials, no permission) end it at once.
  - The role P(gisadmin.notebook_server.drain#role) wraps this action and adds a C(restore) entry point.
author:
  - gisadmin.notebook_server contributors (@gisadmin)
extends_documentation_fragment:
  - gisadmin.notebook_server.connection
  - gisadmin.notebook_server.attributes
  - gisadmin.notebook_server.attributes.action_group
  - ansible.builtin.action_common_attributes.flow
attributes:
  check_mode:
    support: full
    details: Looks once, reports whether the server is idle now and what a real run would do, and changes nothing.
  diff_mode:
    support: none
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
options:
  read_only:
    description:
      - Switch the site to C(READ_ONLY) before waiting, so that no new notebook work starts.
      - Done only when the site is C(EDITABLE); RV(read_only_set) says whether this drain did it.
        Switch it back with M(gisadmin.notebook_server.notebook_server_mode).
    type: bool
    default: false
  poll_interval:
    description:
      - Time between the starts of two polls, as a number of seconds or a duration such as V(10s) or V(1m).
    type: str
    default: 10s
  wait_timeout:
    description:
      - How long to wait for the server to be idle, as a number of seconds or a duration such as V(30m) or V(2h).
      - The last poll happens at this time.
    type: str
    default: 30m
  stuck_after:
    description:
      - A job active for longer than this is stuck, for example V(2h). What happens to stuck jobs is O(stuck_jobs).
    type: str
    default: 2h
  stuck_jobs:
    description:
      - V(block) - stuck jobs block the drain like any active job, and are named in the output.
      - V(ignore) - the drain finishes although stuck jobs are still active, with a warning naming them.
      - V(cancel) - each stuck job is cancelled once and recorded in RV(cancelled_job_ids);
        the drain then waits for it to end like any other job.
    type: str
    choices: [block, ignore, cancel]
    default: block
  on_timeout:
    description:
      - What to do when the server is not idle at O(wait_timeout), or after O(max_consecutive_failures) failed polls.
      - V(fail) fails the task with a message that lists every blocking job (id, type, owner, age).
      - V(continue) returns with a warning carrying the same message.
      - Errors that will not pass always fail the task.
    type: str
    choices: [fail, continue]
    default: fail
  max_consecutive_failures:
    description: How many failed polls in a row end the wait before O(wait_timeout).
    type: int
    default: 5
  job_types:
    description:
      - Only wait for jobs of these types, for example V(executeNotebook); case-insensitive. Empty means every type.
      - Unknown job types are real work; narrow this only when you know what the others are.
    type: list
    elements: str
    default: []
  owners:
    description: Only wait for jobs and notebooks of these users (case-insensitive). Empty means every user.
    type: list
    elements: str
    default: []
  notebooks:
    description:
      - V(wait) - busy notebooks keep the server busy like active jobs, and are named in the output.
      - V(ignore) - wait for jobs only; the notebooks are not read. Running cells are lost at the maintenance.
    type: str
    choices: [wait, ignore]
    default: wait
  quiet_for:
    description:
      - A notebook with activity within this time is busy even when its kernel is idle (someone is between two cells),
        as a number of seconds or a duration such as V(5m). V(0) judges by the kernels' states alone.
    type: str
    default: 5m
  close_notebooks:
    description:
      - Once the server is idle (no active job and no busy notebook), close every open notebook in scope
        (O(owners)) before returning, and record which and whose in RV(closed_notebooks), so that their owners can
        be told.
      - Each is closed with C(closeNotebook), or the older C(close) where the server does not know it; a close whose
        answer is lost is checked by reading the notebook. A notebook that cannot be closed is a warning and in
        RV(notebook_close_failures).
      - Whether a site in C(READ_ONLY) (O(read_only)) lets notebooks be closed is not documented; if it refuses, each
        refusal is such a warning, and the notebooks stay open until the maintenance ends them.
      - Needs O(notebooks=wait).
    type: bool
    default: false
notes:
  - In check mode the action looks once and reports whether the server is idle now and what it would do
    (RV(would_set_read_only), RV(would_wait), RV(would_cancel_job_ids), RV(would_close_notebooks)), without waiting,
    cancelling, closing or changing the site mode.
seealso:
  - module: gisadmin.notebook_server.notebook_server_mode
  - module: gisadmin.notebook_server.notebook_server_jobs_info
  - module: gisadmin.notebook_server.notebook_server_notebooks_info
"""

EXAMPLES = r"""
- name: Wait up to 30 minutes until no notebook job runs, keeping new work out meanwhile
  gisadmin.notebook_server.notebook_server_drain:
    url: https://nb1.example.com:11443/arcgis
    username: "{{ notebook_server_username }}"
    password: "{{ notebook_server_password }}"
    read_only: true
    poll_interval: 15s
    wait_timeout: 30m
  register: drain
  no_log: true

- name: Wait for jobs and notebooks, then close every open notebook and say whose
  gisadmin.notebook_server.notebook_server_drain:
    url: https://nb1.example.com:11443/arcgis
    username: "{{ notebook_server_username }}"
    password: "{{ notebook_server_password }}"
    read_only: true
    quiet_for: 15m
    close_notebooks: true
  register: drain
  no_log: true

- name: Tell their owners
  ansible.builtin.debug:
    msg: "{{ drain.closed_notebooks | map(attribute='username') | unique | list }}"

- name: Cancel jobs running for more than 4 hours, then wait for the rest
  gisadmin.notebook_server.notebook_server_drain:
    url: https://nb1.example.com:11443/arcgis
    username: "{{ notebook_server_username }}"
    password: "{{ notebook_server_password }}"
    stuck_after: 4h
    stuck_jobs: cancel
  no_log: true
"""

RETURN = r"""
idle:
  description: Whether the server was idle when the action returned (in check mode, whether it is idle now).
  returned: always
  type: bool
  sample: false
stopped_by:
  description:
    - Why the wait ended. V(idle); V(timeout); V(failures) (too many failed polls in a row);
      V(error) (an error that will not pass); V(check_mode) (check mode found the server busy).
  returned: always
  type: str
  sample: timeout
timed_out:
  description: Whether the wait ended at O(wait_timeout) with the server still busy.
  returned: always
  type: bool
  sample: true
waited_seconds:
  description: Seconds from the start of the wait to its end, on a monotonic clock.
  returned: always
  type: float
  sample: 1800.0
polls:
  description: How many times the server was looked at (each time the jobs and, unless O(notebooks=ignore), the notebooks).
  returned: always
  type: int
  sample: 181
failures:
  description: How many polls failed (transient faults included).
  returned: always
  type: int
  sample: 2
blocking_jobs:
  description: The jobs that kept the server from being idle at the last listing read, oldest first.
  returned: always
  type: list
  elements: dict
  contains:
    jobId:
      description: The job id.
      type: str
      sample: j0bc73e29-3725-4eb1-b6c7-db2cdc56799c
    type:
      description: The job type.
      type: str
      sample: executeNotebook
    status:
      description: The job status the server reported (V(UNKNOWN) when it sent none).
      type: str
      sample: PROCESSING
    username:
      description: The user who started the job.
      type: str
      sample: alice
    startTime:
      description: When the job started, epoch milliseconds as the server sent it; null when it sent none.
      type: int
      sample: 1714543200000
    endTime:
      description: When the job ended, epoch milliseconds; null while it runs (and for a placeholder of 0 or less).
      type: int
      sample: null
    active:
      description: Whether the job counts as running work (no C(endTime) above 0, no final status; a requested cancel too).
      type: bool
      sample: true
    stuck:
      description: Whether the job is older than O(stuck_after).
      type: bool
      sample: true
    age_seconds:
      description: Seconds since the job started, on the server's clock; null when the server gave no start time.
      type: float
      sample: 7260.5
stuck_job_ids:
  description: Ids of the active jobs older than O(stuck_after) at the last listing read.
  returned: always
  type: list
  elements: str
  sample: [j0bc73e29-3725-4eb1-b6c7-db2cdc56799c]
ignored_stuck_job_ids:
  description: Ids of the stuck jobs the drain finished around (O(stuck_jobs=ignore)).
  returned: always
  type: list
  elements: str
  sample: []
cancelled_job_ids:
  description: Ids of the stuck jobs this drain cancelled (O(stuck_jobs=cancel)).
  returned: always
  type: list
  elements: str
  sample: []
cancel_failures:
  description: Stuck jobs that could not be cancelled, job id to error message.
  returned: always
  type: dict
  sample: {}
busy_notebooks:
  description:
    - The notebooks that kept the server from being idle at the last poll read, a working kernel first.
    - The same keys as a notebook of M(gisadmin.notebook_server.notebook_server_notebooks_info) - the server's C(id),
      C(itemId), C(username), C(containerId), C(dateLastActivity), then the computed C(last_activity_iso),
      C(idle_seconds), C(kernels), C(busy), C(busy_reason).
  returned: always
  type: list
  elements: dict
  sample:
    - id: b5e1c0de5eed4d0e9a5b1c2d3e4f5a6b
      itemId: f100d0a1b2c34d5e8f9a0b1c2d3e4f5a
      username: e_doe
      containerId: 9f3c2a1b0e8d4c7fa6b5c4d3e2f1a0b9
      dateLastActivity: "1714548600000"
      last_activity_iso: "2024-05-01T07:30:00Z"
      idle_seconds: 1800.0
      kernels:
        - {id: 4c1e7a52-0d7b-4f0e-9a4c-3b2f1e0d9c8b, name: python3, execution_state: busy,
           last_activity_iso: "2024-05-01T07:30:00Z", connections: 1, join: path}
      busy: true
      busy_reason: kernel busy
open_notebooks:
  description: How many notebooks were open in scope at the last poll read; null when none read them (O(notebooks=ignore)).
  returned: always
  type: int
  sample: 4
closed_notebooks:
  description: The notebooks this drain closed (O(close_notebooks)), with the same keys as RV(busy_notebooks).
  returned: always
  type: list
  elements: dict
  sample: []
notebook_close_failures:
  description: Notebooks that could not be closed, notebook id to error message.
  returned: always
  type: dict
  sample: {}
site_mode:
  description: The site mode found before the wait, when O(read_only) asked to read it; null otherwise.
  returned: always
  type: str
  sample: EDITABLE
read_only_set:
  description: Whether this drain switched the site from C(EDITABLE) to C(READ_ONLY).
  returned: always
  type: bool
  sample: true
last_error:
  description: The message of the last failed poll, if any.
  returned: always
  type: str
  sample: "HTTP 503 Service Unavailable"
msg:
  description:
    - One sentence on the outcome, naming every blocking job (id, type, owner, age) and every busy notebook (id, owner,
      kernel state, last activity) when not idle, and the notebooks closed.
  returned: always
  type: str
  sample: "nb1: not idle after 30m (181 polls, 2 failed), timeout 30m; 1 blocking job:
    j0bc73e29-3725-4eb1-b6c7-db2cdc56799c executeNotebook by alice, 2h1m (PROCESSING, stuck); 1 busy notebook:
    b5e1c0de5eed4d0e9a5b1c2d3e4f5a6b by e_doe (kernel busy, last activity 30m ago)"
would_set_read_only:
  description: Check mode only. Whether a real run would switch the site to C(READ_ONLY).
  returned: in check mode
  type: bool
  sample: true
would_wait:
  description: Check mode only. Whether a real run would wait (the server is busy now).
  returned: in check mode
  type: bool
  sample: true
would_cancel_job_ids:
  description: Check mode only. The stuck jobs a real run would cancel.
  returned: in check mode
  type: list
  elements: str
  sample: []
would_close_notebooks:
  description:
    - Check mode only. With O(close_notebooks), the notebooks open now that a real run would close once the server
      is idle (the same keys as RV(busy_notebooks)); empty otherwise.
  returned: in check mode
  type: list
  elements: dict
  sample: []
"""

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.front_door import run_module
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.task import ARGUMENT_SPEC, run


def main() -> None:
    """Runs only when called as a module (the action plugin normally takes the task): same drain, no per-poll lines."""
    run_module(ARGUMENT_SPEC, run)


if __name__ == "__main__":
    main()
