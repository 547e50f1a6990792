"""The sandbox's Docs API v1 over HTTPS, through the real google-api-python-client."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from googleapiclient.errors import HttpError

from workspace_sandbox.docs.api import REVISION_MISMATCH
from workspace_sandbox.docs.store import person_edit
from workspace_sandbox.drive.files import create_google_doc

from .test_docs_captures import IMAGES, ids_of, normalise
from .test_drive import ANA, APP, BO, DOCUMENTS, DRIVE, SAM, error_of, service

MUTATIONS = Path(__file__).parent.parent / "data" / "google-captures" / "docs" / "mutations"


@pytest.fixture
def docs(sandbox):
    return service(sandbox, "docs", ANA)


def control(sandbox, path: str, **body) -> dict:
    response = sandbox.http.post(sandbox.url + "/_sandbox/docs" + path, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def text_of(document: dict) -> str:
    return "".join(run["textRun"]["content"] for element in document["body"]["content"]
                   for run in element.get("paragraph", {}).get("elements", []))


def write(docs, document_id: str, requests: list[dict], **write_control) -> dict:
    body = {"requests": requests}
    if write_control:
        body["writeControl"] = write_control
    return docs.documents().batchUpdate(documentId=document_id, body=body).execute()


def new_document(docs, text: str = "Agenda") -> str:
    """A new document holding ``text`` (its last paragraph's newline is the blank one's)."""
    document_id = docs.documents().create(body={"title": "Ana / Bo"}).execute()["documentId"]
    write(docs, document_id, [{"insertText": {"location": {"index": 1}, "text": text}}])
    return document_id


def share(sandbox, document_id: str, email: str, role: str) -> None:
    drive = service(sandbox, "drive", ANA)
    drive.permissions().create(fileId=document_id, sendNotificationEmail=False,
                               body={"role": role, "type": "user", "emailAddress": email}).execute()


def test_create_keeps_only_the_title_and_makes_a_drive_doc(sandbox, docs):
    created = docs.documents().create(body={"title": "Ana / Bo", "body": {"content": [
        {"paragraph": {"elements": [{"textRun": {"content": "ignored\n"}}]}}]}}).execute()
    drive = service(sandbox, "drive", ANA)

    file = drive.files().get(fileId=created["documentId"], fields="name,mimeType,parents").execute()

    assert created["title"] == "Ana / Bo" and created["revisionId"]
    assert text_of(created) == "\n"
    assert file["mimeType"] == "application/vnd.google-apps.document"
    assert file["name"] == "Ana / Bo" and file["parents"]


def test_utf16_indices_with_accents_cjk_and_emoji(docs):
    document_id = docs.documents().create(body={"title": "Zoë"}).execute()["documentId"]

    reply = write(docs, document_id, [
        {"insertText": {"location": {"index": 1}, "text": "Zoë 🚀 東京"}},
        {"insertText": {"location": {"index": 7}, "text": "!"}},
        {"updateTextStyle": {"range": {"startIndex": 9, "endIndex": 11},
                             "textStyle": {"bold": True}, "fields": "bold"}}])
    document = docs.documents().get(documentId=document_id).execute()

    runs = [(r["startIndex"], r["endIndex"], r["textRun"]["content"],
             r["textRun"]["textStyle"].get("bold", False))
            for r in document["body"]["content"][1]["paragraph"]["elements"]]
    assert runs == [(1, 9, "Zoë 🚀! ", False), (9, 11, "東京", True), (11, 12, "\n", False)]
    assert reply["documentId"] == document_id and reply["replies"] == [{}, {}, {}]
    assert reply["writeControl"]["requiredRevisionId"] == document["revisionId"]


def test_every_write_makes_a_new_revision(docs):
    document_id = new_document(docs)
    first = docs.documents().get(documentId=document_id).execute()["revisionId"]

    answer = write(docs, document_id, [{"insertText": {"location": {"index": 1}, "text": "x"}}],
                   requiredRevisionId=first)

    assert answer["writeControl"]["requiredRevisionId"] != first
    assert len(first) > 40


def test_a_stale_required_revision_is_refused_and_the_persons_text_survives(sandbox, docs):
    document_id = new_document(docs)
    read = docs.documents().get(documentId=document_id).execute()
    control(sandbox, f"/{document_id}/type", user=ANA, index=7, text=" — Bo's idea")

    with pytest.raises(HttpError) as excinfo:
        write(docs, document_id, [{"deleteContentRange": {"range": {"startIndex": 1,
                                                                     "endIndex": 7}}}],
              requiredRevisionId=read["revisionId"])

    assert excinfo.value.resp.status == 400
    assert error_of(excinfo)["message"] == REVISION_MISMATCH
    assert text_of(docs.documents().get(documentId=document_id).execute()) == \
        "Agenda — Bo's idea\n"


def test_a_failing_request_leaves_the_whole_batch_unapplied(docs):
    document_id = new_document(docs)
    before = docs.documents().get(documentId=document_id).execute()

    with pytest.raises(HttpError) as excinfo:
        write(docs, document_id, [{"insertText": {"location": {"index": 1}, "text": "kept? "}},
                                  {"insertText": {"location": {"index": 1000}, "text": "no"}}])

    assert excinfo.value.resp.status == 400
    assert error_of(excinfo)["status"] == "INVALID_ARGUMENT"
    assert "requests[1]" in error_of(excinfo)["message"]
    assert docs.documents().get(documentId=document_id).execute() == before


def test_a_request_kind_the_sandbox_lacks_is_refused_saying_so(docs):
    document_id = new_document(docs)

    with pytest.raises(HttpError) as excinfo:
        write(docs, document_id, [{"mergeTableCells": {"tableRange": {"rowSpan": 1, "columnSpan": 2}}}])

    assert excinfo.value.resp.status == 400
    assert "sandbox does not support mergeTableCells" in error_of(excinfo)["message"]


def test_unknown_request_fields_are_refused(docs):
    document_id = new_document(docs)

    with pytest.raises(HttpError) as excinfo:
        write(docs, document_id, [{"insertText": {"location": {"index": 1}, "txt": "x"}}])

    assert excinfo.value.resp.status == 400 and '"txt"' in error_of(excinfo)["message"]


def test_docs_writes_hit_the_per_user_quota_then_recover(sandbox, docs):
    document_id = new_document(docs)
    now = datetime.fromisoformat(sandbox.call("POST", "/clock", json={"seconds": 0})["now"])
    sandbox.advance(60 - now.second - now.microsecond / 1e6 + 0.5)  # start of a fresh minute
    sandbox.quotas(docs_write={"per_user": 3})
    insert = [{"insertText": {"location": {"index": 1}, "text": "x"}}]

    for _ in range(3):
        write(docs, document_id, insert)
    with pytest.raises(HttpError) as excinfo:
        write(docs, document_id, insert)
    sandbox.advance(61)
    write(docs, document_id, insert)

    assert excinfo.value.resp.status == 429
    assert error_of(excinfo)["status"] == "RESOURCE_EXHAUSTED"
    assert text_of(docs.documents().get(documentId=document_id).execute()) == "xxxxAgenda\n"


def test_tabs_content_shape(docs):
    document_id = new_document(docs)

    document = docs.documents().get(documentId=document_id, includeTabsContent=True).execute()

    [tab] = document["tabs"]
    assert tab["tabProperties"]["tabId"] == "t.0"
    assert text_of(tab["documentTab"]) == "Agenda\n" and "body" not in document


def test_access_follows_drive_permissions(sandbox, docs):
    document_id = new_document(docs)
    bo = service(sandbox, "docs", BO, scopes=(DOCUMENTS,))
    sam = service(sandbox, "docs", SAM, scopes=(DOCUMENTS,))
    share(sandbox, document_id, BO, "reader")
    share(sandbox, document_id, SAM, "writer")

    read_by_reader = bo.documents().get(documentId=document_id).execute()
    read_by_writer = sam.documents().get(documentId=document_id).execute()
    with pytest.raises(HttpError) as reader_writes:
        write(bo, document_id, [{"insertText": {"location": {"index": 1}, "text": "x"}}])
    stranger = service(sandbox, "docs", "kwame.mensah@example.com", scopes=(DOCUMENTS,))
    with pytest.raises(HttpError) as not_shared:
        stranger.documents().get(documentId=document_id).execute()

    assert "revisionId" not in read_by_reader and read_by_writer["revisionId"]
    assert reader_writes.value.resp.status == 403
    assert error_of(reader_writes)["message"] == "The caller does not have permission"
    assert not_shared.value.resp.status == 404
    assert error_of(not_shared)["message"] == "Requested entity was not found."


def test_drive_file_scope_sees_a_doc_only_once_opened_with_the_app(sandbox):
    with sandbox.world.transaction() as tx:
        notes = create_google_doc(tx, ANA, "Meeting notes")
    app = service(sandbox, "docs", ANA)
    with_documents_scope = service(sandbox, "docs", ANA, scopes=(DOCUMENTS,))

    with pytest.raises(HttpError) as hidden:
        app.documents().get(documentId=notes["id"]).execute()
    with_documents_scope.documents().get(documentId=notes["id"]).execute()
    sandbox.http.post(sandbox.url + "/_sandbox/drive/open",
                      json={"user": ANA, "fileId": notes["id"], "client_id": APP})

    assert hidden.value.resp.status == 404
    assert app.documents().get(documentId=notes["id"]).execute()["title"] == "Meeting notes"


def test_a_target_revision_write_lands_past_a_persons_edit(sandbox, docs):
    document_id = new_document(docs, "Agenda\nNotes")
    read = docs.documents().get(documentId=document_id).execute()
    control(sandbox, f"/{document_id}/type", user=ANA, index=1, text="Ana: ")

    write(docs, document_id, [{"insertText": {"location": {"index": 13}, "text": "\nBo: "}},
                              {"updateTextStyle": {"range": {"startIndex": 14, "endIndex": 17},
                                                   "textStyle": {"bold": True},
                                                   "fields": "bold"}}],
          targetRevisionId=read["revisionId"])
    document = docs.documents().get(documentId=document_id).execute()

    assert text_of(document) == "Ana: Agenda\nNotes\nBo: \n"
    [bold] = [r for r in document["body"]["content"][3]["paragraph"]["elements"]
              if r["textRun"]["textStyle"].get("bold")]
    assert (bold["startIndex"], bold["endIndex"], bold["textRun"]["content"]) == (19, 22, "Bo:")


def test_a_target_revision_write_over_a_persons_edit_is_refused(sandbox, docs):
    document_id = new_document(docs, "Agenda\nNotes")
    read = docs.documents().get(documentId=document_id).execute()
    control(sandbox, f"/{document_id}/type", user=ANA, index=10, text="mine")

    with pytest.raises(HttpError) as excinfo:
        write(docs, document_id, [{"deleteContentRange": {"range": {"startIndex": 8,
                                                                     "endIndex": 13}}}],
              targetRevisionId=read["revisionId"])

    assert excinfo.value.resp.status == 400
    assert text_of(docs.documents().get(documentId=document_id).execute()) == \
        "Agenda\nNominetes\n"


def test_a_persons_edits_need_edit_access_and_tick_boxes_survive_api_writes(sandbox, docs):
    document_id = new_document(docs, "Agenda\nWins")
    write(docs, document_id, [{"createParagraphBullets": {
        "range": {"startIndex": 8, "endIndex": 12}, "bulletPreset": "BULLET_CHECKBOX"}}])
    share(sandbox, document_id, BO, "reader")

    refused = sandbox.http.post(sandbox.url + f"/_sandbox/docs/{document_id}/check",
                                json={"user": BO, "paragraph_index": 8, "checked": True})
    control(sandbox, f"/{document_id}/check", user=ANA, paragraph_index=8, checked=True)
    write(docs, document_id, [{"insertText": {"location": {"index": 1}, "text": "1:1 "}}])
    state = sandbox.http.get(sandbox.url + f"/_sandbox/docs/{document_id}").json()
    page = sandbox.http.get(sandbox.url + f"/_sandbox/docs/{document_id}/html").text

    assert refused.status_code == 403
    assert state["checked"] == [12]
    assert "☑" in page


def test_person_edit_helper_makes_a_revision(sandbox, docs):
    document_id = new_document(docs)
    before = docs.documents().get(documentId=document_id).execute()["revisionId"]

    revision = person_edit(sandbox.world, document_id, ANA,
                           lambda document: document.append_paragraph("Bo's point"))

    after = docs.documents().get(documentId=document_id).execute()
    assert after["revisionId"] == revision != before
    assert text_of(after) == "Agenda\nBo's point\n"


@pytest.mark.parametrize("case", sorted(p for p in MUTATIONS.iterdir() if p.is_dir()),
                         ids=lambda p: p.name)
def test_a_captured_mutation_through_the_api_gives_what_google_gave(sandbox, case):
    before = json.loads((case / "before.json").read_text(encoding="utf-8"))
    requests = json.loads((case / "request.json").read_text(encoding="utf-8"))
    after = json.loads((case / "after.json").read_text(encoding="utf-8"))
    imported = control(sandbox, "/import", user=ANA, document=before)
    for uri, (width, height) in IMAGES.items():
        control(sandbox, "/images", uri=uri, width=width, height=height)
    docs = service(sandbox, "docs", ANA, scopes=(DOCUMENTS,))

    answer = write(docs, imported["documentId"], requests,
                   requiredRevisionId=imported["revisionId"])
    got = docs.documents().get(documentId=imported["documentId"],
                               includeTabsContent=True).execute()

    assert len(answer["replies"]) == len(requests)
    known = ids_of(before)
    assert normalise(got, known) == normalise({**after, "documentId": imported["documentId"]}, known)


def test_full_drive_scope_reads_docs_too(sandbox, docs):
    document_id = new_document(docs)
    full = service(sandbox, "docs", ANA, scopes=(DRIVE,))

    assert text_of(full.documents().get(documentId=document_id).execute()) == "Agenda\n"


CAPTURED_DOCUMENTS = sorted((MUTATIONS.parent / "documents").glob("*.json"))


@pytest.mark.parametrize("path", CAPTURED_DOCUMENTS, ids=lambda p: p.stem)
def test_an_imported_capture_reads_back_as_google_gave_it_with_and_without_tabs(sandbox, path):
    captured = json.loads(path.read_text(encoding="utf-8"))
    imported = control(sandbox, "/import", user=ANA, document=captured)
    docs = service(sandbox, "docs", ANA, scopes=(DOCUMENTS,))

    tabs = docs.documents().get(documentId=imported["documentId"], includeTabsContent=True).execute()
    plain = docs.documents().get(documentId=imported["documentId"]).execute()

    same = {"documentId": imported["documentId"], "revisionId": imported["revisionId"]}
    assert tabs == {**captured, **same}
    assert plain == {"title": captured["title"], "suggestionsViewMode": "SUGGESTIONS_INLINE", **same,
                     **captured["tabs"][0]["documentTab"]}


def test_a_person_edits_with_any_request_as_themselves(sandbox, docs):
    document_id = new_document(docs, "Agenda")
    before = docs.documents().get(documentId=document_id).execute()["revisionId"]

    answer = control(sandbox, f"/{document_id}/edit", user=ANA, requests=[
        {"insertTable": {"location": {"index": 7}, "rows": 1, "columns": 2}},
        {"insertText": {"location": {"index": 11}, "text": "Bo's item"}},
        {"createFootnote": {"location": {"index": 3}}}])
    revision = sandbox.person_edits(document_id, ANA, [
        {"insertText": {"location": {"index": 1}, "text": "1:1 "}}])
    document = docs.documents().get(documentId=document_id).execute()
    with sandbox.world.transaction() as tx:
        authors = [data["user"] for _, data in tx.items("docs.rev", document_id)]

    [table] = [e["table"] for e in document["body"]["content"] if "table" in e]
    cell = table["tableRows"][0]["tableCells"][0]["content"][0]["paragraph"]["elements"][0]["textRun"]["content"]
    assert cell == "Bo's item\n"
    assert list(document["footnotes"]) == [answer["replies"][2]["createFootnote"]["footnoteId"]]
    assert document["revisionId"] == revision != answer["revisionId"] != before
    assert authors[-2:] == [ANA, ANA]


def test_a_person_needs_edit_access_to_edit(sandbox, docs):
    document_id = new_document(docs)
    share(sandbox, document_id, BO, "reader")

    response = sandbox.http.post(sandbox.url + f"/_sandbox/docs/{document_id}/edit",
                                 json={"user": BO, "requests": [{"insertText": {"location": {"index": 1}, "text": "x"}}]})
    refused = sandbox.http.post(sandbox.url + f"/_sandbox/docs/{document_id}/edit",
                                json={"user": ANA, "requests": [{"insertText": {"location": {"index": 99}, "text": "x"}}]})

    assert response.status_code == 403
    assert refused.status_code == 400 and "Index 99 must be less than" in refused.json()["error"]["message"]


def test_a_target_revision_write_lands_past_a_table_a_person_inserted(sandbox, docs):
    document_id = new_document(docs, "Agenda\nNotes")
    read = docs.documents().get(documentId=document_id).execute()
    sandbox.person_edits(document_id, ANA, [{"insertTable": {"location": {"index": 1}, "rows": 1, "columns": 1}}])

    write(docs, document_id, [{"insertText": {"location": {"index": 13}, "text": " (Bo)"}}],
          targetRevisionId=read["revisionId"])
    document = docs.documents().get(documentId=document_id).execute()

    assert text_of(document) == "\nAgenda\nNotes (Bo)\n"
    assert [e["startIndex"] for e in document["body"]["content"] if "table" in e] == [2]


def test_requests_name_their_tab_through_the_real_client(sandbox, docs):
    captured = json.loads((MUTATIONS.parent / "documents" / "09_tabs.json").read_text(encoding="utf-8"))
    second = json.loads(json.dumps(captured["tabs"][0]))
    second["tabProperties"] = {"tabId": "t.plan", "title": "Plan", "index": 1}
    imported = control(sandbox, "/import", user=ANA, document={**captured, "tabs": [captured["tabs"][0], second]})
    docs = service(sandbox, "docs", ANA, scopes=(DOCUMENTS,))

    write(docs, imported["documentId"], [{"insertText": {"location": {"index": 1, "tabId": "t.plan"}, "text": "Plan: "}}])
    tabs = docs.documents().get(documentId=imported["documentId"], includeTabsContent=True).execute()["tabs"]
    plain = docs.documents().get(documentId=imported["documentId"]).execute()

    assert text_of(tabs[1]["documentTab"]).startswith("Plan: Tab 1 Content\n")
    assert text_of(plain) == text_of(tabs[0]["documentTab"]) and text_of(plain).startswith("Tab 1 Content\n")


def test_an_image_size_must_be_pixels(sandbox):
    response = sandbox.http.post(sandbox.url + "/_sandbox/docs/images",
                                 json={"uri": "https://example.com/a.png", "width": "wide", "height": 3})

    assert response.status_code == 400


def test_the_html_page_shows_a_persons_table(sandbox, docs):
    document_id = new_document(docs)
    sandbox.person_edits(document_id, ANA, [{"insertTable": {"location": {"index": 1}, "rows": 1, "columns": 1}},
                                            {"insertText": {"location": {"index": 5}, "text": "cell <text>"}}])

    page = sandbox.document_html(document_id)

    assert "<table>" in page and "cell &lt;text&gt;" in page


def test_readers_see_a_preview_and_suggestions_are_shown_inline_only(sandbox, docs):
    document_id = new_document(docs)
    share(sandbox, document_id, BO, "reader")
    bo = service(sandbox, "docs", BO, scopes=(DOCUMENTS,))
    data = docs.documents().get(documentId=document_id).execute()
    run = data["body"]["content"][1]["paragraph"]["elements"][0]["textRun"]
    run["suggestedInsertionIds"] = ["suggest.abc"]
    suggested = control(sandbox, "/import", user=ANA, document=data)["documentId"]
    ana = service(sandbox, "docs", ANA, scopes=(DOCUMENTS,))

    preview = bo.documents().get(documentId=document_id).execute()
    with pytest.raises(HttpError) as inline_for_a_reader:
        bo.documents().get(documentId=document_id, suggestionsViewMode="SUGGESTIONS_INLINE").execute()
    with pytest.raises(HttpError) as preview_of_suggestions:
        ana.documents().get(documentId=suggested, suggestionsViewMode="PREVIEW_WITHOUT_SUGGESTIONS").execute()
    inline = ana.documents().get(documentId=suggested).execute()

    assert preview["suggestionsViewMode"] == "PREVIEW_WITHOUT_SUGGESTIONS" and text_of(preview) == "Agenda\n"
    assert inline_for_a_reader.value.resp.status == 403
    assert preview_of_suggestions.value.resp.status == 400
    assert inline["suggestionsViewMode"] == "SUGGESTIONS_INLINE"
    assert inline["body"]["content"][1]["paragraph"]["elements"][0]["textRun"]["suggestedInsertionIds"] == ["suggest.abc"]


VALIDATIONS = sorted(p for p in (MUTATIONS.parent / "validation").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", VALIDATIONS, ids=lambda p: p.name)
def test_a_validated_batch_at_its_target_revision_gives_what_google_gave(sandbox, case):
    before = json.loads((MUTATIONS / "T1_insert_text_start" / "before.json").read_text(encoding="utf-8"))
    compiled = json.loads((case / "compiled_request.json").read_text(encoding="utf-8"))
    after = json.loads((case / "after.json").read_text(encoding="utf-8"))
    imported = control(sandbox, "/import", user=ANA, document=before)
    docs = service(sandbox, "docs", ANA, scopes=(DOCUMENTS,))

    write(docs, imported["documentId"], compiled["requests"], targetRevisionId=imported["revisionId"])
    got = docs.documents().get(documentId=imported["documentId"], includeTabsContent=True).execute()

    assert normalise(got)["tabs"] == normalise(after)["tabs"]
