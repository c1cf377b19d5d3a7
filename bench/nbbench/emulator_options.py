"""Command-line options of the emulator for each data set the benchmarks need."""

from __future__ import annotations


def generated_jobs_options(jobs: int) -> list:
    """A realistic, reproducible history of `jobs` detailed jobs (about 3 % still running)."""
    return ["--port", "0", "--generate-jobs", str(jobs)]


def generated_sites_options(sites: int, jobs: int, first_seed: int) -> list:
    """One process serving `sites` independent sites of `jobs` generated jobs each, seeded first_seed, first_seed + 1, ..."""
    return generated_jobs_options(jobs) + ["--sites", str(sites), "--seed", str(first_seed)]


def drain_fleet_options() -> list:
    """No generated history: generated jobs include some that run for hours, and a drain must end."""
    return ["--port", "0"]
