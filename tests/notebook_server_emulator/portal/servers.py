"""The servers federated with the Portal: emulated Notebook Servers it can reach, and fictitious ones it only lists.

`portals/self/servers` shows both the same way. Emulated servers are registered with their start
line; registering one also tells it to trust this Portal's tokens (its control API's federation
call). Fictitious servers (other types, far-away hosts) exist so clients must filter the list.
"""

from __future__ import annotations

import dataclasses
import json
import random
import string
import threading
import urllib.parse

from ..control import EmulatorControl

ARCGIS = "ArcGIS"
NOTEBOOK_SERVER = "ARCGIS_NOTEBOOK_SERVER"
MISSION_SERVER = "ARCGIS_MISSION_SERVER"
FEDERATED_SERVER = "FEDERATED_SERVER"
HOSTING_SERVER = "HOSTING_SERVER"
EMULATED = "emulated"
FICTITIOUS = "fictitious"
# The property table spells adminURL, samples and Esri's clients adminUrl: either, or both.
ADMIN_URL_KEYS = ("adminUrl", "adminURL", "both")
SERVER_SPEC_KEYS = {"id", "name", "url", "admin_url", "admin_public_url", "is_hosted", "server_type", "server_role",
                    "server_function", "start_line", "state_file"}

# Listed by default beside the emulated Notebook Servers: a hosting server and a Mission server.
DEFAULT_OTHER_SERVERS = (
    {"name": "gis-hosting.example.invalid:6443", "url": "https://gis.example.invalid/server",
     "admin_url": "https://gis-hosting.example.invalid:6443/arcgis", "is_hosted": True, "server_type": ARCGIS,
     "server_role": HOSTING_SERVER, "server_function": ""},
    {"name": "gis-mission.example.invalid:20443", "url": "https://gis.example.invalid/mission",
     "admin_url": "https://gis-mission.example.invalid:20443/arcgis", "server_type": MISSION_SERVER,
     "server_role": FEDERATED_SERVER, "server_function": "MissionServer"},
)


class ServerRegistrationError(ValueError):
    pass


@dataclasses.dataclass
class FederatedServer:
    server_id: str
    name: str
    url: str  # public URL (the Web Adaptor's, when there is one)
    admin_url: str
    admin_public_url: str | None
    server_type: str
    server_role: str
    server_function: str
    is_hosted: bool = False
    kind: str = FICTITIOUS
    start_line: dict | None = None  # emulated servers: how to reach their control API
    reachable: bool = True  # the control API can make an emulated server unreachable for task runs
    order: int = 0  # place in the list: a reset restores the scenario's servers where they were

    def listing(self, admin_url_key: str, admin_public_url: bool) -> dict:
        """The record of portals/self/servers, keys in the documentation's order."""
        record = {"id": self.server_id, "name": self.name, "url": self.url, "isHosted": self.is_hosted}
        if admin_url_key in ("adminUrl", "both"):
            record["adminUrl"] = self.admin_url
        if admin_url_key in ("adminURL", "both"):
            record["adminURL"] = self.admin_url
        if admin_public_url and self.admin_public_url:
            record["adminPublicUrl"] = self.admin_public_url
        record.update({"serverType": self.server_type, "serverRole": self.server_role,
                       "serverFunction": self.server_function})
        return record

    def control(self) -> EmulatorControl:
        if self.start_line is None:
            raise ServerRegistrationError("server %s is fictitious: it has no control API" % self.server_id)
        line = self.start_line
        # Short: a task run against a hung server must fail, not hold up the Portal's scheduler.
        return EmulatorControl(line["control_url"], line["control_secret"], line.get("ca_path"), timeout=5.0)

    def describe(self) -> dict:
        """What the Portal's control API shows (no secrets)."""
        return {"id": self.server_id, "name": self.name, "kind": self.kind, "url": self.url,
                "admin_url": self.admin_url, "server_type": self.server_type,
                "server_function": self.server_function, "reachable": self.reachable,
                "control_url": (self.start_line or {}).get("control_url")}

    def is_notebook_server(self) -> bool:
        return "notebookserver" in self.server_function.lower()


def read_start_line(spec: dict) -> dict | None:
    """The emulated server's start line from a spec: inline (start_line) or its launcher's state file."""
    if spec.get("start_line"):
        start_line = spec["start_line"]
        return json.loads(start_line) if isinstance(start_line, str) else dict(start_line)
    if spec.get("state_file"):
        with open(spec["state_file"], encoding="utf-8") as handle:
            return json.load(handle)
    return None


def spec_from_option(text: str) -> dict:
    """--federated-server: a state file, or a start line as JSON (optionally with listing keys beside it)."""
    text = text.strip()
    if text.startswith("{"):
        document = json.loads(text)
        return document if "start_line" in document or "state_file" in document else {"start_line": document}
    return {"state_file": text}


def _stable_id(url: str) -> str:
    """Fictitious servers keep their id across resets: derived from their URL."""
    rng = random.Random(url)
    return "".join(rng.choice(string.ascii_letters + string.digits) for _index in range(16))


class ServerRegistry:
    def __init__(self, seed: int):
        self._lock = threading.Lock()
        self._servers: list = []
        self._rng = random.Random("servers/%d" % seed)
        self._next_order = 1_000_000  # after every server a reset restores

    def _new_id(self) -> str:
        # Portal server ids are 16 letters and digits (e.g. ZpUHOVlSdWHE0lTP).
        return "".join(self._rng.choice(string.ascii_letters + string.digits) for _index in range(16))

    def register(self, spec: dict, federate, order: int | None = None) -> FederatedServer:
        """Add a server. An emulated one (start_line/state_file) is told to trust the Portal: federate(control)."""
        unknown = set(spec) - SERVER_SPEC_KEYS
        if unknown:
            raise ServerRegistrationError("unknown server keys: %s" % ", ".join(sorted(unknown)))
        try:
            start_line = read_start_line(spec)
        except (OSError, ValueError) as exc:
            raise ServerRegistrationError("cannot read the server's start line: %s" % exc) from None
        if start_line is not None:
            url = str(start_line["url"]).rstrip("/")
            defaults = {"name": urllib.parse.urlsplit(url).netloc, "url": url, "admin_url": url,
                        "admin_public_url": url, "server_type": NOTEBOOK_SERVER, "server_role": FEDERATED_SERVER,
                        "server_function": "NotebookServer"}
        else:
            if not spec.get("url"):
                raise ServerRegistrationError("a fictitious server needs at least a url")
            url = str(spec["url"]).rstrip("/")
            defaults = {"name": urllib.parse.urlsplit(url).netloc, "url": url, "admin_url": url,
                        "admin_public_url": None, "server_type": NOTEBOOK_SERVER, "server_role": FEDERATED_SERVER,
                        "server_function": "NotebookServer"}
        merged = {**defaults, **{key: value for key, value in spec.items() if value is not None}}
        with self._lock:
            server_id = str(spec.get("id") or (self._new_id() if start_line is not None else _stable_id(url)))
            if any(existing.server_id == server_id for existing in self._servers):
                raise ServerRegistrationError("duplicate server id %s" % server_id)
        server = FederatedServer(
            server_id=server_id, name=str(merged["name"]), url=str(merged["url"]).rstrip("/"),
            admin_url=str(merged["admin_url"]).rstrip("/"),
            admin_public_url=str(merged["admin_public_url"]).rstrip("/") if merged.get("admin_public_url") else None,
            server_type=str(merged["server_type"]), server_role=str(merged["server_role"]),
            server_function=str(merged["server_function"] or ""), is_hosted=bool(merged.get("is_hosted", False)),
            kind=EMULATED if start_line is not None else FICTITIOUS, start_line=start_line)
        if start_line is not None:
            federate(server)
        with self._lock:
            if order is None:
                order, self._next_order = self._next_order, self._next_order + 1
            server.order = order
            self._servers.append(server)
            self._servers.sort(key=lambda listed: listed.order)
        return server

    def all(self) -> list:
        with self._lock:
            return list(self._servers)

    def get(self, server_id: str) -> FederatedServer:
        with self._lock:
            for server in self._servers:
                if server.server_id == server_id or server.name == server_id:
                    return server
        raise KeyError(server_id)

    def remove(self, server_id: str) -> FederatedServer:
        server = self.get(server_id)
        with self._lock:
            self._servers.remove(server)
        return server

    def reset(self, fictitious_specs: list) -> None:
        """Emulated servers stay federated (reachable again); the fictitious ones are the given specs again."""
        with self._lock:
            self._servers = [server for server in self._servers if server.kind == EMULATED]
            for server in self._servers:
                server.reachable = True
        for order, spec in enumerate(fictitious_specs):
            self.register(spec, federate=None, order=order)

    def first_notebook_server(self) -> FederatedServer | None:
        """Where a task without a server runs: the first emulated Notebook Server, else the first listed one."""
        servers = [server for server in self.all() if server.is_notebook_server()]
        emulated = [server for server in servers if server.kind == EMULATED]
        return (emulated or servers or [None])[0]
