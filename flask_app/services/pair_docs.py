"""A pair's running doc: found or made exactly once, checked, shared with the report and
attached to the one-on-one series.

Google's state decides, not the store alone: the doc is marked in Drive (appProperties, see
:mod:`.marked_docs`), on the events (a private extended property) and by its attachment, so a
run that crashed, or a run at the same time, finds it again.
"""
from __future__ import annotations

import hashlib

from ..domain.events import CalendarEvent, DocLink
from ..domain.records import MeetingRecord, PairRecord
from ..errors import NotFound, PermissionDenied
from . import marked_docs

PAIR_PROPERTY = "coachPair"
ATTACHMENT_TITLE = "One-on-one notes"


def pair_marker(manager: str, report: str) -> str:
    """The appProperties value that marks a pair's doc in Drive (no personal data in it)."""
    return hashlib.sha256(f"{manager.lower()}|{report.lower()}".encode()).hexdigest()[:32]


def verify(run, record: PairRecord, known: dict[str, MeetingRecord]) -> None:
    """On a full sync, check that the doc the store remembers is still there."""
    try:
        run.seen[record.doc_id] = (run.docs.get(record.doc_id), False)
    except (NotFound, PermissionDenied):
        forget(run, record, known)


def forget(run, record: PairRecord, known: dict[str, MeetingRecord]) -> None:
    """The pair doc is gone (deleted, or access lost): start again with a new one."""
    run.seen.pop(record.doc_id, None)
    record.doc_id, record.shared_with, record.attached_to = None, [], []
    for meeting in known.values():
        if meeting.status == "scheduled":
            meeting.status = "removed"
    run.result.problems.append("the pair doc was gone; a new one is made on the next sync")


def find_or_create(run, record: PairRecord, events: dict[str, CalendarEvent]) -> None:
    """The pair's doc: the one this service marked on the events, else — when HR lets the
    service write into docs it did not make — a Google Doc already attached (the manager's
    notes, "Take meeting notes"), else the one Drive finds by its appProperties (made by a run
    that crashed), else a new one (whose header links to the attached docs)."""
    marked = [e.marked_doc for e in events.values() if e.marked_doc]
    attached = [f for e in events.values() for f in e.attached_docs if f not in marked] \
        if run.reuse_docs else []
    for file_id in dict.fromkeys(marked + attached):
        try:
            run.seen[file_id] = (run.docs.get(file_id), False)
        except (NotFound, PermissionDenied):
            continue  # deleted, or not the manager's to write in
        record.doc_id = file_id
        run.result.docs_reused += file_id not in marked
        return
    name = f"One-on-ones · {run.name(record.manager)} & {run.name(record.report)}"
    record.doc_id, created = marked_docs.find_or_create(
        run.drive, run.docs, PAIR_PROPERTY, pair_marker(record.manager, record.report), name,
        run.result.problems)
    run.result.docs_created += created


def earlier_docs(record: PairRecord, events: dict[str, CalendarEvent]) -> tuple[str, ...]:
    """Links to the Google Docs attached to the pair's events that are not its doc."""
    found = dict.fromkeys(a.file_url for e in events.values() for a in e.attachments
                          if a.is_google_doc and a.file_id and a.file_id != record.doc_id
                          and a.file_id != e.marked_doc)
    return tuple(found)


def share(run, record: PairRecord, report: str) -> None:
    if report in record.shared_with:
        return
    try:
        run.drive.share(record.doc_id, report)
    except PermissionDenied:
        run.result.problems.append("cannot share the pair doc with the report")
        return
    record.shared_with = sorted(set(record.shared_with) | {report})


def attach(run, record: PairRecord, event: CalendarEvent) -> CalendarEvent | None:
    """Attach the doc to the event (as its organiser); the event as it now is, or None."""
    if record.doc_id in event.attached_docs or event.marked_doc == record.doc_id:
        return None
    organizer = event.organizer_email or record.manager
    # Only an event's organiser may add attachments: act as them (for instance the report, when
    # a scheduling tool made the event in their calendar).
    calendar = run.workspace.calendar(organizer)
    try:
        updated = calendar.attach_doc(event, DocLink(record.doc_id, ATTACHMENT_TITLE))
    except (PermissionDenied, NotFound):
        run.result.problems.append("cannot attach the doc: the event's organiser is not in "
                                   "the organisation")
        return None
    run.result.attached += 1
    record.attached_to = sorted(set(record.attached_to) | {event.id})
    return updated
