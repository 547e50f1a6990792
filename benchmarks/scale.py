"""The service at organisation scale on the sandbox: a generated organisation, the cron sweep
fanned out on the sandbox's Cloud Tasks, then the push-notification path, per size.

    nice .venv/bin/python benchmarks/scale.py [MANAGERS ...] [--quotas google|lifted]
                                              [--changes K]

MANAGERS defaults to ``100 1000``. Each size runs in a process of its own (so that its peak
memory is its own) which starts the sandbox in a further process (``--sandbox-process``), seeded
with the organisation of benchmarks/scale_org.py: N managers with six reports each (a weekly
30-minute one-on-one with each, a team meeting, focus time and a hiring sync in every manager's
calendar), directors over 25 managers, vice-presidents over 8 directors, a CEO; the first K
managers also have a new hire without a one-on-one. The sandbox clock is pinned to Saturday
12:00 UTC of the seeded week (no meeting starts or ends while the benchmark runs); the service
reads the sandbox clock as the real clock plus the sandbox's offset, which it is told of each
time the benchmark moves it (as the tests' WorldClock, without a round trip per reading).

The whole organisation is enabled (``Rollout(units=["/"])``); the service runs with
``COACH_TASKS=cloud`` and a public URL, served by werkzeug on 127.0.0.1; the two queues
(manager-sync, and first-sync for managers never synced) are made with queue.yaml's rates and
retries before the service would make the sandbox's default ones. Quotas (``--quotas``):
``google`` (the default) sets the sandbox's per-minute quotas to
Google's published defaults (printed; the sandbox counts them per minute of its clock, per
project and per user); ``lifted`` lifts them all, and the quota-bound time is then only computed
from the calls.

Per size it prints: per pass (the first one, on the first-sync queue, then an unchanged one in
the next 15-minute sweep window — the sandbox clock is moved on to it, as cron would run it),
the sweep request's own time (/tasks/sync: one task enqueued per manager; each task opens or
renews its manager's push channel),
when the sweep's tasks were all done, and when the queue was empty and every push message
delivered (tasks re-enqueued after a rate limit, and the tasks that the service's own writes
caused through its push channels, included); the tasks by kind and outcome (and why any was
skipped); how long push messages waited in the sandbox; the task server time; the CPU seconds of
the service's and of the sandbox's process; Google API calls per synced manager by method (as the sandbox counts them: calls it
refused for a quota count too; "refused" is the sandbox's count less the calls Google answered
the client), and the time the Docs write quota alone needs (batchUpdate ÷ 600 a minute). Then
the notification path: for K managers in turn, the manager books a weekly one-on-one with the
new hire (calendar.events.insert); the push message reaches /notifications/calendar, which
gathers changes into a task due at the end of the current half-minute window ON THE SANDBOX
CLOCK; the benchmark moves the sandbox clock on by 35 s (so the gather wait, 1–31 s in
production, is NOT in the figures) and polls the service's store every 10 ms until the pair has
its doc and the meeting's section, which is then checked in the doc. Median and 95th
percentile of insert → message handled, and of insert → agenda in the doc (wait skipped).
Peak memory is ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of the size's process (the
service: store, clients, web server, the organisation's generator) and ``VmHWM`` of the
sandbox's process, read from /proc before it stops.

Last, a PROJECTION to 10,000 managers from the largest size measured: calls per manager times
the organisation, against Google's quotas, the pass's queue's rate and concurrent requests (at
the measured task server time), and the sweep's time per manager.

Exit status 1 with a message on stderr when something fails (a task failing, a pass not
draining, a pair left without its doc or a new one-on-one without its agenda).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CRON = {"X-Appengine-Cron": "true"}
PROJECTED = 10_000
PASS_TIMEOUT = 3 * 3600.0
# Google's published per-minute defaults (the sandbox's quota groups): Docs 600 writes and 3,000
# reads per project, 60 and 300 per user; Calendar 10,000 per project, 600 per user; Drive
# 12,000; the Directory 2,400.
GOOGLE_QUOTAS = {"docs.write": {"per_user": 60, "per_project": 600},
                 "docs.read": {"per_user": 300, "per_project": 3000},
                 "calendar": {"per_user": 600, "per_project": 10000},
                 "drive": {"per_user": 12000, "per_project": 12000},
                 "directory": {"per_user": 2400, "per_project": 2400}}
QUEUES = {False: "manager-sync", True: "first-sync"}  # queue.yaml's, by first sync or not
OWN_LISTING = "cloudtasks.projects.locations.queues.tasks.list"  # settle() asks, not the service
LIFTED = {group: {"per_user": 10**9, "per_project": 10**9} for group in GOOGLE_QUOTAS}


class Failure(Exception):
    """The benchmark cannot go on: the message says why."""


def quota_group(method: str) -> str | None:
    api = method.split(".")[0]
    if api == "docs":
        return "docs.read" if method == "docs.documents.get" else "docs.write"
    return {"admin": "directory"}.get(api, api if api in GOOGLE_QUOTAS else None)


# --- the sandbox's own process ------------------------------------------------------------------
def serve_sandbox(folder: str, seed_dir: str) -> None:
    """``--sandbox-process``: seed a sandbox world with the organisation, pin its clock, serve."""
    from workspace_sandbox import SandboxServer, seed_world
    logging.basicConfig(level=logging.WARNING)
    server = SandboxServer(Path(folder))
    began = time.perf_counter()
    seed_world(server.world, seed_dir=Path(seed_dir))
    with server.world.transaction() as tx:
        now = tx.now()
        saturday = (now - timedelta(days=now.weekday()) + timedelta(days=5)).replace(
            hour=12, minute=0, second=0, microsecond=0)
        tx.set_setting("clock_offset", (saturday - now).total_seconds())
    (Path(folder) / "seeded.json").write_text(json.dumps(
        {"seconds": time.perf_counter() - began}))
    server.serve_forever()


def proc_status(pid: int, field: str) -> int:
    """A ``/proc/<pid>/status`` figure in kB (VmHWM, VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def proc_cpu(pid: int) -> float:
    """User and system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- instruments inside the service's process --------------------------------------------------
class OffsetClock:
    """The sandbox clock: real time plus the sandbox's offset, re-read whenever it moves."""

    def __init__(self, client):
        self.client = client
        self.sync(client.now())

    def sync(self, sandbox_now: datetime) -> None:
        self.offset = sandbox_now - datetime.now(timezone.utc)

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset

    def advance(self, seconds: float) -> None:
        self.sync(self.client.advance(seconds))


class Recorder:
    """WSGI middleware: each task request's server time, kind and outcome; each notification."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.reset()
        self.notified: dict[str, list[float]] = defaultdict(list)  # channel id -> times handled

    def reset(self) -> None:
        with self.lock:
            self.tasks: list[dict] = []
            self.notifications = Counter()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        began = time.perf_counter()
        seen = {}

        def starting(status, headers, exc_info=None):
            seen["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, starting))
        ended = time.perf_counter()
        with self.lock:
            if path == "/tasks/manager":
                name = environ.get("HTTP_X_APPENGINE_TASKNAME", "")
                kind = ("push" if "-push" in name else "rate-limit retry" if "-later" in name
                        else "change at a sync's end" if "-again" in name
                        else "first sync" if "-first" in name else "sweep")
                try:
                    outcome = json.loads(body or b"{}").get("outcome", "?")
                except ValueError:
                    outcome = "?"
                try:
                    detail = json.loads(body or b"{}").get("detail", "")
                except ValueError:
                    detail = ""
                self.tasks.append({"kind": kind, "outcome": outcome, "status": seen["status"],
                                   "ms": (ended - began) * 1000, "end": ended,
                                   "detail": detail,
                                   "retry": environ.get("HTTP_X_APPENGINE_TASKRETRYCOUNT", "0")})
            elif path == "/notifications/calendar":
                state = environ.get("HTTP_X_GOOG_RESOURCE_STATE", "?")
                self.notifications[f"{state} {seen['status']}"] += 1
                self.notified[environ.get("HTTP_X_GOOG_CHANNEL_ID", "")].append(ended)
        return [body]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def load_queue_yaml() -> dict[str, dict]:
    import yaml
    queues = {q["name"]: q for q in yaml.safe_load((ROOT / "queue.yaml").read_text())["queue"]}
    for name in QUEUES.values():
        if name not in queues:
            raise Failure(f"queue.yaml has no {name} queue")
    return queues


def per_second(rate: str) -> float:
    """queue.yaml's ``rate`` (``20/s``, ``90/m``) in dispatches a second."""
    number, _, unit = str(rate).partition("/")
    return float(number) / {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]


def seconds_of(text: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    return int(float(text[:-1]) * units[text[-1]])


class Run:
    """One size: the sandbox process, the service, the passes and the notification path."""

    def __init__(self, managers: int, quotas: str, changes: int, folder: Path):
        self.managers, self.quota_mode, self.changes = managers, quotas, changes
        self.folder = folder
        self.process: subprocess.Popen | None = None
        self.web = None
        self.results: dict = {"managers": managers}

    # --- setting up ----------------------------------------------------------------------
    def start(self) -> None:
        from benchmarks.scale_org import generate
        from workspace_sandbox import SandboxClient, running_sandbox
        began = time.perf_counter()
        self.org = generate(self.managers, self.folder / "seed", new_hires=self.changes)
        generated = time.perf_counter() - began
        sandbox_dir = self.folder / "sandbox"
        log = open(self.folder / "sandbox.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--sandbox-process", str(sandbox_dir),
             str(self.folder / "seed")], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 1800
        info = None
        while info is None:
            if self.process.poll() is not None:
                raise Failure(f"the sandbox process ended ({self.process.returncode}) while "
                              f"seeding; its log: {self.folder / 'sandbox.log'}:\n"
                              + (self.folder / "sandbox.log").read_text()[-3000:])
            if time.monotonic() > deadline:
                raise Failure("the sandbox did not start within 30 minutes")
            time.sleep(0.2)
            info = running_sandbox(sandbox_dir)
        self.client = SandboxClient(info["url"], info["ca_file"], timeout=600)
        self.client.call("GET", "/health")
        self.results["seed"] = {"people": len(self.org.people), "events": self.org.events,
                                "generate_s": generated,
                                "seed_s": json.loads((sandbox_dir / "seeded.json")
                                                     .read_text())["seconds"]}
        self.quotas = GOOGLE_QUOTAS if self.quota_mode == "google" else LIFTED
        self.client.quotas(**{g.replace(".", "_"): v for g, v in self.quotas.items()})
        self._service(info)

    def _service(self, info: dict) -> None:
        from google.api_core import exceptions
        from werkzeug.serving import make_server

        from flask_app import create_app
        from flask_app.adapters.cloud_tasks import client_for
        from flask_app.bootstrap import build
        from flask_app.config import load_settings
        from flask_app.domain.rollout import Rollout

        instance = self.folder / "coach"
        settings = load_settings({}, instance_dir=instance, google_api_root=info["url"],
                                 sandbox_ca=info["ca_file"], admin_email=self.org.admin,
                                 database_url=f"sqlite:///{instance / 'coach.sqlite'}",
                                 tasks="cloud")
        self.clock = OffsetClock(self.client)
        self.coach = build(settings, clock=self.clock)
        self.coach.store.save_rollout(Rollout(units=["/"]))  # HR enabled everyone
        self.answered = Counter()
        self.coach.workspace.clients.on_call = lambda method, _: self.answered.update([method])

        # the queues as queue.yaml makes them (the service would make the sandbox's defaults)
        specs = load_queue_yaml()
        self.tasks = client_for(self.client.service_account_key(), endpoint=self.client.url,
                                ca_file=self.client.ca_file)
        self.queue_names = [settings.tasks_queue, settings.tasks_first_queue]
        self.rates = {}
        for first, path in zip((False, True), self.queue_names):
            spec = specs[QUEUES[first]]
            retry = spec.get("retry_parameters", {})
            rate, concurrent = per_second(spec["rate"]), int(spec["max_concurrent_requests"])
            self.rates[QUEUES[first]] = {"rate": rate, "concurrent": concurrent}
            try:
                self.tasks.create_queue(parent=path.rpartition("/queues/")[0], queue={
                    "name": path,
                    "rate_limits": {"max_dispatches_per_second": rate,
                                    "max_concurrent_dispatches": concurrent},
                    "retry_config": {
                        "max_attempts": int(retry.get("task_retry_limit", 5)) + 1,
                        "min_backoff": {"seconds": int(retry.get("min_backoff_seconds", 30))},
                        "max_backoff": {"seconds": int(retry.get("max_backoff_seconds", 900))},
                        "max_doublings": int(retry.get("max_doublings", 4)),
                        "max_retry_duration": {"seconds": seconds_of(
                            retry.get("task_age_limit", "1h"))}}})
            except exceptions.GoogleAPICallError as error:
                raise Failure(f"the sandbox's Cloud Tasks refused queue.yaml's {path}: {error}")

        self.recorder = Recorder(create_app(coach=self.coach))
        self.web = make_server("127.0.0.1", 0, self.recorder, threaded=True)
        self.base = f"http://127.0.0.1:{self.web.server_port}"
        self.coach.settings = replace(self.coach.settings, public_url=self.base)
        threading.Thread(target=self.web.serve_forever, daemon=True).start()
        self.client.tasks_target(self.base)
        self.client.call("PUT", "/calendar/settings", json={"allowHttpReceivers": True})

    def stop(self) -> None:
        if self.web is not None:
            self.web.shutdown()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    # --- passes --------------------------------------------------------------------------
    def settle(self, deadline: float, step: float = 0.5) -> None:
        """Wait until every push message was delivered and no task is left, due or later.
        It looks lightly (once per ``step``, the push log only when no task is due), so that
        waiting costs the sandbox little: its own drain call would look every 25 ms."""
        while True:
            if time.monotonic() > deadline:
                raise Failure("the queue did not empty within the pass's time limit")
            if not self.client.drain_tasks(0)["drained"]:
                time.sleep(step)
                continue
            pending = sum(1 for d in self.client.call("GET", "/calendar/notifications")
                          ["notifications"] if d["status"] == "pending")
            if pending:
                time.sleep(min(10.0, max(step, pending / 20)))
                continue
            left_over = [t for name in self.queue_names
                         for t in self.tasks.list_tasks(parent=name)]
            if not left_over:
                return
            earliest = min(t.schedule_time.timestamp() for t in left_over)
            time.sleep(min(5.0, max(0.05, earliest - self.clock.now().timestamp())))

    def take(self) -> Counter:
        """Calls since the last take, by method, less the benchmark's own tasks.list."""
        counts = Counter()
        for row in self.client.call_log():
            if row["method"] != OWN_LISTING:
                counts[row["method"]] += row["count"]
        self.client.clear_calls()
        return counts

    def one_pass(self, label: str) -> dict:
        import requests
        self.take()
        self.answered.clear()
        self.recorder.reset()
        cpu_service, cpu_sandbox = time.process_time(), proc_cpu(self.process.pid)
        began, since = time.perf_counter(), self.clock.now()
        answer = requests.get(f"{self.base}/tasks/sync", headers=CRON, timeout=PASS_TIMEOUT)
        swept = time.perf_counter() - began
        if answer.status_code != 200:
            raise Failure(f"{label}: the sweep answered {answer.status_code}: {answer.text[:500]}")
        self.settle(time.monotonic() + PASS_TIMEOUT)
        wall = time.perf_counter() - began
        calls = self.take()
        tasks = list(self.recorder.tasks)
        failed = [t for t in tasks if t["status"] != 200 or t["outcome"] == "failed"]
        swept_tasks = [t["end"] for t in tasks if t["kind"] in ("sweep", "first sync")]
        lags = []
        for d in self.client.call("GET", "/calendar/notifications")["notifications"]:
            queued = datetime.fromisoformat(d["queuedAt"])
            if queued >= since and d.get("deliveredAt"):
                lags.append((datetime.fromisoformat(d["deliveredAt"]) - queued).total_seconds())
        return {"label": label, "sweep": answer.json(), "sweep_s": swept, "wall_s": wall,
                "sweep_tasks_s": (max(swept_tasks) - began) if swept_tasks else None,
                "push_lag_s": lags,
                "skipped": Counter(t["detail"] for t in tasks if t["outcome"] == "skipped"),
                "failures": Counter(f"{t['status']} {t['detail']}"[:200] for t in failed),
                "calls": dict(calls), "answered": dict(self.answered),
                "tasks": Counter(f"{t['kind']}: {t['outcome']}" for t in tasks),
                "task_ms": [t["ms"] for t in tasks if t["outcome"] == "synced"],
                "failed": len(failed), "notifications": dict(self.recorder.notifications),
                "cpu_service_s": time.process_time() - cpu_service,
                "cpu_sandbox_s": proc_cpu(self.process.pid) - cpu_sandbox}

    def passes(self) -> None:
        first = self.one_pass("first pass")
        store = self.coach.store
        with_docs = [p for p in store.pairs() if p.doc_id]
        expected = self.org.one_on_ones
        sections = sum(1 for p in with_docs if store.meetings(p.key))
        if len(with_docs) != expected or sections != expected:
            raise Failure(f"the first pass left {len(with_docs)} pair docs and {sections} with "
                          f"a section for {expected} one-on-ones")
        first["pairs"] = len(with_docs)
        # the next sweep, in the next 15-minute window (as cron runs it)
        now = self.clock.now().timestamp()
        self.clock.advance(900 - now % 900 + 1)
        unchanged = self.one_pass("unchanged pass")
        self.results["passes"] = [first, unchanged]
        self.results["synced_managers"] = first["sweep"]["enqueued"]

    # --- the notification path -----------------------------------------------------------
    def notification_path(self) -> None:
        from flask_app.adapters.google.clients import build_service
        from benchmarks.scale_org import NEW_HIRE_SLOT
        from zoneinfo import ZoneInfo
        store = self.coach.store
        clients = self.coach.workspace.clients
        handled, agenda = [], []
        self.take()
        for manager_email, hire in list(self.org.new_hires.items())[:self.changes]:
            manager = next(m for m in self.org.managers if m.email == manager_email)
            channel = store.channel(manager_email)
            if channel is None:
                raise Failure(f"{manager_email} has no push channel after the sweeps")
            zone = ZoneInfo(manager.zone)
            local = self.clock.now().astimezone(zone)
            day, hour, minute = NEW_HIRE_SLOT
            start = (local + timedelta(days=(day - local.weekday()) % 7 or 7)).replace(
                hour=hour, minute=minute, second=0, microsecond=0)
            calendar = build_service("calendar", clients.credentials("calendar", manager_email),
                                     clients.endpoints)
            seen = len(self.recorder.notified[channel.channel_id])
            t0 = time.perf_counter()
            calendar.events().insert(calendarId="primary", body={
                "summary": f"{manager.given} / {hire.given} 1:1",
                "start": {"dateTime": start.isoformat(), "timeZone": manager.zone},
                "end": {"dateTime": (start + timedelta(minutes=30)).isoformat(),
                        "timeZone": manager.zone},
                "attendees": [{"email": hire.email}],
                "recurrence": ["RRULE:FREQ=WEEKLY"]}).execute()
            while len(self.recorder.notified[channel.channel_id]) <= seen:
                if time.perf_counter() - t0 > 60:
                    raise Failure(f"no push message for {manager_email}'s new event in 60 s")
                time.sleep(0.005)
            t1 = self.recorder.notified[channel.channel_id][seen]
            self.clock.advance(35)  # the gathered task is due at the end of its 30-s window
            while True:
                pair = store.pair(manager_email, hire.email)
                meetings = store.meetings(pair.key) if pair and pair.doc_id else []
                if meetings:
                    break
                if time.perf_counter() - t0 > 180:
                    raise Failure(f"{manager_email}'s new one-on-one had no agenda 180 s after "
                                  "it was booked")
                time.sleep(0.01)
            t2 = time.perf_counter()
            doc = self.coach.workspace.docs(manager_email).get(pair.doc_id)
            if not doc.range(meetings[0].range_name):
                raise Failure(f"the store says {pair.doc_id} has the section, the doc has not")
            handled.append((t1 - t0) * 1000)
            agenda.append((t2 - t0) * 1000)
        self.settle(time.monotonic() + 600)
        self.results["notification"] = {"handled_ms": handled, "agenda_ms": agenda,
                                        "calls": dict(self.take())}

    def finish(self) -> None:
        self.results["service_maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.results["sandbox_hwm_kb"] = proc_status(self.process.pid, "VmHWM")
        self.results["quotas"] = self.quota_mode
        self.results["queues"] = self.rates


# --- printing -----------------------------------------------------------------------------------
def print_size(r: dict) -> None:
    m = r["synced_managers"]
    seed = r["seed"]
    print(f"\n=== {r['managers']:,} managers ({m:,} synced: with the directors, "
          f"vice-presidents and the CEO, whose calendars are empty), {r['passes'][0]['pairs']:,}"
          f" one-on-ones, {seed['people']:,} people, {seed['events']:,} seeded events ===")
    print(f"organisation generated in {seed['generate_s']:.1f} s, seeded into the sandbox in "
          f"{seed['seed_s']:.1f} s")
    if r["quotas"] == "google":
        print("quotas: Google's, per minute: " + "; ".join(
            f"{g} {q['per_project']:,}/project {q['per_user']:,}/user"
            for g, q in GOOGLE_QUOTAS.items()))
    else:
        print("quotas: LIFTED (the quota-bound times below are computed from the calls)")
    print("queues: queue.yaml's " + "; ".join(
        f"{name} {q['rate']:g} dispatches/s, {q['concurrent']} concurrent"
        for name, q in r["queues"].items()))
    for p in r["passes"]:
        task_ms = p["task_ms"]
        print(f"\n{p['label']}: sweep request {p['sweep_s']:.1f} s ({p['sweep']}); the "
              f"sweep's tasks all done after {p['sweep_tasks_s'] or 0:.1f} s; queue empty and "
              f"every push message delivered after {p['wall_s']:.1f} s")
        print("  tasks: " + ", ".join(f"{k} {n}" for k, n in sorted(p["tasks"].items()))
              + (f"; {p['failed']} FAILED: {dict(p['failures'])}" if p["failed"] else ""))
        if p["skipped"]:
            print(f"  skipped, why: {dict(p['skipped'])}")
        lags = p["push_lag_s"]
        if lags:
            print(f"  push messages from the sandbox: {len(lags)}, queued -> delivered median "
                  f"{statistics.median(lags):.1f} s, max {max(lags):.1f} s")
        if task_ms:
            print(f"  task server time (synced): median {statistics.median(task_ms):.0f} ms, "
                  f"p95 {percentile(task_ms, 0.95):.0f} ms, mean "
                  f"{statistics.fmean(task_ms):.0f} ms")
        print(f"  notifications handled: {p['notifications'] or 'none'}")
        ntasks = sum(p["tasks"].values())
        api = sum(n for method, n in p["calls"].items() if quota_group(method))
        print(f"  CPU: service process {p['cpu_service_s']:.1f} s "
              f"({p['cpu_service_s'] * 1000 / max(1, ntasks):.0f} ms per task), sandbox "
              f"process {p['cpu_sandbox_s']:.1f} s ({p['cpu_sandbox_s'] * 1000 / max(1, api):.1f}"
              f" ms per Google API call)")
        calls, answered = p["calls"], p["answered"]
        print(f"  {'calls per synced manager':40} {'logged':>8} {'refused':>8}")
        for method in sorted(calls):
            refused = max(0, calls[method] - answered.get(method, 0)) if quota_group(method) \
                else 0
            print(f"  {method:40} {calls[method] / m:8.3f} {refused / m:8.3f}")
        total = sum(calls.values())
        print(f"  {'all':40} {total / m:8.3f}")
        writes = answered.get("docs.documents.batchUpdate", 0)
        print(f"  Docs write quota alone: {writes:,} batchUpdate ÷ 600/min = "
              f"{writes / 600:.1f} min; {quota_bound(answered)}")
    n = r["notification"]
    if n["agenda_ms"]:
        print(f"\nnotification path, {len(n['agenda_ms'])} managers booking a weekly one-on-one "
              "with a new hire, one after another (the sandbox clock moved on 35 s after each "
              "message, so the service's gather wait of 1-31 s is NOT included):")
        for name, values in (("insert -> message handled", n["handled_ms"]),
                             ("insert -> agenda in the doc", n["agenda_ms"])):
            print(f"  {name:30} median {statistics.median(values):7.0f} ms, "
                  f"p95 {percentile(values, 0.95):7.0f} ms")
        print(f"  calls: {dict(sorted(n['calls'].items()))}")
    print(f"\npeak memory (max RSS): service process {r['service_maxrss_kb'] / 1024:.0f} MiB "
          f"(getrusage ru_maxrss), sandbox process {r['sandbox_hwm_kb'] / 1024:.0f} MiB "
          "(/proc VmHWM)")
    sys.stdout.flush()


def quota_bound(counts: dict) -> str:
    """The minutes each quota group's per-project limit needs for ``counts`` calls."""
    groups = Counter()
    for method, n in counts.items():
        group = quota_group(method)
        if group:
            groups[group] += n
    bound = {g: n / GOOGLE_QUOTAS[g]["per_project"] for g, n in groups.items()}
    return "quota-bound minutes: " + ", ".join(f"{g} {v:.2f}" for g, v in sorted(bound.items()))


def print_projection(runs: list[dict]) -> None:
    r = runs[-1]
    m, managers = r["synced_managers"], r["managers"]
    scale = PROJECTED / managers
    print(f"\n=== PROJECTION (not measured) to {PROJECTED:,} managers, "
          f"{round(m * scale):,} synced, scaled from the {managers:,}-manager run ===")
    for p in r["passes"]:
        answered = p["answered"]
        groups = Counter()
        for method, n in answered.items():
            group = quota_group(method)
            if group:
                groups[group] += n * scale
        queue = r["queues"][QUEUES[p["label"] == "first pass"]]
        rate, concurrent = queue["rate"], queue["concurrent"]
        measured = sum(p["tasks"].values())
        tasks = measured * scale
        ms = statistics.fmean(p["task_ms"]) if p["task_ms"] else 0.0
        cpu_ms = p["cpu_service_s"] * 1000 / max(1, measured)
        bounds = {"queue rate": tasks / rate,
                  "concurrency": tasks * ms / 1000 / concurrent}
        for group, n in groups.items():
            bounds[f"{group} quota"] = n / GOOGLE_QUOTAS[group]["per_project"] * 60
        binding = max(bounds, key=bounds.get)
        print(f"\n{p['label']}: {tasks:,.0f} tasks, "
              + ", ".join(f"{g} {n:,.0f} calls" for g, n in sorted(groups.items())))
        print("  lower bounds on the pass: " + "; ".join(
            f"{k} {v / 60:.1f} min" for k, v in bounds.items()))
        print(f"  -> at least {bounds[binding] / 60:.1f} min, bound by {binding}; the "
              f"concurrency bound takes the mean task server time measured here ({ms:.0f} ms, "
              f"tasks sharing 2 cores with the sandbox); with the service's CPU per "
              f"task alone ({cpu_ms:.0f} ms) it would be "
              f"{tasks * cpu_ms / 1000 / concurrent / 60:.1f} min. Tasks re-enqueued after "
              "rate limits come on top")
        sweep = p["sweep_s"] * scale
        from flask_app.services.fanout import ENQUEUERS
        print(f"  the sweep request alone (/tasks/sync: one enqueue per manager, "
              f"{ENQUEUERS} at a time): {sweep / 60:.1f} min if linear, against App Engine's "
              "10-minute limit "
              "for cron requests on automatic scaling")
        if p["label"] == "unchanged pass":
            window = 15 * 60 * rate
            print(f"  cron sweeps every 15 min enqueue {round(m * scale):,} tasks; the queue "
                  f"dispatches at most {window:,.0f} in 15 min at {rate:g}/s")
    small = runs[0]
    if small["managers"] == managers:
        print("memory: not projected (it needs two sizes for its fixed part and its slope)")
        return
    for name, key in (("service", "service_maxrss_kb"), ("sandbox", "sandbox_hwm_kb")):
        slope = (r[key] - small[key]) / (managers - small["managers"])
        if slope <= 0:
            print(f"peak memory of the {name} process: no growth measured "
                  f"({small[key] / 1024:.0f} MiB at {small['managers']:,} managers, "
                  f"{r[key] / 1024:.0f} MiB at {managers:,}): its fixed part dominates")
            continue
        print(f"peak memory of the {name} process, on the line through the "
              f"{small['managers']:,} and {managers:,} runs: "
              f"{(r[key] + slope * (PROJECTED - managers)) / 1024:,.0f} MiB "
              f"({slope:.1f} kB per manager)")


# --- entry points -------------------------------------------------------------------------------
def run_size(managers: int, quotas: str, changes: int, out: Path) -> None:
    logging.basicConfig(level=logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix=f"coach-scale-{managers}-"))
    run = Run(managers, quotas, changes, folder)
    try:
        run.start()
        run.passes()
        run.notification_path()
        run.finish()
    except BaseException:
        run.stop()
        print(f"(the run's folder is kept: {folder})", file=sys.stderr)
        raise
    run.stop()
    shutil.rmtree(folder, ignore_errors=True)
    out.write_text(json.dumps(run.results))
    print_size(run.results)
    failed = sum(p["failed"] for p in run.results["passes"])
    if failed:
        raise Failure(f"{failed} tasks failed (see the passes above)")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--sandbox-process"]:
        serve_sandbox(argv[1], argv[2])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("managers", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--quotas", choices=("google", "lifted"), default="google")
    parser.add_argument("--changes", type=int, default=20, help="K, the notification path's "
                        "bookings (default 20)")
    parser.add_argument("--size", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.size:
        try:
            run_size(args.managers[0], args.quotas, args.changes, Path(args.out))
        except Failure as failure:
            print(f"scale benchmark failed at {args.managers[0]} managers: {failure}",
                  file=sys.stderr)
            return 1
        return 0
    if any(n < 1 for n in args.managers) or args.changes < 1:
        parser.error("sizes and K must be positive")
    print("One-on-One Coach at organisation scale, on the Workspace sandbox (its own process), "
          "fanned out on its Cloud Tasks")
    sys.stdout.flush()
    runs = []
    for managers in args.managers:
        quotas = args.quotas
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            out = Path(handle.name)
        began = time.perf_counter()
        done = subprocess.run([sys.executable, __file__, str(managers), "--size", "--quotas",
                               quotas, "--changes", str(min(args.changes, managers)),
                               "--out", str(out)], cwd=ROOT)
        if done.returncode != 0:
            print(f"scale benchmark: the {managers}-manager run failed (exit "
                  f"{done.returncode}); see above", file=sys.stderr)
            return 1
        runs.append(json.loads(out.read_text()))
        out.unlink()
        print(f"({managers:,} managers took {time.perf_counter() - began:.0f} s in all)")
    print_projection(sorted(runs, key=lambda r: r["managers"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
