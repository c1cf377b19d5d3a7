"""A stand-in Python interpreter that records the peak RSS and wall time of the module's own process.

B4 sets it as the inventory host's ansible_python_interpreter. Ansible starts it in
place of python to run the AnsiballZ payload; it runs the real interpreter as its only
child with the same arguments and stdin/stdout, waits, and appends one JSON line with
resource.getrusage(RUSAGE_CHILDREN).ru_maxrss (the peak RSS of that child, in KiB on
Linux) and the child's wall time. AnsiballZ runs the module inside that same process,
so the figure is the module's own memory: not the controller's, not the worker fork's,
and not this wrapper's (RUSAGE_CHILDREN excludes the caller).
"""

from __future__ import annotations

import json
import os

TEMPLATE = '''#!{python}
import json, resource, subprocess, sys, time
start = time.perf_counter()
rc = subprocess.call([{python!r}] + sys.argv[1:])
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open({log!r}, "a") as log:
    log.write(json.dumps({{"maxrss_kib": usage.ru_maxrss, "wall_s": wall, "rc": rc}}) + "\\n")
sys.exit(rc)
'''


def write_interpreter(workdir: str, python: str) -> tuple:
    """Write the wrapper; return (its path, the path of the log it appends to)."""
    path = os.path.join(workdir, "rss-python")
    log = os.path.join(workdir, "rss-python.jsonl")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(TEMPLATE.format(python=python, log=log))
    os.chmod(path, 0o755)
    return path, log


def read_records(log: str) -> list:
    if not os.path.exists(log):
        return []
    with open(log, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
