# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each server's connection options are checked on their own: a badly typed one is that server's error, never the audit's."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.fleet import audit_fleet, build_targets
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import ServerJobs, build_report
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.server_options import check_server_options
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.tally import JobTally
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.audit_samples import WINDOW, server_notebooks

DEFAULTS = {"username": "admin", "password": "s3cr3t-Pa55", "timeout": 30}


def test_values_are_converted_as_the_module_converts_its_own():
    options, problems = check_server_options("nb1", {
        "name": "nb1", "url": "https://nb1/arcgis", "timeout": "12.5", "retries": "2", "token_expiration": "90",
        "validate_certs": "no", "token_location": "header", "ca_path": "~/ca.pem", "password": None, "other": "x",
    })
    assert problems == []
    assert options["timeout"] == 12.5 and isinstance(options["timeout"], float)
    assert options["retries"] == 2 and options["token_expiration"] == 90
    assert options["validate_certs"] is False
    assert options["token_location"] == "header"
    assert not options["ca_path"].startswith("~")
    # Not set, or not a connection option: left to the task's defaults, or ignored.
    assert "password" not in options and "name" not in options and "other" not in options


@pytest.mark.parametrize("option, value, expected", [
    ("timeout", "30s", "nb3: option timeout (host variable notebook_server_timeout) must be a number, not '30s'"),
    ("retries", "three", "nb3: option retries (host variable notebook_server_retries) must be an integer, not 'three'"),
    ("token_expiration", [60], "nb3: option token_expiration (host variable notebook_server_token_expiration) "
                               "must be an integer, not [60]"),
    ("validate_certs", "maybe", "nb3: option validate_certs (host variable notebook_server_validate_certs) "
                                "must be a boolean (true or false), not 'maybe'"),
    ("token_location", "cookie", "nb3: option token_location (host variable notebook_server_token_location) "
                                 "must be one of body, header, not 'cookie'"),
])
def test_a_bad_value_names_the_server_the_option_and_the_value(option, value, expected):
    options, problems = check_server_options("nb3", {"url": "https://nb3/arcgis", option: value})
    assert problems == [expected]
    assert option not in options and options == {"url": "https://nb3/arcgis"}


def test_a_long_value_is_cut_short():
    _options, problems = check_server_options("nb3", {"timeout": "9" * 200 + "s"})
    assert len(problems[0]) < 200 and problems[0].endswith("...")


def test_one_bad_server_is_its_own_error_and_the_others_are_audited():
    targets = build_targets([
        {"name": "nb1", "url": "https://nb1/arcgis", "timeout": "10"},
        {"name": "nb3", "url": "https://nb3/arcgis", "timeout": "30s", "retries": "x"},
        {"name": "nb2", "url": "https://nb2/arcgis"},
    ], DEFAULTS)
    assert [t.setup_error for t in targets] == [None, (
        "nb3: option timeout (host variable notebook_server_timeout) must be a number, not '30s'; "
        "nb3: option retries (host variable notebook_server_retries) must be an integer, not 'x'"), None]
    assert targets[0].connection["timeout"] == 10.0
    assert targets[2].connection["timeout"] == 30  # the task's own value

    asked = []

    def read(target):
        asked.append(target.name)
        return ServerJobs(tally=JobTally(), reported_total=0, notebooks=server_notebooks())

    entries = audit_fleet(targets, read, max_workers=1)
    assert asked == ["nb1", "nb2"]  # nb3 is never asked with options it cannot have
    report = build_report(entries, WINDOW, 7200.0)
    nb3 = report["servers"][1]
    assert nb3["name"] == "nb3" and nb3["reachable"] is False and "'30s'" in nb3["error"]
    assert report["fleet"]["unreachable"] == 1 and report["fleet"]["reachable"] == 2
    assert [(a["server"], a["error"]) for a in report["attention"]] == [("nb3", nb3["error"])]


def test_a_bad_option_is_named_before_a_missing_url_and_never_shows_a_secret():
    targets = build_targets([{"name": "nb4", "timeout": "s3cr3t-Pa55"}], DEFAULTS)
    assert targets[0].setup_error == ("nb4: option timeout (host variable notebook_server_timeout) must be a number, "
                                      "not '********'")


def test_a_long_secret_in_a_bad_value_is_masked_before_the_value_is_cut():
    token = "T" + "0123456789" * 12  # longer than the part of a value a message shows
    targets = build_targets([{"name": "nb5", "url": "https://nb5.example.com/arcgis", "token": token,
                              "token_expiration": token}], DEFAULTS)
    error = targets[0].setup_error
    assert error.startswith("nb5: option token_expiration (host variable notebook_server_token_expiration) must be an "
                            "integer, not '")
    assert "0123456789" not in error and "********" in error
