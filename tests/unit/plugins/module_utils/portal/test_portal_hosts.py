# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which listed servers become hosts, what they are called and which variables they get."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    BadResponseError,
    OptionError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.hosts import (
    HostOptions,
    host_options,
    inventory_hosts,
    is_selected,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    federated_server,
)

PORTAL = "https://gis.example.com/portal"


def _hosts(records, warnings=None, **options):
    choice = host_options(OptionAdapter.from_dict(options))
    return inventory_hosts(records, PORTAL, choice, (warnings if warnings is not None else []).append)


def _names(records, **options):
    return [host.name for host in _hosts(records, **options)]


FLEET = [
    federated_server("gis-hosting.example.com", server_type="ArcGIS", role="HOSTING_SERVER", function=""),
    federated_server("nb1.example.com", server_id="nb1id"),
    federated_server("mission.example.com", server_type="ARCGIS_MISSION_SERVER", function="MissionServer"),
    federated_server("ga.example.com", server_type="ArcGIS", function="GeoAnalytics, notebookserver "),
    federated_server("nb2.example.com", server_type="arcgis_notebook_server", function=""),
]


def test_by_default_notebook_servers_by_type_or_by_function():
    assert _names(FLEET) == ["nb1.example.com", "ga.example.com", "nb2.example.com"]


@pytest.mark.parametrize("types, expected", [
    (["ArcGIS"], ["gis-hosting.example.com", "ga.example.com"]),
    (["arcgis_mission_server"], ["mission.example.com"]),
    # Only ARCGIS_NOTEBOOK_SERVER also matches by function: asked by type alone, ga (ArcGIS) is an ArcGIS server.
    (["ARCGIS_MISSION_SERVER", "ARCGIS_NOTEBOOK_SERVER"], ["nb1.example.com", "mission.example.com",
                                                           "ga.example.com", "nb2.example.com"]),
    ("ArcGIS, ARCGIS_MISSION_SERVER", ["gis-hosting.example.com", "mission.example.com", "ga.example.com"]),
    (["NotebookServer"], []),
])
def test_server_types(types, expected):
    assert _names(FLEET, server_types=types) == expected


def test_the_function_must_be_a_whole_item_of_the_list():
    record = federated_server("x.example.com", server_type="ArcGIS", function="GeoAnalytics,NotebookServerless")
    assert not is_selected({**record}, ["ARCGIS_NOTEBOOK_SERVER"])


def test_variables_of_a_host():
    record = federated_server("nb1.example.com", server_id="nb1id", function="NotebookServer, Other",
                              public_url="https://gis.example.com/notebooks/", role="FEDERATED_SERVER")
    host, = _hosts([record])
    assert host.name == "nb1.example.com"
    assert host.variables == {
        "notebook_server_url": "https://nb1.example.com:11443/arcgis",
        "notebook_server_public_url": "https://gis.example.com/notebooks",
        "notebook_server_portal_url": PORTAL,
        "notebook_server_id": "nb1id",
        "notebook_server_name": "nb1.example.com:11443",
        "notebook_server_type": "ARCGIS_NOTEBOOK_SERVER",
        "notebook_server_role": "FEDERATED_SERVER",
        "notebook_server_functions": ["NotebookServer", "Other"],
    }


@pytest.mark.parametrize("url_from, record, expected", [
    ("admin", federated_server("nb1.example.com"), "https://nb1.example.com:11443/arcgis"),
    ("admin", federated_server("nb1.example.com", admin_key="adminURL"), "https://nb1.example.com:11443/arcgis"),
    ("admin", federated_server("nb1.example.com", adminUrl="https://nb1.example.com:11443/arcgis/admin/"),
     "https://nb1.example.com:11443/arcgis"),
    ("admin", federated_server("nb1.example.com", admin_public_url="https://gis.example.com/nbadmin"),
     "https://nb1.example.com:11443/arcgis"),
    ("admin_public", federated_server("nb1.example.com", admin_public_url="https://gis.example.com/nbadmin"),
     "https://gis.example.com/nbadmin"),
    # Before 10.9.1 there is no adminPublicUrl: the admin URL, as Esri's own client does.
    ("admin_public", federated_server("nb1.example.com", admin_key="adminURL"), "https://nb1.example.com:11443/arcgis"),
    ("public", federated_server("nb1.example.com", public_url="https://gis.example.com/notebooks"),
     "https://gis.example.com/notebooks"),
])
def test_url_from(url_from, record, expected):
    host, = _hosts([record], url_from=url_from)
    assert host.variables["notebook_server_url"] == expected


def test_public_url_gives_web_adaptor_host_names():
    record = federated_server("nb1.example.com", public_url="https://gis.example.com/notebooks")
    assert _names([record], url_from="public") == ["gis.example.com"]


@pytest.mark.parametrize("url_from, record, words", [
    ("admin", federated_server("nb1.example.com", admin_key=None), "has no adminUrl or adminURL, so url_from=admin "
                                                                   "cannot address it; try url_from=public"),
    ("public", federated_server("nb1.example.com", url=None), "has no url, so url_from=public cannot address it"),
    ("admin", federated_server("nb1.example.com", adminUrl="ftp://nb1.example.com/arcgis"), "cannot be addressed: "
                                                                                            "adminUrl must be an"),
])
def test_a_selected_server_that_cannot_be_addressed_is_an_error(url_from, record, words):
    with pytest.raises(BadResponseError) as caught:
        _hosts([{key: value for key, value in record.items() if value is not None}], url_from=url_from)
    assert words in str(caught.value)
    assert str(caught.value).startswith("Portal %s: server nb1.example.com:11443 (id id-nb1)" % PORTAL)


def test_an_unusable_address_of_a_server_not_selected_does_not_matter():
    record = federated_server("m.example.com", server_type="ARCGIS_MISSION_SERVER", function="MissionServer",
                              admin_key=None)
    assert _hosts([record]) == []


def test_a_bad_public_url_is_left_out_with_a_warning():
    warnings = []
    host, = _hosts([federated_server("nb1.example.com", public_url="notebooks")], warnings)
    assert "notebook_server_public_url" not in host.variables
    assert warnings == ["Portal %s: server nb1.example.com:11443 (id id-nb1): its public url is left out: url must "
                        "be an http:// or https:// URL with a host, e.g. https://nb.example.com:11443/arcgis" % PORTAL]


@pytest.mark.parametrize("hostnames, expected", [
    ("url_host", ["nb1.example.com", "nb2.example.com"]),
    ("name", ["nb1.example.com:11443", "nb2.example.com:11443"]),
    ("id", ["id-nb1", "id-nb2"]),
])
def test_hostnames(hostnames, expected):
    records = [federated_server("nb1.example.com"), federated_server("nb2.example.com")]
    assert _names(records, hostnames=hostnames) == expected


def test_two_servers_are_never_one_host():
    # Two sites behind one Web Adaptor host: url_host would name both gis.example.com.
    records = [federated_server("nb1.example.com", public_url="https://gis.example.com/notebooks"),
               federated_server("nb2.example.com", public_url="https://gis.example.com/notebooks2")]
    with pytest.raises(BadResponseError) as caught:
        _hosts(records, url_from="public")
    assert ("servers nb1.example.com:11443 (id id-nb1) and nb2.example.com:11443 (id id-nb2) would both be host "
            "gis.example.com; choose hostnames=id") in str(caught.value)
    assert _names(records, url_from="public", hostnames="id") == ["id-nb1", "id-nb2"]


def test_a_server_without_the_chosen_name_is_an_error():
    record = federated_server("nb1.example.com", name=None)
    with pytest.raises(BadResponseError) as caught:
        _hosts([{key: value for key, value in record.items() if value is not None}], hostnames="name")
    assert "server id-nb1 in portals/self/servers has no name to name its host" in str(caught.value)


def test_defaults():
    assert host_options(OptionAdapter.from_dict({})) == HostOptions(("ARCGIS_NOTEBOOK_SERVER",), "admin", "url_host",
                                                                    "notebook_servers")


@pytest.mark.parametrize("options, words", [
    ({"url_from": "adminurl"}, "url_from must be one of admin, admin_public, public, not 'adminurl'"),
    ({"hostnames": "ip"}, "hostnames must be one of url_host, name, id, not 'ip'"),
    ({"server_types": []}, "server_types must be a non-empty list"),
    ({"server_types": ["ArcGIS", ""]}, "server_types holds '', which is not a server type"),
    ({"server_types": [3]}, "server_types holds 3"),
    ({"group": "notebook-servers"}, "group must be a group name of letters, digits and underscores"),
    ({"group": "1st"}, "not '1st'"),
])
def test_bad_options_are_named(options, words):
    with pytest.raises(OptionError) as caught:
        host_options(OptionAdapter.from_dict(options))
    assert words in str(caught.value)
