#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_server_notebooks_info
short_description: List the open notebooks, containers and kernels of an ArcGIS Notebook Server, and which are busy
version_added: 0.1.0
description:
  - Reads the interactive work of one ArcGIS Notebook Server site - the open notebooks (C(admin/notebooks)), the
    containers they run in (C(admin/system/containers)) and each container's kernels (C(.../containers/<id>/sessions)),
    and says which notebooks are busy.
  - This is the work C(admin/system/jobs) does not show. An C(openNotebook) job ends as soon as the notebook is open;
    the cells a user then runs, for hours perhaps, run in the notebook's kernel and are no job. A server with no
    active job can still have users running long cells.
  - A notebook is B(busy) when one of its kernels is in any state but C(idle) or C(dead) (C(busy), C(starting),
    C(restarting), a state nobody documented, or none at all), when its kernels could not be read, or when there was
    activity within O(quiet_for). Activity is the later of the notebook's C(dateLastActivity) (epoch milliseconds
    as a string) and its kernels' C(last_activity) (ISO-8601), counted on the server's clock.
  - A kernel belongs to the notebook its session path names (C(<itemId>.ipynb)). A kernel whose session names no
    listed notebook of its container counts for every notebook of that container, and a busy kernel in a container
    without any listed notebook keeps RV(summary.quiet) false. A busy kernel is never dropped.
  - The list is complete. Notebooks are read page by page (100 a page, the server's maximum) until the server's
    C(total) is read; then one containers request, and one sessions request per container in scope. Nothing else.
  - Anything that could not be read (a page, a usable C(total), a container's sessions) makes RV(complete) and
    RV(summary.quiet) false, with a warning saying what; it is never reported as quiet.
  - A non-administrator sees only their own notebooks and containers, as the server shows them.
  - One token is used for the whole task; retries and errors follow the connection options.
author:
  - gisadmin.notebook_server contributors (@gisadmin)
extends_documentation_fragment:
  - gisadmin.notebook_server.connection
  - gisadmin.notebook_server.attributes
  - gisadmin.notebook_server.attributes.info_module
  - gisadmin.notebook_server.attributes.platform
  - gisadmin.notebook_server.attributes.action_group
options:
  owner:
    description:
      - Only the notebooks and containers of these users (case-insensitive); empty means everyone.
      - Only the kernels of their containers are read.
    type: list
    elements: str
    default: []
  quiet_for:
    description:
      - A notebook with activity within this time is busy, whatever its kernels' states, as a number of seconds or a
        duration such as V(10m), V(1h). V(0) judges by the kernels' states alone.
      - Activity is the later of the notebook's C(dateLastActivity) and its kernels' C(last_activity).
    type: str
    default: 10m
  kernels:
    description:
      - Read each container's sessions, which carry the kernels' states.
      - With V(false), one request less per container but no kernel is known to be idle, so every notebook is
        busy, RV(complete) and RV(summary.quiet) are false. Use it for a cheap inventory of what is open.
    type: bool
    default: true
seealso:
  - module: gisadmin.notebook_server.notebook_server_jobs_info
    description: The asynchronous jobs, the other half of the work on a server.
  - module: gisadmin.notebook_server.notebook_server_drain
    description: Waits until no job is active and no notebook is busy.
"""

EXAMPLES = r"""
- name: Who is working in a notebook right now?
  gisadmin.notebook_server.notebook_server_notebooks_info:
    url: https://nb.example.com:11443/arcgis
    username: siteadmin
    password: "{{ vault_notebook_server_password }}"
    ca_path: /etc/pki/notebook-server-ca.pem
  register: interactive
  delegate_to: localhost

- name: Name them
  ansible.builtin.debug:
    msg: >-
      {{ interactive.notebooks | selectattr('busy') | map(attribute='username') | unique | list }}

- name: Stop here if a kernel has been busy, or somebody active, within the last 30 minutes
  gisadmin.notebook_server.notebook_server_notebooks_info:
    url: https://nb.example.com:11443/arcgis
    username: siteadmin
    password: "{{ vault_notebook_server_password }}"
    quiet_for: 30m
  register: interactive
  failed_when: not interactive.summary.quiet

- name: The notebooks of two users, with the connection set once for the collection
  module_defaults:
    group/gisadmin.notebook_server.notebook_server:
      url: https://gis.example.com/notebooks
      portal_url: https://gis.example.com/portal
      username: portaladmin
      password: "{{ vault_portal_password }}"
  block:
    - name: Read them
      gisadmin.notebook_server.notebook_server_notebooks_info:
        owner: [alice, bob]
      register: two_users
"""

RETURN = r"""
server:
  description: The normalised site URL the notebooks were read from.
  returned: success
  type: str
  sample: https://nb.example.com:11443/arcgis
notebooks:
  description:
    - The open notebooks in scope, in the server's order, each with the server's fields unchanged (C(id), C(itemId),
      C(notebookUrl), C(containerId), C(username), C(dateLastActivity)) plus computed snake_case fields, which never
      replace a field the server sent.
  returned: success
  type: list
  elements: dict
  contains:
    last_activity_iso:
      description: The later of C(dateLastActivity) and the kernels' C(last_activity), ISO-8601 UTC; null when neither is readable.
      type: str
      sample: "2024-05-01T07:59:20Z"
    idle_seconds:
      description: Seconds since RV(notebooks[].last_activity_iso), on the server's clock; null when unknown.
      type: float
      sample: 40.0
    kernels:
      description: The kernels of the notebook (empty when none, or when its container's sessions were not read).
      type: list
      elements: dict
      contains:
        id:
          description: The kernel id.
          type: str
        name:
          description: The kernel name, such as C(python3).
          type: str
        execution_state:
          description: The state the server reported (C(unknown) when it sent none).
          type: str
        last_activity_iso:
          description: The kernel's C(last_activity), ISO-8601 UTC.
          type: str
        connections:
          description: Open connections to the kernel (browser tabs); null when not sent.
          type: int
        join:
          description:
            - V(path) - the kernel's session path names this notebook's item.
            - V(container) - unsure - the kernel runs in this notebook's container and its session names no listed
              notebook, so it counts for every notebook of the container.
          type: str
    busy:
      description: Whether the notebook counts as work (see the description).
      type: bool
      sample: true
    busy_reason:
      description:
        - Why it is busy, for example V(kernel busy), V(kernel restarting), V(kernel state unknown), V(activity within 10m),
          V(last activity unknown), or why its kernels are unknown; null when quiet.
      type: str
      sample: kernel busy
  sample:
    - itemId: f100d0a1b2c34d5e8f9a0b1c2d3e4f5a
      notebookUrl: /notebooks/9f3c2a1b0e8d4c7fa6b5c4d3e2f1a0b9/notebooks/f100d0a1b2c34d5e8f9a0b1c2d3e4f5a.ipynb
      dateLastActivity: "1714550360000"
      id: b5e1c0de5eed4d0e9a5b1c2d3e4f5a6b
      containerId: 9f3c2a1b0e8d4c7fa6b5c4d3e2f1a0b9
      username: e_doe
      last_activity_iso: "2024-05-01T07:59:20Z"
      idle_seconds: 40.0
      kernels:
        - id: 4c1e7a52-0d7b-4f0e-9a4c-3b2f1e0d9c8b
          name: python3
          execution_state: busy
          last_activity_iso: "2024-05-01T07:59:20Z"
          connections: 1
          join: path
      busy: true
      busy_reason: kernel busy
containers:
  description:
    - The containers in scope, each with the server's fields unchanged (C(id), which URLs use, C(containerId), C(username),
      C(type), C(hostName), C(cpus), C(memory), C(dateCreated), C(notebookRuntimeName), ...) plus computed fields.
  returned: success
  type: list
  elements: dict
  contains:
    notebook_count:
      description: How many listed notebooks run in the container.
      type: int
      sample: 2
    busy_kernels:
      description: How many of its kernels are in a state other than C(idle) or C(dead).
      type: int
      sample: 1
    sessions_read:
      description: Whether its sessions (kernels) were read.
      type: bool
      sample: true
    sessions_error:
      description: Why its sessions could not be read; null when they were.
      type: str
      sample: null
  sample:
    - id: 9f3c2a1b0e8d4c7fa6b5c4d3e2f1a0b9
      containerId: 5d0b1c2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c
      username: e_doe
      type: openNotebook
      hostName: notebookhost1.example.com
      cpus: 2.0
      memory: 4096
      dateCreated: "1714548000000"
      notebookRuntimeName: ArcGIS Notebook Python 3 Standard
      notebook_count: 1
      busy_kernels: 1
      sessions_read: true
      sessions_error: null
total:
  description: How many open notebooks the server said it holds (before O(owner)); null if it did not say.
  returned: success
  type: int
  sample: 6
complete:
  description:
    - True when nothing was left unread - every page up to C(total) and every container's sessions in scope.
    - False when the server sent no usable C(total), when the notebooks changed between two pages, when an item is not
      a record, when a container's sessions could not be read, or with O(kernels=false). Each case but the last comes
      with a warning.
  returned: success
  type: bool
  sample: true
incomplete_reasons:
  description: Why RV(complete) is false, one sentence each; empty when it is true.
  returned: success
  type: list
  elements: str
  sample: []
summary:
  description: Counts over the notebooks and containers in scope.
  returned: success
  type: dict
  contains:
    open_notebooks:
      description: Number of open notebooks.
      type: int
    busy_notebooks:
      description: Number of busy notebooks.
      type: int
    busy_kernels:
      description: Number of kernels in a state other than C(idle) or C(dead), each counted once.
      type: int
    containers:
      description: Number of containers.
      type: int
    quiet:
      description:
        - Everything was read (RV(complete)) and no notebook and no kernel is busy.
        - False whenever anything went unread, however quiet the rest looks.
      type: bool
    last_activity_iso:
      description: The latest activity of any notebook or kernel, ISO-8601 UTC; null when there is none.
      type: str
    by_owner:
      description: Number of open notebooks per owner.
      type: dict
    busy_by_owner:
      description: Number of busy notebooks per owner.
      type: dict
  sample:
    open_notebooks: 6
    busy_notebooks: 1
    busy_kernels: 1
    containers: 5
    quiet: false
    last_activity_iso: "2024-05-01T07:59:20Z"
    by_owner: {a_doe: 2, e_doe: 1, j_doe: 1, m_doe: 1, nbuser: 1}
    busy_by_owner: {e_doe: 1}
"""

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.front_door import run_module
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.task import ARGUMENT_SPEC, run


def main() -> None:
    run_module(ARGUMENT_SPEC, run)


if __name__ == "__main__":
    main()
