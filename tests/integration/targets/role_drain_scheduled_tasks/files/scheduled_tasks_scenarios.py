# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drain role's drain_pause_scheduled_tasks against a fleet, each scenario checked against the emulators' own view.

    scheduled_tasks_scenarios.py WORK [SCENARIO...]   run the named scenarios (default: all) against the fleet
                                                      that runme.sh started with WORK/fleet.json

Both hosts (nb1, nb2) are Notebook Servers federated with one Portal, and connect with its administrator.
Emulated time runs 60 times as fast: a task every 2 emulated minutes fires every 2 seconds, and a job that ends 5
seconds after the pause keeps the drain waiting long enough for two runs of such a task.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

from notebook_server_emulator.control import EmulatorControl
from notebook_server_emulator.portal.control import PortalControl

HERE = os.path.dirname(os.path.abspath(__file__))
EVERY_MINUTES = 2
SLOT_MS = EVERY_MINUTES * 60 * 1000
# The blocking job ends this long (real seconds; 5 emulated minutes, two slots) after the tasks were paused.
BLOCKING_AFTER_PAUSE = 5.0
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("  FAILED: " + message, flush=True)


class Fleet:
    def __init__(self, work):
        self.work = work
        with open(os.path.join(work, "fleet.json"), encoding="utf-8") as handle:
            self.state = json.load(handle)
        self.portal_line = self.state["portal"]
        self.portal = PortalControl.from_start_line(self.portal_line)
        self.servers = [EmulatorControl.from_start_line(line) for line in self.state["servers"]]
        self.server_ids = [line["portal_server_id"] for line in self.state["servers"]]
        self.facts_dir = os.path.join(work, "facts")
        self.runs = 0

    def reset(self):
        """No tasks, runs, jobs, faults or recorded facts; empty request logs; every site EDITABLE."""
        self.portal.reset()
        for server in self.servers:
            server.reset()
            server.set_site_mode("EDITABLE")
            server.clear_requests()
        self.portal.clear_requests()
        shutil.rmtree(self.facts_dir, ignore_errors=True)

    def add_task(self, server_index, title, active=True):
        return self.portal.add_task(every_minutes=EVERY_MINUTES, owner="nbuser", server=self.server_ids[server_index],
                                    title=title, run_duration=30, active=active)

    def inventory(self):
        admin = self.portal_line["admin"]
        hosts = {}
        for index, line in enumerate(self.state["servers"]):
            hosts["nb%d" % (index + 1)] = {
                "ansible_connection": "local",
                "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                "notebook_server_url": line["url"],
                # nb2 spells the Portal another way (a trailing slash, /home): still the same Portal.
                "notebook_server_portal_url": self.portal_line["url"] + ("/home/" if index else ""),
                "notebook_server_username": admin["username"],
                "notebook_server_password": admin["password"],
                "notebook_server_ca_path": self.state["ca_path"],
            }
        path = os.path.join(self.work, "inventory.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"notebook_servers": {"hosts": hosts}}, handle)
        return path

    def env(self):
        return dict(os.environ, ANSIBLE_CACHE_PLUGIN="jsonfile", ANSIBLE_CACHE_PLUGIN_CONNECTION=self.facts_dir,
                    ANSIBLE_CACHE_PLUGIN_TIMEOUT="3600")

    def play(self, playbook, check_mode=False, expect_ok=True, extra_vars=None):
        """Run a playbook with a jsonfile fact cache (as a runbook keeps facts between runs); its output."""
        self.runs += 1
        command = ["ansible-playbook", os.path.join(HERE, playbook), "-i", self.inventory(),
                   "-e", json.dumps(dict({"drain_poll_interval": "1s"}, **(extra_vars or {})))]
        if check_mode:
            command.append("--check")
        completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False,
                                   env=self.env())
        output = completed.stdout
        with open(os.path.join(self.work, "play-%d.log" % self.runs), "w", encoding="utf-8") as handle:
            handle.write(output)
        print("\n".join("    " + line for line in output.splitlines()
                        if '"msg"' in line or line.startswith(("fatal:", "nb1:", "nb2:"))), flush=True)
        if expect_ok != (completed.returncode == 0):
            print(output, flush=True)
            check(False, "%s exited %d" % (playbook, completed.returncode))
        check(self.portal_line["admin"]["password"] not in output, "the Portal password is in the output")
        return output

    def drain_facts(self):
        """{host: its notebook_server_drain fact} as the fact cache keeps it (None when none is recorded)."""
        facts_file = os.path.join(self.work, "facts.json")
        command = ["ansible-playbook", os.path.join(HERE, "facts.yml"), "-i", self.inventory(),
                   "-e", json.dumps({"facts_file": facts_file})]
        completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False,
                                   env=self.env())
        if completed.returncode != 0:
            print(completed.stdout, flush=True)
            check(False, "facts.yml exited %d" % completed.returncode)
            return {}
        with open(facts_file, encoding="utf-8") as handle:
            return json.load(handle)

    def task_writes(self):
        """Every disable or enable the Portal was asked for, in order, as (operation, task id, error code)."""
        writes = []
        for entry in self.portal.requests():
            parts = (entry.get("resource") or "").split("/")
            if parts[-1:] in (["disable"], ["enable"]):
                writes.append((parts[-1], parts[-2], entry["error_code"]))
        return writes

    def task(self, task_id):
        return self.portal.task(task_id)

    def jobs_requests(self):
        return sum(1 for server in self.servers for entry in server.requests()
                   if entry["path"].endswith("/admin/system/jobs"))


def end_after_the_pause(fleet, job_id, task_ids):
    """Finish the blocking job BLOCKING_AFTER_PAUSE seconds after every task of task_ids is paused (or after 30 s)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if all(fleet.task(task_id)["taskState"] == "disabled" for task_id in task_ids):
            time.sleep(BLOCKING_AFTER_PAUSE)
            break
        time.sleep(0.2)
    fleet.servers[0].finish_job(job_id)


def flat(text):
    return " ".join(text.split())


# -- scenarios ---------------------------------------------------------------------------------------------


def scenario_pause_then_restore_in_a_later_run(fleet):
    """Two hosts on one Portal: each active task is paused once, no run happens while paused, the restore (a
    later run, from the fact cache) resumes exactly those, and a task paused beforehand stays paused."""
    first = fleet.add_task(0, "Parcels refresh on nb1")
    second = fleet.add_task(1, "Permits report on nb2")
    paused_before = fleet.add_task(0, "Paused by its owner", active=False)
    ours = sorted([first, second])
    # One slot on: both fire on their schedule (and keep firing every 2 seconds until paused).
    fired = [run["task_id"] for run in fleet.portal.advance_clock(SLOT_MS / 1000)["runs"] if run["ok"]]
    check(sorted(fired) == ours, "both tasks fire on their schedule: %s" % fired)
    blocking = fleet.servers[0].add_active_job(username="e_doe")
    releaser = threading.Thread(target=end_after_the_pause, args=(fleet, blocking, ours))
    releaser.start()
    output = fleet.play("drain.yml")
    releaser.join()
    check(sorted(fleet.task_writes()) == [("disable", first, None), ("disable", second, None)],
          "each active task is paused once for the two hosts: %s" % fleet.task_writes())
    listings = [entry for entry in fleet.portal.requests() if (entry["resource"] or "").endswith("allScheduledTasks")]
    # Once per Portal, not per host: the active tasks, then their owners for the pause.
    check(len(listings) == 2, "the Portal's task list is read twice in all, not per host: %d" % len(listings))
    facts = fleet.drain_facts()
    for host in ("nb1", "nb2"):
        fact = facts.get(host) or {}
        check(sorted(fact.get("paused_task_ids", [])) == ours, "%s records %s" % (host, fact.get("paused_task_ids")))
        check(fact.get("idle") is True, "%s drained: %s" % (host, fact.get("msg")))
    check((facts.get("nb1") or {}).get("waited_seconds", 0) >= BLOCKING_AFTER_PAUSE - 1,
          "nb1 waited for its blocking job while the tasks were paused: %s" % (facts.get("nb1") or {}).get("msg"))
    check("Paused 2 active scheduled notebook task(s) of Portal %s" % fleet.portal_line["url"] in flat(output),
          "the play says what it paused")
    now_ms = fleet.portal.call("GET", "clock")["now_ms"]
    for task_id in ours:
        task = fleet.task(task_id)
        check(task["taskState"] == "disabled", "%s is paused after the drain" % task_id)
        paused_at = task["modified"]
        runs = fleet.portal.task_runs(task_id)
        check(runs and all(run["time_ms"] < paused_at for run in runs),
              "%s fired before the pause and never while paused: %s" % (task_id, [run["time_ms"] for run in runs]))
        check(now_ms - paused_at >= 2 * SLOT_MS, "two slots of %s passed while it was paused" % task_id)
        task_jobs = [job_id for server in fleet.servers for job_id in server.job_ids()
                     if server.job(job_id)["inputs"].get("taskId") == task_id]
        check(len(task_jobs) == len([run for run in runs if run["ok"]]),
              "every run of %s is a job with its taskId, and no other job has it" % task_id)
    # The maintenance window: ten emulated minutes pass, and no paused task runs.
    during = [run for run in fleet.portal.advance_clock(600)["runs"] if run["task_id"] in (first, second)]
    check(during == [], "no run while paused: %s" % during)
    fleet.portal.clear_requests()
    output = fleet.play("restore.yml")
    check(sorted(fleet.task_writes()) == [("enable", first, None), ("enable", second, None)],
          "the restore resumes exactly the recorded tasks, once: %s" % fleet.task_writes())
    check(fleet.task(paused_before)["taskState"] == "disabled", "the task paused before the drain stays paused")
    check([fleet.task(task_id)["taskState"] for task_id in ours] == ["active", "active"], "both tasks are active again")
    facts = fleet.drain_facts()
    for host in ("nb1", "nb2"):
        fact = facts.get(host) or {}
        check(fact.get("paused_task_ids") == [] and sorted(fact.get("resumed_task_ids", [])) == ours,
              "%s records the resume: %s" % (host, fact))
    check("Resumed 2 scheduled notebook task(s)" in flat(output), "the play says what it resumed")
    after = [run for run in fleet.portal.advance_clock(SLOT_MS / 1000)["runs"] if run["task_id"] == first]
    check(len(after) == 1 and after[0]["ok"] and after[0]["job_id"], "the resumed task runs at its next slot: %s" % after)
    if after and after[0]["job_id"]:
        check(fleet.servers[0].job(after[0]["job_id"])["inputs"]["taskId"] == first, "its run is a job on nb1 again")
    # A second restore has nothing left to resume.
    fleet.portal.clear_requests()
    fleet.play("restore.yml")
    check(fleet.task_writes() == [], "a second restore writes nothing: %s" % fleet.task_writes())


def scenario_a_pause_that_fails_half_way(fleet):
    """The second of three pauses fails: the first is resumed again, the hosts fail before any drain, nothing
    is left paused or recorded as paused."""
    first = fleet.add_task(0, "First")
    second = fleet.add_task(1, "Second")
    third = fleet.add_task(0, "Third")
    fleet.portal.fail_task_operations(second, ["disable"], count=1, code=500)
    output = fleet.play("drain.yml", expect_ok=False)
    check(fleet.task_writes() == [("disable", first, None), ("disable", second, 500), ("enable", first, None)],
          "first paused, second failed, first resumed, third never touched: %s" % fleet.task_writes())
    check([fleet.task(task_id)["taskState"] for task_id in (first, second, third)] == ["active"] * 3,
          "every task is active again")
    check(fleet.jobs_requests() == 0, "no drain started after the failed pause")
    text = flat(output)
    check("could not pause scheduled task %s" % second in text and "resumed again (%s)" % first in text,
          "the failure says what failed and that the others were resumed")
    facts = fleet.drain_facts()
    for host in ("nb1", "nb2"):
        fact = facts.get(host) or {}
        check(fact.get("paused_task_ids") == [] and fact.get("idle") is False,
              "%s records that nothing is paused: %s" % (host, fact))


def scenario_undoing_fails_too_then_restore(fleet):
    """The pause of the second task fails and so does resuming the first: the first stays paused and is recorded,
    the hosts fail, and the restore entry point resumes it."""
    first = fleet.add_task(0, "First")
    second = fleet.add_task(1, "Second")
    fleet.portal.fail_task_operations(second, ["disable"], count=1, code=500)
    fleet.portal.fail_task_operations(first, ["enable"], count=1, code=503)
    output = fleet.play("drain.yml", expect_ok=False)
    check(fleet.task(first)["taskState"] == "disabled", "the first task is still paused")
    check("%s is still paused" % first in flat(output), "the failure names the task left paused")
    facts = fleet.drain_facts()
    for host in ("nb1", "nb2"):
        fact = facts.get(host) or {}
        check(fact.get("paused_task_ids") == [first], "%s records the task left paused: %s" % (host, fact))
    fleet.portal.clear_requests()
    fleet.play("restore.yml")
    check(fleet.task_writes() == [("enable", first, None)], "the restore resumes it once: %s" % fleet.task_writes())
    check(fleet.task(first)["taskState"] == "active", "the first task is active again")


def scenario_check_mode(fleet):
    """Check mode says which tasks would be paused, pauses none, and the restore in check mode changes nothing."""
    first = fleet.add_task(0, "First")
    second = fleet.add_task(1, "Second")
    fleet.add_task(0, "Paused", active=False)
    output = fleet.play("drain.yml", check_mode=True)
    check(fleet.task_writes() == [], "check mode pauses nothing: %s" % fleet.task_writes())
    check("Check mode: would pause 2 active scheduled notebook task(s) of Portal %s: %s, %s"
          % (fleet.portal_line["url"], first, second) in flat(output), "check mode says which tasks it would pause")
    check([fleet.task(task_id)["taskState"] for task_id in (first, second)] == ["active", "active"],
          "the tasks are still active")
    facts = fleet.drain_facts()
    for host in ("nb1", "nb2"):
        check(facts.get(host) is None, "check mode records nothing in the fact cache for %s: %s" % (host, facts.get(host)))


def scenario_an_incomplete_list_pauses_nothing(fleet):
    """A task list whose total is unusable is not known to be whole: nothing is paused and the hosts fail."""
    fleet.add_task(0, "First")
    fleet.portal.inject_fault("odd_total", count=1, path="allScheduledTasks$", form="absent")
    output = fleet.play("drain.yml", expect_ok=False)
    check(fleet.task_writes() == [], "nothing is paused from a partial list: %s" % fleet.task_writes())
    check("is incomplete" in flat(output) and "none was paused" in flat(output), "the failure says why")
    check(fleet.jobs_requests() == 0, "no drain started")


def scenario_a_bad_drain_option_after_the_pause(fleet):
    """The tasks are paused, then the drain stops on a bad option: the host fails with the option named (not a
    censored result), the pause is recorded at once, and the restore entry point resumes the task."""
    task_id = fleet.add_task(0, "Paused, then a bad option")
    output = fleet.play("drain.yml", expect_ok=False, extra_vars={"drain_quiet_for": "5 minutes"})
    check(fleet.task(task_id)["taskState"] == "disabled", "the task was paused before the drain's options were read")
    check("quiet_for" in output and "5 minutes" in output, "the failure names the bad option and its value")
    check(fleet.jobs_requests() == 0, "no drain poll with a bad option")
    facts = fleet.drain_facts()
    for host in ("nb1", "nb2"):
        fact = facts.get(host) or {}
        check(fact.get("paused_task_ids") == [task_id] and fact.get("idle") is False,
              "%s records the paused task and no idle verdict: %s" % (host, fact))
    fleet.portal.clear_requests()
    fleet.play("restore.yml")
    check(fleet.task_writes() == [("enable", task_id, None)], "the restore resumes it: %s" % fleet.task_writes())


def scenario_drained_again_after_a_timeout(fleet):
    """A drain times out after it set READ_ONLY and paused a task; a check-mode drain, then a drain without
    drain_pause_scheduled_tasks that ends idle, keep that record; the restore puts both back."""
    task_id = fleet.add_task(0, "Paused across two drains")
    blocking = fleet.servers[0].add_active_job(username="e_doe")
    fleet.play("drain.yml", expect_ok=False, extra_vars={"drain_read_only": True, "drain_timeout": "3s"})
    first = fleet.drain_facts()
    check([server.state()["site_mode"] for server in fleet.servers] == ["READ_ONLY"] * 2, "both sites READ_ONLY")
    check((first.get("nb1") or {}).get("stopped_by") == "timeout", "nb1 timed out: %s" % first.get("nb1"))
    fleet.play("drain.yml", check_mode=True, extra_vars={"drain_read_only": True})
    check(fleet.drain_facts() == first, "a check-mode drain leaves the cached record as it is")
    fleet.servers[0].finish_job(blocking)
    fleet.play("drain.yml", extra_vars={"drain_read_only": True, "drain_pause_scheduled_tasks": False})
    facts = fleet.drain_facts()
    for host in ("nb1", "nb2"):
        fact = facts.get(host) or {}
        check(fact.get("idle") is True and fact.get("read_only_set") is True and fact.get("paused_task_ids") == [task_id],
              "%s: the second drain keeps what the first one changed: %s" % (host, fact))
    fleet.portal.clear_requests()
    fleet.play("restore.yml")
    check([server.state()["site_mode"] for server in fleet.servers] == ["EDITABLE"] * 2, "both sites EDITABLE again")
    check(fleet.task_writes() == [("enable", task_id, None)], "the task is resumed once: %s" % fleet.task_writes())


def scenario_interrupted_while_waiting(fleet):
    """Ctrl-C while the drain waits, after it set READ_ONLY and paused a task: the fact cache says the drain recorded
    no outcome and holds the paused task; the restore resumes it and says the site may be READ_ONLY."""
    task_id = fleet.add_task(0, "Paused, then the drain is interrupted")
    fleet.servers[0].add_active_job(username="e_doe")
    fleet.runs += 1
    command = ["ansible-playbook", os.path.join(HERE, "drain.yml"), "-i", fleet.inventory(),
               "-e", json.dumps({"drain_poll_interval": "1s", "drain_read_only": True})]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=fleet.env(),
                          start_new_session=True) as play:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
                fleet.task(task_id)["taskState"] == "disabled"
                and fleet.servers[0].state()["site_mode"] == "READ_ONLY" and fleet.jobs_requests() >= 2):
            time.sleep(0.2)
        os.killpg(play.pid, signal.SIGINT)  # Ctrl-C, to the play and its workers
        try:
            play.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(play.pid, signal.SIGKILL)
            play.wait()
            check(False, "the play did not stop on Ctrl-C")
    check(fleet.servers[0].state()["site_mode"] == "READ_ONLY", "the drain had set nb1 READ_ONLY")
    fact = fleet.drain_facts().get("nb1") or {}
    check(fact.get("outcome_pending") is True and fact.get("idle") is False and fact.get("read_only_requested") is True
          and fact.get("paused_task_ids") == [task_id], "nb1 records a drain with no outcome and the task: %s" % fact)
    fleet.portal.clear_requests()
    output = fleet.play("restore.yml")
    check(fleet.task_writes() == [("enable", task_id, None)], "the restore resumes the task: %s" % fleet.task_writes())
    check("recorded no outcome (it was interrupted while it waited); it was to switch the site to READ_ONLY"
          in flat(output), "the restore says the site may be READ_ONLY")


def scenario_the_portal_named_changed_meanwhile(fleet):
    """The tasks were paused on the fleet's Portal; a restore or a drain that names another Portal fails, saying
    which tasks of which Portal are still paused, and changes nothing; the restore on the right Portal resumes them."""
    task_id = fleet.add_task(0, "Paused on the first Portal")
    fleet.play("drain.yml")
    other = {"notebook_server_portal_url": "https://portal2.example.invalid/portal"}
    fleet.portal.clear_requests()
    output = flat(fleet.play("restore.yml", expect_ok=False, extra_vars=other))
    check("paused scheduled notebook tasks %s of %s" % (task_id, fleet.portal_line["url"]) in output
          and "portal2.example.invalid" in output, "the restore names the tasks, their Portal and the other one")
    output = flat(fleet.play("drain.yml", expect_ok=False, extra_vars=other))
    check("An earlier drain of this host paused scheduled notebook tasks %s" % task_id in output,
          "a drain on another Portal fails before it pauses anything")
    check(fleet.task_writes() == [] and fleet.task(task_id)["taskState"] == "disabled", "nothing was changed")
    check((fleet.drain_facts().get("nb1") or {}).get("paused_task_ids") == [task_id], "the record is kept")
    fleet.play("restore.yml")
    check(fleet.task_writes() == [("enable", task_id, None)], "the restore resumes it: %s" % fleet.task_writes())


def scenario_the_audit_counts_the_tasks(fleet):
    """The audit role reads the Portal once for both hosts: active and paused tasks, and the active job a task
    started, named with its server and the task's title."""
    running = fleet.portal.add_task(every_minutes=60, owner="nbuser", server=fleet.server_ids[0], title="Long refresh",
                                    run_duration=None)
    fleet.add_task(1, "Paused report", active=False)
    run = fleet.portal.run_task(running)
    report_dir = os.path.join(fleet.work, "audit")
    output = fleet.play("audit.yml", extra_vars={"report_dir": report_dir})
    with open(os.path.join(report_dir, "report.json"), encoding="utf-8") as handle:
        report = json.load(handle)
    check(report["schema_version"] == "2.1", "report.json schema 2.1")
    portals = report.get("scheduled_tasks", {}).get("portals", [])
    check(len(portals) == 1, "one Portal for two hosts that spell it two ways: %s" % portals)
    if portals:
        portal = portals[0]
        check((portal["servers"], portal["active"], portal["paused"], portal["complete"]) == (["nb1", "nb2"], 1, 1, True),
              "the Portal's counts: %s" % portal)
    jobs = report.get("scheduled_tasks", {}).get("active_task_jobs", [])
    check([(job["jobId"], job["server"], job["task_id"], job["task_title"]) for job in jobs]
          == [(run["job_id"], "nb1", running, "Long refresh")], "the active job the task started: %s" % jobs)
    listings = [entry for entry in fleet.portal.requests() if (entry["resource"] or "").endswith("allScheduledTasks")]
    check(len(listings) == 1, "the Portal is read once: %d listings" % len(listings))
    check("Scheduled notebook tasks of Portal %s: 1 active, 1 paused, 0 stopped; 1 active job started by a task"
          % fleet.portal_line["url"] in flat(output), "the summary names the Portal's tasks")


SCENARIOS = {
    "pause_then_restore": scenario_pause_then_restore_in_a_later_run,
    "pause_fails_half_way": scenario_a_pause_that_fails_half_way,
    "undoing_fails_too": scenario_undoing_fails_too_then_restore,
    "check_mode": scenario_check_mode,
    "incomplete_list": scenario_an_incomplete_list_pauses_nothing,
    "bad_option": scenario_a_bad_drain_option_after_the_pause,
    "drained_again": scenario_drained_again_after_a_timeout,
    "interrupted": scenario_interrupted_while_waiting,
    "portal_changed": scenario_the_portal_named_changed_meanwhile,
    "audit": scenario_the_audit_counts_the_tasks,
}


def main(argv):
    work, names = argv[0], argv[1:] or list(SCENARIOS)
    fleet = Fleet(work)
    for name in names:
        print("== %s" % name, flush=True)
        fleet.reset()
        SCENARIOS[name](fleet)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all scenarios passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
