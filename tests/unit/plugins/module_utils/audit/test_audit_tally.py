# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one pass over a server's jobs: the same figures and the same jobs.csv bytes as the per-job definitions."""

from __future__ import annotations

import gc
import itertools
import tracemalloc

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.files import jobs_csv, jobs_csv_bytes
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.model import AuditJob, AuditWindow, audit_job
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import ServerAudit, build_report
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.scheduled_tasks import scheduled_tasks_section
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.tally import (
    MAX_FAILED_JOBS_LISTED,
    TallyRules,
    tally_jobs,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.audit_reference import (
    HOSTILE_TEXTS,
    hostile_records,
    reference_figures,
    reference_fleet_oldest,
    reference_jobs,
    reference_jobs_csv,
    reference_task_jobs,
    reference_timeline,
    reference_top_owners,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.audit_samples import (
    HOUR_MS,
    NOW_MS,
    WINDOW,
    job,
)

FIGURES = ("jobs_listed", "in_window", "started_in_window", "active", "stuck", "completed", "failed", "cancelled",
           "by_type", "by_owner", "oldest_active", "stuck_jobs", "failed_jobs")


def _fleet(servers_records, window, stuck_after, clocks=None):
    """The same records two ways: tallied (as the audit reads them now) and as AuditJob tuples (the definition)."""
    tallied, defined = [], []
    for index, (name, records) in enumerate(servers_records):
        now_ms = (clocks or {}).get(name, NOW_MS + index * 7)  # each server its own clock
        tallied.append(ServerAudit(name=name, url="u", reachable=True,
                                   tally=tally_jobs(records, now_ms, TallyRules(window, stuck_after), name)))
        defined.append((name, reference_jobs(records, now_ms, stuck_after)))
    return tallied, defined


def _assert_same(tallied, defined, window, stuck_after):
    report = build_report(tallied, window, stuck_after)
    for entry, (name, jobs) in zip(report["servers"], defined):
        assert {key: entry[key] for key in FIGURES} == reference_figures(jobs, window), name
    assert report["fleet"]["oldest_active"] == reference_fleet_oldest(defined)
    for figure in ("jobs_listed", "in_window", "started_in_window", "active", "stuck", "completed", "failed", "cancelled"):
        assert report["fleet"][figure] == sum(reference_figures(jobs, window)[figure] for _name, jobs in defined)
    assert report["top_owners"] == reference_top_owners(defined)
    assert report["timeline"] == reference_timeline(defined, window)
    listed = scheduled_tasks_section([], tallied)["active_task_jobs"]
    assert [{key: value for key, value in item.items() if key not in ("task_title", "portal")} for item in listed] \
        == reference_task_jobs(defined)
    assert jobs_csv_bytes(tallied) == reference_jobs_csv(defined, window).encode("utf-8")


@pytest.mark.parametrize("seed", range(12))
def test_the_tally_says_what_the_per_job_definitions_say(seed):
    """Hostile and ordinary records alike, several servers, more failed jobs than are listed, equal times."""
    servers = [("nb%d" % number, hostile_records(seed * 10 + number, 300 + 97 * number, NOW_MS)) for number in range(4)]
    stuck_after = None if seed % 5 == 4 else 7200.0
    _assert_same(*_fleet(servers, WINDOW, stuck_after), WINDOW, stuck_after)


@pytest.mark.parametrize("window", [
    AuditWindow("now", NOW_MS, NOW_MS),  # an empty window: width 1 ms, every bucket at its start
    AuditWindow("-7d", NOW_MS - 7 * 24 * HOUR_MS, NOW_MS),
    AuditWindow("-90m", NOW_MS - 90 * 60000 + 17, NOW_MS),  # a span that 24 does not divide
])
def test_every_window_gives_the_same_figures(window):
    servers = [("a", hostile_records(101, 400, NOW_MS)), ("b", hostile_records(102, 50, NOW_MS))]
    _assert_same(*_fleet(servers, window, 3600.0), window, 3600.0)


def test_the_tally_classifies_each_kind_of_record_as_classify_does():
    """The loop inlines classify's rule for speed: for every combination the two must agree (as for jobs/scan.py)."""
    statuses = ["SUBMITTED", "PROCESSING", "COMPLETED", "failed", "CANCELLING", "CANCELLED", "canceled", "ERROR", "",
                None, 7]
    ends = [None, NOW_MS - 1000, "1699999000000", "soon", True, 0, -1, "0", "-1", 1, "1", -1.5, "0.5"]  # <= 0: absent
    starts = [NOW_MS - 3 * HOUR_MS, NOW_MS - 60000, None, "1699990000000", float("inf"), "bad", NOW_MS + 5000]
    cancels = [None, {"isCancelled": True}, {"isCancelled": "yes"}]
    records = [{"jobId": "j%d" % n, "type": "executeNotebook", "username": "alice", "status": status, "startTime": start,
                "endTime": end, "customAttributes": cancel}
               for n, (status, end, start, cancel) in enumerate(itertools.product(statuses, ends, starts, cancels))]
    records += ["not a record", None]
    tallied, defined = _fleet([("nb", records)], WINDOW, 7200.0)
    _assert_same(tallied, defined, WINDOW, 7200.0)
    # Every outcome, and a job that is in no list, occur: the comparison above covered each branch.
    outcomes = {job.outcome for job in defined[0][1]}
    assert outcomes == {"active", "completed", "failed", "cancelled"}


def test_jobs_csv_is_byte_for_byte_what_the_csv_module_wrote_for_hostile_names():
    records = [job("j%d" % n, "active" if n % 3 else "failed", 1, 0.5 if n % 3 == 0 else None, owner=text, job_type=text,
                   status=None if n % 3 else text or "FAILED")
               for n, text in enumerate(HOSTILE_TEXTS)]
    records += [job(text, "completed", 2, 1) for text in HOSTILE_TEXTS]
    tallied, defined = _fleet([("=server,\"one\"\n", records), ("-two", records[:3])], WINDOW, 7200.0)
    text = jobs_csv(tallied)
    assert text == reference_jobs_csv(defined, WINDOW)
    assert "\"'=server,\"\"one\"\"\n\"," in text and "'-two,j0," in text  # quoted, and defused


def test_only_the_jobs_a_report_names_are_kept():
    """No AuditJob per job survives the pass: 2,000 failed jobs in the window keep the newest 20."""
    records = [job("f%04d" % n, "failed", 5, 4 - n / 1000.0) for n in range(2000)]
    records += [job("a%d" % n, "active", 0.5, inputs={"taskId": "t1"} if n < 3 else {}) for n in range(50)]
    records += [job("s1", "active", 3)]
    tally = tally_jobs(records, NOW_MS, TallyRules(WINDOW, 7200.0, csv_rows=False), "nb")
    assert tally.listed == 2051 and tally.counts["failed"] == 2000 and tally.csv_rows is None
    assert len(tally.failed_jobs) == MAX_FAILED_JOBS_LISTED
    assert [item.job_id for item in tally.failed_jobs] == ["f%04d" % n for n in range(1999, 1979, -1)]  # newest first
    assert [item.job_id for item in tally.stuck_jobs] == ["s1"]
    assert [item.job_id for item in tally.task_jobs] == ["a0", "a1", "a2"]
    assert tally.oldest_active.job_id == "s1"
    kept = [value for value in vars(tally).values() if isinstance(value, AuditJob)]
    kept += [item for value in vars(tally).values() if isinstance(value, list) for item in value if isinstance(item, AuditJob)]
    assert len(kept) == MAX_FAILED_JOBS_LISTED + 1 + 3 + 1


def _retained(make):
    """Bytes still allocated after ``make()`` returns, held by what it returned."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        made = make()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert made is not None
    return after - before


def test_memory_per_job_is_gone():
    """The tally of 20,000 jobs holds its tables and a few jobs; an AuditJob per job held about 100 bytes each."""
    outcomes = ("completed", "failed", "active", "cancelled")
    records = [job("j%05d" % n, outcomes[n % 4], 1.0 if n % 4 == 2 else 30 * (n % 50) / 50.0,
                   None if n % 4 == 2 else 0.1, owner="user%d" % (n % 40), job_type=("a", "b", "c")[n % 3])
               for n in range(20000)]
    rules = TallyRules(WINDOW, 7200.0, csv_rows=False)
    per_job_then = _retained(lambda: tuple(audit_job(record, NOW_MS, 7200.0) for record in records)) / len(records)
    per_job_now = _retained(lambda: tally_jobs(records, NOW_MS, rules, "nb")) / len(records)
    assert per_job_then > 100  # the measure sees objects per job when there are some
    assert per_job_now < 5, "the tally keeps %.1f bytes per job" % per_job_now
