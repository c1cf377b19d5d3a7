"""B1: the lookup's core, in-process, vs the in-process floor (raw fetch), at 10,000 and 100,000 detailed jobs.

The core is what the lookup calls: jobs/task.py run() of the installed artifact's
module_utils, given the same options the lookup would pass it, imported once
(import time is not part of either figure). Both sides start a fresh session per run.
"""

from __future__ import annotations

import importlib
import sys

from nbbench.context import BenchContext
from nbbench.raw_fetch import raw_fetch
from nbbench.rows import Figure, Row
from nbbench.stats import ratio, side_by_side, timed

CORE = "ansible_collections.gisadmin.notebook_server.plugins.module_utils"


def load_core(collections: str) -> tuple:
    """(the jobs task's run, OptionAdapter) from the installed collection, not from the source tree."""
    if collections not in sys.path:
        sys.path.insert(0, collections)
    jobs_task = importlib.import_module(CORE + ".jobs.task")
    options = importlib.import_module(CORE + ".client.options")
    if not jobs_task.__file__.startswith(collections):
        raise RuntimeError("the core was imported from %s, not from the installed artifact" % jobs_task.__file__)
    return jobs_task.run, options.OptionAdapter


def core_call(collections: str, server):
    """A callable that runs the lookup's core once against server and checks the list is complete."""
    run_jobs, option_adapter = load_core(collections)
    params = {"url": server.url, "username": server.username, "password": server.password, "ca_path": server.ca_path}

    def call() -> dict:
        result = run_jobs(option_adapter.from_dict(params))
        if not result["complete"] or len(result["jobs"]) != result["total"]:
            raise RuntimeError("the core returned %d of %s jobs" % (len(result["jobs"]), result["total"]))
        return result

    return call


def _seconds(func) -> float:
    return timed(func)[0]


def measure(ctx: BenchContext) -> list:
    rows = []
    for count, repeats in sorted(ctx.profile.b1_repeats.items()):
        server = ctx.servers_by_jobs[count]
        core = core_call(ctx.collections, server)
        samples = side_by_side({
            "core": lambda core=core: _seconds(core),
            "floor": lambda server=server: _seconds(lambda: raw_fetch(server)),
        }, repeats)
        ours, floor = Figure(samples["core"]), Figure(samples["floor"])
        rows.append(Row(id="B1 %dk" % (count // 1000), what="lookup's core in-process (jobs task), %d detailed jobs vs raw fetch" % count,
                        ours=ours, reference=floor, ratio=ratio(ours.value, floor.value), target="<= 1.3x floor", limit=1.3).judge())
    return rows
