# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ask many Notebook Servers for their jobs at once; a server that fails becomes an entry with its error, never an abort."""

from __future__ import annotations

import dataclasses
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, cast

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.notebooks import ServerNotebooks
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.processes import in_processes
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import ServerAudit, ServerJobs
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.server_options import check_server_options
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import NotebookServerError, cause
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.secrets import public_url, redact
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.collector import collector_paused

SECRET_KEYS = ("password", "token")
DEFAULT_MAX_WORKERS = 16


@dataclass(frozen=True)
class AuditTarget:
    """One server to audit: the name it has in the report and its connection options (secrets included)."""

    name: str
    connection: Dict[str, Any] = field(repr=False)
    # Set when the options alone show the server cannot be asked (an option of the wrong type, no URL, no credentials).
    setup_error: Optional[str] = None

    @property
    def secrets(self) -> Tuple[str, ...]:
        return tuple(str(self.connection[key]) for key in SECRET_KEYS if self.connection.get(key))


# Reads one target: from its connection options, with its name for the rows of the report files.
ReadJobs = Callable[[AuditTarget], ServerJobs]


def build_targets(servers: Sequence[Dict[str, Any]], defaults: Dict[str, Any]) -> List[AuditTarget]:
    """Merge each server's connection options over the defaults (the task's own connection options).

    A server with a badly typed option (``timeout: 30s``), or without a URL or credentials, is still a target,
    with a ``setup_error`` naming it, the option and the cause: one badly configured inventory host must not stop
    the audit of the others. The module takes each server's options as they come (``raw``) so that this check,
    not its own validation, judges them.
    """
    targets: List[AuditTarget] = []
    seen: Dict[str, int] = {}
    for index, server in enumerate(servers):
        name = str(server.get("name") or public_url(server.get("url") or defaults.get("url")) or "server %d" % (index + 1))
        # A wrong option is never echoed with a secret in it, whatever was put where.
        secrets = [str(source[key]) for source in (server, defaults) for key in SECRET_KEYS if source.get(key)]
        options, problems = check_server_options(name, server, secrets)
        connection = dict(defaults)
        connection.update(options)
        setup_error = None
        if problems:
            setup_error = redact("; ".join(problems), secrets)
        elif not connection.get("url"):
            setup_error = "no url is set for this server"
        elif not (connection.get("token") or (connection.get("username") and connection.get("password"))):
            setup_error = "no credentials are set for this server: a token, or a username and a password"
        # Two servers with one name would merge in the report; number the later ones.
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = "%s (%d)" % (name, seen[name])
        targets.append(AuditTarget(name=name, connection=connection, setup_error=setup_error))
    return targets


def audit_one(target: AuditTarget, read_jobs: ReadJobs) -> ServerAudit:
    """Read one server; any exception becomes an unreachable entry whose message holds no secret."""
    started = time.monotonic()
    if target.setup_error:
        return _unreachable(target, target.setup_error, 0.0)
    try:
        listing = read_jobs(target)
    except NotebookServerError as exc:
        message = cause(exc)
    # One broken server must not take the fleet's report down with it, whatever it raised.
    except Exception as exc:  # pylint: disable=broad-except
        message = "%s: %s" % (exc.__class__.__name__, cause(exc))
    else:
        return ServerAudit(name=target.name, url=public_url(target.connection.get("url")), reachable=True, tally=listing.tally,
                           reported_total=listing.reported_total, incomplete_reason=listing.incomplete_reason,
                           elapsed_seconds=time.monotonic() - started, notebooks=_redacted(listing.notebooks, target))
    return _unreachable(target, redact(message, target.secrets), time.monotonic() - started)


def _unreachable(target: AuditTarget, error: str, elapsed_seconds: float) -> ServerAudit:
    """The entry of a server that could not be read: its name, its URL without a secret, and why."""
    return ServerAudit(name=target.name, url=public_url(target.connection.get("url")), reachable=False, error=error,
                       elapsed_seconds=elapsed_seconds)


def _redacted(notebooks: Optional[ServerNotebooks], target: AuditTarget) -> Optional[ServerNotebooks]:
    """The notebooks' error, like every message of the report, without a secret."""
    if notebooks is None or notebooks.error is None:
        return notebooks
    return dataclasses.replace(notebooks, error=redact(notebooks.error, target.secrets))


def audit_fleet(targets: Sequence[AuditTarget], read_jobs: ReadJobs, max_workers: int = DEFAULT_MAX_WORKERS,
                processes: int = 1, messages: Optional[List[str]] = None) -> List[ServerAudit]:
    """Audit every target concurrently with ``read_jobs``; the result is in the order of ``targets``.

    The wall time is about that of the slowest server when ``max_workers`` >= the number of servers. With
    ``processes`` > 1 the targets are shared out among that many forked readers (``processes.py``), with
    ``max_workers`` shared out too; what ``read_jobs`` appended to ``messages`` in a reader is appended here.
    """
    if not targets:
        return []
    # Every server's records are decoded and tallied here: hundreds of thousands of containers, no cycle.
    with collector_paused():
        if processes <= 1:
            return _audit_threads(targets, read_jobs, max_workers)
        share = -(-int(max_workers) // processes)
        said = messages if messages is not None else []

        def read_chunk(chunk: Sequence[AuditTarget]) -> Tuple[List[ServerAudit], List[str]]:
            before = len(said)
            return _audit_threads(chunk, read_jobs, share), said[before:]

        def unread(chunk: Sequence[AuditTarget], why: str) -> Tuple[List[ServerAudit], List[str]]:
            error = "not read: the process that read this server ended unexpectedly (%s)" % why
            return [_unreachable(target, error, 0.0) for target in chunk], []

        # Dealt like cards: slow servers and large ones spread over every reader.
        chunks = [list(targets[start::processes]) for start in range(processes)]
        entries: List[Optional[ServerAudit]] = [None] * len(targets)
        for start, (audits, chunk_messages) in enumerate(in_processes(chunks, read_chunk, unread)):
            entries[start::processes] = audits
            said.extend(chunk_messages)
        return cast(List[ServerAudit], entries)  # every slot filled: each chunk's audits match it one for one


def _audit_threads(targets: Sequence[AuditTarget], read_jobs: ReadJobs, max_workers: int) -> List[ServerAudit]:
    workers = max(1, min(int(max_workers), len(targets)))
    if workers == 1:
        return [audit_one(target, read_jobs) for target in targets]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="notebook-server-audit") as pool:
        return list(pool.map(lambda target: audit_one(target, read_jobs), targets))
