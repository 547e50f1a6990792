"""Errors the sandbox answers with, in Google's JSON shape."""
from __future__ import annotations

STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
          404: "NOT_FOUND", 409: "ALREADY_EXISTS", 410: "FAILED_PRECONDITION",
          412: "FAILED_PRECONDITION", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL",
          501: "UNIMPLEMENTED", 503: "UNAVAILABLE"}


class ApiError(Exception):
    """An error answer: HTTP status, Google's reason and message."""

    def __init__(self, code: int, reason: str, message: str, *, domain: str = "global",
                 status: str | None = None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.domain = domain
        self.status = status or STATUS.get(code, "UNKNOWN")

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message,
                          "errors": [{"message": self.message, "domain": self.domain,
                                      "reason": self.reason}],
                          "status": self.status}}


def not_found(what: str = "Not Found") -> ApiError:
    return ApiError(404, "notFound", what)


def forbidden(message: str, reason: str = "forbidden") -> ApiError:
    return ApiError(403, reason, message)


class SeedError(ValueError):
    """A seed file of the demo organisation is malformed; the message names the file and line."""
