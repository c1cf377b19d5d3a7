# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one front door of every module: argument spec in, task run, typed error or result out.

A task is ``task(options, check_mode, warn) -> result``; it lives in a layer's ``task.py`` and knows
nothing of Ansible. Modules, lookups and action plugins differ only in how they report what it returns.

A module's result reaches Ansible proven free of secrets and with its long lists written a piece at a time.
Ansible's exit copies every container of a result to mask no_log values, then holds the result's JSON text twice
(``json.dumps``, then ``'\\n%s' %``) while the result is still alive: with 100,000 jobs, about 120 MB above the
records themselves. Here the result is searched and written a thousand list items at a time instead; what Ansible
adds (the invocation, warnings, deprecations) still goes through its own masking and its own encoder.
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any, Callable, Dict, Iterator, Optional

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common import json as common_json

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    MissingLibraryError,
    NotebookServerError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.secrets import spellings

Task = Callable[[OptionAdapter, bool, Callable[[str], None]], Dict[str, Any]]
PIECE = 1000  # list items encoded at once


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
    with written_in_pieces(module):
        if proven_free_of_secrets(result, module.no_log_values):
            with walk_only_what_ansible_adds(result):
                module.exit_json(**result)
        module.exit_json(**result)


def json_pieces(result: Dict[str, Any], dumps: Callable[[Any], str]) -> Iterator[str]:
    """The JSON text of ``result`` (a dict with text keys) in pieces: each top-level list longer than ``PIECE`` in
    slices of ``PIECE`` items, everything else whole. The pieces joined are ``dumps(result)``'s JSON.
    """
    yield "{"
    for index, (key, value) in enumerate(result.items()):
        yield "%s%s: " % (", " if index else "", dumps(key))
        if isinstance(value, list) and len(value) > PIECE:
            yield "["
            for start in range(0, len(value), PIECE):
                yield (", " if start else "") + dumps(value[start:start + PIECE])[1:-1]
            yield "]"
        else:
            yield dumps(value)
    yield "}"


def proven_free_of_secrets(result: Dict[str, Any], no_log_values: Any) -> bool:
    """True when no spelling of any no_log value occurs anywhere in the result's JSON text (keys and numbers too).

    The text is searched a piece at a time, each piece with the end of the one before it, so a spelling across
    two pieces is found too, and the whole text never exists at once.
    """
    found = spellings(str(value) for value in no_log_values if value)
    if not found:
        return False  # without values to mask, Ansible's walk finds nothing either: nothing to prove
    if not all(isinstance(key, str) for key in result):
        return False
    overlap = max(len(spelling) for spelling in found) - 1
    carried = ""
    try:
        for piece in json_pieces(result, lambda value: json.dumps(value, ensure_ascii=False)):
            text = carried + piece
            if any(spelling in text for spelling in found):
                return False
            carried = text[-overlap:] if overlap else ""
    except (TypeError, ValueError):
        return False
    return True


@contextlib.contextmanager
def walk_only_what_ansible_adds(result: Dict[str, Any]) -> Iterator[None]:
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


def _module_encoder() -> Optional[Any]:
    """The JSON encoder ansible-core 2.19 writes a module's result with; None for a core without one."""
    profile = getattr(basic, "_ANSIBLE_PROFILE", None)
    get_encoder = getattr(common_json, "get_module_encoder", None)
    direction = getattr(getattr(common_json, "Direction", None), "MODULE_TO_CONTROLLER", None)
    if not profile or get_encoder is None or direction is None:
        return None
    return get_encoder(profile, direction)


# Ansible's own writer of a module's result (ansible-core 2.19.1 and later); None where results are written otherwise.
_ANSIBLE_RECORD = getattr(AnsibleModule, "_record_module_result", None)


@contextlib.contextmanager
def written_in_pieces(module: Any) -> Iterator[None]:
    """While the module exits, its result is written as ``json_pieces`` with Ansible's own encoder, where this
    ansible-core hands the writing to ``_record_module_result``; elsewhere, or where a subclass or a harness writes
    results its own way (ansible.netcommon's direct execution), the result is written as always.
    """
    own = (_ANSIBLE_RECORD is not None and getattr(type(module), "_record_module_result", None) is _ANSIBLE_RECORD
           and "_record_module_result" not in vars(module))
    encoder = _module_encoder() if own else None
    if encoder is None:
        yield
        return
    original = module._record_module_result

    def record(result: Dict[str, Any]) -> None:
        if not all(isinstance(key, str) for key in result):
            original(result)
            return
        write = sys.stdout.write
        write("\n")  # as Ansible prints it: a line break, the JSON text, a line break
        try:
            for piece in json_pieces(result, lambda value: json.dumps(value, cls=encoder)):
                write(piece)
        finally:
            # Also when a piece cannot be encoded: Ansible's report of the error then starts a line of its own.
            write("\n")

    module._record_module_result = record
    try:
        yield
    finally:
        del module._record_module_result
