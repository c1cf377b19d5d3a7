"""B2: a play with one notebook_server_jobs_info task (one server) vs its floor, and vs the uri baseline.

Floor: the same play with one ansible.builtin.ping task, then the in-process raw fetch,
run back to back. Baseline: bench/playbooks/uri_baseline.yml on the same host.
The module task is measured in two forms: as the README shows it (every job comes
back to the controller) and with status=active (the question the uri baseline answers).
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
        "all": lambda: ctx.plays.run("module_jobs_info.yml", inventory, "b2-module"),
        "active": lambda: ctx.plays.run("module_jobs_info_active.yml", inventory, "b2-module-active"),
        "floor": floor,
        "uri": lambda: ctx.plays.run("uri_baseline.yml", inventory, "b2-uri"),
    }, ctx.profile.b2_repeats)
    every, active = Figure(samples["all"]), Figure(samples["active"])
    floor_fig, uri = Figure(samples["floor"]), Figure(samples["uri"])
    rows = []
    for suffix, ours, form in (("", every, "all %d jobs returned" % B2_JOBS), (" active", active, "status=active")):
        rows.append(Row(id="B2" + suffix, what="play, one notebook_server_jobs_info task (%s), 1 server vs ping play + raw fetch" % form,
                        ours=ours, reference=floor_fig, ratio=ratio(ours.value, floor_fig.value),
                        target="<= 1.15x floor", limit=1.15).judge())
        if suffix:
            rows.append(Row(id="B2%s vs uri" % suffix, what="same play vs the uri baseline play (token + jobs + rejectattr)",
                            ours=ours, reference=uri, ratio=ratio(ours.value, uri.value), target="< 1x uri (minimum)",
                            limit=0.999).judge())
        else:
            rows.append(every_round(Row(id="B2 vs uri", what="same play vs the uri baseline play (token + jobs + rejectattr)",
                                        ours=ours, reference=uri, ratio=ratio(ours.value, uri.value),
                                        target="<= 0.8x uri, in every round", limit=0.8), samples["all"], samples["uri"]))
    return rows


def every_round(row: Row, ours: list, reference: list) -> Row:
    """Judge the ratio of the medians, and call it met only when each interleaved round's own ratio is within the
    limit too: "reliably" means not only on a good day. The rounds' ratios go in the note."""
    row.judge()
    rounds = [ratio(a, b) for a, b in zip(ours, reference)]
    worst = max(rounds, default=float("nan"))
    row.note = "ratio in each round (run side by side): %s; worst %.2fx" % (", ".join("%.2fx" % r for r in rounds), worst)
    if row.result == "met" and not worst <= row.limit:
        row.result = "**missed**"
        row.note += ", above the limit"
    return row
