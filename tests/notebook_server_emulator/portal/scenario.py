"""Portal scenario files (JSON, or YAML with PyYAML): users, fictitious servers, scheduled tasks, faults, settings.

Times are emulated seconds relative to "now" at load time, as in Notebook Server scenarios.
"""

from __future__ import annotations

import dataclasses
import json

from ..scenario import ScenarioError
from .servers import ADMIN_URL_KEYS

PORTAL_SCENARIO_KEYS = {"description", "time_scale", "clock_offset", "seed", "portal_id", "portal_name", "users",
                        "faults", "servers", "other_servers", "tasks", "admin_url_key", "admin_public_url"}
USER_KEYS = {"username", "password", "role", "full_name", "email"}


@dataclasses.dataclass
class PortalScenario:
    description: str = ""
    time_scale: float | None = None
    clock_offset: float | None = None  # seconds ahead of the host's clock (negative: behind)
    seed: int | None = None
    portal_id: str | None = None
    portal_name: str | None = None
    users: list = dataclasses.field(default_factory=list)
    faults: list = dataclasses.field(default_factory=list)
    servers: list = dataclasses.field(default_factory=list)  # fictitious servers, listed only
    other_servers: bool | None = None  # None: the default hosting and Mission servers are listed
    tasks: list = dataclasses.field(default_factory=list)
    admin_url_key: str | None = None
    admin_public_url: bool | None = None


def load_portal_scenario(path: str) -> PortalScenario:
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.endswith((".yml", ".yaml")):
        try:
            import yaml  # optional: only needed for YAML scenarios
        except ImportError as exc:
            raise ScenarioError("YAML scenarios need PyYAML; use JSON instead") from exc
        data = yaml.safe_load(text)
    else:
        data = json.loads(text)
    return portal_scenario_from_dict(data or {})


def portal_scenario_from_dict(data: dict) -> PortalScenario:
    if not isinstance(data, dict):
        raise ScenarioError("a Portal scenario is a mapping")
    unknown = set(data) - PORTAL_SCENARIO_KEYS
    if unknown:
        raise ScenarioError("unknown Portal scenario keys: %s" % ", ".join(sorted(unknown)))
    for user in data.get("users") or []:
        if not isinstance(user, dict) or not user.get("username") or set(user) - USER_KEYS:
            raise ScenarioError("a Portal user is a mapping with username and only %s" % ", ".join(sorted(USER_KEYS)))
    for server in data.get("servers") or []:
        if not isinstance(server, dict) or "start_line" in server or "state_file" in server:
            # Emulated servers are registered with --federated-server or the control API, not listed here.
            raise ScenarioError("scenario servers are fictitious: give url, server_type, ... (no start_line)")
    key = data.get("admin_url_key")
    if key is not None and key not in ADMIN_URL_KEYS:
        raise ScenarioError("admin_url_key must be one of %s" % ", ".join(ADMIN_URL_KEYS))
    return PortalScenario(
        description=str(data.get("description", "")), time_scale=data.get("time_scale"),
        clock_offset=data.get("clock_offset"), seed=data.get("seed"),
        portal_id=data.get("portal_id"), portal_name=data.get("portal_name"), users=list(data.get("users") or []),
        faults=list(data.get("faults") or []), servers=list(data.get("servers") or []),
        other_servers=data.get("other_servers"), tasks=list(data.get("tasks") or []), admin_url_key=key,
        admin_public_url=data.get("admin_public_url"),
    )
