"""Command-line options of the emulator for each data set the benchmarks need."""

from __future__ import annotations


def generated_jobs_options(jobs: int) -> list:
    """A realistic, reproducible history of `jobs` detailed jobs (about 3 % still running)."""
    return ["--port", "0", "--generate-jobs", str(jobs)]


def drain_fleet_options() -> list:
    """No generated history: generated jobs include some that run for hours, and a drain must end."""
    return ["--port", "0"]
