"""The Workspace ports' contracts — Calendar, Docs, Drive and the directory — on every backend."""
from __future__ import annotations

from datetime import timedelta

import pytest

from flask_app.domain.events import DocLink, Invitation
from flask_app.errors import Conflict, GoogleApiError, NotFound, PermissionDenied, RateLimited
from flask_app.errors import SyncTokenExpired
from flask_app.services.cohorts import event_id
from tests.contracts.conftest import START

MARK = "coachContract"


def changed(calendar, token):
    found = calendar.changes(token)
    return {e.id: e for e in found.events}, found.token


# --- Calendar ----------------------------------------------------------------------------------
def test_changes_list_new_edited_and_cancelled_events_once(backend):
    calendar = backend.workspace.calendar(backend.manager)
    _, token = changed(calendar, None)
    event = backend.create_event(backend.manager, backend.report, "Contract 1:1")
    found, token = changed(calendar, token)
    assert found[event.id].summary == "Contract 1:1"
    assert found[event.id].organizer_email == backend.manager
    assert changed(calendar, token)[0] == {}
    backend.rename_event(backend.manager, event.id, "Contract 1:1 (renamed)")
    found, token = changed(calendar, token)
    assert found[event.id].summary == "Contract 1:1 (renamed)"
    backend.delete_event(backend.manager, event.id)
    found, _ = changed(calendar, token)
    assert found[event.id].status == "cancelled"


def test_the_guest_sees_the_event_too(backend):
    event = backend.create_event(backend.manager, backend.report, "Seen by both")
    found, _ = changed(backend.workspace.calendar(backend.report), None)
    assert event.id in found


def test_an_expired_sync_token_asks_for_a_full_sync(faulty):
    calendar = faulty.workspace.calendar(faulty.manager)
    _, token = changed(calendar, None)
    faulty.expire_sync_tokens()
    with pytest.raises(SyncTokenExpired):
        calendar.changes(token)
    assert calendar.changes(None).token


def test_the_organiser_attaches_a_doc_once_and_marks_the_event(backend):
    event = backend.create_event(backend.manager, backend.report, "With notes")
    doc = backend.workspace.drive(backend.manager).create_doc("Notes", {MARK: "1"})
    calendar = backend.workspace.calendar(backend.manager)
    attached = calendar.attach_doc(event, DocLink(doc.id, "One-on-one notes"))
    again = calendar.attach_doc(attached, DocLink(doc.id, "One-on-one notes"))
    assert again.attached_docs == (doc.id,) and again.marked_doc == doc.id
    assert [a.title for a in again.attachments] == ["One-on-one notes"]


def test_only_the_organiser_may_attach(backend):
    event = backend.create_event(backend.manager, backend.report, "Guest tries")
    doc = backend.workspace.drive(backend.report).create_doc("Notes", {MARK: "2"})
    with pytest.raises((PermissionDenied, NotFound)):
        backend.workspace.calendar(backend.report).attach_doc(event, DocLink(doc.id, "Notes"))


def test_each_person_has_a_calendar_time_zone(backend):
    calendar = backend.workspace.calendar(backend.manager)
    assert calendar.time_zone() == backend.manager_zone == calendar.changes(None).time_zone


def test_a_window_lists_each_meeting_of_a_series(backend):
    event = backend.create_event(backend.manager, backend.report, "Weekly", weekly=True)
    meetings = backend.workspace.calendar(backend.manager).between(
        START - timedelta(days=1), START + timedelta(days=15))
    starts = [m.start for m in meetings if m.recurring_event_id == event.id]
    assert starts == [START + timedelta(days=7 * n) for n in range(3)]


def test_one_event_and_one_meeting_of_a_series_are_read_by_id(backend):
    event = backend.create_event(backend.manager, backend.report, "Weekly by id", weekly=True)
    meetings = backend.workspace.calendar(backend.manager).between(
        START + timedelta(days=6), START + timedelta(days=8))
    second = next(m for m in meetings if m.recurring_event_id == event.id)
    for user in (backend.manager, backend.report):
        calendar = backend.workspace.calendar(user)
        assert calendar.event(event.id).recurrence == event.recurrence
        instance = calendar.event(second.id)
        assert instance.start == START + timedelta(days=7)
        assert instance.recurring_event_id == event.id
        assert instance.original_start == START + timedelta(days=7)


def test_free_busy_shows_each_persons_meetings_as_the_asker_may_see_them(backend):
    backend.create_event(backend.manager, backend.report, "Busy hour")
    found = backend.workspace.calendar(backend.outsider).free_busy(
        [backend.manager, backend.report], START - timedelta(hours=1), START + timedelta(hours=3))
    for person in (backend.manager, backend.report):  # overlapping busy times are merged
        assert any(a <= START and START + timedelta(minutes=30) <= b for a, b in found[person])
        assert all(START - timedelta(hours=1) <= a < b <= START + timedelta(hours=3)
                   for a, b in found[person])


def test_an_invitation_is_made_once_and_its_guests_changed(backend):
    invitation = Invitation(event_id("2031Q1", 1, backend.outsider), "Cohort session", "Agenda",
                            START, START + timedelta(minutes=90), "UTC",
                            (backend.manager, backend.report))
    calendar = backend.workspace.calendar(backend.outsider)
    event, made = calendar.invite(invitation)
    assert made and event.id == invitation.event_id
    again, made_again = calendar.invite(invitation)
    assert not made_again and again.id == event.id
    guests = {a.email for a in again.attendees if not a.organizer}
    assert guests == {backend.manager, backend.report}
    changed_event = calendar.set_guests(event.id, (backend.manager,))
    assert {a.email for a in changed_event.attendees if not a.organizer} == {backend.manager}
    assert backend.workspace.calendar(backend.manager).event(event.id).summary == "Cohort session"


def test_someone_elses_event_is_not_found(backend):
    event = backend.create_event(backend.manager, backend.report, "Private 1:1")
    with pytest.raises(NotFound):
        backend.workspace.calendar(backend.outsider).event(event.id)


def test_a_failing_calendar_raises_the_projects_error(faulty):
    faulty.fail("calendar.changes", 500, "backendError")
    with pytest.raises(GoogleApiError) as raised:
        faulty.workspace.calendar(faulty.manager).changes(None)
    assert raised.value.status == 500 and raised.value.method


# --- Docs --------------------------------------------------------------------------------------
def new_doc(backend, mark="doc"):
    made = backend.workspace.drive(backend.manager).create_doc("Contract doc", {MARK: mark})
    return made, backend.workspace.docs(backend.manager)


def insert(text, index=1):
    return [{"insertText": {"location": {"index": index}, "text": text}}]


def test_a_new_doc_is_read_and_written_at_its_revision(backend):
    made, docs = new_doc(backend)
    doc = docs.get(made.id)
    assert doc.document_id == made.id and doc.revision_id
    assert [p.text for p in doc.paragraphs] == [""]
    revision = docs.write(made.id, insert("Hello 👋\n"), doc.revision_id)
    after = docs.get(made.id)
    assert after.revision_id == revision != doc.revision_id
    assert [p.text for p in after.paragraphs] == ["Hello 👋", ""]


def test_a_write_at_an_old_revision_is_a_conflict(backend):
    made, docs = new_doc(backend)
    doc = docs.get(made.id)
    backend.person_edits(backend.manager, made.id, insert("Typed by a person\n"))
    with pytest.raises(Conflict):
        docs.write(made.id, insert("Too late\n"), doc.revision_id)
    assert "Too late" not in docs.get(made.id).text_in(1, 10**6)


def test_a_bad_batch_changes_nothing(backend):
    made, docs = new_doc(backend)
    doc = docs.get(made.id)
    with pytest.raises(GoogleApiError) as raised:
        docs.write(made.id, insert("fine\n") + insert("beyond the end", 10**6), doc.revision_id)
    assert raised.value.status == 400
    assert docs.get(made.id).revision_id == doc.revision_id


def test_a_missing_doc_and_a_doc_not_shared_are_not_found(backend):
    made, _ = new_doc(backend)
    with pytest.raises(NotFound):
        backend.workspace.docs(backend.manager).get("1" + "x" * 43)
    with pytest.raises(NotFound):
        backend.workspace.docs(backend.report).get(made.id)


def test_tables_and_named_ranges_are_read(backend):
    made, docs = new_doc(backend)
    backend.person_edits(backend.manager, made.id, insert("Before\n") + [
        {"insertTable": {"rows": 2, "columns": 3, "location": {"index": 8}}}])
    doc = docs.get(made.id)
    assert [(t.rows, t.columns) for t in doc.tables] == [(2, 3)]
    assert sum(p.in_table for p in doc.paragraphs) == 6
    docs.write(made.id, [{"createNamedRange": {"name": "coach.x", "range": {
        "startIndex": 1, "endIndex": 7}}}], doc.revision_id)
    assert docs.get(made.id).range("coach.x") == (1, 7)


def test_a_rate_limited_read_says_so(faulty):
    made, docs = new_doc(faulty)
    faulty.fail("docs.get", 429, "rateLimitExceeded")
    with pytest.raises(RateLimited):
        docs.get(made.id)


# --- Drive -------------------------------------------------------------------------------------
def test_marked_docs_are_found_oldest_first_and_not_once_trashed(backend):
    drive = backend.workspace.drive(backend.manager)
    first = drive.create_doc("First", {MARK: "find"})
    second = drive.create_doc("Second", {MARK: "find"})
    drive.create_doc("Other", {MARK: "other"})
    assert [f.id for f in drive.find_docs(MARK, "find")] == [first.id, second.id]
    drive.trash(first.id)
    drive.trash(first.id)  # idempotent
    assert [f.id for f in drive.find_docs(MARK, "find")] == [second.id]


def test_sharing_is_idempotent_and_can_be_taken_back(backend):
    drive = backend.workspace.drive(backend.manager)
    made = drive.create_doc("Shared", {MARK: "share"})
    drive.share(made.id, backend.report)
    drive.share(made.id, backend.report)
    roles = {(p.email, p.role) for p in drive.permissions(made.id)}
    assert roles == {(backend.manager, "owner"), (backend.report, "writer")}
    # drive.file reaches the docs the service made as that person; a doc shared with them
    # needs the broader documents scope (HR's choice) or their own grant.
    with pytest.raises(NotFound):
        backend.workspace.docs(backend.report).get(made.id)
    assert backend.workspace.docs(backend.report, any_doc=True).get(made.id).document_id == \
        made.id
    permission = next(p for p in drive.permissions(made.id) if p.email == backend.report)
    drive.unshare(made.id, permission.id)
    drive.unshare(made.id, permission.id)  # already gone: no error
    assert {p.email for p in drive.permissions(made.id)} == {backend.manager}


def test_another_person_does_not_find_a_doc_not_shared_with_them(backend):
    backend.workspace.drive(backend.manager).create_doc("Private", {MARK: "private"})
    assert backend.workspace.drive(backend.report).find_docs(MARK, "private") == []


# --- Directory ---------------------------------------------------------------------------------
def test_the_directory_knows_who_manages_whom(backend):
    directory = backend.workspace.directory()
    assert directory.get(backend.report).manager_email == backend.manager
    assert backend.report in {p.email for p in directory.reports_of(backend.manager)}
