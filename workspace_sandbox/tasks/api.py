"""Cloud Tasks v2 in the Workspace sandbox: the REST front end (``bp``) with its methods."""
from workspace_sandbox.tasks import queue_methods, task_methods  # noqa: F401  (register handlers)
from workspace_sandbox.tasks.front import bp

__all__ = ["bp"]
