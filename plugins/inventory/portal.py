# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: portal
short_description: The ArcGIS Notebook Servers federated with a Portal for ArcGIS, as an inventory
version_added: 0.1.0
description:
  - Reads the servers federated with a Portal for ArcGIS (C(sharing/rest/portals/self/servers)) and makes each
    Notebook Server a host of the group O(group), with the variables every module and role of this collection
    reads (C(notebook_server_url), C(notebook_server_portal_url)).
  - Uses a YAML configuration file whose name ends with C(.portal.yml) or C(.portal.yaml).
  - "Each host gets these variables: C(notebook_server_url) (the site root, see O(url_from)),
    C(notebook_server_public_url) (the site root from the server's public C(url)), C(notebook_server_portal_url)
    (the Portal, so modules get their tokens there), C(notebook_server_id), C(notebook_server_name),
    C(notebook_server_type), C(notebook_server_role) and C(notebook_server_functions) (a list)."
  - No secret becomes a variable or enters the cache. Give the modules their credentials (a Portal administrator)
    in vaulted C(group_vars), as C(notebook_server_username) and C(notebook_server_password).
  - A Portal that lists no matching server gives an empty group and a warning. Any other failure (credentials,
    an address that is not a Portal, TLS, an unreadable answer) fails the inventory source with a message; set
    C(any_unparsed_is_failed = true) in the C([inventory]) section of C(ansible.cfg) so that a play does not go on
    without it.
author:
  - gisadmin.notebook_server contributors (@gisadmin)
extends_documentation_fragment:
  - gisadmin.notebook_server.portal_connection
  - gisadmin.notebook_server.portal_connection.plugins
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description: The name of this plugin; it marks the file as a source for it.
    required: true
    type: str
    choices: [gisadmin.notebook_server.portal]
  server_types:
    description:
      - The C(serverType) values of the servers to take, in any case.
      - V(ARCGIS_NOTEBOOK_SERVER) also takes a server of another type whose comma-separated C(serverFunction)
        names V(NotebookServer), as Esri's own client does.
    type: list
    elements: str
    default: [ARCGIS_NOTEBOOK_SERVER]
  url_from:
    description:
      - Where C(notebook_server_url), the site root the modules talk to, comes from.
      - V(admin) - the server's C(adminUrl) (the property table spells it C(adminURL); both are read), usually the
        machine's own address, for example V(https://nb1.example.com:11443/arcgis).
      - V(admin_public) - C(adminPublicUrl) (since 10.9.1), which Esri's own client prefers, else the admin URL.
      - V(public) - the server's C(url), usually its Web Adaptor, for example V(https://gis.example.com/notebooks).
      - A selected server without the field is an error that names it.
    type: str
    choices: [admin, admin_public, public]
    default: admin
  hostnames:
    description:
      - How each host is named.
      - V(url_host) - the host name of C(notebook_server_url), for example V(nb1.example.com).
      - V(name) - the server's C(name) in the Portal, often C(host:port); quote such names in host patterns.
      - V(id) - the server's id in the Portal.
      - Two servers that would get one name are an error that names both (never one host for two servers).
    type: str
    choices: [url_host, name, id]
    default: url_host
  group:
    description:
      - The group every selected server joins; the collection's playbooks target V(notebook_servers) by default.
      - The group exists, empty, when the Portal lists no matching server.
    type: str
    default: notebook_servers
seealso:
  - ref: ansible_collections.gisadmin.notebook_server.docsite.guide_inventory
    description: Inventory from your Portal, in the user guide.
  - module: gisadmin.notebook_server.notebook_server_jobs_info
"""

EXAMPLES = r"""
---
# production.portal.yml: every Notebook Server federated with the Portal, in the group notebook_servers.
plugin: gisadmin.notebook_server.portal
portal_url: https://gis.example.com/portal
username: portaladmin
password: !vault |
  $ANSIBLE_VAULT;1.1;AES256
  6231...
ca_path: /etc/pki/tls/certs/example-ca.pem

---
# Servers named by their Portal name, their Web Adaptor as the site root, groups per role and per function.
plugin: gisadmin.notebook_server.portal
portal_url: https://gis.example.com/portal
username: "{{ lookup('ansible.builtin.env', 'PORTAL_USER') }}"
password: "{{ lookup('ansible.builtin.env', 'PORTAL_PASSWORD') }}"
hostnames: name
url_from: public
keyed_groups:
  - key: notebook_server_role | lower
    prefix: role
  - key: notebook_server_functions
    prefix: function
groups:
  behind_web_adaptor: notebook_server_public_url != notebook_server_url
compose:
  # SSH to the machine for other tasks (the collection's own modules run on the controller).
  ansible_host: notebook_server_url | urlsplit('hostname')

---
# Credentials from the environment (NOTEBOOK_SERVER_USERNAME, NOTEBOOK_SERVER_PASSWORD), the servers list
# cached for an hour between runs.
plugin: gisadmin.notebook_server.portal
portal_url: https://gis.example.com/portal
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ansible-inventory
cache_timeout: 3600
"""

from typing import Any, Dict, List, Optional

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    MissingLibraryError,
    NotebookServerError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.urls import normalize_portal_url
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.task import run_inventory

FILE_SUFFIXES = (".portal.yml", ".portal.yaml")
# Options a user may write as a Jinja2 template (a lookup of a secret store, for example).
TEMPLATED_OPTIONS = ("portal_url", "username", "password", "token", "referer", "ca_path")
CACHE_SCHEMA = 1


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = "gisadmin.notebook_server.portal"

    def verify_file(self, path: str) -> bool:
        return super().verify_file(path) and path.endswith(FILE_SUFFIXES)

    def _option(self, name: str) -> Any:
        value = self.get_option(name)
        if name in TEMPLATED_OPTIONS and isinstance(value, str) and self.templar.is_template(value):
            value = self.templar.template(value)
        return value

    def _cached_servers(self, cache_key: str, portal_url: Optional[str]) -> Optional[List[Dict[str, Any]]]:
        """The servers list kept by an earlier run for this file and this Portal, or None."""
        try:
            entry = self._cache[cache_key]
        except KeyError:
            return None
        if (not isinstance(entry, dict) or entry.get("schema") != CACHE_SCHEMA or entry.get("portal_url") != portal_url
                or not isinstance(entry.get("servers"), list)):
            return None  # another Portal's list, or another version's: ask the Portal
        return entry["servers"]

    def parse(self, inventory: Any, loader: Any, path: str, cache: bool = True) -> None:
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        options = OptionAdapter(self._option)
        # cache is False with --flush-cache and meta: refresh_inventory; the cache option is the user's choice.
        use_cache = bool(self.get_option("cache"))
        cache_key = self.get_cache_key(path)
        listed = None
        try:
            if use_cache and cache:
                listed = self._cached_servers(cache_key, normalize_portal_url(options.get("portal_url")))
            result = run_inventory(options, False, self.display.warning, listed)
        except MissingLibraryError as exc:
            raise AnsibleParserError(missing_required_lib(exc.library)) from None
        except NotebookServerError as exc:
            raise AnsibleParserError(str(exc)) from None
        self._populate(result)
        if use_cache and result["read"]:
            self._cache[cache_key] = {"schema": CACHE_SCHEMA, "portal_url": result["portal_url"],
                                      "servers": result["servers"]}

    def _populate(self, result: Dict[str, Any]) -> None:
        group = self.inventory.add_group(result["group"])
        strict = self.get_option("strict")
        for host in result["hosts"]:
            self.inventory.add_host(host.name, group=group)
            for name, value in host.variables.items():
                # What a Portal says is data: never a template to render.
                self.inventory.set_variable(host.name, name, wrap_var(value))
            variables = self.inventory.get_host(host.name).get_vars()
            try:
                self._set_composite_vars(self.get_option("compose"), variables, host.name, strict=strict)
                self._add_host_to_composed_groups(self.get_option("groups"), variables, host.name, strict=strict)
                self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, host.name, strict=strict)
            except AnsibleError as exc:
                raise AnsibleParserError("host %s: %s" % (host.name, exc)) from None
