"""freebusy.query of the sandbox's Calendar API through google-api-python-client, as the service
asks it for a cohort of managers: busy time merged and clipped, what does not count as busy,
all-day events in each calendar's zone, calendars that cannot be seen, the 50-calendar limit and
groups."""
from __future__ import annotations

import pytest
from googleapiclient.errors import HttpError

from workspace_sandbox.calendar.store import ensure_calendar

from .test_calendar import ANA, BO, SAM, calendar, control, error_of, timed

DAY = {"timeMin": "2030-01-07T00:00:00Z", "timeMax": "2030-01-08T00:00:00Z"}
NOT_FOUND = {"errors": [{"domain": "global", "reason": "notFound"}], "busy": []}


def query(service, *ids, **body) -> dict:
    return service.freebusy().query(body={**DAY, "items": [{"id": i} for i in ids],
                                          **body}).execute()


def test_busy_time_is_merged_clipped_and_shown_in_the_zone_asked_for(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    for start, end in (("2030-01-06T23:00:00", "2030-01-07T01:00:00"),   # crosses timeMin
                       ("2030-01-07T09:00:00", "2030-01-07T10:00:00"),
                       ("2030-01-07T09:30:00", "2030-01-07T11:00:00"),   # overlaps: merged
                       ("2030-01-07T11:00:00", "2030-01-07T11:30:00"),   # touches: merged
                       ("2030-01-07T15:00:00", "2030-01-07T16:00:00")):
        ana.events().insert(calendarId="primary", body=timed(start, end, zone="UTC")).execute()
    result = query(ana, ANA, timeZone="Europe/Berlin")
    assert result["timeMin"] == "2030-01-07T00:00:00.000Z"
    assert result["calendars"][ANA]["busy"] == [
        {"start": "2030-01-07T01:00:00+01:00", "end": "2030-01-07T02:00:00+01:00"},
        {"start": "2030-01-07T10:00:00+01:00", "end": "2030-01-07T12:30:00+01:00"},
        {"start": "2030-01-07T16:00:00+01:00", "end": "2030-01-07T17:00:00+01:00"}]


def test_only_events_the_person_keeps_make_them_busy(empty_sandbox):
    ana, bo = calendar(empty_sandbox, ANA), calendar(empty_sandbox, BO)
    guests = [{"email": ANA}, {"email": BO}]
    ana.events().insert(calendarId="primary", body=timed(
        "2030-01-07T09:00:00", "2030-01-07T10:00:00", zone="UTC", attendees=guests)).execute()
    declined = ana.events().insert(calendarId="primary", body=timed(
        "2030-01-07T11:00:00", "2030-01-07T12:00:00", zone="UTC", attendees=guests)).execute()
    bo.events().patch(calendarId="primary", eventId=declined["id"], body={"attendees": [
        guests[0], {**guests[1], "responseStatus": "declined"}]}).execute()
    ana.events().insert(calendarId="primary", body=timed(
        "2030-01-07T13:00:00", "2030-01-07T14:00:00", zone="UTC", transparency="transparent",
        attendees=guests)).execute()
    cancelled = ana.events().insert(calendarId="primary", body=timed(
        "2030-01-07T15:00:00", "2030-01-07T16:00:00", zone="UTC", attendees=guests)).execute()
    ana.events().delete(calendarId="primary", eventId=cancelled["id"]).execute()
    bo.events().insert(calendarId="primary", body=timed(
        "2030-01-07T08:00:00", "2030-01-07T17:00:00", zone="UTC", eventType="workingLocation",
        workingLocationProperties={"type": "officeLocation", "officeLocation": {}})).execute()

    calendars = query(ana, ANA, BO)["calendars"]
    assert calendars[BO]["busy"] == [{"start": "2030-01-07T09:00:00Z",
                                      "end": "2030-01-07T10:00:00Z"}]
    assert calendars[ANA]["busy"] == [  # the organiser keeps the event Bo declined
        {"start": "2030-01-07T09:00:00Z", "end": "2030-01-07T10:00:00Z"},
        {"start": "2030-01-07T11:00:00Z", "end": "2030-01-07T12:00:00Z"}]


def test_an_all_day_event_is_busy_for_the_day_of_the_persons_calendar(empty_sandbox):
    with empty_sandbox.world.transaction() as tx:
        ensure_calendar(tx, BO, time_zone="Asia/Tokyo")
    bo = calendar(empty_sandbox, BO)
    bo.events().insert(calendarId="primary", body={
        "summary": "Offsite", "start": {"date": "2030-01-07"}, "end": {"date": "2030-01-08"}
    }).execute()
    result = query(bo, BO, timeMin="2030-01-06T00:00:00Z", timeMax="2030-01-09T00:00:00Z")
    assert result["calendars"][BO]["busy"] == [{"start": "2030-01-06T15:00:00Z",
                                                "end": "2030-01-07T15:00:00Z"}]


def test_calendars_that_cannot_be_seen_answer_not_found_and_the_rest_are_answered(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    calendar(empty_sandbox, BO).events().insert(calendarId="primary", body=timed(
        "2030-01-07T09:00:00", "2030-01-07T10:00:00", zone="UTC")).execute()
    calendars = query(ana, BO, "nobody@example.com", "dana@partner.io", "primary")["calendars"]
    assert calendars == {
        BO: {"busy": [{"start": "2030-01-07T09:00:00Z", "end": "2030-01-07T10:00:00Z"}]},
        "nobody@example.com": NOT_FOUND, "dana@partner.io": NOT_FOUND, "primary": {"busy": []}}


def test_at_most_fifty_calendars_get_free_busy(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    ids = [ANA] + [f"manager{i:02d}@example.com" for i in range(51)]
    calendars = query(ana, *ids)["calendars"]
    assert list(calendars) == ids
    assert calendars[ANA] == {"busy": []}
    too_many = {"errors": [{"domain": "calendar", "reason": "tooManyCalendarsRequested"}],
                "busy": []}
    assert [calendars[i] == too_many for i in ids] == [False] * 50 + [True] * 2

    fewer = query(ana, ANA, BO, SAM, calendarExpansionMax=2)["calendars"]
    assert fewer[SAM] == too_many and fewer[BO] == NOT_FOUND


@pytest.mark.parametrize("body", [{"calendarExpansionMax": 51}, {"groupExpansionMax": 101},
                                  {"calendarExpansionMax": 0}])
def test_expansion_limits_above_googles_maximum_are_refused(empty_sandbox, body):
    with pytest.raises(HttpError) as raised:
        query(calendar(empty_sandbox, ANA), ANA, **body)
    assert raised.value.resp.status == 400


def test_a_group_expands_to_its_members_unless_it_has_too_many(empty_sandbox):
    control(empty_sandbox, "PUT", "/groups", json={"email": "Leads@example.com",
                                                   "members": [BO, SAM]})
    ana, bo = calendar(empty_sandbox, ANA), calendar(empty_sandbox, BO)
    bo.events().insert(calendarId="primary", body=timed(
        "2030-01-07T09:00:00", "2030-01-07T10:00:00", zone="UTC")).execute()
    result = query(ana, "Leads@example.com", ANA)
    assert result["groups"] == {"Leads@example.com": {"calendars": [BO, SAM]}}
    assert list(result["calendars"]) == [BO, SAM, ANA]
    assert result["calendars"][BO]["busy"] == [{"start": "2030-01-07T09:00:00Z",
                                                "end": "2030-01-07T10:00:00Z"}]

    too_big = query(ana, "leads@example.com", groupExpansionMax=1)
    assert too_big["groups"] == {"leads@example.com": {
        "errors": [{"domain": "global", "reason": "groupTooBig"}], "calendars": []}}
    assert too_big["calendars"] == {}


@pytest.mark.parametrize("bounds, status, reason", [
    ({"timeMin": "2030-01-07T00:00:00", "timeMax": "2030-01-08T00:00:00"}, 400, "badRequest"),
    ({"timeMin": "2030-01-08T00:00:00Z", "timeMax": "2030-01-07T00:00:00Z"}, 400,
     "timeRangeEmpty"),
    ({"timeMax": "2030-01-08T00:00:00Z"}, 400, "required"),
])
def test_bad_windows_are_refused(empty_sandbox, bounds, status, reason):
    ana = calendar(empty_sandbox, ANA)
    with pytest.raises(HttpError) as raised:
        ana.freebusy().query(body={"items": [{"id": ANA}], **bounds}).execute()
    assert raised.value.resp.status == status
    assert error_of(raised)["errors"][0]["reason"] == reason
