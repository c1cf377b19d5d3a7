"""A small client of the control API for tests (standard library only).

    control = EmulatorControl.from_state_file("emulator.json")
    job_id = control.add_active_job()
    control.inject_fault("http_503", count=2, path="system/jobs")
    control.finish_job(job_id)
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
