"""What the add-on's side panels show and do for the person using them.

Every answer starts from who the person is (the entry point verified Google's tokens) and what
they may see: an event read from their own calendar with their own token, the doc of a pair
they belong to. A manager sees the pair's doc, the report's development plan and the coaching
mirror; a report sees the doc; anyone else learns nothing about the pair, so changing an id in
a request changes nothing. Writes go through the manager's sync (under its lease, idempotent)
or, for "mark done", as the person themself at the revision they read.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Callable

from ..domain.coaching import COMPETENCIES, QUESTION_BANK, Competency
from ..domain.detection import Detection, DetectionSettings, classify, participants
from ..domain.events import CalendarEvent, DocLink
from ..domain.marks import EventMark, apply_mark, why_not_markable
from ..domain.mirror import Mirror, mirror
from ..domain.notes import read_meeting
from ..domain.occurrences import Occurrence, RecurrenceError, expand_bounded
from ..domain.people import Directory
from ..domain.records import MeetingRecord, PairRecord
from ..domain.schedule import HORIZON
from ..domain.section_check import SectionCheck, check_section
from ..domain.sections import PlacedSection, is_done, item_states, normal_item, placed_sections
from ..domain.snapshot import DocSnapshot, Paragraph
from ..domain.ticks import checklist, with_ticks
from ..errors import Conflict, GoogleApiError, NotFound, PermissionDenied, UserError
from ..ports import Calendar, Clock, Docs, Store, Workspace
from .audit import for_manager
from .pair_docs import ATTACHMENT_TITLE
from .sync import Focus, ManagerSync, SyncResult

log = logging.getLogger(__name__)
MANAGER, REPORT = "manager", "report"
CURRENT = timedelta(hours=2)  # a meeting that began this long ago is still the current one
_ITEM_KEYS = ("open_items", "needs", "commitments")


class NotAllowed(UserError):
    """The person may not do this here (shown to them as a notification)."""


@dataclass(frozen=True)
class OpenItem:
    key: str  # a hash of the item's text, to name it in a "mark done" button
    text: str
    since: date
    days: int


@dataclass(frozen=True)
class PairPanel:
    """A one-on-one, as one of its two people sees it."""

    event_id: str
    manager: str
    report: str
    role: str  # MANAGER or REPORT
    other_name: str
    reasons: tuple[str, ...]
    zone: str  # the viewer's time zone, for the times shown
    next_meeting: datetime | None
    agenda_ready: bool  # the next meeting's section is in the doc
    doc_url: str | None
    plan_url: str | None  # the manager's only
    topic: str
    open_items: tuple[OpenItem, ...]
    mirror: Mirror | None  # the manager's only
    attach: DocLink | None = None  # the doc the open event lacks, for the host to attach
    notice: str = ""


@dataclass(frozen=True)
class OtherPanel:
    """An event the coach does not treat as a one-on-one, and why."""

    event_id: str
    reasons: tuple[str, ...]
    cannot_mark: str | None  # why it cannot be marked as a one-on-one, if it cannot
    marked_not: bool  # someone marked it as not a one-on-one
    notice: str = ""


@dataclass(frozen=True)
class DocPanel:
    """A pair doc, as one of its two people sees it in Docs."""

    doc_id: str
    role: str
    other_name: str
    zone: str
    meeting: datetime | None  # the meeting whose section is checked
    check: SectionCheck | None
    open_items: tuple[OpenItem, ...]
    plan_url: str | None
    competencies: tuple[Competency, ...] = COMPETENCIES
    questions: dict[str, tuple[str, ...]] = field(default_factory=lambda: QUESTION_BANK)
    notice: str = ""


@dataclass(frozen=True)
class OutsidePanel:
    """Docs outside a pair doc (or before the person let the add-on see the doc)."""

    granted: bool  # the add-on may see this doc
    notice: str = ""


@dataclass(frozen=True)
class _Pair:
    record: PairRecord
    role: str
    viewer: str


@dataclass
class AddonService:
    """The side panels over the store, the organisation's Workspace (the service's own
    delegation) and the person's own access (their token), passed to each call."""

    store: Store
    workspace: Workspace
    clock: Clock
    directory: Callable[[], Directory]
    sync: Callable[[], ManagerSync]
    detection: DetectionSettings = DetectionSettings()
    reuse_docs: bool = False  # pair docs may be docs people made (HR's choice)

    # --- Calendar --------------------------------------------------------------------------
    def event_panel(self, user: str, calendar: Calendar, event_id: str,
                    notice: str = "") -> PairPanel | OtherPanel:
        """The panel for an event opened in Calendar (``calendar``: the person's own)."""
        opened, series = self._event(calendar, event_id)
        directory = self.directory()
        detection = self._detect(series, directory)
        user = user.lower()
        if not detection.is_one_on_one or user not in (detection.manager_email,
                                                      detection.report_email):
            mark = self.store.mark(series.id)
            cannot = why_not_markable(series, directory)
            if cannot is None and user not in participants(series):
                cannot = "you are not one of its two people"
            return OtherPanel(opened.id, detection.reasons, cannot,
                              bool(mark and not mark.one_on_one), notice)
        return self._pair_panel(user, opened, series, detection, directory, notice)

    def add_agenda(self, user: str, calendar: Calendar, event_id: str) -> PairPanel:
        """Write the next meeting's agenda now and attach the doc (idempotent: a second click
        finds it there)."""
        panel = self._only_pairs(self.event_panel(user, calendar, event_id))
        if panel.agenda_ready and panel.attach is None:
            return replace(panel, notice="The agenda is already in the doc.")
        result = self.sync().run(panel.manager, self.directory(),
                                 focus=Focus(panel.report, agenda_now=True))
        return self._only_pairs(self.event_panel(user, calendar, event_id,
                                                 notice=_agenda_notice(result)))

    def mark(self, user: str, calendar: Calendar, event_id: str,
             one_on_one: bool) -> PairPanel | OtherPanel:
        """Remember that the event is (or is not) a one-on-one; the sync honours it."""
        _, series = self._event(calendar, event_id)
        directory = self.directory()
        if user.lower() not in participants(series):
            raise NotAllowed("Only the two people in a meeting can mark it.")
        if one_on_one and (why := why_not_markable(series, directory)):
            raise NotAllowed(f"This event cannot be a one-on-one: {why}.")
        self.store.save_mark(EventMark(series.id, one_on_one, user.lower(), self.clock.now()))
        notice = ("Marked as a one-on-one: its agenda comes with the next update, or add it now."
                  if one_on_one else "Marked as not a one-on-one: the coach leaves it alone "
                  "(its doc, if it has one, stays as it is).")
        return self.event_panel(user, calendar, event_id, notice=notice)

    def _event(self, calendar: Calendar, event_id: str) -> tuple[CalendarEvent, CalendarEvent]:
        try:
            opened = calendar.event(event_id)
            series = (calendar.event(opened.recurring_event_id) if opened.recurring_event_id
                      else opened)
        except NotFound:
            raise NotAllowed("This event is not on your calendar.") from None
        return opened, series

    def _detect(self, series: CalendarEvent, directory: Directory) -> Detection:
        return apply_mark(classify(series, directory, self.detection), series,
                          self.store.mark(series.id), directory)

    def _pair_panel(self, user: str, opened: CalendarEvent, series: CalendarEvent,
                    detection: Detection, directory: Directory, notice: str) -> PairPanel:
        manager, report = detection.manager_email, detection.report_email
        role = MANAGER if user == manager else REPORT
        other = directory.get(report if role == MANAGER else manager)
        record = self.store.pair(manager, report) or PairRecord(manager, report)
        records = self.store.meetings(record.key) if record.doc_id else []
        now = self.clock.now()
        upcoming = self._next(series, manager, now)
        written = {r.occurrence for r in records if r.status == "scheduled"}
        doc = self._doc(manager, record.doc_id)
        topic = ""
        if doc is not None and upcoming is not None and upcoming.key in written:
            meeting = next(r for r in records if r.occurrence == upcoming.key)
            notes = read_meeting(doc, meeting.range_name)
            topic = notes.topic if notes else ""
        plan = self.store.plan(report) if role == MANAGER else None
        attach = (DocLink(record.doc_id, ATTACHMENT_TITLE)
                  if record.doc_id and record.doc_id not in opened.attached_docs else None)
        return PairPanel(
            opened.id, manager, report, role, other.name if other else "", detection.reasons,
            _zone(record, user, directory), upcoming.start if upcoming else None,
            upcoming is not None and upcoming.key in written,
            _url(record.doc_id), _url(plan.doc_id) if plan else None, topic,
            _open_items(doc, records, now) if doc else (),
            mirror(records, now) if role == MANAGER else None, attach, notice)

    def _next(self, series: CalendarEvent, manager: str, now: datetime) -> Occurrence | None:
        """The series' next meeting, with the moves and cancellations the sync knows of."""
        state = self.store.manager(manager)
        exceptions = [e for e in (state.events.values() if state else ())
                      if e.recurring_event_id == series.id]
        try:
            meetings = expand_bounded(series, exceptions, now, now + HORIZON).occurrences
        except RecurrenceError:
            return None
        return next((m for m in meetings if not m.cancelled and m.end > now), None)

    # --- Docs ------------------------------------------------------------------------------
    def doc_panel(self, user: str, docs: Docs, doc_id: str | None,
                  notice: str = "") -> DocPanel | OutsidePanel:
        """The panel for a doc open in Docs (``docs``: the person's own access; ``doc_id``
        None until they let the add-on see the doc)."""
        if doc_id is None:
            return OutsidePanel(False, notice)
        pair = self._doc_pair(user, doc_id)
        if pair is None:
            return OutsidePanel(True, notice)
        try:
            doc = self._ticked(pair.record.manager, docs.get(doc_id))
        except (NotFound, PermissionDenied):
            return OutsidePanel(False, notice)
        return self._doc_view(pair, doc, notice)

    def mark_done(self, user: str, docs: Docs, doc_id: str, item: str) -> DocPanel:
        """Strike an open item through where it is carried (Docs shows a ticked item so), as
        the person, at the revision they see: nothing they typed changes."""
        pair = self._doc_pair(user, doc_id)
        if pair is None:
            raise NotAllowed("This is not the doc of a one-on-one you are in.")
        for _ in range(3):
            doc = self._ticked(pair.record.manager, docs.get(doc_id))
            target = _item_paragraph(doc, self._sections(pair.record, doc), item)
            if target is None:
                return self._doc_view(pair, doc, "That item is already done, or no longer in "
                                                 "the doc.")
            try:
                with for_manager(pair.record.manager):
                    docs.write(doc_id, [_strike(target)], doc.revision_id)
            except Conflict:
                continue  # someone typed in between: read again
            return self._doc_view(pair, self._ticked(pair.record.manager, docs.get(doc_id)),
                                  "Marked done.")
        raise NotAllowed("The doc kept changing while marking the item done; try again.")

    def gather_now(self, user: str, docs: Docs, doc_id: str) -> DocPanel | OutsidePanel:
        """Gather every meeting that has begun into the report's development plan now."""
        pair = self._doc_pair(user, doc_id)
        if pair is None:
            raise NotAllowed("This is not the doc of a one-on-one you are in.")
        record = pair.record
        result = self.sync().run(record.manager, self.directory(),
                                 focus=Focus(record.report, gather_now=True))
        return self.doc_panel(user, docs, doc_id, notice=_gather_notice(result))

    def _doc_pair(self, user: str, doc_id: str) -> _Pair | None:
        record = self.store.pair_with_doc(doc_id)
        user = user.lower()
        if record is None or user not in (record.manager, record.report):
            return None
        return _Pair(record, MANAGER if user == record.manager else REPORT, user)

    def _doc_view(self, pair: _Pair, doc: DocSnapshot, notice: str) -> DocPanel:
        record, now = pair.record, self.clock.now()
        directory = self.directory()
        records = [r for r in self.store.meetings(record.key) if r.status == "scheduled"]
        current = _current(records, now)
        check = None
        if current is not None:
            notes = read_meeting(doc, current.range_name)
            names = tuple(p.given_name for p in map(directory.get, (record.manager,
                                                                    record.report)) if p)
            check = check_section(notes, names) if notes else None
        other = directory.get(record.report if pair.role == MANAGER else record.manager)
        plan = self.store.plan(record.report) if pair.role == MANAGER else None
        return DocPanel(doc.document_id, pair.role, other.name if other else "",
                        _zone(record, pair.viewer, directory),
                        current.start if current else None, check,
                        _open_items(doc, records, now), _url(plan.doc_id) if plan else None,
                        notice=notice)

    def _sections(self, record: PairRecord, doc: DocSnapshot) -> list[PlacedSection]:
        days = {r.range_name: r.start.date() for r in self.store.meetings(record.key)
                if r.status == "scheduled"}
        return placed_sections(doc, days)

    # --- shared ----------------------------------------------------------------------------
    def _doc(self, manager: str, doc_id: str | None) -> DocSnapshot | None:
        if not doc_id:
            return None
        try:
            docs = self.workspace.docs(manager, any_doc=self.reuse_docs)
            return self._ticked(manager, docs.get(doc_id))
        except (NotFound, PermissionDenied):
            return None

    def _ticked(self, manager: str, doc: DocSnapshot) -> DocSnapshot:
        """The doc with the checklist ticks Drive's export shows, when a box could be ticked."""
        if not any(p.checkbox and not is_done(p) for p in doc.paragraphs):
            return doc
        try:
            exported = self.workspace.drive(manager).export_markdown(doc.document_id)
        except GoogleApiError as error:
            log.info("checklist ticks not read: %s", error.summary)
            return doc
        return with_ticks(doc, checklist(exported))

    @staticmethod
    def _only_pairs(panel: PairPanel | OtherPanel) -> PairPanel:
        if not isinstance(panel, PairPanel):
            raise NotAllowed("The coach does not treat this event as a one-on-one.")
        return panel


def item_key(text: str) -> str:
    """The key naming an open item in a request (no text of it leaves the doc)."""
    return hashlib.sha256(normal_item(text).encode()).hexdigest()[:16]


def _url(doc_id: str | None) -> str | None:
    return f"https://docs.google.com/document/d/{doc_id}/edit" if doc_id else None


def _zone(record: PairRecord, user: str, directory: Directory) -> str:
    person = directory.get(user)
    return record.zones.get(user) or (person.time_zone if person else "") or "UTC"


def _current(records: list[MeetingRecord], now: datetime) -> MeetingRecord | None:
    """The meeting being prepared or held: the next one (or one that began within two
    hours), else the last one."""
    ordered = sorted(records, key=lambda r: r.start)
    upcoming = [r for r in ordered if r.start + CURRENT >= now]
    return upcoming[0] if upcoming else (ordered[-1] if ordered else None)


def _open_items(doc: DocSnapshot, records: list[MeetingRecord],
                now: datetime) -> tuple[OpenItem, ...]:
    """Needs and commitments of meetings already held that nobody has marked done (where
    they were raised, or anywhere they were carried to)."""
    scheduled = [r for r in records if r.status == "scheduled"]
    every = placed_sections(doc, {r.range_name: r.start.date() for r in scheduled})
    held = {r.range_name for r in scheduled if r.start <= now}
    raised = item_states(doc, [s for s in every if s.name in held])
    states = item_states(doc, every)
    items = [OpenItem(item_key(item.text), item.text, item.from_date,
                      (now.date() - item.from_date).days)
             for normal, (item, _) in raised.items() if not states[normal][1]]
    return tuple(sorted(items, key=lambda i: i.since))


def _item_paragraph(doc: DocSnapshot, sections: list[PlacedSection],
                    key: str) -> Paragraph | None:
    """The open item's line in the latest section that lists it (None if done or gone)."""
    for section in sorted(sections, key=lambda s: s.day, reverse=True):
        for part in _ITEM_KEYS:
            extent = doc.range(f"{section.name}.{part}")
            if extent is None:
                continue
            for paragraph in doc.paragraphs_in(*extent):
                if paragraph.heading_level is None and paragraph.text.strip() \
                        and item_key(paragraph.text) == key:
                    return None if is_done(paragraph) else paragraph
    return None


def _strike(paragraph: Paragraph) -> dict:
    return {"updateTextStyle": {
        "range": {"startIndex": paragraph.start, "endIndex": paragraph.end - 1},
        "textStyle": {"strikethrough": True}, "fields": "strikethrough"}}


def _agenda_notice(result: SyncResult) -> str:
    if result.skipped:
        return "The coach is updating this calendar right now; try again in a minute."
    if result.failed:
        return "Google did not answer in time; try again in a minute."
    if result.sections_added:
        return "The agenda is in the doc."
    return ("No agenda was added: the last meeting is gathered first, and then the next "
            "meeting's agenda follows.")


def _gather_notice(result: SyncResult) -> str:
    if result.skipped:
        return "The coach is updating this calendar right now; try again in a minute."
    if result.failed:
        return "Google did not answer in time; try again in a minute."
    if result.plan_entries:
        return "Gathered into the development plan."
    if result.meetings_gathered:
        return "Gathered; nothing new for the development plan."
    return "Nothing to gather: the plan already has every meeting that has begun."
