"""Esri's own client referees the emulator: what arcgis 2.4.4 reads must be what the emulators hold and what
gisadmin.notebook_server.notebook_server_jobs_info returns.

Starts an emulated Portal with two federated emulated Notebook Servers (one listed as ARCGIS_NOTEBOOK_SERVER,
one as an ArcGIS server whose serverFunction includes NotebookServer, behind a /notebooks context), runs a
scheduled task on each, freezes their clocks and compares, per server, the job ids and statuses of:
  - the emulator's ground truth (control API),
  - arcgis: GIS(portal, user, password, use_gen_token=True) -> gis.notebook_server -> system.list_jobs(details=True),
  - the collection's module, run by `ansible localhost -m` with portal_url and the Portal administrator.
Every request arcgis makes must be answered as a real Portal would (only its probes of <portal>/info,
<portal>/rest/info and <portal>/rest/services may get a 404), and no secret may travel in a URL.

    python tests/referee/arcgis_referee.py --arcgis-python .venv-arcgis/bin/python   (from the collection tree)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TESTS_DIR)

from notebook_server_emulator.control import ControlApiError, EmulatorControl  # noqa: E402  pylint: disable=wrong-import-position
from notebook_server_emulator.fleet import start_fleet, stop_fleet  # noqa: E402  pylint: disable=wrong-import-position
from notebook_server_emulator.portal.control import PortalControl  # noqa: E402  pylint: disable=wrong-import-position

MODULE = "gisadmin.notebook_server.notebook_server_jobs_info"
SCENARIO = os.path.join(TESTS_DIR, "notebook_server_emulator", "scenarios", "demo.json")
# What a real Portal answers 404 to as well: arcgis probes these before sharing/rest/info.
PORTAL_PROBES = ("info", "rest/info", "rest/services")
GENERATED_JOBS = 250  # more than one page of the module's first request and arcgis' default num (100)


class Referee:
    def __init__(self, fleet: dict, arcgis_python: str, ansible: str, work: str):
        self.fleet = fleet
        self.work = work
        self.arcgis_python = arcgis_python
        self.ansible = ansible
        self.portal = PortalControl.from_start_line(fleet["portal"])
        self.servers = [(line, EmulatorControl.from_start_line(line)) for line in fleet["servers"]]
        self.problems: list = []
        self.notes: list = []
        self.secrets = [fleet["portal"]["admin"]["password"], fleet["portal"]["user"]["password"]]

    def check(self, condition: bool, problem: str) -> None:
        if not condition:
            self.problems.append(problem)

    # ----- the three readers -----

    def ground_truth(self, control: EmulatorControl) -> dict:
        """{job id: status} of every job the server shows now (jobs that start later are not shown)."""
        truth = {}
        for job_id in control.job_ids():
            try:
                truth[job_id] = control.job(job_id)["status"]
            except ControlApiError as exc:
                if exc.status != 404:
                    raise
        return truth

    def read_with_arcgis(self) -> dict:
        portal = self.fleet["portal"]
        env = dict(os.environ, REFEREE_PORTAL_URL=portal["url"], REFEREE_USERNAME=portal["admin"]["username"],
                   REFEREE_PASSWORD=portal["admin"]["password"], REFEREE_CA_PATH=self.fleet["ca_path"])
        began = time.monotonic()
        result = subprocess.run([self.arcgis_python, os.path.join(os.path.dirname(__file__), "arcgis_reader.py"),
                                 "--num", "1000"], env=env, capture_output=True, text=True, timeout=300, check=False)
        self.notes.append("arcgis read in %.1f s" % (time.monotonic() - began))
        if result.returncode != 0:
            raise RuntimeError("the arcgis reader failed (%d): %s" % (result.returncode, self._redact(result.stderr[-3000:])))
        return json.loads(result.stdout.strip().splitlines()[-1])

    def read_with_module(self) -> list:
        """The module's {job id: status} per server, both servers at once (the Portal's token, as a user would)."""
        portal = self.fleet["portal"]
        # Connection options from the environment, as the module documents: no secret on a command line.
        env = dict(os.environ, ANSIBLE_NOCOLOR="1", NOTEBOOK_SERVER_PORTAL_URL=portal["url"],
                   NOTEBOOK_SERVER_USERNAME=portal["admin"]["username"],
                   NOTEBOOK_SERVER_PASSWORD=portal["admin"]["password"], NOTEBOOK_SERVER_CA_PATH=self.fleet["ca_path"])
        began = time.monotonic()
        trees = [os.path.join(self.work, "tree-%d" % index) for index in range(len(self.servers))]
        # --tree writes each host's result as JSON (the json stdout callback is not in ansible-core 2.19).
        processes = [subprocess.Popen([self.ansible, "localhost", "-m", MODULE, "-a", json.dumps({"url": line["url"]}),
                                       "--tree", tree], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for (line, _control), tree in zip(self.servers, trees)]
        results = []
        for process, tree in zip(processes, trees):
            stdout, stderr = process.communicate(timeout=300)
            self.check(not any(secret in stdout + stderr for secret in self.secrets),
                       "a password appears in the module's output")
            if process.returncode != 0:
                raise RuntimeError("%s failed (%d): %s %s" % (MODULE, process.returncode, self._redact(stdout[-3000:]),
                                                              self._redact(stderr[-3000:])))
            with open(os.path.join(tree, "localhost"), encoding="utf-8") as handle:
                written = handle.read()
            self.check(not any(secret in written for secret in self.secrets), "a password appears in the module's result")
            results.append(json.loads(written))
        self.notes.append("%s ran on both servers in %.1f s" % (MODULE, time.monotonic() - began))
        return results

    def _redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "********")
        return text

    # ----- the match -----

    def seed(self) -> dict:
        """One scheduled task per server, run now: {server url: (task id, job id)}; then every clock stops."""
        runs = {}
        for line, _control in self.servers:
            task_id = self.portal.add_task(every_minutes=60, owner="nbuser", server=line["portal_server_id"],
                                           run_duration=None)
            run = self.portal.run_task(task_id)
            self.check(run["ok"], "the task run on %s failed: %s" % (line["url"], run["error"]))
            runs[line["url"]] = (task_id, run["job_id"])
        # Frozen clocks: no status may change between the three reads.
        for _line, control in self.servers:
            control.set_time_scale(0)
        self.portal.set_time_scale(0)
        return runs

    def compare_arcgis(self, answer: dict, truths: dict, runs: dict, label: str) -> None:
        expected_urls = {line["url"] + "/admin" for line, _control in self.servers}
        found = {server["admin_url"]: server["jobs"] for server in answer["servers"]}
        self.check(set(found) == expected_urls, "%s: arcgis found the Notebook Servers %s, the Portal federates %s"
                   % (label, sorted(found), sorted(expected_urls)))
        self.check(answer["user"] == self.fleet["portal"]["admin"]["username"] and answer["is_admin"],
                   "%s: arcgis does not see the Portal administrator as an administrator" % label)
        for line, _control in self.servers:
            jobs = found.get(line["url"] + "/admin", [])
            read = {job["jobId"]: job.get("status") for job in jobs}
            self._same(read, truths[line["url"]], "%s: arcgis on %s" % (label, line["url"]))
            task_id, job_id = runs[line["url"]]
            record = next((job for job in jobs if job["jobId"] == job_id), {})
            self.check(record.get("inputs", {}).get("taskId") == task_id,
                       "%s: arcgis does not read inputs.taskId %s on the task's job %s" % (label, task_id, job_id))

    def _same(self, read: dict, truth: dict, label: str) -> None:
        if read == truth:
            return
        missing, extra = sorted(set(truth) - set(read)), sorted(set(read) - set(truth))
        changed = sorted(job_id for job_id in set(read) & set(truth) if read[job_id] != truth[job_id])
        self.problems.append("%s: %d jobs missing %s, %d unknown %s, %d with another status %s"
                             % (label, len(missing), missing[:3], len(extra), extra[:3], len(changed),
                                [(job_id, read[job_id], truth[job_id]) for job_id in changed[:3]]))

    def check_logs(self, portal_since: int, server_since: dict, label: str) -> None:
        """Every request was answered as a real Portal and server would; no secret in a URL."""
        context = self.fleet["portal"]["context"]
        for entry in self.portal.requests(since=portal_since):
            resource = entry["path"][len(context):].strip("/")
            probe = resource in PORTAL_PROBES and entry["status"] == 404
            self.check(probe or (entry["status"] == 200 and entry["error_code"] is None),
                       "%s: the emulated Portal answered %s %s with %s/%s"
                       % (label, entry["method"], entry["path"], entry["status"], entry["error_code"]))
            self.check(not entry["secret_in_url"], "%s: a secret in the URL of %s" % (label, entry["path"]))
        for line, control in self.servers:
            entries = control.requests(since=server_since[line["url"]])
            self.check(bool(entries), "%s: nothing asked %s" % (label, line["url"]))
            for entry in entries:
                self.check(entry["status"] == 200 and entry["error_code"] is None,
                           "%s: %s answered %s %s with %s/%s"
                           % (label, line["url"], entry["method"], entry["path"], entry["status"], entry["error_code"]))
                self.check(entry["token_issuer"] == "portal", "%s: %s %s was not read with a Portal token"
                           % (label, line["url"], entry["path"]))
                self.check(not entry["secret_in_url"], "%s: a secret in the URL of %s" % (label, entry["path"]))

    def _marks(self) -> tuple:
        portal = self.portal.requests()
        servers = {line["url"]: (control.requests() or [{"seq": 0}])[-1]["seq"] for line, control in self.servers}
        return (portal[-1]["seq"] if portal else 0), servers

    def run(self) -> None:
        runs = self.seed()
        truths = {line["url"]: self.ground_truth(control) for line, control in self.servers}
        self.notes.append("ground truth: %s jobs" % ", ".join("%d" % len(truth) for truth in truths.values()))
        portal_since, server_since = self._marks()
        self.compare_arcgis(self.read_with_arcgis(), truths, runs, "adminUrl + adminPublicUrl")
        self.check_logs(portal_since, server_since, "arcgis")
        # Before 10.9.1 there is no adminPublicUrl, and the property table spells adminURL: arcgis then uses url.
        self.portal.set_server_list(admin_url_key="adminURL", admin_public_url=False)
        portal_since, server_since = self._marks()
        self.compare_arcgis(self.read_with_arcgis(), truths, runs, "adminURL, no adminPublicUrl")
        self.check_logs(portal_since, server_since, "arcgis (adminURL)")
        self.portal.set_server_list(admin_url_key="adminUrl", admin_public_url=True)
        portal_since, server_since = self._marks()
        for (line, _control), result in zip(self.servers, self.read_with_module()):
            self.check(result.get("complete") is True, "%s: the module's list of %s is not complete"
                       % (MODULE, line["url"]))
            self._same({job["jobId"]: job["status"] for job in result.get("jobs", [])}, truths[line["url"]],
                       "%s on %s" % (MODULE, line["url"]))
        self.check_logs(portal_since, server_since, MODULE)


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--arcgis-python", required=True, help="the Python of a venv with arcgis==2.4.4")
    parser.add_argument("--ansible", default=os.path.join(os.path.dirname(sys.executable), "ansible"),
                        help="the ansible command (default: beside this Python)")
    args = parser.parse_args(argv)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="arcgis-referee-") as work:
        state_file = os.path.join(work, "fleet.json")
        fleet = start_fleet(state_file, servers=2,
                            server_args=[["--scenario", SCENARIO],
                                         ["--context", "/notebooks", "--generate-jobs", str(GENERATED_JOBS)]],
                            listings=[{}, {"server_type": "ArcGIS", "server_function": "GeoAnalytics,NotebookServer"}])
        try:
            referee = Referee(fleet, args.arcgis_python, args.ansible, work)
            try:
                referee.run()
            except (RuntimeError, OSError, ValueError, KeyError, ControlApiError, subprocess.TimeoutExpired) as exc:
                referee.problems.append("the referee could not finish: %s" % exc)
        finally:
            stop_fleet(state_file)
    for note in referee.notes:
        print("referee: " + note)
    for problem in referee.problems:
        print("REFEREE FAIL: " + problem, file=sys.stderr)
    verdict = "FAILED" if referee.problems else "arcgis 2.4.4, the emulators and %s agree" % MODULE
    print("referee: %s in %.1f s" % (verdict, time.monotonic() - began))
    return 1 if referee.problems else 0


if __name__ == "__main__":
    sys.exit(main())
