# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Querying many servers at once: order, isolation of failures, secrets kept out of errors."""

from __future__ import annotations

import threading
import time

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.fleet import (
    AuditTarget,
    audit_fleet,
    audit_one,
    build_targets,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import ServerJobs
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.tally import JobTally, tally_jobs
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    AuthenticationError,
    TransportError,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.audit_samples import NOW_MS, RULES, job

DEFAULTS = {"username": "admin", "password": "s3cr3t-Pa55", "validate_certs": True, "timeout": 30}


def test_build_targets_merges_defaults_and_server_options():
    targets = build_targets([
        {"name": "nb1", "url": "https://nb1:11443/arcgis"},
        {"name": "nb2", "url": "https://nb2:11443/arcgis", "token": "tok-2", "validate_certs": False, "password": None},
    ], DEFAULTS)
    assert targets[0].connection["password"] == "s3cr3t-Pa55"
    assert targets[0].connection.get("retries") is None
    assert targets[1].connection["token"] == "tok-2"
    assert targets[1].connection["validate_certs"] is False
    assert targets[1].connection["password"] == "s3cr3t-Pa55"  # None means "not set here"
    assert "s3cr3t" not in repr(targets[0])


def test_build_targets_names_and_duplicates():
    targets = build_targets([{"url": "https://u:p@nb1:11443/arcgis?x=1"}, {"name": "a", "url": "x"}, {"name": "a", "url": "y"}],
                            DEFAULTS)
    assert [t.name for t in targets] == ["https://nb1:11443/arcgis", "a", "a (2)"]


def test_servers_without_url_or_credentials_become_error_entries():
    targets = build_targets([{"name": "nb1"}, {"name": "nb2", "url": "https://nb2/arcgis"}], {"username": "admin"})
    assert targets[0].setup_error == "no url is set for this server"
    assert targets[1].setup_error == "no credentials are set for this server: a token, or a username and a password"

    def never(_target):
        raise AssertionError("a server that cannot be asked is not asked")

    entries = audit_fleet(targets, never)
    assert [(e.reachable, e.error) for e in entries] == [(False, targets[0].setup_error), (False, targets[1].setup_error)]


def test_audit_one_turns_any_error_into_an_unreachable_entry():
    target = AuditTarget("nb1", {"url": "https://nb1/arcgis", "password": "s3cr3t-Pa55", "token": None})

    def broken(_target):
        raise RuntimeError("boom with s3cr3t-Pa55\nsecond line")

    entry = audit_one(target, broken)
    assert entry.reachable is False
    assert entry.error == "RuntimeError: boom with ******** second line"

    def refused(_connection):
        raise AuthenticationError("Invalid credentials", "https://nb1/arcgis")

    assert audit_one(target, refused).error == "Invalid credentials"


def test_audit_fleet_keeps_order_and_isolates_failures():
    targets = [AuditTarget("nb%d" % i, {"url": "https://nb%d/arcgis" % i, "password": "pw"}) for i in range(6)]

    def read(target):
        name = target.connection["url"].split("/")[2]
        if name == "nb3":
            raise TransportError("connection refused", target.connection["url"])
        return ServerJobs(tally=tally_jobs([job(name + "-j", "active", 1)], NOW_MS, RULES, target.name), reported_total=1)

    entries = audit_fleet(targets, read, max_workers=4)
    assert [e.name for e in entries] == ["nb%d" % i for i in range(6)]
    assert [e.reachable for e in entries] == [True, True, True, False, True, True]
    assert entries[3].error == "connection refused"
    assert entries[0].tally.csv_rows.startswith(b"nb0,nb0-j,") and entries[3].tally.listed == 0


def test_audit_fleet_runs_servers_concurrently():
    targets = [AuditTarget("nb%d" % i, {"url": "u"}) for i in range(8)]
    running = []
    peak = []
    lock = threading.Lock()

    def slow(_target):
        with lock:
            running.append(1)
            peak.append(len(running))
        time.sleep(0.2)
        with lock:
            running.pop()
        return ServerJobs(tally=JobTally())

    audit_fleet(targets, slow, max_workers=8)
    assert max(peak) == 8  # all eight were asked at once


def test_audit_fleet_with_one_worker_and_no_targets():
    assert audit_fleet([], lambda t: ServerJobs(tally=JobTally())) == []
    entries = audit_fleet([AuditTarget("a", {"url": "u"})], lambda t: ServerJobs(tally=JobTally(), reported_total=0),
                          max_workers=0)
    assert entries[0].reachable and entries[0].reported_total == 0
