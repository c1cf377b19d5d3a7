# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The portal inventory plugin: its files, options (file, vault, templates, environment), hosts and groups,
compose and keyed groups, the cache, errors; no secret in a host variable or the cache.
"""

from __future__ import annotations

import json
import os
import textwrap

import pytest
import yaml

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib, VaultSecret
from ansible.plugins.loader import inventory_loader

from ansible_collections.gisadmin.notebook_server.plugins.doc_fragments.portal_connection import ModuleDocFragment
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.client import PORTAL_CONNECTION_ARGSPEC
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    GIVEN_TOKEN,
    PASSWORD,
    PORTAL,
    USERNAME,
    Reply,
    federated_server,
)

SERVERS_PATH = "/portal/sharing/rest/portals/self/servers"
VAULT_PASSWORD = b"vault-pw-for-tests"


class Shown:
    """Stands in for the plugin's display: what it warned about."""

    def __init__(self):
        self.warnings = []

    def warning(self, message, *args, **kwargs):
        self.warnings.append(message)

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


@pytest.fixture
def portal(fake_server):
    fake_server.portal_servers = [
        federated_server("gis-hosting.example.com", server_type="ArcGIS", role="HOSTING_SERVER", function=""),
        federated_server("nb1.example.com", server_id="nb1id", public_url="https://gis.example.com/notebooks"),
        federated_server("nb2.example.com", server_id="nb2id", server_type="ArcGIS",
                         function="GeoAnalytics,NotebookServer", role="FEDERATED_SERVER_WITH_RESTRICTED_PUBLISHING"),
    ]
    return fake_server


def _write(tmp_path, config, name="prod.portal.yml"):
    path = tmp_path / name
    path.write_text(config if isinstance(config, str) else yaml.safe_dump(config))
    return str(path)


def _config(**changes):
    config = {"plugin": "gisadmin.notebook_server.portal", "portal_url": PORTAL, "username": USERNAME,
              "password": PASSWORD}
    config.update(changes)
    return {key: value for key, value in config.items() if value is not None}


def _parse(path, cache=True, loader=None):
    plugin = inventory_loader.get("gisadmin.notebook_server.portal")
    assert plugin is not None
    plugin.display = Shown()
    inventory = InventoryData()
    plugin.parse(inventory, loader or DataLoader(), path, cache=cache)
    if hasattr(plugin, "_cache"):
        plugin.update_cache_if_changed()  # what Ansible's inventory manager does after parse
    return inventory, plugin


def _group(inventory, name):
    return sorted(host.name for host in inventory.groups[name].get_hosts())


def _host_vars(inventory, name):
    """The variables the plugin set (Ansible's magic variables, such as inventory_hostname, left out)."""
    magic = ("inventory_", "group_names")
    return {key: value for key, value in inventory.get_host(name).get_vars().items() if not key.startswith(magic)}


# -- which files ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, accepted", [
    ("prod.portal.yml", True), ("prod.portal.yaml", True), ("portal.yml", False), ("prod.yml", False),
    ("prod.portal.json", False), ("prod.portal.yml.bak", False),
])
def test_verify_file(tmp_path, name, accepted):
    path = _write(tmp_path, _config(), name)
    assert inventory_loader.get("gisadmin.notebook_server.portal").verify_file(path) is accepted


def test_verify_file_needs_the_file(tmp_path):
    assert not inventory_loader.get("gisadmin.notebook_server.portal").verify_file(str(tmp_path / "x.portal.yml"))


# -- hosts, groups, variables --------------------------------------------------------------------------------------


def test_notebook_servers_become_hosts_of_the_group(portal, tmp_path):
    inventory, plugin = _parse(_write(tmp_path, _config()))
    assert _group(inventory, "notebook_servers") == ["nb1.example.com", "nb2.example.com"]
    assert "gis-hosting.example.com" not in inventory.hosts
    assert _host_vars(inventory, "nb2.example.com") == {
        "notebook_server_url": "https://nb2.example.com:11443/arcgis",
        "notebook_server_public_url": "https://nb2.example.com:11443/arcgis",
        "notebook_server_portal_url": PORTAL,
        "notebook_server_id": "nb2id",
        "notebook_server_name": "nb2.example.com:11443",
        "notebook_server_type": "ArcGIS",
        "notebook_server_role": "FEDERATED_SERVER_WITH_RESTRICTED_PUBLISHING",
        "notebook_server_functions": ["GeoAnalytics", "NotebookServer"],
    }
    assert plugin.display.warnings == []
    assert [call.path for call in portal.calls] == ["/portal/sharing/rest/generateToken", SERVERS_PATH]


def test_options_choose_the_hosts_and_the_group(portal, tmp_path):
    path = _write(tmp_path, _config(server_types=["arcgis"], hostnames="id", url_from="public", group="gis"))
    inventory, _plugin = _parse(path)
    assert _group(inventory, "gis") == ["id-gis-hosting", "nb2id"]
    assert "notebook_servers" not in inventory.groups


def test_no_secret_becomes_a_host_variable(portal, tmp_path):
    inventory, _plugin = _parse(_write(tmp_path, _config(token=GIVEN_TOKEN)))
    for name in ("nb1.example.com", "nb2.example.com"):
        variables = _host_vars(inventory, name)
        text = json.dumps(variables)
        assert PASSWORD not in text and GIVEN_TOKEN not in text
        assert not [key for key in variables if "password" in key or "token" in key or "username" in key]


def test_portal_values_are_data_not_templates(portal, tmp_path):
    portal.portal_servers[1]["name"] = "{{ lookup('ansible.builtin.pipe', 'id') }}"
    inventory, _plugin = _parse(_write(tmp_path, _config(compose={"shown": "notebook_server_name"})))
    assert _host_vars(inventory, "nb1.example.com")["shown"] == "{{ lookup('ansible.builtin.pipe', 'id') }}"


def test_a_portal_without_notebook_servers_is_an_empty_group_and_a_warning(portal, tmp_path):
    portal.portal_servers = portal.portal_servers[:1]
    inventory, plugin = _parse(_write(tmp_path, _config()))
    assert "notebook_servers" in inventory.groups and _group(inventory, "notebook_servers") == []
    assert plugin.display.warnings == [
        "Portal %s lists no server of the types ARCGIS_NOTEBOOK_SERVER (1 server listed; their types: ArcGIS): "
        "group notebook_servers is empty" % PORTAL]


# -- constructed: compose, groups, keyed_groups, strict ------------------------------------------------------------


def test_compose_groups_and_keyed_groups(portal, tmp_path):
    config = _config(
        compose={"ansible_host": "notebook_server_url | urlsplit('hostname')", "site_kind": "'web_adaptor' if "
                 "notebook_server_public_url != notebook_server_url else 'direct'"},
        groups={"behind_web_adaptor": "notebook_server_public_url != notebook_server_url"},
        keyed_groups=[{"key": "notebook_server_role | lower", "prefix": "role"},
                      {"key": "notebook_server_functions", "prefix": "function"},
                      {"key": "site_kind", "separator": "", "prefix": ""}])
    inventory, _plugin = _parse(_write(tmp_path, config))
    assert _host_vars(inventory, "nb1.example.com")["ansible_host"] == "nb1.example.com"
    assert _group(inventory, "behind_web_adaptor") == ["nb1.example.com"]
    assert _group(inventory, "role_federated_server") == ["nb1.example.com"]
    assert _group(inventory, "role_federated_server_with_restricted_publishing") == ["nb2.example.com"]
    assert _group(inventory, "function_NotebookServer") == ["nb1.example.com", "nb2.example.com"]
    assert _group(inventory, "function_GeoAnalytics") == ["nb2.example.com"]
    assert _group(inventory, "web_adaptor") == ["nb1.example.com"] and _group(inventory, "direct") == ["nb2.example.com"]


def test_a_broken_expression_is_skipped_unless_strict(portal, tmp_path):
    config = _config(compose={"x": "undefined_variable.attribute"}, groups={"g": "undefined_variable > 1"})
    inventory, _plugin = _parse(_write(tmp_path, config))
    assert "x" not in _host_vars(inventory, "nb1.example.com") and "g" not in inventory.groups
    with pytest.raises(AnsibleParserError) as caught:
        _parse(_write(tmp_path, dict(config, strict=True)))
    assert "Could not set x for host nb1.example.com" in str(caught.value)


# -- where the options come from -----------------------------------------------------------------------------------


def _loader_with_vault(monkeypatch, password):
    """A loader that decrypts with ``password``, as ansible-inventory --vault-password-file makes one."""
    secrets = [("default", VaultSecret(password))]
    loader = DataLoader()
    loader.set_vault_secrets(secrets)
    try:  # ansible-core 2.19 decrypts vaulted strings with the secrets of its context
        from ansible.parsing.vault import VaultSecretsContext
    except ImportError:
        return loader
    monkeypatch.setattr(VaultSecretsContext, "_current", VaultSecretsContext(secrets))
    return loader


def _vaulted(text):
    encrypted = VaultLib([("default", VaultSecret(VAULT_PASSWORD))]).encrypt(text).decode()
    return "!vault |\n" + textwrap.indent(encrypted, "  ")


def test_the_password_may_be_a_vault_encrypted_string(portal, tmp_path, monkeypatch):
    config = ("plugin: gisadmin.notebook_server.portal\nportal_url: %s\nusername: %s\npassword: %s\n"
              % (PORTAL, USERNAME, _vaulted(PASSWORD)))
    path = _write(tmp_path, config)
    assert "$ANSIBLE_VAULT" in open(path).read() and PASSWORD not in open(path).read()
    inventory, _plugin = _parse(path, loader=_loader_with_vault(monkeypatch, VAULT_PASSWORD))
    assert _group(inventory, "notebook_servers") == ["nb1.example.com", "nb2.example.com"]
    assert portal.calls[0].form["password"] == PASSWORD


def test_a_wrong_vault_password_is_an_error(portal, tmp_path, monkeypatch):
    config = ("plugin: gisadmin.notebook_server.portal\nportal_url: %s\nusername: %s\npassword: %s\n"
              % (PORTAL, USERNAME, _vaulted(PASSWORD)))
    with pytest.raises(AnsibleError) as caught:
        _parse(_write(tmp_path, config), loader=_loader_with_vault(monkeypatch, b"another"))
    assert "ecrypt" in str(caught.value) or "vault" in str(caught.value).lower()
    assert portal.calls == []


def test_options_may_be_templates(portal, tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_PASSWORD_FOR_TEST", PASSWORD)
    config = _config(password="{{ lookup('ansible.builtin.env', 'PORTAL_PASSWORD_FOR_TEST') }}",
                     portal_url="{{ 'https://portal.example.com' }}/portal")
    inventory, _plugin = _parse(_write(tmp_path, config))
    assert len(_group(inventory, "notebook_servers")) == 2
    assert portal.calls[0].form["password"] == PASSWORD


def test_options_from_the_environment(portal, tmp_path, monkeypatch):
    monkeypatch.setenv("NOTEBOOK_SERVER_PORTAL_URL", PORTAL + "/home")
    monkeypatch.setenv("NOTEBOOK_SERVER_USERNAME", USERNAME)
    monkeypatch.setenv("NOTEBOOK_SERVER_PASSWORD", PASSWORD)
    monkeypatch.setenv("NOTEBOOK_SERVER_TOKEN_LOCATION", "header")
    inventory, _plugin = _parse(_write(tmp_path, {"plugin": "gisadmin.notebook_server.portal"}))
    assert len(_group(inventory, "notebook_servers")) == 2
    assert portal.calls[-1].headers["X-Esri-Authorization"] == "Bearer " + portal.tokens_issued[0]
    assert _host_vars(inventory, "nb1.example.com")["notebook_server_portal_url"] == PORTAL


def test_the_file_wins_over_the_environment(portal, tmp_path, monkeypatch):
    monkeypatch.setenv("NOTEBOOK_SERVER_PASSWORD", "Wrong-Pa55")
    inventory, _plugin = _parse(_write(tmp_path, _config()))
    assert len(_group(inventory, "notebook_servers")) == 2


def test_a_token_alone(portal, tmp_path):
    inventory, _plugin = _parse(_write(tmp_path, _config(username=None, password=None, token=GIVEN_TOKEN)))
    assert len(_group(inventory, "notebook_servers")) == 2
    assert [call.form.get("token") for call in portal.calls] == [GIVEN_TOKEN]


# -- errors --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("changes, words", [
    # Ansible's configuration checks the declared choices and required options, naming the option (each
    # ansible-core version in its own words).
    ({"portal_url": None}, ("portal_url", "required")),
    ({"url_from": "machine"}, ("machine", "url_from")),
    ({"hostnames": "fqdn"}, ("fqdn", "hostnames")),
    # The core checks the rest.
    ({"password": None}, ("password is required with username",)),
    ({"portal_url": "gis.example.com/portal"}, ("portal_url must be an http:// or https:// URL with a host",)),
    ({"group": "notebook-servers"}, ("group must be a group name of letters, digits and underscores",)),
    ({"server_types": []}, ("server_types must be a non-empty list",)),
    ({"timeout": 0}, ("timeout must be at least 0.001",)),
])
def test_bad_options_fail_before_any_request(portal, tmp_path, changes, words):
    with pytest.raises(AnsibleError) as caught:
        _parse(_write(tmp_path, _config(**changes)))
    assert all(word.lower() in str(caught.value).lower() for word in words), str(caught.value)
    assert portal.calls == []


def test_the_plugin_name_must_be_this_one(portal, tmp_path):
    with pytest.raises(AnsibleParserError) as caught:
        _parse(_write(tmp_path, _config(plugin="other.collection.portal")))
    assert "Incorrect plugin name" in str(caught.value)


@pytest.mark.parametrize("setup, words", [
    (lambda portal: None, "could not get a token: Unable to generate token.; Invalid username or password"),
    (lambda portal: setattr(portal, "portal_admin", False), "The account must be an administrator of this Portal"),
    (lambda portal: portal.script(SERVERS_PATH, Reply(200, "<html>Sign In</html>", {"Content-Type": "text/html"})),
     "no Portal for ArcGIS answers at this address: HTTP 200 answer is not JSON (text/html): Sign In"),
])
def test_portal_errors_fail_the_source_with_a_message_and_no_secret(portal, tmp_path, setup, words):
    setup(portal)
    password = "Wrong-Pa55" if "Invalid username" in words else PASSWORD
    with pytest.raises(AnsibleParserError) as caught:
        _parse(_write(tmp_path, _config(password=password, retries=0)))
    message = str(caught.value)
    assert message.startswith("Portal %s: " % PORTAL) and words in message
    assert password not in message and not any(token in message for token in portal.tokens_issued)


def test_retries_are_warnings(portal, tmp_path):
    portal.script(SERVERS_PATH, Reply(503, b"", {"Retry-After": "0"}))
    inventory, plugin = _parse(_write(tmp_path, _config()))
    assert len(_group(inventory, "notebook_servers")) == 2
    assert len(plugin.display.warnings) == 1 and plugin.display.warnings[0].startswith("Portal %s: HTTP 503" % PORTAL)


# -- the cache -----------------------------------------------------------------------------------------------------


def _cached(tmp_path, **changes):
    return _config(cache=True, cache_plugin="ansible.builtin.jsonfile", cache_connection=str(tmp_path / "cache"),
                   cache_timeout=3600, **changes)


def _reads(portal):
    return len(portal.calls_to("/portals/self/servers"))


def test_the_cache_spares_the_portal_and_keeps_no_secret(portal, tmp_path):
    path = _write(tmp_path, _cached(tmp_path))
    first, _plugin = _parse(path)
    assert _reads(portal) == 1
    files = os.listdir(str(tmp_path / "cache"))
    assert len(files) == 1
    stored = open(str(tmp_path / "cache" / files[0])).read()
    assert "nb1.example.com" in stored
    assert PASSWORD not in stored and not any(token in stored for token in portal.tokens_issued)
    second, _plugin = _parse(path)
    assert _reads(portal) == 1 and len(portal.tokens_issued) == 1
    assert _group(second, "notebook_servers") == _group(first, "notebook_servers")
    assert _host_vars(second, "nb1.example.com") == _host_vars(first, "nb1.example.com")


def test_options_apply_to_a_cached_list(portal, tmp_path):
    _parse(_write(tmp_path, _cached(tmp_path)))
    inventory, _plugin = _parse(_write(tmp_path, _cached(tmp_path, hostnames="id", url_from="public")))
    assert _reads(portal) == 1
    assert _group(inventory, "notebook_servers") == ["nb1id", "nb2id"]
    assert _host_vars(inventory, "nb1id")["notebook_server_url"] == "https://gis.example.com/notebooks"


def test_flush_cache_asks_the_portal_again_and_refreshes_the_cache(portal, tmp_path):
    path = _write(tmp_path, _cached(tmp_path))
    _parse(path)
    portal.portal_servers.append(federated_server("nb3.example.com"))
    inventory, _plugin = _parse(path, cache=False)  # --flush-cache, meta: refresh_inventory
    assert _reads(portal) == 2 and "nb3.example.com" in inventory.hosts
    again, _plugin = _parse(path)
    assert _reads(portal) == 2 and "nb3.example.com" in again.hosts


def test_a_cached_list_of_another_portal_is_not_used(portal, tmp_path):
    _parse(_write(tmp_path, _cached(tmp_path)))
    _parse(_write(tmp_path, _cached(tmp_path, portal_url="https://portal.example.com/portal/home")))
    assert _reads(portal) == 1  # the same Portal, written differently
    _parse(_write(tmp_path, _cached(tmp_path, portal_url="https://other.example.com/portal")))
    assert _reads(portal) == 2 and portal.calls[-1].url.startswith("https://other.example.com/portal/")


def test_without_the_cache_option_every_parse_asks(portal, tmp_path):
    path = _write(tmp_path, _config())
    _parse(path)
    _parse(path)
    assert _reads(portal) == 2


def test_bad_options_fail_also_with_a_cached_list(portal, tmp_path):
    _parse(_write(tmp_path, _cached(tmp_path)))
    with pytest.raises(AnsibleParserError) as caught:
        _parse(_write(tmp_path, _cached(tmp_path, password=None)))
    assert "password is required with username" in str(caught.value)


# -- documentation agrees with the argument spec -------------------------------------------------------------------


_TYPES = {"str": "str", "int": "int", "float": "float", "bool": "bool", "path": "path"}


def test_the_connection_fragment_documents_the_portal_argspec():
    options = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    assert sorted(options) == sorted(PORTAL_CONNECTION_ARGSPEC)
    for name, spec in PORTAL_CONNECTION_ARGSPEC.items():
        assert options[name]["type"] == _TYPES[spec["type"]], name
        assert options[name].get("default") == spec.get("default"), name
        assert options[name].get("required", False) == spec.get("required", False), name
        assert options[name].get("choices") == spec.get("choices"), name


def test_the_plugin_fragment_reads_the_environment_variables_modules_fall_back_to():
    plugins = yaml.safe_load(ModuleDocFragment.PLUGINS)["options"]
    assert sorted(plugins) == sorted(PORTAL_CONNECTION_ARGSPEC)
    for name, spec in PORTAL_CONNECTION_ARGSPEC.items():
        assert [entry["name"] for entry in plugins[name]["env"]] == spec["fallback"][1], name
        # A secret is never read from ansible.cfg.
        assert ("ini" in plugins[name]) is (not spec.get("no_log", False)), name


# -- the example of the docs -----------------------------------------------------------------------------------------


def test_the_example_inventory_file_works(portal, tmp_path, monkeypatch):
    root = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..")
    with open(os.path.join(root, "docs", "examples", "production.portal.yml"), encoding="utf-8") as handle:
        example = yaml.safe_load(handle)
    assert example["plugin"] == "gisadmin.notebook_server.portal"
    ca = tmp_path / "ca.pem"
    ca.write_text("not read by the fake")
    # Only what points at the writer's machine changes: the CA file and the cache directory.
    example.update(ca_path=str(ca), cache_connection=str(tmp_path / "cache"))
    monkeypatch.setenv("NOTEBOOK_SERVER_USERNAME", USERNAME)
    monkeypatch.setenv("NOTEBOOK_SERVER_PASSWORD", PASSWORD)
    inventory, _plugin = _parse(_write(tmp_path, example))
    assert _group(inventory, "notebook_servers") == ["nb1.example.com", "nb2.example.com"]
    assert _group(inventory, "behind_web_adaptor") == ["nb1.example.com"]
    assert _group(inventory, "role_federated_server") == ["nb1.example.com"]
    assert _host_vars(inventory, "nb2.example.com")["ansible_host"] == "nb2.example.com"
    assert portal.calls[0].verify == str(ca)
