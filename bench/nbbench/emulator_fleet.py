"""Start and stop emulator instances through the emulator's own launcher, and read their request logs.

Each instance is its own process (HTTPS with its own CA), started by
`python -m notebook_server_emulator.launch start --state-file F -- <options>`, which
writes the instance's JSON start line to F. A process started with `--sites N` serves N
independent sites (each its own server to a client: its own URL, accounts, tokens, jobs,
request log and control API), so a fleet of hundreds of servers needs only a few processes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys


@dataclasses.dataclass
class Server:
    """One running emulator instance, as its start line describes it, with a client of its control API."""
    name: str
    state_file: str
    url: str
    admin_url: str
    ca_path: str
    username: str
    password: str
    control: object

    def request_log(self) -> list:
        return self.control.requests()

    def clear_request_log(self) -> None:
        self.control.clear_requests()

    def add_active_job(self) -> str:
        """A PROCESSING job that runs until finish_job()."""
        return self.control.add_active_job(type="executeNotebook", owner="bench")

    def add_finished_jobs(self, count: int) -> None:
        """Jobs that started an hour ago and ran for a minute: finished, still listed."""
        self.control.add_jobs([{"start": -3600, "duration": 60, "count": count, "owner": "bench"}])

    def finish_job(self, job_id: str) -> None:
        self.control.finish_job(job_id)


def _read_state(state_file: str) -> dict:
    with open(state_file, encoding="utf-8") as handle:
        return json.load(handle)


def _server_from_line(name: str, state_file: str, state: dict) -> Server:
    # The emulator's own control client; its package lives under tests/, which start() puts on sys.path.
    from notebook_server_emulator.control import EmulatorControl

    return Server(
        name=name,
        state_file=state_file,
        url=state["url"].rstrip("/"),
        admin_url=state["admin_url"].rstrip("/"),
        ca_path=state["ca_path"],
        username=state["admin"]["username"],
        password=state["admin"]["password"],
        control=EmulatorControl.from_start_line(state),
    )


class EmulatorFleet:
    """Every emulator this run started; stop_all() is safe to call twice."""

    def __init__(self, repo: str, python: str, workdir: str):
        self.python = python
        self.workdir = workdir
        tests_dir = os.path.join(repo, "tests")
        self.env = dict(os.environ, PYTHONPATH=tests_dir)
        if tests_dir not in sys.path:
            sys.path.insert(0, tests_dir)
        self.servers = []

    def _launcher(self, *args: str) -> list:
        return [self.python, "-m", "notebook_server_emulator.launch", *args]

    def start(self, names: list, options: list) -> list:
        """Start one instance per name with the same options, in parallel; return their Servers."""
        return self.start_each([(name, options) for name in names])

    def start_each(self, specs: list) -> list:
        """Start one instance per (name, options), in parallel; return their Servers in that order."""
        return [server for group in self._start_processes(specs, multi_site=False) for server in group]

    def start_sites(self, specs: list) -> list:
        """Start one multi-site process per (name, options with --sites N), in parallel; return every site's Server,
        process by process, each process's sites in order (site001 first)."""
        return [server for group in self._start_processes(specs, multi_site=True) for server in group]

    def _start_processes(self, specs: list, multi_site: bool) -> list:
        pending = []
        for name, options in specs:
            state_file = os.path.join(self.workdir, "emulator-%s.json" % name)
            # Not emulator-<name>.log: the launcher writes the emulator's own output there.
            log = open(os.path.join(self.workdir, "launcher-%s.log" % name), "wb")  # pylint: disable=consider-using-with
            proc = subprocess.Popen(self._launcher("start", "--state-file", state_file, "--timeout", "300", "--", *options),
                                    env=self.env, stdout=log, stderr=subprocess.STDOUT)
            pending.append((name, state_file, proc, log))
        started = []
        errors = []
        for name, state_file, proc, log in pending:
            rc = proc.wait(timeout=300)
            log.close()
            if rc != 0 or not os.path.exists(state_file):
                errors.append("%s (rc=%s, see %s)" % (name, rc, log.name))
                continue
            state = _read_state(state_file)
            if multi_site:
                group = [_server_from_line("%s/%s" % (name, line["name"]), state_file, line) for line in state["sites"]]
            else:
                group = [_server_from_line(name, state_file, state)]
            self.servers.extend(group)
            started.append(group)
        if errors:
            raise RuntimeError("emulators failed to start: " + ", ".join(errors))
        return started

    def stop(self, servers: list) -> None:
        """Stop the processes serving these servers (once per process: the sites of one process share it)."""
        stopped = set()
        for server in servers:
            if server.state_file not in stopped:
                stopped.add(server.state_file)
                subprocess.run(self._launcher("stop", "--state-file", server.state_file), env=self.env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, timeout=120)
        self.servers = [server for server in self.servers if server.state_file not in stopped]

    def stop_all(self) -> None:
        self.stop(list(self.servers))
