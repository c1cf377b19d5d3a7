# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fleet read in forked processes: every server once, in order, from other processes; a dead reader's servers unread."""

from __future__ import annotations

import os
import signal

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit import processes
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.fleet import AuditTarget, audit_fleet
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import ServerJobs
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.tally import tally_jobs
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.audit_samples import NOW_MS, RULES, job


def _targets(count):
    return [AuditTarget("nb%02d" % number, {"url": "https://nb%02d.example.com/arcgis" % number, "password": "pw"})
            for number in range(count)]


def _read(target):
    """A server whose one active job is named after the server and the process that read it."""
    record = job("%s-pid%d" % (target.name, os.getpid()), "active", 1)
    return ServerJobs(tally=tally_jobs([record], NOW_MS, RULES, target.name), reported_total=1)


def test_every_server_is_read_once_in_order_by_other_processes():
    messages = ["before"]

    def read(target):
        messages.append("retried %s" % target.name)
        return _read(target)

    entries = audit_fleet(_targets(40), read, max_workers=4, processes=3, messages=messages)
    assert [entry.name for entry in entries] == ["nb%02d" % number for number in range(40)]
    assert all(entry.reachable for entry in entries)
    readers = {entry.tally.csv_rows.split(b",")[1].decode().split("-pid")[1] for entry in entries}
    assert len(readers) == 3 and str(os.getpid()) not in readers
    assert messages[0] == "before" and sorted(messages[1:]) == sorted("retried nb%02d" % n for n in range(40))


@pytest.mark.parametrize("how", ["raises", "killed"])
def test_the_servers_of_a_reader_that_died_are_said_unread(how):
    def read(target):
        if target.name == "nb05":  # dealt to the second of two readers, with every odd server
            if how == "raises":
                raise SystemExit(3)  # not an Exception: audit_one lets it through, the reader ends
            os.kill(os.getpid(), signal.SIGKILL)
        return _read(target)

    entries = audit_fleet(_targets(32), read, max_workers=2, processes=2)
    assert [entry.name for entry in entries] == ["nb%02d" % number for number in range(32)]
    assert [entry.reachable for entry in entries] == [number % 2 == 0 for number in range(32)]
    why = "exit status 70" if how == "raises" else "signal %d" % signal.SIGKILL
    assert all(why in entry.error and entry.error.startswith("not read: ") for entry in entries[1::2])


def test_a_chunk_no_process_could_be_forked_for_is_read_here(monkeypatch):
    def no_fork():
        raise OSError(11, "Resource temporarily unavailable")

    here = os.getpid()
    monkeypatch.setattr(processes.os, "fork", no_fork)
    assert processes.in_processes([[1, 2], [3]], lambda chunk: [os.getpid()] * len(chunk),
                                  lambda chunk, why: why) == [[here, here], [here]]


@pytest.mark.parametrize("asked, servers, cpus, expected", [
    (0, 500, 2, 2), (0, 500, 16, 4), (0, 20, 8, 1), (0, 40, 8, 2), (1, 500, 8, 1), (6, 500, 2, 6), (6, 50, 2, 3),
])
def test_how_many_readers(monkeypatch, asked, servers, cpus, expected):
    monkeypatch.setattr(processes.os, "sched_getaffinity", lambda _pid: set(range(cpus)), raising=False)
    assert processes.reader_processes(asked, servers) == expected


def test_one_reader_where_processes_cannot_be_forked(monkeypatch):
    monkeypatch.delattr(processes.os, "fork")
    assert processes.reader_processes(0, 500) == 1
