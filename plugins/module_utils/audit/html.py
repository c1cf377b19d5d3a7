# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""report.html: one self-contained page (inline CSS and SVG, no scripts, nothing fetched) drawn from report.json data."""

from __future__ import annotations

from html import escape
from typing import Any, Dict, List, Optional, Sequence

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.times import format_duration

COLOURS = {"active": "#2563eb", "completed": "#16a34a", "failed": "#dc2626"}
CHART_SERIES = ("active", "completed", "failed")

# The page may load nothing from anywhere: styles are inline and there are no scripts.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:1.5rem 2rem;color:#1f2933;
background:#f8fafc;line-height:1.4}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}
.meta{color:#52606d;margin:0 0 1rem}
.cards{display:flex;flex-wrap:wrap;gap:.75rem}
.card{background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:.6rem .9rem;min-width:7.5rem}
.card .value{font-size:1.6rem;font-weight:600}.card .label{color:#52606d;font-size:.85rem}
.card.bad{border-color:#dc2626;background:#fef2f2}.card.warn{border-color:#d97706;background:#fffbeb}
table{border-collapse:collapse;background:#fff;border:1px solid #d9e2ec;font-size:.9rem}
th,td{padding:.35rem .6rem;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top}
th{background:#f0f4f8}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.unreachable td{background:#fee2e2}tr.stuck td{background:#ffedd5}tr.failed td{background:#fef9c3}
tr.incomplete td{background:#f1f5f9}
.tag{display:inline-block;border-radius:3px;padding:0 .35rem;font-size:.8rem;font-weight:600;color:#fff}
.tag.unreachable{background:#b91c1c}.tag.stuck{background:#c2410c}.tag.failed{background:#a16207}
.tag.incomplete{background:#475569}.tag.busy{background:#2563eb}.tag.stale{background:#7c3aed}
.why{color:#7f1d1d}.ok{color:#16a34a}
svg{background:#fff;border:1px solid #d9e2ec;max-width:100%;height:auto}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:12px;fill:#1f2933}
.legend span{display:inline-block;margin-right:1rem}.legend i{display:inline-block;width:.8rem;height:.8rem;
margin-right:.3rem;vertical-align:-1px}
footer{margin-top:2rem;color:#7b8794;font-size:.8rem}
"""


def _text(value: Any) -> str:
    """Any value as escaped text (also safe inside a quoted attribute)."""
    return escape("" if value is None else str(value), quote=True)


def _card(value: Any, label: str, tone: str = "") -> str:
    tone_class = " " + tone if tone else ""
    return '<div class="card%s"><div class="value">%s</div><div class="label">%s</div></div>' % (
        tone_class, _text(value), _text(label))


def _fleet_cards(fleet: Dict[str, Any]) -> str:
    cards = [
        _card(fleet["servers"], "servers"),
        _card(fleet["unreachable"], "unreachable", "bad" if fleet["unreachable"] else ""),
        _card(fleet["needing_attention"], "need attention", "warn" if fleet["needing_attention"] else ""),
        _card(fleet["active"], "active jobs"),
        _card(fleet["stuck"], "stuck jobs", "bad" if fleet["stuck"] else ""),
        _card(fleet["completed"], "completed in window"),
        _card(fleet["failed"], "failed in window", "warn" if fleet["failed"] else ""),
        _card(fleet["cancelled"], "cancelled in window"),
    ]
    return '<div class="cards" id="fleet-summary">%s</div>' % "".join(cards)


def _attention_section(attention: Sequence[Dict[str, Any]]) -> str:
    if not attention:
        return '<p class="ok" id="attention">Every server is reachable, with no stuck and no failed job in the window.</p>'
    rows = "".join(
        '<tr class="%s"><td><span class="tag %s">%s</span></td><td>%s</td><td class="why">%s</td></tr>' % (
            _text(item["severity"]), _text(item["severity"]), _text(item["severity"]), _text(item["server"]),
            _text("; ".join(item["reasons"])))
        for item in attention
    )
    return ('<table id="attention"><thead><tr><th>Severity</th><th>Server</th><th>Why</th></tr></thead>'
            '<tbody>%s</tbody></table>' % rows)


def _row_class(entry: Dict[str, Any]) -> str:
    if not entry["reachable"]:
        return "unreachable"
    if entry["stuck"]:
        return "stuck"
    if entry["failed"]:
        return "failed"
    if not entry["complete"]:
        return "incomplete"
    return ""


def _oldest_text(oldest: Optional[Dict[str, Any]]) -> str:
    if not oldest:
        return ""
    return "%s by %s, %s (%s)" % (oldest["type"], oldest["username"], format_duration(oldest["age_seconds"]), oldest["jobId"])


def _servers_table(servers: Sequence[Dict[str, Any]]) -> str:
    head = ("<thead><tr><th>Server</th><th>URL</th><th>Status</th><th class=\"num\">Jobs listed</th>"
            "<th class=\"num\">Active</th><th class=\"num\">Stuck</th><th class=\"num\">Completed</th>"
            "<th class=\"num\">Failed</th><th class=\"num\">Cancelled</th><th>Oldest active job</th>"
            "<th class=\"num\">Query (s)</th></tr></thead>")
    rows: List[str] = []
    for entry in servers:
        row_class = _row_class(entry)
        status = ('<span class="tag %s">%s</span> ' % (row_class, row_class) if row_class else "") + (
            _text("; ".join(entry["attention"])) if entry["attention"] else '<span class="ok">ok</span>')
        numbers = "".join('<td class="num">%s</td>' % _text(entry[key]) if entry["reachable"] else '<td class="num">-</td>'
                          for key in ("jobs_listed", "active", "stuck", "completed", "failed", "cancelled"))
        rows.append('<tr class="%s" data-server="%s"><td>%s</td><td>%s</td><td>%s</td>%s<td>%s</td><td class="num">%s</td></tr>' % (
            row_class, _text(entry["name"]), _text(entry["name"]), _text(entry["url"]), status, numbers,
            _text(_oldest_text(entry["oldest_active"])), _text(entry["elapsed_seconds"])))
    return '<table id="servers">%s<tbody>%s</tbody></table>' % (head, "".join(rows))


def _legend() -> str:
    return '<p class="legend">%s</p>' % "".join(
        '<span><i style="background:%s"></i>%s</span>' % (COLOURS[series], series) for series in CHART_SERIES)


def bar_chart_svg(servers: Sequence[Dict[str, Any]]) -> str:
    """One horizontal stacked bar per server: active, completed and failed jobs (finished ones within the window)."""
    label_width, bar_width, row_height, top = 200, 520, 26, 10
    biggest = max([sum(entry[series] for series in CHART_SERIES) for entry in servers] + [1])
    height = top * 2 + row_height * max(1, len(servers))
    width = label_width + bar_width + 140
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" id="jobs-per-server" role="img" width="%d" height="%d" '
             'viewBox="0 0 %d %d"><title>Active, completed and failed jobs per server</title>' % (width, height, width, height)]
    for index, entry in enumerate(servers):
        y = top + index * row_height
        parts.append('<g class="bar-group" data-server="%s">' % _text(entry["name"]))
        parts.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (label_width - 8, y + 16, _text(entry["name"])))
        if not entry["reachable"]:
            parts.append('<text x="%d" y="%d" fill="#b91c1c">unreachable</text>' % (label_width, y + 16))
            parts.append("</g>")
            continue
        x = float(label_width)
        for series in CHART_SERIES:
            count = entry[series]
            length = bar_width * count / biggest
            parts.append('<rect class="%s" x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: %s %s</title></rect>' % (
                series, x, y + 4, length, row_height - 8, COLOURS[series], _text(entry["name"]), count, series))
            x += length
        parts.append('<text x="%.1f" y="%d">%s</text>' % (
            x + 6, y + 16, _text(" / ".join(str(entry[series]) for series in CHART_SERIES))))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def timeline_svg(timeline: Dict[str, Any]) -> str:
    """Job starts across the fleet per time bucket over the window."""
    starts: List[int] = timeline["starts"]
    labels: List[str] = timeline["bucket_starts"]
    left, plot_width, plot_height, top, bottom = 50, 720, 160, 12, 40
    width, height = left + plot_width + 20, top + plot_height + bottom
    biggest = max(starts + [1])
    slot = plot_width / max(1, len(starts))
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" id="job-starts" role="img" width="%d" height="%d" '
             'viewBox="0 0 %d %d"><title>Job starts over the window</title>' % (width, height, width, height),
             '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#9aa5b1"/>' % (left, top + plot_height, left + plot_width, top + plot_height),
             '<text x="%d" y="%d" text-anchor="end">%d</text>' % (left - 6, top + 10, biggest),
             '<text x="%d" y="%d" text-anchor="end">0</text>' % (left - 6, top + plot_height)]
    parts.append('<g class="timeline-bars">')
    for index, count in enumerate(starts):
        bar_height = plot_height * count / biggest
        parts.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %d started</title></rect>' % (
            left + index * slot + 1, top + plot_height - bar_height, max(0.5, slot - 2), bar_height, COLOURS["active"],
            _text(labels[index] if index < len(labels) else ""), count))
    parts.append("</g>")
    # Three time labels (start, middle, end) are enough to read the axis.
    ticks = sorted({0, len(labels) // 2, len(labels) - 1}) if labels else []
    for index in ticks:
        anchor = "start" if index == 0 else ("end" if index == len(labels) - 1 else "middle")
        x = left + index * slot + (0 if anchor == "start" else slot if anchor == "end" else slot / 2)
        parts.append('<text x="%.1f" y="%d" text-anchor="%s">%s</text>' % (x, top + plot_height + 18, anchor, _text(labels[index])))
    parts.append("</svg>")
    return "".join(parts)


def _owners_table(owners: Sequence[Dict[str, Any]]) -> str:
    if not owners:
        return '<p id="top-owners">No active jobs.</p>'
    rows = "".join('<tr><td>%s</td><td class="num">%d</td><td class="num">%d</td><td>%s</td></tr>' % (
        _text(owner["owner"]), owner["active"], owner["stuck"],
        _text(", ".join("%s (%d)" % (name, count) for name, count in owner["servers"].items())))
        for owner in owners)
    return ('<table id="top-owners"><thead><tr><th>Owner</th><th class="num">Active</th><th class="num">Stuck</th>'
            '<th>Servers</th></tr></thead><tbody>%s</tbody></table>' % rows)


def _counts_table(table_id: str, heading: str, counts_by_name: Dict[str, Dict[str, int]]) -> str:
    """Jobs in the window by type or by owner, busiest first."""
    if not counts_by_name:
        return '<p id="%s">No jobs in the window.</p>' % table_id
    rows = "".join('<tr><td>%s</td>%s</tr>' % (_text(name), "".join(
        '<td class="num">%d</td>' % counts[key] for key in ("jobs", "active", "completed", "failed", "cancelled")))
        for name, counts in counts_by_name.items())
    return ('<table id="%s"><thead><tr><th>%s</th><th class="num">Jobs</th><th class="num">Active</th>'
            '<th class="num">Completed</th><th class="num">Failed</th><th class="num">Cancelled</th></tr></thead>'
            '<tbody>%s</tbody></table>' % (table_id, _text(heading), rows))


def _notebook_row(server: str, notebook: Dict[str, Any], stale: bool) -> str:
    kernels = notebook["kernels"]
    states = ", ".join(kernel["execution_state"] for kernel in kernels) if kernels else "-"
    tags = "".join('<span class="tag %s">%s</span> ' % (kind, kind)
                   for kind, on in (("busy", notebook["busy"]), ("stale", stale)) if on)
    return ('<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="num">%s</td><td>%s%s</td></tr>' % (
        _text(server), _text(notebook["username"]), _text(notebook["id"]), _text(states),
        _text(notebook["last_activity_iso"] or "unknown"), _text(format_duration(notebook["idle_seconds"])), tags,
        _text(notebook["busy_reason"] or "")))


def _notebooks_section(report: Dict[str, Any]) -> str:
    """Per server: open, busy and stale notebooks, containers; a server whose notebooks were not read is flagged."""
    totals = report["fleet"]["notebooks"]
    stale_after = report.get("stale_after_seconds")
    cards = '<div class="cards" id="notebook-summary">%s</div>' % "".join([
        _card(totals["open"], "open notebooks"),
        _card(totals["busy"], "busy notebooks", "warn" if totals["busy"] else ""),
        _card(totals["stale"], "stale notebooks"),
        _card(totals["containers"], "containers"),
        _card(len(totals["servers_not_read"]), "servers not read", "bad" if totals["servers_not_read"] else ""),
    ])
    rows: List[str] = []
    listed: List[str] = []
    for entry in report["servers"]:
        notebooks = entry["notebooks"]
        if not notebooks["read"]:
            rows.append('<tr class="incomplete" data-notebooks-server="%s"><td>%s</td><td colspan="5">-</td><td>'
                        '<span class="tag incomplete">not read</span> %s</td></tr>' % (
                            _text(entry["name"]), _text(entry["name"]), _text(notebooks["error"])))
            continue
        status = ('<span class="tag incomplete">incomplete</span> %s' % _text("; ".join(notebooks["incomplete_reasons"]))
                  if not notebooks["complete"] else ('<span class="ok">quiet</span>' if notebooks["quiet"] else "busy"))
        rows.append('<tr class="%s" data-notebooks-server="%s"><td>%s</td>%s<td>%s</td></tr>' % (
            "" if notebooks["complete"] else "incomplete", _text(entry["name"]), _text(entry["name"]),
            "".join('<td class="num">%s</td>' % _text(notebooks[key])
                    for key in ("open", "busy", "busy_kernels", "stale", "containers")), status))
        stale_ids = {notebook["id"] for notebook in notebooks["stale_notebooks"]}
        seen = set()
        for notebook in notebooks["busy_notebooks"] + notebooks["stale_notebooks"]:
            if notebook["id"] not in seen:
                seen.add(notebook["id"])
                listed.append(_notebook_row(entry["name"], notebook, notebook["id"] in stale_ids))
    table = ('<table id="notebooks"><thead><tr><th>Server</th><th class="num">Open</th><th class="num">Busy</th>'
             '<th class="num">Busy kernels</th><th class="num">Stale</th><th class="num">Containers</th><th>Status</th>'
             '</tr></thead><tbody>%s</tbody></table>' % "".join(rows))
    if listed:
        details = ('<table id="notebook-list"><thead><tr><th>Server</th><th>Owner</th><th>Notebook</th><th>Kernel</th>'
                   '<th>Last activity</th><th class="num">Idle</th><th>Why</th></tr></thead><tbody>%s</tbody></table>'
                   % "".join(listed))
    else:
        details = '<p id="notebook-list">No busy or stale notebook.</p>'
    return "".join([
        '<p class="meta">The work users do in open notebooks is no job. A notebook is busy when a kernel of it is '
        'not idle (or could not be read) or it was active within the last %s; stale when idle for more than %s. '
        'notebooks.csv lists every open notebook.</p>' % (
            _text(format_duration(report.get("notebook_quiet_for_seconds"))), _text(format_duration(stale_after))),
        cards, table, details])


def render_html(report: Dict[str, Any]) -> str:
    """The whole page. Every value from the report is HTML-escaped."""
    fleet = report["fleet"]
    window = report["window"]
    body = [
        "<h1>Notebook Server audit</h1>",
        '<p class="meta">Generated %s. Window %s: %s to %s. Finished jobs count when they ended in the window; '
        'active jobs always count.</p>' % (_text(report["generated_at"]), _text(window["since"]), _text(window["start"]),
                                           _text(window["end"])),
        _fleet_cards(fleet),
        "<h2>Needs attention</h2>", _attention_section(report["attention"]),
        "<h2>Servers</h2>", _servers_table(report["servers"]),
        "<h2>Open notebooks</h2>", _notebooks_section(report),
        "<h2>Jobs per server</h2>", _legend(), bar_chart_svg(report["servers"]),
        "<h2>Job starts over the window</h2>",
        '<p class="meta">Each bar is %s.</p>' % _text(format_duration(report["timeline"]["bucket_seconds"])),
        timeline_svg(report["timeline"]),
        "<h2>Top owners by active jobs</h2>", _owners_table(report["top_owners"]),
        "<h2>Job types in the window</h2>", _counts_table("job-types", "Type", fleet["by_type"]),
        "<h2>Owners in the window</h2>", _counts_table("owners", "Owner", fleet["by_owner"]),
        "<footer>gisadmin.notebook_server audit, report schema %s. The same data is in report.json, jobs.csv, "
        "servers.csv and notebooks.csv next to this file.</footer>" % _text(report["schema_version"]),
    ]
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta http-equiv="Content-Security-Policy" content="%s">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>Notebook Server audit %s</title><style>%s</style></head><body>%s</body></html>\n" % (
                _text(_CSP), _text(report["generated_at"]), _CSS, "\n".join(body)))
