#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: notebook_server_jobs_cleanup
short_description: Remove the finished jobs of an ArcGIS Notebook Server
version_added: 0.1.0
description:
  - Removes the finished jobs of one ArcGIS Notebook Server site with C(admin/system/jobs/deleteAll). The server
    removes only jobs that ended as C(COMPLETED) or C(FAILED) (cancelled jobs included); jobs that still run or
    wait, including stuck ones, stay.
  - Reports how many jobs were removed, counted as the finished jobs listed before the call that are gone after it
    (from complete, detailed job listings). C(changed) is true when at least one was removed.
  - The request is sent even when no finished job is listed, so an account that may not remove jobs gets the
    server's refusal.
  - The removal is never repeated blindly - when no answer comes back (a timeout or a dropped connection), the jobs
    are listed first and the request is sent once more only if the finished jobs are still there.
  - C(deleteAll) exists since ArcGIS Notebook Server 10.9; an older server that answers that it does not know the
    operation fails the task with a message that says so. Without this module, the server removes finished jobs
    itself after C(asyncJobsCleanupAgeHours) (6 hours by default).
author:
  - gisadmin.notebook_server contributors (@gisadmin)
extends_documentation_fragment:
  - gisadmin.notebook_server.connection
  - gisadmin.notebook_server.attributes
  - gisadmin.notebook_server.attributes.platform
  - gisadmin.notebook_server.attributes.action_group
options: {}
attributes:
  check_mode:
    support: full
    details:
      - The jobs are listed, and the finished ones that would be removed are reported without being removed.
      - Check mode cannot tell whether the account is allowed to remove them.
  diff_mode:
    support: full
    details:
      - Shows the ids of the finished jobs removed (or that would be removed).
seealso:
  - module: gisadmin.notebook_server.notebook_server_jobs_info
  - module: gisadmin.notebook_server.notebook_server_job
"""

EXAMPLES = r"""
- name: End of a maintenance window - tidy the job list, then open the site again
  delegate_to: localhost
  module_defaults:
    group/gisadmin.notebook_server.notebook_server:
      url: https://nb.example.com:11443/arcgis
      username: siteadmin
      password: "{{ vault_notebook_server_password }}"
      ca_path: /etc/pki/notebook-server-ca.pem
  block:
    - name: Remove finished jobs
      gisadmin.notebook_server.notebook_server_jobs_cleanup:
      register: cleanup

    - name: Report
      ansible.builtin.debug:
        msg: "{{ cleanup.removed }} finished jobs removed"

    - name: Open the site again
      gisadmin.notebook_server.notebook_server_mode:
        mode: EDITABLE

- name: How many finished jobs would be removed
  gisadmin.notebook_server.notebook_server_jobs_cleanup:
    url: https://gis.example.com/notebooks
    token: "{{ portal_admin_token }}"
  check_mode: true
  register: would_remove
"""

RETURN = r"""
server:
  description: The normalised site URL.
  returned: success
  type: str
  sample: https://nb.example.com:11443/arcgis
removed:
  description:
    - How many finished jobs were removed.
    - In check mode, how many would be removed (the finished jobs listed now).
  returned: success
  type: int
  sample: 12
removed_job_ids:
  description: The ids of the jobs counted in RV(removed), sorted.
  returned: success
  type: list
  elements: str
  sample: [j0bc73e29-3725-4eb1-b6c7-db2cdc56799c]
"""

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.front_door import run_module
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.site.task import JOBS_CLEANUP_ARGUMENT_SPEC, run_jobs_cleanup


def main() -> None:
    run_module(JOBS_CLEANUP_ARGUMENT_SPEC, run_jobs_cleanup)


if __name__ == "__main__":
    main()
