# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""report.html: self-contained, escaped, with well-formed SVG charts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.report import ServerAudit, build_report
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.audit.html import (
    bar_chart_svg,
    render_html,
    timeline_svg,
)
from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.audit_samples import (
    WINDOW,
    fleet,
    job,
    server,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script>&"\''


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.attributes = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


def _parse(page):
    collector = _Collector()
    collector.feed(page)
    collector.close()
    return collector


def _svgs(page):
    return [ET.fromstring(match) for match in re.findall(r"<svg\b.*?</svg>", page, flags=re.S)]


def test_page_is_self_contained():
    page = render_html(build_report(fleet(), WINDOW, 7200.0))
    parsed = _parse(page)
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    for name, value in parsed.attributes:
        assert name not in ("src", "href"), (name, value)
    assert "url(" not in page and "@import" not in page
    assert "Content-Security-Policy" in page


def test_page_shows_every_server_and_its_numbers():
    report = build_report(fleet(), WINDOW, 7200.0)
    text = " ".join(_parse(render_html(report)).text)
    for entry in report["servers"]:
        assert entry["name"] in text
    assert "unreachable: connection refused" in text
    assert "2 stuck jobs; 1 failed job in the window" in text


def test_attention_rows_are_highlighted():
    page = render_html(build_report(fleet(), WINDOW, 7200.0))
    assert '<tr class="stuck" data-server="nb-busy">' in page
    assert '<tr class="unreachable" data-server="nb-down">' in page
    assert '<tr class="" data-server="nb-quiet">' in page


def test_everything_from_servers_is_escaped():
    hostile = server(HOSTILE, HOSTILE, [job("j1", "active", 1, owner=HOSTILE, job_type=HOSTILE)])
    down = ServerAudit(name="down" + HOSTILE, url="u", reachable=False, error=HOSTILE)
    page = render_html(build_report([hostile, down], WINDOW, 60.0))
    assert "<script>" not in page
    assert "script" not in _parse(page).tags
    assert page.count("&lt;script&gt;") >= 6
    for svg in _svgs(page):
        ET.tostring(svg)  # the escaped names keep the SVG well-formed XML


def test_bar_chart_has_one_group_per_server_with_three_bars():
    report = build_report(fleet(), WINDOW, 7200.0)
    svg = ET.fromstring(bar_chart_svg(report["servers"]))
    groups = svg.findall(SVG + "g")
    assert [group.get("data-server") for group in groups] == ["nb-quiet", "nb-busy", "nb-down"]
    busy_bars = {rect.get("class"): float(rect.get("width")) for rect in groups[1].findall(SVG + "rect")}
    assert set(busy_bars) == {"active", "completed", "failed"}
    # nb-busy has the most jobs (3 + 1 + 1), so its bars fill the whole chart width.
    assert round(sum(busy_bars.values())) == 520
    assert groups[2].findall(SVG + "rect") == []


def test_timeline_has_one_bar_per_bucket():
    report = build_report(fleet(), WINDOW, 7200.0)
    svg = ET.fromstring(timeline_svg(report["timeline"]))
    bars = svg.find(SVG + "g").findall(SVG + "rect")
    assert len(bars) == 24
    titles = [rect.find(SVG + "title").text for rect in bars]
    assert titles[-1].endswith(": 3 started")


def test_html_svgs_parse_as_xml():
    page = render_html(build_report(fleet(), WINDOW, 7200.0))
    assert [svg.get("id") for svg in _svgs(page)] == ["jobs-per-server", "job-starts"]


def test_empty_fleet_renders():
    page = render_html(build_report([], WINDOW, None))
    assert "No active jobs." in page
    assert len(_svgs(page)) == 2
