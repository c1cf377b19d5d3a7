# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The short Markdown summary of a fleet audit that the play prints at the end."""

from __future__ import annotations

from typing import Any, Dict, List

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.scheduled_tasks import scheduled_tasks_lines
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.text import plural, shorten

# Servers named in the attention table; the rest are counted, report.html lists them all.
MAX_ATTENTION_ROWS = 20
MAX_OWNER_ROWS = 5


def _cell(value: Any) -> str:
    # A pipe or a line break inside a cell would break the table.
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _notebooks_sentence(totals: Dict[str, Any]) -> str:
    """``Notebooks: 6 open (1 busy, 1 stale) in 5 containers.``, and where they could not be read."""
    text = "Notebooks: %d open (%d busy, %d stale) in %s." % (
        totals["open"], totals["busy"], totals["stale"], plural(totals["containers"], "container"))
    if totals["servers_not_read"]:
        text += " Not read on %s, so not known to be quiet there." % ", ".join(
            _cell(name) for name in totals["servers_not_read"])
    if totals["servers_incomplete"]:
        text += " Not completely read on %s." % ", ".join(_cell(name) for name in totals["servers_incomplete"])
    return text


def markdown_summary(report: Dict[str, Any], report_files: Dict[str, str]) -> str:
    """A dozen lines: the fleet in one sentence, who needs attention, who runs the most."""
    fleet = report["fleet"]
    window = report["window"]
    lines: List[str] = [
        "## Notebook Server audit: %s, %d reachable, %d unreachable" % (
            plural(fleet["servers"], "server"), fleet["reachable"], fleet["unreachable"]),
        "",
        "Window %s (%s to %s). Active %d (stuck %d); in the window: completed %d, failed %d, cancelled %d." % (
            _cell(window["since"]), window["start"], window["end"], fleet["active"], fleet["stuck"],
            fleet["completed"], fleet["failed"], fleet["cancelled"]),
        "",
    ]
    attention = report["attention"]
    if attention:
        lines += ["### Needs attention (%d)" % len(attention), "",
                  "| Server | Why | Active | Stuck | Failed |", "|---|---|---:|---:|---:|"]
        for item in attention[:MAX_ATTENTION_ROWS]:
            lines.append("| %s | %s | %d | %d | %d |" % (
                _cell(item["server"]), _cell(shorten("; ".join(item["reasons"]))), item["active"], item["stuck"], item["failed"]))
        if len(attention) > MAX_ATTENTION_ROWS:
            lines.append("")
            lines.append("... and %d more (see the report files)." % (len(attention) - MAX_ATTENTION_ROWS))
        lines.append("")
    else:
        lines += ["Every server is reachable, with no stuck and no failed job in the window.", ""]
    lines += [_notebooks_sentence(fleet["notebooks"]), ""]
    owners = report["top_owners"][:MAX_OWNER_ROWS]
    if owners:
        lines.append("Top owners by active jobs: %s." % ", ".join(
            "%s %d" % (_cell(owner["owner"]), owner["active"]) for owner in owners))
        lines.append("")
    lines += scheduled_tasks_lines(report.get("scheduled_tasks"))
    if report_files:
        lines.append("Report: %s" % _cell(report_files.get("report.html") or sorted(report_files.values())[0]))
    return "\n".join(lines).rstrip("\n")
