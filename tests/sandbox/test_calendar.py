"""The sandbox's Calendar API v3 through the real google-api-python-client over HTTPS: event
resources, Google's validation, access between users, guests' rights, attachments, invitations,
free/busy and the calendar list. Shared helpers of the other test_calendar_* modules live here."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests
from google.oauth2.credentials import Credentials
from googleapiclient.errors import HttpError

from flask_app.adapters.google.clients import GoogleEndpoints, build_service
from workspace_sandbox.drive.files import create_google_doc

AUTH = "https://www.googleapis.com/auth/"
CAL = AUTH + "calendar"
CAL_READONLY = AUTH + "calendar.readonly"
EVENTS_READONLY = AUTH + "calendar.events.readonly"
ANA, BO, SAM = "ana.silva@example.com", "bo.nilsson@example.com", "sam.rivera@example.com"
CAPTURES = Path(__file__).parents[1] / "data" / "google-captures" / "calendar"


def calendar(sandbox, user: str, scopes=(CAL,), client_id: str = "sandbox-tests"):
    """A Calendar service acting as ``user``."""
    token = sandbox.token(user, list(scopes), client_id=client_id)
    return build_service("calendar", Credentials(token), GoogleEndpoints(sandbox.url, sandbox.ca_file))


def error_of(excinfo) -> dict:
    return json.loads(excinfo.value.content)["error"]


def control(sandbox, method: str, path: str, **kwargs) -> dict:
    response = requests.request(method, f"{sandbox.url}/_sandbox/calendar{path}", timeout=30,
                                verify=sandbox.ca_file, **kwargs)
    response.raise_for_status()
    return response.json()


def capture(name: str):
    return json.loads((CAPTURES / name).read_text(encoding="utf-8"))


def timed(start: str, end: str, zone: str = "Europe/Lisbon", **fields) -> dict:
    """An event body with local wall-clock times in ``zone``."""
    return {"start": {"dateTime": start, "timeZone": zone},
            "end": {"dateTime": end, "timeZone": zone}, **fields}


def list_all(service, **params) -> tuple[list[dict], str]:
    """Every item of a listing, following pages; and the final nextSyncToken."""
    items, page = [], None
    while True:
        response = service.events().list(**params, pageToken=page).execute()
        items += response["items"]
        page = response.get("nextPageToken")
        if page is None:
            return items, response.get("nextSyncToken")


ONE_ON_ONE = timed("2030-01-07T10:00:00", "2030-01-07T10:30:00", summary="Ana / Bo",
                   attendees=[{"email": ANA}, {"email": BO}])


def test_an_inserted_event_has_googles_fields(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    event = ana.events().insert(calendarId="primary", body=ONE_ON_ONE).execute()
    assert list(event)[:7] == ["kind", "etag", "id", "status", "htmlLink", "created", "updated"]
    assert event["kind"] == "calendar#event" and event["status"] == "confirmed"
    assert re.fullmatch(r'"\d+"', event["etag"])
    assert re.fullmatch(r"[a-v0-9]{26}", event["id"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", event["updated"])
    assert event["iCalUID"] == event["id"] + "@google.com"
    assert event["organizer"] == {"email": ANA, "self": True}
    assert event["creator"] == {"email": ANA, "self": True}
    assert event["start"] == {"dateTime": "2030-01-07T10:00:00Z", "timeZone": "Europe/Lisbon"}
    assert (event["sequence"], event["reminders"], event["eventType"]) == (
        0, {"useDefault": True}, "default")
    assert [a["responseStatus"] for a in event["attendees"]] == ["needsAction", "needsAction"]
    again = ana.events().patch(calendarId="primary", eventId=event["id"],
                               body={"summary": "Ana & Bo"}).execute()
    assert again["etag"] != event["etag"] and again["updated"] >= event["updated"]


def test_a_guest_sees_the_same_event_as_themselves(empty_sandbox):
    event = calendar(empty_sandbox, ANA).events().insert(calendarId="primary",
                                                         body=ONE_ON_ONE).execute()
    seen = calendar(empty_sandbox, BO).events().get(calendarId="primary",
                                                    eventId=event["id"]).execute()
    assert seen["id"] == event["id"]
    assert seen["organizer"] == {"email": ANA}
    assert [a.get("self", False) for a in seen["attendees"]] == [False, True]
    assert [a.get("organizer", False) for a in seen["attendees"]] == [True, False]


def test_times_are_shown_in_the_calendars_zone_or_the_one_asked_for(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    event = ana.events().insert(calendarId="primary", body=timed(
        "2030-07-01T10:00:00", "2030-07-01T11:00:00", "America/Chicago")).execute()
    assert event["start"] == {"dateTime": "2030-07-01T15:00:00Z", "timeZone": "America/Chicago"}
    shown = ana.events().get(calendarId="primary", eventId=event["id"],
                             timeZone="Asia/Tokyo").execute()
    assert shown["start"]["dateTime"] == "2030-07-02T00:00:00+09:00"


@pytest.mark.parametrize("body, status, reason, message", [
    ({"start": {"dateTime": "2030-01-07T10:00:00Z"}}, 400, "required", "Missing end time."),
    ({"end": {"dateTime": "2030-01-07T10:00:00Z"}}, 400, "required", "Missing start time."),
    ({"start": {"dateTime": "2030-01-07T10:00:00"}, "end": {"dateTime": "2030-01-07T11:00:00Z"}},
     400, "required", "Missing time zone definition for start time."),
    (timed("2030-01-07T10:00:00", "2030-01-07T09:00:00"), 400, "timeRangeEmpty",
     "The specified time range is empty."),
    ({"start": {"date": "2030-01-07"}, "end": {"dateTime": "2030-01-07T11:00:00Z"}}, 400,
     "invalid", "Start and end times must either both be date or both be dateTime."),
    ({"start": {"dateTime": "2030-01-07T10:00:00Z"}, "end": {"dateTime": "2030-01-07T11:00:00Z"},
      "recurrence": ["RRULE:FREQ=WEEKLY"]}, 400, "required",
     "Missing time zone definition for start time."),
    (timed("2030-01-07T10:00:00", "2030-01-07T11:00:00", recurrence=["RRULE:FREQ=SOMETIMES"]),
     400, "invalid", "Invalid recurrence rule."),
    ({"start": {"dateTime": "2030-01-07T10:00:00", "timeZone": "Mars/Olympus_Mons"},
      "end": {"dateTime": "2030-01-07T11:00:00Z"}}, 400, "invalid",
     "Invalid time zone definition for start time."),
    ({**ONE_ON_ONE, "id": "UPPERCASE1"}, 400, "invalid", "Invalid resource id value."),
    ({**ONE_ON_ONE, "id": "abcw0"}, 400, "invalid", "Invalid resource id value."),
    ({**ONE_ON_ONE, "id": "ab12"}, 400, "invalid", "Invalid resource id value."),
    ({**ONE_ON_ONE, "attendees": [{"displayName": "No address"}]}, 400, "required",
     "Missing attendee email."),
])
def test_insert_rejects_what_google_rejects(empty_sandbox, body, status, reason, message):
    with pytest.raises(HttpError) as raised:
        calendar(empty_sandbox, ANA).events().insert(calendarId="primary", body=body).execute()
    error = error_of(raised)
    assert (error["code"], error["errors"][0]["reason"], error["message"]) == (
        status, reason, message)


def test_a_client_chosen_id_is_kept_and_must_be_unique(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    event = ana.events().insert(calendarId="primary", body={**ONE_ON_ONE, "id": "coach0001"}).execute()
    assert event["id"] == "coach0001"
    with pytest.raises(HttpError) as raised:
        ana.events().insert(calendarId="primary", body={**ONE_ON_ONE, "id": "coach0001"}).execute()
    assert error_of(raised)["errors"][0]["reason"] == "duplicate"
    assert raised.value.resp.status == 409


def test_an_unknown_field_is_rejected(empty_sandbox):
    with pytest.raises(HttpError) as raised:
        calendar(empty_sandbox, ANA).events().insert(
            calendarId="primary", body={**ONE_ON_ONE, "agenda": "not a Calendar field"}).execute()
    assert raised.value.resp.status == 400
    assert 'Unknown name "agenda"' in error_of(raised)["message"]


def test_a_value_outside_an_enum_is_rejected(empty_sandbox):
    token = empty_sandbox.token(ANA, [CAL])
    response = requests.get(f"{empty_sandbox.url}/calendar/v3/calendars/primary/events",
                            params={"orderBy": "soonest"}, verify=empty_sandbox.ca_file,
                            headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert response.status_code == 400
    assert "soonest" in response.json()["error"]["message"]


def test_another_users_calendar_is_not_found(empty_sandbox):
    calendar(empty_sandbox, ANA).events().insert(calendarId="primary", body=timed(
        "2030-01-07T10:00:00", "2030-01-07T11:00:00", summary="Private")).execute()
    bo = calendar(empty_sandbox, BO)
    for request in (bo.events().list(calendarId=ANA),
                    bo.events().insert(calendarId=ANA, body=ONE_ON_ONE),
                    bo.calendars().get(calendarId=ANA)):
        with pytest.raises(HttpError) as raised:
            request.execute()
        assert raised.value.resp.status == 404
        assert error_of(raised)["errors"][0]["reason"] == "notFound"
        assert error_of(raised)["message"] == "Not Found"


def test_an_event_the_user_is_not_invited_to_is_not_found(empty_sandbox):
    event = calendar(empty_sandbox, ANA).events().insert(calendarId="primary", body=timed(
        "2030-01-07T10:00:00", "2030-01-07T11:00:00")).execute()
    with pytest.raises(HttpError) as raised:
        calendar(empty_sandbox, SAM).events().get(calendarId="primary",
                                                  eventId=event["id"]).execute()
    assert raised.value.resp.status == 404


@pytest.mark.parametrize("scope", [CAL_READONLY, EVENTS_READONLY])
def test_read_only_scopes_read_but_cannot_write(empty_sandbox, scope):
    calendar(empty_sandbox, ANA).events().insert(calendarId="primary", body=ONE_ON_ONE).execute()
    reader = calendar(empty_sandbox, ANA, scopes=(scope,))
    assert len(reader.events().list(calendarId="primary").execute()["items"]) == 1
    with pytest.raises(HttpError) as raised:
        reader.events().insert(calendarId="primary", body=ONE_ON_ONE).execute()
    assert raised.value.resp.status == 403
    assert error_of(raised)["errors"][0]["reason"] == "insufficientPermissions"


def test_private_properties_belong_to_each_copy_and_shared_ones_to_all(empty_sandbox):
    ana, bo = calendar(empty_sandbox, ANA), calendar(empty_sandbox, BO)
    event = ana.events().insert(calendarId="primary", body={
        **ONE_ON_ONE, "extendedProperties": {"private": {"doc": "ana-doc"},
                                             "shared": {"coach": "1"}}}).execute()
    bo.events().patch(calendarId="primary", eventId=event["id"],
                      body={"extendedProperties": {"private": {"seen": "yes"}}}).execute()
    as_ana = ana.events().get(calendarId="primary", eventId=event["id"]).execute()
    as_bo = bo.events().get(calendarId="primary", eventId=event["id"]).execute()
    assert as_ana["extendedProperties"] == {"private": {"doc": "ana-doc"}, "shared": {"coach": "1"}}
    assert as_bo["extendedProperties"] == {"private": {"seen": "yes"}, "shared": {"coach": "1"}}
    found = ana.events().list(calendarId="primary", privateExtendedProperty="doc=ana-doc",
                              q="bo").execute()
    assert [e["id"] for e in found["items"]] == [event["id"]]
    assert bo.events().list(calendarId="primary",
                            privateExtendedProperty="doc=ana-doc").execute()["items"] == []
    both = bo.events().list(calendarId="primary", sharedExtendedProperty=["coach=1"],
                            privateExtendedProperty=["seen=yes"]).execute()
    assert [e["id"] for e in both["items"]] == [event["id"]]


def test_a_guest_answers_but_cannot_change_the_organizers_event(empty_sandbox):
    ana, bo = calendar(empty_sandbox, ANA), calendar(empty_sandbox, BO)
    event = ana.events().insert(calendarId="primary", body=ONE_ON_ONE).execute()
    answered = [{**a, "responseStatus": "accepted"} if a["email"] == BO else a
                for a in event["attendees"]]
    bo.events().patch(calendarId="primary", eventId=event["id"],
                      body={"attendees": answered}).execute()
    statuses = {a["email"]: a["responseStatus"] for a in ana.events().get(
        calendarId="primary", eventId=event["id"]).execute()["attendees"]}
    assert statuses == {ANA: "needsAction", BO: "accepted"}
    for body, message in (({"summary": "Bo's meeting now"}, None),
                          ({"extendedProperties": {"shared": {"x": "1"}}},
                           "Shared properties can only be changed by the organizer of the event.")):
        with pytest.raises(HttpError) as raised:
            bo.events().patch(calendarId="primary", eventId=event["id"], body=body).execute()
        assert raised.value.resp.status == 403
        assert error_of(raised)["errors"][0]["reason"] == "forbiddenForNonOrganizer"
        assert message is None or error_of(raised)["message"] == message
    with pytest.raises(HttpError) as raised:
        bo.events().delete(calendarId="primary", eventId=event["id"]).execute()
    assert raised.value.resp.status == 403


def test_a_deleted_event_is_cancelled_for_everyone_and_cannot_be_deleted_again(empty_sandbox):
    ana, bo = calendar(empty_sandbox, ANA), calendar(empty_sandbox, BO)
    event = ana.events().insert(calendarId="primary", body=ONE_ON_ONE).execute()
    ana.events().delete(calendarId="primary", eventId=event["id"]).execute()
    assert bo.events().get(calendarId="primary", eventId=event["id"]).execute()["status"] == \
        "cancelled"
    assert bo.events().list(calendarId="primary").execute()["items"] == []
    with pytest.raises(HttpError) as raised:
        ana.events().delete(calendarId="primary", eventId=event["id"]).execute()
    assert raised.value.resp.status == 410
    assert error_of(raised)["errors"][0]["reason"] == "deleted"


def test_a_removed_guest_sees_the_event_cancelled(empty_sandbox):
    ana, bo = calendar(empty_sandbox, ANA), calendar(empty_sandbox, BO)
    event = ana.events().insert(calendarId="primary", body=ONE_ON_ONE).execute()
    ana.events().patch(calendarId="primary", eventId=event["id"],
                       body={"attendees": [{"email": ANA}]}).execute()
    assert bo.events().list(calendarId="primary").execute()["items"] == []
    deleted = bo.events().list(calendarId="primary", showDeleted=True).execute()["items"]
    assert deleted == [{"kind": "calendar#event", "etag": deleted[0]["etag"], "id": event["id"],
                        "status": "cancelled"}]


DOC_URL = "https://docs.google.com/document/d/1AbCdEfGhIjK_lMnOp-qRsT/edit"


def test_attachments_are_kept_only_with_supports_attachments(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    body = {**ONE_ON_ONE, "attachments": [{"fileUrl": DOC_URL, "title": "Agenda"}]}
    ignored = ana.events().insert(calendarId="primary", body=body).execute()
    assert "attachments" not in ignored
    kept = ana.events().insert(calendarId="primary", body=body, supportsAttachments=True).execute()
    assert kept["attachments"] == [{"fileUrl": DOC_URL, "title": "Agenda",
                                    "fileId": "1AbCdEfGhIjK_lMnOp-qRsT"}]
    patched = ana.events().patch(calendarId="primary", eventId=kept["id"],
                                 body={"summary": "Renamed", "attachments": []}).execute()
    assert patched["attachments"] == kept["attachments"]
    cleared = ana.events().patch(calendarId="primary", eventId=kept["id"], body={"attachments": []},
                                 supportsAttachments=True).execute()
    assert "attachments" not in cleared


@pytest.mark.parametrize("attachments, message", [
    ([{"fileUrl": DOC_URL}] * 26, "An event can have at most 25 attachments."),
    ([{"title": "No link"}], "Missing attachment file URL."),
])
def test_bad_attachments_are_rejected(empty_sandbox, attachments, message):
    with pytest.raises(HttpError) as raised:
        calendar(empty_sandbox, ANA).events().insert(
            calendarId="primary", body={**ONE_ON_ONE, "attachments": attachments},
            supportsAttachments=True).execute()
    assert raised.value.resp.status == 400 and error_of(raised)["message"] == message


def test_send_updates_records_the_mails_google_would_send(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    guests = [{"email": ANA}, {"email": BO}, {"email": "dana@partner.io"}]
    quiet = ana.events().insert(calendarId="primary", body={**ONE_ON_ONE, "attendees": guests},
                                sendUpdates="none").execute()
    assert control(empty_sandbox, "GET", "/invitations")["invitations"] == []
    external = ana.events().insert(calendarId="primary", body={**ONE_ON_ONE, "attendees": guests},
                                   sendUpdates="externalOnly").execute()
    sent = control(empty_sandbox, "GET", "/invitations")["invitations"]
    assert [(m["to"], m["method"], m["eventId"]) for m in sent] == [
        ("dana@partner.io", "invitation", external["id"])]
    ana.events().patch(calendarId="primary", eventId=quiet["id"], sendUpdates="all",
                       body={"attendees": [{"email": ANA}, {"email": SAM}]}).execute()
    sent = control(empty_sandbox, "GET", f"/invitations?eventId={quiet['id']}")["invitations"]
    assert sorted((m["to"], m["method"]) for m in sent) == [
        (BO, "cancellation"), ("dana@partner.io", "cancellation"), (SAM, "invitation")]


def test_freebusy_counts_busy_time_only(empty_sandbox):
    ana, bo = calendar(empty_sandbox, ANA), calendar(empty_sandbox, BO)
    ana.events().insert(calendarId="primary", body=ONE_ON_ONE).execute()
    ana.events().insert(calendarId="primary", body=timed(
        "2030-01-07T10:15:00", "2030-01-07T11:00:00", summary="Overlapping")).execute()
    ana.events().insert(calendarId="primary", body=timed(
        "2030-01-07T14:00:00", "2030-01-07T15:00:00", transparency="transparent")).execute()
    declined = ana.events().insert(calendarId="primary", body=timed(
        "2030-01-07T16:00:00", "2030-01-07T17:00:00",
        attendees=[{"email": ANA}, {"email": BO}])).execute()
    answer = [{**a, "responseStatus": "declined"} if a["email"] == BO else a
              for a in declined["attendees"]]
    bo.events().patch(calendarId="primary", eventId=declined["id"],
                      body={"attendees": answer}).execute()
    result = bo.freebusy().query(body={
        "timeMin": "2030-01-07T00:00:00Z", "timeMax": "2030-01-08T00:00:00Z",
        "items": [{"id": ANA}, {"id": "primary"}, {"id": "nobody@example.com"}]}).execute()
    assert result["kind"] == "calendar#freeBusy"
    assert result["calendars"][ANA] == {"busy": [
        {"start": "2030-01-07T10:00:00Z", "end": "2030-01-07T11:00:00Z"},
        {"start": "2030-01-07T16:00:00Z", "end": "2030-01-07T17:00:00Z"}]}
    assert result["calendars"]["primary"] == {"busy": [
        {"start": "2030-01-07T10:00:00Z", "end": "2030-01-07T10:30:00Z"}]}
    assert result["calendars"]["nobody@example.com"] == {
        "errors": [{"domain": "global", "reason": "notFound"}], "busy": []}


def test_the_calendar_list_holds_the_users_own_calendar(sandbox):
    ana = calendar(sandbox, ANA)
    entries = ana.calendarList().list().execute()["items"]
    assert [(e["id"], e["primary"], e["accessRole"], e["timeZone"]) for e in entries] == [
        (ANA, True, "owner", "Europe/Lisbon")]
    assert ana.calendars().get(calendarId="primary").execute()["id"] == ANA


def test_q_matches_the_start_of_words_in_texts_and_people(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    ana.events().insert(calendarId="primary", body=ONE_ON_ONE).execute()
    ana.events().insert(calendarId="primary", body=timed(
        "2030-01-07T09:30:00", "2030-01-07T09:45:00", summary="Platform stand-up",
        location="Lisbon office")).execute()
    for query, expected in (("bo", ["Ana / Bo"]), ("NILSSON", ["Ana / Bo"]),
                            ("stand lisb", ["Platform stand-up"]), ("isbon", [])):
        found = ana.events().list(calendarId="primary", q=query).execute()["items"]
        assert [e["summary"] for e in found] == expected, query


def test_a_drive_attachment_takes_the_files_title_type_and_icon(empty_sandbox):
    with empty_sandbox.world.transaction() as tx:
        doc = create_google_doc(tx, ANA, "Ana / Bo: agenda")
    url = f"https://docs.google.com/document/d/{doc['id']}/edit"
    event = calendar(empty_sandbox, ANA).events().insert(
        calendarId="primary", body={**ONE_ON_ONE, "attachments": [{"fileUrl": url}]},
        supportsAttachments=True).execute()
    assert event["attachments"] == [{
        "fileUrl": url, "title": "Ana / Bo: agenda",
        "mimeType": "application/vnd.google-apps.document",
        "iconLink": "https://drive-thirdparty.googleusercontent.com/16/type/"
                    "application/vnd.google-apps.document", "fileId": doc["id"]}]
