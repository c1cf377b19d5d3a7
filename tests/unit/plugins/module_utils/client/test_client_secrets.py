# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one redaction: known secrets, credentials in URLs, token=/password: assignments."""

from __future__ import annotations

import json

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.secrets import MASK, public_url, redact


def test_public_url_drops_userinfo_and_query():
    assert public_url("https://admin:pw@nb:11443/arcgis/?token=abc#x") == "https://nb:11443/arcgis/"
    assert public_url(None) == ""


def test_redact_masks_secrets_everywhere():
    text = redact("failed https://admin:pw@nb/arcgis?token=abc123&f=json: bad password s3cr3t-Pa55 (token tok-XYZ)",
                  ["s3cr3t-Pa55", "tok-XYZ", ""])
    assert "pw@" not in text and "abc123" not in text and "s3cr3t" not in text and "tok-XYZ" not in text
    assert "token=%s&f=json" % MASK in text


def test_redact_masks_json_and_form_assignments_of_unknown_values():
    text = redact('{"token": "zzz-unknown", "password":"hunter2"} and passwd=abc; access_token: q1')
    for secret in ("zzz-unknown", "hunter2", "abc", "q1"):
        assert secret not in text


def test_a_secret_that_contains_another_is_masked_whole():
    assert redact("value ab-cd-ef here", ["cd", "ab-cd-ef"]) == "value %s here" % MASK


def test_a_secret_with_a_quote_and_a_letter_not_ascii_is_masked_in_json_text_of_either_kind():
    secret = 'Mü"ller'
    for text in (json.dumps({"msg": "login as " + secret}), json.dumps({"msg": "login as " + secret}, ensure_ascii=False)):
        assert "ller" not in redact(text, [secret]), text
