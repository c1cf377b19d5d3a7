# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ask many Notebook Servers for their jobs at once; a server that fails becomes an entry with its error, never an abort."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit_report import AuditJob, ServerAudit

# The connection options each server may set; missing ones fall back to the task's top-level options.
SERVER_CONNECTION_KEYS = ("url", "username", "password", "token", "portal_url", "validate_certs", "ca_path", "timeout",
                          "retries")
SECRET_KEYS = ("password", "token")
DEFAULT_MAX_WORKERS = 16
_MASK = "********"
_URL_USERINFO = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]*@")
_SECRET_PARAMETER = re.compile(r"((?:token|password)=)[^&\s\"']+", re.IGNORECASE)


@dataclass(frozen=True)
class AuditTarget:
    """One server to audit: the name it has in the report and its connection options (secrets included)."""

    name: str
    connection: Dict[str, Any] = field(repr=False)
    # Set when the options alone show the server cannot be asked (no URL, no credentials).
    setup_error: Optional[str] = None

    @property
    def secrets(self) -> Tuple[str, ...]:
        return tuple(str(self.connection[key]) for key in SECRET_KEYS if self.connection.get(key))


@dataclass(frozen=True)
class ServerJobs:
    """The jobs one server listed, classified, and the total the server said it holds."""

    jobs: Tuple[AuditJob, ...]
    reported_total: Optional[int] = None


def public_url(url: Any) -> str:
    """The URL as the report shows it: no user name or password in it, no query string."""
    text = _URL_USERINFO.sub(r"\1", str(url or ""))
    return text.split("?", 1)[0].split("#", 1)[0]


def redact(message: str, secrets: Iterable[str]) -> str:
    """Take every secret out of a message, including credentials embedded in URLs or query strings."""
    text = _URL_USERINFO.sub(r"\1", message)
    text = _SECRET_PARAMETER.sub(r"\1" + _MASK, text)
    # Longest first, so a secret that contains another is masked whole.
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, _MASK)
    return text


def build_targets(servers: Sequence[Dict[str, Any]], defaults: Dict[str, Any]) -> List[AuditTarget]:
    """Merge each server's options (``SERVER_CONNECTION_KEYS``) over the defaults (any connection option).

    A server without a URL or credentials is still a target, with a ``setup_error``: one badly configured
    inventory host must not stop the audit of the others.
    """
    targets: List[AuditTarget] = []
    seen: Dict[str, int] = {}
    for index, server in enumerate(servers):
        connection = dict(defaults)
        connection.update({key: value for key, value in server.items() if key in SERVER_CONNECTION_KEYS and value is not None})
        name = str(server.get("name") or public_url(connection.get("url")) or "server %d" % (index + 1))
        setup_error = None
        if not connection.get("url"):
            setup_error = "no url is set for this server"
        elif not (connection.get("token") or (connection.get("username") and connection.get("password"))):
            setup_error = "no credentials are set for this server: a token, or a username and a password"
        # Two servers with one name would merge in the report; number the later ones.
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = "%s (%d)" % (name, seen[name])
        targets.append(AuditTarget(name=name, connection=connection, setup_error=setup_error))
    return targets


def describe_error(exc: BaseException) -> str:
    """The cause on one line, without the server's URL that typed errors put first (the report names the server)."""
    message = getattr(exc, "message", None)
    text = message if isinstance(message, str) and message else str(exc)
    return " ".join(text.split()) or exc.__class__.__name__


def audit_one(
    target: AuditTarget,
    read_jobs: Callable[[AuditTarget], ServerJobs],
    expected_errors: Tuple[type, ...] = (),
    clock: Optional[Callable[[], float]] = None,
) -> ServerAudit:
    """Read one server; any exception becomes an unreachable entry whose message holds no secret."""
    clock = clock or time.monotonic
    started = clock()
    url = public_url(target.connection.get("url"))
    if target.setup_error:
        return ServerAudit(name=target.name, url=url, reachable=False, error=target.setup_error, elapsed_seconds=0.0)
    try:
        listing = read_jobs(target)
    except expected_errors as exc:  # pylint: disable=catching-non-exception
        message = describe_error(exc)
    # One broken server must not take the fleet's report down with it, whatever it raised.
    except Exception as exc:  # pylint: disable=broad-except
        message = "%s: %s" % (exc.__class__.__name__, describe_error(exc))
    else:
        return ServerAudit(name=target.name, url=url, reachable=True, jobs=listing.jobs,
                           reported_total=listing.reported_total, elapsed_seconds=clock() - started)
    return ServerAudit(name=target.name, url=url, reachable=False, error=redact(message, target.secrets),
                       elapsed_seconds=clock() - started)


def audit_fleet(
    targets: Sequence[AuditTarget],
    read_jobs: Callable[[AuditTarget], ServerJobs],
    max_workers: int = DEFAULT_MAX_WORKERS,
    expected_errors: Tuple[type, ...] = (),
    clock: Optional[Callable[[], float]] = None,
) -> List[ServerAudit]:
    """Audit every target concurrently; the result is in the order of ``targets``.

    The wall time is about that of the slowest server when ``max_workers`` >= the number of servers.
    """
    if not targets:
        return []
    workers = max(1, min(int(max_workers), len(targets)))
    if workers == 1:
        return [audit_one(target, read_jobs, expected_errors, clock) for target in targets]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="notebook-server-audit") as pool:
        return list(pool.map(lambda target: audit_one(target, read_jobs, expected_errors, clock), targets))
