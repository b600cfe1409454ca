"""Why a source could not answer, as errors with one clear sentence for the person."""

from __future__ import annotations

from citedesk.model import CitedeskError


class SourceError(CitedeskError):
    """A source did not give a usable answer; the message names the source and the reason."""


class NotFound(SourceError):
    """The source does not know this paper (HTTP 404): not a failure, just no data."""


class BadKey(SourceError):
    """The source refused the API key or needs one (HTTP 401/403)."""


class RateLimited(SourceError):
    """The source kept answering 429 Too Many Requests after the retries."""


class Offline(SourceError):
    """The source could not be reached (no network, DNS failure, refused connection, timeout)."""


class ServerError(SourceError):
    """The source kept failing (HTTP 5xx) after the retries; `reason` is the status, like `500 Internal Server Error`."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class BadResponse(SourceError):
    """The source answered with something that is not what its API documents (bad JSON, bad shape, 400)."""
