# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The front door of every module: errors as failures, warnings, diff, and no secret in a result, cheaply."""

from __future__ import annotations

import contextlib
import io
import json

import pytest
from ansible.module_utils import basic

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import OptionError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.front_door import run_module
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.modules.module_runner import (
    module_args,
    run_module_main,
)

SPEC = {"password": {"type": "str", "no_log": True}, "echo": {"type": "str"}}
SECRET = "S3cret-in-the-result"


def _task_echoing(options, check_mode, warn):
    warn("a warning")
    return {"value": options.get("echo"), "nested": [{"deep": options.get("echo")}], "diff": {"before": 1}}


def _main():
    run_module(SPEC, _task_echoing)


def _exit_for_real(args):
    """The module's own exit_json, remove_values and encoding included: what it prints for the controller."""
    printed = io.StringIO()
    with module_args(args), contextlib.redirect_stdout(printed), pytest.raises(SystemExit):
        _main()
    return json.loads(printed.getvalue())


def _spy(monkeypatch):
    calls = []
    original = basic.remove_values

    def spying(value, no_log_strings):
        calls.append(value)
        return original(value, no_log_strings)

    monkeypatch.setattr(basic, "remove_values", spying)
    return calls


def _walked(calls):
    return any(isinstance(call, dict) and "nested" in call for call in calls)


def test_a_result_without_any_secret_is_not_walked_again_but_what_ansible_adds_is(monkeypatch):
    calls = _spy(monkeypatch)
    printed = _exit_for_real({"password": SECRET, "echo": "plain"})
    assert printed["value"] == "plain" and printed["nested"] == [{"deep": "plain"}] and "diff" not in printed
    assert not _walked(calls)
    # The invocation's arguments hold the password: they are still masked by Ansible's own walk.
    assert SECRET not in json.dumps(printed) and printed["invocation"]["module_args"]["echo"] == "plain"
    assert basic.remove_values.__name__ == "spying"  # put back after the exit


def test_a_result_that_holds_a_secret_is_still_masked_by_ansible(monkeypatch):
    calls = _spy(monkeypatch)
    printed = _exit_for_real({"password": SECRET, "echo": "x %s y" % SECRET})
    assert SECRET not in json.dumps(printed) and printed["nested"][0]["deep"] == "x ******** y"
    assert _walked(calls)


def test_an_escaped_spelling_of_a_secret_keeps_ansibles_walk(monkeypatch):
    """A secret with a quote is written escaped in JSON text; the search must still find it."""
    secret = 'quote"and'
    calls = _spy(monkeypatch)
    _exit_for_real({"password": secret, "echo": "has %s in it" % secret})
    assert _walked(calls)


def test_a_typed_error_is_a_failure_with_its_message(monkeypatch):
    def failing(options, check_mode, warn):
        raise OptionError("echo must be something else")

    result, _warnings = run_module_main(monkeypatch, lambda: run_module(SPEC, failing), {"echo": "x"})
    assert result["failed"] is True and result["msg"] == "echo must be something else"
