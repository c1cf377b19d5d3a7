"""Faults that rewrite an answer body: cut, mangled, odd totals, huge, deeply nested, bad records, huge times."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from . import faults as fault_kinds
from .faults import Fault
from .http_exchange import Response

MEGABYTE = 1 << 20
# The jobs list always ends with its total (compact or pjson); only the tail is searched, so 100,000 jobs stay cheap.
_TOTAL_TAIL = re.compile(rb'(,\s*)"total":\s*(-?[0-9]+)(\s*\}\s*)$')
_TAIL_BYTES = 256
HUGE_TOTAL = 10 ** 12
# Items a client must not take for job records, one of each JSON type that is not an object.
NON_OBJECTS = ("jnot-a-record", 42, None, ["jobId", "status"], True, 1.5)
_PLACEHOLDER = "@@emulator-placeholder@@"  # replaced by text json.dumps cannot write (1e999)
# The record lists of list answers: jobs; notebooks, containers, sessions; the Portal's servers and tasks.
RECORD_LISTS = ("asyncJobs", "notebooks", "containers", "sessions", "servers", "tasks")


def mangle_json(body: bytes) -> bytes:
    """Almost JSON: single-quoted names and a trailing comma, as from a broken proxy or server."""
    text = body.replace(b'"', b"'", 2)
    return (text[:-1] + b",}") if text.endswith(b"}") else text + b"<"


def _total_text(form: str, number: int, value: int | None) -> bytes:
    shown = {
        "float": "%d.0" % number,
        "float_string": '"%d.0"' % number,
        "string": '"%d"' % number,
        "thousands": '"{:,}"'.format(number),
        "infinite": "1e999",  # Python's json reads it as inf
        "huge": str(HUGE_TOTAL if value is None else value),
    }[form]
    return shown.encode("ascii")


def odd_total(body: bytes, form: str, value: int | None) -> bytes:
    """A list answer (jobs, notebooks page, Portal task page) with its total in another form; others unchanged."""
    match = _TOTAL_TAIL.search(body, max(0, len(body) - _TAIL_BYTES))
    if match is not None:
        separator, real, closing = match.group(1), int(match.group(2)), match.group(3)
        number = real if value is None else value
        if form == "absent":
            return body[:match.start()] + closing
        return body[:match.start()] + separator + b'"total":' + _total_text(form, number, value) + closing
    # Other pages put total first: small enough to parse and write again.
    document = _document(body)
    total = document.get("total") if isinstance(document, dict) else None
    if isinstance(total, bool) or not isinstance(total, int):
        return body
    number = document["total"] if value is None else value
    if form == "absent":
        del document["total"]
        return _dumps(document, body)
    document["total"] = _PLACEHOLDER
    return _dumps(document, body).replace(b'"%s"' % _PLACEHOLDER.encode("ascii"), _total_text(form, number, value))


def _insert_member(body: bytes, name: str, value_parts: list) -> tuple | None:
    """(length, parts) of a JSON object answer with one more member first; None for other answers."""
    if not body.startswith(b"{"):
        return None
    rest = body[1:]
    comma = b"" if rest.lstrip().startswith(b"}") else b","
    head = b'{"' + name.encode("ascii") + b'":'
    parts = [head] + value_parts + [comma + rest]
    return sum(len(part) if isinstance(part, bytes) else part[1] for part in parts), parts


def _expand(parts: list) -> Iterator[bytes]:
    """Parts are bytes, or (block, total length) for a long run of one repeated block."""
    for part in parts:
        if isinstance(part, bytes):
            yield part
            continue
        block, length = part
        whole, remainder = divmod(length, len(block))
        for _index in range(whole):
            yield block
        if remainder:
            yield block[:remainder]


def huge_body(response: Response, megabytes: float) -> None:
    """A valid JSON answer with a string member of `megabytes` MiB first, written without being held in memory."""
    length = int(megabytes * MEGABYTE)
    inserted = _insert_member(response.body, "padding", [b'"', (b"x" * MEGABYTE, length), b'"'])
    if inserted is not None:
        response.stream_length, parts = inserted
        response.stream = lambda: _expand(parts)


def nested_value(depth: int, shape: str) -> bytes:
    if shape == "object":
        return b'{"n":' * depth + b"{}" + b"}" * depth
    return b"[" * depth + b"]" * depth


def nested_json(body: bytes, depth: int, shape: str) -> bytes:
    """The answer with a member nested `depth` deep first: valid JSON that Python's json cannot read."""
    inserted = _insert_member(body, "nested", [nested_value(depth, shape)])
    return body if inserted is None else b"".join(inserted[1])


def _document(body: bytes):
    try:
        return json.loads(body)
    except ValueError:
        return None


def _dumps(document, body: bytes) -> bytes:
    """The document written again, indented if the answer was (pjson)."""
    return json.dumps(document, indent=2 if b"\n" in body else None).encode("utf-8")


def non_object_records(body: bytes) -> bytes:
    """A list answer with non-objects between its records (one before each record, the rest at the end)."""
    document = _document(body)
    if not isinstance(document, dict):
        return body
    name = next((name for name in RECORD_LISTS if isinstance(document.get(name), list)), None)
    if name is None:
        return body
    records, mixed = document[name], []
    for index, item in enumerate(NON_OBJECTS):
        mixed.append(item)
        if index < len(records):
            mixed.append(records[index])
    mixed.extend(records[len(NON_OBJECTS):])
    document[name] = mixed
    return _dumps(document, body)


def huge_start_time(body: bytes, value: str, field: str) -> bytes:
    """The first job record (of a list, or a single job) with startTime and/or endTime set to `value`'s text."""
    document = _document(body)
    if isinstance(document, dict) and isinstance(document.get("asyncJobs"), list):
        records = [record for record in document["asyncJobs"] if isinstance(record, dict)]
    elif isinstance(document, dict) and "jobId" in document:
        records = [document]
    else:
        return body
    if not records:
        return body
    for name in (("startTime", "endTime") if field == "both" else (field,)):
        records[0][name] = _PLACEHOLDER
    # json.dumps cannot write 1e999 (it would write Infinity, which is not JSON): put the text in afterwards.
    return _dumps(document, body).replace(b'"%s"' % _PLACEHOLDER.encode("ascii"), value.encode("ascii"))


def rewrite(fault: Fault, response: Response) -> None:
    """Apply a body fault to the answer the emulated API gave; other kinds leave it alone."""
    kind, params = fault.kind, fault.params
    if kind == fault_kinds.TRUNCATED_JSON:
        response.body = response.body[:max(1, len(response.body) // 2)]
    elif kind == fault_kinds.INVALID_JSON:
        response.body = mangle_json(response.body)
    elif kind == fault_kinds.ODD_TOTAL:
        response.body = odd_total(response.body, params["form"], params["value"])
    elif kind == fault_kinds.HUGE_BODY:
        huge_body(response, params["megabytes"])
    elif kind == fault_kinds.NESTED_JSON:
        response.body = nested_json(response.body, params["depth"], params["shape"])
    elif kind == fault_kinds.NON_OBJECT_RECORDS:
        response.body = non_object_records(response.body)
    elif kind == fault_kinds.HUGE_START_TIME:
        response.body = huge_start_time(response.body, params["value"], params["field"])
    elif kind == fault_kinds.TRICKLE:
        response.pace = (params["bytes_per_second"], params["chunk_bytes"])
