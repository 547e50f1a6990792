"""The agenda sync end to end: the real client libraries against the sandbox over HTTPS."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from flask_app.adapters.google.docs import snapshot
from flask_app.domain.rollout import Rollout
from flask_app.domain.sections import RANGE_PREFIX
from flask_app.services.pair_docs import PAIR_PROPERTY, pair_marker

ANA = "ana.silva@example.com"
BO = "bo.nilsson@example.com"
WRITES = ("calendar.events.patch", "calendar.events.insert", "drive.files.create",
          "drive.permissions.create", "docs.documents.batchUpdate", "docs.documents.create")


def pair_doc(coach, manager, report):
    record = coach.store.pair(manager, report)
    assert record is not None and record.doc_id, f"no doc for {manager} / {report}"
    return snapshot(coach.service("docs", manager).documents().get(
        documentId=record.doc_id).execute())


def sections(doc):
    return sorted((name for name in doc.named_ranges
                   if name.startswith(RANGE_PREFIX) and name.count(".") == 2),
                  key=lambda n: doc.range(n)[0])


def titles(doc):
    return [doc.paragraph_at(doc.range(name)[0]).text for name in sections(doc)]


def series(coach, manager, title):
    events = coach.service("calendar", manager).events().list(calendarId="primary").execute()
    return next(e for e in events["items"] if e.get("summary") == title)


def writes(sandbox):
    return sum(sandbox.calls(method) for method in WRITES)


def test_agendas_for_the_demo_organisation(coach, sandbox):
    results = coach.sync()
    assert len(results) == 10 and not [p for r in results for p in r.problems]
    pairs = coach.store.pairs()
    assert len(pairs) >= 30
    doc = pair_doc(coach, ANA, BO)
    assert doc.paragraphs[0].text == "One-on-ones · Ana Silva & Bo Nilsson"
    assert len(sections(doc)) == 1  # the next meeting only
    title = titles(doc)[0]  # in Ana's zone and in Bo's
    assert title.startswith("1:1 · ") and "Lisbon" in title and "Stockholm" in title
    event = series(coach, ANA, "Ana / Bo")
    assert [a["fileId"] for a in event["attachments"]] == [coach.store.pair(ANA, BO).doc_id]
    permissions = coach.service("drive", ANA).permissions().list(
        fileId=coach.store.pair(ANA, BO).doc_id, fields="permissions(emailAddress,role)",
    ).execute()["permissions"]
    assert {(p["emailAddress"], p["role"]) for p in permissions} == {(ANA, "owner"),
                                                                      (BO, "writer")}
    # The report reads the same doc through their own calendar.
    bo_view = series(coach, BO, "Ana / Bo")
    assert bo_view["attachments"][0]["fileId"] == coach.store.pair(ANA, BO).doc_id


def test_a_second_run_writes_nothing_and_costs_one_call_per_manager(coach, sandbox):
    coach.sync()
    sandbox.clear_calls()
    results = coach.sync()
    assert writes(sandbox) == 0
    assert sandbox.calls("calendar.events.list") == len(results)
    assert sandbox.calls() == len(results) + sandbox.calls("directory.users.list")
    assert all(r.sections_added == 0 for r in results)


def test_an_expired_sync_token_is_recovered_by_a_full_sync_that_duplicates_nothing(coach,
                                                                                  sandbox):
    coach.sync(ANA)
    docs = {p.key: p.doc_id for p in coach.store.pairs(ANA)}
    meetings = {key: len(coach.store.meetings(key)) for key in docs}
    sandbox.call("PUT", "/calendar/settings", json={"syncTokenTtlSeconds": 60})
    sandbox.advance(61)  # Google answers the stored token with 410 Gone
    sandbox.clear_calls()
    (result,) = coach.sync(ANA)
    assert result.full_sync and result.failed is None and not result.problems
    assert sandbox.calls("calendar.events.list") == 2  # the 410, then the full list
    assert writes(sandbox) == 0
    assert {p.key: p.doc_id for p in coach.store.pairs(ANA)} == docs
    assert {key: len(coach.store.meetings(key)) for key in docs} == meetings
    assert all(len(sections(pair_doc(coach, ANA, p.report))) == meetings[p.key]
               for p in coach.store.pairs(ANA))
    assert coach.store.manager(ANA).sync_token  # a new token, for the next sync


def attach_notes(coach) -> dict:
    """Ana's own notes doc, attached to the Ana / Bo series."""
    drive = coach.service("drive", ANA)
    notes = drive.files().create(body={"name": "Ana & Bo notes",
                                       "mimeType": "application/vnd.google-apps.document"},
                                 fields="id").execute()
    docs = coach.service("docs", ANA)
    docs.documents().batchUpdate(documentId=notes["id"], body={"requests": [
        {"insertText": {"location": {"index": 1}, "text": "Bo's notes from before\n"}}]}).execute()
    event = series(coach, ANA, "Ana / Bo")
    coach.service("calendar", ANA).events().patch(
        calendarId="primary", eventId=event["id"], supportsAttachments=True,
        body={"attachments": [{"fileUrl": f"https://docs.google.com/document/d/{notes['id']}/edit",
                               "title": "Ana & Bo notes"}]}).execute()
    return notes


def test_an_attached_doc_is_reused_when_hr_allows_it(coach, sandbox):
    coach.store.save_rollout(Rollout(units=["/"], reuse_docs=True))
    notes = attach_notes(coach)
    drive = coach.service("drive", ANA)
    results = coach.sync(ANA)
    assert coach.store.pair(ANA, BO).doc_id == notes["id"]
    assert results[0].docs_reused == 1
    doc = pair_doc(coach, ANA, BO)
    assert len(sections(doc)) == 1
    assert doc.paragraphs[-2].text == "Bo's notes from before"
    found = drive.files().list(q=f"appProperties has {{ key='{PAIR_PROPERTY}' and "
                                 f"value='{pair_marker(ANA, BO)}' }}").execute()["files"]
    assert found == []


def test_by_default_the_coach_makes_its_own_doc_and_links_the_attached_one(coach, sandbox):
    notes = attach_notes(coach)
    results = coach.sync(ANA)
    assert results[0].docs_created == 5 and results[0].docs_reused == 0  # Ana's five pairs
    doc = pair_doc(coach, ANA, BO)
    assert doc.document_id != notes["id"]
    links = [s.link for p in doc.paragraphs[:4] for s in p.spans if s.link]
    assert f"https://docs.google.com/document/d/{notes['id']}/edit" in links
    attached = {a["fileUrl"] for a in coach.service("calendar", ANA).events().get(
        calendarId="primary", eventId=series(coach, ANA, "Ana / Bo")["id"]).execute()
        ["attachments"]}
    assert len(attached) == 2  # the person's notes stay attached beside the coach's doc


def test_moved_and_cancelled_meetings(coach, sandbox):
    coach.sync(ANA)
    calendar = coach.service("calendar", ANA).events()
    event = series(coach, ANA, "Ana / Bo")
    now = coach.now()
    first = calendar.instances(calendarId="primary", eventId=event["id"],
                               timeMin=now.isoformat()).execute()["items"][0]
    first_start = datetime.fromisoformat(first["start"]["dateTime"])
    moved = first_start + timedelta(days=1)
    calendar.patch(calendarId="primary", eventId=first["id"], body={
        "start": {"dateTime": moved.isoformat(), "timeZone": first["start"].get("timeZone")},
        "end": {"dateTime": (moved + timedelta(minutes=30)).isoformat(),
                "timeZone": first["end"].get("timeZone")}}).execute()
    assert coach.sync(ANA)[0].sections_redated == 1
    [title] = titles(pair_doc(coach, ANA, BO))
    assert first_start.strftime("%a %-d %b") not in title and moved.strftime("%a %-d %b") in title
    calendar.delete(calendarId="primary", eventId=first["id"]).execute()
    assert coach.sync(ANA)[0].sections_removed == 1
    assert titles(pair_doc(coach, ANA, BO)) == []  # the meeting after is more than a week away
    sandbox.advance(timedelta(days=2).total_seconds())
    coach.sync(ANA)
    assert len(titles(pair_doc(coach, ANA, BO))) == 1


def test_a_deleted_pair_doc_is_replaced_by_a_new_one(coach, sandbox):
    coach.sync(ANA)
    old = coach.store.pair(ANA, BO).doc_id
    coach.service("drive", ANA).files().delete(fileId=old).execute()
    sandbox.advance(timedelta(days=7).total_seconds())  # a new meeting needs a section
    first = coach.sync(ANA)[0]
    assert "the pair doc was gone; a new one is made on the next sync" in first.problems
    coach.sync(ANA)
    new = coach.store.pair(ANA, BO).doc_id
    assert new and new != old
    assert len(sections(pair_doc(coach, ANA, BO))) == 1
    event = series(coach, ANA, "Ana / Bo")
    assert [a["fileId"] for a in event["attachments"]] == [new]
