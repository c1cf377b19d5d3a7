# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which jobs a task asks for: the query options, validated once, and the test applied to each job."""

from __future__ import annotations

from dataclasses import dataclass
import importlib
import traceback
from typing import Any, Callable, FrozenSet, Optional, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    MissingLibraryError,
    OptionError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.model import JobFacts
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.text import one_line
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.times import (
    parse_duration,
    parse_time,
)

ACTIVE_WORD = "ACTIVE"

# The query options as a module argspec; the module and the lookup document them the same way.
JOBS_QUERY_ARGSPEC = {
    "job_id": {"type": "list", "elements": "str"},
    "status": {"type": "list", "elements": "str"},
    "job_type": {"type": "list", "elements": "str"},
    "owner": {"type": "list", "elements": "str"},
    "started_after": {"type": "str"},
    "started_before": {"type": "str"},
    "stuck_after": {"type": "str"},
    "num": {"type": "int"},
    "query": {"type": "str"},
}


def _words(values: Any) -> Tuple[str, ...]:
    """A list option as clean strings; accepts one string or a comma-separated string too."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = values.split(",")
    return tuple(str(v).strip() for v in values if v is not None and str(v).strip())


@dataclass(frozen=True)
class JobsQuery:
    """The filters of one task. ``matches`` is cheap: sets of folded strings and integer comparisons."""

    job_ids: Tuple[str, ...] = ()
    statuses: FrozenSet[str] = frozenset()  # upper case; ACTIVE means any active status
    job_types: FrozenSet[str] = frozenset()  # casefolded
    owners: FrozenSet[str] = frozenset()  # casefolded: Portal usernames are case-insensitive
    started_after_ms: Optional[int] = None
    started_before_ms: Optional[int] = None
    stuck_after_seconds: Optional[float] = None
    num: Optional[int] = None
    query_text: Optional[str] = None
    compiled_query: Any = None

    @classmethod
    def from_options(cls, get: Callable[[str], Any], now_ms: int) -> "JobsQuery":
        """Validate the query options (``get(name)`` reads one) into a query; ``OptionError`` for a bad value."""
        started_after = get("started_after")
        started_before = get("started_before")
        stuck_after = get("stuck_after")
        num = get("num")
        if num is not None:
            try:
                num = int(num)
            except (TypeError, ValueError):
                raise OptionError("num must be a whole number, not %r" % (num,)) from None
            if num < 1:
                raise OptionError("num must be at least 1")
        query_text = get("query")
        query_text = query_text.strip() if isinstance(query_text, str) and query_text.strip() else None
        query = cls(
            job_ids=tuple(dict.fromkeys(_words(get("job_id")))),
            statuses=frozenset(s.upper() for s in _words(get("status"))),
            job_types=frozenset(t.casefold() for t in _words(get("job_type"))),
            owners=frozenset(o.casefold() for o in _words(get("owner"))),
            started_after_ms=parse_time(started_after, now_ms, "started_after") if started_after not in (None, "") else None,
            started_before_ms=parse_time(started_before, now_ms, "started_before") if started_before not in (None, "") else None,
            stuck_after_seconds=parse_duration(stuck_after, "stuck_after") if stuck_after not in (None, "") else None,
            num=num,
            query_text=query_text,
            compiled_query=compile_query(query_text) if query_text else None,
        )
        if query.started_after_ms is not None and query.started_before_ms is not None \
                and query.started_after_ms >= query.started_before_ms:
            raise OptionError("started_after must be earlier than started_before")
        return query

    @property
    def filters(self) -> bool:
        """Whether any job can be left out (a list without filters skips the test)."""
        return bool(self.statuses or self.job_types or self.owners or self.started_after_ms is not None
                    or self.started_before_ms is not None)

    def matches(self, facts: JobFacts) -> bool:
        return self.accepts(facts.status, facts.active, facts.job_type, facts.owner, facts.start_ms)

    def accepts(self, status: str, active: bool, job_type: str, owner: str, start_ms: Optional[int]) -> bool:
        """The test of one job, from its values (``status`` as sent or UNKNOWN, type and owner as sent)."""
        if self.statuses and not (status.upper() in self.statuses or (active and ACTIVE_WORD in self.statuses)):
            return False
        if self.job_types and job_type.casefold() not in self.job_types:
            return False
        if self.owners and owner.casefold() not in self.owners:
            return False
        if self.started_after_ms is not None and (start_ms is None or start_ms < self.started_after_ms):
            return False
        if self.started_before_ms is not None and (start_ms is None or start_ms >= self.started_before_ms):
            return False
        return True

    def evaluate(self, document: Any) -> Any:
        """The ``query`` expression applied to ``document`` (the task result without ``query_result``)."""
        if self.compiled_query is None:
            return None
        try:
            return self.compiled_query.search(document)
        except _jmespath().exceptions.JMESPathError as exc:
            raise OptionError("query %r failed: %s" % (self.query_text, one_line(str(exc)))) from None


def _jmespath() -> Any:
    """jmespath, imported only by tasks that use ``query``: the other tasks run without it."""
    try:
        return importlib.import_module("jmespath")
    except ImportError:
        raise MissingLibraryError("jmespath", traceback.format_exc()) from None


def compile_query(text: str) -> Any:
    """One compiled JMESPath expression, reused for the whole result; ``OptionError`` if it does not parse."""
    jmespath = _jmespath()
    try:
        return jmespath.compile(text)
    except jmespath.exceptions.JMESPathError as exc:
        raise OptionError("query is not a valid JMESPath expression: %s" % one_line(str(exc))) from None
