# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's ``main()`` in-process with given arguments; get its result and the warnings it gave.

With the ``fake_server`` fixture, every request the module makes goes to the fake server.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any, Callable, Dict, List, Tuple

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

try:  # ansible-core 2.19 and later
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # older ansible-core
    patch_module_args = None


class ModuleExited(Exception):
    def __init__(self, result: Dict[str, Any]) -> None:
        super().__init__(result)
        self.result = result


@contextlib.contextmanager
def module_args(args: Dict[str, Any]):
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


def run_module_main(monkeypatch: Any, main: Callable[[], None], args: Dict[str, Any]) -> Tuple[Dict[str, Any], List[str]]:
    """``(result, warnings)``: the module's exit or fail arguments with ``failed`` set either way."""
    def exit_json(_module, **result):
        raise ModuleExited(dict(result, failed=False))

    def fail_json(_module, **result):
        raise ModuleExited(dict(result, failed=True))

    warnings: List[str] = []
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda _module, message: warnings.append(message))
    with module_args(args):
        with pytest.raises(ModuleExited) as exited:
            main()
    return exited.value.result, warnings


def run_module(monkeypatch: Any, module: Any, args: Dict[str, Any], check_mode: bool = False,
               diff: bool = False) -> Dict[str, Any]:
    """The result of ``module.main()`` (``failed`` set either way), in check and diff mode as asked."""
    all_args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    return run_module_main(monkeypatch, module.main, all_args)[0]
