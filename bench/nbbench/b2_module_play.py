"""B2: a play with one notebook_server_jobs_info task (one server) vs its floor, and vs the uri baseline.

Floor: the same play with one ansible.builtin.ping task, then the in-process raw fetch,
run back to back. Baseline: bench/playbooks/uri_baseline.yml on the same host.
"""

from __future__ import annotations

from nbbench.context import BenchContext, host_vars
from nbbench.profile import B2_JOBS
from nbbench.raw_fetch import raw_fetch
from nbbench.rows import Figure, Row
from nbbench.stats import ratio, side_by_side, timed


def measure(ctx: BenchContext) -> list:
    server = ctx.servers_by_jobs[B2_JOBS]
    inventory = ctx.plays.write_inventory("b2", {"nb1": host_vars(server)})

    def floor() -> float:
        return ctx.plays.run("ping.yml", inventory, "b2-ping") + timed(raw_fetch, server)[0]

    samples = side_by_side({
        "module": lambda: ctx.plays.run("module_jobs_info.yml", inventory, "b2-module"),
        "floor": floor,
        "uri": lambda: ctx.plays.run("uri_baseline.yml", inventory, "b2-uri"),
    }, ctx.profile.b2_repeats)
    ours, floor_fig, uri = Figure(samples["module"]), Figure(samples["floor"]), Figure(samples["uri"])
    return [
        Row(id="B2", what="play, one notebook_server_jobs_info task, %d jobs, 1 server vs ping play + raw fetch" % B2_JOBS,
            ours=ours, reference=floor_fig, ratio=ratio(ours.value, floor_fig.value), target="<= 1.15x floor", limit=1.15).judge(),
        Row(id="B2 vs uri", what="same play vs the uri baseline play (token + jobs + selectattr)",
            ours=ours, reference=uri, ratio=ratio(ours.value, uri.value), target="< 1x uri (minimum)", limit=0.999).judge(),
    ]
