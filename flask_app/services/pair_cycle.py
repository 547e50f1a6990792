"""One pair's turn in a manager's sync.

The running doc is found or made, shared with the report and attached to the series. Then, in
one read and one write of the pair doc (at the revision read, so a person typing in between
only makes the write start over): ended meetings are gathered; the next meeting's section is
written once the previous one is gathered (see :mod:`flask_app.domain.schedule`); moved
meetings are re-dated; sections of cancelled meetings, and of past meetings nobody filled in,
go if untouched. Last, the report's development plan gets the entries (see :mod:`.plans`).
"""
from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, replace
from datetime import timedelta

from ..domain.agenda import AgendaContext, AgendaTemplate, choose_template, local_date
from ..domain.carry import refresh_requests
from ..domain.concrete import check_success
from ..domain.events import CalendarEvent
from ..domain.locales import language as language_code
from ..domain.notes import MeetingNotes, read_meeting
from ..domain.occurrences import Occurrence
from ..domain.pair_doc import Written, cancelled_mark, compose, header_model
from ..domain.pairs import PairMeetings
from ..domain.people import pair_language
from ..domain.plan import Objective, PlanEntry, PlanSummary
from ..domain.records import MeetingRecord, PairRecord
from ..domain.rollout import template_for
from ..domain.schedule import HORIZON, SectionPlan, due, plan_sections, starting
from ..domain.sections import is_done, item_states, normal_item, placed_sections
from ..domain.snapshot import DocSnapshot, fingerprint_lines
from ..domain.ticks import checklist, with_ticks
from ..errors import Conflict, GoogleApiError, NotFound
from . import pair_docs, plans

log = logging.getLogger(__name__)
ZONES_TTL = timedelta(days=30)


@dataclass(frozen=True)
class Pair:
    """A pair as this sync writes for it: names, language, template, zones."""

    meetings: PairMeetings
    manager_name: str
    report_name: str
    manager_given: str
    report_given: str
    language: str
    template: AgendaTemplate
    zones: dict[str, str]
    opt_out_url: str = ""
    earlier: tuple[str, ...] = ()  # docs already attached that the service did not take over

    def context(self, meeting: Occurrence, items=()) -> AgendaContext:
        return AgendaContext(
            self.manager_name, self.report_name, self._day(meeting), tuple(items),
            start=meeting.start, manager_zone=self.zones.get(self.meetings.manager, ""),
            report_zone=self.zones.get(self.meetings.report, ""), language=self.language,
            manager_given_name=self.manager_given, report_given_name=self.report_given)

    def _day(self, meeting: Occurrence):
        return local_date(meeting.start, self.zones.get(self.meetings.manager, ""))

    def render(self, meeting: Occurrence, items=()):
        return self.template.render(self.context(meeting, items))


def sync_pair(run, meetings: PairMeetings, record: PairRecord, known: dict[str, MeetingRecord],
              events: dict[str, CalendarEvent], settings, templates, *, write_agendas: bool,
              gather: bool) -> list[MeetingRecord]:
    """The pair's doc, sections and plan brought up to date; the meeting records changed."""
    now = run.now
    focus = run.focus
    days_before = HORIZON if focus and focus.agenda_now else settings.agenda_days_before
    grace = timedelta(0) if focus and focus.agenda_now else settings.grace
    gather_started = bool(focus and focus.gather_now)
    if write_agendas:
        wanted = plan_sections(meetings.meetings, known, now, days_before=days_before)
        if record.doc_id is None and not wanted.insert:
            return []
        if record.doc_id is None:
            pair_docs.find_or_create(run, record, events)
        pair_docs.share(run, record, meetings.report)
        for event_id, event in events.items():
            attached = pair_docs.attach(run, record, event)
            if attached is not None:
                events[event_id] = attached
    if record.doc_id is None:
        return []
    ending = due(meetings.meetings, known, now, grace, started=gather_started) if gather else []
    begun = starting(meetings.meetings, known, now) if gather else []
    wanted = (plan_sections(meetings.meetings, known, now, days_before=days_before)
              if write_agendas else SectionPlan())
    if not ending and not wanted.needed and not begun:
        return []
    pair = replace(_pair(run, meetings, record, templates, settings),
                   opt_out_url=settings.opt_out_url,
                   earlier=pair_docs.earlier_docs(record, events))
    carried: set[str] = set()
    for _ in range(settings.write_attempts):
        try:
            doc = _read(run, record.doc_id)
        except NotFound:
            pair_docs.forget(run, record, known)
            return list(known.values())
        work = {key: copy.copy(r) for key, r in known.items()}
        if ending:
            doc = _ticked(run, doc)
        notes = _gather(doc, pair, ending, work, now) if ending else {}
        prepared = _prepared(doc, pair, begun, work)
        sections = (plan_sections(meetings.meetings, work, now, days_before=days_before,
                                  begun_is_over=gather_started)
                    if write_agendas else SectionPlan())
        outcome = _compose(doc, pair, work, sections)
        carry = None if outcome.requests or not ending else _carry(doc, work, now, pair.language)
        requests = outcome.requests or (carry.requests if carry else [])
        if not requests:
            break
        try:
            run.docs.write(record.doc_id, requests, doc.revision_id)
        except Conflict:
            log.info("pair doc changed while writing; reading it again")
            run.seen.pop(record.doc_id, None)
            continue
        except NotFound:
            pair_docs.forget(run, record, known)
            return list(known.values())
        run.seen[record.doc_id] = (doc, True)
        if carry:
            run.result.items_carried += sum(1 for r in carry.requests if "insertText" in r)
            carried = _refingerprint(doc, work, carry.lines)
        break
    else:
        run.result.problems.append("the pair doc kept changing; will try again next sync")
        return []
    emptied = [key for key in notes if known[key].filled and not work[key].filled]
    changed = _records(run, record, known, work, outcome, {m.key for m in sections.insert},
                       set(notes), carried | prepared)
    if notes:
        _plan(run, pair, doc, known, notes, emptied, settings.write_attempts)
    return changed


def _pair(run, meetings: PairMeetings, record: PairRecord, templates, settings) -> Pair:
    directory = run.directory
    manager, report = directory.get(meetings.manager), directory.get(meetings.report)
    lang = language_code(pair_language(manager, report, settings.default_language))
    _refresh_zones(run, record, meetings)
    name = template_for(settings.unit_templates, manager.org_unit_path if manager else "/",
                        settings.template)
    name = name if name in templates else settings.template  # a default HR has since removed
    return Pair(meetings, run.name(meetings.manager), run.name(meetings.report),
                manager.given_name if manager else "", report.given_name if report else "",
                lang, choose_template(templates, name, lang), dict(record.zones))


def _refresh_zones(run, record: PairRecord, meetings: PairMeetings) -> None:
    """Each participant's calendar zone: the manager's comes with their calendar's changes, the
    report's is read again monthly (a person who moves, moves their calendar's zone)."""
    if run.time_zone:
        record.zones = {**record.zones, meetings.manager: run.time_zone}
    if record.zones_checked and run.now - record.zones_checked < ZONES_TTL:
        return
    try:
        zone = run.workspace.calendar(meetings.report).time_zone()
    except GoogleApiError as error:  # (the opt-in mode cannot read the report's calendar)
        person = run.directory.get(meetings.report)
        if person is None or not person.time_zone:
            run.result.problems.append(f"time zone unknown: {error.summary}")
            return
        zone = person.time_zone
    record.zones = {**record.zones, meetings.report: zone}
    record.zones_checked = run.now


def _read(run, doc_id: str) -> DocSnapshot:
    seen = run.seen.get(doc_id)
    if seen is not None and not seen[1]:
        return seen[0]
    doc = run.docs.get(doc_id)
    run.seen[doc_id] = (doc, False)
    return doc


def _ticked(run, doc: DocSnapshot) -> DocSnapshot:
    """The doc with the checklist ticks Drive's export shows, when a box could be ticked."""
    if not any(p.checkbox and not is_done(p) for p in doc.paragraphs):
        return doc
    try:
        return with_ticks(doc, checklist(run.drive.export_markdown(doc.document_id)))
    except GoogleApiError as error:  # ✓ and strike-through still say what is done
        log.info("checklist ticks not read: %s", error.summary)
        return doc


def _gather(doc: DocSnapshot, pair: Pair, ending: list[Occurrence],
            work: dict[str, MeetingRecord], now) -> dict[str, tuple[Occurrence, MeetingNotes]]:
    """Read the ended meetings' sections (and every earlier one still filled in, so that late
    edits and later ticks reach their entries); update their records in ``work``."""
    meetings = {m.key: m for m in pair.meetings.meetings}
    reread = [meetings[k] for k, r in work.items() if k in meetings and r.status == "scheduled"
              and r.gathered_at and r.filled]
    found = {}
    for meeting in sorted({m.key: m for m in ending + reread}.values(), key=lambda m: m.start):
        record = work[meeting.key]
        notes = read_meeting(doc, record.range_name, pair.render(meeting))
        extent = doc.range(record.range_name)
        record.gathered_at = record.gathered_at or now
        record.filled = bool(notes and notes.filled)
        record.notes_hash = doc.fingerprint(*extent) if extent else ""
        if notes is not None:
            record.questions_answered = notes.questions_answered
            record.commitments = len(notes.commitments)
            record.pulse = notes.pulse
            record.concrete = check_success(notes.answers.get("success", "")).concrete \
                if notes.answers.get("success") else None
            record.carried = len(notes.open_items)
            record.carried_done = sum(1 for item in notes.open_items if item.done)
            record.feedback = bool(notes.feedback)
            record.oldest_open_days = _oldest_open(doc, work, record)
        found[meeting.key] = (meeting, notes)
    return found


def _oldest_open(doc: DocSnapshot, work: dict[str, MeetingRecord],
                 record: MeetingRecord) -> int | None:
    """How many days the oldest item still open at this meeting had waited by then."""
    days = {r.range_name: r.start.date() for r in work.values() if r.status == "scheduled"}
    day = record.start.date()
    sections = [s for s in placed_sections(doc, days) if s.day <= day]
    since = [item.from_date for item, done in item_states(doc, sections).values() if not done]
    return (day - min(since)).days if since else None


def _prepared(doc: DocSnapshot, pair: Pair, begun: list[Occurrence],
              work: dict[str, MeetingRecord]) -> set[str]:
    """How many questions were answered in the sections of meetings that just began."""
    noted = set()
    for meeting in begun:
        record = work[meeting.key]
        if record.gathered_at is None:
            notes = read_meeting(doc, record.range_name, pair.render(meeting))
            record.prepared = notes.questions_answered if notes else 0
            noted.add(meeting.key)
    return noted


def _written(work: dict[str, MeetingRecord]) -> dict[str, Written]:
    return {k: Written(r.occurrence, r.range_name, r.start, r.title, r.content_hash)
            for k, r in work.items() if r.status == "scheduled"}


def _compose(doc: DocSnapshot, pair: Pair, work: dict[str, MeetingRecord],
             sections: SectionPlan):
    written = _written(work)
    return compose(doc, written, insert=sections.insert,
                   redate=[(written[r.occurrence], m) for r, m in sections.redate],
                   remove=[written[r.occurrence] for r in sections.remove],
                   tidy=[written[r.occurrence] for r in sections.tidy],
                   render=pair.render,
                   header=header_model(pair.manager_name, pair.report_name, pair.language,
                                       opt_out_url=pair.opt_out_url, earlier=pair.earlier),
                   cancelled_mark=cancelled_mark(pair.language))


def _carry(doc: DocSnapshot, work: dict[str, MeetingRecord], now, language: str):
    """Open items into sections already written for meetings still to come."""
    days = {r.range_name: r.start.date() for r in work.values() if r.status == "scheduled"}
    sections = placed_sections(doc, days)
    later = {r.range_name for r in work.values() if r.status == "scheduled" and r.start > now}
    return refresh_requests(doc, [s for s in sections if s.name in later], sections, language)


def _refingerprint(doc: DocSnapshot, work: dict[str, MeetingRecord],
                   lines: dict[str, list[str]]) -> set[str]:
    """Sections the service alone wrote in stay recognisable as its own after the carry; the
    meetings whose records changed."""
    changed = set()
    for key, meeting in work.items():
        extent = doc.range(meeting.range_name)
        if meeting.range_name in lines and extent and \
                doc.fingerprint(*extent) == meeting.content_hash:
            meeting.content_hash = fingerprint_lines(lines[meeting.range_name])
            changed.add(key)
    return changed


def _records(run, record: PairRecord, known: dict[str, MeetingRecord],
             work: dict[str, MeetingRecord], outcome, new_keys: set[str],
             gathered: set[str], noted: set[str]) -> list[MeetingRecord]:
    changed = {key: work[key] for key in gathered | noted}
    for w in outcome.written + outcome.adopted:
        previous = work.get(w.occurrence)
        meeting = replace(previous, range_name=w.range_name, start=w.start, title=w.title,
                          content_hash=w.content_hash, status="scheduled") if previous else \
            MeetingRecord(record.key, w.occurrence, w.range_name, w.start, w.title,
                          w.content_hash)
        changed[w.occurrence] = meeting
        if w.occurrence in new_keys:
            run.result.sections_added += 1
        else:
            run.result.sections_redated += 1
    run.result.items_carried += outcome.carried
    for key in outcome.removed:
        changed[key] = replace(work[key], status="removed")
        run.result.sections_removed += 1
    for key in outcome.kept:
        changed[key] = replace(work[key], status="cancelled")
        run.result.sections_kept += 1
    if outcome.kept:
        run.result.problems.append(f"{len(outcome.kept)} cancelled meeting(s) kept: people "
                                   "wrote in their sections")
    run.result.meetings_gathered += sum(1 for key in gathered if known[key].gathered_at is None)
    run.result.not_filled += sum(1 for key in gathered
                                 if known[key].gathered_at is None and not work[key].filled)
    known.update(changed)
    return list(changed.values())


def _plan(run, pair: Pair, doc: DocSnapshot, known: dict[str, MeetingRecord],
          notes: dict[str, tuple[Occurrence, MeetingNotes]], emptied: list[str],
          attempts: int) -> None:
    """The report's plan: an entry per meeting read (each commitment shown done if it was marked
    done in its own meeting or a later one), its concrete success statements as objectives, and
    the summary."""
    days = {r.range_name: r.start.date() for r in known.values()}
    sections = placed_sections(doc, days)
    entries, objectives = [], []
    for key, (meeting, found) in notes.items():
        if found is None or not found.filled:
            continue
        record = known[key]
        later = item_states(doc, [s for s in sections if s.day >= record.start.date()])
        found = replace(found, commitments=tuple(
            replace(c, done=c.done or later.get(normal_item(c.text), (None, False))[1])
            for c in found.commitments))
        day = pair._day(meeting)
        entries.append(PlanEntry(key, day, pair.report_name, pair.manager_name, found,
                                 link=_section_link(doc, record.range_name)))
        if record.concrete:
            objectives.append(Objective(key, day, found.answers["success"]))
    if entries or emptied:
        run.result.plan_entries += plans.write_entries(
            run, run.store, pair.meetings, pair.report_name, entries, emptied, attempts,
            objectives=objectives, summary=_summary(doc, sections, known, run.now))


def _summary(doc: DocSnapshot, sections, known: dict[str, MeetingRecord], now) -> PlanSummary:
    quarter = (now.year, (now.month - 1) // 3)
    held = sorted((r for r in known.values() if r.gathered_at and r.start <= now
                   and (r.start.year, (r.start.month - 1) // 3) == quarter),
                  key=lambda r: r.start)
    states = item_states(doc, sections)
    open_since = [item.from_date for item, done in states.values() if not done]
    pulses = [r.pulse for r in sorted(known.values(), key=lambda r: r.start)
              if r.gathered_at and r.pulse is not None]
    return PlanSummary(
        meetings=len(held), all_four=sum(1 for r in held if r.questions_answered == 4),
        needs_open=len(open_since),
        oldest_open_days=(now.date() - min(open_since)).days if open_since else None,
        pulses=tuple(pulses[-4:]))


def _section_link(doc: DocSnapshot, range_name: str) -> str | None:
    """A link to the section's heading in the pair doc (Docs gives every heading an id)."""
    extent = doc.range(range_name)
    heading = doc.paragraph_at(extent[0]) if extent else None
    if heading is None or not heading.heading_id:
        return None
    return (f"https://docs.google.com/document/d/{doc.document_id}/edit"
            f"#heading={heading.heading_id}")
