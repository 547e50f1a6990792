"""Drive's files.export of Google Docs in the sandbox, through the real google-api-python-client."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaInMemoryUpload, MediaIoBaseDownload

from workspace_sandbox.drive import export

from .test_drive import ANA, BO, DRIVE, DRIVE_FILE, FOLDER, SAM, error_of, service

CAPTURES = sorted((Path(__file__).parent.parent / "data" / "google-captures" / "docs"
                   / "documents").glob("*.json"))
READONLY = "https://www.googleapis.com/auth/drive.readonly"
FORMATS = ("text/plain", "text/html", "text/markdown")
TEXT = ("Ana / Bo\nAgenda\nNotes from last time, see the plan.\nWins\n\tBlockers\nFollow-ups\n"
        "Send the deck\nBook the room\n")
MARKDOWN = """# Ana / Bo

# Agenda

Notes from **last** time, see [the plan](https://example.com/plan).

- Wins
    - Blockers

## Follow-ups

- [ ] Send the deck
- [x] Book the room

| Topic | Owner |
| --- | --- |
| Hiring | Ana |
"""


def _range(text: str) -> dict:
    start = TEXT.index(text) + 1
    return {"startIndex": start, "endIndex": start + len(text)}


def _named(text: str, style: str) -> dict:
    return {"updateParagraphStyle": {"range": _range(text), "fields": "namedStyleType",
                                     "paragraphStyle": {"namedStyleType": style}}}


def _bullets(first: str, last: str, preset: str) -> dict:
    return {"createParagraphBullets": {"bulletPreset": preset, "range": {
        "startIndex": _range(first)["startIndex"], "endIndex": _range(last)["endIndex"]}}}


def paragraph_starts(docs, document_id: str) -> dict[str, int]:
    document = docs.documents().get(documentId=document_id).execute()
    return {"".join(run.get("textRun", {}).get("content", "") for run in
                    element["paragraph"]["elements"]).strip(): element["startIndex"]
            for element in document["body"]["content"] if "paragraph" in element}


def write(docs, document_id: str, requests: list[dict]) -> None:
    docs.documents().batchUpdate(documentId=document_id, body={"requests": requests}).execute()


def agenda(sandbox, docs) -> str:
    """Ana's doc: title, headings, bold, a link, nested bullets, a checklist, a 2x2 table."""
    document_id = docs.documents().create(body={"title": "Ana / Bo"}).execute()["documentId"]
    write(docs, document_id, [{"insertText": {"location": {"index": 1}, "text": TEXT}}])
    write(docs, document_id, [
        _named("Ana / Bo", "TITLE"), _named("Agenda", "HEADING_1"),
        _named("Follow-ups", "HEADING_2"),
        {"updateTextStyle": {"range": _range("last"), "textStyle": {"bold": True},
                             "fields": "bold"}},
        {"updateTextStyle": {"range": _range("the plan"), "fields": "link",
                             "textStyle": {"link": {"url": "https://example.com/plan"}}}},
        _bullets("Send the deck", "Book the room", "BULLET_CHECKBOX"),
        _bullets("Wins", "Blockers", "BULLET_DISC_CIRCLE_SQUARE"),  # the tab nests Blockers
        {"insertTable": {"endOfSegmentLocation": {}, "rows": 2, "columns": 2}}])
    document = docs.documents().get(documentId=document_id).execute()
    cells = [cell["content"][0]["startIndex"] for element in document["body"]["content"]
             if "table" in element for row in element["table"]["tableRows"]
             for cell in row["tableCells"]]
    write(docs, document_id, [{"insertText": {"location": {"index": index}, "text": text}}
                              for index, text in reversed(list(zip(
                                  cells, ("Topic", "Owner", "Hiring", "Ana"))))])
    tick(sandbox, document_id, paragraph_starts(docs, document_id)["Book the room"])
    return document_id


def tick(sandbox, document_id: str, index: int, checked: bool = True) -> None:
    response = sandbox.http.post(f"{sandbox.url}/_sandbox/docs/{document_id}/check",
                                 json={"user": ANA, "paragraph_index": index, "checked": checked})
    assert response.status_code == 200, response.text


@pytest.fixture
def drive(sandbox):
    return service(sandbox, "drive", ANA)


@pytest.fixture
def docs(sandbox):
    return service(sandbox, "docs", ANA)


def test_markdown_export_writes_the_ticks_people_make(sandbox, drive, docs):
    document_id = agenda(sandbox, docs)

    ticked = drive.files().export(fileId=document_id, mimeType="text/markdown").execute()
    tick(sandbox, document_id, paragraph_starts(docs, document_id)["Book the room"], False)
    unticked = drive.files().export(fileId=document_id, mimeType="text/markdown").execute()

    assert ticked.decode("utf-8") == MARKDOWN
    assert "- [ ] Book the room" in unticked.decode("utf-8")


def test_export_media_downloads_the_same_bytes_with_their_type(sandbox, drive, docs):
    document_id = agenda(sandbox, docs)
    buffer = io.BytesIO()
    download = MediaIoBaseDownload(buffer, drive.files().export_media(
        fileId=document_id, mimeType="text/markdown"))
    done = False
    while not done:
        _, done = download.next_chunk()
    token = sandbox.token(ANA, [DRIVE_FILE], client_id="coach-app")
    raw = sandbox.http.get(f"{sandbox.url}/drive/v3/files/{document_id}/export",
                           params={"mimeType": "text/markdown"},
                           headers={"Authorization": f"Bearer {token}"})

    assert buffer.getvalue().decode("utf-8") == MARKDOWN
    assert raw.status_code == 200 and raw.content == buffer.getvalue()
    assert raw.headers["Content-Type"] == "text/markdown; charset=utf-8"


def test_plain_text_export_has_a_byte_order_mark_crlf_and_tab_separated_cells(
        sandbox, drive, docs):
    document_id = agenda(sandbox, docs)

    text = drive.files().export(fileId=document_id, mimeType="text/plain").execute()

    assert text.decode("utf-8") == "\ufeff" + "\r\n".join([
        "Ana / Bo", "Agenda", "Notes from last time, see the plan.", "* Wins", "    * Blockers",
        "Follow-ups", "* Send the deck", "* Book the room", "", "Topic\tOwner", "Hiring\tAna",
        ""])


def test_html_export_is_a_page_marking_checklist_items_as_checkboxes(sandbox, drive, docs):
    document_id = agenda(sandbox, docs)

    page = drive.files().export(fileId=document_id, mimeType="text/html").execute().decode()

    assert page.startswith("<html><head>") and page.endswith("</body></html>")
    assert "<title>Ana / Bo</title>" in page and '<p class="title">Ana / Bo</p>' in page
    assert "<h1>Agenda</h1>" in page and "<strong>last</strong>" in page
    assert '<a href="https://example.com/plan">the plan</a>' in page
    assert "<ul><li>Wins<ul><li>Blockers</li></ul></li></ul>" in page
    assert ('<li role="checkbox" aria-checked="false">Send the deck</li>'
            '<li role="checkbox" aria-checked="true">Book the room</li>') in page
    assert "<tr><td><p>Topic</p></td><td><p>Owner</p></td></tr>" in page


def test_markdown_punctuation_typed_in_the_text_is_escaped(sandbox, drive, docs):
    document_id = docs.documents().create(body={"title": "Escapes"}).execute()["documentId"]
    write(docs, document_id, [{"insertText": {"location": {"index": 1},
                                              "text": "[x] not a tick\n# not a heading\n2. not "
                                                      "numbered\nsnake_case *stars*"}}])
    write(docs, document_id, [{"createParagraphBullets": {
        "range": {"startIndex": 1, "endIndex": 5}, "bulletPreset": "BULLET_DISC_CIRCLE_SQUARE"}}])

    text = drive.files().export(fileId=document_id, mimeType="text/markdown").execute().decode()

    assert text == ("- \\[x\\] not a tick\n\n\\# not a heading\n\n2\\. not numbered\n\n"
                    "snake\\_case \\*stars\\*\n")


@pytest.mark.parametrize("path", CAPTURES, ids=lambda path: path.stem)
def test_captured_documents_export_in_every_format(sandbox, path):
    captured = json.loads(path.read_text(encoding="utf-8"))
    response = sandbox.http.post(f"{sandbox.url}/_sandbox/docs/import",
                                 json={"user": ANA, "document": captured})
    assert response.status_code == 200, response.text
    document_id = response.json()["documentId"]
    drive = service(sandbox, "drive", ANA, scopes=(READONLY,))

    exported = {mime: drive.files().export(fileId=document_id, mimeType=mime).execute().decode()
                for mime in FORMATS}

    assert exported["text/plain"].startswith("\ufeff")
    assert exported["text/html"].startswith("<html>")
    assert exported["text/markdown"].endswith("\n")
    expected = {"04_lists": "1. First numbered item\n2. Second numbered item\n",
                "05_tables": "| R1C1 | R1C2 | R1C3 |\n| --- | --- | --- |\n",
                "06_images": "![](https://lh7-rt.googleusercontent.com/",
                "07_headers_footers_footnotes": "[^1]: This is the footnote content"}
    assert expected.get(path.stem, "") in exported["text/markdown"]


# --- who may export what -----------------------------------------------------------------------
def test_other_apps_and_people_without_access_do_not_see_the_file(sandbox, drive, docs):
    document_id = agenda(sandbox, docs)
    reading = {"role": "reader", "type": "user", "emailAddress": BO}
    drive.permissions().create(fileId=document_id, sendNotificationEmail=False,
                               body=reading).execute()
    other_app = service(sandbox, "drive", ANA, client_id="another-app")
    stranger = service(sandbox, "drive", SAM, scopes=(DRIVE,))
    reader = service(sandbox, "drive", BO, scopes=(READONLY,))

    for caller in (other_app, stranger):
        with pytest.raises(HttpError) as raised:
            caller.files().export(fileId=document_id, mimeType="text/markdown").execute()
        assert raised.value.resp.status == 404
        assert error_of(raised)["errors"][0]["reason"] == "notFound"
    exported = reader.files().export(fileId=document_id, mimeType="text/markdown").execute()
    assert exported.decode() == MARKDOWN


def test_only_docs_editors_files_export(drive):
    plain = drive.files().create(body={"name": "notes.txt"}, media_body=MediaInMemoryUpload(
        b"hello", mimetype="text/plain")).execute()
    folder = drive.files().create(body={"name": "One-on-ones", "mimeType": FOLDER}).execute()

    for file in (plain, folder):
        with pytest.raises(HttpError) as raised:
            drive.files().export(fileId=file["id"], mimeType="text/plain").execute()
        error = error_of(raised)
        assert (raised.value.resp.status, error["errors"][0]["reason"], error["message"]) == \
            (403, "fileNotExportable", "Export only supports Docs Editors files.")


@pytest.mark.parametrize("mime_type, message", [
    ("image/gif", "The requested conversion is not supported. A Google Doc exports as "),
    ("application/pdf", "The Workspace sandbox does not export Google Docs as application/pdf; "
                        "it exports text/plain, text/html, text/markdown."),
])
def test_an_unsupported_type_is_a_bad_request_naming_the_supported_ones(
        sandbox, drive, docs, mime_type, message):
    document_id = agenda(sandbox, docs)

    with pytest.raises(HttpError) as raised:
        drive.files().export(fileId=document_id, mimeType=mime_type).execute()

    error = error_of(raised)
    assert raised.value.resp.status == 400 and error["errors"][0]["reason"] == "badRequest"
    assert error["message"].startswith(message) and "text/markdown" in error["message"]


def test_an_export_over_the_size_limit_is_refused(sandbox, drive, docs, monkeypatch):
    document_id = agenda(sandbox, docs)
    monkeypatch.setattr(export, "SIZE_LIMIT", len(MARKDOWN.encode()) - 1)

    with pytest.raises(HttpError) as raised:
        drive.files().export(fileId=document_id, mimeType="text/markdown").execute()

    error = error_of(raised)
    assert (raised.value.resp.status, error["errors"][0]["reason"], error["message"]) == \
        (403, "exportSizeLimitExceeded", "This file is too large to be exported.")
    assert drive.files().export(fileId=document_id, mimeType="text/plain").execute()
