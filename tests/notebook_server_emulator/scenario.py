"""Scenario files (JSON, or YAML when PyYAML is installed): settings, users, faults, jobs and open notebooks to seed.

Times in a scenario are emulated seconds relative to "now" at load time (negative = in the past).
"""

from __future__ import annotations

import dataclasses
import json
import random
import uuid

from .jobs import COMPLETED, FAILED, Job
from .notebook_settings import NotebookSettings
from .notebook_specs import check_notebook_spec

DEFAULT_QUEUED_SECONDS = 5.0
DEFAULT_DURATION_SECONDS = 60.0
JOB_KEYS = {"id", "type", "username", "owner", "start", "queued", "duration", "stuck", "final_status",
            "running_status", "inputs", "results", "messages", "ignore_cancel", "cancel_pending_seconds", "count"}
SCENARIO_KEYS = {"description", "time_scale", "site_mode", "error_form", "cancelled_status", "users", "jobs",
                 "generate_jobs", "seed", "faults", "max_num", "clock_offset", "notebooks", "generate_notebooks",
                 "notebook_settings"}


class ScenarioError(ValueError):
    pass


@dataclasses.dataclass
class Scenario:
    description: str = ""
    time_scale: float | None = None
    site_mode: str | None = None
    error_form: str | None = None
    cancelled_status: str | None = None
    users: list = dataclasses.field(default_factory=list)
    jobs: list = dataclasses.field(default_factory=list)
    generate_jobs: int = 0
    seed: int | None = None
    faults: list = dataclasses.field(default_factory=list)
    max_num: int | None = None
    clock_offset: float | None = None
    notebooks: list = dataclasses.field(default_factory=list)
    generate_notebooks: int = 0
    notebook_settings: dict = dataclasses.field(default_factory=dict)


def load_scenario(path: str) -> Scenario:
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
    return scenario_from_dict(data or {})


def scenario_from_dict(data: dict) -> Scenario:
    if not isinstance(data, dict):
        raise ScenarioError("a scenario is a mapping")
    unknown = set(data) - SCENARIO_KEYS
    if unknown:
        raise ScenarioError("unknown scenario keys: %s" % ", ".join(sorted(unknown)))
    for spec in data.get("jobs") or []:
        check_job_spec(spec)
    for spec in data.get("notebooks") or []:
        check_notebook_spec(spec)
    notebook_settings = dict(data.get("notebook_settings") or {})
    try:
        NotebookSettings().updated(notebook_settings)
    except ValueError as exc:
        raise ScenarioError(str(exc)) from None
    return Scenario(
        description=data.get("description", ""),
        time_scale=data.get("time_scale"),
        site_mode=data.get("site_mode"),
        error_form=data.get("error_form"),
        cancelled_status=data.get("cancelled_status"),
        users=list(data.get("users") or []),
        jobs=list(data.get("jobs") or []),
        generate_jobs=int(data.get("generate_jobs") or 0),
        seed=data.get("seed"),
        faults=list(data.get("faults") or []),
        max_num=data.get("max_num"),
        clock_offset=data.get("clock_offset"),
        notebooks=list(data.get("notebooks") or []),
        generate_notebooks=int(data.get("generate_notebooks") or 0),
        notebook_settings=notebook_settings,
    )


def check_job_spec(spec: dict) -> None:
    if not isinstance(spec, dict):
        raise ScenarioError("a job is a mapping")
    unknown = set(spec) - JOB_KEYS
    if unknown:
        raise ScenarioError("unknown job keys: %s" % ", ".join(sorted(unknown)))


def new_job_id(rng: random.Random | None = None) -> str:
    """`j` + a version-4 UUID, formatted by hand: uuid.UUID() is the slowest part of generating 100,000 jobs."""
    if rng is None:
        return "j" + str(uuid.uuid4())
    bits = (rng.getrandbits(128) & ~(0xF000 << 64) & ~(0xC << 60)) | (0x4000 << 64) | (0x8 << 60)
    text = "%032x" % bits
    return "j%s-%s-%s-%s-%s" % (text[:8], text[8:12], text[12:16], text[16:20], text[20:])


def jobs_from_spec(spec: dict, now_ms: int, default_username: str, rng: random.Random | None = None) -> list:
    """One spec (possibly with count) as Jobs; see docs/emulator.md for the keys."""
    check_job_spec(spec)
    count = int(spec.get("count", 1))
    if count > 1 and "id" in spec:
        raise ScenarioError("a job spec with count cannot have a fixed id")
    start_ms = now_ms + int(float(spec.get("start", 0)) * 1000)
    processing_ms = start_ms + int(float(spec.get("queued", DEFAULT_QUEUED_SECONDS)) * 1000)
    duration = spec.get("duration", DEFAULT_DURATION_SECONDS)
    end_ms = None if spec.get("stuck") or duration is None else processing_ms + int(float(duration) * 1000)
    final = str(spec.get("final_status", COMPLETED))
    # Lower-case "cancelled" means a cancel (isCancelled); any other string, "CANCELLED" included, is emitted as is.
    cancelled = final == "cancelled"
    # How long a cancel takes: absent, at once; null, never by itself; else that many seconds, still running.
    pending = spec.get("cancel_pending_seconds", 0)
    cancel_pending_ms = None if pending is None else int(float(pending) * 1000)
    jobs = []
    for _index in range(count):
        jobs.append(Job(
            job_id=str(spec.get("id") or new_job_id(rng)),
            job_type=str(spec.get("type", "executeNotebook")),
            username=str(spec.get("username") or spec.get("owner") or default_username),
            start_ms=start_ms,
            processing_ms=processing_ms,
            end_ms=end_ms,
            final_status=FAILED if cancelled else final,
            cancelled=cancelled,
            running_status=str(spec.get("running_status", "PROCESSING")),
            inputs=spec.get("inputs"),
            results=spec.get("results"),
            messages=spec.get("messages"),
            ignore_cancel=bool(spec.get("ignore_cancel", False)),
            cancel_pending_ms=cancel_pending_ms,
        ))
    return jobs


_GENERATED_TYPES = ("executeNotebook",) * 12 + ("openNotebook",) * 7 + ("executeNotebookAsWebTool",)


def generate_jobs(count: int, now_ms: int, usernames: list, seed: int) -> list:
    """A reproducible, realistic history: mostly finished jobs of the last 6 hours, about 3 % still running.

    Built directly (no per-job spec parsing) so 100,000 jobs take a fraction of a second.
    """
    rng = random.Random(seed)
    six_hours_ms = 6 * 3600 * 1000
    jobs = []
    for _index in range(count):
        roll = rng.random()
        job_type = _GENERATED_TYPES[rng.randrange(len(_GENERATED_TYPES))]
        queued_ms = rng.randrange(500, 10_000)
        if roll < 0.03:
            # Still running: started within the last hour, runs for hours more.
            start_ms = now_ms - rng.randrange(0, 3600 * 1000)
            end_ms = start_ms + queued_ms + rng.randrange(2, 8) * 3600 * 1000
        else:
            duration_ms = rng.randrange(10_000, 20 * 60 * 1000)
            start_ms = now_ms - rng.randrange(queued_ms + duration_ms + 1000, six_hours_ms)
            end_ms = start_ms + queued_ms + duration_ms
        cancelled = 0.03 <= roll < 0.05
        jobs.append(Job(
            job_id=new_job_id(rng),
            job_type=job_type,
            username=usernames[rng.randrange(len(usernames))],
            start_ms=start_ms,
            processing_ms=start_ms + queued_ms,
            end_ms=end_ms,
            final_status=FAILED if roll < 0.13 else COMPLETED,
            cancelled=cancelled,
        ))
    return jobs
