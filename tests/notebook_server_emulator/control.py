"""A small client of the control API for tests (standard library only).

    control = EmulatorControl.from_state_file("emulator.json")
    job_id = control.add_active_job()
    control.inject_fault("http_503", count=2, path="system/jobs")
    control.finish_job(job_id)
    notebook = control.open_notebook(username="nbuser")
    control.make_kernel_busy(notebook["id"], seconds=600)
    assert not any(entry["secret_in_url"] for entry in control.requests())
"""

from __future__ import annotations

import json
import ssl
import urllib.parse
import urllib.request

from .control_client import ControlApiError, ControlClient

__all__ = ["ControlApiError", "EmulatorControl", "admin_token"]


def admin_token(start_line: dict, referer: str, expiration_minutes: int = 60) -> str:
    """A site administrator's token from the emulator's own generateToken, as an admin would make one by hand
    (for tests that hand the collection a ready token)."""
    data = urllib.parse.urlencode({"username": start_line["username"], "password": start_line["password"],
                                   "client": "referer", "referer": referer, "expiration": expiration_minutes,
                                   "f": "json"}).encode()
    request = urllib.request.Request(start_line["admin_url"] + "/generateToken", data=data, method="POST")
    context = ssl.create_default_context(cafile=start_line["ca_path"]) if start_line.get("ca_path") else None
    with urllib.request.urlopen(request, context=context, timeout=30) as response:
        return json.load(response)["token"]


class EmulatorControl(ControlClient):
    """The Notebook Server emulator's control API (see docs/emulator.md)."""

    # ----- jobs -----

    def add_jobs(self, specs: list, force: bool = False) -> list:
        """Add jobs (scenario job specs); returns their ids. Refused (409) while READ_ONLY unless force."""
        return self.call("POST", "jobs", {"jobs": specs, "force": force})["job_ids"]

    def add_job(self, **spec) -> str:
        return self.add_jobs([spec])[0]

    def add_active_job(self, **spec) -> str:
        """A job that runs until finish_job/fail_job/cancel (it never ends by itself)."""
        spec.setdefault("queued", 0)
        spec.setdefault("stuck", True)
        return self.add_job(**spec)

    def job(self, job_id: str) -> dict:
        return self.call("GET", "jobs/%s" % job_id)

    def job_ids(self) -> list:
        return self.call("GET", "jobs")["job_ids"]

    def finish_job(self, job_id: str, status: str = "COMPLETED") -> dict:
        """End the job now with this status (COMPLETED by default, or any string)."""
        return self.call("POST", "jobs/%s/finish" % job_id, {"status": status})

    def fail_job(self, job_id: str) -> dict:
        return self.call("POST", "jobs/%s/fail" % job_id)

    def stick_job(self, job_id: str) -> dict:
        """The job hangs in PROCESSING from now on."""
        return self.call("POST", "jobs/%s/stick" % job_id)

    def cancel_job(self, job_id: str) -> dict:
        return self.call("POST", "jobs/%s/cancel" % job_id)

    def request_cancel(self, job_id: str, seconds: float | None = None, running_status: str | None = None) -> dict:
        """isCancelled now while the job keeps running (as running_status) for `seconds`, or until ended (None)."""
        body = {"seconds": seconds}
        if running_status is not None:
            body["running_status"] = running_status
        return self.call("POST", "jobs/%s/request-cancel" % job_id, body)

    # ----- notebooks and kernels -----

    def open_notebooks(self, specs: list, force: bool = False) -> list:
        """Open notebooks (scenario notebook specs); returns their control views (id, itemId, containerId,
        sessionId, kernelId, ...). Refused (409) while READ_ONLY unless force."""
        return self.call("POST", "notebooks", {"notebooks": specs, "force": force})["notebooks"]

    def open_notebook(self, force: bool = False, **spec) -> dict:
        return self.open_notebooks([spec], force=force)[0]

    def notebooks(self) -> list:
        """Every open notebook with its kernel's state."""
        return self.call("GET", "notebooks")["notebooks"]

    def notebook(self, notebook_id: str) -> dict:
        return self.call("GET", "notebooks/%s" % notebook_id)

    def close_notebook(self, notebook_id: str) -> None:
        self.call("POST", "notebooks/%s/close" % notebook_id)

    def make_kernel_busy(self, notebook_id: str, seconds: float | None = None) -> dict:
        """The kernel runs a cell from now for `seconds` (then idle, last_activity then), or forever (None)."""
        return self.call("POST", "notebooks/%s/busy" % notebook_id, {"seconds": seconds})

    def touch_notebook(self, notebook_id: str) -> dict:
        """Activity now: the notebook's idle time starts again."""
        return self.call("POST", "notebooks/%s/touch" % notebook_id)

    def kill_kernel(self, notebook_id: str) -> dict:
        """The kernel dies: execution_state "dead", no connections."""
        return self.call("POST", "notebooks/%s/kill" % notebook_id)

    def set_kernel_state(self, notebook_id: str, execution_state: str, connections: int | None = None) -> dict:
        """Any execution_state string (idle, busy until told, starting, restarting, or one nobody documented)."""
        body: dict = {"execution_state": execution_state}
        if connections is not None:
            body["connections"] = connections
        return self.call("POST", "notebooks/%s/state" % notebook_id, body)

    def notebook_settings(self) -> dict:
        return self.call("GET", "notebook-settings")

    def set_notebook_settings(self, **settings) -> dict:
        """E.g. idle_notebook_threshold=30, close_operations="old", session_path="free", next_start=True."""
        return self.call("POST", "notebook-settings", settings)

    # ----- switches -----

    def switches(self) -> dict:
        return self.call("GET", "switches")

    def set_max_num(self, max_num: int | None) -> dict:
        """Cap every jobs list answer at max_num records (None: no cap); total still counts all."""
        return self.call("POST", "switches", {"max_num": max_num})

    # ----- mode, federation -----

    def set_site_mode(self, site_mode: str) -> None:
        self.call("POST", "mode", {"site_mode": site_mode})

    def federation(self) -> dict:
        """{"federated": false}, or the Portal this server trusts (portal_url, portal_id, validate_url, ca_path)."""
        return self.call("GET", "federation")

    def federate(self, portal_url: str, validate_url: str, federation_key: str, portal_id: str = "",
                 ca_path: str | None = None) -> dict:
        """Trust this Portal's tokens (a Portal's register_server does this for you)."""
        return self.call("POST", "federation", {"portal_url": portal_url, "validate_url": validate_url,
                                                "federation_key": federation_key, "portal_id": portal_id,
                                                "ca_path": ca_path})

    def unfederate(self) -> None:
        self.call("DELETE", "federation")

    # ----- a process serving many sites (--sites) -----

    def sites(self) -> list:
        """The sites of a --sites process (on the process's control_url): name, url, admin_url, context, control_url,
        seed, jobs."""
        return self.call("GET", "sites")["sites"]
