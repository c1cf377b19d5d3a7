# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The layers stay layers: imports run one way, every core file says what it is for, the docs list every file."""

from __future__ import annotations

import ast
import os
from typing import Dict, List, Set, Tuple

import pytest
import yaml

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import CONNECTION_OPTION_NAMES
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.client import PORTAL_CONNECTION_ARGSPEC

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
PACKAGE = "ansible_collections.gisadmin.notebook_server"
CORE = PACKAGE + ".plugins.module_utils."
# Lower numbers are lower layers. drain and audit are peers: neither may import the other; so are jobs, portal and
# notebooks.
LAYERS = {"text": 0, "counts": 0, "client": 1, "times": 2, "jobs": 3, "portal": 3, "notebooks": 3, "site": 4, "drain": 5,
          "audit": 5, "front_door": 6}
FRONT_DOORS = ("plugins.modules", "plugins.lookup", "plugins.action", "plugins.inventory", "plugins.filter")


def _python_files(*parts: str) -> List[str]:
    found = []
    for directory, _dirs, files in os.walk(os.path.join(ROOT, *parts)):
        found.extend(os.path.join(directory, name) for name in files if name.endswith(".py"))
    return sorted(found)


def _imports(path: str) -> Set[str]:
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update("%s.%s" % (node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _layer_of(module: str) -> Tuple[str, int]:
    top = module[len(CORE):].split(".")[0]
    return top, LAYERS[top]


def _core_files() -> Dict[str, str]:
    """{dotted module name: path} of every module_utils file but the package markers."""
    files = {}
    for path in _python_files("plugins", "module_utils"):
        relative = os.path.relpath(path, os.path.join(ROOT, "plugins", "module_utils"))
        if os.path.basename(path) != "__init__.py":
            files[CORE + relative[:-3].replace(os.sep, ".")] = path
    return files


def test_every_core_file_belongs_to_a_known_layer():
    for module in _core_files():
        assert module[len(CORE):].split(".")[0] in LAYERS, module


@pytest.mark.parametrize("module, path", sorted(_core_files().items()))
def test_imports_run_down_the_layers(module, path):
    package, rank = _layer_of(module)
    for imported in _imports(path):
        assert not imported.startswith(PACKAGE + ".tests"), "%s imports test code %s" % (module, imported)
        assert not imported.startswith(tuple(PACKAGE + "." + door for door in FRONT_DOORS)), \
            "%s (core) imports the front door %s" % (module, imported)
        if not imported.startswith(CORE):
            continue
        other, other_rank = _layer_of(imported)
        assert other == package or other_rank < rank, "%s (layer %s) imports %s (layer %s)" % (
            module, package, imported, other)


def test_nothing_shipped_imports_the_emulator():
    for path in _python_files("plugins"):
        assert not any("notebook_server_emulator" in name for name in _imports(path)), path


@pytest.mark.parametrize("module, path", sorted(_core_files().items()))
def test_every_core_file_opens_with_a_one_line_docstring(module, path):
    with open(path, encoding="utf-8") as handle:
        docstring = ast.get_docstring(ast.parse(handle.read()))
    assert docstring, "%s has no docstring" % module
    assert docstring.splitlines()[0].strip().endswith("."), "%s: the first line is the summary sentence" % module


def test_only_the_shared_files_are_flat():
    flat = sorted(name[len(CORE):] for name in _core_files() if "." not in name[len(CORE):])
    assert flat == ["counts", "front_door", "text", "times"]


def test_the_architecture_page_lists_every_core_file():
    with open(os.path.join(ROOT, "docs", "architecture.md"), encoding="utf-8") as handle:
        page = handle.read()
    for module in _core_files():
        assert "`%s.py`" % module[len(CORE):].split(".")[-1] in page, module


@pytest.mark.parametrize("role_vars, key", [
    (("roles", "drain", "vars", "main.yml"), "drain_connection_options"),
    (("roles", "audit", "vars", "main.yml"), "audit_connection_options"),
])
def test_every_role_passes_every_connection_option(role_vars, key):
    with open(os.path.join(ROOT, *role_vars), encoding="utf-8") as handle:
        options = yaml.safe_load(handle)[key]
    assert sorted(options) == sorted(CONNECTION_OPTION_NAMES)
    if isinstance(options, dict):  # the drain's module_defaults: each from its notebook_server_<name> variable
        for name, template in options.items():
            assert "notebook_server_%s " % name in template or "notebook_server_%s }}" % name in template, name


def test_the_drain_passes_every_portal_connection_option():
    # The scheduled task modules of drain_pause_scheduled_tasks: from the notebook_server_* variables of a host
    # of that Portal.
    with open(os.path.join(ROOT, "roles", "drain", "vars", "main.yml"), encoding="utf-8") as handle:
        options = yaml.safe_load(handle)["drain_portal_connection_options"]
    assert sorted(options) == sorted(PORTAL_CONNECTION_ARGSPEC)
    for name, template in options.items():
        assert "hostvars[_drain_portal_host].notebook_server_%s" % name in template, name


@pytest.mark.parametrize("spec_file, entry_points", [
    (("roles", "drain", "meta", "argument_specs.yml"), ("main", "restore")),
    (("roles", "audit", "meta", "argument_specs.yml"), ("main",)),
])
def test_every_role_documents_every_connection_option(spec_file, entry_points):
    with open(os.path.join(ROOT, *spec_file), encoding="utf-8") as handle:
        specs = yaml.safe_load(handle)["argument_specs"]
    for entry_point in entry_points:
        documented = set(specs[entry_point]["options"])
        assert {"notebook_server_" + name for name in CONNECTION_OPTION_NAMES} <= documented, entry_point
