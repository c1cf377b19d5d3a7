# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures that give the core a fake server: every client it opens talks to it, and never really sleeps."""

from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.gisadmin.notebook_server.tests.unit.plugins.module_utils.fake_notebook_server import (
    FakeFleet,
    FakeNotebookServer,
    serve,
)


@pytest.fixture
def fake_server(monkeypatch: Any) -> FakeNotebookServer:
    """A fake site at fake_notebook_server.SITE; set its ``jobs``, ``mode``, scripts and faults in the test."""
    return serve(monkeypatch, FakeNotebookServer())


@pytest.fixture
def fake_fleet(monkeypatch: Any) -> FakeFleet:
    """Fake sites by URL: ``fake_fleet.add("https://nb1.example.com:11443/arcgis", jobs=[...])``."""
    return serve(monkeypatch, FakeFleet())
