"""Render the rows as a Markdown table with the run's context, and write it under bench/results/."""

from __future__ import annotations

import datetime
import math
import os

COLUMNS = ("id", "measures", "ours (median)", "reference (median)", "ratio", "target", "result")


def _ratio_text(value: float, limit: float) -> str:
    if math.isnan(value):
        return "-"
    text = "%.2fx" % value
    # A ratio that rounds onto its limit gets a third decimal, so "missed" never reads "1.10x <= 1.10x".
    if not math.isnan(limit) and text == "%.2fx" % limit and value != limit:
        text = "%.3fx" % value
    return text


def _cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def render(rows: list, context: list) -> str:
    lines = ["# gisadmin.notebook_server benchmarks", ""]
    lines += ["- %s" % item for item in context]
    lines += ["", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        cells = (row.id, row.what, row.ours, row.reference, _ratio_text(row.ratio, row.limit), row.target, row.result)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    notes = [row for row in rows if row.note]
    if notes:
        lines += ["", "Notes:", ""]
        lines += ["- %s: %s" % (row.id, row.note) for row in notes]
    return "\n".join(lines) + "\n"


def write(text: str, results_dir: str) -> str:
    os.makedirs(results_dir, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = os.path.join(results_dir, "bench-%s.md" % stamp)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    latest = os.path.join(results_dir, "latest.md")
    with open(latest, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path
