# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the drain and audit collection playbooks with ``ansible-runner run`` and judge them by the job events.

    runner_check.py WORK    WORK holds nb1.json and nb2.json, the start lines of two running emulators

nb1 is reached with a user name and password and has a job that ends a few seconds after the drain
starts, so the drain must poll and wait; nb2 is reached with a ready token and is idle.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import time

from notebook_server_emulator.control import EmulatorControl, admin_token

REFERER = "ansible-gisadmin-notebook_server"  # the client's default referer: a given token must be made for it
JOB_SECONDS = 5
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def _state(work, name):
    with open(os.path.join(work, name + ".json"), encoding="utf-8") as handle:
        return json.load(handle)


def _write_json(path, document):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)


def private_data_dir(work, nb1, nb2, nb2_token):
    """The layout AWX hands ansible-runner: inventory/, env/ (extravars, envvars), project/."""
    root = os.path.join(work, "runner")
    common = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
              "notebook_server_timeout": 10, "notebook_server_retries": 1}
    _write_json(os.path.join(root, "inventory", "hosts.json"), {"notebook_servers": {"vars": common, "hosts": {
        "nb1": {"notebook_server_url": nb1["url"], "notebook_server_username": nb1["username"],
                "notebook_server_password": nb1["password"], "notebook_server_ca_path": nb1["ca_path"]},
        "nb2": {"notebook_server_url": nb2["url"], "notebook_server_token": nb2_token,
                "notebook_server_ca_path": nb2["ca_path"]},
    }}})
    _write_json(os.path.join(root, "env", "extravars"), {
        "target": "notebook_servers", "drain_poll_interval": 1, "drain_timeout": "2m",
        "audit_report_dir": os.path.join(work, "report"), "audit_since": "-24h",
    })
    # The collection under test, as ansible-test installed it; AWX sets this from the project's collections.
    _write_json(os.path.join(root, "env", "envvars"), {
        "ANSIBLE_COLLECTIONS_PATH": os.environ.get("ANSIBLE_COLLECTIONS_PATH", ""), "ANSIBLE_NOCOLOR": "1"})
    os.makedirs(os.path.join(root, "project"), exist_ok=True)
    return root


def run(root, playbook, ident):
    runner = shutil.which("ansible-runner")
    started = time.monotonic()
    completed = subprocess.run([runner, "run", root, "-p", playbook, "--ident", ident],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    print("ansible-runner run -p %s: rc=%d in %.1fs" % (playbook, completed.returncode, time.monotonic() - started))
    if not check(completed.returncode == 0, "ansible-runner exited with %d" % completed.returncode):
        print(completed.stdout)
    artifacts = os.path.join(root, "artifacts", ident)
    with open(os.path.join(artifacts, "status"), encoding="utf-8") as handle:
        status = handle.read().strip()
    with open(os.path.join(artifacts, "rc"), encoding="utf-8") as handle:
        rc = handle.read().strip()
    check(status == "successful" and rc == "0", "%s: artifacts say status=%s rc=%s" % (ident, status, rc))
    events = []
    for path in glob.glob(os.path.join(artifacts, "job_events", "*.json")):
        with open(path, encoding="utf-8") as handle:
            events.append(json.load(handle))
    events.sort(key=lambda event: event["counter"])
    check(len(events) > 0, "%s: job events were written" % ident)
    return events


def task_results(events, task_name):
    """host -> res of the runner_on_ok events of the task with this name."""
    return {event["event_data"]["host"]: event["event_data"]["res"] for event in events
            if event["event"] == "runner_on_ok" and event["event_data"].get("task") == task_name}


def check_stats(events, ident):
    stats = [event["event_data"] for event in events if event["event"] == "playbook_on_stats"]
    if check(len(stats) == 1, "%s: one playbook_on_stats event" % ident):
        data = stats[0]
        failed, dark = data.get("failures"), data.get("dark")
        check(not failed and not dark, "%s: no host failed or was unreachable: failures=%s dark=%s" % (ident, failed, dark))
        check(set(data.get("ok", {})) == {"nb1", "nb2"}, "%s: both hosts ran: %s" % (ident, data.get("ok")))


def check_drain(events, job_id):
    check_stats(events, "drain")
    drains = task_results(events, "Record the outcome of the drain")
    check(set(drains) == {"nb1", "nb2"}, "the drain outcome was recorded for both hosts: %s" % sorted(drains))
    for host, res in drains.items():
        outcome = res.get("ansible_facts", {}).get("notebook_server_drain", {})
        print("%s: %s" % (host, outcome.get("msg")))
        check(outcome.get("idle") is True, "%s: the drain ended idle: %s" % (host, outcome))
        check(outcome.get("stopped_by") == "idle", "%s: stopped because idle: %s" % (host, outcome.get("stopped_by")))
    nb1 = drains.get("nb1", {}).get("ansible_facts", {}).get("notebook_server_drain", {})
    check(nb1.get("polls", 0) >= 3 and nb1.get("waited_seconds", 0) >= JOB_SECONDS - 2,
          "nb1 waited for its job through several polls: %s polls, %s s" % (nb1.get("polls"), nb1.get("waited_seconds")))
    nb2 = drains.get("nb2", {}).get("ansible_facts", {}).get("notebook_server_drain", {})
    check(nb2.get("polls") == 1, "nb2 was idle at the first poll: %s polls" % nb2.get("polls"))
    # The per-poll lines reach AWX's job output as display events.
    lines = [line for event in events for line in event.get("stdout", "").splitlines()]
    check(any(line.startswith("nb1: 1 active job") for line in lines), "a poll line says nb1 has 1 active job")
    check(any(line.startswith("nb1: idle") for line in lines), "a poll line says nb1 became idle")
    # The drain task carries the password: its event must say so (censored) and hold nothing else.
    censored = task_results(events, "Wait until no notebook job is active on the Notebook Server")
    check(all("censored" in res for res in censored.values()) and set(censored) == {"nb1", "nb2"},
          "the drain task's results are censored (no_log) for both hosts")
    check(job_id not in json.dumps(nb1.get("blocking_jobs", [])), "the finished job is no longer blocking")


def check_audit(events, work, expected_jobs):
    check_stats(events, "audit")
    reports = task_results(events, "Record the audit report")
    check(len(reports) == 1, "the audit report was recorded once (run_once): %s" % sorted(reports))
    report = next(iter(reports.values()), {}).get("ansible_facts", {}).get("audit_report", {})
    fleet = report.get("fleet", {})
    check(fleet.get("servers") == 2 and fleet.get("reachable") == 2, "the audit reached both servers: %s" % fleet)
    listed = {entry.get("name"): entry.get("jobs_listed") for entry in report.get("servers", [])}
    check(listed == expected_jobs, "jobs listed per server %s match the emulators' %s" % (listed, expected_jobs))
    written = sorted(os.listdir(os.path.join(work, "report"))) if os.path.isdir(os.path.join(work, "report")) else []
    check(written == ["jobs.csv", "report.html", "report.json", "servers.csv"], "the report files: %s" % written)
    summaries = [event for event in events if event["event"] == "runner_on_ok"
                 and event["event_data"].get("task") == "Print the audit summary"]
    check(len(summaries) == 1 and "Notebook Server audit: 2 servers, 2 reachable" in summaries[0].get("stdout", ""),
          "the Markdown summary is in the job output")


def check_no_secrets(root, secrets):
    for path in glob.glob(os.path.join(root, "artifacts", "**", "*"), recursive=True):
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        for name, value in secrets.items():
            check(value not in text, "the %s is in %s" % (name, os.path.relpath(path, root)))


def main(work):
    nb1_state, nb2_state = _state(work, "nb1"), _state(work, "nb2")
    nb1, nb2 = EmulatorControl.from_start_line(nb1_state), EmulatorControl.from_start_line(nb2_state)
    nb2_token = admin_token(nb2_state, REFERER)
    root = private_data_dir(work, nb1_state, nb2_state, nb2_token)

    job_id = nb1.add_job(queued=0, duration=JOB_SECONDS, username="alice")
    check_drain(run(root, "gisadmin.notebook_server.drain", "drain"), job_id)
    check(nb1.job(job_id).get("status") == "COMPLETED", "nb1's job ended by itself (the drain cancelled nothing)")

    expected_jobs = {"nb1": len(nb1.job_ids()), "nb2": len(nb2.job_ids())}
    check_audit(run(root, "gisadmin.notebook_server.audit", "audit"), work, expected_jobs)

    check_no_secrets(root, {"nb1 password": nb1_state["password"], "nb2 token": nb2_token,
                            "nb1 control secret": nb1_state["control_secret"],
                            "nb2 control secret": nb2_state["control_secret"]})
    for failure in failures:
        print("FAILED: %s" % failure, file=sys.stderr)
    if not failures:
        print("ansible-runner: all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
