# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options every module and plugin of this collection shares (argspec: module_utils/connection_options.py)."""

from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  url:
    description:
      - The site root of the ArcGIS Notebook Server, for example V(https://nb.example.com:11443/arcgis), or the
        root of its Web Adaptor, for example V(https://gis.example.com/notebooks).
      - A trailing V(/), V(/admin) or any address below the site (such as V(.../arcgis/admin/system/jobs)) is
        accepted and means the same site; V(https://nb.example.com:11443) means V(https://nb.example.com:11443/arcgis).
      - Only C(http) and C(https) URLs without credentials, query string or fragment are accepted.
      - For modules, the environment variable E(NOTEBOOK_SERVER_URL) is used when this is not set; every other
        connection option also falls back to E(NOTEBOOK_SERVER_<OPTION>), for example E(NOTEBOOK_SERVER_PASSWORD).
    type: str
    required: true
  username:
    description:
      - An administrator of the site (the primary site administrator, or a Portal administrator with O(portal_url)).
      - A token is generated with O(username) and O(password) in a POST body, never in a URL.
    type: str
  password:
    description:
      - The password of O(username). Never logged, never sent in a URL, never returned.
      - A value with a control character (a line break, a tab) is refused before any request.
    type: str
  token:
    description:
      - A ready token, for example a Portal administrator's token on a federated site.
      - When O(username) and O(password) are given too, the token is used first and credentials only after the
        server has rejected the token (code 498).
      - Never logged, never sent in a URL, never returned. A value with a control character is refused.
      - A generated token is renewed a minute before it expires (on the server's clock).
    type: str
  portal_url:
    description:
      - The Portal for ArcGIS the site is federated with, for example V(https://gis.example.com/portal).
      - When set, O(username) and O(password) get a token from the Portal's C(sharing/rest/generateToken) instead of
        the server's C(admin/generateToken). Needed on 12.0+ sites whose primary site administrator is disabled.
    type: str
  referer:
    description:
      - The referer tokens are generated for (C(client=referer)); it is sent as the C(Referer) header of every request.
    type: str
    default: ansible-gisadmin-notebook_server
  token_expiration:
    description:
      - Lifetime asked for generated tokens, in minutes. The server may cap it; a token that expires is renewed once.
    type: int
    default: 60
  token_location:
    description:
      - V(body) - the token travels in the POST body with the matching C(Referer) header (as Esri's admin tools do).
      - V(header) - the token travels in an C(X-Esri-Authorization) header and reads are GET requests.
    type: str
    choices: [body, header]
    default: body
  validate_certs:
    description:
      - Check the server's TLS certificate. Turn off only for a test site; prefer O(ca_path) for a private CA.
      - Without O(ca_path) the certificate is checked against the system's trust store (of the host that runs the
        task, or of the execution environment), as C(curl) and M(ansible.builtin.uri) check it.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file with the CA certificate(s) that signed the server's certificate.
      - Used for every request in place of the system trust store; no environment variable replaces it.
    type: path
  timeout:
    description:
      - Seconds to wait for the connection, and for each part of an answer to come.
      - A whole answer must arrive within four times this, so a server that sends its answer a few bytes at a
        time cannot hold a task; an answer larger than 256 MiB is refused.
    type: float
    default: 30
  retries:
    description:
      - How many times a read or a token request is repeated after a connection error, a timeout or an HTTP
        429, 500, 502, 503 or 504 answer, with exponential backoff (1s, 2s, 4s, ...) or the server's
        C(Retry-After) (at most 60 seconds). Each retry is reported as a warning.
      - 400, 401, 403 and 404 answers are never repeated.
    type: int
    default: 3
notes:
  - Needs no Python library beyond ansible-core, except C(jmespath) for a JMESPath C(query) (on the controller for a lookup;
    on the target, usually V(localhost), for a module).
  - Requests go through the proxy that E(https_proxy) (or E(http_proxy) for an C(http) URL, or E(all_proxy)) names,
    unless E(no_proxy) names the host (a name, a domain, an address or a network such as C(10.0.0.0/8)); an
    C(http://) proxy, with credentials in its URL when it needs them (special characters %-escaped).
"""

    # The same connection options for a module that talks to the Portal itself (argspec: portal/client.py,
    # PORTAL_CONNECTION_ARGSPEC): no site url; portal_url is the address and where tokens come from.
    PORTAL = r"""
options:
  portal_url:
    description:
      - The Portal for ArcGIS, for example V(https://gis.example.com/portal). A trailing V(/), V(/home) or
        V(/sharing/rest) is accepted and means the same Portal.
      - Tokens for O(username) and O(password) come from its C(sharing/rest/generateToken), in a POST body, never in
        a URL.
      - For modules, the environment variable E(NOTEBOOK_SERVER_PORTAL_URL) is used when this is not set; every other
        connection option also falls back to E(NOTEBOOK_SERVER_<OPTION>), for example E(NOTEBOOK_SERVER_PASSWORD).
    type: str
    required: true
  username:
    description:
      - A Portal administrator (a user whose role has the administrative privileges), or for a user's own
        scheduled tasks that user.
    type: str
  password:
    description:
      - The password of O(username). Never logged, never sent in a URL, never returned.
      - A value with a control character (a line break, a tab) is refused before any request.
    type: str
  token:
    description:
      - A ready Portal token. When O(username) and O(password) are given too, the token is used first and
        credentials only after the Portal has rejected the token (code 498).
      - Never logged, never sent in a URL, never returned. A value with a control character is refused.
    type: str
  referer:
    description:
      - The referer tokens are generated for (C(client=referer)); it is sent as the C(Referer) header of every request.
    type: str
    default: ansible-gisadmin-notebook_server
  token_expiration:
    description:
      - Lifetime asked for generated tokens, in minutes. The Portal may cap it; a token that expires is renewed once.
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
      - Seconds to wait for the connection, and for each part of an answer to come; a whole answer must arrive
        within four times this.
    type: float
    default: 30
  retries:
    description:
      - How many times a read or a token request is repeated after a connection error, a timeout or an HTTP
        429, 500, 502, 503 or 504 answer, with exponential backoff. Each retry is reported as a warning.
      - Writes (pausing or resuming a task) are never repeated blindly; 400, 401, 403 and 404 answers are never
        repeated.
    type: int
    default: 3
notes:
  - Needs no Python library beyond ansible-core.
  - Requests go through the proxy that E(https_proxy) (or E(http_proxy) for an C(http) URL, or E(all_proxy)) names,
    unless E(no_proxy) names the host (a name, a domain, an address or a network such as C(10.0.0.0/8)); an
    C(http://) proxy, with credentials in its URL when it needs them (special characters %-escaped).
"""

    # What only plugins (lookups) can add: configuration from the environment, ansible.cfg and variables.
    PLUGINS = r"""
options:
  url:
    env:
      - name: NOTEBOOK_SERVER_URL
    ini:
      - section: notebook_server
        key: url
    vars:
      - name: notebook_server_url
  username:
    env:
      - name: NOTEBOOK_SERVER_USERNAME
    ini:
      - section: notebook_server
        key: username
    vars:
      - name: notebook_server_username
  password:
    env:
      - name: NOTEBOOK_SERVER_PASSWORD
    vars:
      - name: notebook_server_password
  token:
    env:
      - name: NOTEBOOK_SERVER_TOKEN
    vars:
      - name: notebook_server_token
  portal_url:
    env:
      - name: NOTEBOOK_SERVER_PORTAL_URL
    ini:
      - section: notebook_server
        key: portal_url
    vars:
      - name: notebook_server_portal_url
  referer:
    env:
      - name: NOTEBOOK_SERVER_REFERER
    ini:
      - section: notebook_server
        key: referer
    vars:
      - name: notebook_server_referer
  token_expiration:
    env:
      - name: NOTEBOOK_SERVER_TOKEN_EXPIRATION
    ini:
      - section: notebook_server
        key: token_expiration
    vars:
      - name: notebook_server_token_expiration
  token_location:
    env:
      - name: NOTEBOOK_SERVER_TOKEN_LOCATION
    ini:
      - section: notebook_server
        key: token_location
    vars:
      - name: notebook_server_token_location
  validate_certs:
    env:
      - name: NOTEBOOK_SERVER_VALIDATE_CERTS
    ini:
      - section: notebook_server
        key: validate_certs
    vars:
      - name: notebook_server_validate_certs
  ca_path:
    env:
      - name: NOTEBOOK_SERVER_CA_PATH
    ini:
      - section: notebook_server
        key: ca_path
    vars:
      - name: notebook_server_ca_path
  timeout:
    env:
      - name: NOTEBOOK_SERVER_TIMEOUT
    ini:
      - section: notebook_server
        key: timeout
    vars:
      - name: notebook_server_timeout
  retries:
    env:
      - name: NOTEBOOK_SERVER_RETRIES
    ini:
      - section: notebook_server
        key: retries
    vars:
      - name: notebook_server_retries
"""
