"""B5: the drain role over a fleet whose jobs end at known times.

Each repetition gives every server one active job, starts the play, and ends the
jobs from a background thread at staggered, known instants (all after the drain has
begun polling). Measured: the delay from the last job ending to the role returning
(the next task's timestamp), jobs requests per poll and tokens per host, both from the
emulators' request logs, polls from the role's notebook_server_drain fact.
"""

from __future__ import annotations

import json
import os
import time

from nbbench.context import BenchContext, host_vars
from nbbench.emulator_options import drain_fleet_options
from nbbench.job_schedule import JobEnder
from nbbench.play_runner import PlayFailed
from nbbench.request_log import count_jobs_list_requests, count_token_requests
from nbbench.rows import Figure, Row
from nbbench.stats import ratio

# Jobs end between FIRST_END and LAST_END seconds after the play is launched: late
# enough that every host is polling (play start-up on a loaded 2-core machine takes
# a few seconds), spread so the hosts do not all finish at once.
FIRST_END = 8.0
LAST_END = 12.0
HISTORY_JOBS = 200


def _one_drain(ctx: BenchContext, servers: list, inventory: str, outcome_file: str, repetition: int) -> dict:
    profile = ctx.profile
    for server in servers:
        server.clear_request_log()
    jobs = {server.name: server.add_active_job() for server in servers}
    launched = time.monotonic()
    spread = (LAST_END - FIRST_END) / max(1, len(servers) - 1)
    ender = JobEnder([(launched + FIRST_END + i * spread, server, jobs[server.name]) for i, server in enumerate(servers)])
    ender.start()
    try:
        ctx.plays.run("drain.yml", inventory, "b5-drain-%d" % repetition, forks=len(servers), extra_vars={
            "bench_outcome_file": outcome_file,
            "drain_poll_interval": "%ds" % profile.b5_poll_interval,
            "drain_timeout": "5m",
        })
    finally:
        ender.cancel()
    if ender.errors:
        raise RuntimeError("could not end the jobs: " + "; ".join(ender.errors))
    if len(ender.ended) != len(servers):
        raise PlayFailed("the drain returned after %d of %d jobs had ended: it reported idle while a job was active"
                         % (len(ender.ended), len(servers)))
    with open(outcome_file, encoding="utf-8") as handle:
        outcome = json.load(handle)
    last_end = max(wall for _name, wall, _mono in ender.ended)
    per_poll, tokens = [], []
    hosts = outcome["hosts"]
    for i, server in enumerate(servers):
        fact = hosts["nb%02d" % i]
        log = server.request_log()
        polls = int(fact["polls"])
        per_poll.append(count_jobs_list_requests(log) / polls if polls else float("inf"))
        tokens.append(count_token_requests(log))
    return {"delay": outcome["returned_at"] - last_end, "per_poll": max(per_poll), "tokens": max(tokens)}


def measure(ctx: BenchContext) -> list:
    profile = ctx.profile
    count = profile.b5_servers
    print("  starting %d emulators" % count, flush=True)
    servers = ctx.fleet.start(["drain%02d" % i for i in range(count)], drain_fleet_options())
    try:
        for server in servers:
            # A finished history, so each poll reads a realistic list, not an empty one.
            server.add_finished_jobs(HISTORY_JOBS)
        inventory = ctx.plays.write_inventory("b5", {"nb%02d" % i: host_vars(s) for i, s in enumerate(servers)})
        outcome_file = os.path.join(ctx.workdir, "drain-outcome.json")
        runs = [_one_drain(ctx, servers, inventory, outcome_file, r) for r in range(profile.b5_repeats)]
    finally:
        ctx.fleet.stop(servers)
    poll = profile.b5_poll_interval
    delay = Figure([run["delay"] for run in runs])
    per_poll = Figure([run["per_poll"] for run in runs], "req")
    tokens = Figure([run["tokens"] for run in runs], "tokens")
    return [
        Row(id="B5 delay", what="drain of %d servers, poll %d s: last job ended -> role returned" % (count, poll),
            ours=delay, reference="%d s (poll + 1 s)" % (poll + 1), ratio=ratio(delay.value, poll + 1),
            target="<= poll interval + 1 s", limit=1.0).judge(),
        Row(id="B5 requests", what="jobs requests per poll (worst host, emulator request logs)", ours=per_poll,
            reference="1", ratio=per_poll.value, target="1 per poll", limit=1.0).judge(),
        Row(id="B5 tokens", what="generateToken requests per host per drain (worst host)", ours=tokens,
            reference="1", ratio=tokens.value, target="1 per host", limit=1.0).judge(),
    ]
