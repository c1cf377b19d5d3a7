"""B2L: a play with one notebook_server_jobs lookup call (same data as B2) vs its floor.

Floor: the same play with one trivial controller-side task (debug), then the raw fetch.
"""

from __future__ import annotations

from nbbench.context import BenchContext, host_vars
from nbbench.profile import B2_JOBS
from nbbench.raw_fetch import raw_fetch
from nbbench.rows import Figure, Row
from nbbench.stats import ratio, side_by_side, timed


def measure(ctx: BenchContext) -> list:
    server = ctx.servers_by_jobs[B2_JOBS]
    inventory = ctx.plays.write_inventory("b2l", {"nb1": host_vars(server)})

    def floor() -> float:
        return ctx.plays.run("trivial_controller_task.yml", inventory, "b2l-trivial") + timed(raw_fetch, server)[0]

    samples = side_by_side({
        "lookup": lambda: ctx.plays.run("lookup_jobs.yml", inventory, "b2l-lookup"),
        "floor": floor,
    }, ctx.profile.b2l_repeats)
    ours, floor_fig = Figure(samples["lookup"]), Figure(samples["floor"])
    return [Row(id="B2L", what="play, one notebook_server_jobs lookup, %d jobs vs trivial-task play + raw fetch" % B2_JOBS,
                ours=ours, reference=floor_fig, ratio=ratio(ours.value, floor_fig.value), target="<= 1.10x floor", limit=1.10).judge()]
