# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared connection options: validation, auth modes, the option adapter, the argspec."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import (
    CONNECTION_ARGSPEC,
    OptionAdapter,
    connection_settings,
    token_provider_for,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import OptionError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.tokens import (
    CredentialsTokenProvider,
    GivenTokenProvider,
    TokenThenCredentialsProvider,
)

BASE = {"url": "https://nb.example.com:11443/arcgis/admin/", "username": "admin", "password": "pw-secret-1"}


def _settings(**changes):
    values = dict(BASE)
    values.update(changes)
    return connection_settings(OptionAdapter.from_dict(values))


def test_defaults():
    settings = _settings()
    assert settings.site_url == "https://nb.example.com:11443/arcgis"
    assert (settings.verify, settings.timeout, settings.retries, settings.token_expiration) == (True, 30.0, 3, 60)
    assert settings.token_location == "body"
    assert settings.auth_mode == "server"


def test_secrets_are_not_in_repr():
    text = repr(_settings(token="tok-secret-2"))
    assert "pw-secret-1" not in text and "tok-secret-2" not in text


@pytest.mark.parametrize("changes, mode, provider_type", [
    ({}, "server", CredentialsTokenProvider),
    ({"portal_url": "https://p.example.com/portal/sharing/rest"}, "portal", CredentialsTokenProvider),
    ({"username": None, "password": None, "token": "t"}, "token", GivenTokenProvider),
    ({"token": "t"}, "token+server", TokenThenCredentialsProvider),
    ({"token": "t", "portal_url": "https://p.example.com/portal"}, "token+portal", TokenThenCredentialsProvider),
])
def test_auth_modes(changes, mode, provider_type):
    settings = _settings(**changes)
    assert settings.auth_mode == mode
    assert isinstance(token_provider_for(settings), provider_type)


def test_portal_provider_uses_the_normalised_portal():
    provider = token_provider_for(_settings(portal_url="https://p.example.com/portal/home"))
    assert provider.token_url == "https://p.example.com/portal/sharing/rest/generateToken"
    assert provider.source == "portal"


@pytest.mark.parametrize("changes, words", [
    ({"password": None}, "password is required with username"),
    ({"username": None}, "username is required with password"),
    ({"username": None, "password": None}, "no credentials"),
    ({"username": "", "password": ""}, "no credentials"),
    ({"url": "nb.example.com"}, "http:// or https://"),
    ({"url": None}, "url is required"),
    ({"timeout": 0}, "timeout must be at least"),
    ({"timeout": "soon"}, "timeout must be a number"),
    ({"retries": -1}, "retries must be at least 0"),
    ({"token_expiration": 0}, "token_expiration must be at least 1"),
    ({"token_location": "query"}, "token_location must be one of body, header"),
    ({"ca_path": "/no/such/ca.pem"}, "ca_path /no/such/ca.pem is not a file"),
    ({"portal_url": "ftp://p"}, "portal_url"),
])
def test_bad_options(changes, words):
    with pytest.raises(OptionError) as caught:
        _settings(**changes)
    assert words in str(caught.value)
    assert "pw-secret-1" not in str(caught.value)


def test_ca_path_folds_into_verify(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    assert _settings(ca_path=str(ca)).verify == str(ca)
    assert _settings(ca_path=str(ca), validate_certs=False).verify is False
    assert _settings(ca_path="/missing.pem", validate_certs=False).verify is False  # not checked when unused


@pytest.mark.parametrize("value, expected", [("false", False), ("no", False), ("0", False), ("true", True), (True, True)])
def test_validate_certs_from_strings(value, expected):
    assert _settings(validate_certs=value).verify is expected


def test_option_adapter_from_plugin_uses_get_option():
    class Plugin:
        def get_option(self, name):
            return {"url": "https://gis.example.com/notebooks/", "token": "t"}.get(name)

    settings = connection_settings(OptionAdapter.from_plugin(Plugin()))
    assert settings.site_url == "https://gis.example.com/notebooks"
    assert settings.auth_mode == "token"


def test_option_adapter_default_for_none():
    adapter = OptionAdapter.from_dict({"a": None, "b": 0})
    assert adapter.get("a", 5) == 5
    assert adapter.get("b", 5) == 0


def test_argspec_secrets_are_no_log_and_every_option_has_an_env_fallback():
    assert CONNECTION_ARGSPEC["password"]["no_log"] is True
    assert CONNECTION_ARGSPEC["token"]["no_log"] is True
    for name, spec in CONNECTION_ARGSPEC.items():
        assert spec["fallback"][1] == ["NOTEBOOK_SERVER_" + name.upper()]
