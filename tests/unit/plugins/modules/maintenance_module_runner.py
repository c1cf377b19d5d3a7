# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a maintenance module's ``main()`` with given arguments against a fake server session; get its result."""

from __future__ import annotations

import contextlib
import json
from typing import Any, Dict

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.gisadmin.notebook_server.plugins.module_utils import maintenance_tasks
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.connection_options import open_client
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.maintenance_fake_server import (
    SITE,
    TOKEN,
    FakeNotebookServer,
)

try:  # ansible-core 2.19 and later
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # older ansible-core
    patch_module_args = None

CONNECTION = {"url": SITE + "/admin/", "token": TOKEN}


class Exited(Exception):
    def __init__(self, result: Dict[str, Any]) -> None:
        super().__init__(result)
        self.result = result


@contextlib.contextmanager
def _module_args(args: Dict[str, Any]):
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
        return
    previous = basic._ANSIBLE_ARGS
    basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    try:
        yield
    finally:
        basic._ANSIBLE_ARGS = previous


def run_module(monkeypatch: Any, module: Any, server: FakeNotebookServer, args: Dict[str, Any],
               check_mode: bool = False, diff: bool = False) -> Dict[str, Any]:
    """The module's result (``failed`` set either way); every HTTP request goes to ``server``."""
    def exit_json(_module, **result):
        raise Exited(dict(result, failed=False))

    def fail_json(_module, **result):
        raise Exited(dict(result, failed=True))

    def fake_open_client(settings, on_retry=None, **overrides):
        return open_client(settings, on_retry=on_retry, session=server, sleep=lambda seconds: None, **overrides)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    monkeypatch.setattr(maintenance_tasks, "open_client", fake_open_client)
    all_args = dict(CONNECTION, **args)
    all_args["_ansible_check_mode"] = check_mode
    all_args["_ansible_diff"] = diff
    with _module_args(all_args):
        with pytest.raises(Exited) as info:
            module.main()
    return info.value.result
