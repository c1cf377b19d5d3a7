# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drain task of one server: options in, READ_ONLY first if asked, the wait, notebooks closed if asked, the result out.

The action plugin and the module both call ``run``; one client (one token) serves the whole drain.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    NotebookServerError,
    OptionError,
    cause,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.http import NotebookServerClient
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import (
    CONNECTION_ARGSPEC,
    OptionAdapter,
    open_client_from,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.policy import (
    DEFAULT_QUIET_FOR,
    NOTEBOOK_POLICIES,
    NOTEBOOKS_IGNORE,
    NOTEBOOKS_WAIT,
    STUCK_POLICIES,
    DrainPolicy,
    WorkListing,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.result import (
    DrainOutcome,
    drain_failed,
    drain_warnings,
    outcome_to_result,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.drain.waiter import (
    STOPPED_CHECK_MODE,
    STOPPED_ERROR,
    STOPPED_TIMEOUT,
    DrainResult,
    PollRecord,
    WaitSettings,
    wait_until_idle,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.jobs.listing import list_jobs
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.listing import read_interactive
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.model import NotebookFacts
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.site.cancel import cancel_job
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.site.close_notebook import close_notebook
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.site.mode import (
    EDITABLE,
    READ_ONLY,
    read_site_mode,
    update_site_mode,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.times import parse_duration

ON_TIMEOUT = ("fail", "continue")

# The drain's own options, after the connection options every module shares.
ARGUMENT_SPEC: Dict[str, Dict[str, Any]] = dict(
    CONNECTION_ARGSPEC,
    read_only={"type": "bool", "default": False},
    poll_interval={"type": "str", "default": "10s"},
    wait_timeout={"type": "str", "default": "30m"},
    stuck_after={"type": "str", "default": "2h"},
    stuck_jobs={"type": "str", "default": "block", "choices": list(STUCK_POLICIES)},
    on_timeout={"type": "str", "default": "fail", "choices": list(ON_TIMEOUT)},
    max_consecutive_failures={"type": "int", "default": 5},
    job_types={"type": "list", "elements": "str", "default": []},
    owners={"type": "list", "elements": "str", "default": []},
    notebooks={"type": "str", "default": NOTEBOOKS_WAIT, "choices": list(NOTEBOOK_POLICIES)},
    quiet_for={"type": "str", "default": "5m"},
    close_notebooks={"type": "bool", "default": False},
)


@dataclass(frozen=True)
class DrainRequest:
    """What the caller asked for, in seconds and policies."""

    policy: DrainPolicy
    settings: WaitSettings
    read_only: bool = False
    on_timeout: str = "fail"
    close_notebooks: bool = False


def request_from_options(options: OptionAdapter) -> DrainRequest:
    """The drain's own options as a request; ``OptionError`` names a bad value or an impossible combination."""

    def duration(name: str) -> Optional[float]:
        value = options.get(name)
        if value is None or str(value).strip() == "":
            return None
        return parse_duration(value, name)

    poll_interval = duration("poll_interval")
    wait_timeout = duration("wait_timeout")
    if poll_interval is None or wait_timeout is None:
        raise OptionError("poll_interval and wait_timeout must be set")
    on_timeout = options.get("on_timeout", "fail")
    if on_timeout not in ON_TIMEOUT:
        raise OptionError("on_timeout must be one of %s, not %r" % (", ".join(ON_TIMEOUT), on_timeout))
    notebooks = options.get("notebooks", NOTEBOOKS_WAIT)
    quiet_for = duration("quiet_for")
    close_notebooks = bool(options.get("close_notebooks"))
    if close_notebooks and notebooks == NOTEBOOKS_IGNORE:
        raise OptionError("close_notebooks needs notebooks=wait: the drain closes notebooks only once none is busy, "
                          "and with notebooks=ignore it would close them with their running work")
    try:
        return DrainRequest(
            policy=DrainPolicy(
                job_types=tuple(options.get("job_types") or ()),
                owners=tuple(options.get("owners") or ()),
                stuck_after=duration("stuck_after"),
                stuck_policy=options.get("stuck_jobs", "block"),
                notebooks=notebooks,
                quiet_for=DEFAULT_QUIET_FOR if quiet_for is None else quiet_for,
            ),
            settings=WaitSettings(
                poll_interval=poll_interval,
                timeout=wait_timeout,
                max_consecutive_failures=int(options.get("max_consecutive_failures", 5)),
            ),
            read_only=bool(options.get("read_only")),
            on_timeout=on_timeout,
            close_notebooks=close_notebooks,
        )
    except ValueError as exc:
        raise OptionError(str(exc)) from None


def _stopped(message: str) -> DrainResult:
    return DrainResult(idle=False, stopped_by=STOPPED_ERROR, waited_seconds=0.0, polls=0, failures=0,
                       last_error=message)


def _read_only_after_error(client: NotebookServerClient, site_mode: Optional[str]) -> bool:
    """After a failed switch, look again: the POST may have taken effect although its answer was lost."""
    if site_mode != EDITABLE:
        return False
    try:
        return read_site_mode(client) == READ_ONLY
    except NotebookServerError:
        return False


def close_open_notebooks(client: NotebookServerClient,
                         notebooks: Tuple[NotebookFacts, ...]) -> Tuple[Tuple[NotebookFacts, ...], Dict[str, str]]:
    """Close each notebook (each write checked by a read): those closed now, and id to error for those that were not.

    A notebook already gone (closed by its owner or the server's idle timeout) is neither.
    """
    closed = []
    failures: Dict[str, str] = {}
    for notebook in notebooks:
        try:
            if close_notebook(client, notebook.notebook_id).closed:
                closed.append(notebook)
        except NotebookServerError as exc:
            failures[notebook.notebook_id or "(no id)"] = cause(exc)
        # The result must still say what this drain changed (READ_ONLY, what it closed), whatever goes wrong here.
        except Exception as exc:  # pylint: disable=broad-except
            failures[notebook.notebook_id or "(no id)"] = "%s: %s" % (exc.__class__.__name__, cause(exc))
    return tuple(closed), failures


def run_drain(
    client: NotebookServerClient,
    request: DrainRequest,
    *,
    check_mode: bool = False,
    on_poll: Optional[Callable[[PollRecord], None]] = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> DrainOutcome:
    """Drain one server. In check mode: look once, change nothing, say what would be done."""
    site_mode: Optional[str] = None
    read_only_set = False
    if request.read_only:
        try:
            site_mode = read_site_mode(client)
            if site_mode == EDITABLE and not check_mode:
                update_site_mode(client, READ_ONLY)
                read_only_set = True
        except NotebookServerError as exc:
            return DrainOutcome(result=_stopped("could not switch the site to READ_ONLY: %s" % cause(exc)),
                                site_mode=site_mode, read_only_set=_read_only_after_error(client, site_mode))

    def fetch() -> Any:
        jobs = list_jobs(client)
        if request.policy.notebooks == NOTEBOOKS_IGNORE:
            return WorkListing(jobs)
        # strict: a sessions read that fails is a failed poll, never a quiet kernel.
        return WorkListing(jobs, read_interactive(client, owners=request.policy.owners, strict=True))

    try:
        if check_mode:
            # One look: a zero timeout makes the waiter poll exactly once; nothing is cancelled.
            look = WaitSettings(request.settings.poll_interval, 0.0, request.settings.max_consecutive_failures)
            result = wait_until_idle(fetch, request.policy, look, on_poll=on_poll, clock=clock, sleep=sleep,
                                     now_ms=client.now_ms)
            if result.stopped_by == STOPPED_TIMEOUT:
                result.stopped_by = STOPPED_CHECK_MODE
            return DrainOutcome(
                result=result, site_mode=site_mode, check_mode=True, wait_timeout=request.settings.timeout,
                would_set_read_only=request.read_only and site_mode == EDITABLE,
                would_cancel=result.stuck if request.policy.stuck_policy == "cancel" else (),
                would_close=(result.open_notebooks or ()) if request.close_notebooks else None,
            )
        result = wait_until_idle(fetch, request.policy, request.settings, on_poll=on_poll, clock=clock, sleep=sleep,
                                 now_ms=client.now_ms, cancel_job=lambda job_id: cancel_job(client, job_id),
                                 fresh_session=client.forget_token)
    # Whatever went wrong, the result must still say what this drain changed, so restore can undo it.
    except Exception as exc:  # pylint: disable=broad-except
        result = _stopped("stopped by an unexpected error (%s: %s); nothing is known about the jobs"
                          % (exc.__class__.__name__, cause(exc)))
    outcome = DrainOutcome(result=result, site_mode=site_mode, read_only_set=read_only_set)
    if result.idle and request.close_notebooks and result.open_notebooks:
        # Idle means every one of them was quiet at the last poll.
        outcome.closed_notebooks, outcome.close_failures = close_open_notebooks(client, result.open_notebooks)
    return outcome


def run(options: OptionAdapter, check_mode: bool, warn: Callable[[str], None], *,
        on_poll: Optional[Callable[[PollRecord], None]] = None,
        on_retry: Optional[Callable[[str], None]] = None,
        label: Optional[str] = None) -> Dict[str, Any]:
    """The whole drain: every documented return key, ``failed`` when the drain did not end as asked.

    ``warn`` gets the drain's warnings, ``on_retry`` (else ``warn``) each retried request, ``on_poll`` each poll;
    ``label`` names the server in every line (the site URL when not given).
    """
    request = request_from_options(options)
    with open_client_from(options, on_retry=on_retry or warn) as client:
        outcome = run_drain(client, request, check_mode=check_mode, on_poll=on_poll)
        returned = outcome_to_result(label or client.server, outcome)
    for warning in drain_warnings(returned, request.on_timeout):
        warn(warning)
    if drain_failed(returned, request.on_timeout):
        returned["failed"] = True
    return returned
