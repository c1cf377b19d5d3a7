# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inventory for the audit target, and the checks of the report it writes against the emulators' own jobs.

    audit_fixture.py inventory WORK        print the inventory (and keep the secrets in WORK/secrets.json)
    audit_fixture.py transient-fault WORK  make the next jobs request of the quiet emulator fail once (HTTP 503),
                                           and its notebooks unreadable from now on (HTTP 503 every time)
    audit_fixture.py check WORK            compare WORK/report/* with the emulators' jobs and notebooks
    audit_fixture.py secrets WORK LOG...   no secret in any report file or log
    audit_fixture.py screenshot WORK PNG   the bar chart's colours are drawn in a browser's screenshot of report.html
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import re
import socket
import struct
import sys
import xml.etree.ElementTree as ET
import zlib
from html.parser import HTMLParser

from notebook_server_emulator.control import EmulatorControl, admin_token

EMULATORS = ("busy", "quiet", "faulty")
REFERER = "ansible-gisadmin-notebook_server"  # the client's default referer: a given token must be made for it
SVG = "{http://www.w3.org/2000/svg}"
REPORT_FILES = ("report.json", "jobs.csv", "servers.csv", "notebooks.csv", "report.html")
QUIET_FOR_SECONDS = 600
STALE_AFTER_SECONDS = 86400
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def _state(work, name):
    with open(os.path.join(work, name + ".json"), encoding="utf-8") as handle:
        return json.load(handle)


def _free_port():
    # Bound then closed: nothing listens there afterwards, so connections are refused.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def inventory(work):
    states = {name: _state(work, name) for name in EMULATORS}
    token = admin_token(states["quiet"], REFERER)
    hosts = {
        "nb-busy": {"notebook_server_url": states["busy"]["url"], "notebook_server_username": states["busy"]["username"],
                    "notebook_server_password": states["busy"]["password"],
                    "notebook_server_ca_path": states["busy"]["ca_path"]},
        # A token instead of credentials.
        "nb-quiet": {"notebook_server_url": states["quiet"]["url"], "notebook_server_token": token,
                     "notebook_server_ca_path": states["quiet"]["ca_path"]},
        "nb-faulty": {"notebook_server_url": states["faulty"]["url"],
                      "notebook_server_username": states["faulty"]["username"],
                      "notebook_server_password": states["faulty"]["password"],
                      "notebook_server_ca_path": states["faulty"]["ca_path"]},
        "nb-down": {"notebook_server_url": "https://127.0.0.1:%d/arcgis" % _free_port(),
                    "notebook_server_username": "siteadmin", "notebook_server_password": "Down-Server-Pa55word"},
    }
    secrets = [token, "Down-Server-Pa55word"]
    for state in states.values():
        secrets += [state["password"], state["control_secret"], state["user"]["password"]]
    with open(os.path.join(work, "secrets.json"), "w", encoding="utf-8") as handle:
        json.dump(secrets, handle)
    print(json.dumps({"notebook_servers": {"hosts": hosts, "vars": {
        "ansible_connection": "local",
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "notebook_server_retries": 1,
        "notebook_server_timeout": 10,
    }}}, indent=2))


def _epoch_ms(iso):
    moment = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    return int(moment.timestamp() * 1000)


def expected_figures(records, window_start_ms, now_ms, stuck_after_seconds):
    """The figures, worked out here from the emulator's own records with the documented rules."""
    figures = {"jobs_listed": len(records), "active": 0, "stuck": 0, "completed": 0, "failed": 0, "cancelled": 0,
               "by_owner": {}}
    oldest = None
    for record in records:
        status = record["status"]
        active = status in ("SUBMITTED", "PROCESSING")
        owner = figures["by_owner"].setdefault(record["username"], 0)
        if active:
            figures["active"] += 1
            figures["by_owner"][record["username"]] = owner + 1
            if (now_ms - record["startTime"]) / 1000.0 >= stuck_after_seconds:
                figures["stuck"] += 1
            if oldest is None or record["startTime"] < oldest["startTime"]:
                oldest = record
            continue
        if not window_start_ms <= record["endTime"] <= now_ms:
            continue
        figures["by_owner"][record["username"]] = owner + 1
        if record["customAttributes"].get("isCancelled"):
            figures["cancelled"] += 1
        elif status == "FAILED":
            figures["failed"] += 1
        else:
            figures["completed"] += 1
    figures["by_owner"] = {name: count for name, count in figures["by_owner"].items() if count}
    figures["oldest_active"] = oldest["jobId"] if oldest else None
    return figures


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.text = []
        self.rows = {}
        self._row = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        if tag == "tr" and "data-server" in attributes:
            self._row = {"server": attributes["data-server"], "class": attributes.get("class"), "cells": []}
        elif tag == "td" and self._row is not None:
            self._row["cells"].append("")

    def handle_endtag(self, tag):
        if tag == "tr" and self._row is not None:
            self.rows[self._row["server"]] = self._row
            self._row = None

    def handle_data(self, data):
        self.text.append(data)
        if self._row is not None and self._row["cells"]:
            self._row["cells"][-1] += data


def expected_notebooks(views, now_ms):
    """The notebook figures worked out from the emulator's own view of its notebooks, with the documented rules."""
    idle = {view["id"]: (now_ms - view["last_activity_ms"]) / 1000.0 for view in views}
    busy = [view["id"] for view in views
            if view["execution_state"] not in ("idle", "dead") or idle[view["id"]] < QUIET_FOR_SECONDS]
    return {"open": len(views), "busy": len(busy), "busy_ids": sorted(busy),
            "busy_kernels": sum(1 for view in views if view["execution_state"] not in ("idle", "dead")),
            "stale_ids": sorted(view["id"] for view in views if idle[view["id"]] > STALE_AFTER_SECONDS),
            "containers": len({view["containerId"] for view in views}), "ids": {view["id"] for view in views}}


def _check_notebooks(report, states, now_ms):
    """nb-busy's notebooks as the emulator holds them; nb-quiet's could not be read and is flagged, never quiet."""
    servers = {entry["name"]: entry for entry in report["servers"]}
    views = EmulatorControl.from_start_line(states["busy"]).notebooks()
    expected = expected_notebooks(views, now_ms)
    check((expected["open"], expected["busy"], len(expected["stale_ids"])) == (3, 1, 1),
          "the busy scenario has 3 open notebooks, 1 busy, 1 stale: %s" % expected)
    entry = servers["nb-busy"]["notebooks"]
    check(entry["read"] is True and entry["complete"] is True, "nb-busy notebooks read completely: %s" % entry)
    for key in ("open", "busy", "busy_kernels", "containers"):
        check(entry[key] == expected[key], "nb-busy notebooks %s: report %s, emulator %s" % (key, entry[key], expected[key]))
    check(entry["stale"] == len(expected["stale_ids"]), "nb-busy stale notebooks: %s" % entry["stale"])
    check(sorted(n["id"] for n in entry["busy_notebooks"]) == expected["busy_ids"], "nb-busy busy notebooks")
    check(sorted(n["id"] for n in entry["stale_notebooks"]) == expected["stale_ids"], "nb-busy stale notebooks")
    check(entry["quiet"] is False, "nb-busy has a busy notebook, it is not quiet")
    quiet = servers["nb-quiet"]["notebooks"]
    check(quiet["read"] is False and quiet["quiet"] is False and quiet["open"] is None and "503" in (quiet["error"] or ""),
          "nb-quiet's notebooks could not be read and must say so: %s" % quiet)
    check(any(item.startswith("notebooks not read: ") for item in servers["nb-quiet"]["attention"]),
          "nb-quiet is flagged for its unread notebooks: %s" % servers["nb-quiet"]["attention"])
    totals = report["fleet"]["notebooks"]
    check((totals["open"], totals["busy"], totals["stale"]) == (3, 1, 1) and totals["quiet"] is False,
          "fleet notebooks: %s" % totals)
    check(totals["servers_not_read"] == ["nb-quiet", "nb-faulty", "nb-down"], "servers not read: %s" % totals)
    check(report["stale_after_seconds"] == STALE_AFTER_SECONDS and report["notebook_quiet_for_seconds"] == QUIET_FOR_SECONDS,
          "the notebook settings in report.json")
    return expected


def _check_json(report, states):
    servers = {entry["name"]: entry for entry in report["servers"]}
    check(list(servers) == ["nb-busy", "nb-quiet", "nb-faulty", "nb-down"], "servers in inventory order: %s" % list(servers))
    now_ms = _epoch_ms(report["window"]["end"])
    start_ms = _epoch_ms(report["window"]["start"])
    check(now_ms - start_ms == 24 * 3600 * 1000, "the window is 24 hours")
    expected_all = {}
    for host, name in (("nb-busy", "busy"), ("nb-quiet", "quiet")):
        control = EmulatorControl.from_start_line(states[name])
        records = [control.job(job_id) for job_id in control.job_ids()]
        expected = expected_figures(records, start_ms, now_ms, report["stuck_after_seconds"])
        expected_all[host] = (expected, {record["jobId"] for record in records})
        entry = servers[host]
        check(entry["reachable"] is True and entry["error"] is None, "%s is reachable" % host)
        for key in ("jobs_listed", "active", "stuck", "completed", "failed", "cancelled"):
            check(entry[key] == expected[key], "%s %s: report %s, emulator %s" % (host, key, entry[key], expected[key]))
        by_owner = {owner: counts["jobs"] for owner, counts in entry["by_owner"].items()}
        check(by_owner == expected["by_owner"], "%s by_owner: report %s, emulator %s" % (host, by_owner, expected["by_owner"]))
        oldest = entry["oldest_active"]["jobId"] if entry["oldest_active"] else None
        check(oldest == expected["oldest_active"], "%s oldest active job: %s vs %s" % (host, oldest, expected["oldest_active"]))
    busy = expected_all["nb-busy"][0]
    check((busy["active"], busy["stuck"], busy["failed"], busy["cancelled"]) == (3, 2, 2, 1),
          "the busy scenario has 3 active (2 stuck), 2 failed and 1 cancelled jobs in the window: %s" % busy)
    for host, cause in (("nb-faulty", "login"), ("nb-down", "connect")):
        entry = servers[host]
        check(entry["reachable"] is False, "%s is unreachable" % host)
        check(cause in (entry["error"] or "").lower(), "%s error names the cause: %r" % (host, entry["error"]))
    fleet = report["fleet"]
    for key in ("active", "stuck", "completed", "failed", "cancelled", "jobs_listed"):
        total = sum(expected[key] for expected, _ids in expected_all.values())
        check(fleet[key] == total, "fleet %s: %s vs %s" % (key, fleet[key], total))
    check((fleet["servers"], fleet["reachable"], fleet["unreachable"]) == (4, 2, 2), "fleet server counts: %s" % fleet)
    check([(a["server"], a["severity"]) for a in report["attention"]]
          == [("nb-down", "unreachable"), ("nb-faulty", "unreachable"), ("nb-busy", "stuck"), ("nb-quiet", "incomplete")],
          "attention order: %s" % report["attention"])
    check(report["top_owners"][0]["owner"] == "alice" and report["top_owners"][0]["active"] == 2,
          "alice has the most active jobs: %s" % report["top_owners"][:2])
    return expected_all


def _check_notebooks_csv(directory, expected):
    with open(os.path.join(directory, "notebooks.csv"), newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    check({row["id"] for row in rows} == expected["ids"] and {row["server"] for row in rows} == {"nb-busy"},
          "notebooks.csv has every open notebook of nb-busy and no other: %s" % rows)
    check(sorted(row["id"] for row in rows if row["busy"] == "true") == expected["busy_ids"], "notebooks.csv busy")
    check(sorted(row["id"] for row in rows if row["stale"] == "true") == expected["stale_ids"], "notebooks.csv stale")


def _check_csvs(directory, report, expected_all):
    with open(os.path.join(directory, "jobs.csv"), newline="", encoding="utf-8") as handle:
        jobs = list(csv.DictReader(handle))
    for host, (_expected, job_ids) in expected_all.items():
        listed = {row["jobId"] for row in jobs if row["server"] == host}
        check(listed == job_ids, "jobs.csv has every job of %s and no other" % host)
    check(len(jobs) == sum(len(ids) for _expected, ids in expected_all.values()), "jobs.csv has one row per job")
    with open(os.path.join(directory, "servers.csv"), newline="", encoding="utf-8") as handle:
        servers = {row["server"]: row for row in csv.DictReader(handle)}
    for entry in report["servers"]:
        row = servers.get(entry["name"])
        check(row is not None, "servers.csv has %s" % entry["name"])
        if row:
            for key in ("active", "stuck", "completed", "failed", "cancelled", "jobs_listed"):
                check(row[key] == str(entry[key]), "servers.csv %s %s" % (entry["name"], key))
            check(row["reachable"] == ("true" if entry["reachable"] else "false"), "servers.csv reachable")


def _check_html(directory, report):
    with open(os.path.join(directory, "report.html"), encoding="utf-8") as handle:
        page = handle.read()
    parsed = _Page()
    parsed.feed(page)
    parsed.close()
    text = " ".join(parsed.text)
    check("script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags,
          "report.html loads nothing and runs nothing")
    check(not re.search(r"""\b(?:src|href)\s*=""", page), "report.html refers to no other file")
    check("<b>carol</b>" in text and "b" not in parsed.tags, "an owner's markup is shown as text, not run")
    for entry in report["servers"]:
        check(entry["name"] in text, "report.html names %s" % entry["name"])
        row = parsed.rows.get(entry["name"])
        check(row is not None, "report.html has a table row for %s" % entry["name"])
        if row and entry["reachable"]:
            # Columns 4-9: jobs listed, active, stuck, completed, failed, cancelled.
            shown = [cell.strip() for cell in row["cells"][3:9]]
            wanted = [str(entry[key]) for key in ("jobs_listed", "active", "stuck", "completed", "failed", "cancelled")]
            check(shown == wanted, "report.html numbers of %s: %s vs %s" % (entry["name"], shown, wanted))
    check(parsed.rows["nb-busy"]["class"] == "stuck" and parsed.rows["nb-down"]["class"] == "unreachable",
          "attention rows are highlighted")
    check("Open notebooks" in text and 'id="notebooks"' in page, "report.html has a notebooks section")
    check('<tr class="incomplete" data-notebooks-server="nb-quiet">' in page,
          "report.html flags the server whose notebooks were not read")
    check('<span class="tag stale">stale</span>' in page and '<span class="tag busy">busy</span>' in page,
          "report.html names the busy and the stale notebook")
    svgs = [ET.fromstring(match) for match in re.findall(r"<svg\b.*?</svg>", page, flags=re.S)]
    check(len(svgs) == 2, "two SVG charts")
    bars = [svg for svg in svgs if svg.get("id") == "jobs-per-server"]
    if bars:
        groups = [g for g in bars[0].iter(SVG + "g") if g.get("class") == "bar-group"]
        check([g.get("data-server") for g in groups] == [e["name"] for e in report["servers"]],
              "one bar group per server, in order")
        for group, entry in zip(groups, report["servers"]):
            kinds = sorted(rect.get("class") for rect in group.iter(SVG + "rect"))
            check(kinds == (["active", "completed", "failed"] if entry["reachable"] else []),
                  "bars of %s: %s" % (entry["name"], kinds))
    timeline = [svg for svg in svgs if svg.get("id") == "job-starts"]
    if timeline:
        rects = list(timeline[0].iter(SVG + "rect"))
        check(len(rects) == len(report["timeline"]["starts"]), "one timeline bar per bucket")


def check_report(work):
    directory = os.path.join(work, "report")
    check(sorted(os.listdir(directory)) == sorted(REPORT_FILES), "the report directory has exactly the four files: %s"
          % sorted(os.listdir(directory)))
    with open(os.path.join(directory, "report.json"), encoding="utf-8") as handle:
        report = json.load(handle)
    check(report["schema_version"] == "2.1", "schema version 2.1")
    states = {name: _state(work, name) for name in EMULATORS}
    expected_all = _check_json(report, states)
    expected_notebooks_figures = _check_notebooks(report, states, _epoch_ms(report["window"]["end"]))
    _check_csvs(directory, report, expected_all)
    _check_notebooks_csv(directory, expected_notebooks_figures)
    _check_html(directory, report)
    print("structural SVG check done")


def check_secrets(work, logs):
    with open(os.path.join(work, "secrets.json"), encoding="utf-8") as handle:
        secrets = json.load(handle)
    directory = os.path.join(work, "report")
    paths = [os.path.join(directory, name) for name in os.listdir(directory)] + list(logs)
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        for secret in secrets:
            check(secret not in text, "a secret is in %s" % path)
    recap = {}
    for path in logs:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                match = re.match(r"^(\S+)\s+:\s+ok=\d+.*?unreachable=(\d+)\s+failed=(\d+)", line)
                if match:
                    recap[match.group(1)] = (int(match.group(2)), int(match.group(3)))
    # Every task runs on the controller (one as the first server host, delegated): unreachable servers are findings
    # of the report, not failed or unreachable hosts.
    check("localhost" in recap and set(recap) <= {"localhost", "nb-busy"},
          "the controller, and the first server host of a limit that leaves localhost out, are in the play recap: %s"
          % recap)
    check(all(value == (0, 0) for value in recap.values()), "no host failed or was unreachable: %s" % recap)


def _png_pixels(path):
    """RGB(A) rows of an 8-bit, non-interlaced PNG (what Chromium writes), with the standard library only."""
    with open(path, "rb") as handle:
        data = handle.read()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "%s is a PNG" % path)
    position, idat = 8, []
    width = height = channels = 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _compression, _filter, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or interlace or colour not in (2, 6):
                raise ValueError("unsupported PNG: depth %d, colour type %d, interlace %d" % (depth, colour, interlace))
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        position += 12 + length
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    previous = bytearray(stride)
    rows = []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            upper_left = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                estimate = left + up - upper_left
                distances = (abs(estimate - left), abs(estimate - up), abs(estimate - upper_left))
                line[x] = (line[x] + (left, up, upper_left)[distances.index(min(distances))]) & 0xFF
        rows.append(bytes(line))
        previous = line
    return rows, channels


def check_screenshot(png_path):
    """Each bar colour of the chart covers more than its legend swatch: the SVG was really drawn."""
    rows, channels = _png_pixels(png_path)
    wanted = {"active": (0x25, 0x63, 0xEB), "completed": (0x16, 0xA3, 0x4A), "failed": (0xDC, 0x26, 0x26)}
    counts = {name: 0 for name in wanted}
    background = 0
    for row in rows:
        for x in range(0, len(row), channels):
            pixel = tuple(row[x:x + 3])
            if pixel[0] > 240 and pixel[1] > 240 and pixel[2] > 240:
                background += 1
                continue
            for name, colour in wanted.items():
                if all(abs(a - b) <= 6 for a, b in zip(pixel, colour)):
                    counts[name] += 1
    total = sum(len(row) // channels for row in rows)
    check(background < total * 0.98, "the screenshot is not blank")
    # A legend swatch is about 12 x 12 pixels; a bar of a few jobs is far larger.
    for name, count in counts.items():
        check(count > 400, "the %s bars are drawn in the screenshot (%s pixels of that colour)" % (name, count))
    print("screenshot pixels per bar colour: %s" % counts)


def main(argv):
    command, work = argv[1], argv[2]
    if command == "inventory":
        inventory(work)
        return 0
    if command == "transient-fault":
        quiet = EmulatorControl.from_start_line(_state(work, "quiet"))
        quiet.inject_fault("http_503", count=1, path="system/jobs")
        quiet.inject_fault("http_503", probability=1, path="admin/notebooks$")
        return 0
    if command == "check":
        check_report(work)
        quiet = EmulatorControl.from_start_line(_state(work, "quiet"))
        check(not [fault for fault in quiet.faults() if "system/jobs" in str(fault.get("path"))],
              "the quiet emulator's transient fault was used (and retried)")
    elif command == "secrets":
        check_secrets(work, argv[3:])
    elif command == "screenshot":
        check_screenshot(argv[3])
    for failure in failures:
        print("FAILED: %s" % failure, file=sys.stderr)
    if not failures:
        print("%s: all checks passed" % command)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
