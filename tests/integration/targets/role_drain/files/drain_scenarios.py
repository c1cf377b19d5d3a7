# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drain role against two emulators, one scenario after the other, each checked against the emulators' own view.

    drain_scenarios.py WORK [SCENARIO...]   run the named scenarios (default: all) against the emulators
                                            nb1 and nb2 that setup_emulator started in WORK

Emulated time runs at real speed, so jobs that last seconds end within a scenario's few seconds of drain, and a
drain_quiet_for of a few seconds is a few real seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from typing import NamedTuple, Optional

from notebook_server_emulator.control import EmulatorControl

HERE = os.path.dirname(os.path.abspath(__file__))
POLL = 1.0
JOBS_PATH_SUFFIX = "/admin/system/jobs"
NOTEBOOKS_PATH_SUFFIX = "/admin/notebooks"
DEFAULT_NOTEBOOK_SETTINGS = {"close_operations": "new", "session_path": "item"}
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("  FAILED: " + message, flush=True)


class Emulator:
    def __init__(self, work, name):
        self.name = name
        with open(os.path.join(work, name + ".json"), encoding="utf-8") as handle:
            self.state = json.load(handle)
        self.control = EmulatorControl.from_start_line(self.state)

    def reset(self):
        """No jobs, no open notebooks, no faults, an empty request log, EDITABLE."""
        control = self.control
        for job_id in control.job_ids():
            if control.job(job_id).get("status") in ("SUBMITTED", "PROCESSING"):
                control.finish_job(job_id)
        for notebook in control.notebooks():
            control.close_notebook(notebook["id"])
        control.set_notebook_settings(**DEFAULT_NOTEBOOK_SETTINGS)
        control.clear_faults()
        control.set_site_mode("EDITABLE")
        control.clear_requests()

    def open_notebook(self, owner, idle_seconds=600, busy=False):
        """An open notebook of ``owner`` last active ``idle_seconds`` ago; with ``busy`` its kernel works until told."""
        view = self.control.open_notebook(owner=owner, last_activity=-idle_seconds)
        if busy:
            self.control.make_kernel_busy(view["id"], seconds=None)
        return view["id"]

    def add_job(self, seconds=None, **spec):
        """A job that ends after ``seconds`` (None: never, until finished or cancelled)."""
        if seconds is None:
            return self.control.add_active_job(**spec)
        return self.control.add_job(queued=0, duration=seconds, **spec)

    def end_of(self, job_id):
        return self.control.job(job_id)["endTime"] / 1000.0

    def log(self):
        return self.control.requests()

    def token_requests(self):
        return sum(1 for entry in self.log() if entry["path"].endswith("/generateToken"))

    def jobs_requests(self):
        return sum(1 for entry in self.log() if entry["path"].endswith(JOBS_PATH_SUFFIX))

    def notebooks_requests(self):
        return sum(1 for entry in self.log() if entry["path"].endswith(NOTEBOOKS_PATH_SUFFIX))

    def password(self):
        return self.state["password"]


class PlayRun(NamedTuple):
    output: str
    outcome: Optional[dict]


class Harness:
    def __init__(self, work):
        self.work = work
        self.emulators = {}
        self.runs = 0

    def attach(self, name):
        self.emulators[name] = Emulator(self.work, name)

    def inventory(self, names, extra_host_vars=None):
        hosts = {}
        for name in names:
            state = self.emulators[name].state
            host = {
                "ansible_connection": "local",
                "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                "notebook_server_url": state["url"],
                "notebook_server_username": state["username"],
                "notebook_server_password": state["password"],
                "notebook_server_ca_path": state["ca_path"],
            }
            host.update((extra_host_vars or {}).get(name, {}))
            hosts[name] = host
        path = os.path.join(self.work, "inventory.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"notebook_servers": {"hosts": hosts}}, handle)
        return path

    def play(self, playbook, names, extra_vars=None, host_vars=None, check_mode=False, expect_ok=True):
        """Run a playbook; its output and what its last task recorded (None if it did not get there)."""
        self.runs += 1
        outcome_file = os.path.join(self.work, "outcome-%d.json" % self.runs)
        variables = {"drain_poll_interval": "%ds" % POLL, "drain_outcome_file": outcome_file}
        variables.update(extra_vars or {})
        command = ["ansible-playbook", playbook, "-i", self.inventory(names, host_vars),
                   "-e", json.dumps(variables)]
        if check_mode:
            command.append("--check")
        completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
        output = completed.stdout
        with open(os.path.join(self.work, "play-%d.log" % self.runs), "w", encoding="utf-8") as handle:
            handle.write(output)
        print(_indent(_drain_lines(output)), flush=True)
        if expect_ok != (completed.returncode == 0):
            print(_indent(output), flush=True)
            check(False, "%s exited %d" % (playbook, completed.returncode))
        for name in names:
            check(self.emulators[name].password() not in output, "the password of %s is in the output" % name)
        outcome = None
        if os.path.exists(outcome_file):
            with open(outcome_file, encoding="utf-8") as handle:
                outcome = json.load(handle)
        return PlayRun(output, outcome)


def _drain_lines(output):
    """The lines a person watching the drain reads: one per poll, the closing ones, warnings and failures."""
    keep = ("nb1:", "nb2:", "fatal:", "[WARNING]", "WARNING:", "\"msg\"")
    return "\n".join(line for line in output.splitlines() if line.lstrip().startswith(keep) or "msg" in line)


def _flat(text):
    """Text with every run of white space as one space: some ansible-core versions wrap warnings."""
    return " ".join(text.split())


def _joined(text):
    """Text without white space, to find ids that a wrapped warning split at a hyphen."""
    return "".join(text.split())


def _indent(text):
    return "\n".join("    " + line for line in text.splitlines())


class AfterFirstPoll:
    """Runs ``(seconds, action)`` steps counted from each emulator's first jobs request, in one thread per emulator.

    ansible-playbook takes seconds to start, more on some ansible-core versions than on others:
    counting from the first poll keeps every scenario's timing the same.
    """

    def __init__(self, steps_by_emulator):
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(emulator, steps))
                         for emulator, steps in steps_by_emulator]

    def _run(self, emulator, steps):
        while not self._stop.is_set() and emulator.jobs_requests() == 0:
            time.sleep(0.05)
        first_poll = time.monotonic()
        for at, action in steps:
            if self._stop.wait(max(0.0, first_poll + at - time.monotonic())):
                return
            action()

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        for thread in self._threads:
            thread.join()


def _playbook(name):
    return os.path.join(HERE, name)


# ----- scenarios ---------------------------------------------------------------------------------

def scenario_wait(h):
    """Jobs end over time, one is added during the wait, nb2 is slower and faulty: both drain, soon after the last job."""
    nb1, nb2 = h.emulators["nb1"], h.emulators["nb2"]
    # Jobs run until the schedule ends them.
    jobs = {"nb1": [nb1.add_job(username="alice"), nb1.add_job(type="openNotebook", username="bob")],
            "nb2": [nb2.add_job(), nb2.add_job(username="carol")]}
    added = []
    schedule = AfterFirstPoll([
        (nb1, [(1.5, lambda: nb1.control.finish_job(jobs["nb1"][0])),
               (2.0, lambda: added.append(nb1.add_job(username="dave"))),
               (2.5, lambda: nb1.control.finish_job(jobs["nb1"][1])),
               (4.5, lambda: nb1.control.finish_job(added[0]))]),
        (nb2, [(3.0, lambda: nb2.control.finish_job(jobs["nb2"][0])),
               (6.5, lambda: nb2.control.finish_job(jobs["nb2"][1]))]),
    ])
    # Transient faults on nb2's jobs resource; retries 0 so that each shows as a failed poll.
    nb2.control.inject_fault("http_503", count=2, path="system/jobs$")
    nb2.control.inject_fault("connection_reset", count=1, path="system/jobs$")
    # bob's openNotebook job opens a notebook when it completes: with drain_quiet_for 0 the drain judges its kernel
    # (idle) alone, so this scenario times the jobs (busy_kernel times a notebook's quiet_for).
    with schedule:
        output, outcome = h.play(_playbook("drain.yml"), ["nb1", "nb2"],
                                 extra_vars={"drain_timeout": "1m", "drain_quiet_for": "0"},
                                 host_vars={"nb2": {"notebook_server_retries": 0}})
    check(bool(added), "the job meant to arrive during the wait was not added")
    jobs["nb1"] += added
    check(outcome is not None, "no outcome recorded")
    if outcome is None:
        return
    # The play moves on when the slowest host is idle: measure from the last job of the whole fleet.
    last_end = max(h.emulators[name].end_of(job_id) for name in jobs for job_id in jobs[name])
    delay = outcome["returned_at"] - last_end
    print("  the last job ended %.2f s before the role returned; poll interval %.0f s, target <= %.0f s"
          % (delay, POLL, POLL + 1))
    check(0 <= delay <= POLL + 1.0, "the role returned %.2f s after the last job ended" % delay)
    for name in ("nb1", "nb2"):
        fact = outcome["hosts"][name]
        emulator = h.emulators[name]
        check(fact["idle"] is True and fact["stopped_by"] == "idle", "%s: not idle: %s" % (name, fact))
        tokens, requests = emulator.token_requests(), emulator.jobs_requests()
        print("  %s: %d polls, %d jobs requests, %d token request(s), %d failed polls, waited %.1f s"
              % (name, fact["polls"], requests, tokens, fact["failures"], fact["waited_seconds"]))
        check(tokens == 1, "%s: %d token requests in one drain" % (name, tokens))
        check(requests == fact["polls"], "%s: %d jobs requests for %d polls" % (name, requests, fact["polls"]))
    check(outcome["hosts"]["nb2"]["failures"] == 3, "nb2: the 3 faults were not counted: %s" % outcome["hosts"]["nb2"])
    check("nb2: poll " in output and "failed: " in output, "the failed polls of nb2 were not shown")
    check("(oldest: openNotebook by bob," in output, "no poll line named the oldest job of nb1")
    # The added job started after nb1's first jobs: the drain must have seen it and waited for it.
    check(outcome["hosts"]["nb1"]["waited_seconds"] >= 4.0, "nb1 did not wait for the job added during the wait")
    check("executeNotebook by dave" in output, "no poll line showed the job added during the wait")


def scenario_stuck_blocks(h):
    """A job running for 3 hours blocks; at the timeout the role fails and names it."""
    nb1 = h.emulators["nb1"]
    stuck = nb1.add_job(None, start=-3 * 3600, username="erin")
    output = h.play(_playbook("drain.yml"), ["nb1"], extra_vars={"drain_timeout": "3s", "drain_stuck_after": "2h"},
                    expect_ok=False).output
    check("nb1: 1 active job, 1 stuck (oldest: executeNotebook by erin, 3h)" in output, "no poll line named the stuck job")
    check("not idle after" in output and stuck in output and "(PROCESSING, stuck)" in output,
          "the failure does not name the stuck job %s" % stuck)
    return stuck


def scenario_ignore_stuck(h, stuck):
    """The same stuck job is ignored: the role passes and warns."""
    output, outcome = h.play(_playbook("drain.yml"), ["nb1"],
                             extra_vars={"drain_ignore_stuck": True, "drain_stuck_after": "2h"})
    fact = outcome["hosts"]["nb1"] if outcome else {}
    check(fact.get("idle") is True and fact.get("ignored_stuck_job_ids") == [stuck], "ignore_stuck: %s" % fact)
    check("[WARNING]: finished around stuck jobs still running: " in _flat(output) and stuck in _joined(output),
          "ignore_stuck gave no warning")


def scenario_cancel_stuck(h, stuck):
    """The same stuck job is cancelled: the role passes once the server shows it finished."""
    outcome = h.play(_playbook("drain.yml"), ["nb1"],
                     extra_vars={"drain_cancel_stuck": True, "drain_stuck_after": "2h"}).outcome
    fact = outcome["hosts"]["nb1"] if outcome else {}
    check(fact.get("idle") is True and fact.get("cancelled_job_ids") == [stuck], "cancel_stuck: %s" % fact)
    record = h.emulators["nb1"].control.job(stuck)
    check(record.get("customAttributes", {}).get("isCancelled") is True, "the stuck job was not cancelled: %s" % record)


def scenario_timeout_continue(h):
    """drain_on_timeout: continue goes on, with a warning."""
    nb1 = h.emulators["nb1"]
    job = nb1.add_job(30)
    output, outcome = h.play(_playbook("drain.yml"), ["nb1"],
                             extra_vars={"drain_timeout": "2s", "drain_on_timeout": "continue"})
    fact = outcome["hosts"]["nb1"] if outcome else {}
    check(fact.get("idle") is False and fact.get("stopped_by") == "timeout", "continue: %s" % fact)
    check("[WARNING]: going on although the server is not idle: " in _flat(output) and job in _joined(output),
          "continue gave no warning")


def scenario_check_mode(h):
    """Check mode with the collection playbook: one look, what would be done, nothing done."""
    nb1 = h.emulators["nb1"]
    stuck = nb1.add_job(None, start=-3 * 3600)
    nb1.add_job(30)
    output = h.play("gisadmin.notebook_server.drain", ["nb1"], check_mode=True,
                    extra_vars={"target": "notebook_servers", "drain_read_only": True, "drain_cancel_stuck": True}).output
    check("(check mode: would set READ_ONLY, would wait up to 30m, would cancel %s)" % stuck in output,
          "check mode did not say what it would do")
    state = nb1.control.state()
    check(state["site_mode"] == "EDITABLE", "check mode changed the site mode")
    check(nb1.control.job(stuck).get("customAttributes", {}).get("isCancelled") is False, "check mode cancelled a job")
    check(nb1.jobs_requests() == 1, "check mode read the jobs %d times" % nb1.jobs_requests())
    check("- one look, no waiting" in output, "the check mode poll line does not say it only looks")


def scenario_read_only_restored(h):
    """READ_ONLY while draining nb1, EDITABLE again after the restore; nb2 was READ_ONLY already and stays so."""
    nb1, nb2 = h.emulators["nb1"], h.emulators["nb2"]
    job = nb1.add_job()
    nb2.control.set_site_mode("READ_ONLY")
    seen = []
    with AfterFirstPoll([(nb1, [(0.5, lambda: seen.append(nb1.control.state()["site_mode"])),
                                (2.0, lambda: nb1.control.finish_job(job))])]):
        outcome = h.play(_playbook("drain_and_restore.yml"), ["nb1", "nb2"]).outcome
    check(seen == ["READ_ONLY"], "nb1 was not READ_ONLY during the drain: %s" % seen)
    check(nb1.control.state()["site_mode"] == "EDITABLE", "nb1 was not restored to EDITABLE")
    check(nb2.control.state()["site_mode"] == "READ_ONLY", "nb2 was READ_ONLY before the drain and must stay so")
    if outcome:
        check(outcome["nb1"].get("restored") is True and outcome["nb1"].get("read_only_set") is False,
              "nb1 fact after restore: %s" % outcome["nb1"])
        check(outcome["nb2"].get("read_only_set") is False and "restored" not in outcome["nb2"],
              "nb2 fact after restore: %s" % outcome["nb2"])
    else:
        check(False, "no outcome recorded")


def scenario_malformed_answer_after_read_only(h):
    """An answer no server should send (JSON nested 100,000 deep) right after READ_ONLY: the drain fails with a clear
    error, its fact still says it set READ_ONLY, and the restore puts the site back to EDITABLE.
    """
    nb1 = h.emulators["nb1"]
    nb1.control.inject_fault("nested_json", probability=1, path="system/jobs$")
    run = h.play(_playbook("drain_restore_always.yml"), ["nb1"], expect_ok=False)
    check("nested too deeply" in run.output, "the drain's error does not name the cause")
    check("Traceback" not in run.output, "a traceback in the output")
    check(nb1.control.state()["site_mode"] == "EDITABLE", "nb1 was left %s" % nb1.control.state()["site_mode"])
    fact = (run.outcome or {}).get("nb1") or {}
    check(fact.get("restored") is True and fact.get("read_only_set") is False, "nb1 fact after restore: %s" % fact)
    check(any(entry["path"].endswith("/mode/update") for entry in nb1.log()), "READ_ONLY was never set")


def scenario_login_page_mid_drain(h):
    """After the drain has read the server, a Web Adaptor answers with its sign-in page (HTTP 200) for a moment:
    a failed poll, one fresh token, and the drain ends idle when the job does. At the first poll the same page
    is a wrong url: the drain stops at once with the clear message.
    """
    nb1 = h.emulators["nb1"]
    job = nb1.add_job()
    with AfterFirstPoll([(nb1, [(1.5, lambda: nb1.control.inject_fault("login_page", count=2, path="system/jobs$")),
                                (4.0, lambda: nb1.control.finish_job(job))])]):
        run = h.play(_playbook("drain.yml"), ["nb1"])
    fact = run.outcome["hosts"]["nb1"] if run.outcome else {}
    check(fact.get("idle") is True and fact.get("failures") == 2, "login page mid-drain: %s" % fact)
    check("is not JSON" in run.output and "2 in a row, stopping at 5" in run.output,
          "the failed polls are not shown in the poll lines")
    check(nb1.token_requests() == 2, "one fresh token after the sign-in page: %d token requests" % nb1.token_requests())
    nb1.reset()
    nb1.control.inject_fault("login_page", count=1, path="system/jobs$")
    run = h.play(_playbook("drain.yml"), ["nb1"], expect_ok=False)
    check("stopped after" in run.output and "is not JSON" in run.output, "a sign-in page at the first poll must stop")


def scenario_restart(h):
    """The server restarts during the wait (connections dropped, 503s, tokens forgotten): one fresh token, then idle."""
    nb1 = h.emulators["nb1"]
    nb1.add_job(4)
    nb1.control.inject_fault("restart", count=1, path="system/jobs$", seconds=1.5)
    outcome = h.play(_playbook("drain.yml"), ["nb1"], host_vars={"nb1": {"notebook_server_retries": 0}}).outcome
    fact = outcome["hosts"]["nb1"] if outcome else {}
    check(fact.get("idle") is True and fact.get("failures", 0) >= 1, "restart: %s" % fact)
    tokens = nb1.token_requests()
    print("  nb1: %d token requests across a restart (the first, and one after the server forgot it)" % tokens)
    check(tokens == 2, "restart: %d token requests" % tokens)


def scenario_busy_kernel(h):
    """nb1: a kernel busy before and during the drain goes idle: the role returns within one poll of quiet_for
    passing, naming the notebook's owner while it waits. nb2, drain_notebooks: ignore: a kernel busy until told does
    not hold the drain, and no notebook is read."""
    nb1, nb2 = h.emulators["nb1"], h.emulators["nb2"]
    quiet_for = 2.0
    busy = nb1.open_notebook("alice", busy=True)
    nb1.open_notebook("bob", idle_seconds=3600)
    nb2.open_notebook("carol", busy=True)
    # The cell ends 1 s after the call: the kernel is idle from then, its last activity then.
    with AfterFirstPoll([(nb1, [(1.5, lambda: nb1.control.make_kernel_busy(busy, seconds=1.0))])]):
        output, outcome = h.play(_playbook("drain.yml"), ["nb1", "nb2"],
                                 extra_vars={"drain_timeout": "1m", "drain_quiet_for": "%ds" % quiet_for},
                                 host_vars={"nb2": {"drain_notebooks": "ignore"}})
    check("nb1: no active job, 1 busy notebook (alice: kernel busy, last activity " in output,
          "no poll line named alice's busy kernel")
    check("1 busy notebook (alice: kernel idle, last activity " in output, "no poll line showed the quiet time running")
    check(outcome is not None, "no outcome recorded")
    if outcome is None:
        return
    fact = outcome["hosts"]["nb1"]
    check(fact["idle"] is True and fact["busy_notebooks"] == [] and fact["open_notebooks"] == 2,
          "busy kernel: %s" % fact)
    quiet_at = nb1.control.notebook(busy)["last_activity_ms"] / 1000.0 + quiet_for
    delay = outcome["returned_at"] - quiet_at
    # Idle times are on the server's clock, read from its Date header in whole seconds: it may show quiet_for
    # passing up to a second late, on top of the poll interval and the tasks after the drain.
    print("  quiet_for passed %.2f s before the role returned; poll interval %.0f s, target <= %.0f s"
          % (delay, POLL, POLL + 2))
    check(0 <= delay <= POLL + 2.0, "the role returned %.2f s after quiet_for passed" % delay)
    check(nb1.notebooks_requests() == fact["polls"], "%d notebooks requests for %d polls"
          % (nb1.notebooks_requests(), fact["polls"]))
    ignored = outcome["hosts"]["nb2"]
    check(ignored["idle"] is True and ignored["open_notebooks"] is None and ignored["polls"] == 1,
          "nb2 ignoring notebooks: %s" % ignored)
    check(nb2.notebooks_requests() == 0, "nb2 read the notebooks %d times although told to ignore them"
          % nb2.notebooks_requests())
    check("carol" not in output, "nb2 named a notebook it was told to ignore")


def scenario_close_notebooks(h):
    """drain_close_notebooks: check mode says what it would close; then, once idle, every open notebook is closed
    (nb2 only knows the older close operation) and the fact says which and whose."""
    nb1, nb2 = h.emulators["nb1"], h.emulators["nb2"]
    ids = {"nb1": [nb1.open_notebook("alice"), nb1.open_notebook("bob")], "nb2": [nb2.open_notebook("carol")]}
    nb2.control.set_notebook_settings(close_operations="old")
    output = h.play("gisadmin.notebook_server.drain", ["nb1", "nb2"], check_mode=True,
                    extra_vars={"target": "notebook_servers", "drain_close_notebooks": True}).output
    check("would close 2 open notebooks once idle: %s (alice), %s (bob)" % tuple(ids["nb1"]) in _flat(output),
          "check mode did not say which notebooks it would close")
    check(len(nb1.control.notebooks()) == 2 and len(nb2.control.notebooks()) == 1, "check mode closed a notebook")
    output, outcome = h.play(_playbook("drain.yml"), ["nb1", "nb2"], extra_vars={"drain_close_notebooks": True})
    check(outcome is not None, "no outcome recorded")
    if outcome is None:
        return
    for name, owners in (("nb1", ["alice", "bob"]), ("nb2", ["carol"])):
        fact = outcome["hosts"][name]
        closed = [(notebook["id"], notebook["username"]) for notebook in fact["closed_notebooks"]]
        check(closed == list(zip(ids[name], owners)), "%s closed %s" % (name, closed))
        check(h.emulators[name].control.notebooks() == [], "%s still has open notebooks" % name)
    check("nb1: closed 2 notebooks: %s (alice), %s (bob)" % tuple(ids["nb1"]) in output,
          "the output does not say whose notebooks were closed")
    closes = [entry["resource"] for entry in nb2.log() if (entry["resource"] or "").startswith("admin/notebooks/")]
    check(closes == ["admin/notebooks/%s/closeNotebook" % ids["nb2"][0], "admin/notebooks/%s" % ids["nb2"][0],
                     "admin/notebooks/%s/close" % ids["nb2"][0]], "nb2's close requests: %s" % closes)


def scenario_sessions_fault(h):
    """A container's sessions answer 503 twice in the middle of the drain: two failed polls, never quiet, then idle
    once the job has ended."""
    nb1 = h.emulators["nb1"]
    nb1.open_notebook("alice", idle_seconds=3600)
    job = nb1.add_job(username="dave")
    with AfterFirstPoll([(nb1, [(1.5, lambda: nb1.control.inject_fault("http_503", count=2, path="/sessions$")),
                                (2.0, lambda: nb1.control.finish_job(job))])]):
        output, outcome = h.play(_playbook("drain.yml"), ["nb1"], host_vars={"nb1": {"notebook_server_retries": 0}})
    fact = outcome["hosts"]["nb1"] if outcome else {}
    check(fact.get("idle") is True and fact.get("failures") == 2, "sessions fault: %s" % fact)
    check("nb1: poll " in output and "(2 in a row, stopping at 5)" in output,
          "the failed sessions reads are not shown as failed polls")
    check(not nb1.control.faults(), "the sessions fault was not used")


def scenario_timeout_names_notebook(h):
    """A kernel busy until told: at the timeout the role fails and names the notebook, its owner, kernel state and
    last activity."""
    nb1 = h.emulators["nb1"]
    busy = nb1.open_notebook("e_doe", busy=True)
    run = h.play(_playbook("drain.yml"), ["nb1"], extra_vars={"drain_timeout": "3s"}, expect_ok=False)
    check("not idle after" in run.output and "1 busy notebook: %s by e_doe (kernel busy, last activity " % busy
          in _flat(run.output), "the failure does not name the busy notebook %s" % busy)
    check("nb1: no active job, 1 busy notebook (e_doe: kernel busy, last activity " in run.output,
          "no poll line named e_doe's busy kernel")


def main(work, selected):
    h = Harness(work)
    started = time.monotonic()
    h.attach("nb1")
    h.attach("nb2")
    # The stuck job of "stuck" stays for "ignore_stuck" and "cancel_stuck"; every other scenario starts afresh.
    steps = [
        ("wait", scenario_wait, True),
        ("stuck", scenario_stuck_blocks, True),
        ("ignore_stuck", scenario_ignore_stuck, False),
        ("cancel_stuck", scenario_cancel_stuck, False),
        ("continue", scenario_timeout_continue, True),
        ("check_mode", scenario_check_mode, True),
        ("read_only", scenario_read_only_restored, True),
        ("malformed", scenario_malformed_answer_after_read_only, True),
        ("login_page", scenario_login_page_mid_drain, True),
        ("restart", scenario_restart, True),
        ("busy_kernel", scenario_busy_kernel, True),
        ("close_notebooks", scenario_close_notebooks, True),
        ("sessions_fault", scenario_sessions_fault, True),
        ("timeout_notebook", scenario_timeout_names_notebook, True),
    ]
    stuck = None
    for name, scenario, fresh in steps:
        if selected and name not in selected and not (not fresh and "stuck" in selected):
            continue
        for emulator in h.emulators.values():
            if fresh:
                emulator.reset()
            else:
                emulator.control.clear_requests()
        print("== %s: %s" % (name, scenario.__doc__.strip()), flush=True)
        if fresh:
            stuck = scenario(h)
        else:
            scenario(h, stuck)
    print("drain target: %d plays in %.0f s, %d failed checks" % (h.runs, time.monotonic() - started, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
