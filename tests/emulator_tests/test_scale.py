"""100,000 jobs: the generator loads them quickly and the whole detailed list is served in one request.

Timings are printed, not asserted: a loaded CI machine must not make this flaky.
"""

from __future__ import annotations

import json
import time

from conftest import REFERER

JOBS = 100_000


def test_one_hundred_thousand_detailed_jobs(start_emulator):
    began = time.monotonic()
    emulator = start_emulator("--generate-jobs", str(JOBS), timeout=90)
    started = time.monotonic() - began
    token = emulator.token()
    timings = []
    for _attempt in range(2):
        began = time.monotonic()
        answer = emulator.session.post(emulator.admin_url + "/system/jobs", verify=emulator.verify, timeout=120,
                                       headers={"Referer": REFERER},
                                       data={"f": "json", "token": token, "detail": "true", "num": str(JOBS)})
        body = answer.content
        timings.append(time.monotonic() - began)
        document = json.loads(body)
        assert document["total"] == JOBS and len(document["asyncJobs"]) == JOBS
        assert len({job["jobId"] for job in document["asyncJobs"]}) == JOBS
    statuses = {job["status"] for job in document["asyncJobs"]}
    assert {"COMPLETED", "FAILED", "PROCESSING"} <= statuses
    print("\n100,000 jobs: start %.2f s, detailed list %.1f MB in %s s"
          % (started, len(body) / 1e6, ", ".join("%.2f" % t for t in timings)))
    # The abbreviated default still truncates to 100.
    assert len(emulator.jobs(token)["asyncJobs"]) == 100


NOTEBOOKS = 5_000


def test_thousands_of_notebooks_page_quickly(start_emulator):
    began = time.monotonic()
    emulator = start_emulator("--generate-notebooks", str(NOTEBOOKS), "--notebook-setting", "next_start=true")
    started = time.monotonic() - began
    assert emulator.info["notebooks"] == NOTEBOOKS
    token = emulator.token()
    began = time.monotonic()
    ids, start, pages = [], 1, 0
    while start != -1:
        page = emulator.admin("notebooks", token, start=str(start), num="100")
        assert page["total"] == NOTEBOOKS and len(page["notebooks"]) <= 100
        ids.extend(record["id"] for record in page["notebooks"])
        start, pages = page["nextStart"], pages + 1
    paged = time.monotonic() - began
    assert pages == NOTEBOOKS // 100 and len(set(ids)) == NOTEBOOKS
    containers = emulator.admin("system/containers", token)["containers"]
    assert len(containers) == 40  # one per generated user
    began = time.monotonic()
    sessions = sum(len(emulator.admin("system/containers/%s/sessions" % container["id"], token)["sessions"])
                   for container in containers)
    assert sessions == NOTEBOOKS
    print("\n5,000 notebooks: start %.2f s, %d pages of 100 in %.2f s (%.1f ms a page), 40 containers' sessions in %.2f s"
          % (started, pages, paged, paged * 1000 / pages, time.monotonic() - began))
