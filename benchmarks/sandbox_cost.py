"""The sandbox's own cost per API call, per organisation size: does it stay flat as the world grows?

    nice .venv/bin/python benchmarks/sandbox_cost.py [MANAGERS ...] [--repeat R]
                                                     [--profile MANAGERS] [--receiver-ms MS]

MANAGERS defaults to ``100 1000``. Each size gets a sandbox of its own, started in this process
(``SandboxServer(...).start()``, so its Cloud Tasks dispatcher and push delivery run as they do in
tests) and seeded with benchmarks/scale_org.py's organisation. The world is then filled as the
service's first pass leaves it (through the sandbox's own API, with tokens of the service
account acting for each manager, as domain-wide delegation gives): per manager an events.watch
channel; per one-on-one a Google Doc made with files.create and the service's appProperties
mark, one documents.batchUpdate into it and an events.patch attaching it (which sends a push
message to the manager's channel); and a backlog of one Cloud Tasks task per manager, due now,
in a queue whose rate lets almost none of them go (as the sweep's tasks wait behind queue.yaml's
4 a second).

Then, for a mix of the calls the service makes, each repeated R times (default 40) for managers
spread over the organisation, it measures the sandbox's CPU for the call (``time.thread_time`` of
the thread that runs the request: calls go through Flask's test client, so routing,
authentication, quotas and the handler all run in this thread; TLS is left out, being the same
for every size):

- calendar events.list without a sync token (the first sync) and with one (after a change),
- calendar events.patch (a description change: one push message),
- drive files.list with the service's appProperties query, drive files.create of a doc,
- docs documents.get and documents.batchUpdate,
- directory users.list, a page of 500 as the service reads the directory (each page in turn),
- cloud tasks CreateTask (the call), then the dispatch of that task: the CPU of the dispatcher's
  threads (claiming, sending, recording the answer) per task, read from their thread CPU clocks,
- a push message's delivery: the CPU of the push delivery threads per message, over five bursts
  of R messages from events.patch on as many managers' calendars (one figure per burst).

It prints milliseconds per call (median and mean) per size and the ratio of each size's mean to
the smallest size's. Last, the push path's waiting: a burst of ``--burst`` messages (default
200) to a receiver that takes ``--receiver-ms`` (default 50) per message, as the service's
handler takes time; queued -> delivered median and maximum (Google delivers concurrently).

``--profile MANAGERS`` then runs the measured calls of that size once more under cProfile (not
counted in the figures) and prints the top functions by cumulative time (to find what grows).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.scale_org import generate  # noqa: E402
from workspace_sandbox import SandboxServer, seed_world  # noqa: E402

GOOGLE_DOC = "application/vnd.google-apps.document"
AUTH = "https://www.googleapis.com/auth/"
SCOPES = [AUTH + s for s in ("calendar", "calendar.events", "drive.file", "documents")]
TASK_SCOPES = [AUTH + "cloud-platform"]
DIRECTORY_SCOPES = [AUTH + "admin.directory.user.readonly"]
PROJECT_PARENT = "projects/one-on-one-coach/locations/us-central1"
BACKLOG, PROBE = f"{PROJECT_PARENT}/queues/backlog", f"{PROJECT_PARENT}/queues/probe"
LIFTED = {group: {"per_user": 10**9, "per_project": 10**9}
          for group in ("docs.read", "docs.write", "calendar", "drive", "directory")}
MEASURED = ("events.list (full)", "events.list (sync token)", "events.patch",
            "files.list (appProperties)", "files.create", "documents.get",
            "documents.batchUpdate", "users.list (a page of 500)", "tasks.create",
            "task dispatch", "push delivery")


class Receiver:
    """A local HTTP server answering 200 to every POST (push messages and tasks), after a
    delay; it counts what arrived per path."""

    def __init__(self):
        self.delay = 0.0
        self.arrived: dict[str, int] = {}
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                if outer.delay:
                    time.sleep(outer.delay)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with outer.changed:
                    outer.arrived[self.path] = outer.arrived.get(self.path, 0) + 1
                    outer.changed.notify_all()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self, path: str) -> int:
        with self.lock:
            return self.arrived.get(path, 0)

    def wait_for(self, path: str, count: int, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.arrived.get(path, 0) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError(f"{path}: {self.arrived.get(path, 0)} of {count} arrived")
                self.changed.wait(left)


def threads_cpu(prefix: str) -> float:
    """CPU seconds so far of this process's live threads whose name starts with ``prefix``."""
    total = 0.0
    for thread in threading.enumerate():
        if thread.name.startswith(prefix) and thread.ident is not None:
            try:
                total += time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
            except (OSError, ProcessLookupError):
                pass
    return total


class World:
    """One size: the sandbox, its receiver, the service account's tokens and the filled world."""

    def __init__(self, managers: int, folder: Path):
        self.managers = managers
        began = time.perf_counter()
        self.org = generate(managers, folder / "seed")
        self.server = SandboxServer(folder / "sandbox")
        seed_world(self.server.world, seed_dir=folder / "seed")
        with self.server.world.transaction() as tx:
            now = tx.now()
            saturday = (now - timedelta(days=now.weekday()) + timedelta(days=5)).replace(
                hour=12, minute=0, second=0, microsecond=0)
            tx.set_setting("clock_offset", (saturday - now).total_seconds())
            tx.set_setting("quotas", LIFTED)
            tx.set_setting("push.allow_http", True)
        self.server.start()
        self.receiver = Receiver()
        self.http = self.server.app.test_client()
        self.seeded_s = time.perf_counter() - began
        self.manager_list = [person.email for person in self.org.managers]
        if not self.manager_list:
            raise RuntimeError("the generated organisation has no managers")
        self.tokens: dict[str, str] = {}
        self.task_token = self._token(self.org.admin, TASK_SCOPES)
        self.directory_token = self._token(self.org.admin, DIRECTORY_SCOPES)

    # --- calls ---------------------------------------------------------------------------
    def _token(self, user: str, scopes: list[str]) -> str:
        from workspace_sandbox.core.tokens import issue_access_token
        from workspace_sandbox.oauth.clients import SERVICE_ACCOUNT_CLIENT_ID
        with self.server.world.transaction() as tx:
            return issue_access_token(tx, user, SERVICE_ACCOUNT_CLIENT_ID, scopes,
                                      timedelta(days=30))["access_token"]

    def token(self, user: str) -> str:
        if user not in self.tokens:
            self.tokens[user] = self._token(user, SCOPES)
        return self.tokens[user]

    def call(self, method: str, path: str, user: str | None = None, *, token: str | None = None,
             query: dict | None = None, body=None) -> tuple[dict, float]:
        """One API call through the test client: its JSON answer and this thread's CPU for it."""
        headers = {"Authorization": f"Bearer {token or self.token(user)}"}
        began = time.thread_time()
        response = self.http.open(path, method=method, headers=headers, query_string=query,
                                  json=body)
        spent = time.thread_time() - began
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.get_data()!r}")
        return (response.get_json(silent=True) or {}), spent

    def events(self, user: str, **query) -> tuple[dict, float]:
        return self.call("GET", "/calendar/v3/calendars/primary/events", user, query=query)

    def patch(self, user: str, event_id: str, body: dict, **query) -> float:
        return self.call("PATCH", f"/calendar/v3/calendars/primary/events/{event_id}", user,
                         query=query, body=body)[1]

    def create_doc(self, user: str, name: str, mark: str) -> tuple[str, float]:
        found, spent = self.call("POST", "/drive/v3/files", user,
                                 query={"fields": "id,name,createdTime,appProperties"},
                                 body={"name": name, "mimeType": GOOGLE_DOC,
                                       "appProperties": {"coachPair": mark}})
        return found["id"], spent

    def write_doc(self, user: str, doc_id: str, text: str) -> float:
        return self.call("POST", f"/v1/documents/{doc_id}:batchUpdate", user, body={
            "requests": [{"insertText": {"location": {"index": 1}, "text": text}}]})[1]

    def find_docs(self, user: str, mark: str) -> tuple[list, float]:
        query = (f"appProperties has {{ key='coachPair' and value='{mark}' }} "
                 f"and mimeType = '{GOOGLE_DOC}' and trashed = false")
        found, spent = self.call("GET", "/drive/v3/files", user, query={
            "q": query, "spaces": "drive", "pageSize": "100", "orderBy": "createdTime",
            "fields": "files(id,name,createdTime,appProperties)"})
        return found.get("files", []), spent

    def users_page(self, page_token: str | None) -> tuple[dict, float]:
        query = {"customer": "my_customer", "projection": "full", "maxResults": "500"}
        if page_token:
            query["pageToken"] = page_token
        return self.call("GET", "/admin/directory/v1/users", token=self.directory_token,
                         query=query)

    def create_task(self, queue: str, name: str | None = None, path: str = "/task",
                    schedule: str | None = None) -> float:
        task = {"httpRequest": {"url": self.receiver.url + path, "httpMethod": "POST",
                                "body": "e30="}}
        if name:
            task["name"] = f"{queue}/tasks/{name}"
        if schedule:
            task["scheduleTime"] = schedule
        return self.call("POST", f"/v2/{queue}/tasks", token=self.task_token,
                         body={"task": task})[1]

    # --- filling the world as the service's first pass leaves it ----------------------------
    def fill(self) -> None:
        began = time.perf_counter()
        self.one_on_ones: dict[str, list[tuple[str, str]]] = {}   # manager -> [(event, doc)]
        self.tokens_by_manager = {}
        for number, manager in enumerate(self.manager_list):
            self.call("POST", "/calendar/v3/calendars/primary/events/watch", manager, body={
                "id": f"channel-{number}", "type": "web_hook",
                "address": self.receiver.url + "/push", "token": "secret"})
            listing, _ = self.events(manager, maxResults="2500")
            pairs = []
            for item in listing.get("items", []):
                if not item.get("summary", "").endswith("1:1"):
                    continue
                mark = f"{number}-{item['id'][:12]}"
                doc_id, _ = self.create_doc(manager, item["summary"] + " notes", mark)
                self.write_doc(manager, doc_id, "Agenda\n")
                self.patch(manager, item["id"], {
                    "attachments": [{"fileUrl": f"https://docs.google.com/document/d/{doc_id}",
                                     "title": item["summary"], "mimeType": GOOGLE_DOC}],
                    "extendedProperties": {"private": {"coachDocId": doc_id}}},
                    supportsAttachments="true", sendUpdates="none")
                pairs.append((item["id"], doc_id, mark))
            self.one_on_ones[manager] = pairs
        for queue, rate in ((BACKLOG, 0.001), (PROBE, 500.0)):
            self.call("POST", f"/v2/{PROJECT_PARENT}/queues", token=self.task_token, body={
                "name": queue, "rateLimits": {"maxDispatchesPerSecond": rate,
                                              "maxConcurrentDispatches": 20}})
        for number in range(self.managers):
            self.create_task(BACKLOG, f"sweep-{number}", path="/backlog")
        self.receiver.wait_for("/push", sum(1 + len(p) for p in self.one_on_ones.values()))
        self.filled_s = time.perf_counter() - began

    # --- the measured mix ----------------------------------------------------------------
    def measure(self, repeat: int, profile: cProfile.Profile | None = None) -> dict[str, list]:
        spent: dict[str, list[float]] = {name: [] for name in MEASURED}
        step = max(1, len(self.manager_list) // repeat)
        chosen = [self.manager_list[(i * step) % len(self.manager_list)] for i in range(repeat)]
        pages, token = [None], None  # the directory's page tokens, as the service pages
        while True:
            token = self.users_page(token)[0].get("nextPageToken")
            if not token:
                break
            pages.append(token)
        if profile:
            profile.enable()
        for round_, manager in enumerate(chosen):
            event_id, doc_id, mark = self.one_on_ones[manager][round_ % 6]
            listing, cost = self.events(manager, maxResults="2500", showDeleted="false")
            spent["events.list (full)"].append(cost)
            cost = self.patch(manager, event_id, {"description": f"round {round_}"},
                              sendUpdates="none")
            spent["events.patch"].append(cost)
            _, cost = self.events(manager, maxResults="2500",
                                  syncToken=listing["nextSyncToken"])
            spent["events.list (sync token)"].append(cost)
            found, cost = self.find_docs(manager, mark)
            assert [f["id"] for f in found] == [doc_id], found
            spent["files.list (appProperties)"].append(cost)
            spent["documents.get"].append(self.call("GET", f"/v1/documents/{doc_id}",
                                                    manager)[1])
            spent["documents.batchUpdate"].append(self.write_doc(manager, doc_id, "x\n"))
            _, cost = self.create_doc(manager, f"probe {round_}", f"probe-{round_}")
            spent["files.create"].append(cost)
            full = pages[:-1] or pages  # full pages only (the last one may be short)
            found, cost = self.users_page(full[round_ % len(full)])
            assert len(found["users"]) == min(500, len(self.org.people))
            spent["users.list (a page of 500)"].append(cost)
        # Cloud Tasks: one task at a time, so each dispatch's cost is its own
        before_tasks = self.receiver.count("/task")
        for round_ in range(repeat):
            cpu = threads_cpu("tasks-")
            spent["tasks.create"].append(self.create_task(PROBE))
            self.receiver.wait_for("/task", before_tasks + round_ + 1)
            time.sleep(0.02)  # the worker records the answer
            spent["task dispatch"].append(threads_cpu("tasks-") - cpu)
        # push delivery: one message per manager chosen, in bursts as the sweep's writes send
        for burst in range(5):
            pushed = self.receiver.count("/push")
            cpu = threads_cpu("push-delivery")
            for round_, manager in enumerate(chosen):
                event_id = self.one_on_ones[manager][(round_ + 1) % 6][0]
                self.patch(manager, event_id, {"description": f"burst {burst} {round_}"},
                           sendUpdates="none")
            self.receiver.wait_for("/push", pushed + len(chosen))
            time.sleep(0.05)
            spent["push delivery"].append((threads_cpu("push-delivery") - cpu) / len(chosen))
        if profile:
            profile.disable()
        return spent

    def push_waiting(self, burst: int, delay: float) -> tuple[float, float]:
        """A burst of push messages to a slow receiver: queued -> delivered median and max (s)."""
        from workspace_sandbox.calendar import push
        self.receiver.delay = delay
        pushed = self.receiver.count("/push")
        with self.server.world.transaction() as tx:
            first = tx.counter(push.DELIVERY) + 1
        managers = [self.manager_list[i % len(self.manager_list)] for i in range(burst)]
        for round_, manager in enumerate(managers):
            event_id = self.one_on_ones[manager][round_ % 6][0]
            self.patch(manager, event_id, {"description": f"wait {round_}"}, sendUpdates="none")
        self.receiver.wait_for("/push", pushed + burst, timeout=burst * delay + 120)
        time.sleep(0.2)
        self.receiver.delay = 0.0
        lags = []
        with self.server.world.transaction() as tx:
            for number in range(first, first + burst):
                record = tx.get(push.DELIVERY, f"{number:010d}")
                if record and record.get("deliveredAt"):
                    lags.append((datetime.fromisoformat(record["deliveredAt"])
                                 - datetime.fromisoformat(record["queuedAt"])).total_seconds())
        return statistics.median(lags), max(lags)

    def stop(self) -> None:
        self.server.stop()
        self.receiver.server.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("managers", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--profile", type=int, default=None)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--receiver-ms", type=float, default=50.0)
    args = parser.parse_args()
    results: dict[int, dict[str, list[float]]] = {}
    waits: dict[int, tuple[float, float]] = {}
    for managers in args.managers:
        with tempfile.TemporaryDirectory(prefix=f"sandbox-cost-{managers}-") as folder:
            world = World(managers, Path(folder))
            try:
                world.fill()
                state = Path(folder) / "sandbox" / "world.sqlite"
                wal = state.with_name("world.sqlite-wal")
                print(f"{managers} managers: {len(world.org.people)} people, seeded in "
                      f"{world.seeded_s:.0f} s, filled in {world.filled_s:.0f} s; world "
                      f"{state.stat().st_size / 2**20:.0f} MiB, its WAL "
                      f"{(wal.stat().st_size if wal.exists() else 0) / 2**20:.0f} MiB",
                      file=sys.stderr, flush=True)
                world.measure(min(5, args.repeat))  # warm up (imports, caches)
                results[managers] = world.measure(args.repeat)
                waits[managers] = world.push_waiting(args.burst, args.receiver_ms / 1000)
                if args.profile == managers:  # a pass of its own: cProfile slows what it sees
                    profile = cProfile.Profile()
                    world.measure(args.repeat, profile)
                    out = io.StringIO()
                    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(45)
                    print(out.getvalue(), file=sys.stderr)
            finally:
                world.stop()
    sizes = list(results)
    base = sizes[0]
    head = "call".ljust(28) + "".join(f"{n:>8} mgr med/mean ms" for n in sizes)
    head += "".join(f"  {n}/{base}" for n in sizes[1:])
    print(head)
    for name in MEASURED:
        line = name.ljust(28)
        for n in sizes:
            values = results[n][name]
            line += f"{statistics.median(values) * 1000:>11.2f} /{statistics.mean(values) * 1000:>7.2f}"
        for n in sizes[1:]:
            line += f"  {statistics.mean(results[n][name]) / statistics.mean(results[base][name]):>6.2f}x"
        print(line)
    print(f"push waiting, burst of {args.burst} to a receiver taking {args.receiver_ms:.0f} ms:")
    for n in sizes:
        median, worst = waits[n]
        print(f"  {n:>6} managers: queued -> delivered median {median:.2f} s, max {worst:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
