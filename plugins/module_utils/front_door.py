# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one front door of every module: argument spec in, task run, typed error or result out.

A task is ``task(options, check_mode, warn) -> result``; it lives in a layer's ``task.py`` and knows
nothing of Ansible. Modules, lookups and action plugins differ only in how they report what it returns.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any, Callable, Dict, Iterator

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    MissingLibraryError,
    NotebookServerError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.secrets import may_hold_secret

Task = Callable[[OptionAdapter, bool, Callable[[str], None]], Dict[str, Any]]


def run_module(argument_spec: Dict[str, Any], task: Task) -> None:
    """Run ``task`` as a module: fail with the error's message (never a traceback), else exit with its result.

    A result may carry ``failed: True`` (a drain that timed out) and ``diff``, which is dropped unless asked for.
    """
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
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
    if _proven_free_of_secrets(module, result):
        with _walk_only_what_ansible_adds(result):
            module.exit_json(**result)
    module.exit_json(**result)


def _proven_free_of_secrets(module: AnsibleModule, result: Dict[str, Any]) -> bool:
    """True when no spelling of any no_log value occurs anywhere in the task's result (its JSON text).

    Ansible masks no_log values by copying every value of a module's result: with 100,000 jobs that walk is most
    of a module's time and a second copy of its memory. One search of one text proves the task's part clean.
    """
    secrets = [str(value) for value in module.no_log_values if value]
    if not secrets:
        return False  # no search needed: without values to mask, Ansible's walk finds nothing either
    try:
        text = json.dumps(result, ensure_ascii=False)
    except (TypeError, ValueError):
        return False
    return not may_hold_secret(text, secrets)


@contextlib.contextmanager
def _walk_only_what_ansible_adds(result: Dict[str, Any]) -> Iterator[None]:
    """While the module exits, Ansible's remove_values leaves alone the values proven clean (the task's own, the
    very same objects) and masks everything else as always: the invocation's arguments, warnings, deprecations.
    """
    original = getattr(basic, "remove_values", None)
    if original is None:  # another ansible-core: keep its own behaviour
        yield
        return

    def remove_values(value: Any, no_log_strings: Any) -> Any:
        if not isinstance(value, dict):
            return original(value, no_log_strings)
        clean = {key: item for key, item in value.items() if key in result and item is result[key]}
        masked = original({key: item for key, item in value.items() if key not in clean}, no_log_strings)
        masked.update(clean)
        return masked

    basic.remove_values = remove_values
    try:
        yield
    finally:
        basic.remove_values = original
