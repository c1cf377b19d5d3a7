# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scheduled tasks in the audit: each Portal read once, its counts, the active jobs a task started, failures kept in."""

from __future__ import annotations

import json

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.markdown import markdown_summary
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.task import run
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import OptionAdapter
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    GIVEN_TOKEN,
    NOW_MS,
    Reply,
    job,
    scheduled_task,
)

PORTAL = "https://gis.example.com/portal"
NB1 = "https://nb1.example.com:11443/arcgis"
NB2 = "https://nb2.example.com:11443/arcgis"
NB3 = "https://nb3.example.com:11443/arcgis"
NIGHTLY, HOURLY, WEEKLY, BROKEN = "t-nightly", "t-hourly", "t-weekly", "t-broken"


def tasks():
    return [scheduled_task(NIGHTLY, title="Nightly parcels"), scheduled_task(HOURLY, owner="nbuser"),
            scheduled_task(WEEKLY, active=False), scheduled_task(BROKEN, active=False, state="stopped")]


def task_job(job_id, task_id, status="PROCESSING"):
    return job(job_id, status, start_ms=NOW_MS - 60000, inputs={"itemId": "i1", "taskId": task_id},
               end_ms=None if status == "PROCESSING" else NOW_MS)


def audit(warnings=None, **options):
    # A Portal administrator's token: the servers and their Portal accept it.
    values = {"servers": [
        # nb1 and nb2 spell one Portal two ways; nb3 has none (server credentials).
        {"name": "nb1", "url": NB1, "portal_url": PORTAL},
        {"name": "nb2", "url": NB2, "portal_url": PORTAL + "/home/"},
        {"name": "nb3", "url": NB3},
    ], "token": GIVEN_TOKEN, "since": "-24h", "stuck_after": "2h", "max_workers": 1}
    values.update(options)
    return run(OptionAdapter.from_dict(values), False, (warnings if warnings is not None else []).append)


def test_each_portal_is_read_once_and_counted(fake_fleet):
    portal = fake_fleet.add_portal(PORTAL, tasks())
    fake_fleet.add(NB1, jobs=[task_job("j1", NIGHTLY), task_job("j2", NIGHTLY, "COMPLETED"), job("j3")])
    fake_fleet.add(NB2, jobs=[task_job("j4", "t-deleted")])
    fake_fleet.add(NB3, jobs=[task_job("j5", HOURLY)])
    report = audit()
    section = report["scheduled_tasks"]
    assert section["portals"] == [{
        "url": PORTAL, "servers": ["nb1", "nb2"], "reachable": True, "error": None, "complete": True,
        "incomplete_reason": None, "elapsed_seconds": section["portals"][0]["elapsed_seconds"], "tasks": 4,
        "active": 2, "paused": 1, "stopped": 1, "active_task_ids": [NIGHTLY, HOURLY], "stopped_task_ids": [BROKEN],
        "active_task_jobs": 2,
    }]
    assert [c.sharing_path for c in portal.calls if c.sharing_path and c.sharing_path.endswith("allScheduledTasks")] \
        == ["portals/0123456789ABCDEF/allScheduledTasks"]
    # Every active job a task started, on any server: finished ones and plain jobs are not listed.
    jobs = {entry["jobId"]: entry for entry in section["active_task_jobs"]}
    assert sorted(jobs) == ["j1", "j4", "j5"]
    assert (jobs["j1"]["server"], jobs["j1"]["task_id"], jobs["j1"]["task_title"], jobs["j1"]["portal"]) == \
        ("nb1", NIGHTLY, "Nightly parcels", PORTAL)
    assert (jobs["j4"]["task_title"], jobs["j4"]["portal"]) == (None, None)  # a task the Portal no longer lists
    assert jobs["j5"]["portal"] == PORTAL and jobs["j5"]["server"] == "nb3"
    assert jobs["j1"]["outcome"] == "active" and jobs["j1"]["username"] == "alice"
    summary = markdown_summary(report, {})
    assert ("Scheduled notebook tasks of Portal %s: 2 active, 1 paused, 1 stopped (after five failed runs in a row: "
            "%s); 2 active jobs started by a task." % (PORTAL, BROKEN)) in summary


def test_a_portal_that_cannot_be_read_is_an_entry_with_its_error(fake_fleet):
    portal = fake_fleet.add_portal(PORTAL, tasks())
    portal.portal_admin = False
    fake_fleet.add(NB1, jobs=[task_job("j1", NIGHTLY)])
    fake_fleet.add(NB2)
    fake_fleet.add(NB3)
    report = audit()
    [entry] = report["scheduled_tasks"]["portals"]
    assert (entry["reachable"], entry["complete"], entry["tasks"]) == (False, False, 0)
    assert entry["error"].startswith("permission denied")
    assert report["servers"][0]["reachable"] is True  # the servers' audit is unaffected
    assert report["scheduled_tasks"]["active_task_jobs"][0]["task_title"] is None
    assert "Scheduled notebook tasks of Portal %s: could not be read (permission denied" % PORTAL \
        in markdown_summary(report, {})
    assert GIVEN_TOKEN not in json.dumps(report)


def test_an_incomplete_list_says_so(fake_fleet):
    portal = fake_fleet.add_portal(PORTAL)
    portal.script("/portal/sharing/rest/portals/0123456789ABCDEF/allScheduledTasks",
                  Reply(200, {"total": 3, "start": 1, "num": 1, "nextStart": -1, "tasks": [scheduled_task(NIGHTLY)]}))
    for site in (NB1, NB2, NB3):
        fake_fleet.add(site)
    report = audit()
    [entry] = report["scheduled_tasks"]["portals"]
    assert (entry["reachable"], entry["complete"], entry["active"]) == (True, False, 1)
    assert entry["incomplete_reason"] == "the Portal counts 3 and 1 came back"
    assert "The list is incomplete (the Portal counts 3 and 1 came back): there may be more." \
        in markdown_summary(report, {})


def test_switched_off_no_portal_is_asked(fake_fleet):
    portal = fake_fleet.add_portal(PORTAL, tasks())
    for site in (NB1, NB2, NB3):
        fake_fleet.add(site)
    report = audit(scheduled_tasks=False)
    assert "scheduled_tasks" not in report
    assert portal.calls == []
    assert "Scheduled notebook tasks" not in report["markdown"]


def test_without_a_portal_the_section_is_empty(fake_fleet):
    for site in (NB1, NB2, NB3):
        fake_fleet.add(site, jobs=[task_job("j-%s" % site[8:11], NIGHTLY)])
    report = audit(servers=[{"name": "nb1", "url": NB1}])
    assert report["scheduled_tasks"]["portals"] == []
    assert [entry["jobId"] for entry in report["scheduled_tasks"]["active_task_jobs"]] == ["j-nb1"]
    assert "Scheduled notebook tasks" not in report["markdown"]
