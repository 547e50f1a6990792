"""The Docs model against documents and batchUpdates captured from the real Google Docs API."""
from __future__ import annotations

import json
import re
from pathlib import Path

import googleapiclient
import pytest

from workspace_sandbox.docs.document import Document
from workspace_sandbox.docs.elements import PARAGRAPH_FIELDS, TEXT_FIELDS
from workspace_sandbox.docs.lists import BULLET_PRESETS
from workspace_sandbox.docs.requests import REQUEST_KINDS

CAPTURES = Path(__file__).parent.parent / "data" / "google-captures" / "docs"
DOCUMENTS = sorted((CAPTURES / "documents").glob("*.json"))
MUTATIONS = sorted(path for path in (CAPTURES / "mutations").iterdir() if path.is_dir())
VALIDATIONS = sorted(path for path in (CAPTURES / "validation").iterdir() if path.is_dir())
# The pixel size of the image the captures insert (Google's logo at 2x), which Google fitted to the box.
LOGO = "https://www.google.com/images/branding/googlelogo/2x/googlelogo_color_272x92dp.png"
IMAGES = {LOGO: (544, 184)}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# Fields whose values are ids Google makes up (by namespace), lists of such ids, and maps keyed by them.
_ID_FIELDS = {"listId": "list", "headingId": "heading", "namedRangeId": "range", "inlineObjectId": "object",
              "objectId": "object", "footnoteId": "footnote", "contentUri": "uri",
              **{f"{page}{kind}Id": "segment" for page in ("default", "firstPage", "evenPage")
                 for kind in ("Header", "Footer")}, "headerId": "segment", "footerId": "segment"}
_ID_LISTS = {"suggestedInsertionIds": "suggestion", "suggestedDeletionIds": "suggestion",
             "positionedObjectIds": "object"}
_ID_MAPS = {"lists": "list", "inlineObjects": "object", "positionedObjects": "object", "headers": "segment",
            "footers": "segment", "footnotes": "footnote"}


def _walk(node, visit):
    """Visit every (key, value) of `node`, dict keys sorted (so key order does not matter), maps
    keyed by ids in their own order; `visit` returns the new value."""
    if isinstance(node, list):
        return [_walk(item, visit) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key in sorted(node):
        value = node[key]
        if key in _ID_MAPS or key.startswith("suggested") and key.endswith("Changes"):
            space = _ID_MAPS.get(key, "suggestion")
            out[key] = {visit(space, map_key): _walk(entry, visit) for map_key, entry in value.items()}
        elif key in _ID_FIELDS and isinstance(value, str):
            out[key] = visit(_ID_FIELDS[key], value)
        elif key in _ID_LISTS:
            out[key] = [visit(_ID_LISTS[key], item) for item in value]
        elif key == "namedRanges" and isinstance(value, list):
            ordered = sorted(value, key=lambda named: json.dumps({**named, "namedRangeId": ""}, sort_keys=True))
            out[key] = _walk(ordered, visit)
        else:
            out[key] = _walk(value, visit)
    return out


def ids_of(document: dict) -> set[str]:
    """Every made-up id in a document."""
    found: set[str] = set()

    def visit(_space, value):
        found.add(value)
        return value

    _walk(document, visit)
    return found


def normalise(document: dict, known: set[str] = frozenset()) -> dict:
    """`document` with Google's random ids (list, heading, named range, inline and positioned object,
    footnote, header, footer, suggestion ids; re-hosted image addresses) renamed by first appearance,
    kind by kind, so structure still has to match: which elements share an id, and where. Ids in
    `known` (those of the document a mutation started from) are kept as they are. revisionId goes."""
    names: dict[tuple[str, str], str] = {}

    def visit(space, value):
        if value in known:
            return value
        return names.setdefault((space, value), f"<{space} {sum(1 for s, _ in names if s == space)}>")

    document = {key: value for key, value in document.items() if key != "revisionId"}
    return _walk(document, visit)


def test_the_captures_are_all_there():
    assert len(DOCUMENTS) == 13 and len(MUTATIONS) == 23 and len(VALIDATIONS) == 8
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
    before = load(case / "before.json")
    document = Document.from_json(before)

    replies = document.apply(load(case / "request.json"), IMAGES)

    known = ids_of(before)
    assert normalise(document.to_json(include_tabs_content=True), known) == normalise(load(case / "after.json"), known)
    assert len(replies) == len(load(case / "request.json"))


@pytest.mark.parametrize("case", VALIDATIONS, ids=lambda path: path.name)
def test_a_validated_batch_gives_what_google_gave(case):
    """The validation batches ran on a copy of the mutations' starting document (ids aside)."""
    document = Document.from_json(load(MUTATIONS[0] / "before.json"))
    expected = load(case / "after.json")

    document.apply(load(case / "compiled_request.json")["requests"], IMAGES)

    assert (case / "result.txt").read_text().strip() == "PASS"
    assert normalise(document.to_json(include_tabs_content=True))["tabs"] == normalise(expected)["tabs"]


@pytest.mark.parametrize(("case", "kind", "key", "where"), [
    ("O1_insert_image", "insertInlineImage", "objectId", "inlineObjects"),
    ("O2_create_header", "createHeader", "headerId", "headers"),
    ("O4_insert_footnote", "createFootnote", "footnoteId", "footnotes"),
])
def test_a_reply_names_what_the_request_created(case, kind, key, where):
    document = Document.from_json(load(CAPTURES / "mutations" / case / "before.json"))

    reply = document.apply(load(CAPTURES / "mutations" / case / "request.json"), IMAGES)[0]

    assert list(reply) == [kind] and list(reply[kind]) == [key]
    assert list(document.to_json()[where]) == [reply[kind][key]]
    assert re.fullmatch(r"kix\.[a-z0-9]{12}", reply[kind][key])


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
