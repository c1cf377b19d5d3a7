# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drain one Notebook Server from the controller: one client (one token) for the whole wait, a line per poll."""

from __future__ import annotations

from typing import Any, Dict, Optional

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import NotebookServerError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.messages import (
    format_closed_briefs,
    format_poll_line,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.task import ARGUMENT_SPEC, run

display = Display()


class ActionModule(ActionBase):
    """The API calls run here, in the controller process, whatever ``delegate_to`` says."""

    _supports_check_mode = True

    def run(self, tmp: Optional[str] = None, task_vars: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        result = super().run(tmp, task_vars)
        del tmp
        label = str((task_vars or {}).get("inventory_hostname") or "")
        try:
            _validation, options = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        except AnsibleActionFail as exc:
            return self._failed_before_any_change(result, "%s: %s" % (label, exc) if label else str(exc))
        label = label or str(options["url"])
        show = display.display
        check_mode = bool(self._task.check_mode)
        try:
            # Warnings go through the display, not the result: tasks carrying secrets are no_log,
            # which drops a result's warnings.
            returned = run(OptionAdapter.from_dict(options), check_mode, display.warning, label=label,
                           on_poll=lambda record: show(format_poll_line(label, record)),
                           on_retry=lambda message: show("%s: %s" % (label, message)))
        except NotebookServerError as exc:  # only before anything was changed: a bad option, no client
            return self._failed_before_any_change(result, "%s: %s" % (label, exc))
        result.update(returned)
        if check_mode and not returned.get("failed"):
            show(returned["msg"])
        elif returned.get("closed_notebooks") or returned.get("notebook_close_failures"):
            # Whose notebooks were closed, for the people who must be told.
            show("%s: %s" % (label, format_closed_briefs(returned["closed_notebooks"], returned["notebook_close_failures"])))
        return result

    @staticmethod
    def _failed_before_any_change(result: Dict[str, Any], message: str) -> Dict[str, Any]:
        """A failed result rather than an exception: ``failed_when`` still sees it, so the role records the drain."""
        result.update(failed=True, msg=message, idle=False, stopped_by="error", read_only_set=False)
        return result
