# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of a plugin that talks to the Portal itself (argspec: module_utils/portal/client.py)."""

from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  portal_url:
    description:
      - The root of the Portal for ArcGIS, for example V(https://gis.example.com/portal).
      - V(.../portal/), V(.../portal/home) or V(.../portal/sharing/rest) are accepted and mean the same Portal.
      - Only C(http) and C(https) URLs without credentials, query string or fragment are accepted.
    type: str
    required: true
  username:
    description:
      - An administrator of the Portal (a user whose role is C(org_admin)); other users may not list its servers.
      - A token is generated with O(username) and O(password) at the Portal's C(sharing/rest/generateToken), in a
        POST body, never in a URL.
    type: str
  password:
    description:
      - The password of O(username). Never logged, never sent in a URL, never stored in a host variable or a cache.
      - In an inventory file it may be a vault-encrypted string (C(!vault |)) or a Jinja2 template, for example
        a C(lookup) of a secret store.
      - A value with a control character (a line break, a tab) is refused before any request.
    type: str
  token:
    description:
      - A ready Portal token.
      - When O(username) and O(password) are given too, the token is used first and credentials only after the
        Portal has rejected the token (code 498).
      - Never logged, never sent in a URL, never stored. A value with a control character is refused.
    type: str
  referer:
    description:
      - The referer tokens are generated for (C(client=referer)); it is sent as the C(Referer) header of every request.
    type: str
    default: ansible-gisadmin-notebook_server
  token_expiration:
    description:
      - Lifetime asked for generated tokens, in minutes. The Portal may cap it.
    type: int
    default: 60
  token_location:
    description:
      - V(body) - the token travels in the POST body with the matching C(Referer) header.
      - V(header) - the token travels in an C(X-Esri-Authorization) header and reads are GET requests.
    type: str
    choices: [body, header]
    default: body
  validate_certs:
    description:
      - Check the Portal's TLS certificate. Turn off only for a test Portal; prefer O(ca_path) for a private CA.
      - Without O(ca_path) the certificate is checked against the system's trust store (of the host that runs the
        task, or of the execution environment), as C(curl) and M(ansible.builtin.uri) check it.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file with the CA certificate(s) that signed the Portal's certificate.
      - Used for every request in place of the system trust store; no environment variable replaces it.
    type: path
  timeout:
    description:
      - Seconds to wait for the connection, and for each part of an answer to come.
      - A whole answer must arrive within four times this; an answer larger than 256 MiB is refused.
    type: float
    default: 30
  retries:
    description:
      - How many times a read or a token request is repeated after a connection error, a timeout or an HTTP
        429, 500, 502, 503 or 504 answer, with exponential backoff (1s, 2s, 4s, ...) or the Portal's
        C(Retry-After) (at most 60 seconds). Each retry is reported as a warning.
      - 400, 401, 403 and 404 answers are never repeated.
    type: int
    default: 3
notes:
  - Needs no Python library beyond ansible-core.
  - Requests go through the proxy that E(https_proxy) (or E(http_proxy) for an C(http) URL, or E(all_proxy)) names,
    unless E(no_proxy) names the host (a name, a domain, an address or a network such as C(10.0.0.0/8)); an
    C(http://) proxy, with credentials in its URL when it needs them (special characters %-escaped).
"""

    # Configuration from the environment (the names the modules fall back to) and ansible.cfg.
    PLUGINS = r"""
options:
  portal_url:
    env:
      - name: NOTEBOOK_SERVER_PORTAL_URL
    ini:
      - section: notebook_server
        key: portal_url
  username:
    env:
      - name: NOTEBOOK_SERVER_USERNAME
    ini:
      - section: notebook_server
        key: username
  password:
    env:
      - name: NOTEBOOK_SERVER_PASSWORD
  token:
    env:
      - name: NOTEBOOK_SERVER_TOKEN
  referer:
    env:
      - name: NOTEBOOK_SERVER_REFERER
    ini:
      - section: notebook_server
        key: referer
  token_expiration:
    env:
      - name: NOTEBOOK_SERVER_TOKEN_EXPIRATION
    ini:
      - section: notebook_server
        key: token_expiration
  token_location:
    env:
      - name: NOTEBOOK_SERVER_TOKEN_LOCATION
    ini:
      - section: notebook_server
        key: token_location
  validate_certs:
    env:
      - name: NOTEBOOK_SERVER_VALIDATE_CERTS
    ini:
      - section: notebook_server
        key: validate_certs
  ca_path:
    env:
      - name: NOTEBOOK_SERVER_CA_PATH
    ini:
      - section: notebook_server
        key: ca_path
  timeout:
    env:
      - name: NOTEBOOK_SERVER_TIMEOUT
    ini:
      - section: notebook_server
        key: timeout
  retries:
    env:
      - name: NOTEBOOK_SERVER_RETRIES
    ini:
      - section: notebook_server
        key: retries
"""
