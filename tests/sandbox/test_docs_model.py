"""The Docs model: index arithmetic, requests, validation, atomicity, HTML, and a person's edits."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from workspace_sandbox.docs.document import DocsRequestError, Document

CAPTURES = Path(__file__).parent.parent / "data" / "google-captures" / "docs"
# A document Google made has the named styles of every new document.
NEW_DOCUMENT_NAMED_STYLES = json.loads((CAPTURES / "documents" / "01_plain_text.json").read_text(
    encoding="utf-8"))["tabs"][0]["documentTab"]["namedStyles"]
LINK_BLUE = {"color": {"rgbColor": {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}}}


def insert(index: int, text: str) -> dict:
    return {"insertText": {"location": {"index": index}, "text": text}}


def delete(start: int, end: int) -> dict:
    return {"deleteContentRange": {"range": {"startIndex": start, "endIndex": end}}}


def text_style(start: int, end: int, fields: str, **style) -> dict:
    return {"updateTextStyle": {"range": {"startIndex": start, "endIndex": end}, "textStyle": style,
                                "fields": fields}}


def paragraph_style(start: int, end: int, fields: str = "namedStyleType", **style) -> dict:
    return {"updateParagraphStyle": {"range": {"startIndex": start, "endIndex": end},
                                     "paragraphStyle": style, "fields": fields}}


def bullets(start: int, end: int, preset: str = "BULLET_DISC_CIRCLE_SQUARE") -> dict:
    return {"createParagraphBullets": {"range": {"startIndex": start, "endIndex": end}, "bulletPreset": preset}}


def named_range(name: str, start: int, end: int) -> dict:
    return {"createNamedRange": {"name": name, "range": {"startIndex": start, "endIndex": end}}}


def doc_with(text: str) -> Document:
    """A document whose paragraphs hold `text`, then the empty paragraph documents usually end with."""
    document = Document.new("doc-1", "Notes")
    document.apply([insert(1, text + "\n")])
    return document


def paragraphs(document: Document) -> list[tuple[int, int, str]]:
    return [(element["startIndex"], element["endIndex"],
             "".join(run["textRun"]["content"] for run in element["paragraph"]["elements"]))
            for element in document.to_json()["body"]["content"][1:]]


def paragraph(document: Document, n: int) -> dict:
    return document.to_json()["body"]["content"][n + 1]["paragraph"]


def runs(document: Document, n: int) -> list[tuple[int, int, str, dict]]:
    return [(run["startIndex"], run["endIndex"], run["textRun"]["content"], run["textRun"]["textStyle"])
            for run in paragraph(document, n)["elements"]]


def ranges(document: Document) -> dict[str, list[list[int]]]:
    groups = document.to_json().get("namedRanges", {})
    return {name: sorted([r["startIndex"], r["endIndex"]] for named in group["namedRanges"]
                         for r in named["ranges"]) for name, group in groups.items()}


# --- a new document ------------------------------------------------------------------------------------

def test_a_new_document_is_a_section_break_and_one_empty_paragraph():
    document = Document.new("doc-1", "Weekly 1:1")

    assert document.to_json() == {
        "title": "Weekly 1:1", "documentId": "doc-1", "suggestionsViewMode": "SUGGESTIONS_INLINE",
        "body": {"content": [
            {"endIndex": 1, "sectionBreak": {"sectionStyle": {
                "columnSeparatorStyle": "NONE", "contentDirection": "LEFT_TO_RIGHT", "sectionType": "CONTINUOUS"}}},
            {"startIndex": 1, "endIndex": 2, "paragraph": {
                "elements": [{"startIndex": 1, "endIndex": 2, "textRun": {"content": "\n", "textStyle": {}}}],
                "paragraphStyle": {"namedStyleType": "NORMAL_TEXT", "direction": "LEFT_TO_RIGHT"}}}]},
        "documentStyle": document.to_json()["documentStyle"],
        "namedStyles": NEW_DOCUMENT_NAMED_STYLES,
    }
    assert "revisionId" not in document.to_json()
    assert document.text() == "\n"


# --- UTF-16 indices ------------------------------------------------------------------------------------

def test_indices_count_utf16_code_units_for_accents_cjk_and_emoji():
    document = doc_with("Café 日本 😀!")

    assert paragraphs(document) == [(1, 13, "Café 日本 😀!\n"), (13, 14, "\n")]
    document.apply([insert(11, "→")])
    assert paragraphs(document) == [(1, 14, "Café 日本 😀→!\n"), (14, 15, "\n")]
    document.apply([delete(9, 11)])
    assert paragraphs(document) == [(1, 12, "Café 日本 →!\n"), (12, 13, "\n")]


def test_an_emoji_before_a_named_range_moves_it_by_two():
    document = doc_with("Café 日本")
    document.apply([named_range("kanji", 6, 8), insert(1, "😀")])

    assert ranges(document) == {"kanji": [[8, 10]]}
    assert document.text()[6:8] == "日本"


def test_nothing_may_be_put_or_cut_inside_a_surrogate_pair():
    document = doc_with("a😀b")

    with pytest.raises(DocsRequestError, match=r"^Invalid requests\[0\]\.insertText: The insertion index "
                                                r"cannot be within a grapheme cluster\.$"):
        document.apply([insert(3, "x")])
    with pytest.raises(DocsRequestError, match="surrogate pair"):
        document.apply([delete(2, 3)])
    assert document.text() == "a😀b\n\n"


def test_requests_in_a_batch_see_the_document_as_the_earlier_ones_left_it():
    """Measured against Google: [insert 'AAAA' at 1, insert 'B' at 5] gives 'AAAAB0123456789'."""
    document = doc_with("0123456789")

    document.apply([insert(1, "AAAA"), insert(5, "B")])

    assert document.text() == "AAAAB0123456789\n\n"


# --- inserting and deleting ----------------------------------------------------------------------------

def test_inserted_text_loses_the_control_characters_google_strips():
    document = doc_with("a\x01b\rc\ue000d\x0be\tf")

    assert document.text() == "abcd\x0be\tf\n\n"


def test_end_of_segment_location_inserts_before_the_last_newline():
    document = Document.new("d", "t")

    document.apply([{"insertText": {"endOfSegmentLocation": {}, "text": "A\n"}},
                    {"insertText": {"endOfSegmentLocation": {}, "text": "B"}}])

    assert paragraphs(document) == [(1, 3, "A\n"), (3, 5, "B\n")]


def test_a_newline_inserted_into_a_heading_makes_two_headings_the_second_keeping_the_id():
    document = doc_with("Agenda\nBody")
    document.apply([paragraph_style(1, 7, namedStyleType="HEADING_1")])
    heading_id = paragraph(document, 0)["paragraphStyle"]["headingId"]

    document.apply([insert(4, "\n")])

    first, second = paragraph(document, 0)["paragraphStyle"], paragraph(document, 1)["paragraphStyle"]
    assert paragraphs(document)[:2] == [(1, 5, "Age\n"), (5, 9, "nda\n")]
    assert first["namedStyleType"] == second["namedStyleType"] == "HEADING_1"
    assert second["headingId"] == heading_id
    assert re.fullmatch(r"h\.[a-z0-9]{12}", first["headingId"]) and first["headingId"] != heading_id


def test_a_newline_inserted_into_a_list_item_makes_two_items_of_the_same_list():
    document = doc_with("one item")
    document.apply([bullets(1, 9)])

    document.apply([insert(4, "\n")])

    assert paragraph(document, 0)["bullet"] == paragraph(document, 1)["bullet"]
    assert "bullet" not in paragraph(document, 2)


def test_inserted_text_takes_the_style_of_the_text_before_it_or_at_a_paragraph_start_after_it():
    document = doc_with("Hi there")
    document.apply([text_style(1, 3, "bold", bold=True)])

    document.apply([insert(3, "!"), insert(1, ">")])

    assert runs(document, 0) == [(1, 5, ">Hi!", {"bold": True}), (5, 12, " there\n", {})]


def test_deleting_across_paragraphs_keeps_the_style_of_the_paragraph_whose_newline_survives():
    document = doc_with("Agenda\nBody")
    document.apply([paragraph_style(1, 7, namedStyleType="HEADING_1")])

    document.apply([delete(4, 10)])

    assert paragraphs(document)[0] == (1, 7, "Agedy\n")
    assert paragraph(document, 0)["paragraphStyle"] == {"namedStyleType": "NORMAL_TEXT",
                                                        "direction": "LEFT_TO_RIGHT"}


# --- named ranges --------------------------------------------------------------------------------------
# "Hello world, again\n": 'world' is [7, 12), the paragraph is [1, 20), the body ends at 21.

@pytest.mark.parametrize(("index", "expected"), [
    (2, [[9, 14]]),   # before: moves
    (7, [[9, 14]]),   # exactly at its start: the text goes before it, it moves
    (9, [[7, 14]]),   # strictly inside: grows
    (12, [[7, 12]]),  # exactly at its end: does not grow
    (14, [[7, 12]]),  # after: unchanged
], ids=["before", "at-start", "inside", "at-end", "after"])
def test_a_named_range_under_an_insert(index, expected):
    document = doc_with("Hello world, again")
    document.apply([named_range("who", 7, 12)])

    document.apply([insert(index, "ab")])

    assert ranges(document) == {"who": expected}


@pytest.mark.parametrize(("start", "end", "expected"), [
    (2, 4, [[5, 10]]),    # before
    (1, 7, [[1, 6]]),     # up to its start
    (5, 9, [[5, 8]]),     # over its start
    (8, 10, [[7, 10]]),   # inside
    (10, 14, [[7, 10]]),  # over its end
    (12, 14, [[7, 12]]),  # from its end
    (13, 15, [[7, 12]]),  # after
    (7, 12, None),        # exactly its content: the range goes
    (6, 13, None),        # around it: the range goes
], ids=["before", "up-to-start", "over-start", "inside", "over-end", "from-end", "after", "exact", "around"])
def test_a_named_range_under_a_delete(start, end, expected):
    document = doc_with("Hello world, again")
    document.apply([named_range("who", 7, 12)])

    document.apply([delete(start, end)])

    assert ranges(document) == ({"who": expected} if expected else {})
    assert ("namedRanges" in document.to_json()) is bool(expected)


def test_named_ranges_share_a_name_and_are_deleted_by_name_or_by_id():
    document = doc_with("Hello world, again")
    [first, _, third] = document.apply([named_range("x", 1, 6), named_range("x", 14, 19),
                                        named_range("y", 7, 12)])

    document.apply([{"deleteNamedRange": {"namedRangeId": first["createNamedRange"]["namedRangeId"]}}])
    assert ranges(document) == {"x": [[14, 19]], "y": [[7, 12]]}
    document.apply([{"deleteNamedRange": {"name": "x"}}, {"deleteNamedRange": {"name": "absent"}}])
    assert ranges(document) == {"y": [[7, 12]]}
    assert third["createNamedRange"]["namedRangeId"].startswith("kix.")


def test_replacing_a_named_range_content_makes_the_range_cover_the_new_text():
    document = doc_with("Hello world, again")
    [reply, *_] = document.apply([named_range("who", 7, 12), named_range("tail", 14, 19),
                                  named_range("all", 1, 19)])

    document.apply([{"replaceNamedRangeContent": {"namedRangeId": reply["createNamedRange"]["namedRangeId"],
                                                  "text": "Zoë 🎉"}}])

    assert document.text() == "Hello Zoë 🎉, again\n\n"
    assert ranges(document) == {"who": [[7, 13]], "tail": [[15, 20]], "all": [[1, 20]]}


def test_replacing_by_name_fills_every_range_of_that_name():
    document = doc_with("Hello world, again")
    document.apply([named_range("x", 1, 6), named_range("x", 14, 19)])

    document.apply([{"replaceNamedRangeContent": {"namedRangeName": "x", "text": "Hi"}},
                    {"replaceNamedRangeContent": {"namedRangeName": "nobody", "text": "?"}}])

    assert document.text() == "Hi world, Hi\n\n"
    assert ranges(document) == {"x": [[1, 3], [11, 13]]}


def test_a_named_range_of_two_spans_keeps_only_its_first_when_replaced():
    data = doc_with("Hello world, again").to_json()
    data["namedRanges"] = {"x": {"name": "x", "namedRanges": [{"namedRangeId": "kix.abc", "name": "x", "ranges": [
        {"startIndex": 1, "endIndex": 6}, {"startIndex": 14, "endIndex": 19}]}]}}
    document = Document.from_json(data)

    document.apply([{"replaceNamedRangeContent": {"namedRangeId": "kix.abc", "text": "Hi"}}])

    assert document.text() == "Hi world, \n\n"
    assert ranges(document) == {"x": [[1, 3]]}


# --- text styles ---------------------------------------------------------------------------------------

def test_bold_on_part_of_a_paragraph_splits_its_runs():
    document = doc_with("Hello world")

    document.apply([text_style(7, 12, "bold", bold=True)])

    assert runs(document, 0) == [(1, 7, "Hello ", {}), (7, 12, "world", {"bold": True}), (12, 13, "\n", {})]


def test_a_range_over_all_of_a_paragraphs_text_styles_its_newline_too():
    document = doc_with("Hello world")

    document.apply([text_style(1, 12, "bold", bold=True)])
    assert runs(document, 0) == [(1, 13, "Hello world\n", {"bold": True})]
    document.apply([text_style(1, 12, "bold", bold=False)])  # equal to NORMAL_TEXT's: inherit again
    assert runs(document, 0) == [(1, 13, "Hello world\n", {})]


def test_a_star_mask_resets_what_the_style_does_not_give():
    document = doc_with("Hello")
    document.apply([text_style(1, 6, "bold", bold=True)])

    document.apply([text_style(1, 6, "*", italic=True)])

    assert runs(document, 0) == [(1, 7, "Hello\n", {"italic": True})]


def test_a_link_brings_underline_and_link_blue_but_never_onto_a_newline():
    document = doc_with("ab\ncd")

    document.apply([text_style(1, 6, "link", link={"url": "https://example.com"})])

    linked = {"underline": True, "foregroundColor": LINK_BLUE, "link": {"url": "https://example.com"}}
    assert runs(document, 0) == [(1, 3, "ab", linked), (3, 4, "\n", {})]
    assert runs(document, 1) == [(4, 6, "cd", linked), (6, 7, "\n", {})]


def test_removing_a_link_takes_back_its_underline_and_colour():
    document = doc_with("see docs")
    document.apply([text_style(5, 9, "link", link={"url": "https://example.com"})])

    document.apply([text_style(5, 9, "link")])

    assert runs(document, 0) == [(1, 10, "see docs\n", {})]


def test_false_is_kept_where_the_named_style_says_true():
    document = doc_with("Small print")
    document.apply([paragraph_style(1, 12, namedStyleType="HEADING_6")])

    document.apply([text_style(1, 6, "italic", italic=False)])

    assert runs(document, 0)[0] == (1, 6, "Small", {"italic": False})


def test_styling_a_whole_list_item_styles_its_bullet():
    document = doc_with("item")
    document.apply([bullets(1, 5)])

    document.apply([text_style(1, 5, "bold", bold=True)])

    assert paragraph(document, 0)["bullet"]["textStyle"] == {"bold": True, "underline": False}


# --- paragraph styles ----------------------------------------------------------------------------------

def test_a_heading_gets_a_heading_id_keeps_it_across_levels_and_loses_it_as_normal_text():
    document = doc_with("Goals")

    document.apply([paragraph_style(1, 5, namedStyleType="HEADING_2")])
    heading_id = paragraph(document, 0)["paragraphStyle"]["headingId"]
    document.apply([paragraph_style(1, 5, namedStyleType="HEADING_3")])
    assert paragraph(document, 0)["paragraphStyle"] == {"headingId": heading_id, "namedStyleType": "HEADING_3",
                                                        "direction": "LEFT_TO_RIGHT"}
    document.apply([paragraph_style(1, 5, "named_style_type", namedStyleType="NORMAL_TEXT")])
    assert paragraph(document, 0)["paragraphStyle"] == {"namedStyleType": "NORMAL_TEXT",
                                                        "direction": "LEFT_TO_RIGHT"}


def test_a_paragraph_style_applies_to_every_paragraph_the_range_touches_and_can_be_reset():
    document = doc_with("one\ntwo\nthree")

    document.apply([paragraph_style(3, 6, "alignment", alignment="CENTER")])
    assert [paragraph(document, n)["paragraphStyle"].get("alignment") for n in range(3)] == ["CENTER", "CENTER", None]
    document.apply([paragraph_style(1, 8, "alignment")])
    assert [paragraph(document, n)["paragraphStyle"].get("alignment") for n in range(3)] == [None, None, None]


# --- lists ---------------------------------------------------------------------------------------------

def test_leading_tabs_become_nesting_levels_and_are_removed():
    document = doc_with("One\n\tTwo\n\t\tThree")
    document.apply([named_range("three", 12, 17)])

    document.apply([bullets(1, 18)])

    assert paragraphs(document) == [(1, 5, "One\n"), (5, 9, "Two\n"), (9, 15, "Three\n"), (15, 16, "\n")]
    assert ranges(document) == {"three": [[9, 14]]}
    items = [paragraph(document, n) for n in range(3)]
    assert [item["bullet"].get("nestingLevel") for item in items] == [None, 1, 2]
    assert len({item["bullet"]["listId"] for item in items}) == 1
    assert [(item["paragraphStyle"]["indentFirstLine"]["magnitude"], item["paragraphStyle"]["indentStart"]["magnitude"])
            for item in items] == [(18, 36), (54, 72), (90, 108)]


def test_bullets_join_the_list_just_before_only_when_its_preset_matches():
    document = doc_with("a\nb\nc")

    document.apply([bullets(1, 2), bullets(3, 4), bullets(5, 6, "NUMBERED_DECIMAL_ALPHA_ROMAN")])

    list_ids = [paragraph(document, n)["bullet"]["listId"] for n in range(3)]
    assert list_ids[0] == list_ids[1] != list_ids[2]
    assert len(document.to_json()["lists"]) == 2


def test_a_checklist_reports_no_glyph_type():
    document = doc_with("Buy milk")

    document.apply([bullets(1, 9, "BULLET_CHECKBOX")])

    [entry] = document.to_json()["lists"].values()
    levels = entry["listProperties"]["nestingLevels"]
    assert len(levels) == 9
    assert all(level["glyphType"] == "GLYPH_TYPE_UNSPECIFIED" and "glyphSymbol" not in level for level in levels)


def test_deleting_bullets_keeps_the_text_where_the_list_put_it():
    document = doc_with("item")
    document.apply([bullets(1, 5)])

    document.apply([{"deleteParagraphBullets": {"range": {"startIndex": 1, "endIndex": 5}}}])

    assert "bullet" not in paragraph(document, 0)
    style = paragraph(document, 0)["paragraphStyle"]
    assert style["indentStart"] == style["indentFirstLine"] == {"magnitude": 36, "unit": "PT"}


# --- replaceAllText ------------------------------------------------------------------------------------

def test_replace_all_text_ignores_case_unless_asked_and_counts_what_it_changed():
    document = doc_with("Revenue grew; revenue rose")

    [reply] = document.apply([{"replaceAllText": {"containsText": {"text": "revenue"}, "replaceText": "Sales"}}])
    assert reply == {"replaceAllText": {"occurrencesChanged": 2}}
    assert document.text() == "Sales grew; Sales rose\n\n"
    [reply] = document.apply([{"replaceAllText": {"containsText": {"text": "sales", "matchCase": True},
                                                  "replaceText": "x"}}])
    assert reply == {"replaceAllText": {}}


def test_replaced_text_keeps_the_style_and_named_range_of_what_it_replaced():
    document = doc_with("Dear NAME,")
    document.apply([text_style(6, 10, "bold", bold=True), named_range("name", 6, 10)])

    document.apply([{"replaceAllText": {"containsText": {"text": "NAME", "matchCase": True},
                                        "replaceText": "Zoë 😀"}}])

    assert runs(document, 0)[1] == (6, 12, "Zoë 😀", {"bold": True})
    assert ranges(document) == {"name": [[6, 12]]}


# --- validation ----------------------------------------------------------------------------------------
# "Hello world\n" is [1, 13) and the body ends at 14.

@pytest.mark.parametrize(("requests", "message"), [
    ([{}], "Invalid requests[0]: No request set."),
    ([{**insert(1, "a"), **delete(1, 2)}],
     "Invalid value at 'requests[0]' (oneof), oneof field 'request' is already set. Cannot set 'deleteContentRange'"),
    ([{"frobnicate": {}}], "Invalid JSON payload received. Unknown name \"frobnicate\" at 'requests[0]': Cannot find field."),
    (["insertText"], "Invalid value at 'requests[0]' (type.googleapis.com/google.apps.docs.v1.Request), \"insertText\""),
    ([{"mergeTableCells": {"tableRange": {"rowSpan": 1, "columnSpan": 2}}}],
     "Invalid requests[0].mergeTableCells: the Workspace sandbox does not support mergeTableCells"),
    ([insert(0, "a")], "Invalid requests[0].insertText: The insertion index must be inside the bounds of an existing "
                       "paragraph. You can still create new paragraphs by inserting newlines."),
    ([insert(14, "a")], "Invalid requests[0].insertText: Index 14 must be less than the end index of the referenced "
                        "segment, 14."),
    ([insert(3, "")], "Invalid requests[0].insertText: Insert text requests must specify text to insert."),
    ([{"insertText": {"text": "a"}}],
     "Invalid requests[0].insertText: Either location or endOfSegmentLocation must be specified."),
    ([{"insertText": {"location": {"index": 1}, "endOfSegmentLocation": {}, "text": "a"}}],
     "Invalid value at 'requests[0].insert_text' (oneof), oneof field 'insertion_location' is already set. "
     "Cannot set 'endOfSegmentLocation'"),
    ([{"insertText": {"location": {"index": "3"}, "text": "a"}}],
     "Invalid value at 'requests[0].insert_text.location.index' (TYPE_INT32), \"3\""),
    ([{"insertText": {"location": {"index": 1, "segmentId": "kix.header"}, "text": "a"}}],
     "Invalid requests[0].insertText: Segment with ID kix.header was not found. If a segment ID is provided, it "
     "must be a header, footer or footnote ID."),
    ([delete(5, 5)], "Invalid requests[0].deleteContentRange: The range should not be empty."),
    ([delete(6, 5)], "Invalid requests[0].deleteContentRange: Invalid range: end index cannot be less than start index"),
    ([delete(13, 14)], "Invalid requests[0].deleteContentRange: The range cannot include the newline character at "
                       "the end of the segment."),
    ([delete(5, 99)], "Invalid requests[0].deleteContentRange: Index 99 must be less than the end index of the "
                      "referenced segment, 14."),
    ([delete(0, 3)], "Invalid requests[0].deleteContentRange: Invalid deletion range. Cannot delete the requested range."),
    ([{"deleteContentRange": {"range": {"startIndex": 1}}}],
     "Invalid requests[0].deleteContentRange: Invalid range: must contain a start and end index"),
    ([text_style(1, 3, "", bold=True)],
     "Invalid requests[0].updateTextStyle: At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)"),
    ([text_style(1, 3, "bold,colour", bold=True)], "Invalid requests[0].updateTextStyle: Invalid field: colour"),
    ([text_style(1, 3, "link", link={})], "Invalid requests[0].updateTextStyle: Links must include at least one type."),
    ([paragraph_style(1, 14, namedStyleType="HEADING_1")],
     "Invalid requests[0].updateParagraphStyle: Index 14 must be less than the end index of the referenced segment, 14."),
    ([paragraph_style(1, 3, namedStyleType="HEADING_7")],
     "Invalid value at 'requests[0].update_paragraph_style.paragraph_style.named_style_type' "
     "(type.googleapis.com/google.apps.docs.v1.NamedStyleType), \"HEADING_7\""),
    ([paragraph_style(1, 3, "bogus_mask_field_xyz")], "Invalid requests[0].updateParagraphStyle: Invalid field: "
                                                      "bogus_mask_field_xyz"),
    ([named_range("", 1, 3)], "Invalid requests[0].createNamedRange: The name must not be empty."),
    ([named_range("😀" * 129, 1, 3)], "Invalid requests[0].createNamedRange: The name must be at most 256 characters "
                                      "long, measured in UTF-16 code units."),
    ([{"deleteNamedRange": {"namedRangeId": "kix.nope"}}],
     "Invalid requests[0].deleteNamedRange: The named range with ID kix.nope was not found."),
    ([{"deleteNamedRange": {"namedRangeId": "kix.nope", "name": "x"}}],
     "Invalid value at 'requests[0].delete_named_range' (oneof), oneof field 'named_range_reference' is already set. "
     "Cannot set 'name'"),
    ([{"replaceNamedRangeContent": {"namedRangeId": "kix.nope", "text": "x"}}],
     "Invalid requests[0].replaceNamedRangeContent: The named range with ID kix.nope was not found."),
    ([{"createParagraphBullets": {"range": {"startIndex": 1, "endIndex": 3}}}],
     "Invalid requests[0].createParagraphBullets: A bullet preset must be specified."),
    ([{"replaceAllText": {"containsText": {"text": ""}, "replaceText": "x"}}],
     "Invalid requests[0].replaceAllText: The text to search for must not be empty."),
], ids=lambda value: json.dumps(value, ensure_ascii=True)[:60] if isinstance(value, list) else "")
def test_a_bad_request_is_refused_with_googles_message_and_nothing_changes(requests, message):
    document = doc_with("Hello world")
    before = document.to_json()

    with pytest.raises(DocsRequestError) as caught:
        document.apply(requests)

    assert caught.value.message == str(caught.value) == message
    assert caught.value.request_index == 0
    assert document.to_json() == before


def test_a_name_of_256_utf16_units_is_accepted():
    document = doc_with("Hello world")

    document.apply([named_range("😀" * 128, 1, 3)])

    assert list(ranges(document)) == ["😀" * 128]


def test_an_empty_batch_is_refused_as_a_whole():
    with pytest.raises(DocsRequestError) as caught:
        Document.new("d", "t").apply([])

    assert str(caught.value) == "Must specify at least one request."
    assert caught.value.request_index is None


def test_field_names_the_model_does_not_know_are_left_to_the_discovery_validator():
    document = doc_with("Hello")

    document.apply([{"insertText": {"location": {"index": 1, "bogus": 2}, "text": "¡", "bogusField": True}}])

    assert document.text() == "¡Hello\n\n"


def test_a_batch_whose_third_request_fails_leaves_the_document_exactly_as_it_was():
    document = doc_with("Hello world")
    document.apply([named_range("who", 7, 12), bullets(1, 5)])
    before, text = document.to_json(), document.text()

    with pytest.raises(DocsRequestError) as caught:
        document.apply([insert(1, "Dear "), delete(1, 12), delete(1, 99), insert(1, "never")])

    assert caught.value.request_index == 2
    assert caught.value.message.startswith("Invalid requests[2].deleteContentRange: ")
    assert document.to_json() == before and document.text() == text


# --- HTML import and rendering -------------------------------------------------------------------------

PAGE = """<html><head><title>ignored</title><style>p { color: red }</style></head><body>
<p class="title">Weekly 1:1</p>
<p class="subtitle">Ana &amp; Bo</p>
<h1>Agenda</h1><h2>Goals</h2><h3>Three</h3><h4>Four</h4><h5>Five</h5><h6>Six</h6>
<p>Some   <b>bold</b>, <em>italic</em> and a <a href="https://example.com/x">link</a>.</p>
<ul>
  <li>First</li>
  <li>Second
    <ul><li>Nested</li></ul>
  </li>
</ul>
<ol><li>One</li></ol>
<p>Line<br>break</p>
</body></html>"""


def test_html_import_makes_the_paragraphs_drive_makes():
    document = Document.from_html("doc-2", "Weekly", PAGE)

    assert [text for _, _, text in paragraphs(document)] == [
        "Weekly 1:1\n", "Ana & Bo\n", "Agenda\n", "Goals\n", "Three\n", "Four\n", "Five\n", "Six\n",
        "Some bold, italic and a link.\n", "First\n", "Second\n", "Nested\n", "One\n", "Line\x0bbreak\n"]
    styles = [paragraph(document, n)["paragraphStyle"] for n in range(14)]
    assert [style["namedStyleType"] for style in styles[:8]] == [
        "TITLE", "SUBTITLE", "HEADING_1", "HEADING_2", "HEADING_3", "HEADING_4", "HEADING_5", "HEADING_6"]
    assert all(re.fullmatch(r"h\.[a-z0-9]{12}", style["headingId"]) for style in styles[:8])
    assert all("headingId" not in style for style in styles[8:])
    assert document.to_json()["title"] == "Weekly" and document.to_json()["documentId"] == "doc-2"


def test_html_import_keeps_inline_formatting_and_links_look_like_links():
    document = Document.from_html("d", "t", PAGE)

    assert [(text, style) for _, _, text, style in runs(document, 8)] == [
        ("Some ", {}), ("bold", {"bold": True}), (", ", {}), ("italic", {"italic": True}), (" and a ", {}),
        ("link", {"underline": True, "foregroundColor": LINK_BLUE, "link": {"url": "https://example.com/x"}}),
        (".\n", {})]


def test_html_lists_become_docs_lists_with_nesting_levels():
    document = Document.from_html("d", "t", PAGE)
    items = [paragraph(document, n)["bullet"] for n in (9, 10, 11, 12)]

    assert [item.get("nestingLevel") for item in items] == [None, None, 1, None]
    assert items[0]["listId"] == items[1]["listId"] == items[2]["listId"] != items[3]["listId"]
    lists = document.to_json()["lists"]
    assert lists[items[0]["listId"]]["listProperties"]["nestingLevels"][0]["glyphSymbol"] == "●"
    assert lists[items[3]["listId"]]["listProperties"]["nestingLevels"][0]["glyphType"] == "DECIMAL"
    assert paragraph(document, 11)["paragraphStyle"]["indentStart"] == {"magnitude": 72, "unit": "PT"}


def test_empty_html_makes_an_empty_document():
    assert paragraphs(Document.from_html("d", "t", "<html><body>  </body></html>")) == [(1, 2, "\n")]


def test_to_html_renders_headings_formatting_and_lists():
    html = Document.from_html("d", "t", PAGE).to_html()

    for fragment in ('<h1 class="title">Weekly 1:1</h1>', '<p class="subtitle">Ana &amp; Bo</p>', "<h2>Goals</h2>",
                     "<h6>Six</h6>", "<b>bold</b>", "<i>italic</i>", '<a href="https://example.com/x">link</a>',
                     "<ul>\n<li>First</li>\n<li>Second\n<ul>\n<li>Nested</li>\n</ul></li>\n</ul>",
                     "<ol>\n<li>One</li>\n</ol>", "<p>Line<br>break</p>"):
        assert fragment in html


# --- checklists and a person's edits -------------------------------------------------------------------

def checklist() -> Document:
    document = doc_with("Buy milk\nCall Ana")  # [1, 10) and [10, 19)
    document.apply([bullets(1, 18, "BULLET_CHECKBOX"), named_range("secret_range_name", 1, 9)])
    return document


def test_ticking_a_checklist_item_shows_in_html_but_never_in_the_api():
    document = checklist()
    before = document.to_json()

    document.set_checked(10)

    assert document.to_json() == before
    assert document.is_checked(10) and not document.is_checked(1)
    html = document.to_html()
    assert '<ul class="checklist">' in html
    assert '<li class="unchecked">☐ Buy milk</li>' in html and '<li class="checked">☑ Call Ana</li>' in html
    assert "secret_range_name" not in html
    document.set_checked(10, False)
    assert not document.is_checked(10)


def test_a_tick_moves_with_its_item_and_new_items_start_unticked():
    document = checklist()
    document.set_checked(10)

    document.type_text(1, "New\n")

    assert document.is_checked(14) and not document.is_checked(1) and not document.is_checked(5)


def test_only_checklist_items_can_be_ticked():
    document = checklist()

    with pytest.raises(ValueError, match="not a checklist item"):
        document.set_checked(19)
    with pytest.raises(ValueError, match="no paragraph starts at index 5"):
        document.is_checked(5)


def test_type_text_is_an_insert_and_fails_like_one():
    document = doc_with("Hello")

    document.type_text(6, ", Ana")

    assert document.text() == "Hello, Ana\n\n"
    with pytest.raises(DocsRequestError, match="Index 99 must be less than"):
        document.type_text(99, "x")


def test_a_paragraph_appended_after_a_heading_is_normal_text_and_the_heading_keeps_its_id():
    document = doc_with("Agenda\nItem")
    document.apply([paragraph_style(1, 7, namedStyleType="HEADING_1")])
    heading = paragraph(document, 0)["paragraphStyle"]

    document.append_paragraph("Notes", after_index=1)

    assert paragraphs(document) == [(1, 8, "Agenda\n"), (8, 14, "Notes\n"), (14, 19, "Item\n"), (19, 20, "\n")]
    assert paragraph(document, 0)["paragraphStyle"] == heading
    assert paragraph(document, 1)["paragraphStyle"] == {"namedStyleType": "NORMAL_TEXT", "direction": "LEFT_TO_RIGHT"}


def test_a_paragraph_appended_in_a_checklist_is_a_new_unticked_item():
    document = checklist()
    document.set_checked(10)

    document.append_paragraph("Book room", after_index=12)

    assert paragraphs(document)[2] == (19, 29, "Book room\n")
    assert paragraph(document, 2)["bullet"] == paragraph(document, 1)["bullet"]
    assert document.is_checked(10) and not document.is_checked(19)


def test_a_paragraph_appended_without_an_index_goes_at_the_end():
    document = doc_with("Hello")

    document.append_paragraph("Bye")

    assert document.text() == "Hello\n\nBye\n"


def test_stored_state_brings_back_the_document_and_its_ticks():
    document = checklist()
    document.set_checked(10)

    restored = Document.from_state(json.loads(json.dumps(document.to_state())))

    assert restored.to_json() == document.to_json()
    assert restored.is_checked(10) and not restored.is_checked(1)
    assert Document.from_json(document.to_json()).is_checked(10) is False


def test_append_paragraph_takes_one_paragraph():
    with pytest.raises(ValueError, match="cannot contain a newline"):
        doc_with("Hello").append_paragraph("two\nlines")


def test_a_paragraph_inside_a_list_item_stays_a_list_item():
    document = Document.from_html("d", "t", "<ul><li><p>wrapped</p></li><li>plain<ul><li>deep</li></ul></li></ul>")

    assert [text for _, _, text in paragraphs(document)] == ["wrapped\n", "plain\n", "deep\n"]
    assert [paragraph(document, n)["bullet"].get("nestingLevel", 0) for n in range(3)] == [0, 0, 1]


@pytest.mark.parametrize("request_", [
    {"insertText": None},
    {"insertText": {"location": "x", "text": "a"}},
    {"insertText": {"location": {"index": 1}, "text": 5}},
    {"createNamedRange": {"name": "n", "range": {"startIndex": True, "endIndex": 3}}},
    {"createParagraphBullets": {"range": {"startIndex": 1, "endIndex": 3}, "bulletPreset": []}},
    {"updateTextStyle": {"range": {"startIndex": 1, "endIndex": 3}, "fields": "link", "textStyle": {"link": "x"}}},
    {"updateParagraphStyle": {"range": {"startIndex": 1, "endIndex": 3}, "fields": "namedStyleType",
                              "paragraphStyle": {"namedStyleType": []}}},
    {"replaceAllText": {"containsText": "x"}},
], ids=lambda request_: json.dumps(request_)[:50])
def test_a_value_of_the_wrong_type_is_refused_like_a_json_parse_error(request_):
    with pytest.raises(DocsRequestError, match=r"^Invalid value at 'requests\[0\]\.[a-z_.]+' \("):
        doc_with("Hello").apply([request_])
