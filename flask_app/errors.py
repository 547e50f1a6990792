"""The project's one exception hierarchy."""


class CoachError(Exception):
    """Base of every error the service raises on purpose."""


class UserError(CoachError):
    """An error whose message is shown to people as it is."""


class InputError(UserError):
    """Bad input (a file, a setting, a request): the message names what is wrong and where."""


class ConfigError(UserError):
    """The service is configured wrongly or incompletely."""


class GoogleApiError(CoachError):
    """A Google API call failed; carries the HTTP status and Google's reason."""

    def __init__(self, status: int, reason: str, message: str, *, method: str = "",
                 retry_after: float | None = None):
        super().__init__(f"{method or 'Google API'}: {status} {reason}: {message}")
        self.status = status
        self.reason = reason
        self.message = message
        self.method = method
        self.retry_after = retry_after  # seconds Google asked to wait (Retry-After), if it did

    @property
    def summary(self) -> str:
        """What failed, without Google's message (which can quote a document's content)."""
        return f"{self.method or 'Google API'}: {self.status} {self.reason}".rstrip()


class NotFound(GoogleApiError):
    """The resource does not exist or the caller may not see it (Google answers 404 for both)."""


class PermissionDenied(GoogleApiError):
    """403 for a reason other than a rate limit."""


class RateLimited(GoogleApiError):
    """429, or 403 with a rate-limit reason: back off and try again later."""


class Conflict(GoogleApiError):
    """The resource changed underneath us (stale revision, etag mismatch, 409/412)."""


class SyncTokenExpired(GoogleApiError):
    """410 GONE for a Calendar sync token: drop local state and run a full sync."""
