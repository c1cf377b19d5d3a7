"""B3: the audit role over a fleet (1,000 jobs per server, forks 5) vs pinging the same hosts, and vs the uri baseline per host."""

from __future__ import annotations

import json
import os

from nbbench.context import BenchContext, host_vars
from nbbench.emulator_options import generated_jobs_options
from nbbench.rows import Figure, Row
from nbbench.stats import ratio, side_by_side


def check_report(report_dir: str, servers: int, jobs: int) -> None:
    """A fast audit that missed servers would flatter the row: the last report must hold every server and job."""
    with open(os.path.join(report_dir, "report.json"), encoding="utf-8") as handle:
        fleet = json.load(handle)["fleet"]
    if fleet.get("reachable") != servers or fleet.get("jobs_listed") != jobs:
        raise RuntimeError("the audit report shows %s of %d servers reachable and %s of %d jobs listed"
                           % (fleet.get("reachable"), servers, fleet.get("jobs_listed"), jobs))


def measure(ctx: BenchContext) -> list:
    profile = ctx.profile
    count = profile.b3_servers
    print("  starting %d emulators with %d jobs each" % (count, profile.b3_jobs_per_server), flush=True)
    servers = ctx.fleet.start_each([("fleet%02d" % i, generated_jobs_options(profile.b3_jobs_per_server) + ["--seed", str(i + 1)])
                                    for i in range(count)])
    try:
        inventory = ctx.plays.write_inventory("b3", {"nb%02d" % i: host_vars(s) for i, s in enumerate(servers)})
        report_dir = os.path.join(ctx.workdir, "audit-report")
        forks = profile.b3_forks
        samples = side_by_side({
            "audit": lambda: ctx.plays.run("audit.yml", inventory, "b3-audit", forks=forks, extra_vars={"audit_report_dir": report_dir}),
            "ping": lambda: ctx.plays.run("ping.yml", inventory, "b3-ping", forks=forks),
            "uri": lambda: ctx.plays.run("uri_baseline.yml", inventory, "b3-uri", forks=forks),
        }, profile.b3_repeats)
        check_report(report_dir, count, count * profile.b3_jobs_per_server)
    finally:
        ctx.fleet.stop(servers)
    ours, ping, uri = Figure(samples["audit"]), Figure(samples["ping"]), Figure(samples["uri"])
    what = "audit role, %d servers x %d jobs, forks %d" % (count, profile.b3_jobs_per_server, forks)
    return [
        Row(id="B3", what=what + " vs ping of the same hosts", ours=ours, reference=ping,
            ratio=ratio(ours.value, ping.value), target="<= 0.5x ping floor", limit=0.5).judge(),
        Row(id="B3 vs uri", what="same audit vs the uri baseline per host", ours=ours, reference=uri,
            ratio=ratio(ours.value, uri.value), target="< 1x uri (minimum)", limit=0.999).judge(),
    ]
