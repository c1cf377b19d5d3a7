# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Portal's servers list: read with a Portal token, every record checked, an address that is no Portal named."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    AuthenticationError,
    BadResponseError,
    NotFoundError,
    PermissionDeniedError,
    TLSError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.client import open_portal_client
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.servers import read_servers
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    PASSWORD,
    PORTAL,
    SITE,
    USERNAME,
    Reply,
    federated_server,
)

SERVERS_PATH = "/portal/sharing/rest/portals/self/servers"


def _read(**options):
    values = {"portal_url": PORTAL + "/home/", "username": USERNAME, "password": PASSWORD, "retries": 0}
    values.update(options)
    with open_portal_client(OptionAdapter.from_dict(values)) as client:
        return read_servers(client)


@pytest.fixture
def portal(fake_server):
    fake_server.portal_servers = [
        federated_server("nb1.example.com", server_id="a1", isHosted=False, extra="dropped"),
        federated_server("gis.example.com", server_type="ArcGIS", role="HOSTING_SERVER", function=""),
    ]
    return fake_server


def test_the_list_is_read_with_a_portal_token_in_a_post_body(portal):
    records = _read()
    assert [record["id"] for record in records] == ["a1", "id-gis"]
    token_call, read_call = portal.calls
    assert token_call.url == PORTAL + "/sharing/rest/generateToken" and token_call.form["client"] == "referer"
    assert read_call.url == PORTAL + "/sharing/rest/portals/self/servers"
    assert read_call.method == "POST" and read_call.form["token"] == portal.tokens_issued[0]
    assert read_call.form["f"] == "json" and not read_call.query


def test_records_keep_only_the_known_fields(portal):
    first = _read()[0]
    assert first == {"id": "a1", "name": "nb1.example.com:11443", "url": "https://nb1.example.com:11443/arcgis",
                     "isHosted": False, "adminUrl": "https://nb1.example.com:11443/arcgis",
                     "serverType": "ARCGIS_NOTEBOOK_SERVER", "serverRole": "FEDERATED_SERVER",
                     "serverFunction": "NotebookServer"}


def test_empty_text_fields_are_absent(portal):
    # The hosting server's serverFunction is "": no function, not an error.
    assert "serverFunction" not in _read()[1]


@pytest.mark.parametrize("record, words", [
    ("jnot-a-record", "record 2 of portals/self/servers is not an object but str"),
    (None, "record 2 of portals/self/servers is not an object but NoneType"),
    (federated_server("nb2.example.com", server_type=None), "server nb2.example.com:11443 (id id-nb2) in "
                                                            "portals/self/servers has no serverType"),
    (federated_server("nb2.example.com", adminUrl=["https://x"]), "has a adminUrl that is not text (list)"),
])
def test_a_record_that_cannot_be_read_fails_the_whole_list(portal, record, words):
    portal.portal_servers.insert(1, record)
    with pytest.raises(BadResponseError) as caught:
        _read()
    assert words in str(caught.value)
    assert str(caught.value).startswith("Portal %s: " % PORTAL)


@pytest.mark.parametrize("body", [{"servers": None}, {"items": []}, ["servers"]])
def test_an_answer_without_a_servers_list_is_not_a_portal(portal, body):
    portal.script(SERVERS_PATH, Reply(200, body))
    with pytest.raises(BadResponseError) as caught:
        _read()
    assert "has no list of servers, so this is not a Portal for ArcGIS. Check portal_url" in str(caught.value)


def test_an_empty_list_is_an_empty_list(portal):
    portal.portal_servers = []
    assert _read() == []


def test_a_notebook_server_address_is_no_portal(fake_server):
    # portal_url set to a site: its sharing/rest/generateToken is the web server's 404 page.
    with pytest.raises(NotFoundError) as caught:
        _read(portal_url=SITE)
    message = str(caught.value)
    assert message.startswith("Portal %s: no Portal for ArcGIS answers at this address: could not get a token: "
                              "generateToken was not found (HTTP 404" % SITE)
    assert "The address does not answer as a Portal: check portal_url" in message
    assert "check url" not in message


def test_a_sign_in_page_is_no_portal(portal):
    portal.script(SERVERS_PATH, Reply(200, "<html><title>Sign In</title><body>ArcGIS Sign In</body></html>",
                                      {"Content-Type": "text/html"}))
    with pytest.raises(BadResponseError) as caught:
        _read()
    message = str(caught.value)
    assert "no Portal for ArcGIS answers at this address: HTTP 200 answer is not JSON (text/html): Sign In" in message
    assert "Check that portal_url is the Portal root" in message


def test_a_plain_user_may_not_list_the_servers(portal):
    portal.portal_admin = False
    with pytest.raises(PermissionDeniedError) as caught:
        _read()
    assert "The account must be an administrator of this Portal" in str(caught.value)
    assert str(caught.value).startswith("Portal ")


def test_bad_credentials_are_named_and_the_password_is_not(portal):
    with pytest.raises(AuthenticationError) as caught:
        _read(password="Wrong-Pa55")
    assert "could not get a token" in str(caught.value) and "Check username and password" in str(caught.value)
    assert "Wrong-Pa55" not in str(caught.value)


def test_tls_failure_names_the_portal_and_ca_path(portal):
    from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client import transport

    portal.script("/portal/sharing/rest/generateToken", transport.TLSFailed(
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain"))
    with pytest.raises(TLSError) as caught:
        _read()
    assert str(caught.value).startswith("Portal %s: TLS failed: certificate verify failed" % PORTAL)
    assert "set ca_path" in str(caught.value)


def test_transient_faults_are_retried_and_named_as_the_portal(portal):
    warnings = []
    portal.script(SERVERS_PATH, Reply(503, "<html>busy</html>", {"Content-Type": "text/html"}))
    values = {"portal_url": PORTAL, "username": USERNAME, "password": PASSWORD, "retries": 2}
    with open_portal_client(OptionAdapter.from_dict(values), on_retry=warnings.append) as client:
        assert len(read_servers(client)) == 2
    assert warnings and warnings[0].startswith("Portal %s: HTTP 503 on POST /portal/sharing/rest/portals/self/servers"
                                               % PORTAL)
