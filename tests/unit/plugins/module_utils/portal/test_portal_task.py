# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Portal inventory task: options first, one read (or none with a cached list), an empty fleet is a warning."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import OptionError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.task import run_inventory
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    PASSWORD,
    PORTAL,
    USERNAME,
    federated_server,
)

OPTIONS = {"portal_url": PORTAL + "/sharing/rest", "username": USERNAME, "password": PASSWORD}


def _run(warnings=None, listed=None, **changes):
    return run_inventory(OptionAdapter.from_dict(dict(OPTIONS, **changes)), False,
                         (warnings if warnings is not None else []).append, listed)


@pytest.fixture
def portal(fake_server):
    fake_server.portal_servers = [federated_server("nb1.example.com"),
                                  federated_server("gis.example.com", server_type="ArcGIS", function="")]
    return fake_server


def test_one_token_one_read_and_the_hosts(portal):
    result = _run()
    assert result["portal_url"] == PORTAL and result["read"] is True and result["group"] == "notebook_servers"
    assert [host.name for host in result["hosts"]] == ["nb1.example.com"]
    assert [record["id"] for record in result["servers"]] == ["id-nb1", "id-gis"]
    assert [call.path for call in portal.calls] == ["/portal/sharing/rest/generateToken",
                                                    "/portal/sharing/rest/portals/self/servers"]


def test_a_given_list_spares_the_portal(portal):
    listed = [federated_server("nb9.example.com")]
    result = _run(listed=listed, url_from="public")
    assert result["read"] is False and portal.calls == []
    assert [host.name for host in result["hosts"]] == ["nb9.example.com"]


@pytest.mark.parametrize("changes, words", [
    ({"password": None}, "password is required with username"),
    ({"portal_url": "gis.example.com/portal"}, "portal_url must be an http:// or https:// URL"),
    ({"url_from": "machine"}, "url_from must be one of"),
    ({"timeout": 0}, "timeout must be at least"),
])
def test_every_option_is_checked_before_any_request_even_with_a_given_list(portal, changes, words):
    for listed in (None, [federated_server("nb9.example.com")]):
        with pytest.raises(OptionError) as caught:
            _run(listed=listed, **changes)
        assert words in str(caught.value)
    assert portal.calls == []


def test_no_notebook_server_is_an_empty_group_and_a_warning(portal):
    portal.portal_servers = portal.portal_servers[1:]
    warnings = []
    result = _run(warnings)
    assert result["hosts"] == [] and result["group"] == "notebook_servers"
    assert warnings == ["Portal %s lists no server of the types ARCGIS_NOTEBOOK_SERVER (1 server listed; their "
                        "types: ArcGIS): group notebook_servers is empty" % PORTAL]


def test_a_portal_with_no_server_at_all(portal):
    portal.portal_servers = []
    warnings = []
    assert _run(warnings, group="nb")["hosts"] == []
    assert warnings == ["Portal %s lists no server of the types ARCGIS_NOTEBOOK_SERVER (0 servers listed; their "
                        "types: none): group nb is empty" % PORTAL]


def test_nothing_secret_in_the_result(portal):
    result = _run(token_location="header")
    text = repr(result)
    assert PASSWORD not in text and not any(token in text for token in portal.tokens_issued)
    assert portal.calls[-1].headers["X-Esri-Authorization"] == "Bearer " + portal.tokens_issued[0]
