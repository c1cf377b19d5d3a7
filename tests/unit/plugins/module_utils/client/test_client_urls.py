# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The site and Portal URL forms users type, and the ones refused."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import OptionError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.urls import (
    ADMIN_API,
    SHARING_API,
    api_url,
    normalize_portal_url,
    normalize_site_url,
)

ROOT = "https://nb.example.com:11443/arcgis"


@pytest.mark.parametrize("typed", [
    "https://nb.example.com:11443/arcgis",
    "https://nb.example.com:11443/arcgis/",
    "https://nb.example.com:11443/arcgis//",
    "https://nb.example.com:11443/arcgis/admin",
    "https://nb.example.com:11443/arcgis/admin/",
    "https://nb.example.com:11443/arcgis/admin/system/jobs",
    "https://nb.example.com:11443/arcgis/rest/info/healthcheck",
    "HTTPS://NB.Example.COM:11443/arcgis",
    "  https://nb.example.com:11443/arcgis  ",
    "https://nb.example.com:11443",
    "https://nb.example.com:11443/",
    "https://nb.example.com:11443/admin",
])
def test_site_forms_mean_one_site(typed):
    assert normalize_site_url(typed) == ROOT


@pytest.mark.parametrize("typed, expected", [
    ("https://gis.example.com/notebooks", "https://gis.example.com/notebooks"),
    ("https://gis.example.com/notebooks/", "https://gis.example.com/notebooks"),
    ("https://gis.example.com:443/notebooks/admin", "https://gis.example.com/notebooks"),
    ("http://gis.example.com:80/nb", "http://gis.example.com/nb"),
    ("https://gis.example.com:8443/notebooks", "https://gis.example.com:8443/notebooks"),
    ("https://[::1]:11443/arcgis/", "https://[::1]:11443/arcgis"),
    ("https://gis.example.com/NoteBooks/Admin", "https://gis.example.com/NoteBooks"),
])
def test_web_adaptor_roots_keep_their_context(typed, expected):
    assert normalize_site_url(typed) == expected


@pytest.mark.parametrize("typed, words", [
    (None, "url is required"),
    ("", "url is required"),
    ("   ", "url is required"),
    ("nb.example.com:11443/arcgis", "http:// or https://"),
    ("ftp://nb.example.com/arcgis", "http:// or https://"),
    ("https:///arcgis", "http:// or https://"),
    ("https://nb.example.com:99999/arcgis", "not a valid URL"),
    ("https://nb.example.com/arcgis?token=abc", "query string"),
    ("https://nb.example.com/arcgis#frag", "query string"),
    (42, "url is required"),
])
def test_bad_urls_are_option_errors(typed, words):
    with pytest.raises(OptionError) as caught:
        normalize_site_url(typed)
    assert words in str(caught.value)


def test_credentials_in_the_url_are_refused_without_echoing_them():
    with pytest.raises(OptionError) as caught:
        normalize_site_url("https://admin:Hunter2Secret@nb.example.com:11443/arcgis")
    assert "Hunter2Secret" not in str(caught.value)
    assert "credentials" in str(caught.value)


@pytest.mark.parametrize("typed", [
    "https://portal.example.com/portal",
    "https://portal.example.com/portal/",
    "https://portal.example.com/portal/home",
    "https://portal.example.com/portal/home/index.html",
    "https://portal.example.com/portal/sharing/rest",
    "https://Portal.example.com:443/portal/sharing/rest/generateToken",
])
def test_portal_forms(typed):
    assert normalize_portal_url(typed) == "https://portal.example.com/portal"


def test_portal_option_name_in_errors():
    with pytest.raises(OptionError) as caught:
        normalize_portal_url("portal.example.com")
    assert "portal_url" in str(caught.value)


def test_api_url():
    assert api_url(ROOT, ADMIN_API, "system/jobs") == ROOT + "/admin/system/jobs"
    assert api_url(ROOT, ADMIN_API, "/mode") == ROOT + "/admin/mode"
    assert api_url("https://p/portal", SHARING_API, "portals/self/servers") == \
        "https://p/portal/sharing/rest/portals/self/servers"
