"""B3: the audit playbook over a fleet (1,000 jobs per server, forks 5) vs pinging the same hosts, vs the uri baseline
per host, and over a fleet ten times larger.

One fleet serves every B3 row: b3_fleet_servers sites (500) from b3_processes multi-site emulator
processes (5 x 100 sites), each site its own server to the audit (its own URL, credentials, tokens
and jobs, seeded by its number). The small fleet (50) is every tenth site, so it is spread over
every process exactly as the large one is, and both audits meet the same server side.
"""

from __future__ import annotations

import json
import os

from nbbench.context import BenchContext, host_vars
from nbbench.emulator_options import generated_sites_options
from nbbench.rows import Figure, Row
from nbbench.stats import ratio, side_by_side


def check_report(report_dir: str, servers: int, jobs: int) -> None:
    """A fast audit that missed servers would flatter the row: the last report must hold every server and job."""
    with open(os.path.join(report_dir, "report.json"), encoding="utf-8") as handle:
        fleet = json.load(handle)["fleet"]
    if fleet.get("reachable") != servers or fleet.get("jobs_listed") != jobs:
        raise RuntimeError("the audit report shows %s of %d servers reachable and %s of %d jobs listed"
                           % (fleet.get("reachable"), servers, fleet.get("jobs_listed"), jobs))


def start_fleet(ctx: BenchContext) -> list:
    """Every site of the large fleet, in seed order (site i has seed i + 1)."""
    profile = ctx.profile
    total, processes = profile.b3_fleet_servers, profile.b3_processes
    if total % profile.b3_servers or total % processes:
        raise ValueError("the profile's B3 fleet (%d) must be a multiple of its small fleet (%d) and of its processes (%d)"
                         % (total, profile.b3_servers, processes))
    per_process = total // processes
    specs = [("b3-%d" % index, generated_sites_options(per_process, profile.b3_jobs_per_server, index * per_process + 1))
             for index in range(processes)]
    return ctx.fleet.start_sites(specs)


def measure(ctx: BenchContext) -> list:
    profile = ctx.profile
    small, large, jobs = profile.b3_servers, profile.b3_fleet_servers, profile.b3_jobs_per_server
    print("  starting %d emulated servers with %d jobs each in %d processes" % (large, jobs, profile.b3_processes), flush=True)
    servers = start_fleet(ctx)
    try:
        subset = servers[::large // small]
        inventory = ctx.plays.write_inventory("b3", {"nb%03d" % i: host_vars(s) for i, s in enumerate(subset)})
        inventory_large = ctx.plays.write_inventory("b3-fleet", {"nb%03d" % i: host_vars(s) for i, s in enumerate(servers)})
        report_dir = os.path.join(ctx.workdir, "audit-report")
        report_dir_large = os.path.join(ctx.workdir, "audit-report-fleet")
        forks = profile.b3_forks
        samples = side_by_side({
            "audit": lambda: ctx.plays.run("audit.yml", inventory, "b3-audit", forks=forks, extra_vars={"audit_report_dir": report_dir}),
            "ping": lambda: ctx.plays.run("ping.yml", inventory, "b3-ping", forks=forks),
            "uri": lambda: ctx.plays.run("uri_baseline.yml", inventory, "b3-uri", forks=forks),
            "audit_large": lambda: ctx.plays.run("audit.yml", inventory_large, "b3-audit-fleet", forks=forks,
                                                 extra_vars={"audit_report_dir": report_dir_large}),
        }, profile.b3_repeats)
        check_report(report_dir, small, small * jobs)
        check_report(report_dir_large, large, large * jobs)
    finally:
        ctx.fleet.stop(servers)
    ours, ping, uri = Figure(samples["audit"]), Figure(samples["ping"]), Figure(samples["uri"])
    ours_large = Figure(samples["audit_large"])
    what = "audit playbook, %d servers x %d jobs, forks %d" % (small, jobs, forks)
    rows = [
        Row(id="B3", what=what + " vs ping of the same hosts", ours=ours, reference=ping,
            ratio=ratio(ours.value, ping.value), target="<= 0.25x ping floor", limit=0.25).judge(),
        Row(id="B3 vs uri", what="same audit vs the uri baseline per host", ours=ours, reference=uri,
            ratio=ratio(ours.value, uri.value), target="< 1x uri (minimum)", limit=0.999).judge(),
    ]
    fleet_row = Row(id="B3 fleet", what="audit playbook, %d servers vs %d servers (%d jobs each, forks %d)" % (large, small, jobs, forks),
                    ours=ours_large, reference=ours, ratio=ratio(ours_large.value, ours.value),
                    target="<= 5x (10x the servers)", limit=5.0,
                    note="%d emulated servers served by %d emulator processes (--sites %d each); the %d are every %dth of them"
                    % (large, profile.b3_processes, large // profile.b3_processes, small, large // small))
    if (large, small) != (500, 50):
        fleet_row.note += "; this profile's pair is %d vs %d, not the issue's 500 vs 50" % (large, small)
    rows.append(fleet_row.judge())
    return rows
