"""The emulated site's state: clock, jobs, notebooks, accounts, tokens, mode, faults and log, and how to reset it."""

from __future__ import annotations

import dataclasses
import random
import threading
import time

from .accounts import ADMIN, USER, Account, Accounts
from .clock import EmulatedClock
from .envelopes import FORM_B
from .faults import FaultPlan
from .federation import PortalFederation
from .job_store import JobStore
from .jobs import COMPLETED, DEFAULT_CANCELLED_STATUS, Job, RenderContext, stable_hex_id
from .notebook_settings import NotebookSettings
from .notebook_specs import Opening, generate_openings, openings_from_spec
from .notebook_store import NotebookStore
from .notebooks import OPEN_NOTEBOOK
from .request_log import RequestLog
from .scenario import Scenario, generate_jobs, jobs_from_spec, new_job_id
from .tokens import TokenStore

EDITABLE = "EDITABLE"
READ_ONLY = "READ_ONLY"
SITE_MODES = (EDITABLE, READ_ONLY)


@dataclasses.dataclass
class SiteSettings:
    context: str = "/arcgis"
    admin_username: str = "siteadmin"
    admin_password: str = ""
    user_username: str = "nbuser"
    user_password: str = ""
    time_scale: float | None = None  # None: the scenario's, else 1
    error_form: str | None = None  # None: the scenario's, else B
    cancelled_status: str | None = None
    max_token_minutes: int = 1440
    expires_as_string: bool = False
    generate_jobs: int = 0
    seed: int = 1
    public_base: str = ""  # the site root URL, for notebookUrl in results
    max_num: int | None = None  # None: the scenario's, else no cap
    clock_offset: float | None = None  # None: the scenario's, else 0
    extra_faults: list = dataclasses.field(default_factory=list)
    generate_notebooks: int = 0
    notebook_settings: dict = dataclasses.field(default_factory=dict)  # over the scenario's


class SiteReadOnly(Exception):
    pass


class EmulatedSite:
    def __init__(self, settings: SiteSettings, scenario: Scenario | None = None, request_log: RequestLog | None = None):
        """request_log: a log numbered with the other sites of the process (see RequestLog); default its own."""
        self.settings = settings
        self.scenario = scenario or Scenario()
        self.clock = EmulatedClock(1.0)
        self.tokens = TokenStore()
        self.log = request_log if request_log is not None else RequestLog()
        self.faults = FaultPlan(seed=settings.seed)
        self.accounts = Accounts([])
        self.store = JobStore(RenderContext(notebook_base=""))
        self.notebooks = NotebookStore(NotebookSettings(), settings.seed)
        self.site_mode = EDITABLE
        self.mode_changed_ms = 0
        self.error_form = FORM_B
        self.max_num: int | None = None  # the most records one jobs list answer holds, whatever num asks
        self._restart_lock = threading.Lock()
        self._restarting_until = 0.0
        # Configuration, not state: a reset keeps it (set through the control API, usually by the Portal).
        self.federation: PortalFederation | None = None
        self.reset()

    def _first(self, *values):
        for value in values:
            if value is not None:
                return value
        return None

    def reset(self) -> None:
        """Back to the state at start: scenario jobs (same ids), no tokens, no faults, empty log."""
        settings, scenario = self.settings, self.scenario
        self.clock = EmulatedClock(self._first(settings.time_scale, scenario.time_scale, 1.0),
                                   float(self._first(settings.clock_offset, scenario.clock_offset, 0.0)))
        max_num = self._first(settings.max_num, scenario.max_num)
        self.max_num = None if max_num is None else int(max_num)
        self.error_form = str(self._first(settings.error_form, scenario.error_form, FORM_B)).upper()
        self.site_mode = str(self._first(scenario.site_mode, EDITABLE)).upper()
        now_ms = self.clock.now_ms()
        self.mode_changed_ms = now_ms
        accounts = {settings.admin_username: Account(settings.admin_username, settings.admin_password, ADMIN),
                    settings.user_username: Account(settings.user_username, settings.user_password, USER)}
        for entry in scenario.users:
            account = Account(str(entry["username"]), str(entry.get("password", "")), str(entry.get("role", USER)))
            accounts.setdefault(account.username, account)
        self.accounts = Accounts(list(accounts.values()))
        self.tokens = TokenStore()
        self.faults.clear()
        for spec in list(scenario.faults) + list(settings.extra_faults):
            self.faults.add(spec)
        self.log.clear()
        context = RenderContext(
            notebook_base=settings.public_base.rstrip("/").rsplit("/", 1)[0] + "/notebookserver",
            cancelled_status=str(self._first(settings.cancelled_status, scenario.cancelled_status,
                                             DEFAULT_CANCELLED_STATUS)))
        store = JobStore(context)
        # Scenario ids are random unless given; a seeded generator keeps them stable across resets.
        rng = random.Random(settings.seed)
        jobs = []
        for spec in scenario.jobs:
            jobs.extend(jobs_from_spec(spec, now_ms, settings.user_username, rng))
        generated = settings.generate_jobs or scenario.generate_jobs
        if generated:
            names = [settings.user_username] + ["user_%03d" % i for i in range(1, 40)]
            jobs.extend(generate_jobs(generated, now_ms, names, self._first(scenario.seed, settings.seed)))
        store.add(jobs, now_ms)
        self.store = store
        self.notebooks = self._seed_notebooks(now_ms)
        store.on_ended = self._job_ended
        if len(jobs) > 1000:
            # The first big list request then costs a join, not 100,000 serialisations.
            threading.Thread(target=store.warm, name="warm-jobs", daemon=True).start()
        self._restarting_until = 0.0

    def _seed_notebooks(self, now_ms: int) -> NotebookStore:
        settings, scenario = self.settings, self.scenario
        notebook_settings = NotebookSettings().updated(scenario.notebook_settings).updated(settings.notebook_settings)
        notebooks = NotebookStore(notebook_settings, self._first(scenario.seed, settings.seed))
        openings = []
        for spec in scenario.notebooks:
            openings.extend(openings_from_spec(spec, now_ms, settings.user_username))
        generated = settings.generate_notebooks or scenario.generate_notebooks
        if generated:
            names = [settings.user_username] + ["user_%03d" % i for i in range(1, 40)]
            openings.extend(generate_openings(generated, now_ms, names, self._first(scenario.seed, settings.seed)))
        notebooks.open(openings, now_ms)
        return notebooks

    def _job_ended(self, job: Job) -> None:
        """A completed openNotebook job leaves its notebook open, in a container of its user."""
        if job.job_type != OPEN_NOTEBOOK or job.cancelled or job.final_status != COMPLETED or job.end_ms is None:
            return
        inputs = job.inputs if isinstance(job.inputs, dict) else {}
        results = job.results if isinstance(job.results, dict) else {}
        item_id = inputs.get("itemId") or results.get("notebookId") or stable_hex_id(job.job_id, "notebook")
        # A new container gets the id the job's notebookUrl shows.
        self.notebooks.open([Opening(username=job.username, opened_ms=job.end_ms, last_activity_ms=job.end_ms,
                                     item_id=str(item_id), new_container_id=stable_hex_id(job.job_id, "dir"))],
                            job.end_ms)

    # ----- operations shared by the admin and control APIs -----

    def now_ms(self) -> int:
        return self.clock.now_ms()

    def set_mode(self, mode: str) -> None:
        self.site_mode = mode
        self.mode_changed_ms = self.now_ms()

    def add_jobs(self, specs: list, force: bool = False) -> list:
        if self.site_mode == READ_ONLY and not force:
            # READ_ONLY prevents opening new notebooks and running new jobs.
            raise SiteReadOnly("The site is in READ_ONLY mode: new jobs are refused.")
        now_ms = self.now_ms()
        jobs = []
        for spec in specs:
            spec = dict(spec)
            if not spec.get("id") and int(spec.get("count", 1)) == 1:
                spec["id"] = new_job_id()
            jobs.extend(jobs_from_spec(spec, now_ms, self.settings.user_username))
        self.store.add(jobs, now_ms, notify=True)
        return [job.job_id for job in jobs]

    def sync(self) -> int:
        """Now, with every job moved on to it first (jobs that completed may have opened notebooks)."""
        now_ms = self.now_ms()
        self.store.refresh(now_ms)
        return now_ms

    def open_notebooks(self, specs: list, force: bool = False) -> list:
        if self.site_mode == READ_ONLY and not force:
            raise SiteReadOnly("The site is in READ_ONLY mode: new notebooks are refused.")
        now_ms = self.sync()
        openings = []
        for spec in specs:
            openings.extend(openings_from_spec(spec, now_ms, self.settings.user_username))
        return self.notebooks.open(openings, now_ms)

    def set_notebook_settings(self, changes: dict) -> NotebookSettings:
        settings = self.notebooks.settings.updated(changes)
        self.notebooks.update_settings(settings, self.sync())
        return settings

    def begin_restart(self, seconds: float) -> None:
        """Forget every token; for `seconds` the site answers 503 as if it were starting up."""
        self.tokens.forget_all()
        with self._restart_lock:
            self._restarting_until = time.monotonic() + seconds

    def is_restarting(self) -> bool:
        with self._restart_lock:
            return time.monotonic() < self._restarting_until

    def secrets(self) -> list:
        return self.accounts.passwords() + self.tokens.known_values()
