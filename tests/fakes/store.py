"""The Store port in memory."""
from __future__ import annotations

import copy
import threading
from contextlib import contextmanager

from dataclasses import replace

from flask_app.domain.records import LeaseRecord
from flask_app.domain.rollout import Rollout


class MemoryStore:
    def __init__(self):
        self._lock = threading.RLock()
        self._world: str | None = None
        self._wipe()

    def _wipe(self):
        self._managers, self._pairs, self._meetings = {}, {}, {}
        self._plans, self._entries, self._leases, self._marks = {}, {}, {}, {}
        self._rollout, self._opt_outs, self._grants, self._audit = Rollout(), {}, {}, []
        self._templates, self._signins = {}, {}
        self._cohorts, self._cohort_quarters, self._channels = {}, {}, {}

    @contextmanager
    def transaction(self):
        with self._lock:
            yield

    def _put(self, table: dict, key, record) -> None:
        with self._lock:
            table[key] = copy.deepcopy(record)

    def _copy(self, record):
        return copy.deepcopy(record)

    def manager(self, email):
        return self._copy(self._managers.get(email.lower()))

    def managers(self):
        return [self._copy(m) for m in self._managers.values()]

    def last_synced(self):
        return {m.email: m.synced_at for m in self._managers.values()
                if m.sync_token is not None and m.synced_at is not None}

    def save_manager(self, state):
        self._put(self._managers, state.email.lower(), state)

    def pair(self, manager, report):
        return self._copy(self._pairs.get((manager.lower(), report.lower())))

    def pairs(self, manager=None):
        return [self._copy(p) for (m, _), p in sorted(self._pairs.items())
                if manager is None or m == manager.lower()]

    def save_pair(self, record):
        self._put(self._pairs, (record.manager.lower(), record.report.lower()), record)

    def pair_with_doc(self, doc_id):
        return next((self._copy(p) for p in self._pairs.values() if p.doc_id == doc_id), None)

    def mark(self, event_id):
        return self._copy(self._marks.get(event_id))

    def marks(self):
        return [self._copy(m) for m in self._marks.values()]

    def save_mark(self, mark):
        self._put(self._marks, mark.event_id, mark)

    def meetings(self, pair):
        return [self._copy(m) for (p, _), m in self._meetings.items() if p == pair]

    def save_meeting(self, record):
        self._put(self._meetings, (record.pair, record.occurrence), record)

    def plan(self, employee):
        return self._copy(self._plans.get(employee.lower()))

    def plans(self):
        return [self._copy(p) for p in self._plans.values()]

    def save_plan(self, record):
        self._put(self._plans, record.employee.lower(), record)

    def plan_entries(self, employee):
        return [self._copy(e) for (who, _), e in self._entries.items() if who == employee.lower()]

    def save_plan_entry(self, record):
        self._put(self._entries, (record.employee.lower(), record.occurrence), record)

    def rollout(self):
        return self._copy(self._rollout)

    def save_rollout(self, rollout):
        with self._lock:
            self._rollout = copy.deepcopy(rollout)

    def opt_outs(self):
        return [self._copy(o) for o in self._opt_outs.values()]

    def save_opt_out(self, record):
        self._put(self._opt_outs, record.email.lower(), replace(record, email=record.email.lower()))

    def remove_opt_out(self, email):
        with self._lock:
            self._opt_outs.pop(email.lower(), None)

    def grant(self, email, kind):
        return self._copy(self._grants.get((email.lower(), kind)))

    def grants(self, kind):
        return [self._copy(g) for (_, k), g in self._grants.items() if k == kind]

    def save_grant(self, grant):
        self._put(self._grants, (grant.email.lower(), grant.kind),
                  replace(grant, email=grant.email.lower()))

    def delete_grant(self, email, kind):
        with self._lock:
            self._grants.pop((email.lower(), kind), None)

    def record(self, entry):
        with self._lock:
            self._audit.append(copy.deepcopy(entry))

    def audit(self, limit=None):
        found = sorted(self._audit, key=lambda e: e.at, reverse=True)
        return [self._copy(e) for e in (found[:limit] if limit else found)]

    def templates(self):
        return [self._copy(t) for t in self._templates.values()]

    def save_template(self, template):
        self._put(self._templates, template.name, template)

    def channel(self, manager):
        return self._copy(self._channels.get(manager.lower()))

    def channel_by_id(self, channel_id):
        return next((self._copy(c) for c in self._channels.values()
                     if c.channel_id == channel_id), None)

    def channels(self):
        return [self._copy(c) for c in self._channels.values()]

    def save_channel(self, record):
        self._put(self._channels, record.manager, record)

    def delete_channel(self, manager):
        with self._lock:
            self._channels.pop(manager.lower(), None)

    def cohorts(self, quarter):
        return sorted((self._copy(c) for (q, _), c in self._cohorts.items() if q == quarter),
                      key=lambda c: c.number)

    def save_cohort(self, record):
        self._put(self._cohorts, (record.quarter, record.number), record)

    def delete_cohort(self, quarter, number):
        with self._lock:
            self._cohorts.pop((quarter, number), None)

    def cohort_quarter(self, quarter):
        return self._copy(self._cohort_quarters.get(quarter))

    def save_cohort_quarter(self, record):
        self._put(self._cohort_quarters, record.quarter, record)

    def save_signin(self, request):
        self._put(self._signins, request.state, request)

    def take_signin(self, state):
        with self._lock:
            return self._signins.pop(state, None)

    def take_lease(self, name, owner, until, now):
        with self._lock:
            held = self._leases.get(name)
            if held is not None and held.owner != owner and held.until > now:
                return False
            flagged = held is not None and held.flagged
            self._leases[name] = LeaseRecord(name, owner, until, flagged)
            return True

    def flag_lease(self, name, now):
        with self._lock:
            held = self._leases.get(name)
            if held is None or held.until <= now:
                return False
            self._leases[name] = replace(held, flagged=True)
            return True

    def lease_flagged(self, name, owner):
        with self._lock:
            held = self._leases.get(name)
            if held is None or held.owner != owner or not held.flagged:
                return False
            self._leases[name] = replace(held, flagged=False)
            return True

    def release_lease(self, name, owner):
        with self._lock:
            held = self._leases.get(name)
            if held is None or held.owner != owner:
                return False
            del self._leases[name]
            return held.flagged

    def lease(self, name):
        return self._leases.get(name)

    def world(self):
        return self._world

    def forget_workspace(self, world):
        with self._lock:
            self._wipe()
            self._world = world
