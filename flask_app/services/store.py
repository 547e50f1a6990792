"""The service's state, behind one small interface (the port) and its records.

The store keeps metadata only: sync tokens, which doc belongs to which pair, which meetings
have a section and when notes were gathered. Note text never comes here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass
class ManagerState:
    """One manager's calendar sync: token and the cached one-on-one-relevant events."""

    email: str
    enabled: bool = True
    sync_token: str | None = None
    events: dict[str, dict] = field(default_factory=dict)
    synced_at: datetime | None = None


@dataclass
class PairRecord:
    """The running doc of one manager–report pair."""

    manager: str
    report: str
    doc_id: str | None = None
    shared_with: list[str] = field(default_factory=list)
    attached_to: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return pair_key(self.manager, self.report)


@dataclass
class MeetingRecord:
    """One occurrence's section in the pair doc and what became of its notes."""

    pair: str
    occurrence: str
    range_name: str
    start: datetime
    title: str
    content_hash: str
    status: str = "scheduled"  # scheduled | cancelled | removed
    gathered_at: datetime | None = None
    filled: bool | None = None
    answers: int = 0


@dataclass
class PlanRecord:
    """An employee's development-plan doc."""

    employee: str
    doc_id: str
    manager: str
    shared_with: list[str] = field(default_factory=list)


def pair_key(manager: str, report: str) -> str:
    return f"{manager.lower()}|{report.lower()}"


class Store(Protocol):
    """What the service reads and writes; SQLAlchemy in production, the same in tests."""

    def manager(self, email: str) -> ManagerState | None: ...
    def save_manager(self, state: ManagerState) -> None: ...
    def managers(self, *, enabled_only: bool = True) -> list[ManagerState]: ...
    def pair(self, manager: str, report: str) -> PairRecord | None: ...
    def save_pair(self, record: PairRecord) -> None: ...
    def pairs(self, manager: str | None = None) -> list[PairRecord]: ...
    def meetings(self, pair: str) -> list[MeetingRecord]: ...
    def save_meeting(self, record: MeetingRecord) -> None: ...
    def plan(self, employee: str) -> PlanRecord | None: ...
    def save_plan(self, record: PlanRecord) -> None: ...
    def plans(self) -> list[PlanRecord]: ...
