# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every page of a Portal list (``start``, ``num``, ``total``, ``nextStart``): its records, and whether any went unread.

A Portal list answers ``{"total": N, "start": S, "num": n, "nextStart": S2, "<key>": [...]}`` with
``nextStart`` -1 on the last page. A list is complete only when every page was read, the Portal's ``total``
stayed the same from the first page to the last, and exactly that many records came back: anything else
(no usable ``total``, a ``nextStart`` that does not move on, items that are not records, a list that changed
while it was read) is said to be incomplete, with the reason. Each page after the first starts one place
early, on the last record already read: a page that does not begin with it has shifted (one record gone and
another come between the reads leave the total as it was, and a record unread).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.client.errors import BadResponseError
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.portal.client import portal_error
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.counts import read_integer
from ansible_collections.gisadmin.notebook_server.plugins.module_utils.text import plural, shorten

# The most records a Portal sends per page; asking for more gets no more.
PAGE_SIZE = 100
# A list longer than this many pages is read in part and said to be incomplete (100,000 records at 100 a page).
MAX_PAGES = 1000
LAST_PAGE = -1


@dataclass
class PortalListing:
    """The records of a list as they came (only JSON objects), the Portal's count, and whether nothing is missing."""

    records: List[Dict[str, Any]]
    total: Optional[int]
    complete: bool
    requests: int
    incomplete_reason: Optional[str] = None


def _next_start(answer: Mapping[str, Any], start: int, received: int, total: Optional[int]) -> Optional[int]:
    """Where the next page starts, LAST_PAGE after the last one, None when the answer does not say usably."""
    if "nextStart" not in answer:
        # Without nextStart only the total tells whether more follow.
        if total is None:
            return None
        return start + received if received and start - 1 + received < total else LAST_PAGE
    value = read_integer(answer.get("nextStart"))
    if value == LAST_PAGE:
        return LAST_PAGE
    if value is None or value <= start:
        return None
    return value


def read_pages(client: Any, path: str, key: str, params: Optional[Mapping[str, Any]] = None,
               page_size: int = PAGE_SIZE, max_pages: int = MAX_PAGES, id_key: str = "id") -> PortalListing:
    """Every page of the list at ``path`` (records under ``key``), asked for ``page_size`` at a time.

    Records met twice (the list moved while it was read) are kept once, by ``id_key``.
    """
    records: List[Dict[str, Any]] = []
    seen = set()
    totals: List[int] = []
    odd = 0
    requests = 0
    start = 1
    reason: Optional[str] = None
    last_id: Optional[str] = None  # of the last record read, when the next page starts on it
    while True:
        answer = client.get_json(path, dict(params or {}, start=start, num=page_size))
        requests += 1
        if not isinstance(answer, dict) or not isinstance(answer.get(key), list):
            raise portal_error(BadResponseError("the answer of %s has no %s list; is portal_url the Portal root, e.g. "
                                                "https://gis.example.com/portal?" % (path, key)), client)
        page = answer[key]
        if last_id is not None and page and reason is None and (
                page[0].__class__ is not dict or page[0].get(id_key) != last_id):
            reason = ("the list changed while it was read (the page at start=%d did not begin with %s, the last "
                      "record read before)" % (start, last_id))
        total = read_integer(answer.get("total"))
        if total is None or total < 0:
            sent = answer.get("total")
            reason = reason or ("the answer has no usable total (%s), so the list is not known to be complete"
                                % ("none sent" if sent is None else "got %s" % shorten(repr(sent), 40)))
            total = None
        else:
            totals.append(total)
        for item in page:
            if item.__class__ is not dict:
                odd += 1
                continue
            identity = item.get(id_key)
            if isinstance(identity, str):
                if identity in seen:
                    continue
                seen.add(identity)
            records.append(item)
        following = _next_start(answer, start, len(page), total)
        if following == LAST_PAGE:
            break
        if following is None:
            reason = reason or ("the page at start=%d has no usable nextStart (got %s), so the pages after it were "
                                "not read" % (start, shorten(repr(answer.get("nextStart")), 40)))
            break
        if not page:
            reason = reason or "the page at start=%d is empty but says more follow" % start
            break
        if requests >= max_pages:
            reason = reason or "the list is longer than %d pages; the rest was not read" % max_pages
            break
        tail = page[-1]
        # One place early, when that still moves on (a page of one record would be read for ever).
        overlap = following - 1 > start and tail.__class__ is dict and isinstance(tail.get(id_key), str)
        if not overlap and reason is None and tail.__class__ is dict:
            reason = ("the page at start=%d holds one record, so whether the list changed before the next page "
                      "cannot be seen" % start)
        last_id = tail.get(id_key) if overlap else None
        start = following - 1 if overlap else following
    if odd:
        reason = "%s of the list %s not a record" % (plural(odd, "item"), "is" if odd == 1 else "are")
    elif reason is None and len(set(totals)) > 1:
        reason = "the list changed while it was read (its total went from %d to %d)" % (totals[0], totals[-1])
    elif reason is None and totals and len(records) != totals[-1]:
        reason = "the Portal counts %d and %d came back" % (totals[-1], len(records))
    final_total = totals[-1] if totals else None
    return PortalListing(records, final_total, reason is None, requests, reason)
