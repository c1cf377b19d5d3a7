#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_server_scheduled_task
short_description: Pause or resume scheduled notebook tasks of a Portal for ArcGIS
version_added: 0.1.0
description:
  - Pauses (O(state=disabled)) or resumes (O(state=enabled)) scheduled notebook tasks of a Portal for ArcGIS
    (C(community/users/<owner>/tasks/<id>/disable) and C(.../enable)), for example around a maintenance window of
    the Notebook Servers they run on.
  - Every task is read before anything is written; an unknown task id fails the task with nothing changed, unless
    O(missing=ignore).
  - Idempotent - a task already in the wanted state is left alone, and C(changed) is true only when a task changed.
    Resuming a task the Portal stopped after five failed runs in a row starts its schedule again.
  - Each write is read back. A write is never repeated blindly - when no answer comes back (a timeout or a
    dropped connection), the task is read first and the write is sent once more only if it did not take effect.
  - Nothing half-done - when pausing one of several tasks fails, the tasks this call had paused are resumed again
    before it fails, and the message says so (or, if resuming one of them failed too, which are still paused).
    When resuming one of several tasks fails, the others are still resumed, and the failure names the ones left
    paused.
  - The role P(gisadmin.notebook_server.drain#role) uses this module to pause every active task of a Portal before a
    drain (O(gisadmin.notebook_server.drain#role:main:drain_pause_scheduled_tasks=true)) and to resume exactly those afterwards.
author:
  - gisadmin.notebook_server contributors (@gisadmin)
extends_documentation_fragment:
  - gisadmin.notebook_server.connection.portal
  - gisadmin.notebook_server.attributes
  - gisadmin.notebook_server.attributes.platform
  - gisadmin.notebook_server.attributes.action_group_portal
options:
  task_id:
    description:
      - The id of a scheduled notebook task, or a list of them (RV(gisadmin.notebook_server.notebook_server_scheduled_tasks_info#module:tasks[].id)).
    type: list
    elements: str
    required: true
  owner:
    description:
      - The Portal user who owns the tasks. The tasks are then read and changed as that user's
        (the connection's user must be that user or a Portal administrator).
      - Without it, the owner of each task is looked up in the organisation's task list (a Portal administrator).
    type: str
  state:
    description:
      - V(disabled) pauses the tasks, so they start no notebook until resumed.
      - V(enabled) resumes them; each then runs at its next scheduled time.
    type: str
    choices: [enabled, disabled]
    required: true
  missing:
    description:
      - What to do when a task does not exist (or is not O(owner)'s).
      - V(fail) fails before anything is changed. V(ignore) changes the others and lists the unknown ids in
        RV(missing_task_ids).
    type: str
    choices: [fail, ignore]
    default: fail
attributes:
  check_mode:
    support: full
    details:
      - The tasks are read, and the changes are predicted without being made.
  diff_mode:
    support: full
    details:
      - Shows the state of each task (C(taskState)) before and after.
seealso:
  - module: gisadmin.notebook_server.notebook_server_scheduled_tasks_info
"""

EXAMPLES = r"""
- name: Pause a scheduled notebook task for the maintenance window
  gisadmin.notebook_server.notebook_server_scheduled_task:
    portal_url: https://gis.example.com/portal
    username: portaladmin
    password: "{{ vault_portal_password }}"
    task_id: 5f1e3c0a9b8d4e2f8a7b6c5d4e3f2a10
    state: disabled
  register: paused
  delegate_to: localhost

- name: Pause every active task of the Portal, and remember which
  module_defaults:
    group/gisadmin.notebook_server.portal:
      portal_url: https://gis.example.com/portal
      username: portaladmin
      password: "{{ vault_portal_password }}"
  delegate_to: localhost
  block:
    - name: List the active tasks
      gisadmin.notebook_server.notebook_server_scheduled_tasks_info:
        active: true
      register: active_tasks
      failed_when: not active_tasks.complete

    - name: Pause them (all or none)
      gisadmin.notebook_server.notebook_server_scheduled_task:
        task_id: "{{ active_tasks.summary.active_task_ids }}"
        state: disabled
      register: paused_tasks
      when: active_tasks.summary.active_task_ids | length > 0

- name: After the window, resume exactly the tasks that were paused
  gisadmin.notebook_server.notebook_server_scheduled_task:
    portal_url: https://gis.example.com/portal
    username: portaladmin
    password: "{{ vault_portal_password }}"
    task_id: "{{ paused_tasks.changed_task_ids }}"
    state: enabled
    missing: ignore
  when: paused_tasks.changed_task_ids | default([]) | length > 0
  delegate_to: localhost
"""

RETURN = r"""
portal:
  description: The normalised Portal URL.
  returned: success, and when pausing or resuming a task failed
  type: str
  sample: https://gis.example.com/portal
tasks:
  description:
    - Each task found, as read back from the Portal after the change (in check mode, as it would be), with the
      Portal's fields and the computed C(paused), like
      RV(gisadmin.notebook_server.notebook_server_scheduled_tasks_info#module:tasks).
  returned: success, and when pausing or resuming a task failed
  type: list
  elements: dict
  sample:
    - id: 5f1e3c0a9b8d4e2f8a7b6c5d4e3f2a10
      itemId: a1b2c3d4e5f60718293a4b5c6d7e8f90
      type: ExecuteNotebook
      title: Nightly parcels refresh
      userId: j_doe
      cronSchedule: "0 0 0 1/1 * ? *"
      lastStart: 1714550400000
      active: false
      taskState: disabled
      paused: true
changed_task_ids:
  description:
    - The tasks this call paused or resumed (in check mode, would). After a failed pause, the tasks still paused
      by it (normally none, as they are resumed again).
  returned: success, and when pausing or resuming a task failed
  type: list
  elements: str
  sample: [5f1e3c0a9b8d4e2f8a7b6c5d4e3f2a10]
unchanged_task_ids:
  description: The tasks that already were in the wanted state (a task stopped by the Portal counts as paused).
  returned: success, and when pausing or resuming a task failed
  type: list
  elements: str
  sample: []
missing_task_ids:
  description: Ids the Portal does not know (with O(missing=ignore)).
  returned: success, and when pausing or resuming a task failed
  type: list
  elements: str
  sample: []
failed_task_ids:
  description: The tasks whose pause or resume failed; the task then fails.
  returned: success, and when pausing or resuming a task failed
  type: list
  elements: str
  sample: []
undone_task_ids:
  description: After a failed pause, the tasks this call had paused and then resumed again.
  returned: success, and when pausing or resuming a task failed
  type: list
  elements: str
  sample: []
"""

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.front_door import run_module
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.task import (
    SCHEDULED_TASK_ARGUMENT_SPEC,
    run_scheduled_task,
)


def main() -> None:
    run_module(SCHEDULED_TASK_ARGUMENT_SPEC, run_scheduled_task)


if __name__ == "__main__":
    main()
