# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the drain and audit collection playbooks with ``ansible-runner run`` and judge them by the job events.

    runner_check.py WORK    WORK holds nb1.json and nb2.json, the start lines of two running emulators

The private data dir is set up the way AWX and AAP hand a job to runner:
- nb1 is reached with a user name and a password that is vault-encrypted in inventory/host_vars; runner
  answers ansible-playbook's vault password prompt from env/passwords (env/cmdline asks for it);
- nb2 is reached with a ready token that comes from env/extravars, as a custom credential injects it;
- ANSIBLE_COLLECTIONS_PATH comes from env/envvars only (it is taken out of runner's own environment),
  and so does ANSIBLE_DISPLAY_ARGS_TO_STDOUT, which puts task arguments into the job events.
nb1 has a job that ends a few seconds after the drain's first poll, so the drain must poll and wait;
nb2 is idle and has a finished history for the audit. Every failed check prints what it found.
"""

from __future__ import annotations

import glob
import json
import os
import secrets as random_secrets
import subprocess
import sys
import threading
import time

from notebook_server_emulator.control import EmulatorControl, admin_token

REFERER = "ansible-gisadmin-notebook_server"  # the client's default referer: a given token must be made for it
JOB_SECONDS = 4  # nb1's job ends this long after the drain's first poll of nb1
JOBS_PATH_SUFFIX = "/admin/system/jobs"
VAULT_PROMPT = r"^Vault password:\s*?$"
CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"
DRAIN_ACTION = "gisadmin.notebook_server.notebook_server_drain"
AUDIT_ACTION = "gisadmin.notebook_server.notebook_server_audit"
HOSTS = ("nb1", "nb2")
failures = []
known_secrets = {}  # name -> value: looked for in every artifact, and never printed


def check(condition, message, evidence=None):
    """Record a failed check and print what was found instead."""
    if condition:
        return True
    failures.append(message)
    print("  FAILED: %s" % message, flush=True)
    if evidence is not None:
        text = evidence if isinstance(evidence, str) else json.dumps(evidence, indent=2, sort_keys=True, default=str)
        text = _redacted(text)
        if len(text) > 4000:
            text = text[:4000] + "\n... (%d more characters)" % (len(text) - 4000)
        print("\n".join("    | " + line for line in text.splitlines()), flush=True)
    return False


def _redacted(text):
    """Evidence without any secret in it."""
    for name, value in known_secrets.items():
        text = text.replace(value, "<the %s>" % name)
    return text


def _state(work, name):
    with open(os.path.join(work, name + ".json"), encoding="utf-8") as handle:
        return json.load(handle)


def _read(path):
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        handle.write(text)


def _write_json(path, document):
    _write(path, json.dumps(document, indent=2))


def _vault_encrypt(work, name, secret, vault_password):
    """`ansible-vault encrypt_string` output (``name: !vault |`` and the ciphertext), the secret read from stdin."""
    password_file = os.path.join(work, "vault-password")
    _write(password_file, vault_password)
    try:
        completed = subprocess.run(["ansible-vault", "encrypt_string", "--vault-password-file", password_file,
                                    "--stdin-name", name], input=secret,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
    finally:
        os.remove(password_file)
    if completed.returncode != 0:
        raise SystemExit("ansible-vault encrypt_string failed: %s" % completed.stderr)
    return completed.stdout


def private_data_dir(work, nb1, nb2, nb2_token, vault_password):
    """The layout AWX hands ansible-runner: inventory/, env/ (extravars, passwords, cmdline, envvars), project/."""
    root = os.path.join(work, "runner")
    common = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
              "notebook_server_timeout": 10, "notebook_server_retries": 1}
    _write_json(os.path.join(root, "inventory", "hosts.json"), {"notebook_servers": {"vars": common, "hosts": {
        "nb1": {"notebook_server_url": nb1["url"], "notebook_server_username": nb1["username"],
                "notebook_server_ca_path": nb1["ca_path"]},
        "nb2": {"notebook_server_url": nb2["url"], "notebook_server_token": "{{ nb2_token }}",
                "notebook_server_ca_path": nb2["ca_path"]},
    }}})
    _write(os.path.join(root, "inventory", "host_vars", "nb1.yml"),
           "---\n" + _vault_encrypt(work, "notebook_server_password", nb1["password"], vault_password))
    _write_json(os.path.join(root, "env", "extravars"), {
        "nb2_token": nb2_token,
        "target": "notebook_servers", "drain_poll_interval": 1, "drain_timeout": "2m",
        "audit_report_dir": os.path.join(work, "report"), "audit_since": "-24h",
    })
    # Runner answers prompts (pexpect) from env/passwords: here ansible-playbook's vault password prompt.
    _write_json(os.path.join(root, "env", "passwords"), {VAULT_PROMPT: vault_password})
    _write(os.path.join(root, "env", "cmdline"), "--ask-vault-pass")
    # The collection under test, as ansible-test installed it; AWX sets this from the project's collections.
    # Task arguments in the job events, as some AWX admins set it: no_log tasks must still hide theirs.
    _write_json(os.path.join(root, "env", "envvars"), {
        "ANSIBLE_COLLECTIONS_PATH": os.environ.get("ANSIBLE_COLLECTIONS_PATH", ""), "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_DISPLAY_ARGS_TO_STDOUT": "True"})
    os.makedirs(os.path.join(root, "project"), exist_ok=True)
    return root


def _summary(events):
    """One line per event, for evidence."""
    return "\n".join("%4d %-24s %-5s %-46s %s" % (
        event["counter"], event["event"], event.get("event_data", {}).get("host", ""),
        event.get("event_data", {}).get("resolved_action", ""),
        (event.get("stdout") or "").strip().replace("\r\n", " | ")[:100]) for event in events)


def run(work, root, playbook, ident):
    """ansible-runner run ROOT -p PLAYBOOK; the job events, after the checks every run must pass."""
    # Only env/envvars may tell ansible-playbook where the collection is.
    environment = {key: value for key, value in os.environ.items() if key != "ANSIBLE_COLLECTIONS_PATH"}
    started = time.monotonic()
    completed = subprocess.run([sys.executable, "-m", "ansible_runner", "run", root, "-p", playbook, "--ident", ident],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False, env=environment)
    print("ansible-runner run -p %s: rc=%d in %.1fs" % (playbook, completed.returncode, time.monotonic() - started))
    _write(os.path.join(work, ident + ".out"), completed.stdout)
    check(completed.returncode == 0, "%s: ansible-runner exited with %d" % (ident, completed.returncode), completed.stdout)
    artifacts = os.path.join(root, "artifacts", ident)
    status, rc = _read(os.path.join(artifacts, "status")).strip(), _read(os.path.join(artifacts, "rc")).strip()
    check(status == "successful" and rc == "0", "%s: artifacts say status=%s rc=%s" % (ident, status, rc))
    events = []
    for path in glob.glob(os.path.join(artifacts, "job_events", "*.json")):
        with open(path, encoding="utf-8") as handle:
            events.append(json.load(handle))
    events.sort(key=lambda event: event["counter"])
    check(len(events) > 0, "%s: job events were written" % ident)

    with open(os.path.join(artifacts, "command"), encoding="utf-8") as handle:
        command = json.load(handle)
    collections_path = os.environ.get("ANSIBLE_COLLECTIONS_PATH", "")
    check(command["command"][0] == "ansible-playbook" and command["command"][-1] == playbook
          and "--ask-vault-pass" in command["command"],
          "%s: runner ran ansible-playbook with env/cmdline and the playbook's FQCN as is" % ident, command["command"])
    check(command["env"].get("ANSIBLE_COLLECTIONS_PATH") == collections_path,
          "%s: ANSIBLE_COLLECTIONS_PATH reached ansible-playbook from env/envvars" % ident,
          {"command env": command["env"].get("ANSIBLE_COLLECTIONS_PATH"), "env/envvars": collections_path})
    # ansible-playbook resolved the FQCN to the playbook of the collection under test.
    wanted = os.path.realpath(os.path.join(collections_path.split(":")[0], "ansible_collections",
                                           *playbook.split(".")[:2], "playbooks", playbook.split(".")[2] + ".yml"))
    played = [os.path.realpath(event["event_data"].get("playbook", ""))
              for event in events if event["event"] == "playbook_on_start"]
    check(played == [wanted], "%s: the playbook run is %s" % (ident, wanted), played)
    prompts = [event for event in events if (event.get("stdout") or "").strip() == "Vault password:"]
    check(len(prompts) == 1, "%s: the vault password prompt was answered once, from env/passwords" % ident,
          _summary(events))
    bad = [event for event in events
           if event["event"] in ("runner_on_failed", "runner_on_unreachable", "runner_item_on_failed")]
    check(not bad, "%s: no failed or unreachable event" % ident, bad)
    return events


def task_results(events, task_name):
    """host -> res of the runner_on_ok events of the task with this name."""
    return {event["event_data"]["host"]: event["event_data"]["res"] for event in events
            if event["event"] == "runner_on_ok" and event["event_data"].get("task") == task_name}


def check_stats(events, ident, hosts):
    stats = [event["event_data"] for event in events if event["event"] == "playbook_on_stats"]
    if check(len(stats) == 1, "%s: one playbook_on_stats event" % ident, _summary(events)):
        data = stats[0]
        failed, dark = data.get("failures"), data.get("dark")
        check(not failed and not dark, "%s: no host failed or was unreachable: failures=%s dark=%s" % (ident, failed, dark),
              data)
        check(set(data.get("ok", {})) == set(hosts), "%s: %s ran: %s" % (ident, ", ".join(hosts), data.get("ok")), data)


# ansible-core 2.16-2.18 keep these beside the notice of a no_log result; none can hold a task's data.
CENSORED_RESULT_KEYS = {"censored", "changed", "_ansible_delegated_vars"}


def _only_censored(res):
    return res.get("censored") == CENSORED and set(res) <= CENSORED_RESULT_KEYS


def check_censored(events, ident, action, hosts):
    """The module task gets the secrets: runner replaces its whole result, and its arguments, by a notice."""
    results = {event["event_data"]["host"]: event["event_data"]["res"] for event in events
               if event["event"] == "runner_on_ok" and event["event_data"].get("resolved_action") == action}
    check(set(results) == set(hosts) and all(_only_censored(res) for res in results.values()),
          "%s: the results of %s are censored (no_log) for %s" % (ident, action, ", ".join(hosts)), results)
    arguments = [event["event_data"].get("task_args") for event in events
                 if event["event"] == "playbook_on_task_start" and event["event_data"].get("resolved_action") == action]
    check(arguments == [CENSORED], "%s: the arguments of %s are censored although ANSIBLE_DISPLAY_ARGS_TO_STDOUT is on"
          % (ident, action), arguments)


def _jobs_requests(control):
    return sum(1 for entry in control.requests() if entry["path"].endswith(JOBS_PATH_SUFFIX))


def finish_after_first_poll(control, job_id, done):
    """End the job JOB_SECONDS after the drain's first poll: runner and ansible-playbook take a while to start."""
    while not done.is_set() and _jobs_requests(control) == 0:
        time.sleep(0.05)
    if not done.wait(JOB_SECONDS):
        control.finish_job(job_id)


def check_drain(events, controls, job_id):
    check_stats(events, "drain", HOSTS)
    check_censored(events, "drain", DRAIN_ACTION, HOSTS)
    # Evidence that env/envvars reached ansible: a task without no_log shows its arguments.
    shown = [event["event_data"].get("task_args") for event in events if event["event"] == "playbook_on_task_start"
             and event["event_data"].get("resolved_action") == "ansible.builtin.assert"]
    check(len(shown) == 1 and "that=" in shown[0], "drain: a task without no_log shows its arguments", shown)
    drains = task_results(events, "Record the outcome of the drain")
    check(set(drains) == set(HOSTS), "the drain outcome was recorded for both hosts: %s" % sorted(drains), _summary(events))
    # The per-poll lines reach AWX's job output as verbose events under the drain task.
    drain_tasks = {event["uuid"] for event in events if event["event"] == "playbook_on_task_start"
                   and event["event_data"].get("resolved_action") == DRAIN_ACTION}
    lines = [event["stdout"] for event in events if event["event"] == "verbose" and event.get("parent_uuid") in drain_tasks]
    for host in HOSTS:
        outcome = drains.get(host, {}).get("ansible_facts", {}).get("notebook_server_drain", {})
        print("%s: %s" % (host, outcome.get("msg")))
        check(outcome.get("idle") is True and outcome.get("stopped_by") == "idle" and outcome.get("failures") == 0,
              "%s: the drain ended idle, without a failed poll" % host, outcome)
        polls = _jobs_requests(controls[host])
        check(outcome.get("polls") == polls, "%s: %s polls reported, %d jobs requests in the emulator's log"
              % (host, outcome.get("polls"), polls), outcome)
        own = [line for line in lines if line.startswith(host + ":")]
        check(len(own) == outcome.get("polls") and bool(own) and own[-1].startswith(host + ": idle - after"),
              "%s: one line per poll in the job events, the last one idle" % host, lines)
        if host == "nb1":
            check(outcome.get("polls", 0) >= 3 and outcome.get("waited_seconds", 0) >= JOB_SECONDS - 1,
                  "nb1 waited for its job through several polls", outcome)
            waiting = [line for line in own if line.startswith("nb1: 1 active job (oldest: executeNotebook by alice")]
            check(len(waiting) == len(own) - 1, "nb1: every poll before the last saw alice's job", own)
            check(job_id not in json.dumps(outcome.get("blocking_jobs", [])), "the finished job is no longer blocking",
                  outcome)
        else:
            check(outcome.get("polls") == 1, "nb2 was idle at the first poll", outcome)
    check(controls["nb1"].job(job_id).get("status") == "COMPLETED",
          "nb1's job ended by itself (the drain cancelled nothing)", controls["nb1"].job(job_id))


def expected_figures(control):
    records = [control.job(job_id) for job_id in control.job_ids()]
    figures = {"jobs_listed": len(records), "active": 0, "completed": 0, "failed": 0}
    for record in records:
        if record["status"] in ("SUBMITTED", "PROCESSING"):
            figures["active"] += 1
        elif record["status"] == "FAILED":
            figures["failed"] += 1
        else:
            figures["completed"] += 1
    return figures


def check_audit(events, work, controls):
    # The collection's audit playbook runs no task per server host: one task, once, as the first host of the target
    # (delegated to the controller) learns the hosts the limit leaves, then the role plays on the controller.
    check_stats(events, "audit", ["localhost", HOSTS[0]])
    check_censored(events, "audit", AUDIT_ACTION, ["localhost"])
    # The whole report is the censored module result; the fleet-level summary is a fact the job event shows.
    summaries = task_results(events, "Record the audit summary")
    check(len(summaries) == 1, "the audit summary was recorded once (run_once): %s" % sorted(summaries), _summary(events))
    summary = next(iter(summaries.values()), {}).get("ansible_facts", {}).get("audit_summary", {})
    check(sorted(summary) == ["attention", "fleet", "generated_at", "report_files", "schema_version", "top_owners",
                              "window"], "the summary in the job event has the fleet-level keys only: %s" % sorted(summary))
    expected = {host: expected_figures(control) for host, control in controls.items()}
    check(expected == {"nb1": {"jobs_listed": 1, "active": 0, "completed": 1, "failed": 0},
                       "nb2": {"jobs_listed": 3, "active": 0, "completed": 2, "failed": 1}},
          "the emulators hold the jobs this target gave them", expected)
    fleet = summary.get("fleet", {})
    wanted = {"servers": 2, "reachable": 2, "unreachable": 0}
    wanted.update((key, sum(figures[key] for figures in expected.values())) for key in expected["nb1"])
    got = {key: fleet.get(key) for key in wanted}
    check(got == wanted, "the fleet figures in the job event match the emulators", {"event": got, "emulators": wanted})
    report_dir = os.path.join(work, "report")
    written = sorted(os.listdir(report_dir)) if os.path.isdir(report_dir) else []
    check(written == ["jobs.csv", "notebooks.csv", "report.html", "report.json", "servers.csv"],
          "the report files: %s" % written)
    check(summary.get("report_files") == {name: os.path.join(report_dir, name) for name in written},
          "the job event names the report files", summary.get("report_files"))
    if "report.json" in written:
        with open(os.path.join(report_dir, "report.json"), encoding="utf-8") as handle:
            report = json.load(handle)
        check(report["fleet"] == fleet, "report.json has the fleet of the job event",
              {"report.json": report["fleet"], "event": fleet})
        for entry in report.get("servers", []):
            got = {key: entry.get(key) for key in expected["nb1"]}
            check(entry.get("reachable") is True and got == expected.get(entry.get("name")),
                  "%s: the figures in report.json match its emulator" % entry.get("name"),
                  {"report.json": entry, "emulator": expected.get(entry.get("name"))})
        check([entry.get("name") for entry in report.get("servers", [])] == list(HOSTS), "one server entry per host",
              report.get("servers"))
    summaries = [event for event in events if event["event"] == "runner_on_ok"
                 and event["event_data"].get("task") == "Print the audit summary"]
    check(len(summaries) == 1 and "Notebook Server audit: 2 servers, 2 reachable" in summaries[0].get("stdout", ""),
          "the Markdown summary is in the job output", [event.get("stdout") for event in summaries])


def check_no_secrets(work, root, controls):
    # The search finds what it looks for: runner's inputs hold some of the secrets.
    check(known_secrets["vault password"] in _read(os.path.join(root, "env", "passwords"))
          and known_secrets["nb2 token"] in _read(os.path.join(root, "env", "extravars")),
          "the search finds the secrets in runner's inputs (env/passwords, env/extravars)")
    check(known_secrets["nb1 password"] not in _read(os.path.join(root, "inventory", "host_vars", "nb1.yml")),
          "nb1's password is in the inventory only vault-encrypted")
    paths = [os.path.join(work, "drain.out"), os.path.join(work, "audit.out")]
    paths += glob.glob(os.path.join(root, "artifacts", "**", "*"), recursive=True)
    paths += glob.glob(os.path.join(work, "report", "*"))
    paths = sorted(path for path in paths if os.path.isfile(path))
    for path in paths:
        text = _read(path)
        for name, value in known_secrets.items():
            at = text.find(value)
            check(at < 0, "the %s is in %s" % (name, os.path.relpath(path, work)),
                  None if at < 0 else text[max(0, at - 300):at + len(value)])
    for host, control in controls.items():
        leaked = [entry for entry in control.requests() if entry.get("secret_in_url")]
        check(not leaked, "no request to %s carried a secret in its URL" % host, leaked)
    print("searched %d files (artifacts, report, runner output) for %d secrets" % (len(paths), len(known_secrets)))


def main(work):
    states = {host: _state(work, host) for host in HOSTS}
    controls = {host: EmulatorControl.from_start_line(state) for host, state in states.items()}
    nb2_token = admin_token(states["nb2"], REFERER)
    vault_password = "vault-" + random_secrets.token_urlsafe(18)
    known_secrets.update({"nb1 password": states["nb1"]["password"], "nb2 password": states["nb2"]["password"],
                          "nb2 token": nb2_token, "vault password": vault_password})
    for host, state in states.items():
        known_secrets["%s user password" % host] = state["user"]["password"]
        known_secrets["%s control secret" % host] = state["control_secret"]
    root = private_data_dir(work, states["nb1"], states["nb2"], nb2_token, vault_password)
    # nb2's history for the audit: two completed jobs and a failed one in the last hour, none running.
    controls["nb2"].add_jobs([
        {"type": "executeNotebook", "owner": "erin", "start": -3600, "queued": 0, "duration": 60, "count": 2},
        {"type": "openNotebook", "owner": "frank", "start": -1800, "queued": 0, "duration": 30, "final_status": "FAILED"},
    ])
    for control in controls.values():
        control.clear_requests()

    job_id = controls["nb1"].add_active_job(type="executeNotebook", username="alice")
    done = threading.Event()
    finisher = threading.Thread(target=finish_after_first_poll, args=(controls["nb1"], job_id, done))
    finisher.start()
    try:
        events = run(work, root, "gisadmin.notebook_server.drain", "drain")
    finally:
        done.set()
        finisher.join()
    check_drain(events, controls, job_id)

    check_audit(run(work, root, "gisadmin.notebook_server.audit", "audit"), work, controls)

    check_no_secrets(work, root, controls)
    for failure in failures:
        print("FAILED: %s" % failure, file=sys.stderr)
    if not failures:
        print("ansible-runner: all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
