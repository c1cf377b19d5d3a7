# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The notebook_server_jobs lookup: options through set_options/get_option (kwargs, vars, env), results, errors."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleError
from ansible.plugins.loader import lookup_loader

from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    GIVEN_TOKEN,
    HOUR_MS,
    NOW_MS,
    PASSWORD,
    SITE,
    USERNAME,
    Reply,
    job,
)


@pytest.fixture
def server(fake_server):
    return fake_server.load([
        job("j1", "PROCESSING", username="alice", start_ms=NOW_MS - 3 * HOUR_MS),
        job("j2", "COMPLETED", username="bob", start_ms=NOW_MS - 4 * HOUR_MS, end_ms=NOW_MS - 3 * HOUR_MS),
        job("j3", "SUBMITTED", job_type="openNotebook", username="alice", start_ms=NOW_MS - 60000),
    ])


@pytest.fixture
def lookup():
    plugin = lookup_loader.get("gisadmin.notebook_server.notebook_server_jobs")
    assert plugin is not None
    return plugin


CONNECTION = {"url": SITE, "username": USERNAME, "password": PASSWORD}


def test_jobs_by_default(server, lookup):
    jobs = lookup.run([], {}, **CONNECTION)
    assert [j["jobId"] for j in jobs] == ["j1", "j2", "j3"]
    assert jobs[0]["active"] is True


def test_terms_are_job_ids(server, lookup):
    jobs = lookup.run(["j2", ["j3"]], {}, **CONNECTION)
    assert [j["jobId"] for j in jobs] == ["j2", "j3"]
    assert [c.path.rsplit("/", 1)[-1] for c in server.calls_to("/j2") + server.calls_to("/j3")] == ["j2", "j3"]


def test_terms_and_job_id_option_combine(server, lookup):
    jobs = lookup.run(["j3"], {}, job_id=["j1"], **CONNECTION)
    assert [j["jobId"] for j in jobs] == ["j1", "j3"]


def test_summary(server, lookup):
    summary, = lookup.run([], {}, result="summary", status=["active"], **CONNECTION)
    assert summary["idle"] is False and summary["active"] == 2
    assert summary["complete"] is True and summary["total"] == 3 and summary["server"] == SITE


def test_query(server, lookup):
    value, = lookup.run([], {}, result="query", query="summary.active_by_owner", **CONNECTION)
    assert value == {"alice": 2}


def test_result_query_needs_a_query(server, lookup):
    with pytest.raises(AnsibleError) as caught:
        lookup.run([], {}, result="query", **CONNECTION)
    assert "needs the query option" in str(caught.value)


def test_options_from_variables(server, lookup):
    variables = {"notebook_server_url": SITE + "/admin/", "notebook_server_token": GIVEN_TOKEN}
    jobs = lookup.run([], variables, status=["COMPLETED"])
    assert [j["jobId"] for j in jobs] == ["j2"]
    assert server.calls_to("/generateToken") == []


def test_option_variables_are_templated(server):
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar

    try:  # ansible-core 2.19 templates only strings marked as trusted (as playbook YAML is)
        from ansible.template import trust_as_template
    except ImportError:
        def trust_as_template(text):
            return text

    variables = {"site": SITE, "notebook_server_url": trust_as_template("{{ site }}/admin"),
                 "notebook_server_token": trust_as_template("{{ given }}"), "given": GIVEN_TOKEN}
    templar = Templar(loader=DataLoader(), variables=variables)
    plugin = lookup_loader.get("gisadmin.notebook_server.notebook_server_jobs", loader=DataLoader(), templar=templar)
    assert len(plugin.run([], variables)) == 3
    assert server.calls[0].form["token"] == GIVEN_TOKEN


def test_options_from_the_environment(server, lookup, monkeypatch):
    monkeypatch.setenv("NOTEBOOK_SERVER_URL", SITE)
    monkeypatch.setenv("NOTEBOOK_SERVER_USERNAME", USERNAME)
    monkeypatch.setenv("NOTEBOOK_SERVER_PASSWORD", PASSWORD)
    assert len(lookup.run([], {})) == 3
    assert len(server.tokens_issued) == 1


def test_direct_options_win_over_variables(server, lookup):
    variables = {"notebook_server_url": "https://other.example.com/notebooks", "notebook_server_token": "bad"}
    assert len(lookup.run([], variables, **CONNECTION)) == 3
    assert all(c.url.startswith(SITE) for c in server.calls)


def test_errors_are_ansible_errors_without_secrets(server, lookup):
    server.script("admin/system/jobs", Reply(200, {"status": "error", "messages": ["Not authorized"], "code": 403}))
    with pytest.raises(AnsibleError) as caught:
        lookup.run([], {}, **CONNECTION)
    message = str(caught.value)
    assert "permission denied" in message and SITE in message
    assert PASSWORD not in message and server.tokens_issued[0] not in message


def test_bad_option_is_an_ansible_error(server, lookup):
    with pytest.raises(AnsibleError) as caught:
        lookup.run([], {}, stuck_after="forever", **CONNECTION)
    assert "stuck_after" in str(caught.value)
    assert server.calls == []


def test_retry_warnings_are_displayed(server, lookup, monkeypatch):
    from ansible_collections.gisadmin.notebook_server.plugins.lookup import notebook_server_jobs

    shown = []
    monkeypatch.setattr(notebook_server_jobs.display, "warning", shown.append)
    server.script("admin/system/jobs", Reply(503, b"", {"Retry-After": "0"}))
    assert len(lookup.run([], {}, **CONNECTION)) == 3
    assert len(shown) == 1 and "HTTP 503" in shown[0]
