"""The transport and the calls every emulator's control API shares (state, log, reset, faults, clock, tokens).

The Notebook Server's client (control.EmulatorControl) and the Portal's (portal.control.PortalControl)
add what only their product has.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.parse
import urllib.request


class ControlApiError(RuntimeError):
    """A control call answered with an HTTP error status (in .status)."""

    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__("control API answered %d: %s" % (status, message))


class ControlClient:
    """JSON over HTTPS to <origin>/_emulator with the X-Control-Secret header."""

    def __init__(self, control_url: str, secret: str, ca_path: str | None = None, timeout: float = 60.0):
        self.control_url = control_url.rstrip("/")
        self.secret = secret
        self.timeout = timeout
        self._ssl = ssl.create_default_context(cafile=ca_path) if ca_path else None

    @classmethod
    def from_start_line(cls, start_line: dict):
        return cls(start_line["control_url"], start_line["control_secret"], start_line.get("ca_path"))

    @classmethod
    def from_state_file(cls, path: str):
        with open(path, encoding="utf-8") as handle:
            return cls.from_start_line(json.load(handle))

    def call(self, method: str, path: str, body: dict | None = None, query: dict | None = None):
        url = self.control_url + "/" + path.lstrip("/")
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={
            "X-Control-Secret": self.secret, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self._ssl) as response:
                payload = response.read()
        except urllib.error.HTTPError as exc:
            raise ControlApiError(exc.code, exc.read().decode("utf-8", "replace")) from None
        return json.loads(payload) if payload else None

    # ----- state, log, reset -----

    def state(self) -> dict:
        return self.call("GET", "state")

    def requests(self, since: int = 0) -> list:
        """Request log entries (seq > since), oldest first."""
        return self.call("GET", "requests", query={"since": since} if since else None)

    def clear_requests(self) -> None:
        self.call("DELETE", "requests")

    def reset(self) -> dict:
        return self.call("POST", "reset")

    # ----- faults -----

    def inject_fault(self, kind: str, count: int | None = None, probability: float | None = None,
                     path: str | None = None, **params) -> dict:
        """One fault (see docs/emulator.md for kinds and params such as status, seconds, retry_after)."""
        spec = {"kind": kind, "count": count, "probability": probability, "path": path, **params}
        return self.call("POST", "faults", {key: value for key, value in spec.items() if value is not None})["faults"][0]

    def faults(self) -> list:
        return self.call("GET", "faults")

    def clear_faults(self) -> None:
        self.call("DELETE", "faults")

    # ----- clock, tokens -----

    def set_time_scale(self, time_scale: float) -> dict:
        return self.call("POST", "clock", {"time_scale": time_scale})

    def advance_clock(self, seconds: float) -> dict:
        """Jump emulated time forward (jobs move on, tokens expire) without sleeping."""
        return self.call("POST", "clock", {"advance_seconds": seconds})

    def set_clock_offset(self, seconds: float) -> dict:
        """Emulated time = host time + seconds (negative: behind the host), e.g. for a skewed Date header."""
        return self.call("POST", "clock", {"offset_seconds": seconds})

    def expire_tokens(self) -> int:
        return self.call("POST", "tokens/expire")["expired"]

    def expire_tokens_after_uses(self, uses: int | None) -> None:
        """Every current and future token works `uses` more times (None: no limit)."""
        self.call("POST", "tokens/expire-after-uses", {"uses": uses})
