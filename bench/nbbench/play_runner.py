"""Run ansible-playbook against the installed collection and time it, from outside, as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import time

PLAYBOOK_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "playbooks")


class PlayFailed(RuntimeError):
    """A benchmark play did not succeed; the message points at its log."""


class PlayRunner:
    def __init__(self, bin_dir: str, collections: str, workdir: str, log_dir: str):
        self.bin_dir = bin_dir
        self.workdir = workdir
        self.log_dir = log_dir
        self.runs = 0
        os.makedirs(log_dir, exist_ok=True)
        self.env = dict(os.environ)
        self.env.update({
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "ANSIBLE_COLLECTIONS_PATH": collections,
            # Only the freshly installed artifact may answer for gisadmin.notebook_server.
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
            "ANSIBLE_CONFIG": os.path.join(workdir, "ansible.cfg"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_HOST_KEY_CHECKING": "false",
            "ANSIBLE_LOCAL_TEMP": os.path.join(workdir, "ansible-local-tmp"),
            "ANSIBLE_REMOTE_TMP": os.path.join(workdir, "ansible-remote-tmp"),
            "ANSIBLE_DEPRECATION_WARNINGS": "false",
        })
        self.env.pop("PYTHONPATH", None)
        with open(self.env["ANSIBLE_CONFIG"], "w", encoding="utf-8") as cfg:
            cfg.write("[defaults]\n")

    def python(self) -> str:
        return os.path.join(self.bin_dir, "python")

    def write_inventory(self, name: str, hosts: dict, host_vars: dict | None = None) -> str:
        """Write a YAML-compatible JSON inventory: hosts maps host name -> its vars."""
        common = {
            "ansible_connection": "local",
            "ansible_python_interpreter": self.python(),
        }
        common.update(host_vars or {})
        inventory = {"all": {"hosts": hosts, "vars": common}}
        path = os.path.join(self.workdir, "inventory-%s.json" % name)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(inventory, handle)
        return path

    def run(self, playbook: str, inventory: str, label: str, forks: int = 5, extra_vars: dict | None = None) -> float:
        """Run one play; return its wall time in seconds. Raises PlayFailed with the log path."""
        self.runs += 1
        log_path = os.path.join(self.log_dir, "%03d-%s.log" % (self.runs, label))
        cmd = [os.path.join(self.bin_dir, "ansible-playbook"), "-i", inventory, "-f", str(forks),
               os.path.join(PLAYBOOK_DIR, playbook)]
        if extra_vars:
            cmd += ["-e", json.dumps(extra_vars)]
        with open(log_path, "wb") as log:
            start = time.perf_counter()
            completed = subprocess.run(cmd, env=self.env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT, check=False)
            elapsed = time.perf_counter() - start
        if completed.returncode != 0:
            raise PlayFailed("%s failed (rc=%d), see %s" % (playbook, completed.returncode, log_path))
        return elapsed
