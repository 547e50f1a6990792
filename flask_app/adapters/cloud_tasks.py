"""The TaskQueue port on Cloud Tasks (google-cloud-tasks, REST transport): one task per manager's
sync, aimed at the App Engine handler ``/tasks/manager``.

A task's name carries a digest of the manager's email (never the email itself) and the
sweep window it belongs to, so that a second enqueue of the same manager in the same window is
refused by Cloud Tasks' name deduplication (409: the task exists, or did in the last hour).
The queue — its rates and retries, set in ``queue.yaml`` — is what paces the organisation.
"""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta, timezone

from google.api_core import exceptions
from google.cloud import tasks_v2
from google.oauth2 import service_account
from google.protobuf import timestamp_pb2

from ..errors import GoogleApiError
from ..ports import Clock

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
HANDLER = "/tasks/manager"


def client_for(service_account_info: dict | None, *, endpoint: str | None = None,
               ca_file: str | None = None) -> tasks_v2.CloudTasksClient:
    """A Cloud Tasks client: on App Engine with its default credentials; against the sandbox
    (``endpoint``) with the service account's self-signed JWTs, trusting the sandbox's CA."""
    if endpoint is None:
        return tasks_v2.CloudTasksClient(transport="rest")
    credentials = service_account.Credentials.from_service_account_info(
        service_account_info, scopes=[CLOUD_PLATFORM])
    client = tasks_v2.CloudTasksClient(transport="rest", credentials=credentials,
                                       client_options={"api_endpoint": endpoint})
    session = client.transport._session  # the REST transport's requests session
    session.verify, session.trust_env = ca_file, False  # else REQUESTS_CA_BUNDLE overrides it
    return client


class CloudTasksQueue:
    """:class:`~flask_app.ports.TaskQueue` over one Cloud Tasks queue."""

    def __init__(self, client: tasks_v2.CloudTasksClient, queue: str, clock: Clock, *,
                 window: timedelta = timedelta(minutes=15), http_url: str | None = None,
                 oidc_account: str = ""):
        """``http_url``: send tasks there with an OIDC token signed as ``oidc_account`` (hosts
        other than App Engine) instead of to the App Engine handler."""
        self._client, self._queue, self._clock, self._window = client, queue, clock, window
        self._http_url, self._oidc_account = http_url, oidc_account

    def task_name(self, manager: str, dedupe_key: str | None = None) -> str:
        digest = hashlib.sha256(manager.lower().encode()).hexdigest()[:20]
        if dedupe_key is None:
            start = self._clock.now().timestamp() // self._window.total_seconds()
            dedupe_key = f"w{int(start)}"
        return f"{self._queue}/tasks/sync-{digest}-{dedupe_key}"

    def enqueue(self, manager: str, *, delay: timedelta = timedelta(0),
                dedupe_key: str | None = None) -> bool:
        when = timestamp_pb2.Timestamp()
        when.FromDatetime((self._clock.now() + delay).astimezone(timezone.utc))
        request = {"http_method": tasks_v2.HttpMethod.POST,
                   "headers": {"Content-Type": "application/json"},
                   "body": json.dumps({"manager": manager.lower()}).encode()}
        task = {"name": self.task_name(manager, dedupe_key), "schedule_time": when}
        if self._http_url:
            task["http_request"] = {**request, "url": self._http_url, "oidc_token": {
                "service_account_email": self._oidc_account, "audience": self._http_url}}
        else:
            task["app_engine_http_request"] = {**request, "relative_uri": HANDLER}
        try:
            self._client.create_task(parent=self._queue, task=task)
            return True
        except exceptions.Conflict:  # ALREADY_EXISTS: queued (or done) in this window
            return False
        except exceptions.GoogleAPICallError as error:
            raise GoogleApiError(error.code or 503, type(error).__name__,
                                 error.message or "Cloud Tasks refused the task",
                                 method="cloudtasks.tasks.create") from error

    def ensure_queue(self, *, dispatches_per_second: float, concurrent: int) -> None:
        """Make the queue if there is none (the sandbox and first deployments; production's
        comes from queue.yaml)."""
        parent, _, _ = self._queue.rpartition("/queues/")
        try:
            self._client.get_queue(name=self._queue)
        except exceptions.NotFound:
            self._client.create_queue(parent=parent, queue={
                "name": self._queue,
                "rate_limits": {"max_dispatches_per_second": dispatches_per_second,
                                "max_concurrent_dispatches": concurrent}})
