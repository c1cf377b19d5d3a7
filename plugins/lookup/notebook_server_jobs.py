# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: notebook_server_jobs
short_description: The jobs of an ArcGIS Notebook Server, their summary, or a JMESPath query over them
version_added: 0.1.0
description:
  - Reads the administrative jobs of one ArcGIS Notebook Server site, like
    M(gisadmin.notebook_server.notebook_server_jobs_info), in an expression (C(when), C(assert), C(set_fact)).
  - Runs on the controller. Connection options also come from variables, C(ansible.cfg) (section
    C([notebook_server])) and environment variables.
author:
  - gisadmin.notebook_server contributors (@gisadmin)
extends_documentation_fragment:
  - gisadmin.notebook_server.connection
  - gisadmin.notebook_server.connection.plugins
  - gisadmin.notebook_server.jobs_query
options:
  _terms:
    description:
      - Optional job ids; they are added to O(job_id).
    type: list
    elements: str
    required: false
  result:
    description:
      - V(jobs) - the matching jobs (a list).
      - V(summary) - the summary (counts by status, type and owner, C(active), C(idle), C(oldest_active),
        C(stuck_job_ids)), plus C(complete), C(total) and C(server). C(idle) is true only when the list was read
        completely and no matching job is active; test it, not an empty list of jobs.
      - V(query) - the value of the O(query) expression.
    type: str
    choices: [jobs, summary, query]
    default: jobs
seealso:
  - module: gisadmin.notebook_server.notebook_server_jobs_info
"""

EXAMPLES = r"""
- name: Proceed with the upgrade only when nothing runs
  ansible.builtin.assert:
    that:
      - lookup('gisadmin.notebook_server.notebook_server_jobs', result='summary').idle
    fail_msg: Notebook jobs are still running
  vars:
    notebook_server_url: https://nb.example.com:11443/arcgis
    notebook_server_username: siteadmin
    notebook_server_password: "{{ vault_notebook_server_password }}"
    notebook_server_ca_path: /etc/pki/notebook-server-ca.pem

- name: Restart the service only when no job is active
  ansible.builtin.service:
    name: arcgisnotebookserver
    state: restarted
  # summary.idle, not "no active job came back": idle is false when the list could not be read completely.
  when: >-
    lookup('gisadmin.notebook_server.notebook_server_jobs', result='summary',
           url=nb_url, username=nb_user, password=nb_password).idle

- name: Ids of jobs stuck for more than 2 hours
  ansible.builtin.debug:
    msg: "{{ lookup('gisadmin.notebook_server.notebook_server_jobs', stuck_after='2h', result='summary').stuck_job_ids }}"

- name: Active jobs per owner with a JMESPath query
  ansible.builtin.set_fact:
    active_per_owner: "{{ lookup('gisadmin.notebook_server.notebook_server_jobs', query='summary.active_by_owner',
                                 result='query') }}"

- name: The status of two given jobs
  ansible.builtin.debug:
    msg: "{{ query('gisadmin.notebook_server.notebook_server_jobs',
                   'j0bc73e29-3725-4eb1-b6c7-db2cdc56799c', 'j9ed8e170-21d8-412f-bea2-609a82f1b436')
             | map(attribute='status') | list }}"
"""

RETURN = r"""
_raw:
  description:
    - With O(result=jobs), the matching jobs (the same records as RV(gisadmin.notebook_server.notebook_server_jobs_info#module:jobs)),
      one list element per job. Use C(query()) or C(wantlist=true) to always get a list.
    - With O(result=summary), one dictionary; with O(result=query), the value of O(query).
  type: list
  elements: raw
"""

from typing import Any, Dict, List, Optional

from ansible import constants as C
from ansible.errors import AnsibleError, AnsibleLookupError
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import MissingLibraryError, NotebookServerError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.task import run

display = Display()


class LookupModule(LookupBase):

    def _option_variables(self, variables: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        """The variables that set options (notebook_server_url, ...), templated.

        Ansible hands a lookup its variables untemplated, so ``notebook_server_url: "{{ nb_url }}"``
        would reach the option as the template text itself.
        """
        if not variables:
            return {}
        names = C.config.get_plugin_vars("lookup", self._load_name)
        template = self._templar.template if self._templar is not None else (lambda value: value)
        return {name: template(variables[name]) for name in names if name in variables}

    def run(self, terms: List[Any], variables: Optional[Dict[str, Any]] = None, **kwargs: Any) -> List[Any]:
        self.set_options(var_options=self._option_variables(variables), direct=kwargs)
        options = OptionAdapter.from_plugin(self)
        job_ids = list(self.get_option("job_id") or []) + [str(term) for term in self._flatten(terms)]
        wanted = self.get_option("result")
        if wanted == "query" and not self.get_option("query"):
            raise AnsibleLookupError("result=query needs the query option")

        def get(name: str) -> Any:
            return job_ids if name == "job_id" else options.get(name)

        try:
            result = run(OptionAdapter(get), False, display.warning)
        except MissingLibraryError as exc:
            raise AnsibleError(missing_required_lib(exc.library)) from None
        except NotebookServerError as exc:
            raise AnsibleLookupError(str(exc)) from None
        if wanted == "summary":
            return [dict(result["summary"], complete=result["complete"], total=result["total"], server=result["server"])]
        if wanted == "query":
            return [result["query_result"]]
        return result["jobs"]
