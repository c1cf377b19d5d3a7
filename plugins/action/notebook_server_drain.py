# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drain one Notebook Server from the controller: one client (one token) for the whole wait, a line per poll."""

from __future__ import annotations

from typing import Any, Dict, Optional

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain_procedure import (
    drain_failed,
    drain_warnings,
    outcome_to_result,
    request_from_options,
    run_drain,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain_report import format_poll_line
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain_site import (
    DRAIN_ARGUMENT_SPEC,
    open_drain_client,
    site_operations,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.errors import NotebookServerError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.time_expressions import parse_duration

display = Display()


class ActionModule(ActionBase):
    """The API calls run here, in the controller process, whatever ``delegate_to`` says."""

    _supports_check_mode = True

    def run(self, tmp: Optional[str] = None, task_vars: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        result = super().run(tmp, task_vars)
        del tmp
        _validation, options = self.validate_argument_spec(argument_spec=DRAIN_ARGUMENT_SPEC)
        label = str((task_vars or {}).get("inventory_hostname") or options["url"])
        show = display.display
        try:
            request = request_from_options(options, parse_duration)
            client = open_drain_client(options, on_retry=lambda message: show("%s: %s" % (label, message)))
        except (ValueError, NotebookServerError) as exc:
            raise AnsibleActionFail("%s: %s" % (label, exc)) from None

        with client:
            outcome = run_drain(site_operations(client), request, check_mode=bool(self._task.check_mode),
                                on_poll=lambda record: show(format_poll_line(label, record)))
        returned = outcome_to_result(label, outcome)
        result.update(returned)
        # Shown through the display, not the result: tasks carrying secrets are no_log, which drops result warnings.
        for warning in drain_warnings(returned, request.on_timeout):
            display.warning(warning)
        if drain_failed(returned, request.on_timeout):
            result["failed"] = True
        elif outcome.check_mode:
            show(returned["msg"])
        return result
