# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The interactive work in a fleet audit: each server's open notebooks read and classified, their report figures.

A server whose notebooks could not be read (or not completely) is flagged and never reported quiet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import NotebookServerError, cause
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.listing import read_interactive
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.model import (
    NotebookFacts,
    classify,
    notebook_brief,
    summarize,
)

# Busy and stale notebooks listed per server in report.json; notebooks.csv has every open notebook.
MAX_NOTEBOOKS_LISTED = 20
# What a notebooks entry holds when the notebooks were not read: no count, since none is known.
_COUNTS = ("open", "busy", "busy_kernels", "containers", "stale")


class AuditNotebook(NamedTuple):
    """One open notebook as the audit keeps it: the core's brief of it and whether it is stale."""

    brief: Dict[str, Any]
    kernel_state: str
    stale: bool


@dataclass(frozen=True)
class ServerNotebooks:
    """What one server's interactive work looked like, or why it could not be read (``error``)."""

    notebooks: Tuple[AuditNotebook, ...] = ()
    summary: Optional[Dict[str, Any]] = None
    complete: bool = False
    incomplete_reasons: Tuple[str, ...] = ()
    error: Optional[str] = None

    @property
    def read(self) -> bool:
        return self.error is None and self.summary is not None


def _audit_notebook(facts: NotebookFacts, stale_after_seconds: float) -> AuditNotebook:
    stale = facts.idle_seconds is not None and facts.idle_seconds > stale_after_seconds
    return AuditNotebook(notebook_brief(facts), facts.kernel_state, stale)


def read_server_notebooks(client: Any, now_ms: int, quiet_for_seconds: float, stale_after_seconds: float) -> ServerNotebooks:
    """Every open notebook of one server with its kernels, classified on that server's clock; an error is recorded."""
    try:
        listing = read_interactive(client)
    except NotebookServerError as exc:
        return ServerNotebooks(error=cause(exc))
    # The jobs were read: whatever else goes wrong here leaves the notebooks unread, not the server unreachable.
    except Exception as exc:  # pylint: disable=broad-except
        return ServerNotebooks(error="%s: %s" % (exc.__class__.__name__, cause(exc)))
    facts = classify(listing, now_ms, quiet_for_seconds)
    return ServerNotebooks(
        notebooks=tuple(_audit_notebook(notebook, stale_after_seconds) for notebook in facts.notebooks),
        summary=summarize(facts),
        complete=facts.complete,
        incomplete_reasons=facts.incomplete_reasons,
    )


def notebook_attention(reachable: bool, notebooks: Optional[ServerNotebooks]) -> List[str]:
    """Why a reachable server's notebooks need attention: they could not be read, or not all of them."""
    if not reachable:
        return []
    if notebooks is None or not notebooks.read:
        return ["notebooks not read: %s" % (notebooks.error if notebooks is not None else "they were not asked for")]
    if not notebooks.complete:
        return ["notebooks incomplete: %s" % "; ".join(notebooks.incomplete_reasons)]
    return []


def notebooks_entry(reachable: bool, error: Optional[str], notebooks: Optional[ServerNotebooks]) -> Dict[str, Any]:
    """One server's ``notebooks`` in report.json. Counts are null when the notebooks were not read."""
    if notebooks is None or not notebooks.read:
        reason = (notebooks.error if notebooks is not None and notebooks.error else
                  (error if not reachable else "the notebooks were not asked for"))
        entry: Dict[str, Any] = {"read": False, "complete": False, "quiet": False, "error": reason,
                                 "incomplete_reasons": []}
        entry.update((key, None) for key in _COUNTS)
        entry.update({"by_owner": {}, "busy_by_owner": {}, "last_activity_iso": None, "busy_notebooks": [],
                      "stale_notebooks": []})
        return entry
    summary = notebooks.summary or {}
    busy = [n.brief for n in notebooks.notebooks if n.brief["busy"]]
    stale = [n.brief for n in notebooks.notebooks if n.stale]
    return {
        "read": True,
        "complete": notebooks.complete,
        "quiet": bool(summary.get("quiet")),
        "error": None,
        "incomplete_reasons": list(notebooks.incomplete_reasons),
        "open": summary.get("open_notebooks", 0),
        "busy": summary.get("busy_notebooks", 0),
        "busy_kernels": summary.get("busy_kernels", 0),
        "containers": summary.get("containers", 0),
        "stale": len(stale),
        "by_owner": summary.get("by_owner", {}),
        "busy_by_owner": summary.get("busy_by_owner", {}),
        "last_activity_iso": summary.get("last_activity_iso"),
        "busy_notebooks": busy[:MAX_NOTEBOOKS_LISTED],
        "stale_notebooks": stale[:MAX_NOTEBOOKS_LISTED],
    }


def fleet_notebooks(entries: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """The notebook figures summed over the servers whose notebooks were read, and which were not."""
    read = [entry for entry in entries if entry["notebooks"]["read"]]
    totals: Dict[str, Any] = {key: sum(entry["notebooks"][key] for entry in read) for key in _COUNTS}
    totals["servers_read"] = len(read)
    totals["servers_not_read"] = [entry["name"] for entry in entries if not entry["notebooks"]["read"]]
    totals["servers_incomplete"] = [entry["name"] for entry in read if not entry["notebooks"]["complete"]]
    totals["quiet"] = bool(entries) and all(entry["notebooks"]["quiet"] for entry in entries)
    return totals
