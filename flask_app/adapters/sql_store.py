"""The store on SQLAlchemy: SQLite by default, PostgreSQL (Cloud SQL) in production."""
from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from ..services.store import ManagerState, MeetingRecord, PairRecord, PlanRecord


class _Base(DeclarativeBase):
    pass


class _Manager(_Base):
    __tablename__ = "managers"
    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    sync_token: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    events: Mapped[dict] = mapped_column(JSON, default=dict)
    synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class _Pair(_Base):
    __tablename__ = "pairs"
    manager: Mapped[str] = mapped_column(String(320), primary_key=True)
    report: Mapped[str] = mapped_column(String(320), primary_key=True)
    doc_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    shared_with: Mapped[list] = mapped_column(JSON, default=list)
    attached_to: Mapped[list] = mapped_column(JSON, default=list)


class _Meeting(_Base):
    __tablename__ = "meetings"
    pair: Mapped[str] = mapped_column(String(650), primary_key=True)
    occurrence: Mapped[str] = mapped_column(String(1100), primary_key=True)
    range_name: Mapped[str] = mapped_column(String(256))
    start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    title: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    gathered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    filled: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    answers: Mapped[int] = mapped_column(Integer, default=0)


class _Plan(_Base):
    __tablename__ = "plans"
    employee: Mapped[str] = mapped_column(String(320), primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(128))
    manager: Mapped[str] = mapped_column(String(320))
    shared_with: Mapped[list] = mapped_column(JSON, default=list)


def _aware(value):
    """SQLite drops time zones; everything is stored in UTC."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def _record(cls, row):
    return cls(**{f.name: _aware(getattr(row, f.name)) for f in fields(cls)})


class SqlStore:
    """:class:`~flask_app.services.store.Store` over a SQLAlchemy engine."""

    def __init__(self, url: str):
        self.engine = create_engine(url)
        _Base.metadata.create_all(self.engine)

    def _get(self, model, cls, *key):
        with Session(self.engine) as session:
            row = session.get(model, key)
            return _record(cls, row) if row else None

    def _save(self, model, record) -> None:
        values = {k: v.astimezone(timezone.utc) if isinstance(v, datetime) else v
                  for k, v in asdict(record).items()}
        with Session(self.engine) as session, session.begin():
            session.merge(model(**values))

    def _all(self, model, cls, *where):
        with Session(self.engine) as session:
            return [_record(cls, row) for row in session.scalars(select(model).where(*where))]

    def manager(self, email):
        return self._get(_Manager, ManagerState, email)

    def save_manager(self, state):
        self._save(_Manager, state)

    def managers(self, *, enabled_only=True):
        return self._all(_Manager, ManagerState, *([_Manager.enabled.is_(True)] if enabled_only
                                                   else []))

    def pair(self, manager, report):
        return self._get(_Pair, PairRecord, manager, report)

    def save_pair(self, record):
        self._save(_Pair, record)

    def pairs(self, manager=None):
        return self._all(_Pair, PairRecord, *([_Pair.manager == manager] if manager else []))

    def meetings(self, pair):
        return self._all(_Meeting, MeetingRecord, _Meeting.pair == pair)

    def save_meeting(self, record):
        self._save(_Meeting, record)

    def plan(self, employee):
        return self._get(_Plan, PlanRecord, employee)

    def save_plan(self, record):
        self._save(_Plan, record)

    def plans(self):
        return self._all(_Plan, PlanRecord)
