"""Cloud Tasks' errors: a ``google.rpc.Status`` as JSON, the shape of Google's newer APIs.

``{"error": {"code", "message", "status", "details"?}}``, without the ``errors[]`` list of the
older Workspace APIs. Messages are Google's where known (recorded from Cloud Tasks by the
aertje/cloud-tasks-emulator conformance goldens); those marked (unconfirmed) are the sandbox's.
"""
from __future__ import annotations

from workspace_sandbox.core.errors import ApiError

SERVICE = "cloudtasks.googleapis.com"
_HELP = "type.googleapis.com/google.rpc.Help"
_REFERENCE = "https://cloud.google.com/tasks/docs/reference/rest/v2/"
NOT_FOUND = "Requested entity was not found."
QUEUE_NOT_FOUND = ("Queue does not exist. If you just created the queue, wait at least a minute "
                   "for the queue to initialize.")
TASK_GONE = ("The task no longer exists, though a task with this name existed recently. The task "
             "either successfully completed or was deleted.")
TASK_EXISTS = "Requested entity already exists"
TASK_TOO_RECENT = ("The task cannot be created because a task with this name existed too "
                   "recently. For more information about task de-duplication see "
                   f"{_REFERENCE}projects.locations.queues.tasks/create#body.request_body.FIELDS."
                   "task.")
QUEUE_TOO_RECENT = ("The queue cannot be created because a queue with this name existed too "
                    "recently.")


class RpcError(ApiError):
    """An error answer of Cloud Tasks: HTTP code, canonical status, message and details."""

    def __init__(self, code: int, message: str, *, status: str | None = None,
                 details: list[dict] | None = None):
        super().__init__(code, "", message, status=status)
        self.details = details or []

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}


def invalid(message: str, details: list[dict] | None = None) -> RpcError:
    return RpcError(400, message, details=details)


def not_found(message: str = NOT_FOUND) -> RpcError:
    return RpcError(404, message)


def already_exists(message: str) -> RpcError:
    return RpcError(409, message)


def failed_precondition(message: str) -> RpcError:
    return RpcError(400, message, status="FAILED_PRECONDITION")


def unimplemented(what: str) -> RpcError:
    return RpcError(501, f"The Workspace sandbox does not implement {what}.")


def help_link(description: str, anchor: str) -> list[dict]:
    """A ``google.rpc.Help`` detail pointing into Cloud Tasks' REST reference."""
    return [{"@type": _HELP, "links": [{"description": description,
                                        "url": _REFERENCE + anchor}]}]


def error_info(reason: str, rpc: str) -> list[dict]:
    """A ``google.rpc.ErrorInfo`` detail as Google's front end attaches to auth errors."""
    return [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason,
             "domain": "googleapis.com",
             "metadata": {"service": SERVICE, "method": f"google.cloud.tasks.v2.CloudTasks.{rpc}"}}]
