# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one front door of every module: argument spec in, task run, typed error or result out.

A task is ``task(options, check_mode, warn) -> result``; it lives in a layer's ``task.py`` and knows
nothing of Ansible. Modules, lookups and action plugins differ only in how they report what it returns.
"""

from __future__ import annotations

import importlib
import traceback
from typing import Any, Callable, Dict, List, Sequence, Tuple

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    MissingLibraryError,
    NotebookServerError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter

Task = Callable[[OptionAdapter, bool, Callable[[str], None]], Dict[str, Any]]


def missing_libraries(names: Sequence[str]) -> List[Tuple[str, str]]:
    """``[(name, import traceback)]`` for each library that cannot be imported; empty when all are there."""
    missing = []
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append((name, traceback.format_exc()))
    return missing


def run_module(argument_spec: Dict[str, Any], task: Task, libraries: Sequence[str] = ("requests",)) -> None:
    """Run ``task`` as a module: fail with the error's message (never a traceback), else exit with its result.

    A result may carry ``failed: True`` (a drain that timed out) and ``diff``, which is dropped unless asked for.
    """
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    for library, import_traceback in missing_libraries(libraries):
        module.fail_json(msg=missing_required_lib(library), exception=import_traceback)
    failure = None
    try:
        result = task(OptionAdapter.from_dict(module.params), module.check_mode, module.warn)
    except MissingLibraryError as exc:
        failure = dict(msg=missing_required_lib(exc.library), exception=exc.import_traceback)
    except NotebookServerError as exc:
        failure = dict(msg=str(exc))
    # Outside the except block: Ansible would attach the exception's traceback to the failure.
    if failure is not None:
        module.fail_json(**failure)
    result.setdefault("changed", False)  # an info task changes nothing
    if not module._diff:
        result.pop("diff", None)
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)
