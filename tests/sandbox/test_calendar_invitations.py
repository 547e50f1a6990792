"""The mails Google Calendar sends guests for an organiser's writes with sendUpdates, as the
sandbox records them (/_sandbox/calendar/invitations): who, for which event, which kind, what
changed; and inserts with a client-chosen id, which the service uses to make an event once."""
from __future__ import annotations

import pytest
from googleapiclient.errors import HttpError

from .test_calendar import ANA, BO, SAM, calendar, control, error_of, timed

DANA = "dana@partner.io"
ROOM = "room-berlin-2@resource.calendar.google.com"
SESSION = timed("2030-01-07T10:00:00", "2030-01-07T11:00:00", summary="Peer coaching",
                attendees=[{"email": ANA}, {"email": BO}, {"email": DANA}, {"email": ROOM}])


def sent(sandbox, event_id: str | None = None) -> list[tuple]:
    rows = control(sandbox, "GET", f"/invitations?eventId={event_id}" if event_id
                   else "/invitations")["invitations"]
    return [(row["to"], row["method"], *([row["changes"]] if "changes" in row else []))
            for row in rows]


def clear(sandbox) -> None:
    with sandbox.world.transaction() as tx:
        tx.delete_kind("cal.invitation")


def test_a_new_event_invites_each_guest_once_but_not_the_organiser_or_rooms(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    event = ana.events().insert(calendarId="primary", body=SESSION, sendUpdates="all").execute()
    rows = control(empty_sandbox, "GET", "/invitations")["invitations"]
    assert [(r["to"], r["method"], r["eventId"]) for r in rows] == [
        (BO, "invitation", event["id"]), (DANA, "invitation", event["id"])]
    assert rows[0]["summary"] == "Peer coaching" and rows[0]["organizer"] == ANA
    assert rows[0]["start"] == {"dateTime": "2030-01-07T10:00:00Z", "timeZone": "Europe/Lisbon"}
    assert rows[0]["sendUpdates"] == "all" and rows[0]["sequence"] == 0


@pytest.mark.parametrize("mode, mailed", [("none", []), ("externalOnly", [DANA]),
                                          ("all", [BO, DANA])])
def test_send_updates_chooses_who_is_mailed(empty_sandbox, mode, mailed):
    calendar(empty_sandbox, ANA).events().insert(calendarId="primary", body=SESSION,
                                                 sendUpdates=mode).execute()
    assert [to for to, _ in sent(empty_sandbox)] == mailed


def test_adding_a_guest_invites_them_and_mails_the_others_an_update(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    event = ana.events().insert(calendarId="primary", body=SESSION, sendUpdates="all").execute()
    clear(empty_sandbox)
    ana.events().patch(calendarId="primary", eventId=event["id"], sendUpdates="all", body={
        "attendees": [*event["attendees"], {"email": SAM}]}).execute()
    assert sent(empty_sandbox) == [(BO, "update", ["attendees"]), (DANA, "update", ["attendees"]),
                                   (SAM, "invitation")]


def test_removing_a_guest_cancels_for_them_and_mails_the_others_an_update(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    event = ana.events().insert(calendarId="primary", body=SESSION, sendUpdates="all").execute()
    clear(empty_sandbox)
    ana.events().patch(calendarId="primary", eventId=event["id"], sendUpdates="all", body={
        "attendees": [a for a in event["attendees"] if a["email"] != DANA]}).execute()
    assert sent(empty_sandbox) == [(BO, "update", ["attendees"]), (DANA, "cancellation")]


def test_moving_the_event_mails_every_guest_what_changed(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    event = ana.events().insert(calendarId="primary", body=SESSION, sendUpdates="all").execute()
    clear(empty_sandbox)
    moved = ana.events().patch(calendarId="primary", eventId=event["id"], sendUpdates="all",
                               body=timed("2030-01-08T10:00:00", "2030-01-08T11:00:00")).execute()
    assert sent(empty_sandbox) == [(BO, "update", ["end", "start"]),
                                   (DANA, "update", ["end", "start"])]
    rows = control(empty_sandbox, "GET", "/invitations")["invitations"]
    assert rows[0]["sequence"] == moved["sequence"] == 1
    assert rows[0]["start"]["dateTime"] == "2030-01-08T10:00:00Z"


def test_a_change_guests_do_not_see_mails_nobody(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    event = ana.events().insert(calendarId="primary", body=SESSION, sendUpdates="all").execute()
    clear(empty_sandbox)
    ana.events().patch(calendarId="primary", eventId=event["id"], sendUpdates="all", body={
        "extendedProperties": {"private": {"coach": "1"}},
        "reminders": {"useDefault": False, "overrides": []}}).execute()
    assert sent(empty_sandbox) == []


def test_deleting_the_event_cancels_it_for_every_guest(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    event = ana.events().insert(calendarId="primary", body=SESSION, sendUpdates="all").execute()
    clear(empty_sandbox)
    ana.events().delete(calendarId="primary", eventId=event["id"], sendUpdates="all").execute()
    assert sent(empty_sandbox, event["id"]) == [(BO, "cancellation"), (DANA, "cancellation")]


def test_a_client_chosen_id_makes_the_event_once_even_after_it_is_deleted(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    body = {**SESSION, "id": "peercoaching2030q1ana"}
    ana.events().insert(calendarId="primary", body=body, sendUpdates="all").execute()
    with pytest.raises(HttpError) as again:
        ana.events().insert(calendarId="primary", body=body, sendUpdates="all").execute()
    assert again.value.resp.status == 409
    assert error_of(again)["errors"][0] == {"domain": "global", "reason": "duplicate",
                                            "message": "The requested identifier already exists."}
    ana.events().delete(calendarId="primary", eventId=body["id"]).execute()
    with pytest.raises(HttpError) as deleted:
        ana.events().insert(calendarId="primary", body=body).execute()
    assert deleted.value.resp.status == 409
    assert [to for to, _ in sent(empty_sandbox)] == [BO, DANA]  # the refused sends mail nobody
