"""The emulated Portal: tokens and roles, portals/self, the federated servers list and its switches, federation
(its administrators' tokens work on its servers, nobody else's), faults and the request log on Portal paths."""

from __future__ import annotations

import socket
import ssl
import urllib.request

import pytest
import requests

from conftest import REFERER, launch
from notebook_server_emulator.control import ControlApiError
from notebook_server_emulator.portal.control import portal_token

NOTEBOOK_FIELDS = {"id", "name", "url", "isHosted", "adminUrl", "adminPublicUrl", "serverType", "serverRole",
                   "serverFunction"}


def _server_jobs(server, token: str, channel: str = "header", referer: str = REFERER) -> dict:
    """admin/system/jobs with a Portal token, in the header (Esri's client) or the POST body (Esri's Chef)."""
    headers = {"Referer": referer}
    data = {"f": "json", "detail": "true"}
    if channel == "header":
        headers["X-Esri-Authorization"] = "Bearer " + token
    elif channel == "authorization":
        headers["Authorization"] = "Bearer " + token
    else:
        data["token"] = token
    answer = server.session.post(server.admin_url + "/system/jobs", data=data, headers=headers, verify=server.verify,
                                 timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_fleet_shares_one_ca_and_lists_its_servers(fleet):
    portal = fleet.portal
    context = ssl.create_default_context(cafile=fleet.ca_path)
    urls = [portal.sharing_url + "/info?f=json"]
    urls += [server.url + "/rest/info/healthcheck?f=json" for server in fleet.servers]
    for url in urls:
        with urllib.request.urlopen(url, context=context, timeout=10) as answer:
            assert answer.status == 200
    assert portal.info["url"].endswith("/portal") and portal.info["ca_path"] == fleet.ca_path
    listed = {server["id"] for server in portal.control.servers()}
    assert {server.portal_server_id for server in fleet.servers} <= listed
    assert all(server.control.federation()["portal_url"] == portal.url for server in fleet.servers)


def test_generate_token_needs_a_post_with_credentials_in_the_body(fleet):
    portal = fleet.portal
    username, password = portal.credentials()
    portal.control.clear_requests()
    answer = portal.session.post(portal.sharing_url + "/generateToken", verify=portal.verify, timeout=10, data={
        "username": username, "password": password, "client": "referer", "referer": REFERER, "expiration": "30",
        "f": "json"}).json()
    assert set(answer) == {"token", "expires", "ssl"}
    assert 0 < answer["expires"] - portal.control.state()["now_ms"] <= 30 * 60_000
    in_url = portal.session.get(portal.sharing_url + "/generateToken", verify=portal.verify, timeout=10,
                                params={"username": username, "password": password, "f": "json"}).json()
    assert in_url["error"]["code"] == 400 and "token" not in in_url
    posted_in_url = portal.session.post(portal.sharing_url + "/generateToken", verify=portal.verify, timeout=10,
                                        params={"username": username, "password": password},
                                        data={"f": "json", "client": "requestip"}).json()
    assert posted_in_url["error"]["code"] == 400
    wrong = portal.sharing("generateToken", method="POST", username=username, password="wrong", client="requestip")
    assert wrong == {"error": {"code": 400, "message": "Unable to generate token.",
                               "details": ["Invalid username or password."]}}
    no_referer = portal.sharing("generateToken", method="POST", username=username, password=password,
                                client="referer")
    assert no_referer["error"]["code"] == 400
    log = portal.control.requests()
    assert [entry["resource"] for entry in log] == ["sharing/rest/generateToken"] * 5
    assert [entry["secret_in_url"] for entry in log] == [False, True, True, False, False]
    assert password not in str(log) and answer["token"] not in str(log)


@pytest.mark.parametrize("channel", ["body", "x-esri-authorization", "authorization"])
def test_portal_accepts_a_token_in_the_body_or_either_bearer_header(fleet, channel):
    portal = fleet.portal
    token = portal.token()
    portal.control.clear_requests()
    headers, data = {"Referer": REFERER}, {"f": "json"}
    if channel == "body":
        data["token"] = token
    else:
        headers["X-Esri-Authorization" if channel == "x-esri-authorization" else "Authorization"] = "Bearer " + token
    answer = portal.session.post(portal.sharing_url + "/portals/self", data=data, headers=headers,
                                 verify=portal.verify, timeout=10).json()
    assert answer["user"]["username"] == "portaladmin"
    [entry] = portal.control.requests()
    assert entry["token_channel"] == channel and entry["username"] == "portaladmin" and not entry["secret_in_url"]


def test_portals_self_anonymous_signed_in_and_with_a_bad_token(fleet):
    portal = fleet.portal
    anonymous = portal.sharing("portals/self")
    assert anonymous["isPortal"] is True and anonymous["portalName"] == "Portal for ArcGIS"
    assert anonymous["id"] == "0123456789ABCDEF" and "user" not in anonymous
    signed_in = portal.sharing("portals/self", portal.token("user"))
    assert signed_in["user"]["username"] == "nbuser" and signed_in["user"]["role"] == "org_user"
    assert portal.sharing("portals/0123456789ABCDEF", portal.token())["user"]["role"] == "org_admin"
    assert portal.sharing("portals/self", "not-a-token")["error"]["code"] == 498
    assert portal.sharing("portals/self", portal.token(), referer="https://elsewhere.invalid/")["error"]["code"] == 498
    info = portal.sharing("info")
    assert info["authInfo"] == {"tokenServicesUrl": portal.sharing_url + "/generateToken",
                                "isTokenBasedSecurity": True}


def test_users_see_themselves_administrators_see_everyone(fleet):
    portal = fleet.portal
    admin = portal.sharing("community/users/portaladmin", portal.token())
    assert admin["role"] == "org_admin" and any(":admin:" in privilege for privilege in admin["privileges"])
    user_token = portal.token("user")
    own = portal.sharing("community/users/nbuser", user_token)
    assert own["email"] and not any(":admin:" in privilege for privilege in own["privileges"])
    other = portal.sharing("community/users/j_doe", user_token)
    assert other["fullName"] == "Jane Doe" and "email" not in other and "privileges" not in other
    assert portal.sharing("community/self", user_token)["username"] == "nbuser"
    assert portal.sharing("community/users/nobody", user_token)["error"]["code"] == 400
    assert portal.sharing("community/users/nbuser")["error"]["code"] == 499


def test_servers_list_is_for_administrators(fleet):
    portal = fleet.portal
    required = {"code": 499, "message": "Token Required.", "details": []}
    assert portal.sharing("portals/self/servers")["error"] == required
    assert portal.sharing("portals/self/servers", portal.token("user"))["error"]["code"] == 403
    second_admin = portal.token(username="gis_admin2", password="gis_admin2-portal-password")
    assert len(portal.sharing("portals/self/servers", second_admin)["servers"]) == 4


def test_servers_list_fields_other_types_and_server_functions(fleet):
    portal = fleet.portal
    token = portal.token()
    servers = portal.sharing("portals/self/servers", token)["servers"]
    assert servers == portal.sharing("portals/0123456789ABCDEF/servers", token)["servers"]
    by_id = {server["id"]: server for server in servers}
    first, second = (by_id[server.portal_server_id] for server in fleet.servers)
    assert set(first) == NOTEBOOK_FIELDS
    assert first["serverType"] == "ARCGIS_NOTEBOOK_SERVER" and first["serverRole"] == "FEDERATED_SERVER"
    assert first["serverFunction"] == "NotebookServer" and first["isHosted"] is False
    assert first["adminUrl"] == first["adminPublicUrl"] == first["url"] == fleet.servers[0].url
    assert first["name"] == fleet.servers[0].url.split("/")[2]
    # Esri's client keeps servers whose serverFunction contains NotebookServer, whatever their serverType.
    assert second["serverType"] == "ArcGIS" and second["serverFunction"].split(",") == ["GeoAnalytics",
                                                                                        "NotebookServer"]
    others = [server for server in servers if server["id"] not in (first["id"], second["id"])]
    assert {(server["serverType"], server["serverRole"]) for server in others} == {
        ("ArcGIS", "HOSTING_SERVER"), ("ARCGIS_MISSION_SERVER", "FEDERATED_SERVER")}
    assert all("notebookserver" not in server["serverFunction"].lower() for server in others)
    assert [server for server in others if server["isHosted"]][0]["serverFunction"] == ""


def test_server_list_switches_admin_url_spelling_and_admin_public_url(fleet):
    portal = fleet.portal
    token = portal.token()
    portal.control.set_server_list(admin_url_key="adminURL", admin_public_url=False)
    servers = portal.sharing("portals/self/servers", token)["servers"]
    assert all("adminURL" in server and "adminUrl" not in server and "adminPublicUrl" not in server
               for server in servers)
    portal.control.set_server_list(admin_url_key="both")
    assert all(server["adminURL"] == server["adminUrl"] for server in portal.sharing("portals/self/servers",
                                                                                     token)["servers"])
    with pytest.raises(ControlApiError):
        portal.control.set_server_list(admin_url_key="AdminUrl")
    portal.control.reset()
    token = portal.token()
    after_reset = portal.sharing("portals/self/servers", token)["servers"]
    assert [server["id"] for server in after_reset] == [server["id"] for server in servers]
    first = [server for server in after_reset if server["id"] == fleet.servers[0].portal_server_id][0]
    assert "adminUrl" in first and "adminURL" not in first and "adminPublicUrl" in first


def test_command_line_switches_for_the_server_list(start_portal):
    portal = start_portal("--admin-url-key", "adminURL", "--no-admin-public-url", "--no-other-servers")
    portal.control.add_fictitious_server("https://nb-far.example.invalid:11443/arcgis",
                                         admin_public_url="https://gis.example.invalid/notebooks")
    [server] = portal.sharing("portals/self/servers", portal.token())["servers"]
    assert server["adminURL"] == "https://nb-far.example.invalid:11443/arcgis" and "adminPublicUrl" not in server
    assert server["serverType"] == "ARCGIS_NOTEBOOK_SERVER"


@pytest.mark.parametrize("channel", ["header", "authorization", "body"])
def test_federated_servers_accept_portal_administrator_tokens(fleet, channel):
    portal, server = fleet.portal, fleet.servers[0]
    token = portal.token()
    server.control.clear_requests()
    answer = _server_jobs(server, token, channel)
    assert answer["total"] == 9
    [entry] = server.control.requests()
    assert entry["token_issuer"] == "portal" and entry["username"] == "portaladmin"
    assert entry["token_channel"] == {"header": "x-esri-authorization"}.get(channel, channel)
    # The second federated server accepts the same token.
    assert _server_jobs(fleet.servers[1], token)["total"] == 9


def test_federated_servers_refuse_plain_users_and_wrong_referers(fleet):
    portal, server = fleet.portal, fleet.servers[0]
    user_token = portal.token("user")
    assert _server_jobs(server, user_token)["error"]["code"] == 403
    assert server.admin("mode", user_token)["error"]["code"] == 403
    admin_token = portal.token(referer="https://a.example/")
    assert _server_jobs(server, admin_token, referer="https://b.example/")["error"]["code"] == 498
    assert _server_jobs(server, admin_token, referer="https://a.example/")["total"] == 9


def test_tokens_of_another_portal_and_of_an_unfederated_server_are_refused(fleet, start_portal, start_emulator):
    other = start_portal()
    stranger = other.token()
    assert _server_jobs(fleet.servers[0], stranger)["error"] == {"code": 498, "message": "Invalid token.",
                                                                 "details": []}
    lone = start_emulator()
    assert _server_jobs(lone, fleet.portal.token())["error"]["code"] == 498
    # The server's own accounts still work beside Portal tokens.
    assert fleet.servers[0].jobs()["total"] == 9


def test_portal_expiry_and_server_expiry_both_reach_portal_tokens(fleet):
    portal, server = fleet.portal, fleet.servers[0]
    token = portal.token()
    assert _server_jobs(server, token)["total"] == 9
    portal.control.expire_tokens()
    assert _server_jobs(server, token)["error"] == {"code": 498, "message": "Token Expired.", "details": []}
    fresh = portal.token()
    assert _server_jobs(server, fresh)["total"] == 9
    server.control.expire_tokens()  # the server's own expiry reaches the Portal token it has seen ...
    assert _server_jobs(server, fresh)["error"]["message"] == "Token Expired."
    assert portal.sharing("portals/self", fresh)["user"]["username"] == "portaladmin"  # ... not the Portal
    assert _server_jobs(fleet.servers[1], fresh)["total"] == 9
    short = portal.token(expiration="1")
    portal.control.advance_clock(120)  # the Portal's clock decides when its tokens expire
    assert _server_jobs(server, short)["error"]["message"] == "Token Expired."


def test_a_portal_restart_fault_forgets_its_tokens_for_its_servers_too(fleet):
    portal, server = fleet.portal, fleet.servers[0]
    token = portal.token()
    assert _server_jobs(server, token)["total"] == 9
    portal.control.inject_fault("restart", path="portals/self$")
    with pytest.raises(requests.exceptions.ConnectionError):
        portal.session.get(portal.sharing_url + "/portals/self", params={"f": "json"}, verify=portal.verify,
                           timeout=10)
    portal.session = requests.Session()
    assert _server_jobs(server, token)["error"]["code"] == 498
    assert _server_jobs(server, portal.token())["total"] == 9


def test_unreachable_portal_means_invalid_token_with_a_reason(fleet, start_emulator):
    lone = start_emulator()
    lone.control.federate(portal_url=fleet.portal.url, validate_url="https://127.0.0.1:9/_emulator/federation/validate",
                          federation_key="anything", ca_path=fleet.ca_path)
    answer = _server_jobs(lone, fleet.portal.token())
    assert answer["error"]["code"] == 498
    assert answer["error"]["details"] == ["The portal could not be reached to validate the token."]
    lone.control.unfederate()
    assert lone.control.federation() == {"federated": False}


def test_servers_registered_at_start_or_later_are_federated_and_unfederated_on_removal(start_emulator, start_portal):
    first = start_emulator()
    portal = start_portal("--federated-server", first.state_file, "--no-other-servers")
    [listed] = portal.control.servers()
    assert listed["kind"] == "emulated" and listed["url"] == first.url
    assert first.control.federation()["portal_url"] == portal.url
    assert _server_jobs(first, portal.token())["total"] == 0
    second = start_emulator()
    registered = portal.control.register_server(start_line=second.info, server_function="NotebookServer,Other")
    assert portal.sharing("portals/self/servers", portal.token())["servers"][1]["serverFunction"] == \
        "NotebookServer,Other"
    assert _server_jobs(second, portal.token())["total"] == 0
    portal.control.remove_server(registered["id"])
    assert second.control.federation() == {"federated": False}
    assert _server_jobs(second, portal.token())["error"]["code"] == 498
    with pytest.raises(ControlApiError) as refused:
        portal.control.register_server(state_file="/nonexistent/state.json")
    assert refused.value.status == 400


def test_faults_and_the_request_log_on_portal_paths(fleet):
    portal = fleet.portal
    token = portal.token()
    portal.control.clear_requests()
    portal.control.inject_fault("http_503", count=1, path="portals/self/servers$")
    portal.control.inject_fault("login_page", count=1, path="community/users")
    headers = {"Referer": REFERER, "X-Esri-Authorization": "Bearer " + token}
    unavailable = portal.session.get(portal.sharing_url + "/portals/self/servers", params={"f": "json"},
                                     headers=headers, verify=portal.verify, timeout=10)
    assert unavailable.status_code == 503 and unavailable.headers["Content-Type"].startswith("text/html")
    assert len(portal.sharing("portals/self/servers", token)["servers"]) == 4
    sign_in = portal.session.get(portal.sharing_url + "/community/users/portaladmin", params={"f": "json"},
                                 headers=headers, verify=portal.verify, timeout=10)
    assert sign_in.status_code == 200 and "Sign In" in sign_in.text
    log = portal.control.requests()
    # A faulted request never reaches the Portal: its path is logged, not a resource.
    assert [(entry["path"], entry["status"], entry["fault"]) for entry in log] == [
        ("/portal/sharing/rest/portals/self/servers", 503, "http_error"),
        ("/portal/sharing/rest/portals/self/servers", 200, None),
        ("/portal/sharing/rest/community/users/portaladmin", 200, "login_page")]
    assert log[1]["resource"] == "sharing/rest/portals/self/servers"
    assert log[1]["username"] == "portaladmin" and log[1]["token_issuer"] == "portal"
    assert portal.sharing("portals/self/servers", token, referer="https://x.invalid/")["error"]["code"] == 498
    assert portal.control.requests()[-1]["error_code"] == 498
    assert not any(entry["secret_in_url"] for entry in portal.control.requests())


def test_unknown_portal_paths_answer_like_a_portal(fleet):
    portal = fleet.portal
    probe = portal.session.get(portal.url + "/info", params={"f": "json"}, verify=portal.verify, timeout=10)
    assert probe.status_code == 404
    assert portal.sharing("")["currentVersion"] == "2024.1"
    assert portal.sharing("content/nothing")["error"]["code"] == 499
    assert portal.sharing("content/nothing", portal.token())["error"]["code"] == 404
    assert portal.sharing("portals/NOTTHISONE/servers", portal.token())["error"]["code"] == 400


def test_portal_token_helper_and_launcher_stop(start_portal):
    portal = start_portal()
    token = portal_token(portal.info, REFERER)
    assert portal.sharing("portals/self", token)["user"]["username"] == "portaladmin"
    user = portal_token(portal.info, REFERER, who="user")
    assert portal.sharing("portals/self", user)["user"]["username"] == "nbuser"
    launch("stop", "--state-file", portal.state_file)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", portal.info["port"]), timeout=5)
