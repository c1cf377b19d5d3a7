# -*- coding: utf-8 -*-
# Copyright: contributors to gisadmin.notebook_server
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed exceptions of the Notebook Server core: each names the server and says what to do.

The core raises only these; a module turns them into ``fail_json(msg=str(exc))``,
a lookup into ``AnsibleError(str(exc))``. Messages never contain a password or a token.
"""

from __future__ import annotations

from typing import Optional

from ansible_collections.gisadmin.notebook_server.plugins.module_utils.text import one_line


class NotebookServerError(Exception):
    """Base class: ``server`` is the normalised site URL (or None before it is known)."""

    def __init__(self, message: str, server: Optional[str] = None, status: Optional[int] = None,
                 code: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.server = server
        self.status = status  # HTTP status, when there was a response
        self.code = code  # code from an Esri error envelope, when there was one
        self.product = "Notebook Server"  # or "Portal": what ``server`` is the address of
        self.envelope = False  # True when the server itself said so, in an Esri JSON error envelope
        self.resource: Optional[str] = None  # the admin path asked for (e.g. "system/jobs/j1"), or "generateToken"

    def __str__(self) -> str:
        if self.server:
            return "%s %s: %s" % (self.product, self.server, self.message)
        return self.message


class OptionError(NotebookServerError):
    """An option value that cannot work (bad URL, unknown duration, bad JMESPath, missing credentials)."""


class MissingLibraryError(NotebookServerError):
    """A Python library the core needs is not installed on the host that runs it."""

    def __init__(self, library: str, import_traceback: Optional[str] = None) -> None:
        super().__init__("the Python library %r is required but not installed" % library)
        self.library = library
        self.import_traceback = import_traceback


class AuthenticationError(NotebookServerError):
    """Credentials refused, token rejected twice, or a token required but not given (400 at generateToken, 401, 498, 499)."""


class PermissionDeniedError(NotebookServerError):
    """The account is known but may not do this (403): usually not an administrator of the site."""


class NotFoundError(NotebookServerError):
    """The resource does not exist (404): a wrong site URL or Web Adaptor context, or an unknown job id."""


class JobNotFoundError(NotFoundError):
    """The site answered, as a site, that it does not know this job: it never existed or was cleaned up."""


class ScheduledTaskNotFoundError(NotFoundError):
    """The Portal answered, for this task, that it has no such task of that owner: deleted, or another user's."""


class ServerError(NotebookServerError):
    """The server answered with an error that is none of the above (an envelope code or an HTTP 5xx that persisted)."""


class BadResponseError(NotebookServerError):
    """An answer that is not the JSON expected: an HTML login page, a proxy error page, a truncated body."""


class TransportError(NotebookServerError):
    """No usable answer: connection refused, DNS failure, timeout, connection reset."""


class TLSError(TransportError):
    """The server's certificate could not be verified, or the TLS handshake failed."""


class UnsupportedOperationError(NotebookServerError):
    """The server says an operation does not exist: it is older than the release that added it."""


class WriteOutcomeUnknownError(TransportError):
    """A non-idempotent request may have reached the server but no answer came back.

    Never repeat the write blindly: read the state it was meant to change first.
    """


def cause(exc: BaseException) -> str:
    """What went wrong, on one line, without the server's URL: for lines and reports that name the server already."""
    message = exc.message if isinstance(exc, NotebookServerError) else str(exc)
    return one_line(message) or exc.__class__.__name__
