"""The emulated Portal's state: clock, accounts, tokens, federated servers, tasks, faults, request log, reset."""

from __future__ import annotations

import dataclasses
import secrets
import threading
import time

from ..accounts import ADMIN, USER, Account, Accounts
from ..clock import EmulatedClock
from ..faults import FaultPlan
from ..request_log import RequestLog
from ..tokens import TokenStore
from .scenario import PortalScenario
from .scheduler import TaskScheduler
from .servers import DEFAULT_OTHER_SERVERS, ServerRegistry
from .tasks import TaskStore, task_from_spec

# Enterprise's single-tenant organisation id, as a fresh Portal for ArcGIS has it.
DEFAULT_PORTAL_ID = "0123456789ABCDEF"
ADMIN_ROLES = ("org_admin", "admin")


@dataclasses.dataclass
class PortalSettings:
    context: str = "/portal"
    admin_username: str = "portaladmin"
    admin_password: str = ""
    user_username: str = "nbuser"
    user_password: str = ""
    time_scale: float | None = None
    clock_offset: float | None = None  # None: the scenario's, else 0
    max_token_minutes: int = 20160  # Portal's default cap: two weeks
    seed: int = 1
    public_base: str = ""  # the Portal's URL (https://host:port/portal)
    validate_url: str = ""  # where federated servers ask about tokens (the control API's federation/validate)
    ca_path: str | None = None  # the CA federated servers verify the Portal with
    portal_id: str | None = None
    portal_name: str | None = None
    admin_url_key: str | None = None  # adminUrl | adminURL | both
    admin_public_url: bool | None = None  # list adminPublicUrl (10.9.1+)
    other_servers: bool | None = None  # list a hosting and a Mission server beside the Notebook Servers
    force_runs: bool = False  # task runs also on READ_ONLY servers
    extra_faults: list = dataclasses.field(default_factory=list)


def _first(*values):
    for value in values:
        if value is not None:
            return value
    return None


class PortalSite:
    def __init__(self, settings: PortalSettings, scenario: PortalScenario | None = None):
        self.settings = settings
        self.scenario = scenario or PortalScenario()
        self.portal_id = str(_first(settings.portal_id, self.scenario.portal_id, DEFAULT_PORTAL_ID))
        self.portal_name = str(_first(settings.portal_name, self.scenario.portal_name, "Emulated Portal"))
        self.federation_key = secrets.token_urlsafe(32)  # shared with every server registered here
        self.started_ms = int(time.time() * 1000)
        self.clock = EmulatedClock(1.0)
        self.tokens = TokenStore()
        self.log = RequestLog()
        self.faults = FaultPlan(seed=settings.seed)
        self.accounts = Accounts([])
        self.role_labels: dict = {}
        self.user_details: dict = {}
        self.servers = ServerRegistry(seed=settings.seed)
        self.tasks = TaskStore(seed=settings.seed)
        self.scheduler = TaskScheduler(self.now_ms, self.tasks, self.servers, settings.force_runs)
        self.admin_url_key = "adminUrl"
        self.admin_public_url = True
        self._restart_lock = threading.Lock()
        self._restarting_until = 0.0
        self.reset()

    def reset(self) -> None:
        """Back to the start: scenario users, tasks and fictitious servers; emulated servers stay federated."""
        settings, scenario = self.settings, self.scenario
        self.clock = EmulatedClock(float(_first(settings.time_scale, scenario.time_scale, 1.0)),
                                   float(_first(settings.clock_offset, scenario.clock_offset, 0.0)))
        self.admin_url_key = str(_first(settings.admin_url_key, scenario.admin_url_key, "adminUrl"))
        self.admin_public_url = bool(_first(settings.admin_public_url, scenario.admin_public_url, True))
        accounts = {settings.admin_username: Account(settings.admin_username, settings.admin_password, ADMIN),
                    settings.user_username: Account(settings.user_username, settings.user_password, USER)}
        labels = {settings.admin_username: "org_admin", settings.user_username: "org_user"}
        details: dict = {}
        for entry in scenario.users:
            name, label = str(entry["username"]), str(entry.get("role", "org_user"))
            role = ADMIN if label in ADMIN_ROLES else USER
            if name not in accounts:
                accounts[name] = Account(name, str(entry.get("password", "")), role)
                labels[name] = "org_admin" if role == ADMIN else label if label.startswith("org_") else "org_user"
            details[name] = {key: entry[key] for key in ("full_name", "email") if key in entry}
        self.accounts = Accounts(list(accounts.values()))
        self.role_labels, self.user_details = labels, details
        self.tokens = TokenStore()
        self.faults.clear()
        for spec in list(scenario.faults) + list(settings.extra_faults):
            self.faults.add(spec)
        self.log.clear()
        fictitious = list(DEFAULT_OTHER_SERVERS) if _first(settings.other_servers, scenario.other_servers, True) else []
        self.servers.reset(fictitious + list(scenario.servers))
        now_ms = self.now_ms()
        self.tasks.reseed()
        self.tasks.reset([task_from_spec(spec, now_ms, settings.user_username, self.tasks.rng)
                          for spec in scenario.tasks])
        self._restarting_until = 0.0

    # ----- shared with the HTTP layer (faults, restarts, secrets) -----

    def now_ms(self) -> int:
        return self.clock.now_ms()

    def begin_restart(self, seconds: float) -> None:
        """A Portal restart: every token is forgotten; for `seconds` every request gets 503."""
        self.tokens.forget_all()
        with self._restart_lock:
            self._restarting_until = time.monotonic() + seconds

    def is_restarting(self) -> bool:
        with self._restart_lock:
            return time.monotonic() < self._restarting_until

    def secrets(self) -> list:
        return self.accounts.passwords() + self.tokens.known_values() + [self.federation_key]

    # ----- what the sharing API and the control API share -----

    def role_label(self, username: str) -> str:
        return self.role_labels.get(username, "org_user")

    def add_tasks(self, specs: list) -> list:
        now_ms = self.now_ms()
        tasks = [task_from_spec(spec, now_ms, self.settings.user_username, self.tasks.rng) for spec in specs]
        self.tasks.add(tasks)
        return tasks
