"""The sandbox's Drive API v3, through the real google-api-python-client over HTTPS."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest, MediaInMemoryUpload

from flask_app.adapters.google.clients import GoogleEndpoints, build_service
from workspace_sandbox.drive.files import create_google_doc

DRIVE = "https://www.googleapis.com/auth/drive"
DRIVE_FILE = "https://www.googleapis.com/auth/drive.file"
DOCUMENTS = "https://www.googleapis.com/auth/documents"
DOC = "application/vnd.google-apps.document"
FOLDER = "application/vnd.google-apps.folder"
ANA = "ana.silva@example.com"
BO = "bo.nilsson@example.com"
SAM = "sam.rivera@example.com"
APP = "coach-app"
# The sandbox core does not expand fields="*" yet: ask for the fields by name.
FILE_FIELDS = ("kind,id,name,mimeType,parents,owners,createdTime,modifiedTime,trashed,webViewLink,"
               "version,appProperties,properties")
AGENDA_HTML = """<html><body>
<h1>One-on-one: Ana &amp; Bo</h1>
<p>Notes from <b>last</b> time, see <a href="https://example.com/plan">the plan</a>.</p>
<h2>Agenda</h2>
<ul><li>Wins</li><li>Blockers</li></ul>
<p><i>Private to you both.</i></p>
</body></html>"""


def service(sandbox, api: str, user: str, scopes=(DRIVE_FILE,), client_id: str = APP):
    """A client whose credentials fetch sandbox tokens (a batch always refreshes them first)."""
    def fresh_token(request, scopes):
        return sandbox.token(user, list(granted), client_id=client_id), \
            datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(minutes=30)
    granted = scopes
    credentials = Credentials(None, refresh_handler=fresh_token)
    return build_service(api, credentials, GoogleEndpoints(sandbox.url, sandbox.ca_file))


def error_of(excinfo) -> dict:
    return json.loads(excinfo.value.content)["error"]


def make_doc(drive, name="One-on-one: Ana / Bo", html=AGENDA_HTML, **metadata) -> dict:
    media = MediaInMemoryUpload(html.encode(), mimetype="text/html")
    return drive.files().create(body={"name": name, "mimeType": DOC, **metadata},
                                media_body=media, fields=FILE_FIELDS).execute()


def test_an_html_upload_becomes_a_google_doc_in_one_call(sandbox):
    drive = service(sandbox, "drive", ANA)
    docs = service(sandbox, "docs", ANA)

    created = make_doc(drive)
    document = docs.documents().get(documentId=created["id"]).execute()

    paragraphs = [e["paragraph"] for e in document["body"]["content"] if "paragraph" in e]
    styles = [(p["paragraphStyle"]["namedStyleType"], "".join(
        r["textRun"]["content"] for r in p["elements"]), "bullet" in p) for p in paragraphs]
    assert styles == [("HEADING_1", "One-on-one: Ana & Bo\n", False),
                      ("NORMAL_TEXT", "Notes from last time, see the plan.\n", False),
                      ("HEADING_2", "Agenda\n", False),
                      ("NORMAL_TEXT", "Wins\n", True), ("NORMAL_TEXT", "Blockers\n", True),
                      ("NORMAL_TEXT", "Private to you both.\n", False)]
    runs = {r["textRun"]["content"]: r["textRun"]["textStyle"] for r in paragraphs[1]["elements"]}
    assert runs["last"]["bold"] is True
    assert runs["the plan"]["link"] == {"url": "https://example.com/plan"}
    assert paragraphs[5]["elements"][0]["textRun"]["textStyle"]["italic"] is True
    assert document["title"] == "One-on-one: Ana / Bo" and document["revisionId"]


def test_a_file_resource_has_googles_shape_and_v3_default_fields(sandbox):
    drive = service(sandbox, "drive", ANA)
    created = make_doc(drive)

    default = drive.files().get(fileId=created["id"]).execute()
    root = drive.files().get(fileId="root", fields="id,name").execute()

    assert default == {"kind": "drive#file", "id": created["id"], "name": created["name"],
                       "mimeType": DOC}
    assert 33 <= len(created["id"]) <= 44
    assert created["webViewLink"] == f"https://docs.google.com/document/d/{created['id']}/edit"
    assert created["parents"] == [root["id"]] and root["name"] == "My Drive"
    assert created["owners"] == [{"kind": "drive#user", "displayName": "Ana Silva", "me": True,
                                  "permissionId": created["owners"][0]["permissionId"],
                                  "emailAddress": ANA}]
    assert created["trashed"] is False and created["version"].isdigit()
    assert created["createdTime"].endswith("Z")


def test_app_properties_find_the_doc_and_stay_private_to_the_app_that_set_them(sandbox):
    drive = service(sandbox, "drive", ANA)
    created = make_doc(drive, appProperties={"coachPair": "ana|bo"})
    other_app = service(sandbox, "drive", ANA, scopes=(DRIVE,), client_id="another-app")
    query = "appProperties has { key='coachPair' and value='ana|bo' } and trashed = false"

    found = drive.files().list(q=query, fields="files(id,appProperties)").execute()["files"]
    seen_by_other = other_app.files().get(fileId=created["id"], fields=FILE_FIELDS).execute()
    found_by_other = other_app.files().list(q=query).execute()["files"]

    assert found == [{"id": created["id"], "appProperties": {"coachPair": "ana|bo"}}]
    assert "appProperties" not in seen_by_other and found_by_other == []


def test_updating_app_properties_merges_and_null_deletes_a_key(sandbox):
    drive = service(sandbox, "drive", ANA)
    created = make_doc(drive, appProperties={"a": "1", "b": "2"})

    updated = drive.files().update(fileId=created["id"],
                                   body={"appProperties": {"a": None, "c": "3"}},
                                   fields="appProperties,version").execute()

    assert updated["appProperties"] == {"b": "2", "c": "3"}
    assert int(updated["version"]) > int(created["version"])


def test_the_query_language(sandbox):
    drive = service(sandbox, "drive", ANA)
    folder = drive.files().create(body={"name": "Coaching", "mimeType": FOLDER}).execute()
    make_doc(drive, name="Ana's plan", parents=[folder["id"]], properties={"kind": "plan"})
    drive.files().create(body={"name": "back\\slash.txt", "mimeType": "text/plain"}).execute()
    sandbox.advance(60)
    notes = make_doc(drive, name="Weekly notes")

    def names(q):
        listed = drive.files().list(q=q, orderBy="name").execute()["files"]
        return [f["name"] for f in listed]

    assert names("name = 'Ana\\'s plan'") == ["Ana's plan"]
    assert names("name = 'back\\\\slash.txt'") == ["back\\slash.txt"]
    assert names("name contains 'note'") == ["Weekly notes"]
    assert names("name contains 'otes'") == []  # Google matches name words by prefix
    assert names(f"'{folder['id']}' in parents") == ["Ana's plan"]
    assert names(f"mimeType = '{DOC}' and not '{folder['id']}' in parents") == ["Weekly notes"]
    assert names(f"(mimeType = '{FOLDER}' or mimeType = 'text/plain') and trashed = false") == [
        "back\\slash.txt", "Coaching"]
    assert names("properties has { key='kind' and value='plan' }") == ["Ana's plan"]
    assert names(f"'{ANA}' in owners and mimeType != '{DOC}'") == ["back\\slash.txt", "Coaching"]
    assert names("'me' in owners and not name contains 'back'") == [
        "Ana's plan", "Coaching", "Weekly notes"]
    assert names(f"modifiedTime >= '{notes['modifiedTime']}'") == ["Weekly notes"]
    assert names(f"modifiedTime < '{notes['modifiedTime']}' and name contains 'a'") == [
        "Ana's plan"]
    assert names("'root' in parents and fullText contains 'blockers'") == ["Weekly notes"]


@pytest.mark.parametrize("q", ["name = 'unterminated", "name == 'x'", "name = x", "trashed = 'yes'",
                               "foo = 'x'", "name = 'a' and", "(name = 'a'", "name = 'bad \\n'",
                               "appProperties has { key='k' }", "'x' in nowhere"])
def test_a_bad_query_is_refused_like_google(sandbox, q):
    drive = service(sandbox, "drive", ANA)

    with pytest.raises(HttpError) as excinfo:
        drive.files().list(q=q).execute()

    assert excinfo.value.resp.status == 400
    assert error_of(excinfo)["errors"][0] == {"message": "Invalid Value", "domain": "global",
                                              "reason": "invalid", "locationType": "parameter",
                                              "location": "q"}


def test_trashed_files_are_listed_unless_the_query_excludes_them(sandbox):
    drive = service(sandbox, "drive", ANA)
    kept, binned = make_doc(drive, name="kept"), make_doc(drive, name="binned")
    drive.files().update(fileId=binned["id"], body={"trashed": True}).execute()

    everything = {f["name"] for f in drive.files().list().execute()["files"]}
    live = {f["name"] for f in drive.files().list(q="trashed = false").execute()["files"]}

    assert everything == {"kept", "binned"} and live == {"kept"}
    assert kept["trashed"] is False


def test_pages_and_order(sandbox):
    drive = service(sandbox, "drive", ANA)
    for name in ["c", "a", "e", "b", "d"]:
        drive.files().create(body={"name": name, "mimeType": "text/plain"}).execute()

    first = drive.files().list(pageSize=2, orderBy="name desc").execute()
    second = drive.files().list(pageSize=2, orderBy="name desc",
                                pageToken=first["nextPageToken"]).execute()
    third = drive.files().list(pageSize=2, orderBy="name desc",
                               pageToken=second["nextPageToken"]).execute()

    assert [f["name"] for f in first["files"] + second["files"] + third["files"]] == list("edcba")
    assert "nextPageToken" not in third
    with pytest.raises(HttpError) as excinfo:
        drive.files().list(orderBy="size").execute()
    assert excinfo.value.resp.status == 400


def test_parents_move_with_add_and_remove_but_a_file_keeps_one_parent(sandbox):
    drive = service(sandbox, "drive", ANA)
    one = drive.files().create(body={"name": "one", "mimeType": FOLDER}).execute()
    two = drive.files().create(body={"name": "two", "mimeType": FOLDER}).execute()
    doc = make_doc(drive, parents=[one["id"]])

    moved = drive.files().update(fileId=doc["id"], addParents=two["id"], removeParents=one["id"],
                                 fields="parents").execute()

    assert moved["parents"] == [two["id"]]
    with pytest.raises(HttpError) as excinfo:
        drive.files().update(fileId=doc["id"], addParents=one["id"]).execute()
    assert (excinfo.value.resp.status, error_of(excinfo)["errors"][0]["reason"]) == (
        403, "cannotAddParent")
    with pytest.raises(HttpError) as excinfo:
        drive.files().update(fileId=doc["id"], body={"parents": [one["id"]]}).execute()
    assert error_of(excinfo)["errors"][0]["reason"] == "fieldNotWritable"


def test_unknown_fields_and_read_only_fields_are_refused(sandbox):
    drive = service(sandbox, "drive", ANA)

    with pytest.raises(HttpError) as unknown:
        drive.files().create(body={"name": "x", "colour": "red"}).execute()
    with pytest.raises(HttpError) as read_only:
        drive.files().create(body={"name": "x", "owners": [{"emailAddress": BO}]}).execute()

    assert unknown.value.resp.status == 400 and "colour" in error_of(unknown)["message"]
    assert read_only.value.resp.status == 403


def test_sharing_gives_access_and_only_then(sandbox):
    ana = service(sandbox, "drive", ANA)
    bo = service(sandbox, "drive", BO, scopes=(DRIVE,))
    doc = make_doc(ana)

    with pytest.raises(HttpError) as before:
        bo.files().get(fileId=doc["id"]).execute()
    permission = ana.permissions().create(
        fileId=doc["id"], body={"role": "writer", "type": "user", "emailAddress": BO},
        emailMessage="Our one-on-one notes").execute()
    listed = ana.permissions().list(fileId=doc["id"],
                                    fields="permissions(role,emailAddress)").execute()
    seen = bo.files().get(fileId=doc["id"], fields="id,owners,capabilities").execute()
    ana.permissions().delete(fileId=doc["id"], permissionId=permission["id"]).execute()
    with pytest.raises(HttpError) as after:
        bo.files().get(fileId=doc["id"]).execute()

    assert error_of(before) == error_of(after)
    assert before.value.resp.status == 404
    assert error_of(before)["errors"][0] == {
        "message": f"File not found: {doc['id']}.", "domain": "global", "reason": "notFound",
        "locationType": "parameter", "location": "fileId"}
    assert set(permission) == {"kind", "id", "type", "role"} and permission["role"] == "writer"
    assert sorted(listed["permissions"], key=lambda p: p["role"]) == [
        {"role": "owner", "emailAddress": ANA}, {"role": "writer", "emailAddress": BO}]
    assert seen["owners"][0]["me"] is False and seen["capabilities"]["canEdit"] is True
    [note] = sandbox.http.get(sandbox.url + "/_sandbox/drive/notifications",
                              params={"user": BO}).json()["notifications"]
    assert (note["fileId"], note["role"], note["emailMessage"]) == (
        doc["id"], "writer", "Our one-on-one notes")


def test_no_notification_when_asked_not_to_send_one(sandbox):
    ana = service(sandbox, "drive", ANA)
    doc = make_doc(ana)

    ana.permissions().create(fileId=doc["id"], sendNotificationEmail=False,
                             body={"role": "reader", "type": "user", "emailAddress": SAM}).execute()

    assert sandbox.http.get(sandbox.url + "/_sandbox/drive/notifications",
                            params={"user": SAM}).json()["notifications"] == []


def test_readers_cannot_change_or_share_a_file(sandbox):
    ana = service(sandbox, "drive", ANA)
    sam = service(sandbox, "drive", SAM, scopes=(DRIVE,))
    doc = make_doc(ana)
    ana.permissions().create(fileId=doc["id"], body={"role": "reader", "type": "user",
                                                     "emailAddress": SAM}).execute()

    with pytest.raises(HttpError) as update:
        sam.files().update(fileId=doc["id"], body={"name": "mine now"}).execute()
    with pytest.raises(HttpError) as share:
        sam.permissions().create(fileId=doc["id"], body={"role": "reader", "type": "user",
                                                         "emailAddress": BO}).execute()

    for excinfo in (update, share):
        assert excinfo.value.resp.status == 403
        assert error_of(excinfo)["errors"][0]["reason"] == "insufficientFilePermissions"
        assert error_of(excinfo)["message"] == (
            "The user does not have sufficient permissions for this file.")


def test_ownership_moves_only_with_transfer_ownership_and_the_owner_stays(sandbox):
    ana = service(sandbox, "drive", ANA)
    doc = make_doc(ana)
    owner = {"role": "owner", "type": "user", "emailAddress": BO}

    with pytest.raises(HttpError) as refused:
        ana.permissions().create(fileId=doc["id"], body=owner).execute()
    ana.permissions().create(fileId=doc["id"], body=owner, transferOwnership=True).execute()
    after = ana.files().get(fileId=doc["id"], fields="owners,permissions").execute()
    bo = service(sandbox, "drive", BO, scopes=(DRIVE,))
    owner_permission = after["owners"][0]["permissionId"]
    with pytest.raises(HttpError) as remove_owner:
        bo.permissions().delete(fileId=doc["id"], permissionId=owner_permission).execute()

    assert refused.value.resp.status == 403
    assert error_of(refused)["errors"][0]["location"] == "transferOwnership"
    assert [o["emailAddress"] for o in after["owners"]] == [BO]
    assert {p["emailAddress"]: p["role"] for p in after["permissions"]} == {
        ANA: "writer", BO: "owner"}
    assert error_of(remove_owner)["errors"][0]["reason"] == "cannotRemoveOwner"


def test_drive_file_scope_sees_only_what_the_app_created_or_was_opened_with(sandbox):
    with sandbox.world.transaction() as tx:  # e.g. Calendar's "Take meeting notes"
        notes = create_google_doc(tx, ANA, "Meeting notes")
    app = service(sandbox, "drive", ANA)
    full = service(sandbox, "drive", ANA, scopes=(DRIVE,))

    with pytest.raises(HttpError) as hidden:
        app.files().get(fileId=notes["id"]).execute()
    listed_before = app.files().list().execute()["files"]
    seen_with_full_scope = full.files().get(fileId=notes["id"]).execute()
    opening = {"user": ANA, "fileId": notes["id"], "client_id": APP}
    sandbox.http.post(sandbox.url + "/_sandbox/drive/open", json=opening).raise_for_status()
    opened = app.files().get(fileId=notes["id"]).execute()

    assert hidden.value.resp.status == 404 and listed_before == []
    assert seen_with_full_scope["id"] == opened["id"] == notes["id"]
    assert [f["id"] for f in app.files().list().execute()["files"]] == [notes["id"]]


def test_only_the_owner_deletes_and_deleted_files_are_gone(sandbox):
    ana = service(sandbox, "drive", ANA)
    bo = service(sandbox, "drive", BO, scopes=(DRIVE,))
    doc = make_doc(ana)
    ana.permissions().create(fileId=doc["id"], body={"role": "writer", "type": "user",
                                                     "emailAddress": BO}).execute()

    with pytest.raises(HttpError) as by_writer:
        bo.files().delete(fileId=doc["id"]).execute()
    ana.files().delete(fileId=doc["id"]).execute()
    with pytest.raises(HttpError) as gone:
        ana.files().get(fileId=doc["id"]).execute()

    assert by_writer.value.resp.status == 403 and gone.value.resp.status == 404


def test_a_batch_runs_each_call_through_the_front_end(sandbox):
    ana = service(sandbox, "drive", ANA)
    docs = [make_doc(ana, name=f"doc {n}") for n in range(3)]
    answers = {}

    def collect(request_id, response, exception):
        answers[request_id] = exception or response

    sandbox.clear_calls()
    batch = BatchHttpRequest(callback=collect, batch_uri=sandbox.url + "/batch/drive/v3")
    for doc in docs:
        batch.add(ana.permissions().create(fileId=doc["id"], sendNotificationEmail=False,
                                           body={"role": "reader", "type": "user",
                                                 "emailAddress": BO}))
    batch.add(ana.files().get(fileId="no-such-file"), request_id="missing")
    batch.execute()

    assert [answers[str(n)]["role"] for n in (1, 2, 3)] == ["reader"] * 3
    assert isinstance(answers["missing"], HttpError) and answers["missing"].resp.status == 404
    assert sandbox.calls("drive.permissions.create", ANA) == 3
    assert sandbox.calls("drive.files.get", ANA) == 1


def test_a_drive_batch_past_100_calls_fails_the_extra_calls(sandbox):
    ana = service(sandbox, "drive", ANA)
    doc = make_doc(ana)
    failed = []

    def collect(request_id, response, exception):
        if exception is not None:
            failed.append((int(request_id), exception.resp.status))

    batch = BatchHttpRequest(callback=collect, batch_uri=sandbox.url + "/batch/drive/v3")
    for _ in range(101):
        batch.add(ana.files().get(fileId=doc["id"]))
    batch.execute()

    assert failed == [(101, 403)]


@pytest.mark.parametrize("body, status", [
    ({"role": "writer", "type": "robot", "emailAddress": BO}, 400),
    ({"role": "editor", "type": "user", "emailAddress": BO}, 400),
    ({"role": "writer", "type": "user"}, 400),
    ({"role": "organizer", "type": "user", "emailAddress": BO}, 400),
    ({"role": "reader", "type": "user", "emailAddress": ANA}, 403),  # the owner stays the owner
])
def test_bad_sharing_requests_are_refused(sandbox, body, status):
    ana = service(sandbox, "drive", ANA)
    doc = make_doc(ana)

    with pytest.raises(HttpError) as excinfo:
        ana.permissions().create(fileId=doc["id"], body=body).execute()

    assert excinfo.value.resp.status == status
    assert [p["role"] for p in ana.permissions().list(fileId=doc["id"]).execute()["permissions"]] \
        == ["owner"]
