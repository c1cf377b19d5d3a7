# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The counts and list positions servers send, read leniently: one reading for jobs, notebooks and Portal lists."""

from __future__ import annotations

import pytest

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.counts import read_count, read_integer

LENIENT = [
    (151, 151), (151.0, 151), ("151", 151), ("151.0", 151), ("1,151", 1151), ("1 151", 1151), ("1_151", 1151),
    ("1\u00a0151", 1151), (10 ** 12, 10 ** 12), (0, 0),
]
UNUSABLE = [
    (float("inf"), None), ("1e999", None), (1.5, None), ("12.5", None), ("many", None), ("x", None), (True, None),
    (False, None), (None, None), ([], None),
]


@pytest.mark.parametrize("sent, read", LENIENT + UNUSABLE + [(-3, None), ("-1", None)])
def test_a_count_is_read_leniently_and_an_unusable_or_negative_one_is_none(sent, read):
    assert read_count(sent) == read


@pytest.mark.parametrize("sent, read", LENIENT + UNUSABLE + [(-1, -1), ("-1", -1), (-3.0, -3)])
def test_a_position_may_be_negative(sent, read):
    # A Portal's nextStart is -1 on the last page.
    assert read_integer(sent) == read
