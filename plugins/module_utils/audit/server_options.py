# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One server's connection options checked by the module's own type rules: a bad one is that server's error, not the task's."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Sequence, Tuple

from ansible.module_utils.common.validation import (
    check_type_bool,
    check_type_float,
    check_type_int,
    check_type_path,
    check_type_str,
)

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import CONNECTION_ARGSPEC
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.secrets import redact

# What each type of CONNECTION_ARGSPEC is called in a message.
_TYPE_WORDS = {"int": "an integer", "float": "a number", "bool": "a boolean (true or false)"}
_CHECKS: Dict[str, Callable[[Any], Any]] = {
    "str": lambda value: check_type_str(value, allow_conversion=True),
    "path": check_type_path,
    "int": check_type_int,
    "float": check_type_float,
    "bool": check_type_bool,
}
# Option -> (its check, its choices); built once, so a server costs a dict lookup per option it sets.
_RULES: Dict[str, Tuple[str, Tuple[str, ...]]] = {
    name: (spec.get("type", "str"), tuple(spec.get("choices") or ())) for name, spec in CONNECTION_ARGSPEC.items()
}
_SHOWN_CHARACTERS = 60
# A server is usually an inventory host, whose options are its notebook_server_* variables.
_HINT = " (host variable notebook_server_%s)"


def _shown(value: Any, secrets: Sequence[str]) -> str:
    # Redacted before it is cut: a secret cut short would no longer be found.
    text = redact(repr(value), secrets)
    return text if len(text) <= _SHOWN_CHARACTERS else text[:_SHOWN_CHARACTERS] + "..."


def check_server_options(name: str, server: Mapping[str, Any],
                         secrets: Sequence[str] = ()) -> Tuple[Dict[str, Any], List[str]]:
    """``(options, problems)``: the server's connection options converted as the module converts its own
    (``"30"`` -> ``30.0`` for ``timeout``), and one sentence per option that is wrong, naming the server.

    Options that are not set (missing or ``None``) are left out, so the task's defaults apply to them. A wrong
    option is left out too: the server is not asked with it, and its problems say why. A value shown in a problem
    has every one of ``secrets`` masked.
    """
    options: Dict[str, Any] = {}
    problems: List[str] = []
    for option, value in server.items():
        rule = _RULES.get(option)
        if rule is None or value is None:
            continue
        kind, choices = rule
        try:
            converted = _CHECKS[kind](value)
        except (TypeError, ValueError):
            problems.append("%s: option %s%s must be %s, not %s"
                            % (name, option, _HINT % option, _TYPE_WORDS.get(kind, kind), _shown(value, secrets)))
            continue
        if choices and converted not in choices:
            problems.append("%s: option %s%s must be one of %s, not %s"
                            % (name, option, _HINT % option, ", ".join(choices), _shown(value, secrets)))
            continue
        options[option] = converted
    return options, problems
