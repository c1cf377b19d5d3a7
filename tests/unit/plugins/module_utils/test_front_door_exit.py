# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The front door's exit: a module's result reaches Ansible whole and masked, searched and written a piece at a time."""

from __future__ import annotations

import contextlib
import json

import pytest
from ansible.module_utils import basic

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.front_door import (
    PIECE,
    json_pieces,
    proven_free_of_secrets,
    run_module,
    written_in_pieces,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.modules.module_runner import module_args

SPEC = {"password": {"type": "str", "no_log": True}, "count": {"type": "int"}}
SECRET = "S3cret-kept-out"


def _records(count):
    return [{"n": number, "name": "job %d" % number, "owner": "émilie", "tags": [number, None, True]}
            for number in range(count)]


def _result(count):
    return {"changed": False, "jobs": _records(count), "few": [1, 2], "summary": {"total": count, "none": None}}


@pytest.mark.parametrize("count", [0, 1, PIECE, PIECE + 1, 2 * PIECE + 7])
def test_the_pieces_joined_are_the_json_text_of_the_whole_result(count):
    result = _result(count)
    assert "".join(json_pieces(result, json.dumps)) == json.dumps(result)
    unicode_text = "".join(json_pieces(result, lambda value: json.dumps(value, ensure_ascii=False)))
    assert unicode_text == json.dumps(result, ensure_ascii=False)


def test_a_long_list_comes_in_slices_of_a_piece():
    pieces = list(json_pieces(_result(2 * PIECE + 7), json.dumps))
    lists = [piece for piece in pieces if piece.count('"name"') > 2]
    assert [piece.count('"name"') for piece in lists] == [PIECE, PIECE, 7]


def test_a_result_without_secrets_is_proven_clean():
    assert proven_free_of_secrets(_result(2 * PIECE + 7), [SECRET]) is True


def test_nothing_to_prove_without_no_log_values():
    assert proven_free_of_secrets(_result(3), []) is False
    assert proven_free_of_secrets(_result(3), ["", None]) is False


@pytest.mark.parametrize("where", ["first", "last piece", "a key"])
def test_a_secret_anywhere_in_a_long_list_is_found(where):
    result = _result(2 * PIECE + 7)
    if where == "first":
        result["jobs"][0]["name"] = "x %s y" % SECRET
    elif where == "last piece":
        result["jobs"][-1]["tags"].append(SECRET)
    else:
        result["jobs"][PIECE + 3][SECRET] = 1
    assert proven_free_of_secrets(result, [SECRET]) is False


def test_a_secret_across_two_pieces_is_found():
    """The text around the cut between the first and the second slice of the list, used as a no_log value."""
    result = _result(2 * PIECE)
    whole = json.dumps(result, ensure_ascii=False)
    cut = whole.index('{"n": %d,' % PIECE)
    across = whole[cut - 12:cut + 12]
    assert across not in "".join(json_pieces({"jobs": result["jobs"][:PIECE]}, json.dumps))
    assert proven_free_of_secrets(result, [across]) is False


def test_an_escaped_spelling_is_found():
    result = _result(PIECE + 1)
    secret = 'quote"and'
    result["jobs"][PIECE]["name"] = secret
    assert proven_free_of_secrets(result, [secret]) is False


@pytest.mark.parametrize("secret", ['Mü"ller', "tab\there", "ünïcode"])
def test_a_secret_as_json_text_writes_it_is_found(secret):
    """The search text keeps letters that are not ASCII as they are and escapes quotes and control characters."""
    result = _result(PIECE + 1)
    result["jobs"][PIECE]["name"] = "login as %s" % secret
    assert proven_free_of_secrets(result, [secret]) is False


def test_a_key_that_is_not_text_is_never_proven_clean():
    assert proven_free_of_secrets({1: "one"}, [SECRET]) is False


class _Writes:
    def __init__(self):
        self.calls = []

    def write(self, text):
        self.calls.append(text)
        return len(text)

    def flush(self):
        pass


def _exit_for_real(task, args):
    writes = _Writes()
    with module_args(args), contextlib.redirect_stdout(writes), pytest.raises(SystemExit):
        run_module(SPEC, task)
    return writes.calls


def test_a_long_result_reaches_ansible_whole_and_a_piece_at_a_time_where_ansible_core_lets_it():
    expected = _records(3 * PIECE + 5)

    def task(options, check_mode, warn):
        warn("a warning")
        return {"jobs": _records(options.get("count")), "total": options.get("count")}

    writes = _exit_for_real(task, {"password": SECRET, "count": len(expected)})
    printed = json.loads("".join(writes))
    assert printed["jobs"] == expected and printed["total"] == len(expected)
    assert printed["changed"] is False
    assert printed["invocation"]["module_args"]["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert SECRET not in "".join(writes)
    assert "a warning" in json.dumps(printed["warnings"])
    longest = max(len(text) for text in writes)
    whole = len(json.dumps(expected))
    if hasattr(basic.AnsibleModule, "_record_module_result"):  # ansible-core 2.19 and later
        assert longest < whole / 2
    else:  # older cores write the whole text at once, as they always did
        assert longest > whole


def test_a_result_with_a_secret_is_masked_by_ansible_and_still_written_whole():
    def task(options, check_mode, warn):
        return {"jobs": [{"name": "has %s" % SECRET}] * (PIECE + 1)}

    writes = _exit_for_real(task, {"password": SECRET, "count": 1})
    printed = json.loads("".join(writes))
    assert len(printed["jobs"]) == PIECE + 1 and printed["jobs"][0]["name"] == "has ********"
    assert SECRET not in "".join(writes)


def test_the_writer_is_taken_over_only_for_the_exit_and_only_where_it_is_ansibles_own():
    class DirectExecution(basic.AnsibleModule):  # as ansible.netcommon's direct execution writes results its own way
        def _record_module_result(self, o):
            raise AssertionError("not called here")

    plain, direct = object.__new__(basic.AnsibleModule), object.__new__(DirectExecution)
    has_hook = hasattr(basic.AnsibleModule, "_record_module_result")  # ansible-core 2.19.1 and later
    with module_args({}):
        with written_in_pieces(plain):
            assert ("_record_module_result" in vars(plain)) is has_hook
        with written_in_pieces(direct):
            assert "_record_module_result" not in vars(direct)
    assert "_record_module_result" not in vars(plain)
