"""The Store port on SQLAlchemy: SQLite by default, PostgreSQL (Cloud SQL) in production.

Rows are written with the database's own upsert (``INSERT … ON CONFLICT DO UPDATE``), so two
workers saving the same row never raise a duplicate-key error; a lease is one conditional
statement, so it holds across threads and processes alike.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import asdict, fields, replace
from datetime import date, datetime, timezone
from functools import cache
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (JSON, Boolean, DateTime, Integer, String, Text, create_engine, delete,
                        event, insert, inspect, or_, select, update)
from sqlalchemy import false as sa_false
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from ..domain.events import Attachment, Attendee, CalendarEvent
from ..domain.marks import EventMark
from ..domain.records import (AuditEntry, ChannelRecord, CohortQuarter, CohortRecord, Grant, LeaseRecord,
                              ManagerState, MeetingRecord, OptOut, PairRecord, PlanEntryRecord,
                              PlanRecord, SigninRequest, StoredTemplate)
from ..domain.rollout import Rollout
from ..errors import ConfigError

FIRST_REVISION = "0001"  # the schema as it was when migrations began


class _Base(DeclarativeBase):
    pass


metadata = _Base.metadata  # the schema Alembic's migrations (adapters/migrations) build


class _Manager(_Base):
    __tablename__ = "managers"
    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    sync_token: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    events: Mapped[dict] = mapped_column(JSON, default=dict)
    synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    failure: Mapped[str | None] = mapped_column(String(300), nullable=True)
    time_zone: Mapped[str] = mapped_column(String(64), default="")


class _Pair(_Base):
    __tablename__ = "pairs"
    manager: Mapped[str] = mapped_column(String(320), primary_key=True)
    report: Mapped[str] = mapped_column(String(320), primary_key=True)
    doc_id: Mapped[str | None] = mapped_column(String(128), nullable=True, index=True)
    shared_with: Mapped[list] = mapped_column(JSON, default=list)
    attached_to: Mapped[list] = mapped_column(JSON, default=list)
    zones: Mapped[dict] = mapped_column(JSON, default=dict)
    zones_checked: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                           nullable=True)


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
    questions_answered: Mapped[int] = mapped_column(Integer, default=0)
    commitments: Mapped[int] = mapped_column(Integer, default=0)
    concrete: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    pulse: Mapped[int | None] = mapped_column(Integer, nullable=True)
    carried: Mapped[int] = mapped_column(Integer, default=0)
    carried_done: Mapped[int] = mapped_column(Integer, default=0)
    notes_hash: Mapped[str] = mapped_column(String(64), default="")
    prepared: Mapped[int | None] = mapped_column(Integer, nullable=True)
    feedback: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    oldest_open_days: Mapped[int | None] = mapped_column(Integer, nullable=True)


class _Plan(_Base):
    __tablename__ = "plans"
    employee: Mapped[str] = mapped_column(String(320), primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(128))
    manager: Mapped[str] = mapped_column(String(320))
    shared_with: Mapped[list] = mapped_column(JSON, default=list)
    summary_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    revision: Mapped[str | None] = mapped_column(String(200), nullable=True)
    layout: Mapped[dict] = mapped_column(JSON, default=dict)


class _PlanEntry(_Base):
    __tablename__ = "plan_entries"
    employee: Mapped[str] = mapped_column(String(320), primary_key=True)
    occurrence: Mapped[str] = mapped_column(String(1100), primary_key=True)
    range_name: Mapped[str] = mapped_column(String(256))
    content_hash: Mapped[str] = mapped_column(String(64))
    objective_hash: Mapped[str] = mapped_column(String(64), default="")


class _Mark(_Base):
    __tablename__ = "event_marks"
    event_id: Mapped[str] = mapped_column(String(1100), primary_key=True)
    one_on_one: Mapped[bool] = mapped_column(Boolean)
    marked_by: Mapped[str] = mapped_column(String(320))
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class _Rollout(_Base):
    __tablename__ = "rollout"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # one row
    mode: Mapped[str] = mapped_column(String(16))
    units: Mapped[list] = mapped_column(JSON, default=list)
    groups: Mapped[list] = mapped_column(JSON, default=list)
    reuse_docs: Mapped[bool] = mapped_column(Boolean, default=False)
    unit_templates: Mapped[dict] = mapped_column(JSON, default=dict)
    changed_by: Mapped[str] = mapped_column(String(320), default="")
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class _OptOut(_Base):
    __tablename__ = "opt_outs"
    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class _Grant(_Base):
    __tablename__ = "grants"
    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    token: Mapped[str] = mapped_column(Text)
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    granted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class _Audit(_Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[str] = mapped_column(String(1100))
    manager: Mapped[str] = mapped_column(String(320), default="")


class _Template(_Base):
    __tablename__ = "templates"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    uploaded_by: Mapped[str] = mapped_column(String(320))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class _Signin(_Base):
    __tablename__ = "signin_requests"
    state: Mapped[str] = mapped_column(String(200), primary_key=True)
    verifier: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(16))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class _Cohort(_Base):
    __tablename__ = "cohorts"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    members: Mapped[list] = mapped_column(JSON, default=list)
    pairs: Mapped[list] = mapped_column(JSON, default=list)
    start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    conflicts: Mapped[list] = mapped_column(JSON, default=list)
    event_id: Mapped[str] = mapped_column(String(1100), default="")
    doc_id: Mapped[str] = mapped_column(String(128), default="")
    invited: Mapped[list] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)


class _CohortQuarter(_Base):
    __tablename__ = "cohort_quarters"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    message: Mapped[str] = mapped_column(String(500))
    unplaced: Mapped[list] = mapped_column(JSON, default=list)
    organizer: Mapped[str] = mapped_column(String(320), default="")
    changed_by: Mapped[str] = mapped_column(String(320), default="")
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class _Channel(_Base):
    __tablename__ = "channels"
    manager: Mapped[str] = mapped_column(String(320), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(64), unique=True)
    resource_id: Mapped[str] = mapped_column(String(200))
    token_digest: Mapped[str] = mapped_column(String(64))
    expiration: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class _Lease(_Base):
    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(400), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class _Setting(_Base):
    __tablename__ = "settings"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(2000))


_LEARNT = (_Manager, _Pair, _Meeting, _Plan, _PlanEntry, _Mark, _Lease, _Rollout, _OptOut,
           _Grant, _Audit, _Template, _Signin, _Cohort, _CohortQuarter, _Channel)  # what a Workspace taught us


# --- the schema's migrations (Alembic) -------------------------------------------------------
def _alembic() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return config


@cache
def head() -> str:
    """The newest schema revision."""
    return ScriptDirectory.from_config(_alembic()).get_current_head()


def schema_revision(engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine) -> None:
    """Bring the database to the newest schema. An empty one is made as the models say and
    stamped (Alembic's recipe for a new database); one made before migrations existed is
    stamped at the first revision, then upgraded."""
    with engine.begin() as connection:
        tables = set(inspect(connection).get_table_names())
        config = _alembic()
        config.attributes["connection"] = connection
        if not tables - {"alembic_version"}:
            metadata.create_all(connection)
            command.stamp(config, "head")
        elif "alembic_version" not in tables:  # made by create_all, before migrations
            metadata.create_all(connection)
            command.stamp(config, FIRST_REVISION)
            command.upgrade(config, "head")
        else:
            command.upgrade(config, "head")


def _aware(value):
    """SQLite drops time zones; everything is stored in UTC."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def _utc(value):
    return value.astimezone(timezone.utc) if isinstance(value, datetime) else value


class SqlStore:
    """:class:`~flask_app.ports.Store` over a SQLAlchemy engine."""

    def __init__(self, url: str, *, migrate: bool = False):
        """:raises ConfigError: the database is not at the newest schema and ``migrate`` is
            off (``coach db upgrade`` brings it there)."""
        self.engine = create_engine(url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._local = threading.local()
        if migrate:
            upgrade(self.engine)
        else:
            found = schema_revision(self.engine)
            if found != head():
                raise ConfigError(f"The database ({self.engine.url.render_as_string()}) is at "
                                  f"schema {found or 'none'}, not {head()}: run `coach db "
                                  "upgrade`.")

    # --- sessions ------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        if getattr(self._local, "session", None) is not None:
            yield  # already inside one: it commits at its end
            return
        with Session(self.engine) as session, session.begin():
            self._local.session = session
            try:
                yield
            finally:
                self._local.session = None

    @contextmanager
    def _session(self) -> Iterator[Session]:
        session = getattr(self._local, "session", None)
        if session is not None:
            yield session
            return
        with Session(self.engine) as session, session.begin():
            yield session

    def _upsert(self, model, values: dict) -> None:
        keys = [column.name for column in model.__table__.primary_key.columns]
        dialect = {"sqlite": sqlite, "postgresql": postgresql}.get(self.engine.dialect.name)
        with self._session() as session:
            if dialect is None:
                session.merge(model(**values))
                return
            statement = dialect.insert(model).values(**values)
            changed = {k: v for k, v in values.items() if k not in keys}
            statement = (statement.on_conflict_do_update(index_elements=keys, set_=changed)
                         if changed else statement.on_conflict_do_nothing(index_elements=keys))
            session.execute(statement)

    def _save(self, model, record) -> None:
        self._upsert(model, {k: _utc(v) for k, v in asdict(record).items()})

    def _get(self, model, cls, *key):
        with self._session() as session:
            row = session.get(model, key)
            return _record(cls, row) if row else None

    def _all(self, model, cls, *where):
        with self._session() as session:
            return [_record(cls, row) for row in session.scalars(select(model).where(*where))]

    # --- managers ------------------------------------------------------------------------------
    def manager(self, email):
        with self._session() as session:
            row = session.get(_Manager, email.lower())
            return _manager(row) if row else None

    def managers(self):
        with self._session() as session:
            return [_manager(row) for row in session.scalars(select(_Manager))]

    def last_synced(self):
        with self._session() as session:
            rows = session.execute(select(_Manager.email, _Manager.synced_at).where(
                _Manager.sync_token.is_not(None), _Manager.synced_at.is_not(None)))
            return {email: _aware(at) for email, at in rows}

    def save_manager(self, state):
        self._upsert(_Manager, {
            "email": state.email.lower(), "sync_token": state.sync_token,
            "events": {key: encode_event(e) for key, e in state.events.items()},
            "synced_at": _utc(state.synced_at), "failure": state.failure,
            "time_zone": state.time_zone})

    # --- pairs, meetings, plans ----------------------------------------------------------------
    def pair(self, manager, report):
        return self._get(_Pair, PairRecord, manager.lower(), report.lower())

    def pairs(self, manager=None):
        return self._all(_Pair, PairRecord, *([_Pair.manager == manager.lower()] if manager
                                              else []))

    def save_pair(self, record):
        self._save(_Pair, record)

    def pair_with_doc(self, doc_id):
        found = self._all(_Pair, PairRecord, _Pair.doc_id == doc_id)
        return found[0] if found else None

    def meetings(self, pair):
        return self._all(_Meeting, MeetingRecord, _Meeting.pair == pair)

    def save_meeting(self, record):
        self._save(_Meeting, record)

    def plan(self, employee):
        return self._get(_Plan, PlanRecord, employee.lower())

    def plans(self):
        return self._all(_Plan, PlanRecord)

    def save_plan(self, record):
        self._save(_Plan, record)

    def plan_entries(self, employee):
        return self._all(_PlanEntry, PlanEntryRecord, _PlanEntry.employee == employee.lower())

    def save_plan_entry(self, record):
        self._save(_PlanEntry, record)

    # --- marks ---------------------------------------------------------------------------------
    def mark(self, event_id):
        return self._get(_Mark, EventMark, event_id)

    def marks(self):
        return self._all(_Mark, EventMark)

    def save_mark(self, mark):
        self._save(_Mark, mark)

    # --- rollout, opt-outs, grants ------------------------------------------------------------
    def rollout(self):
        with self._session() as session:
            row = session.get(_Rollout, 1)
            if row is None:
                return Rollout()
            return Rollout(row.mode, list(row.units), list(row.groups), row.reuse_docs,
                           dict(row.unit_templates), row.changed_by, _aware(row.changed_at))

    def save_rollout(self, rollout):
        self._upsert(_Rollout, {"id": 1, **{k: _utc(v) for k, v in asdict(rollout).items()}})

    def opt_outs(self):
        return self._all(_OptOut, OptOut)

    def save_opt_out(self, record):
        self._save(_OptOut, replace(record, email=record.email.lower()))

    def remove_opt_out(self, email):
        with self._session() as session:
            session.execute(delete(_OptOut).where(_OptOut.email == email.lower()))

    def grant(self, email, kind):
        return self._get(_Grant, Grant, email.lower(), kind)

    def grants(self, kind):
        return self._all(_Grant, Grant, _Grant.kind == kind)

    def save_grant(self, grant):
        self._save(_Grant, replace(grant, email=grant.email.lower()))

    def delete_grant(self, email, kind):
        with self._session() as session:
            session.execute(delete(_Grant).where(_Grant.email == email.lower(),
                                                 _Grant.kind == kind))

    # --- audit, templates, sign-in --------------------------------------------------------------
    def record(self, entry):
        with self._session() as session:
            session.execute(insert(_Audit).values(**{k: _utc(v) for k, v in asdict(entry).items()}))

    def audit(self, limit=None):
        with self._session() as session:
            query = select(_Audit).order_by(_Audit.at.desc(), _Audit.id.desc())
            if limit:
                query = query.limit(limit)
            return [AuditEntry(_aware(r.at), r.actor, r.kind, r.file_id, r.manager)
                    for r in session.scalars(query)]

    def templates(self):
        return self._all(_Template, StoredTemplate)

    def save_template(self, template):
        self._save(_Template, template)

    # --- push channels -------------------------------------------------------------------------
    def channel(self, manager):
        return self._get(_Channel, ChannelRecord, manager.lower())

    def channel_by_id(self, channel_id):
        found = self._all(_Channel, ChannelRecord, _Channel.channel_id == channel_id)
        return found[0] if found else None

    def channels(self):
        return self._all(_Channel, ChannelRecord)

    def save_channel(self, record):
        self._save(_Channel, record)

    def delete_channel(self, manager):
        with self._session() as session:
            session.execute(delete(_Channel).where(_Channel.manager == manager.lower()))

    # --- cohorts -------------------------------------------------------------------------------
    def cohorts(self, quarter):
        return sorted(self._all(_Cohort, CohortRecord, _Cohort.quarter == quarter),
                      key=lambda c: c.number)

    def save_cohort(self, record):
        self._save(_Cohort, record)

    def delete_cohort(self, quarter, number):
        with self._session() as session:
            session.execute(delete(_Cohort).where(_Cohort.quarter == quarter,
                                                  _Cohort.number == number))

    def cohort_quarter(self, quarter):
        return self._get(_CohortQuarter, CohortQuarter, quarter)

    def save_cohort_quarter(self, record):
        self._save(_CohortQuarter, record)

    def save_signin(self, request):
        self._save(_Signin, request)

    def take_signin(self, state):
        # one DELETE ... RETURNING: of two callbacks with one state, only one gets it
        with self._session() as session:
            row = session.execute(delete(_Signin).where(_Signin.state == state)
                                  .returning(*_Signin.__table__.columns)).first()
            return _record(SigninRequest, row) if row else None

    # --- leases --------------------------------------------------------------------------------
    def take_lease(self, name, owner, until, now):
        with Session(self.engine) as session, session.begin():
            taken = session.execute(
                update(_Lease).where(_Lease.name == name,
                                     or_(_Lease.until <= _utc(now), _Lease.owner == owner))
                .values(owner=owner, until=_utc(until))).rowcount
            if not taken:  # no row yet: insert one, unless another run just did
                dialect = {"sqlite": sqlite, "postgresql": postgresql}[self.engine.dialect.name]
                # RETURNING, not rowcount: psycopg reports no count for ON CONFLICT DO NOTHING
                taken = session.execute(
                    dialect.insert(_Lease).values(name=name, owner=owner, until=_utc(until))
                    .on_conflict_do_nothing(index_elements=["name"])
                    .returning(_Lease.name)).first() is not None
            return bool(taken)

    def flag_lease(self, name, now):
        with Session(self.engine) as session, session.begin():
            return session.execute(
                update(_Lease).where(_Lease.name == name, _Lease.until > _utc(now))
                .values(flagged=True).returning(_Lease.name)).first() is not None

    def lease_flagged(self, name, owner):
        with Session(self.engine) as session, session.begin():
            return session.execute(
                update(_Lease).where(_Lease.name == name, _Lease.owner == owner, _Lease.flagged)
                .values(flagged=False).returning(_Lease.name)).first() is not None

    def release_lease(self, name, owner):
        # one statement each: the row lock orders them against flag_lease on PostgreSQL
        with Session(self.engine) as session, session.begin():
            gone = session.execute(delete(_Lease).where(_Lease.name == name,
                                                        _Lease.owner == owner)
                                   .returning(_Lease.flagged)).first()
            return bool(gone and gone.flagged)

    def lease(self, name):
        return self._get(_Lease, LeaseRecord, name)

    # --- which Workspace -----------------------------------------------------------------------
    def world(self):
        with self._session() as session:
            row = session.get(_Setting, "world")
            return row.value if row else None

    def forget_workspace(self, world):
        with self._session() as session:
            for model in _LEARNT:
                session.execute(delete(model))
            session.execute(delete(_Setting).where(_Setting.name == "world"))
            if world is not None:
                session.execute(insert(_Setting).values(name="world", value=world))


def _sqlite_pragmas(connection, _record) -> None:
    """Wait for a writer rather than fail; write-ahead logging, so that the many readers (the
    side panels, the tasks) neither wait for a writer nor hold one up."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA journal_mode = WAL")  # kept in the file; ignored in memory
    cursor.close()


def _record(cls, row):
    return cls(**{f.name: _aware(getattr(row, f.name)) for f in fields(cls)})


def _manager(row: _Manager) -> ManagerState:
    return ManagerState(row.email, row.sync_token,
                        {key: decode_event(value) for key, value in (row.events or {}).items()},
                        _aware(row.synced_at), row.failure, row.time_zone or "")


# --- events as the store keeps them (the service's own format, not Google's JSON) -------------
def _moment(value: datetime | date | None):
    if value is None:
        return None
    if isinstance(value, datetime):
        return {"at": value.isoformat(), "zone": getattr(value.tzinfo, "key", "")}
    return {"day": value.isoformat()}


def _from_moment(value: dict | None):
    if value is None:
        return None
    if "day" in value:
        return date.fromisoformat(value["day"])
    moment = datetime.fromisoformat(value["at"])
    if value.get("zone"):
        moment = moment.astimezone(ZoneInfo(value["zone"]))
    return moment


def encode_event(event: CalendarEvent) -> dict:
    data = asdict(event)
    for key in ("start", "end", "original_start"):
        data[key] = _moment(getattr(event, key))
    return data


def decode_event(data: dict) -> CalendarEvent:
    values = dict(data)
    for key in ("start", "end", "original_start"):
        values[key] = _from_moment(values.get(key))
    values["attendees"] = tuple(Attendee(**a) for a in values.get("attendees", ()))
    values["attachments"] = tuple(Attachment(**a) for a in values.get("attachments", ()))
    values["recurrence"] = tuple(values.get("recurrence", ()))
    return CalendarEvent(**values)
