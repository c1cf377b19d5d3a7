"""A client of the emulated Portal's control API for tests (standard library only).

    portal = PortalControl.from_state_file("portal.json")
    server = portal.register_server(state_file="server.json")        # lists it and federates it
    task_id = portal.add_task(every_minutes=15, owner="nbuser")
    run = portal.run_task(task_id)                                    # a job with inputs.taskId on the server
    portal.fail_task_operations(task_id, ["disable"])                 # the next disable answers an error
"""

from __future__ import annotations

import json
import ssl
import urllib.parse
import urllib.request

from ..control_client import ControlApiError, ControlClient

__all__ = ["ControlApiError", "PortalControl", "portal_token"]


def portal_token(start_line: dict, referer: str, who: str = "admin", expiration_minutes: int = 60) -> str:
    """A Portal token (client=referer) of the Portal's administrator or plain user, as a person would make one."""
    account = start_line[who]
    data = urllib.parse.urlencode({"username": account["username"], "password": account["password"],
                                   "client": "referer", "referer": referer, "expiration": expiration_minutes,
                                   "f": "json"}).encode()
    request = urllib.request.Request(start_line["url"] + "/sharing/rest/generateToken", data=data, method="POST")
    context = ssl.create_default_context(cafile=start_line["ca_path"]) if start_line.get("ca_path") else None
    with urllib.request.urlopen(request, context=context, timeout=30) as response:
        return json.load(response)["token"]


class PortalControl(ControlClient):
    """The Portal emulator's control API (see docs/emulator.md)."""

    # ----- federated servers -----

    def register_server(self, state_file: str | None = None, start_line: dict | None = None, **listing) -> dict:
        """Federate an emulated Notebook Server (its launcher state file or start line) and list it.

        listing overrides what portals/self/servers shows: server_type, server_role, server_function, name,
        url, admin_url, admin_public_url, is_hosted, id.
        """
        spec = {"state_file": state_file, "start_line": start_line, **listing}
        return self.call("POST", "servers", {key: value for key, value in spec.items() if value is not None})["servers"][0]

    def add_fictitious_server(self, url: str, **listing) -> dict:
        """A server that is only listed (another type, or a Notebook Server nobody can reach)."""
        return self.call("POST", "servers", {"url": url, **listing})["servers"][0]

    def servers(self) -> list:
        return self.call("GET", "servers")["servers"]

    def server(self, server_id: str) -> dict:
        return self.call("GET", "servers/%s" % server_id)

    def remove_server(self, server_id: str) -> dict:
        """Unlist a server (an emulated one also stops trusting this Portal's tokens)."""
        return self.call("DELETE", "servers/%s" % server_id)

    def set_server_reachable(self, server_id: str, reachable: bool) -> dict:
        """An unreachable server makes every task run on it fail (the server itself keeps working)."""
        return self.call("POST", "servers/%s/reachable" % server_id, {"reachable": reachable})

    def set_server_list(self, admin_url_key: str | None = None, admin_public_url: bool | None = None) -> dict:
        """How portals/self/servers looks: adminUrl | adminURL | both, and whether adminPublicUrl is listed."""
        return self.call("POST", "server-list", {"admin_url_key": admin_url_key, "admin_public_url": admin_public_url})

    # ----- scheduled tasks -----

    def add_tasks(self, specs: list) -> list:
        return self.call("POST", "tasks", {"tasks": specs})["task_ids"]

    def add_task(self, **spec) -> str:
        """A task (keys in docs/emulator.md: every_minutes, owner, server, start, max_occurrences, ...)."""
        return self.add_tasks([spec])[0]

    def tasks(self) -> list:
        return self.call("GET", "tasks")["tasks"]

    def task(self, task_id: str) -> dict:
        return self.call("GET", "tasks/%s" % task_id)

    def run_task(self, task_id: str) -> dict:
        """Run it now, whatever its schedule or state; answers the run (ok, job_id, server_id, error)."""
        return self.call("POST", "tasks/%s/run" % task_id)

    def task_runs(self, task_id: str) -> list:
        return self.call("GET", "tasks/%s/runs" % task_id)["runs"]

    def runs(self) -> list:
        """Every run of every task, oldest first."""
        return self.call("GET", "runs")["runs"]

    def fail_task_operations(self, task_id: str, operations: tuple = ("disable", "enable"), count: int | None = 1,
                             code: int = 500, message: str = "") -> dict:
        """The next `count` (None: every) disable/enable calls of this task answer an error and change nothing."""
        return self.call("POST", "tasks/%s/operation-faults" % task_id,
                         {"operations": list(operations), "count": count, "code": code, "message": message})

    def clear_task_operation_faults(self, task_id: str | None = None) -> None:
        self.call("DELETE", "tasks/%s/operation-faults" % task_id if task_id else "operation-faults")

    def operation_faults(self) -> dict:
        return self.call("GET", "operation-faults")
