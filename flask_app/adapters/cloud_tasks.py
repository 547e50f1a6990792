"""The TaskQueue port on Cloud Tasks (google-cloud-tasks, REST transport): one task per manager's
sync, aimed at the App Engine handler ``/tasks/manager``.

Two queues (``queue.yaml``): the managers' syncs, and their first syncs — which make and fill
every pair's doc, several times the writes of a later sync — at a lower rate. A task's name
carries a digest of the manager's email (never the email itself) and the caller's key, so that a
second enqueue with the same key is refused by Cloud Tasks' name deduplication (409: the task
exists, or did recently). The queues' rates and retries are what pace the organisation.
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
    """:class:`~flask_app.ports.TaskQueue` over Cloud Tasks' queues."""

    def __init__(self, client: tasks_v2.CloudTasksClient, queue: str, first_queue: str,
                 clock: Clock, *, http_url: str | None = None, oidc_account: str = ""):
        """``http_url``: send tasks there with an OIDC token signed as ``oidc_account`` (hosts
        other than App Engine) instead of to the App Engine handler."""
        self._client, self._clock = client, clock
        self._queues = {False: queue, True: first_queue}
        self._http_url, self._oidc_account = http_url, oidc_account

    def task_name(self, manager: str, key: str, first: bool = False) -> str:
        digest = hashlib.sha256(manager.lower().encode()).hexdigest()[:20]
        return f"{self._queues[first]}/tasks/sync-{digest}-{key}"

    def enqueue(self, manager: str, *, key: str, delay: timedelta = timedelta(0),
                first: bool = False) -> bool:
        when = timestamp_pb2.Timestamp()
        when.FromDatetime((self._clock.now() + delay).astimezone(timezone.utc))
        request = {"http_method": tasks_v2.HttpMethod.POST,
                   "headers": {"Content-Type": "application/json"},
                   "body": json.dumps({"manager": manager.lower()}).encode()}
        task = {"name": self.task_name(manager, key, first), "schedule_time": when}
        if self._http_url:
            task["http_request"] = {**request, "url": self._http_url, "oidc_token": {
                "service_account_email": self._oidc_account, "audience": self._http_url}}
        else:
            task["app_engine_http_request"] = {**request, "relative_uri": HANDLER}
        try:
            self._client.create_task(parent=self._queues[first], task=task)
            return True
        except exceptions.Conflict:  # ALREADY_EXISTS: queued (or done) under this key
            return False
        except exceptions.GoogleAPICallError as error:
            raise GoogleApiError(error.code or 503, type(error).__name__,
                                 error.message or "Cloud Tasks refused the task",
                                 method="cloudtasks.tasks.create") from error

    def ensure_queues(self, rates: dict[bool, tuple[float, int]]) -> None:
        """Make the queues there are none of (the sandbox; production's come from queue.yaml):
        ``rates[first]`` is (dispatches per second, concurrent dispatches)."""
        for first, name in self._queues.items():
            parent, _, _ = name.rpartition("/queues/")
            dispatches, concurrent = rates[first]
            try:
                self._client.get_queue(name=name)
            except exceptions.NotFound:
                self._client.create_queue(parent=parent, queue={
                    "name": name,
                    "rate_limits": {"max_dispatches_per_second": dispatches,
                                    "max_concurrent_dispatches": concurrent}})
