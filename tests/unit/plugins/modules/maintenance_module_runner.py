# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a maintenance module's ``main()`` with given arguments against a fake server session; get its result."""

from __future__ import annotations

from typing import Any, Dict

from ansible_collections.gisadmin.notebook_server.plugins.module_utils import maintenance_tasks
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.connection_options import open_client
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.modules.module_runner import run_module_main
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.maintenance_fake_server import (
    SITE,
    TOKEN,
    FakeNotebookServer,
)

CONNECTION = {"url": SITE + "/admin/", "token": TOKEN}


def run_module(monkeypatch: Any, module: Any, server: FakeNotebookServer, args: Dict[str, Any],
               check_mode: bool = False, diff: bool = False) -> Dict[str, Any]:
    """The module's result (``failed`` set either way); every HTTP request goes to ``server``."""
    def fake_open_client(settings, on_retry=None, **overrides):
        return open_client(settings, on_retry=on_retry, session=server, sleep=lambda seconds: None, **overrides)

    monkeypatch.setattr(maintenance_tasks, "open_client", fake_open_client)
    all_args = dict(CONNECTION, **args)
    all_args["_ansible_check_mode"] = check_mode
    all_args["_ansible_diff"] = diff
    return run_module_main(monkeypatch, module.main, all_args)[0]
