"""Recurring series in the sandbox's Calendar API: instances, moved and cancelled instances,
"this and following" splits, and the shapes Google's captured answers have."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from googleapiclient.errors import HttpError

from .test_calendar import ANA, BO, calendar, capture, control, error_of, list_all, timed

CHICAGO = "America/Chicago"
CAPTURED_USER = "test.user@gmail.com"


def comparable(value, replacements: dict[str, str] | None = None):
    """A resource with the values Google makes up masked, and strings rewritten (our ids and
    users into the capture's)."""
    if isinstance(value, list):
        return [comparable(item, replacements) for item in value]
    if isinstance(value, dict):
        return {key: "<generated>" if key in ("etag", "htmlLink", "created", "updated")
                else comparable(item, replacements) for key, item in value.items()}
    if isinstance(value, str):
        for ours, theirs in (replacements or {}).items():
            value = value.replace(ours, theirs)
    return value


def _items_like_capture(ana, event_id: str, captured_id: str) -> list[dict]:
    items = ana.events().list(calendarId="primary", timeZone=CHICAGO).execute()["items"]
    return comparable(items, {event_id: captured_id, ANA: CAPTURED_USER})


def _dishes(ana) -> dict:
    return ana.events().insert(calendarId="primary", body=timed(
        "2025-03-24T07:30:00", "2025-03-24T08:15:00", CHICAGO, summary="🍽️ Dishes",
        recurrence=["RRULE:FREQ=DAILY"])).execute()


def test_a_cancelled_instance_comes_back_as_google_strips_it(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    series = ana.events().insert(calendarId="primary", body=timed(
        "2025-02-09T08:00:00", "2025-02-09T09:00:00", CHICAGO, summary="🍜 Breakfast",
        recurrence=["RRULE:FREQ=DAILY;UNTIL=20250401T045959Z"])).execute()
    ana.events().delete(calendarId="primary", eventId=series["id"] + "_20250325T130000Z").execute()
    captured = capture("delete__single__delete.single.json")
    assert _items_like_capture(ana, series["id"], captured["items"][0]["id"]) == \
        comparable(captured["items"])


def test_an_edited_instance_is_an_exception_like_googles(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    series = _dishes(ana)
    ana.events().patch(calendarId="primary", eventId=series["id"] + "_20250324T123000Z", body={
        "summary": "🍽️ Dishes (Modified)",
        "start": {"dateTime": "2025-03-24T12:30:00-05:00", "timeZone": CHICAGO},
        "end": {"dateTime": "2025-03-24T13:15:00-05:00", "timeZone": CHICAGO}}).execute()
    captured = capture("edit__single__single.instance-1.json")
    assert _items_like_capture(ana, series["id"], captured["items"][0]["id"]) == \
        comparable(captured["items"])


def test_this_and_following_splits_the_series_like_google_calendar(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    series = _dishes(ana)
    description = ("Originally was: 🍽️\nThen clicked the fourth instances, renamed to 🧽, and "
                   "applied to THIS AND FOLLOWING")
    split = control(empty_sandbox, "POST", "/split", json={
        "calendarId": ANA, "eventId": series["id"], "instanceStart": "2025-03-27T12:30:00Z",
        "changes": {"summary": "🧽 Dishes", "description": description}})
    assert split["original"]["recurrence"] == ["RRULE:FREQ=DAILY;UNTIL=20250327T045959Z"]
    assert split["following"]["id"] == series["id"] + "_R20250327T123000"
    captured = capture("edit__this-and-following__this-and-following-1.json")
    assert _items_like_capture(ana, series["id"], captured["items"][0]["id"]) == \
        comparable(captured["items"])
    instances = ana.events().list(calendarId="primary", singleEvents=True, orderBy="startTime",
                                  timeMin="2025-03-25T00:00:00Z",
                                  timeMax="2025-03-29T00:00:00Z").execute()["items"]
    assert [(i["summary"], i["recurringEventId"]) for i in instances] == [
        ("🍽️ Dishes", series["id"]), ("🍽️ Dishes", series["id"]),
        ("🧽 Dishes", split["following"]["id"]), ("🧽 Dishes", split["following"]["id"])]


def test_instances_have_the_captured_shape(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    captured = capture("core__gcal.recurring.json")
    series = ana.events().insert(calendarId="primary", body={
        key: captured[0][key] for key in ("summary", "start", "end", "recurrence")}).execute()
    as_listed = ana.events().get(calendarId="primary", eventId=series["id"],
                                 timeZone="Africa/Lagos").execute()
    listed = ana.events().list(calendarId="primary", singleEvents=True,
                               timeZone="Africa/Lagos").execute()["items"]
    ours = comparable([as_listed] + listed,
                      {series["id"]: captured[0]["id"], ANA: "test-user@compass.com"})
    assert ours == comparable(captured)


def test_singleevents_lists_exdates_moved_and_cancelled_instances(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    series = ana.events().insert(calendarId="primary", body=timed(
        "2030-01-07T10:00:00", "2030-01-07T10:30:00", summary="Ana / Bo",
        attendees=[{"email": ANA}, {"email": BO}],
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=5",
                    "EXDATE;TZID=Europe/Lisbon:20300114T100000"])).execute()
    sid = series["id"]
    ana.events().patch(calendarId="primary", eventId=f"{sid}_20300121T100000Z", body={
        "start": {"dateTime": "2030-01-22T15:00:00Z"},
        "end": {"dateTime": "2030-01-22T15:30:00Z"}}).execute()
    ana.events().delete(calendarId="primary", eventId=f"{sid}_20300128T100000Z").execute()
    bo = calendar(empty_sandbox, BO)
    listed = bo.events().list(calendarId="primary", singleEvents=True, orderBy="startTime",
                              timeMin="2030-01-01T00:00:00Z").execute()["items"]
    assert [(i["id"], i["start"]["dateTime"], i["originalStartTime"]["dateTime"])
            for i in listed] == [
        (f"{sid}_20300107T100000Z", "2030-01-07T10:00:00Z", "2030-01-07T10:00:00Z"),
        (f"{sid}_20300121T100000Z", "2030-01-22T15:00:00Z", "2030-01-21T10:00:00Z"),
        (f"{sid}_20300204T100000Z", "2030-02-04T10:00:00Z", "2030-02-04T10:00:00Z")]
    assert all(i["recurringEventId"] == sid and "recurrence" not in i for i in listed)
    with_deleted = bo.events().list(calendarId="primary", singleEvents=True,
                                    showDeleted=True).execute()["items"]
    cancelled = [i for i in with_deleted if i["status"] == "cancelled"]
    assert [sorted(i) for i in cancelled] == [
        ["etag", "id", "kind", "originalStartTime", "recurringEventId", "status"]]


def test_a_change_to_the_series_reaches_what_an_exception_did_not_override(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    series = _dishes(ana)
    moved = ana.events().patch(calendarId="primary", eventId=series["id"] + "_20250325T123000Z",
                               body={"start": {"dateTime": "2025-03-25T09:00:00-05:00"},
                                     "end": {"dateTime": "2025-03-25T09:45:00-05:00"}}).execute()
    ana.events().patch(calendarId="primary", eventId=series["id"],
                       body={"summary": "Dishes, all of them"}).execute()
    again = ana.events().get(calendarId="primary", eventId=moved["id"], timeZone=CHICAGO).execute()
    assert (again["summary"], again["start"]["dateTime"]) == (
        "Dishes, all of them", "2025-03-25T09:00:00-05:00")


def test_instances_pages_and_bounds(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    series = ana.events().insert(calendarId="primary", body=timed(
        "2030-01-07T10:00:00", "2030-01-07T10:30:00",
        recurrence=["RRULE:FREQ=DAILY;COUNT=5"])).execute()
    ids, page, pages = [], None, 0
    while True:
        answer = ana.events().instances(calendarId="primary", eventId=series["id"], maxResults=2,
                                        pageToken=page).execute()
        ids += [i["id"] for i in answer["items"]]
        pages += 1
        page = answer.get("nextPageToken")
        if page is None:
            break
    assert pages == 3
    assert ids == [f"{series['id']}_2030010{day}T100000Z" for day in range(7, 10)] + [
        f"{series['id']}_2030011{day}T100000Z" for day in range(0, 2)]
    window = ana.events().instances(calendarId="primary", eventId=series["id"],
                                    timeMin="2030-01-08T10:30:00Z",
                                    timeMax="2030-01-10T10:00:00Z").execute()["items"]
    assert [i["id"] for i in window] == [f"{series['id']}_20300109T100000Z"]
    one = ana.events().instances(calendarId="primary", eventId=series["id"],
                                 originalStart="2030-01-10T10:00:00Z").execute()["items"]
    assert [i["id"] for i in one] == [f"{series['id']}_20300110T100000Z"]


def test_all_day_instances_are_named_by_date(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    series = ana.events().insert(calendarId="primary", body={
        "summary": "Home", "start": {"date": "2030-01-11"}, "end": {"date": "2030-01-12"},
        "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=2"]}).execute()
    listed = ana.events().list(calendarId="primary", singleEvents=True).execute()["items"]
    assert [(i["id"], i["start"], i["originalStartTime"]) for i in listed] == [
        (f"{series['id']}_20300111", {"date": "2030-01-11"}, {"date": "2030-01-11"}),
        (f"{series['id']}_20300118", {"date": "2030-01-18"}, {"date": "2030-01-18"})]


def test_a_series_without_end_is_expanded_to_the_horizon(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=7)
    ana.events().insert(calendarId="primary", body={
        "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
        "end": {"dateTime": (start + timedelta(minutes=30)).isoformat(), "timeZone": "UTC"},
        "recurrence": ["RRULE:FREQ=WEEKLY"]}).execute()
    items, _ = list_all(ana, calendarId="primary", singleEvents=True,
                        timeMin=datetime.now(timezone.utc).isoformat())
    assert 103 <= len(items) <= 106  # two years of weekly instances
    bounded = ana.events().list(calendarId="primary", singleEvents=True,
                                timeMin=start.isoformat(),
                                timeMax=(start + timedelta(days=700 * 7)).isoformat(),
                                maxResults=2500).execute()["items"]
    assert len(bounded) == 700


def test_an_instance_id_must_name_an_instance(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    series = _dishes(ana)
    got = ana.events().get(calendarId="primary", eventId=series["id"] + "_20250401T123000Z",
                           timeZone=CHICAGO).execute()
    assert got["originalStartTime"] == {"dateTime": "2025-04-01T07:30:00-05:00", "timeZone": CHICAGO}
    for wrong in ("_20250401T130000Z", "_20250401", "_2025040"):
        with pytest.raises(HttpError) as raised:
            ana.events().get(calendarId="primary", eventId=series["id"] + wrong).execute()
        assert raised.value.resp.status == 404


def test_ordering_by_start_time_needs_single_events(empty_sandbox):
    with pytest.raises(HttpError) as raised:
        calendar(empty_sandbox, ANA).events().list(calendarId="primary",
                                                   orderBy="startTime").execute()
    assert error_of(raised)["message"] == \
        "The requested ordering is not available for the particular query."
    assert raised.value.resp.status == 400


def test_list_filters_by_time_overlap(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    for hour in (9, 10, 11):
        ana.events().insert(calendarId="primary", body=timed(
            f"2030-01-07T{hour:02d}:00:00", f"2030-01-07T{hour:02d}:30:00",
            summary=f"at {hour}")).execute()
    # timeMin bounds the end (exclusive), timeMax the start (exclusive).
    listed = ana.events().list(calendarId="primary", timeMin="2030-01-07T09:30:00Z",
                               timeMax="2030-01-07T11:00:00Z").execute()["items"]
    assert [e["summary"] for e in listed] == ["at 10"]
    with pytest.raises(HttpError) as raised:
        ana.events().list(calendarId="primary", timeMin="2030-01-07T11:00:00Z",
                          timeMax="2030-01-07T09:00:00Z").execute()
    assert error_of(raised)["errors"][0]["reason"] == "timeRangeEmpty"
