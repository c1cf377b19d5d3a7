# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The notebooks_info task, from options to result: what the notebook_server_notebooks_info module calls."""

from __future__ import annotations

from typing import Any, Callable, Dict, List

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.options import (
    CONNECTION_ARGSPEC,
    OptionAdapter,
    connection_settings,
    open_client,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.listing import read_interactive
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.notebooks.model import (
    DEFAULT_QUIET_FOR,
    KERNELS_NOT_READ,
    InteractiveFacts,
    annotate_container,
    annotate_notebook,
    classify,
    summarize,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.times import parse_duration

ARGUMENT_SPEC: Dict[str, Dict[str, Any]] = dict(
    CONNECTION_ARGSPEC,
    owner={"type": "list", "elements": "str", "default": []},
    quiet_for={"type": "str", "default": DEFAULT_QUIET_FOR},
    kernels={"type": "bool", "default": True},
)


def notebooks_info(server: str, facts: InteractiveFacts) -> Dict[str, Any]:
    """``server``, ``notebooks``, ``containers``, ``total``, ``complete``, ``incomplete_reasons``, ``summary``."""
    return {
        "server": server,
        "notebooks": [annotate_notebook(notebook) for notebook in facts.notebooks],
        "containers": [annotate_container(container) for container in facts.containers],
        "total": facts.total,
        "complete": facts.complete,
        "incomplete_reasons": list(facts.incomplete_reasons),
        "summary": summarize(facts),
    }


def run(options: OptionAdapter, check_mode: bool = False, warn: Callable[[str], None] = lambda message: None) -> Dict[str, Any]:
    """Validate every option first, then read. A read changes nothing, so check mode reads the same way."""
    del check_mode
    settings = connection_settings(options)
    quiet_for = parse_duration(options.get("quiet_for", DEFAULT_QUIET_FOR), "quiet_for")
    owners: List[str] = [str(owner) for owner in options.get("owner") or []]
    kernels = bool(options.get("kernels", True))
    with open_client(settings, on_retry=warn) as client:
        listing = read_interactive(client, kernels=kernels, owners=owners)
        # Idle times on the server's clock, like the activity instants it sent.
        facts = classify(listing, client.now_ms(), quiet_for, owners)
        server = client.server
    for reason in facts.incomplete_reasons:
        if reason != KERNELS_NOT_READ:  # asked for; documented, not worth a warning
            warn("Notebook Server %s: %s; complete and summary.quiet are false" % (server, reason))
    return notebooks_info(server, facts)
