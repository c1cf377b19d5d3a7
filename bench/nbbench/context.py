"""What every measurement needs: the play runner, the emulators, the profile, the installed collection."""

from __future__ import annotations

import dataclasses

from nbbench.emulator_fleet import EmulatorFleet
from nbbench.play_runner import PlayRunner
from nbbench.profile import Profile


@dataclasses.dataclass
class BenchContext:
    profile: Profile
    plays: PlayRunner
    fleet: EmulatorFleet
    collections: str
    workdir: str
    # job count -> the single-server emulator holding that many detailed jobs
    servers_by_jobs: dict


def host_vars(server) -> dict:
    """The collection's shared connection variables for one inventory host = one emulator."""
    return {
        "notebook_server_url": server.url,
        "notebook_server_username": server.username,
        "notebook_server_password": server.password,
        "notebook_server_ca_path": server.ca_path,
    }
