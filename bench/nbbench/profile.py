"""How many times each measurement is repeated and how big each data set is.

The full profile keeps `make bench` within about 10-15 minutes on a 2-core machine (well within 20);
`--quick` runs every measurement once on smaller fleets, as a smoke test of the harness.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Profile:
    name: str
    b1_repeats: dict  # job count -> repeats
    b2_repeats: int
    b2l_repeats: int
    b3_servers: int  # the fleet of the B3 rows against ping and uri, and the small side of "B3 fleet"
    b3_fleet_servers: int  # the large side of "B3 fleet" (a multiple of b3_servers)
    b3_processes: int  # emulator processes serving the large fleet (its small fleet is spread over all of them)
    b3_jobs_per_server: int
    b3_forks: int
    b3_repeats: int
    b4_repeats: dict  # job count -> repeats
    b5_servers: int
    b5_poll_interval: int
    b5_repeats: int

    @property
    def job_counts(self) -> list:
        """Every single-server data set any measurement needs."""
        counts = set(self.b1_repeats) | set(self.b4_repeats) | {B2_JOBS}
        return sorted(counts)


# The single-server data set of B2 and B2L.
B2_JOBS = 10_000

FULL = Profile(
    name="full",
    b1_repeats={10_000: 9, 100_000: 5},
    b2_repeats=5,
    b2l_repeats=5,
    b3_servers=50,
    b3_fleet_servers=500,
    b3_processes=5,
    b3_jobs_per_server=1_000,
    b3_forks=5,
    b3_repeats=3,
    b4_repeats={1_000: 5, 10_000: 5, 100_000: 3},
    b5_servers=20,
    b5_poll_interval=2,
    b5_repeats=3,
)

QUICK = Profile(
    name="quick",
    b1_repeats={10_000: 1, 100_000: 1},
    b2_repeats=1,
    b2l_repeats=1,
    b3_servers=10,
    b3_fleet_servers=100,
    b3_processes=2,
    b3_jobs_per_server=1_000,
    b3_forks=5,
    b3_repeats=1,
    b4_repeats={1_000: 1, 10_000: 1, 100_000: 1},
    b5_servers=4,
    b5_poll_interval=2,
    b5_repeats=1,
)
