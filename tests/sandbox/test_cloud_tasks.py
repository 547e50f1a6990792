"""The sandbox's Cloud Tasks v2 through the real google-cloud-tasks client (REST transport) over
HTTPS: queues and their limits, tasks, Google's errors, and the dispatcher delivering tasks to a
small Flask app on 127.0.0.1 as App Engine would, with retries, schedule times on the sandbox
clock, rate limits and OIDC tokens."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import google.auth.transport.requests
import pytest
import requests
from flask import Flask, request
from google.api_core import exceptions
from google.cloud import tasks_v2
from google.oauth2 import id_token, service_account
from google.oauth2.credentials import Credentials
from google.protobuf import field_mask_pb2, timestamp_pb2
from werkzeug.serving import make_server

from workspace_sandbox.core.signing import make_key

CLOUD = "https://www.googleapis.com/auth/cloud-platform"
ACCOUNT = "coach-sync@one-on-one-coach.iam.gserviceaccount.com"
LOCATION = "projects/one-on-one-coach/locations/europe-west1"
QUEUE = f"{LOCATION}/queues/manager-sync"


def tasks_client(sandbox, scopes=(CLOUD,)) -> tasks_v2.CloudTasksClient:
    """A Cloud Tasks client acting as the service account, trusting the sandbox's CA."""
    token = sandbox.token(ACCOUNT, list(scopes))
    client = tasks_v2.CloudTasksClient(transport="rest", credentials=Credentials(token),
                                       client_options={"api_endpoint": sandbox.url})
    client.transport._session.verify = sandbox.ca_file
    return client


class Receiver:
    """A Flask app on 127.0.0.1 recording what it is sent; it answers each path with the statuses
    queued in ``answers[path]`` (then 200), after ``delay`` seconds."""

    def __init__(self):
        self.received: list[dict] = []
        self.answers: dict[str, list[int]] = {}
        self.delay = 0.0
        self.running = self.most_running = 0
        self._lock = threading.Lock()
        app = Flask("receiver")
        app.add_url_rule("/<path:path>", view_func=self._handle, methods=["GET", "POST", "PUT"])
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handle(self, path):
        with self._lock:
            self.running += 1
            self.most_running = max(self.most_running, self.running)
            status = (self.answers.get("/" + path) or [200]).pop(0)
        time.sleep(self.delay)
        with self._lock:
            self.running -= 1
            self.received.append({"method": request.method, "path": request.full_path.rstrip("?"),
                                  "headers": dict(request.headers), "body": request.get_data(),
                                  "status": status})
        return "", status


@pytest.fixture
def receiver(empty_sandbox):
    server = Receiver()
    empty_sandbox.tasks_target(server.url)
    yield server
    server.server.shutdown()


@pytest.fixture
def client(empty_sandbox):
    return tasks_client(empty_sandbox)


def make_queue(client, name=QUEUE, **queue) -> tasks_v2.Queue:
    return client.create_queue(parent=LOCATION, queue={"name": name, **queue})


def app_engine_task(uri="/tasks/sync", name=None, **request) -> dict:
    task = {"app_engine_http_request": {"relative_uri": uri, **request}}
    return {**task, "name": f"{QUEUE}/tasks/{name}"} if name else task


def at(moment) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def drained(sandbox, timeout=10):
    outcome = sandbox.drain_tasks(timeout)
    assert outcome["drained"], outcome


def error_of(excinfo) -> dict:
    return excinfo.value.response.json()["error"]


def test_a_queue_keeps_its_limits_and_gets_googles_defaults(client):
    queue = make_queue(client, rate_limits={"max_dispatches_per_second": 5,
                                            "max_concurrent_dispatches": 2},
                       retry_config={"max_attempts": 4, "min_backoff": {"seconds": 10},
                                     "max_backoff": {"seconds": 300}, "max_doublings": 3})
    assert queue.state == tasks_v2.Queue.State.RUNNING
    assert (queue.rate_limits.max_dispatches_per_second, queue.rate_limits.max_burst_size,
            queue.rate_limits.max_concurrent_dispatches) == (5, 5, 2)
    assert queue.retry_config.max_attempts == 4 and queue.retry_config.max_doublings == 3
    plain = make_queue(client, f"{LOCATION}/queues/plain")
    assert (plain.rate_limits.max_dispatches_per_second, plain.rate_limits.max_burst_size,
            plain.rate_limits.max_concurrent_dispatches) == (500, 100, 1000)
    assert plain.retry_config.max_attempts == 100 and plain.retry_config.max_doublings == 16
    assert plain.retry_config.min_backoff.total_seconds() == 0.1
    assert plain.retry_config.max_backoff.total_seconds() == 3600
    assert [q.name for q in client.list_queues(parent=LOCATION)] == [QUEUE, plain.name]

    updated = client.update_queue(queue={"name": QUEUE,
                                         "rate_limits": {"max_dispatches_per_second": 1}},
                                  update_mask=field_mask_pb2.FieldMask(
                                      paths=["rate_limits.max_dispatches_per_second"]))
    assert (updated.rate_limits.max_dispatches_per_second, updated.rate_limits.max_burst_size,
            updated.rate_limits.max_concurrent_dispatches) == (1, 1, 2)
    assert client.pause_queue(name=QUEUE).state == tasks_v2.Queue.State.PAUSED
    assert [q.name for q in client.list_queues(request={"parent": LOCATION,
                                                        "filter": "state: PAUSED"})] == [QUEUE]
    assert client.resume_queue(name=QUEUE).state == tasks_v2.Queue.State.RUNNING
    assert client.get_queue(name=QUEUE).retry_config.max_backoff.total_seconds() == 300


def test_update_queue_makes_a_queue_that_does_not_exist(client):
    made = client.update_queue(queue={"name": QUEUE, "retry_config": {"max_attempts": 1}})
    assert made.retry_config.max_attempts == 1
    assert made.rate_limits.max_concurrent_dispatches == 1000


def test_an_app_engine_task_reaches_its_handler_with_app_engines_headers(empty_sandbox, client,
                                                                         receiver):
    make_queue(client)
    task = client.create_task(parent=QUEUE, task=app_engine_task(
        "/tasks/sync?manager=ana", name="sync-ana", body=b'{"manager": "ana"}',
        headers={"Content-Type": "application/json", "X-Coach-Run": "7"}))
    assert task.name == f"{QUEUE}/tasks/sync-ana" and task.view == tasks_v2.Task.View.BASIC
    assert task.app_engine_http_request.body == b""  # the BASIC view leaves bodies out
    assert dict(task.app_engine_http_request.headers) == {
        "Content-Type": "application/json", "X-Coach-Run": "7", "Content-Length": "18",
        "User-Agent": "AppEngine-Google; (+http://code.google.com/appengine)"}
    drained(empty_sandbox)

    (received,) = receiver.received
    assert (received["method"], received["path"]) == ("POST", "/tasks/sync?manager=ana")
    assert received["body"] == b'{"manager": "ana"}'
    headers = received["headers"]
    assert headers["X-Appengine-Queuename"] == "manager-sync"
    assert headers["X-Appengine-Taskname"] == "sync-ana"
    assert headers["X-Appengine-Taskretrycount"] == headers["X-Appengine-Taskexecutioncount"] == "0"
    assert float(headers["X-Appengine-Tasketa"]) == pytest.approx(task.schedule_time.timestamp())
    assert headers["User-Agent"] == "AppEngine-Google; (+http://code.google.com/appengine)"
    assert headers["Content-Type"] == "application/json" and headers["X-Coach-Run"] == "7"
    assert "X-Appengine-Taskpreviousresponse" not in headers

    (attempt,) = empty_sandbox.task_attempts(task="sync-ana")
    assert (attempt["status"], attempt["outcome"], attempt["url"]) == (
        200, "completed", f"{receiver.url}/tasks/sync?manager=ana")
    with pytest.raises(exceptions.NotFound) as gone:
        client.get_task(name=task.name)
    assert error_of(gone)["message"].startswith("The task no longer exists")


def test_app_engine_routing_picks_the_services_target(empty_sandbox, client, receiver):
    worker = Receiver()
    empty_sandbox.tasks_target(worker.url, service="worker")
    make_queue(client)
    task = client.create_task(parent=QUEUE, task=app_engine_task(
        app_engine_routing={"service": "worker"}))
    assert task.app_engine_http_request.app_engine_routing.host == (
        "worker.one-on-one-coach.appspot.com")
    drained(empty_sandbox)
    assert len(worker.received) == 1 and receiver.received == []
    worker.server.shutdown()


def test_a_task_name_is_taken_while_the_task_lives_and_for_an_hour_after(empty_sandbox, client,
                                                                         receiver):
    make_queue(client)
    client.pause_queue(name=QUEUE)
    client.create_task(parent=QUEUE, task=app_engine_task(name="sync-ana-2030-w02"))
    with pytest.raises(exceptions.Conflict) as exists:
        client.create_task(parent=QUEUE, task=app_engine_task(name="sync-ana-2030-w02"))
    assert error_of(exists) == {"code": 409, "message": "Requested entity already exists",
                                "status": "ALREADY_EXISTS"}
    client.resume_queue(name=QUEUE)
    drained(empty_sandbox)
    assert len(receiver.received) == 1

    with pytest.raises(exceptions.Conflict) as recent:
        client.create_task(parent=QUEUE, task=app_engine_task(name="sync-ana-2030-w02"))
    assert error_of(recent)["status"] == "ALREADY_EXISTS"
    assert error_of(recent)["message"].startswith("The task cannot be created because a task "
                                                  "with this name existed too recently.")
    empty_sandbox.advance(3600)
    client = tasks_client(empty_sandbox)  # tokens expire on the sandbox clock too
    client.create_task(parent=QUEUE, task=app_engine_task(name="sync-ana-2030-w02"))
    drained(empty_sandbox)
    assert len(receiver.received) == 2


def test_a_deleted_task_name_stays_taken_as_long_as_the_setting_says(empty_sandbox, client):
    empty_sandbox.tasks_settings(taskTombstoneSeconds=86400)
    make_queue(client)
    client.pause_queue(name=QUEUE)
    task = client.create_task(parent=QUEUE, task=app_engine_task(name="sync-bo"))
    client.delete_task(name=task.name)
    empty_sandbox.advance(3600)
    with pytest.raises(exceptions.Conflict):
        tasks_client(empty_sandbox).create_task(parent=QUEUE, task=app_engine_task(name="sync-bo"))
    empty_sandbox.advance(86400 - 3600)
    tasks_client(empty_sandbox).create_task(parent=QUEUE, task=app_engine_task(name="sync-bo"))


def test_a_failed_attempt_is_retried_with_the_queues_backoff(empty_sandbox, client, receiver):
    make_queue(client, retry_config={"min_backoff": {"seconds": 10},
                                     "max_backoff": {"seconds": 15}, "max_doublings": 3})
    receiver.answers["/tasks/sync"] = [500, 404]
    client.create_task(parent=QUEUE, task=app_engine_task(name="sync-ana", body=b"x"))
    drained(empty_sandbox)
    task = client.get_task(request={"name": f"{QUEUE}/tasks/sync-ana",
                                    "response_view": tasks_v2.Task.View.FULL})
    assert (task.dispatch_count, task.response_count) == (1, 1)
    assert task.app_engine_http_request.body == b"x"
    assert task.last_attempt.response_status.code == 13  # INTERNAL
    assert task.last_attempt.response_status.message == "INTERNAL(13): HTTP status code 500"
    assert (task.schedule_time - task.last_attempt.response_time).total_seconds() == (
        pytest.approx(10, abs=0.01))

    empty_sandbox.advance(9)
    drained(empty_sandbox)
    assert len(receiver.received) == 1  # not due yet
    empty_sandbox.advance(1)
    drained(empty_sandbox)
    empty_sandbox.advance(15)  # the second retry waits 20 s, capped at maxBackoff
    drained(empty_sandbox)

    assert [r["status"] for r in receiver.received] == [500, 404, 200]
    second, third = (r["headers"] for r in receiver.received[1:])
    assert second["X-Appengine-Taskretrycount"] == second["X-Appengine-Taskexecutioncount"] == "1"
    assert second["X-Appengine-Taskpreviousresponse"] == "500"
    assert second["X-Appengine-Taskretryreason"] == "App Error"
    assert third["X-Appengine-Taskretrycount"] == "2"
    assert third["X-Appengine-Taskpreviousresponse"] == "404"
    attempts = empty_sandbox.task_attempts(queue="manager-sync")
    assert [(a["attempt"], a["status"], a["outcome"]) for a in attempts] == [
        (1, 500, "retrying"), (2, 404, "retrying"), (3, 200, "completed")]


def test_a_task_is_given_up_after_max_attempts(empty_sandbox, client, receiver):
    make_queue(client, retry_config={"max_attempts": 2, "min_backoff": {"seconds": 1},
                                     "max_backoff": {"seconds": 1}})
    receiver.answers["/tasks/sync"] = [500] * 5
    task = client.create_task(parent=QUEUE, task=app_engine_task())
    drained(empty_sandbox)
    empty_sandbox.advance(1)
    drained(empty_sandbox)
    assert [a["outcome"] for a in empty_sandbox.task_attempts()] == ["retrying", "gave up"]
    with pytest.raises(exceptions.NotFound):
        client.get_task(name=task.name)


def test_a_scheduled_task_waits_for_the_sandbox_clock(empty_sandbox, client, receiver):
    make_queue(client)
    when = empty_sandbox.now() + timedelta(hours=2)
    task = client.create_task(parent=QUEUE, task={**app_engine_task(), "schedule_time": at(when)})
    assert task.schedule_time == when
    drained(empty_sandbox)
    assert receiver.received == []
    assert [t.name for t in client.list_tasks(parent=QUEUE)] == [task.name]
    empty_sandbox.advance_to(when + timedelta(seconds=1))
    drained(empty_sandbox)
    (received,) = receiver.received
    assert float(received["headers"]["X-Appengine-Tasketa"]) == pytest.approx(when.timestamp())


def test_a_schedule_time_in_the_past_is_now(empty_sandbox, client, receiver):
    make_queue(client)
    task = client.create_task(parent=QUEUE, task={
        **app_engine_task(), "schedule_time": at(empty_sandbox.now() - timedelta(days=1))})
    assert abs((task.schedule_time - empty_sandbox.now()).total_seconds()) < 5
    drained(empty_sandbox)
    assert len(receiver.received) == 1


def test_the_rate_limit_spaces_dispatches_and_concurrency_caps_them(empty_sandbox, client,
                                                                    receiver):
    make_queue(client, rate_limits={"max_dispatches_per_second": 4,
                                    "max_concurrent_dispatches": 2})
    receiver.delay = 0.1
    for _ in range(10):
        client.create_task(parent=QUEUE, task=app_engine_task())
    drained(empty_sandbox, timeout=20)
    times = sorted(a["dispatchTime"] for a in empty_sandbox.task_attempts())
    assert len(times) == 10 and receiver.most_running <= 2
    first, last = (timestamp_seconds(t) for t in (times[0], times[-1]))
    assert last - first >= (10 - 4) / 4 - 0.1  # a burst of 4, then 4 a second


@pytest.mark.parametrize("answer, throttled", [(503, True), (429, False)])
def test_a_503_from_app_engine_throttles_the_queue_and_a_429_does_not(empty_sandbox, client,
                                                                       receiver, answer, throttled):
    make_queue(client, rate_limits={"max_dispatches_per_second": 2})
    receiver.answers["/tasks/sync"] = [answer]
    client.create_task(parent=QUEUE, task=app_engine_task())
    drained(empty_sandbox)
    time.sleep(0.1)  # the retry's backoff (minBackoff 0.1 s)
    drained(empty_sandbox)
    first, second = empty_sandbox.task_attempts()
    waited = timestamp_seconds(second["dispatchTime"]) - timestamp_seconds(first["responseTime"])
    # Throttled, the queue's bucket is empty and refills at half the rate: a token in 1 s.
    assert (waited > 0.8) is throttled and second["status"] == 200


def timestamp_seconds(text: str) -> float:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromJsonString(text)
    return stamp.ToNanoseconds() / 1e9


def test_an_http_task_carries_an_oidc_token_that_google_auth_verifies(empty_sandbox, client,
                                                                      receiver):
    make_queue(client)
    hook = f"{receiver.url}/hooks/sync"
    client.create_task(parent=QUEUE, task={"http_request": {
        "url": hook, "body": b"{}", "headers": {"Content-Type": "application/json"},
        "oidc_token": {"service_account_email": ACCOUNT,
                       "audience": "https://coach.example/tasks"}}})
    client.create_task(parent=QUEUE, task={"http_request": {
        "url": hook, "oidc_token": {"service_account_email": ACCOUNT}}})
    drained(empty_sandbox)

    session = requests.Session()
    session.verify = empty_sandbox.ca_file
    google_request = google.auth.transport.requests.Request(session)
    certs = f"{empty_sandbox.url}/oauth2/v1/certs"
    audiences = []
    for received in receiver.received:
        headers = received["headers"]
        assert headers["User-Agent"] == "Google-Cloud-Tasks"
        assert headers["X-Cloudtasks-Queuename"] == "manager-sync"
        assert headers["X-Cloudtasks-Taskretrycount"] == "0"
        scheme, token = headers["Authorization"].split()
        claims = id_token.verify_token(token, google_request, certs_url=certs)
        assert scheme == "Bearer" and claims["iss"] == "https://accounts.google.com"
        assert claims["email"] == ACCOUNT and claims["email_verified"] is True
        audiences.append(claims["aud"])
    assert sorted(audiences) == sorted(["https://coach.example/tasks", hook])


def test_an_unknown_service_account_cannot_sign_tokens(client):
    make_queue(client)
    with pytest.raises(exceptions.Forbidden) as refused:
        client.create_task(parent=QUEUE, task={"http_request": {
            "url": "https://coach.example/tasks",
            "oidc_token": {"service_account_email": "nobody@elsewhere.iam.gserviceaccount.com"}}})
    assert 'lacks IAM permission "iam.serviceAccounts.actAs"' in error_of(refused)["message"]


def test_run_task_dispatches_at_once_even_in_a_paused_queue(empty_sandbox, client, receiver):
    make_queue(client)
    client.pause_queue(name=QUEUE)
    task = client.create_task(parent=QUEUE, task=app_engine_task(name="sync-now"))
    ran = client.run_task(name=task.name)
    assert ran.dispatch_count == 1 and ran.last_attempt.dispatch_time
    drained(empty_sandbox)
    assert len(receiver.received) == 1
    with pytest.raises(exceptions.NotFound):
        client.run_task(name=task.name)


def test_dispatch_can_be_paused_for_the_whole_sandbox(empty_sandbox, client, receiver):
    make_queue(client)
    empty_sandbox.tasks_settings(dispatchPaused=True)
    client.create_task(parent=QUEUE, task=app_engine_task())
    assert empty_sandbox.drain_tasks(0.3) == {"drained": False, "due": 1, "running": 0}
    empty_sandbox.tasks_settings(dispatchPaused=False)
    drained(empty_sandbox)
    assert len(receiver.received) == 1


def test_purge_and_delete_remove_tasks(empty_sandbox, client, receiver):
    make_queue(client)
    client.pause_queue(name=QUEUE)
    for name in ("a", "b", "c"):
        client.create_task(parent=QUEUE, task=app_engine_task(name=name))
    pages = client.list_tasks(request={"parent": QUEUE, "page_size": 2}).pages
    assert [[t.name.rpartition("/")[2] for t in page.tasks] for page in pages] == [["a", "b"],
                                                                                   ["c"]]
    client.delete_task(name=f"{QUEUE}/tasks/a")
    purged = client.purge_queue(name=QUEUE)
    assert purged.purge_time and list(client.list_tasks(parent=QUEUE)) == []
    client.delete_queue(name=QUEUE)
    with pytest.raises(exceptions.NotFound):
        client.get_queue(name=QUEUE)
    with pytest.raises(exceptions.BadRequest) as recreated:
        make_queue(client)
    assert error_of(recreated)["status"] == "FAILED_PRECONDITION"
    assert receiver.received == []


@pytest.mark.parametrize("call, error, status, message", [
    (lambda c: c.get_queue(name=f"{LOCATION}/queues/missing"), exceptions.NotFound, "NOT_FOUND",
     "Queue does not exist. If you just created the queue, wait at least a minute for the queue "
     "to initialize."),
    (lambda c: c.create_task(parent=f"{LOCATION}/queues/missing", task=app_engine_task()),
     exceptions.NotFound, "NOT_FOUND", "Queue does not exist."),
    (lambda c: c.get_task(name=f"{QUEUE}/tasks/missing"), exceptions.NotFound, "NOT_FOUND",
     "Requested entity was not found."),
    (lambda c: c.create_task(parent=QUEUE, task={**app_engine_task(),
                                                 "name": f"{QUEUE}/tasks/not valid"}),
     exceptions.BadRequest, "INVALID_ARGUMENT", 'Task ID "not valid" can contain only letters'),
    (lambda c: c.create_task(parent=QUEUE, task={**app_engine_task(),
                                                 "name": f"{LOCATION}/queues/other/tasks/t"}),
     exceptions.BadRequest, "INVALID_ARGUMENT", "The queue name from request"),
    (lambda c: make_queue(c), exceptions.Conflict, "ALREADY_EXISTS", "Queue already exists"),
    (lambda c: make_queue(c, "projects/one-on-one-coach/queues/q"), exceptions.BadRequest,
     "INVALID_ARGUMENT", "Queue name must be formatted"),
    (lambda c: c.create_task(parent=QUEUE, task=app_engine_task("no-slash")),
     exceptions.BadRequest, "INVALID_ARGUMENT", "AppEngineHttpRequest.relative_uri"),
    (lambda c: c.create_task(parent=QUEUE, task=app_engine_task(http_method="GET", body=b"x")),
     exceptions.BadRequest, "INVALID_ARGUMENT", "A request body is allowed only"),
])
def test_errors_are_googles(client, call, error, status, message):
    make_queue(client)
    with pytest.raises(error) as raised:
        call(client)
    assert error_of(raised)["status"] == status
    assert error_of(raised)["message"].startswith(message)


def test_an_unknown_field_is_rejected_as_googles_front_end_does(empty_sandbox):
    token = empty_sandbox.token(ACCOUNT, [CLOUD])
    response = requests.post(f"{empty_sandbox.url}/v2/{LOCATION}/queues", timeout=10,
                             verify=empty_sandbox.ca_file, json={"name": QUEUE, "rateLimit": {}},
                             headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == ('Invalid JSON payload received. Unknown name "rateLimit": Cannot '
                                "find field.")
    assert error["details"][0]["@type"] == "type.googleapis.com/google.rpc.BadRequest"


def test_enums_are_names_unless_numbers_are_asked_for(empty_sandbox, client):
    make_queue(client)
    token = empty_sandbox.token(ACCOUNT, [CLOUD])
    def get(**params):
        return requests.get(f"{empty_sandbox.url}/v2/{QUEUE}", params=params, timeout=10,
                            verify=empty_sandbox.ca_file,
                            headers={"Authorization": f"Bearer {token}"}).json()

    assert get()["state"] == "RUNNING"
    assert get(**{"$alt": "json;enum-encoding=int"})["state"] == 1


def test_a_token_needs_the_cloud_platform_scope(empty_sandbox):
    client = tasks_client(empty_sandbox, scopes=("https://www.googleapis.com/auth/calendar",))
    with pytest.raises(exceptions.Forbidden) as refused:
        make_queue(client)
    error = error_of(refused)
    assert error["message"] == "Request had insufficient authentication scopes."
    assert error["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


def test_faults_and_call_counts_use_the_discovery_method_ids(empty_sandbox, client):
    make_queue(client)
    empty_sandbox.fault("cloudtasks.projects.locations.queues.tasks.create", status=503, times=1)
    with pytest.raises(exceptions.ServiceUnavailable):
        client.create_task(parent=QUEUE, task=app_engine_task())
    client.create_task(parent=QUEUE, task=app_engine_task())
    assert empty_sandbox.calls("cloudtasks.projects.locations.queues.tasks.create", ACCOUNT) == 2


def test_a_service_account_key_signs_its_own_tokens_as_google_auth_does(empty_sandbox):
    """With a service account, google-auth sends Cloud APIs a JWT it signs itself (AIP-4111)
    instead of fetching an access token, so only the API session needs to trust the sandbox."""
    credentials = service_account.Credentials.from_service_account_info(
        empty_sandbox.service_account_key(), scopes=[CLOUD])
    client = tasks_v2.CloudTasksClient(transport="rest", credentials=credentials,
                                       client_options={"api_endpoint": empty_sandbox.url})
    client.transport._session.verify = empty_sandbox.ca_file
    client.transport._session.trust_env = False  # else REQUESTS_CA_BUNDLE would override verify
    assert make_queue(client).name == QUEUE
    assert empty_sandbox.calls("cloudtasks.projects.locations.queues.create", ACCOUNT) == 1


def test_a_jwt_the_service_account_did_not_sign_is_refused(empty_sandbox):
    forged = service_account.Credentials.from_service_account_info(
        {**empty_sandbox.service_account_key(), "private_key": make_key("forger", "x")[
            "private_key"]}, scopes=[CLOUD])
    client = tasks_v2.CloudTasksClient(transport="rest", credentials=forged,
                                       client_options={"api_endpoint": empty_sandbox.url})
    client.transport._session.verify = empty_sandbox.ca_file
    with pytest.raises(exceptions.Unauthorized) as refused:
        make_queue(client)
    assert error_of(refused)["status"] == "UNAUTHENTICATED"


def test_the_client_trusts_the_sandbox_through_requests_ca_bundle(empty_sandbox, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(empty_sandbox.ca_file))
    credentials = service_account.Credentials.from_service_account_info(
        empty_sandbox.service_account_key(), scopes=[CLOUD])
    client = tasks_v2.CloudTasksClient(transport="rest", credentials=credentials,
                                       client_options={"api_endpoint": empty_sandbox.url})
    assert make_queue(client).name == QUEUE
