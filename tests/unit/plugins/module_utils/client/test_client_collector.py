# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cycle collector's pause: off inside, as it was after, whatever the nesting, the threads or the errors."""

from __future__ import annotations

import gc
import threading

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client import collector
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit import fleet
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client import responses


@pytest.fixture(autouse=True)
def collector_on():
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_off_inside_and_on_again_after():
    with collector.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with collector.collector_paused():
        pass
    assert not gc.isenabled()


def test_nested_pauses_end_with_the_outer_one_and_errors_end_them_too():
    with pytest.raises(RuntimeError):
        with collector.collector_paused():
            with collector.collector_paused():
                pass
            assert not gc.isenabled()
            raise RuntimeError("boom")
    assert gc.isenabled()


def test_overlapping_pauses_in_threads_end_with_the_last_one():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = []

    def first():
        with collector.collector_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with collector.collector_paused():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.isenabled())  # the first pause ended first: still off for this one

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == [False] and gc.isenabled()


def test_answers_are_decoded_with_the_collector_paused(monkeypatch):
    states = []
    real_loads = responses.json.loads

    def loads(body):
        states.append(gc.isenabled())
        return real_loads(body)

    monkeypatch.setattr(responses.json, "loads", loads)
    assert responses.read_answer(200, b'{"asyncJobs": [], "total": 0}', "application/json", "https://nb") == {
        "asyncJobs": [], "total": 0}
    assert states == [False] and gc.isenabled()


@pytest.mark.parametrize("workers", [1, 4])
def test_an_audit_reads_every_server_with_the_collector_paused(workers):
    states = []

    def read_jobs(target):
        states.append(gc.isenabled())
        raise RuntimeError("unreachable")  # how it ends does not matter here

    targets = [fleet.AuditTarget(name="nb%d" % number, connection={"url": "https://nb%d.example.com/arcgis" % number})
               for number in range(3)]
    audits = fleet.audit_fleet(targets, read_jobs, max_workers=workers)
    assert [audit.reachable for audit in audits] == [False] * 3
    assert states == [False] * 3 and gc.isenabled()
