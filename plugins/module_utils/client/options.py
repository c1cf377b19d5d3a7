# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared connection options: declared once, read the same way from a module or a plugin, turned into a client.

``CONNECTION_ARGSPEC`` goes into every module's argument spec (with the environment fallbacks a module
needs); the doc fragment ``gisadmin.notebook_server.connection`` documents the same options.
``OptionAdapter`` hides where values come from (``module.params`` or a plugin's ``get_option``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional

from ansible.module_utils.basic import env_fallback

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import OptionError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.http import (
    DEFAULT_REFERER,
    TOKEN_LOCATIONS,
    NotebookServerClient,
    Verify,
    fold_verify,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.retry import RetryPolicy
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.secrets import has_control_characters
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.urls import (
    normalize_portal_url,
    normalize_site_url,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.tokens import (
    CredentialsTokenProvider,
    GivenTokenProvider,
    TokenProvider,
    TokenThenCredentialsProvider,
    portal_token_url,
    server_token_url,
)

DEFAULT_TIMEOUT = 30
DEFAULT_RETRIES = 3
DEFAULT_TOKEN_EXPIRATION = 60
ENV_PREFIX = "NOTEBOOK_SERVER_"


def _env(name: str) -> Dict[str, Any]:
    return {"fallback": (env_fallback, [ENV_PREFIX + name.upper()])}


CONNECTION_ARGSPEC: Dict[str, Dict[str, Any]] = {
    "url": dict(type="str", required=True, **_env("url")),
    "username": dict(type="str", **_env("username")),
    "password": dict(type="str", no_log=True, **_env("password")),
    "token": dict(type="str", no_log=True, **_env("token")),
    "portal_url": dict(type="str", **_env("portal_url")),
    "referer": dict(type="str", default=DEFAULT_REFERER, **_env("referer")),
    "token_expiration": dict(type="int", default=DEFAULT_TOKEN_EXPIRATION, no_log=False, **_env("token_expiration")),
    "token_location": dict(type="str", default="body", choices=list(TOKEN_LOCATIONS), no_log=False,
                           **_env("token_location")),
    "validate_certs": dict(type="bool", default=True, **_env("validate_certs")),
    "ca_path": dict(type="path", **_env("ca_path")),
    "timeout": dict(type="float", default=DEFAULT_TIMEOUT, **_env("timeout")),
    "retries": dict(type="int", default=DEFAULT_RETRIES, **_env("retries")),
}
CONNECTION_OPTION_NAMES = tuple(CONNECTION_ARGSPEC)


class OptionAdapter:
    """One way to read options, whatever holds them."""

    def __init__(self, getter: Callable[[str], Any]) -> None:
        self._getter = getter

    @classmethod
    def from_dict(cls, params: Mapping[str, Any]) -> "OptionAdapter":
        """For modules (``module.params``), action plugins (validated args) and tests."""
        return cls(params.get)

    @classmethod
    def from_plugin(cls, plugin: Any) -> "OptionAdapter":
        """For lookups and other plugins, after ``set_options``: env, ini and vars sources are honoured."""
        return cls(plugin.get_option)

    def get(self, name: str, default: Any = None) -> Any:
        value = self._getter(name)
        return default if value is None else value


@dataclass(frozen=True)
class ConnectionSettings:
    """Validated connection options. Secrets are excluded from ``repr``."""

    site_url: str
    username: Optional[str] = None
    password: Optional[str] = field(default=None, repr=False)
    token: Optional[str] = field(default=None, repr=False)
    portal_url: Optional[str] = None
    referer: str = DEFAULT_REFERER
    token_expiration: int = DEFAULT_TOKEN_EXPIRATION
    token_location: str = "body"
    verify: Verify = True
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES

    @property
    def auth_mode(self) -> str:
        """``token``, ``server``, ``portal``, ``token+server`` or ``token+portal``."""
        credentials = ("portal" if self.portal_url else "server") if self.username else ""
        if self.token:
            return "token+" + credentials if credentials else "token"
        return credentials


def id_list(options: OptionAdapter, name: str, validate: Callable[[str], str], what: str) -> List[str]:
    """The ids option ``name`` holds (one, or a list), each checked by ``validate``, repeats dropped, order kept;
    ``OptionError`` naming ``what`` (one id) when there is none."""
    given = options.get(name)
    if isinstance(given, str):
        given = [given]
    if not given:
        raise OptionError("%s is required: one %s or a list of them" % (name, what))
    return list(dict.fromkeys(validate(item) for item in given))


def _number(options: OptionAdapter, name: str, kind: Callable[[Any], Any], default: Any, minimum: float) -> Any:
    value = options.get(name, default)
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise OptionError("%s must be a number, not %r" % (name, value)) from None
    if number < minimum:
        raise OptionError("%s must be at least %s" % (name, minimum))
    return number


def _text(options: OptionAdapter, name: str) -> Optional[str]:
    value = options.get(name)
    return str(value) if value not in (None, "") else None


def connection_settings(options: OptionAdapter, portal: bool = False) -> ConnectionSettings:
    """Validate the connection options; ``OptionError`` says what is wrong and how to fix it.

    With ``portal`` the settings are for the Portal itself: ``portal_url`` is the address and the token source.
    """
    if portal:
        site_url = normalize_portal_url(options.get("portal_url"))
        portal_url: Optional[str] = site_url
    else:
        site_url = normalize_site_url(options.get("url"))
        portal_url = _text(options, "portal_url")
    username, password, token = _text(options, "username"), _text(options, "password"), _text(options, "token")
    if username and not password:
        raise OptionError("password is required with username")
    if password and not username:
        raise OptionError("username is required with password")
    for name, value in (("password", password), ("token", token)):
        if value and has_control_characters(value):
            # Never echo the value: requests would put its repr() in an error message.
            raise OptionError("%s contains a control character (a line break or a tab?), which no server accepts; "
                              "check how it is set, for example a vault file that ends with a newline" % name)
    if not token and not username:
        raise OptionError("no credentials: give username and password (a site administrator, or a Portal administrator "
                          "with portal_url), or token")
    token_location = str(options.get("token_location", "body"))
    if token_location not in TOKEN_LOCATIONS:
        raise OptionError("token_location must be one of %s" % ", ".join(TOKEN_LOCATIONS))
    ca_path = _text(options, "ca_path")
    validate_certs = options.get("validate_certs", True)
    if isinstance(validate_certs, str):
        validate_certs = validate_certs.strip().lower() not in ("0", "false", "no", "off", "n", "f")
    if ca_path is not None:
        ca_path = os.path.expanduser(ca_path)
        if validate_certs and not os.path.isfile(ca_path):
            raise OptionError("ca_path %s is not a file; give the PEM file of the CA that signed the server's "
                              "certificate" % ca_path)
    return ConnectionSettings(
        site_url=site_url,
        username=username,
        password=password,
        token=token,
        portal_url=normalize_portal_url(portal_url) if portal_url and not portal else portal_url,
        referer=_text(options, "referer") or DEFAULT_REFERER,
        token_expiration=_number(options, "token_expiration", int, DEFAULT_TOKEN_EXPIRATION, 1),
        token_location=token_location,
        verify=fold_verify(bool(validate_certs), ca_path),
        timeout=_number(options, "timeout", float, DEFAULT_TIMEOUT, 0.001),
        retries=_number(options, "retries", int, DEFAULT_RETRIES, 0),
    )


def token_provider_for(settings: ConnectionSettings) -> TokenProvider:
    """The provider the settings describe: credentials (server or Portal), a given token, or token then credentials."""
    credentials = None
    if settings.username and settings.password:
        if settings.portal_url:
            url, source = portal_token_url(settings.portal_url), "portal"
        else:
            url, source = server_token_url(settings.site_url), "server"
        credentials = CredentialsTokenProvider(url, settings.username, settings.password, settings.referer,
                                               settings.token_expiration, source)
    if settings.token:
        given = GivenTokenProvider(settings.token)
        return TokenThenCredentialsProvider(given, credentials) if credentials else given
    if credentials is None:
        raise OptionError("no credentials: give username and password, or token")
    return credentials


def open_client(settings: ConnectionSettings, on_retry: Optional[Callable[[str], None]] = None,
                **target: str) -> NotebookServerClient:
    """A client for the settings; ``on_retry`` gets one line per retried request.

    ``target`` (``api``, ``product``) points the client at another API of the address, such as a Portal's.
    """
    return NotebookServerClient(
        settings.site_url,
        token_provider_for(settings),
        verify=settings.verify,
        timeout=settings.timeout,
        retry_policy=RetryPolicy(retries=settings.retries),
        referer=settings.referer,
        token_location=settings.token_location,
        on_retry=on_retry,
        **target,
    )


def open_client_from(options: OptionAdapter, on_retry: Optional[Callable[[str], None]] = None) -> NotebookServerClient:
    """Validate the connection options and open a client: what every task does first."""
    return open_client(connection_settings(options), on_retry)
