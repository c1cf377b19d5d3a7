# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The site mode (``admin/mode``): its names, reading it, and setting it with the write checked by a read."""

from __future__ import annotations

from typing import Any

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import (
    BadResponseError,
    OptionError,
)
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.writes import write_then_confirm

READ_ONLY = "READ_ONLY"
EDITABLE = "EDITABLE"
SITE_MODES = (READ_ONLY, EDITABLE)

MODE_PATH = "mode"
MODE_UPDATE_PATH = "mode/update"


def validate_site_mode(mode: object) -> str:
    """``mode`` as the server spells it (``READ_ONLY`` or ``EDITABLE``); OptionError for anything else."""
    text = str(mode).strip().upper() if isinstance(mode, str) else ""
    if text not in SITE_MODES:
        raise OptionError("mode must be one of %s, not %r" % (", ".join(SITE_MODES), mode))
    return text


def read_site_mode(client: Any) -> str:
    """The site's current mode (``siteMode`` of ``admin/mode``), e.g. ``READ_ONLY`` or ``EDITABLE``."""
    answer = client.get_json(MODE_PATH)
    mode = answer.get("siteMode") if isinstance(answer, dict) else None
    if not isinstance(mode, str) or not mode:
        raise BadResponseError("the answer of admin/mode has no siteMode", client.server)
    return mode.upper()


def update_site_mode(client: Any, mode: str) -> None:
    """Set the site mode; after a write whose outcome is unknown, the mode is read before the write is repeated once."""
    wanted = validate_site_mode(mode)
    write_then_confirm(
        lambda: client.post_json(MODE_UPDATE_PATH, {"siteMode": wanted}, idempotent=False),
        lambda: read_site_mode(client) == wanted,
    )
