#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_server_scheduled_tasks_info
short_description: List the scheduled notebook tasks of a Portal for ArcGIS, with a summary
version_added: 0.1.0
description:
  - Reads the scheduled notebook tasks (type C(ExecuteNotebook)) of a Portal for ArcGIS. Each run of such a task
    starts an C(executeNotebook) job on a federated ArcGIS Notebook Server, on its own schedule.
  - Without O(owner), reads the organisation's list (C(portals/<id>/allScheduledTasks)), which needs a Portal
    administrator; with O(owner), that user's list (C(community/users/<owner>/tasks)), which the user may read too.
  - Every page of the list is read. The list is complete (RV(complete)) only when every page came and the
    Portal's count matches what came back; otherwise a warning says why, and RV(summary.none_active) is false.
  - A task is active when the Portal says so (C(active)), or when its record does not say clearly that it is not;
    an active task may start notebooks at any time.
author:
  - gisadmin.notebook_server contributors (@gisadmin)
extends_documentation_fragment:
  - gisadmin.notebook_server.connection.portal
  - gisadmin.notebook_server.attributes
  - gisadmin.notebook_server.attributes.info_module
  - gisadmin.notebook_server.attributes.platform
  - gisadmin.notebook_server.attributes.action_group_portal
options:
  owner:
    description:
      - Only the tasks of this Portal user, spelled as the Portal knows the user. They are read from the user's own
        list, which that user may read too.
    type: str
  active:
    description:
      - V(true) lists only active tasks, V(false) only the others (paused, stopped by the Portal after five
        failed runs in a row, or completed). Without it, every task is listed.
    type: bool
  item_id:
    description:
      - Only the tasks that run this notebook item.
    type: str
seealso:
  - module: gisadmin.notebook_server.notebook_server_scheduled_task
  - module: gisadmin.notebook_server.notebook_server_jobs_info
"""

EXAMPLES = r"""
- name: List the scheduled notebook tasks of the Portal
  gisadmin.notebook_server.notebook_server_scheduled_tasks_info:
    portal_url: https://gis.example.com/portal
    username: portaladmin
    password: "{{ vault_portal_password }}"
    ca_path: /etc/pki/portal-ca.pem
  register: scheduled
  delegate_to: localhost

- name: Stop here if a task would start notebooks during the window
  ansible.builtin.assert:
    that:
      - scheduled.complete
      - scheduled.summary.none_active
    fail_msg: "{{ scheduled.summary.active }} active scheduled tasks: {{ scheduled.summary.active_task_ids | join(', ') }}"

- name: Tasks the Portal stopped after five failed runs in a row
  ansible.builtin.debug:
    msg: "{{ scheduled.tasks | selectattr('taskState', 'equalto', 'stopped') | map(attribute='title') | list }}"

- name: The active tasks of one user, connection set once for the Portal modules
  module_defaults:
    group/gisadmin.notebook_server.portal:
      portal_url: https://gis.example.com/portal
      username: portaladmin
      password: "{{ vault_portal_password }}"
  gisadmin.notebook_server.notebook_server_scheduled_tasks_info:
    owner: j_doe
    active: true
  register: j_doe_tasks
"""

RETURN = r"""
portal:
  description: The normalised Portal URL.
  returned: success
  type: str
  sample: https://gis.example.com/portal
tasks:
  description:
    - The tasks the filters select, in the Portal's order (by creation), with the Portal's own fields and RV(tasks[].paused).
    - C(lastStart) and C(endDate) are V(-1) when unset; times are epoch milliseconds.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The task id, used by M(gisadmin.notebook_server.notebook_server_scheduled_task).
      type: str
      sample: 5f1e3c0a9b8d4e2f8a7b6c5d4e3f2a10
    itemId:
      description: The notebook item the task runs.
      type: str
      sample: a1b2c3d4e5f60718293a4b5c6d7e8f90
    type:
      description: The task type.
      type: str
      sample: ExecuteNotebook
    title:
      description: The task's title.
      type: str
      sample: Nightly parcels refresh
    userId:
      description: The owner.
      type: str
      sample: j_doe
    cronSchedule:
      description: The schedule, a Quartz cron expression.
      type: str
      sample: "0 0 0 1/1 * ? *"
    active:
      description: Whether the task runs on its schedule.
      type: bool
      sample: true
    taskState:
      description: The Portal's state of the task, for example V(active), V(disabled), or V(stopped) after five failed runs in a row.
      type: str
      sample: active
    lastStart:
      description: When the task last started a run (epoch ms), V(-1) before its first run.
      type: int
      sample: 1714550400000
    paused:
      description:
        - Computed. True when the task is not active and was neither stopped by the Portal nor completed, that is,
          someone paused (disabled) it.
      type: bool
      sample: false
  sample:
    - id: 5f1e3c0a9b8d4e2f8a7b6c5d4e3f2a10
      itemId: a1b2c3d4e5f60718293a4b5c6d7e8f90
      type: ExecuteNotebook
      title: Nightly parcels refresh
      userId: j_doe
      cronSchedule: "0 0 0 1/1 * ? *"
      maxOccurrences: -1
      startDate: 1714521600000
      endDate: -1
      lastStart: 1714550400000
      active: true
      taskState: active
      created: 1714435200000
      modified: 1714435200000
      parameters:
        itemId: a1b2c3d4e5f60718293a4b5c6d7e8f90
        updatePortalItem: true
        saveInjectedParameters: false
        notebookParameters: {}
        timeout: 20
      paused: false
total:
  description: How many tasks the Portal counts for its filters; V(null) when it did not say usably.
  returned: success
  type: int
  sample: 3
complete:
  description: True when every page was read and the Portal's count matches what came back.
  returned: success
  type: bool
  sample: true
incomplete_reason:
  description: Why the list is not known to be complete; V(null) when it is.
  returned: success
  type: str
  sample: null
summary:
  description: Counts over RV(tasks).
  returned: success
  type: dict
  contains:
    count:
      description: How many tasks are listed.
      type: int
      sample: 3
    active:
      description: How many of them are active.
      type: int
      sample: 1
    paused:
      description: How many are paused (RV(tasks[].paused)).
      type: int
      sample: 1
    stopped:
      description: How many the Portal stopped after five failed runs in a row (C(taskState) V(stopped)).
      type: int
      sample: 1
    active_task_ids:
      description: The ids of the active tasks.
      type: list
      elements: str
      sample: [5f1e3c0a9b8d4e2f8a7b6c5d4e3f2a10]
    none_active:
      description: True only when the list is complete and no task in it is active; a partial list is never V(true).
      type: bool
      sample: false
  sample:
    count: 3
    active: 1
    paused: 1
    stopped: 1
    active_task_ids: [5f1e3c0a9b8d4e2f8a7b6c5d4e3f2a10]
    none_active: false
"""

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.front_door import run_module
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.task import (
    SCHEDULED_TASKS_INFO_ARGUMENT_SPEC,
    run_scheduled_tasks_info,
)


def main() -> None:
    run_module(SCHEDULED_TASKS_INFO_ARGUMENT_SPEC, run_scheduled_tasks_info)


if __name__ == "__main__":
    main()
