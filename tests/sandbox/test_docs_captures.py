"""The Docs model against documents and batchUpdates captured from the real Google Docs API."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import googleapiclient
import pytest

from workspace_sandbox.docs.document import Document
from workspace_sandbox.docs.batch_update import BULLET_PRESETS, PARAGRAPH_FIELDS, REQUEST_KINDS, TEXT_FIELDS

CAPTURES = Path(__file__).parent.parent / "data" / "google-captures" / "docs"
DOCUMENTS = sorted((CAPTURES / "documents").glob("*.json"))
MUTATIONS = sorted(path for path in (CAPTURES / "mutations").iterdir() if path.is_dir())


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def normalise(document: dict) -> dict:
    """`document` with Google's own ids (revision, heading, list, named range) made comparable.

    Heading ids become a marker (a paragraph must still have one exactly when Google's has), list ids
    are renamed by first use in the body, named range ids are dropped and ranges sorted.
    """
    document = copy.deepcopy(document)
    document.pop("revisionId", None)
    tab = document["tabs"][0]["documentTab"] if "tabs" in document else document
    names: dict[str, str] = {}
    for element in tab["body"]["content"]:
        paragraph = element.get("paragraph")
        if paragraph is None:
            continue
        if "headingId" in paragraph["paragraphStyle"]:
            paragraph["paragraphStyle"]["headingId"] = "<heading id>"
        if "bullet" in paragraph:
            list_id = paragraph["bullet"]["listId"]
            paragraph["bullet"]["listId"] = names.setdefault(list_id, f"<list {len(names)}>")
    if "lists" in tab:
        tab["lists"] = {names.get(list_id, "<unused> " + json.dumps(entry, sort_keys=True)): entry
                        for list_id, entry in tab["lists"].items()}
    for group in tab.get("namedRanges", {}).values():
        for named in group["namedRanges"]:
            named["namedRangeId"] = "<named range id>"
        group["namedRanges"].sort(key=lambda named: json.dumps(named, sort_keys=True))
    return document


def test_the_captures_are_all_there():
    assert len(DOCUMENTS) == 13 and len(MUTATIONS) == 23
    assert (CAPTURES / "LICENSE.arezzo").is_file()


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.stem)
def test_a_captured_document_reads_back_exactly(path):
    captured = load(path)
    expected = {key: value for key, value in captured.items() if key != "revisionId"}

    assert Document.from_json(captured).to_json(include_tabs_content=True) == expected


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.stem)
def test_without_tabs_content_the_tab_is_the_document(path):
    captured = load(path)
    tab = captured["tabs"][0]["documentTab"]

    plain = Document.from_json(captured).to_json()

    assert plain == {"title": captured["title"], "documentId": captured["documentId"],
                     "suggestionsViewMode": "SUGGESTIONS_INLINE", **tab}
    assert Document.from_json(plain).to_json() == plain


@pytest.mark.parametrize("case", MUTATIONS, ids=lambda path: path.name)
def test_a_captured_batch_update_gives_what_google_gave(case):
    document = Document.from_json(load(case / "before.json"))

    replies = document.apply(load(case / "request.json"))

    assert normalise(document.to_json(include_tabs_content=True)) == normalise(load(case / "after.json"))
    assert len(replies) == len(load(case / "request.json"))


def test_the_reply_to_create_named_range_names_the_range_created():
    document = Document.from_json(load(CAPTURES / "mutations" / "N1_create_named_range" / "before.json"))

    [reply] = document.apply(load(CAPTURES / "mutations" / "N1_create_named_range" / "request.json"))

    [named] = document.to_json()["namedRanges"]["executive_summary"]["namedRanges"]
    assert reply == {"createNamedRange": {"namedRangeId": named["namedRangeId"]}}
    assert named["namedRangeId"].startswith("kix.")


def test_a_paragraph_inserted_at_a_heading_start_is_a_new_heading_and_the_old_keeps_its_id():
    """T1: Google gives the inserted paragraph a new heading id; 'Report Title' keeps its own."""
    before = load(CAPTURES / "mutations" / "T1_insert_text_start" / "before.json")
    document = Document.from_json(before)

    document.apply(load(CAPTURES / "mutations" / "T1_insert_text_start" / "request.json"))

    old_id = before["tabs"][0]["documentTab"]["body"]["content"][1]["paragraph"]["paragraphStyle"]["headingId"]
    inserted, original = [element["paragraph"]["paragraphStyle"] for element in document.to_json()["body"]["content"][1:3]]
    assert original["headingId"] == old_id
    assert inserted["namedStyleType"] == "HEADING_1" and inserted["headingId"] not in (old_id, None)


def test_the_numbered_list_glyphs_are_those_google_gave_a_numbered_list():
    captured = load(CAPTURES / "documents" / "04_lists.json")
    google_levels = captured["tabs"][0]["documentTab"]["lists"]["kix.h75vux8hvdsg"]["listProperties"]["nestingLevels"]
    document = Document.new("d", "t")
    document.apply([{"insertText": {"location": {"index": 1}, "text": "one\ntwo"}},
                    {"createParagraphBullets": {"range": {"startIndex": 1, "endIndex": 5},
                                                "bulletPreset": "NUMBERED_DECIMAL_ALPHA_ROMAN"}}])

    [entry] = document.to_json()["lists"].values()

    assert entry["listProperties"]["nestingLevels"] == google_levels


def test_the_model_knows_every_request_kind_style_field_and_preset_of_the_discovery_document():
    discovery = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "docs.v1.json"
    schemas = load(discovery)["schemas"]

    assert REQUEST_KINDS == set(schemas["Request"]["properties"])
    assert set(PARAGRAPH_FIELDS) == set(schemas["ParagraphStyle"]["properties"])
    assert set(TEXT_FIELDS) == set(schemas["TextStyle"]["properties"])
    presets = schemas["CreateParagraphBulletsRequest"]["properties"]["bulletPreset"]["enum"]
    assert BULLET_PRESETS == set(presets) - {"BULLET_GLYPH_PRESET_UNSPECIFIED"}
