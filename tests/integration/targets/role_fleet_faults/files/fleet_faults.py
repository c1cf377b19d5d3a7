# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A hung server in an audit and in a drain of several hosts; every connection option set per host for both roles.

    fleet_faults.py WORK   run the plays against the emulators ok, options and hung that setup_emulator started
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from notebook_server_emulator.control import EmulatorControl

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 2  # notebook_server_timeout of every host
RETRIES = 1  # notebook_server_retries: two attempts
REFERER = "https://ops.example.com/change-4711"
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("  FAILED: " + message, flush=True)


def _state(work, name):
    with open(os.path.join(work, name + ".json"), encoding="utf-8") as handle:
        return json.load(handle)


def _host(state, **extra):
    host = {
        "ansible_connection": "local",
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "notebook_server_url": state["url"],
        "notebook_server_username": state["username"],
        "notebook_server_password": state["password"],
        "notebook_server_ca_path": state["ca_path"],
        "notebook_server_timeout": TIMEOUT,
        "notebook_server_retries": RETRIES,
    }
    host.update(extra)
    return host


def _play(work, playbook, hosts, name, extra_vars=None):
    inventory = os.path.join(work, "inventory-%s.json" % name)
    with open(inventory, "w", encoding="utf-8") as handle:
        json.dump({"notebook_servers": {"hosts": hosts}}, handle)
    outcome_file = os.path.join(work, "outcome-%s.json" % name)
    variables = dict({"outcome_file": outcome_file}, **(extra_vars or {}))
    started = time.monotonic()
    completed = subprocess.run(["ansible-playbook", os.path.join(HERE, playbook), "-i", inventory, "-e",
                                json.dumps(variables)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               check=False)
    elapsed = time.monotonic() - started
    with open(os.path.join(work, "play-%s.log" % name), "w", encoding="utf-8") as handle:
        handle.write(completed.stdout)
    outcome = None
    if os.path.exists(outcome_file):
        with open(outcome_file, encoding="utf-8") as handle:
            outcome = json.load(handle)
    return completed, elapsed, outcome


def audit_with_a_hung_server(work, states, controls):
    """The hung server costs at most timeout x attempts; it is unreachable with that reason; the others are read."""
    print("== audit: two servers and a hung one", flush=True)
    hosts = {"nb-ok": _host(states["ok"]), "nb-options": _host(states["options"]), "nb-hung": _host(states["hung"])}
    job = controls["ok"].add_active_job(type="executeNotebook", username="alice")
    completed, elapsed, report = _play(work, "audit.yml", hosts, "audit")
    print("  audit play: %.1f s" % elapsed, flush=True)
    check(completed.returncode == 0, "the audit play failed:\n" + completed.stdout[-3000:])
    if not report:
        check(False, "no report recorded")
        return
    servers = {entry["name"]: entry for entry in report["servers"]}
    hung = servers.get("nb-hung", {})
    check(hung.get("reachable") is False, "nb-hung is not unreachable: %s" % hung)
    check("no answer within the timeout (%gs)" % TIMEOUT in (hung.get("error") or ""),
          "nb-hung's error does not say it timed out: %r" % hung.get("error"))
    # Each attempt waits TIMEOUT for the answer, with a 1 s backoff between; the servers are read at once.
    hung_cost = TIMEOUT * (RETRIES + 1) + 1
    check(hung.get("elapsed_seconds", 99) <= hung_cost + 1.5,
          "nb-hung cost %s s, more than %d attempts of %d s" % (hung.get("elapsed_seconds"), RETRIES + 1, TIMEOUT))
    for name, emulator in (("nb-ok", "ok"), ("nb-options", "options")):
        entry = servers.get(name, {})
        truth = [controls[emulator].job(job_id) for job_id in controls[emulator].job_ids()]
        active = sum(1 for record in truth if record.get("status") in ("SUBMITTED", "PROCESSING"))
        check(entry.get("reachable") is True and entry.get("complete") is True, "%s: %s" % (name, entry))
        check(entry.get("jobs_listed") == len(truth) and entry.get("active") == active,
              "%s figures: listed %s active %s, the emulator holds %d with %d active"
              % (name, entry.get("jobs_listed"), entry.get("active"), len(truth), active))
    controls["ok"].finish_job(job)


def drain_with_a_hung_server(work, states, controls):
    """Each host's drain is its own: nb-ok drains idle as soon as its job ends; nb-hung fails on its own."""
    print("== drain: a host with a job that ends soon, and a hung one", flush=True)
    job = controls["ok"].add_job(type="executeNotebook", username="alice", queued=0, duration=3)
    hosts = {"nb-ok": _host(states["ok"]), "nb-hung": _host(states["hung"])}
    completed, elapsed, facts = _play(work, "drain.yml", hosts, "drain", {
        "drain_poll_interval": "1s", "drain_timeout": "20s", "drain_max_consecutive_failures": 2})
    print("  drain play: %.1f s" % elapsed, flush=True)
    check(completed.returncode != 0, "the play must fail for nb-hung")
    facts = facts or {}
    ok, hung = facts.get("nb-ok") or {}, facts.get("nb-hung") or {}
    check(ok.get("idle") is True and ok.get("waited_seconds", 99) < 10, "nb-ok did not drain on its own: %s" % ok)
    check(hung.get("idle") is False and hung.get("stopped_by") == "failures", "nb-hung: %s" % hung)
    check("no answer within the timeout" in (hung.get("msg") or ""), "nb-hung's message: %r" % hung.get("msg"))
    check(controls["ok"].job(job).get("status") == "COMPLETED", "nb-ok's job did not end by itself")


def options_reach_both_roles(work, states, controls):
    """notebook_server_referer, _token_location and _token_expiration set for a host reach the drain, the restore
    and the audit of that host (issue 14, item 4).
    """
    print("== every connection option set per host reaches both roles", flush=True)
    options = {"notebook_server_referer": REFERER, "notebook_server_token_location": "header",
               "notebook_server_token_expiration": 7}
    hosts = {"nb-options": _host(states["options"], **options)}
    for playbook, extra in (("audit.yml", {}), ("drain.yml", {"drain_read_only": True})):
        controls["options"].clear_requests()
        completed, _elapsed, _outcome = _play(work, playbook, hosts, "options-" + playbook.split(".", maxsplit=1)[0], extra)
        check(completed.returncode == 0, "%s with the options failed:\n%s" % (playbook, completed.stdout[-2000:]))
        log = controls["options"].requests()
        tokens = [entry for entry in log if entry["path"].endswith("/generateToken")]
        reads = [entry for entry in log if entry["path"].endswith("/admin/system/jobs")]
        check(tokens and all(entry.get("referer") == REFERER for entry in log),
              "%s: not every request carried the referer %s" % (playbook, REFERER))
        check(reads and all(entry.get("token_channel") == "x-esri-authorization" and entry["method"] == "GET"
                            for entry in reads), "%s: the token did not travel in the header" % playbook)
    check(controls["options"].state()["site_mode"] == "READ_ONLY", "the drain with read_only did not reach the site")


def main(work):
    states = {name: _state(work, name) for name in ("ok", "options", "hung")}
    controls = {name: EmulatorControl.from_start_line(state) for name, state in states.items()}
    started = time.monotonic()
    audit_with_a_hung_server(work, states, controls)
    drain_with_a_hung_server(work, states, controls)
    options_reach_both_roles(work, states, controls)
    print("fleet faults target: %.0f s, %d failed checks" % (time.monotonic() - started, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
