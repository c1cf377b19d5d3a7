"""Interactive work: admin/notebooks pages, close operations, containers, sessions, roles and both date formats."""

from __future__ import annotations

import datetime

import pytest

from conftest import REFERER
from notebook_server_emulator.control import ControlApiError

NOTEBOOK_KEYS = ["itemId", "notebookUrl", "dateLastActivity", "id", "containerId", "username"]
CONTAINER_KEYS = ["hostName", "memory", "imageName", "hostIp", "cpus", "httpPort", "containerUrl", "httpsPort",
                  "dateCreated", "id", "containerId", "username", "type", "notebookRuntimeId",
                  "notebookRuntimeVersion", "notebookRuntimeName", "containerHostname"]
SESSION_KEYS = ["path", "kernel", "name", "id", "type"]
KERNEL_KEYS = ["last_activity", "name", "id", "execution_state", "connections"]
DEMO_NOTEBOOKS = 6
BUSY_ID = "b5e1c0de5eed4d0e9a5b1c2d3e4f5a6b"  # e_doe's, busy for 9000 s in demo.json


def _iso_ms(text: str) -> int:
    """Epoch ms of a kernel's last_activity, which must be ISO-8601 UTC with a Z."""
    assert text.endswith("Z"), text
    moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return round(moment.timestamp() * 1000)


def _all_pages(site, token: str, num: int = 100, **params) -> tuple:
    """Every notebook, read page by page until `total` is reached; (records, totals seen)."""
    records, totals, start = [], set(), 1
    while True:
        page = site.admin("notebooks", token, start=str(start), num=str(num), **params)
        totals.add(page["total"])
        records.extend(page["notebooks"])
        if not page["notebooks"] or len(records) >= page["total"]:
            return records, totals
        start += len(page["notebooks"])


def _sessions(site, token: str, container_id: str) -> list:
    return site.admin("system/containers/%s/sessions" % container_id, token)["sessions"]


def _session_of(site, token: str, notebook: dict) -> dict:
    [session] = [session for session in _sessions(site, token, notebook["containerId"])
                 if session["id"] == notebook["sessionId"]]
    return session


# ----- admin/notebooks -----

def test_notebooks_page_shape_and_both_date_formats(site):
    token = site.token()
    page = site.admin("notebooks", token)
    assert list(page) == ["total", "start", "num", "notebooks"]  # no nextStart unless switched on
    assert page["total"] == DEMO_NOTEBOOKS and page["start"] == 1 and page["num"] == 10
    views = {view["id"]: view for view in site.control.notebooks()}
    assert {record["id"] for record in page["notebooks"]} == set(views)
    for record in page["notebooks"]:
        assert list(record) == NOTEBOOK_KEYS
        view = views[record["id"]]
        assert record["notebookUrl"] == "/notebooks/%s/notebooks/%s.ipynb" % (record["containerId"], record["itemId"])
        # Epoch ms as a string here, ISO-8601 in the kernel: the same instant.
        assert isinstance(record["dateLastActivity"], str) and record["dateLastActivity"].isdigit()
        assert int(record["dateLastActivity"]) == view["last_activity_ms"]
        kernel = _session_of(site, token, view)["kernel"]
        assert _iso_ms(kernel["last_activity"]) == view["last_activity_ms"]
    busy = [record for record in page["notebooks"] if record["id"] == BUSY_ID][0]
    assert busy["username"] == "e_doe" and busy["itemId"] == "f100d0a1b2c34d5e8f9a0b1c2d3e4f5a"
    assert site.admin("notebooks/" + BUSY_ID, token) == busy


def test_paging_past_100_with_total_and_a_capped_num(site):
    token = site.token()
    site.control.open_notebooks([{"owner": "j_doe", "count": 75}, {"owner": "a_doe", "count": 70}])
    total = DEMO_NOTEBOOKS + 145
    assert len(site.admin("notebooks", token)["notebooks"]) == 10  # the default page
    big = site.admin("notebooks", token, num="1000")
    assert big["total"] == total and big["num"] == 100 and len(big["notebooks"]) == 100
    records, totals = _all_pages(site, token, num=100)
    assert totals == {total} and len(records) == total
    assert [record["id"] for record in records] == [view["id"] for view in site.control.notebooks()]
    small, _totals = _all_pages(site, token, num=7)
    assert [record["id"] for record in small] == [record["id"] for record in records]
    last = site.admin("notebooks", token, start=str(total), num="5")
    assert last["start"] == total and [record["id"] for record in last["notebooks"]] == [records[-1]["id"]]
    assert site.admin("notebooks", token, start=str(total + 1))["notebooks"] == []
    assert site.admin("notebooks", token, num="x")["error"]["code"] == 400
    # The query string works as well as the body (GET as Esri's client sends it).
    answer = site.get("admin/notebooks", {"f": "json", "start": "101", "num": "100", "token": token},
                      headers={"Referer": REFERER}).json()
    assert [record["id"] for record in answer["notebooks"]] == [record["id"] for record in records[100:]]


def test_next_start_is_a_switch(site):
    token = site.token()
    assert site.control.set_notebook_settings(next_start=True)["next_start"] is True
    first = site.admin("notebooks", token, num="4")
    assert list(first) == ["total", "start", "num", "notebooks", "nextStart"] and first["nextStart"] == 5
    assert site.admin("notebooks", token, start="5", num="4")["nextStart"] == -1


def test_default_format_is_html(site):
    answer = site.post("admin/notebooks", {"token": site.token()}, headers={"Referer": REFERER})
    assert answer.headers["Content-Type"].startswith("text/html") and BUSY_ID in answer.text


# ----- closing -----

@pytest.mark.parametrize("setting, works, missing", [("new", ["closeNotebook"], ["close"]),
                                                     ("old", ["close"], ["closeNotebook"]),
                                                     ("both", ["closeNotebook", "close"], [])])
def test_close_operations_switch(site, setting, works, missing):
    token = site.token()
    if setting != "new":  # "new" is the default
        site.control.set_notebook_settings(close_operations=setting)
    assert site.control.notebook_settings()["close_operations"] == setting
    views = site.control.notebooks()
    for operation in missing:
        assert site.admin("notebooks/%s/%s" % (views[0]["id"], operation), token)["error"]["code"] == 404
    for view, operation in zip(views, works):
        sessions_before = _sessions(site, token, view["containerId"])
        assert view["sessionId"] in [session["id"] for session in sessions_before]
        assert site.admin("notebooks/%s/%s" % (view["id"], operation), token) == {"status": "success"}
        assert view["id"] not in [record["id"] for record in site.admin("notebooks", token)["notebooks"]]
        sessions_after = _sessions(site, token, view["containerId"])
        assert [session["id"] for session in sessions_after] == [session["id"] for session in sessions_before
                                                                 if session["id"] != view["sessionId"]]
        assert site.admin("notebooks/%s/%s" % (view["id"], operation), token)["error"]["code"] == 404
    assert site.admin("notebooks", token)["total"] == DEMO_NOTEBOOKS - len(works)


def test_close_needs_post(site):
    token = site.token()
    answer = site.get("admin/notebooks/%s/closeNotebook" % BUSY_ID, {"f": "json", "token": token},
                      headers={"Referer": REFERER})
    assert answer.json()["error"]["code"] == 405
    assert site.admin("notebooks", token)["total"] == DEMO_NOTEBOOKS


# ----- containers -----

def test_containers_sessions_and_notebooks_shapes(site):
    token = site.token()
    containers = site.admin("system/containers", token)["containers"]
    views = site.control.notebooks()
    assert {container["id"] for container in containers} == {view["containerId"] for view in views}
    for container in containers:
        assert list(container) == CONTAINER_KEYS
        assert container["type"] == "openNotebook" and isinstance(container["dateCreated"], str)
        assert len(container["containerId"]) == 64 and container["containerId"] != container["id"]
        assert site.admin("system/containers/" + container["id"], token) == container
        mine = [view for view in views if view["containerId"] == container["id"]]
        assert {view["username"] for view in mine} == {container["username"]}
        sessions = _sessions(site, token, container["id"])
        assert [session["id"] for session in sessions] == [view["sessionId"] for view in mine]
        for session, view in zip(sessions, mine):
            assert list(session) == SESSION_KEYS and list(session["kernel"]) == KERNEL_KEYS
            assert session["type"] == "notebook" and session["kernel"]["name"] == "python3"
            assert session["path"] == view["itemId"] + ".ipynb"
            assert session["kernel"]["id"] == view["kernelId"] and isinstance(session["kernel"]["connections"], int)
        listed = site.admin("system/containers/%s/notebooks" % container["id"], token)
        assert list(listed) == ["notebooks"] and [record["id"] for record in listed["notebooks"]] == [view["id"] for view in mine]
        one = site.admin("system/containers/%s/notebooks/%s" % (container["id"], mine[0]["id"]), token)
        assert one == listed["notebooks"][0]
    a_doe = [container for container in containers if container["username"] == "a_doe"]
    assert len(a_doe) == 1 and len(_sessions(site, token, a_doe[0]["id"])) == 2  # two notebooks, one container
    states = {view["username"]: _session_of(site, token, view)["kernel"]["execution_state"] for view in views}
    assert states["e_doe"] == "busy" and states["j_doe"] == "idle"
    assert site.admin("system/containers/nosuchcontainer/sessions", token)["error"]["code"] == 404
    assert site.admin("system", token)["resources"] == ["jobs", "containers"]


def test_session_path_and_date_created_switches(site):
    token = site.token()
    site.control.set_notebook_settings(session_path="free", container_date_created="number")
    view = site.control.notebook(BUSY_ID)
    session = _session_of(site, token, view)
    assert session["path"] == "flood_model_calibration.ipynb" and view["itemId"] not in session["path"]
    container = site.admin("system/containers/" + view["containerId"], token)
    assert isinstance(container["dateCreated"], int) and container["dateCreated"] <= site.control.state()["now_ms"]
    fixed = site.control.open_notebook(owner="nbuser", path="work/custom name.ipynb")
    assert _session_of(site, token, fixed)["path"] == "work/custom name.ipynb"
    with pytest.raises(ControlApiError) as refused:
        site.control.set_notebook_settings(session_path="sideways")
    assert refused.value.status == 400


def test_terminate_container_removes_its_notebooks_and_sessions(site):
    token = site.token()
    [container] = [container for container in site.admin("system/containers", token)["containers"]
                   if container["username"] == "a_doe"]
    path = "system/containers/%s/terminateContainer" % container["id"]
    assert site.get("admin/" + path, {"f": "json", "token": token}, headers={"Referer": REFERER}).json()["error"]["code"] == 405
    assert site.admin(path, token) == {"status": "success"}
    assert site.admin("system/containers/%s/sessions" % container["id"], token)["error"]["code"] == 404
    assert container["id"] not in [other["id"] for other in site.admin("system/containers", token)["containers"]]
    page = site.admin("notebooks", token)
    assert page["total"] == DEMO_NOTEBOOKS - 2 and "a_doe" not in {record["username"] for record in page["notebooks"]}


# ----- roles -----

def test_a_user_sees_and_acts_on_own_notebooks_and_containers_only(site):
    admin_token, token = site.token(), site.token("user")
    page = site.admin("notebooks", token)
    assert page["total"] == 1 and [record["username"] for record in page["notebooks"]] == ["nbuser"]
    site.control.open_notebooks([{"owner": "nbuser", "count": 12}])
    records, totals = _all_pages(site, token, num=5)
    assert totals == {13} and {record["username"] for record in records} == {"nbuser"} and len(records) == 13
    [own] = site.admin("system/containers", token)["containers"]
    assert own["username"] == "nbuser" and len(_sessions(site, token, own["id"])) == 13
    others = [container for container in site.admin("system/containers", admin_token)["containers"]
              if container["username"] != "nbuser"]
    other_notebook = site.control.notebook(BUSY_ID)
    for path in ("system/containers/" + others[0]["id"], "system/containers/%s/sessions" % others[0]["id"],
                 "system/containers/%s/notebooks" % others[0]["id"],
                 "system/containers/%s/terminateContainer" % others[0]["id"],
                 "notebooks/" + BUSY_ID, "notebooks/%s/closeNotebook" % BUSY_ID):
        assert site.admin(path, token)["error"]["code"] == 403, path
    assert site.control.notebook(BUSY_ID) == other_notebook  # untouched
    assert site.admin("notebooks/%s/closeNotebook" % records[0]["id"], token) == {"status": "success"}
    assert site.admin("system/containers/%s/terminateContainer" % own["id"], token) == {"status": "success"}
    assert site.admin("notebooks", token)["total"] == 0
    assert site.admin("notebooks", admin_token)["total"] == DEMO_NOTEBOOKS - 1


# ----- faults and the request log -----

@pytest.mark.parametrize("kind, path, params", [("http_503", "sessions", {}), ("login_page", "admin/notebooks$", {}),
                                                ("truncated_json", "system/containers$", {}),
                                                ("delay", "sessions", {"seconds": 0.3})])
def test_faults_apply_to_the_new_paths(site, kind, path, params):
    token = site.token()
    container_id = site.control.notebook(BUSY_ID)["containerId"]
    resources = {"sessions": "admin/system/containers/%s/sessions" % container_id,
                 "admin/notebooks$": "admin/notebooks", "system/containers$": "admin/system/containers"}
    resource = resources[path]
    site.control.inject_fault(kind, count=1, path=path, **params)
    site.control.clear_requests()
    # Another resource is not hit by a fault limited to this path.
    assert site.admin("system/jobs", token)["total"] == 9
    answer = site.post(resource, {"f": "json", "token": token}, headers={"Referer": REFERER})
    if kind == "http_503":
        assert answer.status_code == 503 and answer.headers["Content-Type"].startswith("text/html")
    elif kind == "login_page":
        assert answer.status_code == 200 and "Sign In" in answer.text
    elif kind == "truncated_json":
        with pytest.raises(ValueError):
            answer.json()
    else:
        assert answer.elapsed.total_seconds() >= 0.3 and answer.json()["sessions"]
    healthy = site.post(resource, {"f": "json", "token": token}, headers={"Referer": REFERER})
    assert healthy.status_code == 200 and healthy.json()
    log = site.control.requests()
    # Faults that answer before the API is reached leave "resource" null; "path" is always there.
    assert [(entry["path"], entry["fault"]) for entry in log] == [
        ("/arcgis/admin/system/jobs", None), ("/arcgis/" + resource, "http_error" if kind == "http_503" else kind),
        ("/arcgis/" + resource, None)]


def test_request_log_records_the_new_resources(site):
    token = site.token()
    container_id = site.control.notebook(BUSY_ID)["containerId"]
    site.control.clear_requests()
    site.admin("notebooks", token, start="1", num="100")
    site.admin("system/containers", token)
    site.admin("system/containers/%s/sessions" % container_id, token)
    site.admin("system/containers/%s/notebooks" % container_id, token)
    site.admin("notebooks/%s/closeNotebook" % BUSY_ID, token)
    site.admin("system/containers/%s/terminateContainer" % container_id, token)
    log = site.control.requests()
    assert [entry["resource"] for entry in log] == [
        "admin/notebooks", "admin/system/containers", "admin/system/containers/%s/sessions" % container_id,
        "admin/system/containers/%s/notebooks" % container_id, "admin/notebooks/%s/closeNotebook" % BUSY_ID,
        "admin/system/containers/%s/terminateContainer" % container_id]
    for entry in log:
        assert entry["status"] == 200 and entry["error_code"] is None and entry["username"] == "siteadmin"
        assert entry["token_channel"] == "body" and entry["secret_in_url"] is False and entry["method"] == "POST"
    assert log[0]["body_keys"] == ["f", "num", "start", "token"]
