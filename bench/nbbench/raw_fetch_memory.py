"""Peak RSS of the raw fetch alone, in a fresh process: the memory floor B4's module is set against.

`python -m nbbench.raw_fetch_memory '<server json>'` prints the process's VmHWM (peak RSS
of its own address space) in KiB after one token request, one complete detailed jobs
request and json.loads of the body. Not ru_maxrss: that one also remembers the RSS of
the forked copy of the parent before exec, and the harness parent is large.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types

from nbbench.raw_fetch import raw_fetch

BENCH_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def peak_rss_mib(server) -> float:
    """Run the raw fetch in a child Python; return its peak RSS in MiB."""
    described = json.dumps({"admin_url": server.admin_url, "ca_path": server.ca_path,
                            "username": server.username, "password": server.password})
    env = dict(os.environ, PYTHONPATH=BENCH_DIR)
    out = subprocess.run([sys.executable, "-m", "nbbench.raw_fetch_memory", described], env=env,
                         capture_output=True, text=True, check=True, timeout=600).stdout
    return int(out.strip()) / 1024


def main() -> None:
    server = types.SimpleNamespace(**json.loads(sys.argv[1]))
    jobs = raw_fetch(server)
    if "asyncJobs" not in jobs:
        raise SystemExit("no asyncJobs in the answer")
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                print(line.split()[1])
                return
    raise SystemExit("no VmHWM in /proc/self/status")


if __name__ == "__main__":
    main()
