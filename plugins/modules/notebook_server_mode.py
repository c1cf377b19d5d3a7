#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_server_mode
short_description: Read or set the site mode of an ArcGIS Notebook Server (READ_ONLY or EDITABLE)
version_added: 0.1.0
description:
  - Reads the site mode of one ArcGIS Notebook Server site (C(admin/mode)) and, when O(mode) is given and differs,
    sets it (C(admin/mode/update)).
  - V(READ_ONLY) stops new notebooks from being opened and blocks most administrative changes, for example during
    a maintenance window; V(EDITABLE) is normal operation.
  - Idempotent - the mode is written only when it differs, and C(changed) is true only then.
  - The write is never repeated blindly - when no answer comes back (a timeout or a dropped connection), the mode
    is read first and the write is sent once more only if the mode did not change.
author:
  - gisadmin.notebook_server contributors (@gisadmin)
extends_documentation_fragment:
  - gisadmin.notebook_server.connection
  - gisadmin.notebook_server.attributes
  - gisadmin.notebook_server.attributes.platform
  - gisadmin.notebook_server.attributes.action_group
options:
  mode:
    description:
      - The site mode wanted.
      - Without it the module only reads the mode (and never reports C(changed)).
    type: str
    choices: [READ_ONLY, EDITABLE]
attributes:
  check_mode:
    support: full
    details:
      - The mode is read, and the change is predicted without being made.
  diff_mode:
    support: full
    details:
      - Shows the mode before and after.
seealso:
  - module: gisadmin.notebook_server.notebook_server_job
  - module: gisadmin.notebook_server.notebook_server_jobs_info
"""

EXAMPLES = r"""
- name: Maintenance window on a Notebook Server
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
      register: site_mode

    - name: Patch, restart, ...
      ansible.builtin.debug:
        msg: "The site was {{ site_mode.mode_before }} and is now {{ site_mode.mode_after }}"

  always:
    - name: Open the site again (only if it was editable before the window)
      gisadmin.notebook_server.notebook_server_mode:
        mode: EDITABLE
      when: site_mode.mode_before | default('EDITABLE') == 'EDITABLE'

- name: Only read the mode
  gisadmin.notebook_server.notebook_server_mode:
    url: https://gis.example.com/notebooks
    token: "{{ portal_admin_token }}"
  register: current

- name: Show it
  ansible.builtin.debug:
    var: current.mode_after
"""

RETURN = r"""
server:
  description: The normalised site URL.
  returned: success
  type: str
  sample: https://nb.example.com:11443/arcgis
mode_before:
  description: The site mode when the task started.
  returned: success
  type: str
  sample: EDITABLE
mode_after:
  description:
    - The site mode when the task ended, as read from the server after the change.
    - In check mode, the mode the site would have.
  returned: success
  type: str
  sample: READ_ONLY
"""

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.front_door import run_module
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.site.task import MODE_ARGUMENT_SPEC, run_site_mode


def main() -> None:
    run_module(MODE_ARGUMENT_SPEC, run_site_mode)


if __name__ == "__main__":
    main()
