"""Incremental sync and paging in the sandbox's Calendar API: sync tokens, what an incremental
listing returns, Google's 410 and the full resync after it, and the parameters Google refuses."""
from __future__ import annotations

import json

import pytest
from googleapiclient.errors import HttpError

from flask_app.adapters.google.clients import translate
from flask_app.errors import SyncTokenExpired

from .test_calendar import (
    ANA, BO, ONE_ON_ONE, calendar, capture, control, error_of, list_all, timed)


def _three_events(ana) -> list[dict]:
    return [ana.events().insert(calendarId="primary", body=timed(
        f"2030-01-0{day}T10:00:00", f"2030-01-0{day}T10:30:00", summary=f"day {day}")).execute()
        for day in (7, 8, 9)]


def test_incremental_sync_returns_exactly_the_changes_and_recovers_from_410(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    first, second, third = _three_events(ana)
    items, token = list_all(ana, calendarId="primary")
    assert {e["id"] for e in items} == {first["id"], second["id"], third["id"]}
    assert token

    unchanged = ana.events().list(calendarId="primary", syncToken=token).execute()
    assert unchanged["items"] == [] and unchanged["nextSyncToken"]

    ana.events().patch(calendarId="primary", eventId=second["id"], body={"summary": "moved"}).execute()
    ana.events().delete(calendarId="primary", eventId=third["id"]).execute()
    changes = ana.events().list(calendarId="primary", syncToken=token).execute()
    assert [(e["id"], e["status"], e.get("summary")) for e in changes["items"]] == sorted([
        (second["id"], "confirmed", "moved"), (third["id"], "cancelled", None)])
    deleted = next(e for e in changes["items"] if e["status"] == "cancelled")
    assert sorted(deleted) == ["etag", "id", "kind", "status"]
    token = changes["nextSyncToken"]

    control(empty_sandbox, "POST", "/expire-sync-tokens")
    with pytest.raises(HttpError) as raised:
        ana.events().list(calendarId="primary", syncToken=token).execute()
    assert raised.value.resp.status == 410
    assert json.loads(raised.value.content) == capture("error.invalidSyncToken.json")
    assert isinstance(translate(raised.value, "events.list"), SyncTokenExpired)

    items, token = list_all(ana, calendarId="primary")
    assert {e["id"] for e in items} == {first["id"], second["id"]}
    assert ana.events().list(calendarId="primary", syncToken=token).execute()["items"] == []


def test_a_guest_syncs_the_organizers_changes(empty_sandbox):
    ana, bo = calendar(empty_sandbox, ANA), calendar(empty_sandbox, BO)
    _, token = list_all(bo, calendarId="primary")
    event = ana.events().insert(calendarId="primary", body=ONE_ON_ONE).execute()
    ana.events().insert(calendarId="primary", body=timed(
        "2030-01-07T12:00:00", "2030-01-07T13:00:00", summary="Ana alone")).execute()
    changes = bo.events().list(calendarId="primary", syncToken=token).execute()
    assert [e["id"] for e in changes["items"]] == [event["id"]]


def test_incremental_sync_of_instances_returns_the_changed_instance_only(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    series = ana.events().insert(calendarId="primary", body=timed(
        "2030-01-07T10:00:00", "2030-01-07T10:30:00",
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=10"])).execute()
    items, token = list_all(ana, calendarId="primary", singleEvents=True)
    assert len(items) == 10
    ana.events().delete(calendarId="primary", eventId=series["id"] + "_20300114T100000Z").execute()
    ana.events().patch(calendarId="primary", eventId=series["id"] + "_20300121T100000Z",
                       body={"summary": "Special"}).execute()
    changes, token = list_all(ana, calendarId="primary", singleEvents=True, syncToken=token)
    assert [(e["id"], e["status"]) for e in changes] == [
        (series["id"] + "_20300114T100000Z", "cancelled"),
        (series["id"] + "_20300121T100000Z", "confirmed")]
    ana.events().patch(calendarId="primary", eventId=series["id"], body={"summary": "All"}).execute()
    changes, _ = list_all(ana, calendarId="primary", singleEvents=True, syncToken=token)
    assert len(changes) == 10 and sum(e["status"] == "cancelled" for e in changes) == 1


@pytest.mark.parametrize("param, value", [
    ("iCalUID", "x@google.com"), ("orderBy", "updated"), ("privateExtendedProperty", "a=b"),
    ("q", "dishes"), ("sharedExtendedProperty", "a=b"), ("timeMin", "2030-01-01T00:00:00Z"),
    ("timeMax", "2030-01-01T00:00:00Z"), ("updatedMin", "2030-01-01T00:00:00Z")])
def test_sync_token_refuses_filters(empty_sandbox, param, value):
    ana = calendar(empty_sandbox, ANA)
    _, token = list_all(ana, calendarId="primary")
    with pytest.raises(HttpError) as raised:
        ana.events().list(calendarId="primary", syncToken=token, **{param: value}).execute()
    assert raised.value.resp.status == 400
    assert error_of(raised)["errors"][0]["location"] == param


def test_tokens_of_another_calendar_forged_or_too_old_are_gone(empty_sandbox):
    ana, bo = calendar(empty_sandbox, ANA), calendar(empty_sandbox, BO)
    _, anas = list_all(ana, calendarId="primary")
    _, bos = list_all(bo, calendarId="primary")
    for token in (bos, "CJ_ewo2CoIwDEJ_ewo2CoIwDGAUg79XP3wIo79XP3wI=", anas[:-4] + "AAA="):
        with pytest.raises(HttpError) as raised:
            ana.events().list(calendarId="primary", syncToken=token).execute()
        assert raised.value.resp.status == 410
    assert ana.events().list(calendarId="primary", syncToken=anas).execute()["items"] == []
    empty_sandbox.advance(8 * 24 * 3600)
    with pytest.raises(HttpError) as raised:
        calendar(empty_sandbox, ANA).events().list(calendarId="primary", syncToken=anas).execute()
    assert raised.value.resp.status == 410


def test_the_sync_token_lifetime_is_a_setting(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    _, token = list_all(ana, calendarId="primary")
    control(empty_sandbox, "PUT", "/settings", json={"syncTokenTtlSeconds": 60})
    empty_sandbox.advance(61)
    with pytest.raises(HttpError) as raised:
        calendar(empty_sandbox, ANA).events().list(calendarId="primary", syncToken=token).execute()
    assert raised.value.resp.status == 410


def test_pages_cover_every_item_once_and_only_the_last_has_a_sync_token(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    made = {e["id"] for e in _three_events(ana)} | {e["id"] for e in _three_events(ana)}
    seen, page, pages = [], None, []
    while True:
        answer = ana.events().list(calendarId="primary", maxResults=4, pageToken=page).execute()
        pages.append(answer)
        seen += [e["id"] for e in answer["items"]]
        page = answer.get("nextPageToken")
        if page is None:
            break
    assert sorted(seen) == sorted(made)
    assert [len(p["items"]) for p in pages] == [4, 2]
    assert "nextSyncToken" not in pages[0] and "nextSyncToken" in pages[1]


def test_a_page_token_must_belong_to_the_query(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    _three_events(ana)
    page = ana.events().list(calendarId="primary", maxResults=1).execute()["nextPageToken"]
    for token, params in ((page, {"q": "day"}), ("not-a-token", {})):
        with pytest.raises(HttpError) as raised:
            ana.events().list(calendarId="primary", pageToken=token, **params).execute()
        assert raised.value.resp.status == 400


def test_max_results_above_the_limit_is_capped(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    _three_events(ana)
    assert len(ana.events().list(calendarId="primary", maxResults=100000).execute()["items"]) == 3


def test_deleted_events_show_with_show_deleted_or_updated_min(empty_sandbox):
    ana = calendar(empty_sandbox, ANA)
    first, second, _ = _three_events(ana)
    ana.events().delete(calendarId="primary", eventId=first["id"]).execute()
    assert first["id"] not in [e["id"] for e in ana.events().list(
        calendarId="primary").execute()["items"]]
    assert first["id"] in [e["id"] for e in ana.events().list(
        calendarId="primary", showDeleted=True).execute()["items"]]
    since = ana.events().get(calendarId="primary", eventId=first["id"]).execute()["updated"]
    recent = ana.events().list(calendarId="primary", updatedMin=since).execute()["items"]
    assert [(e["id"], e["status"]) for e in recent] == [(first["id"], "cancelled")]
