"""A small organisation on the in-memory fakes: Ana manages Bo and Fang; weekly one-on-ones."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from flask_app.adapters.templates import load_templates
from flask_app.domain.events import Attendee, CalendarEvent
from flask_app.domain.people import Directory, Person
from flask_app.domain.rollout import Rollout
from flask_app.services.passes import SyncPass
from flask_app.services.rollout import RolloutService
from flask_app.services.sync import ManagerSync, SyncSettings
from tests.fakes.clock import FakeClock
from tests.fakes.store import MemoryStore
from tests.fakes.workspace import FakeGoogle, FakeWorkspace

ANA, BO, FANG = "ana@example.com", "bo@example.com", "fang@example.com"
MONDAY = datetime(2026, 11, 30, 6, tzinfo=timezone.utc)  # a Monday, 06:00 UTC
TEMPLATES = load_templates(Path(__file__).parents[2] / "agendas")


def org() -> Directory:
    return Directory([Person(ANA, "Ana Silva"), Person(BO, "Bo Nilsson", manager_email=ANA),
                      Person(FANG, "Fang Wang", manager_email=ANA)])


def weekly(event_id: str, manager: str, report: str, first: datetime,
           title: str = "1:1") -> CalendarEvent:
    return CalendarEvent(event_id, title, first, first + timedelta(minutes=30),
                         organizer_email=manager,
                         attendees=(Attendee(manager, response_status="accepted",
                                             organizer=True),
                                    Attendee(report, response_status="accepted")),
                         recurring=True, recurrence=("RRULE:FREQ=WEEKLY",))


class Org:
    """The fakes, the store, the clock and the services over them."""

    def __init__(self, people: Directory | None = None):
        self.google = FakeGoogle(people or org())
        self.workspace = FakeWorkspace(self.google)
        self.store = MemoryStore()
        self.clock = FakeClock(MONDAY)
        self.sync = ManagerSync(self.workspace, self.store, self.clock, TEMPLATES,
                                SyncSettings(), sleep=lambda seconds: None)
        self.google.put_event(weekly("ab", ANA, BO, MONDAY + timedelta(days=1, hours=4)))
        self.store.save_rollout(Rollout(units=["/"]))  # the whole organisation

    def run(self, manager: str = ANA, **kw):
        return self.sync.run(manager, self.google.people, **kw)

    def pass_(self, **kw):
        return SyncPass(self.workspace, self.store, self.sync, self.rollout()).run(**kw)

    def rollout(self) -> RolloutService:
        return RolloutService(self.store, self.workspace, self.clock)

    def doc(self, manager: str = ANA, report: str = BO):
        record = self.store.pair(manager, report)
        return self.workspace.docs(manager).get(record.doc_id)

    def meetings(self, manager: str = ANA, report: str = BO):
        record = self.store.pair(manager, report)
        return sorted(self.store.meetings(record.key), key=lambda m: m.start)


@pytest.fixture
def world() -> Org:
    return Org()
