"""The two error envelopes ArcGIS servers send (usually with HTTP 200)."""

from __future__ import annotations

import json

FORM_A = "A"  # classic Server admin: {"status": "error", "messages": [...], "code": N}
FORM_B = "B"  # REST: {"error": {"code": N, "message": "...", "details": [...]}}

TOKEN_REQUIRED = 499
INVALID_TOKEN = 498
FORBIDDEN = 403
BAD_REQUEST = 400
NOT_FOUND = 404
METHOD_NOT_ALLOWED = 405

STANDARD_MESSAGES = {
    TOKEN_REQUIRED: "Token Required.",
    INVALID_TOKEN: "Invalid token.",
    FORBIDDEN: "You do not have permissions to access this resource or perform this operation.",
    NOT_FOUND: "Resource not found.",
    METHOD_NOT_ALLOWED: "Method not supported.",
}


class ApiError(Exception):
    """An error the emulated API answers with an envelope."""

    def __init__(self, code: int, message: str | None = None, details: list | None = None):
        self.code = code
        self.message = message or STANDARD_MESSAGES.get(code, "Error.")
        self.details = list(details or [])
        super().__init__("%d %s" % (code, self.message))


def error_document(error: ApiError, form: str) -> dict:
    if form == FORM_A:
        return {"status": "error", "messages": [error.message] + error.details, "code": error.code}
    return {"error": {"code": error.code, "message": error.message, "details": error.details}}


def error_body(error: ApiError, form: str) -> bytes:
    return json.dumps(error_document(error, form)).encode("utf-8")
