"""A Notebook Server's federation with an emulated Portal: the Portal vouches for its tokens, one request each.

A real federated server accepts tokens its Portal issued. Here the Portal is asked, over its
federation endpoint and with the federation key both processes were given, whether a token is
valid for this referer (or IP) and whose it is. The Portal judges on its own clock, so its token
expiry, revocation and restarts are what the server sees; tokens of another Portal are unknown
to this one and so invalid (498).
"""

from __future__ import annotations

import dataclasses
import json
import ssl
import urllib.error
import urllib.request

FEDERATION_KEY_HEADER = "X-Federation-Key"
VALIDATE_TIMEOUT_SECONDS = 10.0


class PortalUnreachable(Exception):
    """The Portal did not answer a validation request (down, refused, or a bad answer)."""


@dataclasses.dataclass(frozen=True)
class PortalVerdict:
    valid: bool
    username: str = ""
    role: str = ""  # "admin" or "user", as the Portal sees the token's owner
    client: str = ""
    bound_to: str = ""
    message: str = ""


@dataclasses.dataclass
class PortalFederation:
    portal_url: str
    portal_id: str
    validate_url: str
    federation_key: str
    ca_path: str | None = None

    def describe(self) -> dict:
        """What the control API shows: everything but the key."""
        return {"federated": True, "portal_url": self.portal_url, "portal_id": self.portal_id,
                "validate_url": self.validate_url, "ca_path": self.ca_path}

    def validate(self, token: str, referer: str | None, client_ip: str) -> PortalVerdict:
        body = json.dumps({"token": token, "referer": referer or "", "client_ip": client_ip}).encode("utf-8")
        request = urllib.request.Request(self.validate_url, data=body, method="POST", headers={
            FEDERATION_KEY_HEADER: self.federation_key, "Content-Type": "application/json"})
        context = ssl.create_default_context(cafile=self.ca_path) if self.ca_path else None
        try:
            with urllib.request.urlopen(request, timeout=VALIDATE_TIMEOUT_SECONDS, context=context) as response:
                answer = json.load(response)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise PortalUnreachable(str(exc)) from None
        if not isinstance(answer, dict) or "valid" not in answer:
            raise PortalUnreachable("the Portal's validation answer has no verdict")
        if not answer["valid"]:
            return PortalVerdict(valid=False, message=str(answer.get("message") or "Invalid token."))
        return PortalVerdict(valid=True, username=str(answer["username"]), role=str(answer["role"]),
                             client=str(answer["client"]), bound_to=str(answer["bound_to"]))


def federation_from_dict(data: dict) -> PortalFederation:
    missing = [key for key in ("portal_url", "validate_url", "federation_key") if not data.get(key)]
    if missing:
        raise ValueError("federation needs %s" % ", ".join(missing))
    return PortalFederation(portal_url=str(data["portal_url"]), portal_id=str(data.get("portal_id") or ""),
                            validate_url=str(data["validate_url"]), federation_key=str(data["federation_key"]),
                            ca_path=data.get("ca_path") or None)
