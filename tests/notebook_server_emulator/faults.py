"""Injected faults: what goes wrong, for how many requests (or how often), on which paths."""

from __future__ import annotations

import dataclasses
import itertools
import random
import re
import threading

HTTP_ERROR = "http_error"  # HTML error page with status 500/502/503/504 (or another given status)
TOO_MANY_REQUESTS = "too_many_requests"  # 429 with Retry-After
CONNECTION_RESET = "connection_reset"  # TCP reset, no response at all
DELAY = "delay"  # answer normally after `seconds`
TRUNCATED_JSON = "truncated_json"  # the real body cut in half
INVALID_JSON = "invalid_json"  # a body that is almost, but not, JSON
LOGIN_PAGE = "login_page"  # a Web Adaptor / Portal login page with HTTP 200
EXPIRE_TOKENS = "expire_tokens"  # every token expires now, then the request is served
RESTART = "restart"  # tokens forgotten, connections dropped, jobs survive
ODD_TOTAL = "odd_total"  # the jobs list's total absent, a float, a string, "1,151", 1e999 or 10**12
TRICKLE = "trickle"  # the body arrives a few bytes at a time, steadily
HUGE_BODY = "huge_body"  # a valid JSON answer padded to N megabytes
NESTED_JSON = "nested_json"  # a deeply nested value in the answer (Python's json raises RecursionError)
NON_OBJECT_RECORDS = "non_object_records"  # strings, numbers, null, lists and booleans among the jobs list's records
HUGE_START_TIME = "huge_start_time"  # a record's startTime/endTime 1e999 (inf in Python) or another huge number

KINDS = (HTTP_ERROR, TOO_MANY_REQUESTS, CONNECTION_RESET, DELAY, TRUNCATED_JSON, INVALID_JSON, LOGIN_PAGE,
         EXPIRE_TOKENS, RESTART, ODD_TOTAL, TRICKLE, HUGE_BODY, NESTED_JSON, NON_OBJECT_RECORDS, HUGE_START_TIME)
# Shorthands: http_500 == {"kind": "http_error", "status": 500}; rate_limit == too_many_requests.
ALIASES = {"http_%d" % status: (HTTP_ERROR, status) for status in (500, 502, 503, 504)}
ALIASES["rate_limit"] = (TOO_MANY_REQUESTS, 429)
ALIASES["http_429"] = (TOO_MANY_REQUESTS, 429)

# Forms of odd_total; see docs/emulator.md.
TOTAL_FORMS = ("absent", "float", "float_string", "string", "thousands", "infinite", "huge")
NESTING_SHAPES = ("array", "object")
TIME_FIELDS = ("startTime", "endTime", "both")
_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")

# Parameters of the newer kinds: name -> (type, default, allowed values or None). --fault gives strings.
PARAMETERS = {
    ODD_TOTAL: {"form": (str, "absent", TOTAL_FORMS), "value": (int, None, None)},
    TRICKLE: {"bytes_per_second": (float, 10.0, None), "chunk_bytes": (int, 1, None)},
    HUGE_BODY: {"megabytes": (float, 16.0, None)},
    NESTED_JSON: {"depth": (int, 100_000, None), "shape": (str, "array", NESTING_SHAPES)},
    NON_OBJECT_RECORDS: {},
    HUGE_START_TIME: {"value": (str, "1e999", None), "field": (str, "startTime", TIME_FIELDS)},
}
# Kinds that only make sense on some answers match only those unless the spec gives a path.
DEFAULT_PATHS = {
    ODD_TOTAL: r"system/jobs/?$",
    NON_OBJECT_RECORDS: r"system/jobs/?$",
    HUGE_START_TIME: r"system/jobs(/[^/]+)?/?$",
}
COMMON_KEYS = {"count", "probability", "path", "status", "seconds", "retry_after"}


class FaultError(ValueError):
    pass


@dataclasses.dataclass
class Fault:
    fault_id: int
    kind: str
    count: int | None = None  # requests left; None: unlimited (with a probability)
    probability: float | None = None
    path: str | None = None  # regular expression searched in the request path
    status: int = 500
    seconds: float = 0.0  # delay, or how long a restart keeps answering 503
    retry_after: int = 1
    params: dict = dataclasses.field(default_factory=dict)  # the kind's own parameters (PARAMETERS)
    applied: int = 0

    def describe(self) -> dict:
        return dataclasses.asdict(self)


def _kind_parameters(kind: str, spec: dict) -> dict:
    """The kind's parameters from the spec, converted and checked, defaults filled in."""
    params = {}
    for name, (kind_type, default, allowed) in PARAMETERS.get(kind, {}).items():
        value = spec.get(name, default)
        if value is not None:
            value = kind_type(value)
            if allowed is not None and value not in allowed:
                raise FaultError("%s must be one of %s" % (name, ", ".join(allowed)))
        params[name] = value
    if kind == TRICKLE and (params["bytes_per_second"] <= 0 or params["chunk_bytes"] < 1):
        raise FaultError("trickle needs bytes_per_second > 0 and chunk_bytes >= 1")
    if kind == HUGE_BODY and params["megabytes"] < 0:
        raise FaultError("megabytes must not be negative")
    if kind == NESTED_JSON and params["depth"] < 1:
        raise FaultError("depth must be at least 1")
    if kind == HUGE_START_TIME and not _JSON_NUMBER.fullmatch(params["value"]):
        raise FaultError("value must be a JSON number such as 1e999 or 1e300")
    return params


def parse_fault_option(text: str) -> dict:
    """`kind=http_error,status=503,count=2,path=system/jobs` (the --fault command-line form) as a spec."""
    spec = {}
    for part in text.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            spec["kind"] = part.strip()
            continue
        key, value = part.split("=", 1)
        spec[key.strip()] = value.strip()
    return spec


class FaultPlan:
    def __init__(self, seed: int | None = None):
        self._lock = threading.Lock()
        self._faults: list = []
        self._ids = itertools.count(1)
        self._rng = random.Random(seed)

    def add(self, spec: dict) -> Fault:
        spec = dict(spec)
        kind = str(spec.pop("kind", ""))
        if kind in ALIASES:
            kind, status = ALIASES[kind]
            spec.setdefault("status", status)
        if kind not in KINDS:
            raise FaultError("unknown fault kind %r; known: %s, %s" % (kind, ", ".join(KINDS), ", ".join(ALIASES)))
        unknown = set(spec) - COMMON_KEYS - set(PARAMETERS.get(kind, {}))
        if unknown:
            raise FaultError("unknown fault keys: %s" % ", ".join(sorted(unknown)))
        try:
            count = int(spec["count"]) if spec.get("count") is not None else None
            probability = float(spec["probability"]) if spec.get("probability") is not None else None
            path = spec.get("path") or DEFAULT_PATHS.get(kind)
            if path is not None:
                re.compile(path)
            fault = Fault(
                fault_id=next(self._ids), kind=kind,
                count=count if count is not None or probability is not None else 1,
                probability=probability, path=path,
                status=int(spec.get("status", 429 if kind == TOO_MANY_REQUESTS else 500)),
                seconds=float(spec.get("seconds", 0.0)),
                retry_after=int(spec.get("retry_after", 1)),
                params=_kind_parameters(kind, spec),
            )
        except FaultError:
            raise
        except (TypeError, ValueError, re.error) as exc:
            raise FaultError("bad fault spec: %s" % exc) from exc
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, path: str) -> Fault | None:
        """The fault to apply to this request, if any; consumes one of its count."""
        with self._lock:
            for fault in self._faults:
                if fault.path is not None and not re.search(fault.path, path):
                    continue
                if fault.probability is not None and self._rng.random() >= fault.probability:
                    continue
                fault.applied += 1
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                return fault
            return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def describe(self) -> list:
        with self._lock:
            return [fault.describe() for fault in self._faults]
