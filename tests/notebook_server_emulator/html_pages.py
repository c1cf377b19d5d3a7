"""HTML bodies: the default f=html answers, and the pages proxies and Web Adaptors send when things fail."""

from __future__ import annotations

import html
import json

_REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Timeout"}


def _page(title: str, body: str) -> bytes:
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>\n<body>\n%s\n</body></html>\n"
            % (html.escape(title), body)).encode("utf-8")


def reason(status: int) -> str:
    return _REASONS.get(status, "Error")


def gateway_error_page(status: int) -> bytes:
    text = "%d %s" % (status, reason(status))
    return _page(text, "<h1>%s</h1>\n<hr><p>nginx</p>" % html.escape(text))


def login_page(context: str) -> bytes:
    # What a Web Adaptor in front of a federated server answers when the session is gone.
    return _page("Sign In", (
        "<h1>ArcGIS Enterprise</h1>\n"
        "<form method=\"post\" action=\"/portal/sharing/oauth2/signin\">\n"
        "<input type=\"hidden\" name=\"redirect_uri\" value=\"%s\">\n"
        "<label>Username <input name=\"username\"></label>\n"
        "<label>Password <input name=\"password\" type=\"password\"></label>\n"
        "<button type=\"submit\">Sign In</button>\n</form>" % html.escape(context)))


def document_page(title: str, document: dict) -> bytes:
    """Any resource in the default html format: its JSON, readable."""
    return _page(title, "<h2>%s</h2>\n<pre>%s</pre>" % (html.escape(title), html.escape(json.dumps(document, indent=2))))


def jobs_page(jobs: list, total: int, detail: bool) -> bytes:
    columns = ["jobId", "type", "username", "startTime"] + (["status", "endTime"] if detail else [])
    rows = ["<tr>%s</tr>" % "".join("<th>%s</th>" % name for name in columns)]
    for record in jobs:
        rows.append("<tr>%s</tr>" % "".join("<td>%s</td>" % html.escape(str(record.get(name, ""))) for name in columns))
    return _page("Jobs", "<h2>Jobs</h2>\n<p>Total: %d</p>\n<table>\n%s\n</table>" % (total, "\n".join(rows)))


def web_server_not_found_page() -> bytes:
    """What the web server in front answers for a path outside any application (like Tomcat's page)."""
    return _page("HTTP Status 404 \u2013 Not Found",
                 "<h1>HTTP Status 404 \u2013 Not Found</h1>\n<hr>\n"
                 "<p><b>Type</b> Status Report</p>\n"
                 "<p><b>Description</b> The origin server did not find a current representation for the target "
                 "resource or is not willing to disclose that one exists.</p>")


def error_page(code: int, message: str) -> bytes:
    return _page("Error", "<h2>Error</h2>\n<p>Code: %d</p>\n<p>%s</p>" % (code, html.escape(message)))
