"""Orchestrate one benchmark run: install the artifact, start emulators, measure every row, print the table."""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback

from nbbench import b1_core, b2_module_play, b2l_lookup_play, b3_audit, b4_module_scaling, b5_drain
from nbbench.collection_install import build_and_install, has_plugin
from nbbench.context import BenchContext
from nbbench.emulator_fleet import EmulatorFleet
from nbbench.emulator_options import generated_jobs_options
from nbbench.machine import describe, load_average
from nbbench.play_runner import PlayRunner
from nbbench.profile import FULL, QUICK
from nbbench.report import render, write
from nbbench.rows import failed_row

BENCH_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(BENCH_DIR)

# id -> (measuring module, what the installed collection must hold, what the row measures, its target)
MEASUREMENTS = {
    "B1": (b1_core, "plugins/module_utils", "lookup's core in-process vs raw fetch", "<= 1.3x floor"),
    "B2": (b2_module_play, "plugins/modules/notebook_server_jobs_info.py", "play with the jobs_info module vs ping + raw fetch", "<= 1.15x floor"),
    "B2L": (b2l_lookup_play, "plugins/lookup/notebook_server_jobs.py", "play with the jobs lookup vs trivial task + raw fetch", "<= 1.10x floor"),
    "B3": (b3_audit, "roles/audit", "audit of the fleet vs ping of the fleet, and of a fleet 10x larger",
           "<= 0.25x ping floor; 10x the servers <= 5x"),
    "B4": (b4_module_scaling, "plugins/modules/notebook_server_jobs_info.py", "module wall and peak RSS at 1k/10k/100k",
           "100k/10k <= 11x; RSS <= 1.3x raw fetch peak"),
    "B5": (b5_drain, "roles/drain", "drain of a fleet whose jobs end at known times", "delay <= poll + 1 s; 1 request/poll; 1 token/host"),
}


def _parse(argv: list) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="every measurement once, smaller fleets: a smoke run")
    parser.add_argument("--only", default="", help="comma-separated ids to run, e.g. B1,B4 (default: all)")
    parser.add_argument("--results-dir", default=os.path.join(BENCH_DIR, "results"))
    parser.add_argument("--keep-workdir", action="store_true", help="keep the temp dir (play logs, emulator logs)")
    return parser.parse_args(argv)


def _terminate(signum, frame):
    raise KeyboardInterrupt("signal %d" % signum)


def main(argv: list) -> int:
    args = _parse(argv)
    profile = QUICK if args.quick else FULL
    wanted = [i.strip().upper() for i in args.only.split(",") if i.strip()] or list(MEASUREMENTS)
    bin_dir = os.path.dirname(sys.executable)
    workdir = tempfile.mkdtemp(prefix="nbbench-")
    started = time.monotonic()
    started_at = datetime.datetime.now().isoformat(timespec="seconds")
    load_before = load_average()
    signal.signal(signal.SIGTERM, _terminate)
    fleet = EmulatorFleet(REPO, sys.executable, workdir)
    rows = []
    try:
        print("installing the collection from a fresh tarball into %s" % workdir, flush=True)
        collections = build_and_install(REPO, workdir, bin_dir)
        plays = PlayRunner(bin_dir, collections, workdir, os.path.join(workdir, "logs"))
        counts = profile.job_counts
        print("starting %d single-server emulators (%s jobs)" % (len(counts), ", ".join(str(c) for c in counts)), flush=True)
        servers = fleet.start_each([("jobs%d" % c, generated_jobs_options(c)) for c in counts])
        servers_by_jobs = dict(zip(counts, servers))
        ctx = BenchContext(profile=profile, plays=plays, fleet=fleet, collections=collections,
                           workdir=workdir, servers_by_jobs=servers_by_jobs)
        for row_id in wanted:
            module, needs, what, target = MEASUREMENTS[row_id]
            if not has_plugin(collections, needs):
                rows.append(failed_row(row_id, what, target, "not measured: the built collection has no %s yet" % needs))
                continue
            print("measuring %s: %s" % (row_id, what), flush=True)
            try:
                rows.extend(module.measure(ctx))
            except Exception as exc:  # one broken row must not lose the others
                traceback.print_exc()
                rows.append(failed_row(row_id, what, target, "%s: %s" % (type(exc).__name__, exc)))
    except KeyboardInterrupt:
        print("interrupted; stopping emulators", file=sys.stderr)
        return 130
    finally:
        fleet.stop_all()
        if not args.keep_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.monotonic() - started
    context = [
        "run: started %s, profile %s, %.0f s in all" % (started_at, profile.name, elapsed),
        "load average (1/5/15 min) before: %s, after: %s" % (load_before, load_average()),
    ] + describe(bin_dir, sys.version.split()[0])
    if profile is QUICK:
        context.append("quick profile: one run per figure and smaller fleets (B3 %d servers, B3 fleet %d vs %d, B5 %d): a smoke run"
                       " of the harness; its verdicts are not the issue's"
                       % (profile.b3_servers, profile.b3_fleet_servers, profile.b3_servers, profile.b5_servers))
    table = render(rows, context)
    print(table)
    print("written to %s" % write(table, args.results_dir))
    return 0 if all(row.result not in ("error",) for row in rows) else 1
