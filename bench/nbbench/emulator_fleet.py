"""Start and stop emulator instances through the emulator's own launcher, and read their request logs.

Each instance is its own process (HTTPS with its own CA), started by
`python -m notebook_server_emulator.launch start --state-file F -- <options>`, which
writes the instance's JSON start line to F.
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


def _server_from_state(name: str, state_file: str) -> Server:
    # The emulator's own control client; its package lives under tests/, which start() puts on sys.path.
    from notebook_server_emulator.control import EmulatorControl

    with open(state_file, encoding="utf-8") as handle:
        state = json.load(handle)
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
        pending = []
        for name, options in specs:
            state_file = os.path.join(self.workdir, "emulator-%s.json" % name)
            log = open(os.path.join(self.workdir, "emulator-%s.log" % name), "wb")  # pylint: disable=consider-using-with
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
            server = _server_from_state(name, state_file)
            self.servers.append(server)
            started.append(server)
        if errors:
            raise RuntimeError("emulators failed to start: " + ", ".join(errors))
        return started

    def stop(self, servers: list) -> None:
        for server in servers:
            subprocess.run(self._launcher("stop", "--state-file", server.state_file), env=self.env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, timeout=120)
            if server in self.servers:
                self.servers.remove(server)

    def stop_all(self) -> None:
        self.stop(list(self.servers))
