"""The Docs model beyond text: tables, footnotes, headers, images, breaks and tabs, edited next to
and inside them, with Google's indices and refusals."""
from __future__ import annotations

import json

import pytest

from workspace_sandbox.docs.document import DocsRequestError, Document
from workspace_sandbox.docs.store import units

CANNOT_DELETE = "Invalid deletion range. Cannot delete the requested range."
INSIDE_BOUNDS = ("The insertion index must be inside the bounds of an existing paragraph. You can still create "
                 "new paragraphs by inserting newlines.")


def insert(index: int, text: str, **where) -> dict:
    return {"insertText": {"location": {"index": index, **where}, "text": text}}


def delete(start: int, end: int, **where) -> dict:
    return {"deleteContentRange": {"range": {"startIndex": start, "endIndex": end, **where}}}


def table_doc() -> Document:
    """'Intro' [1, 7), an empty paragraph [7, 8), a 2×2 table [8, 20) whose cells hold their newline
    only (at 11, 13, 16 and 18), then 'Outro' [20, 26)."""
    document = Document.new("doc-1", "Notes")
    document.apply([insert(1, "Intro\nOutro"), {"insertTable": {"location": {"index": 7}, "rows": 2, "columns": 2}}])
    return document


def outline(content: list[dict]) -> list:
    """Each structural element as (start, end, text) or, for a table, (start, end, rows of cell texts)."""
    out = []
    for element in content:
        if "table" in element:
            rows = [[outline(cell["content"]) for cell in row["tableCells"]] for row in element["table"]["tableRows"]]
            out.append((element["startIndex"], element["endIndex"], rows))
        elif "paragraph" in element:
            text = "".join(e.get("textRun", {}).get("content", "") for e in element["paragraph"]["elements"])
            out.append((element.get("startIndex", 0), element["endIndex"], text))
    return out


def body(document: Document) -> list:
    return outline(document.to_json()["body"]["content"])


def refused(document: Document, requests: list[dict]) -> str:
    before = document.to_json(include_tabs_content=True)
    with pytest.raises(DocsRequestError) as caught:
        document.apply(requests)
    assert document.to_json(include_tabs_content=True) == before
    return caught.value.message


# --- tables --------------------------------------------------------------------------------------

def test_a_table_takes_an_index_to_start_each_row_and_cell_and_one_to_end():
    document = table_doc()
    [table] = [e for e in document.to_json()["body"]["content"] if "table" in e]

    assert body(document) == [(1, 7, "Intro\n"), (7, 8, "\n"), (8, 20, [
        [[(11, 12, "\n")], [(13, 14, "\n")]], [[(16, 17, "\n")], [(18, 19, "\n")]]]), (20, 26, "Outro\n")]
    assert [(r["startIndex"], r["endIndex"]) for r in table["table"]["tableRows"]] == [(9, 14), (14, 19)]
    assert [(c["startIndex"], c["endIndex"]) for c in table["table"]["tableRows"][1]["tableCells"]] == [(15, 17), (17, 19)]
    assert (table["table"]["rows"], table["table"]["columns"]) == (2, 2)
    assert len(units(document)) == 2 * 26


def test_text_typed_in_a_cell_stays_in_the_cell_and_moves_what_follows():
    document = table_doc()

    document.apply([insert(11, "Ana"), insert(14, "\nBo")])

    assert body(document)[2:] == [(8, 26, [[[(11, 15, "Ana\n"), (15, 18, "Bo\n")], [(19, 20, "\n")]],
                                           [[(22, 23, "\n")], [(24, 25, "\n")]]]), (26, 32, "Outro\n")]


def test_a_paragraph_inserted_just_before_a_table():
    document = table_doc()

    document.apply([insert(7, "Before")])

    assert [element[:2] for element in body(document)] == [(1, 7), (7, 14), (14, 26), (26, 32)]
    assert body(document)[1][2] == "Before\n" and isinstance(body(document)[2][2], list)


@pytest.mark.parametrize(("index", "what"), [(8, "table start"), (9, "row start"), (10, "cell start"),
                                             (19, "table end")])
def test_nothing_is_typed_at_a_table_mark(index, what):
    assert refused(table_doc(), [insert(index, "x")]) == f"Invalid requests[0].insertText: {INSIDE_BOUNDS}"


@pytest.mark.parametrize(("start", "end", "what"), [
    (5, 12, "from a paragraph into a cell"),
    (11, 14, "a cell's newline and the next cell's start"),
    (11, 12, "a cell's last newline"),
    (7, 8, "the newline before the table"),
    (9, 19, "every row but not the table"),
    (15, 22, "from a cell out of the table"),
    (8, 19, "all but the table's end"),
])
def test_part_of_a_tables_structure_cannot_be_deleted(start, end, what):
    assert refused(table_doc(), [delete(start, end)]) == f"Invalid requests[0].deleteContentRange: {CANNOT_DELETE}"


def test_a_whole_table_can_be_deleted_with_or_without_what_is_around_it():
    alone, around = table_doc(), table_doc()

    alone.apply([delete(8, 20)])
    around.apply([delete(3, 22)])

    assert body(alone) == [(1, 7, "Intro\n"), (7, 8, "\n"), (8, 14, "Outro\n")]
    assert body(around) == [(1, 7, "Intro\n")]


def test_a_cells_text_can_be_deleted_but_not_its_newline():
    document = table_doc()
    document.apply([insert(11, "Ana\nBo")])

    document.apply([delete(11, 17)])

    assert body(document)[2][2][0][0] == [(11, 12, "\n")]


def test_a_named_range_over_a_table_follows_edits_in_and_around_it():
    document = table_doc()
    [reply] = document.apply([{"createNamedRange": {"name": "grid", "range": {"startIndex": 7, "endIndex": 20}}}])

    document.apply([insert(11, "Ana"), insert(1, ">")])
    ranges = document.to_json()["namedRanges"]["grid"]["namedRanges"]
    document.apply([delete(9, 24)])  # the whole table

    assert reply["createNamedRange"]["namedRangeId"] == ranges[0]["namedRangeId"]
    assert ranges[0]["ranges"] == [{"startIndex": 8, "endIndex": 24}]
    assert document.to_json()["namedRanges"]["grid"]["namedRanges"][0]["ranges"] == [
        {"startIndex": 8, "endIndex": 9}]


def test_styles_and_bullets_over_a_table_reach_the_cells():
    document = table_doc()
    document.apply([insert(11, "Ana")])

    document.apply([
        {"updateTextStyle": {"range": {"startIndex": 1, "endIndex": 28}, "textStyle": {"bold": True}, "fields": "bold"}},
        {"updateParagraphStyle": {"range": {"startIndex": 11, "endIndex": 12}, "paragraphStyle": {"alignment": "CENTER"},
                                  "fields": "alignment"}},
        {"createParagraphBullets": {"range": {"startIndex": 11, "endIndex": 14},
                                    "bulletPreset": "BULLET_DISC_CIRCLE_SQUARE"}}])

    cell = document.to_json()["body"]["content"][3]["table"]["tableRows"][0]["tableCells"][0]["content"][0]
    assert cell["paragraph"]["elements"][0]["textRun"]["textStyle"] == {"bold": True}
    assert cell["paragraph"]["paragraphStyle"]["alignment"] == "CENTER"
    assert cell["paragraph"]["bullet"]["listId"] in document.to_json()["lists"]


def test_a_table_inserted_in_a_cell_nests():
    document = table_doc()

    document.apply([{"insertTable": {"location": {"index": 11}, "rows": 1, "columns": 1}}])

    [[first, _], _] = body(document)[2][2]
    assert first == [(11, 12, "\n"), (12, 17, [[[(15, 16, "\n")]]]), (17, 18, "\n")]
    assert refused(document, [delete(11, 12)]) == f"Invalid requests[0].deleteContentRange: {CANNOT_DELETE}"
    document.apply([delete(12, 17)])
    assert body(document) == body(table_doc())[:2] + [(8, 21, [[[(11, 12, "\n"), (12, 13, "\n")], [(14, 15, "\n")]],
                                                               [[(17, 18, "\n")], [(19, 20, "\n")]]]), (21, 27, "Outro\n")]


def test_rows_and_columns_are_added_and_removed_where_asked():
    document = table_doc()
    document.apply([insert(11, "A"), insert(14, "B"), insert(18, "C"), insert(21, "D")])
    location = {"tableStartLocation": {"index": 8}, "rowIndex": 0, "columnIndex": 1}

    document.apply([{"insertTableRow": {"tableCellLocation": location, "insertBelow": True}},
                     {"insertTableColumn": {"tableCellLocation": location, "insertRight": False}}])
    [(_, _, rows)] = [e for e in body(document) if isinstance(e[2], list)]
    [table] = [e["table"] for e in document.to_json()["body"]["content"] if "table" in e]

    texts = [[cell[0][2] for cell in row] for row in rows]
    assert texts == [["A\n", "\n", "B\n"], ["\n", "\n", "\n"], ["C\n", "\n", "D\n"]]
    assert (table["rows"], table["columns"], len(table["tableStyle"]["tableColumnProperties"])) == (3, 3, 3)
    document.apply([{"deleteTableColumn": {"tableCellLocation": location}},
                    {"deleteTableRow": {"tableCellLocation": {**location, "rowIndex": 1}}}])
    [(_, _, rows)] = [e for e in body(document) if isinstance(e[2], list)]
    assert [[cell[0][2] for cell in row] for row in rows] == [["A\n", "B\n"], ["C\n", "D\n"]]


def test_deleting_a_tables_only_row_deletes_the_table():
    document = Document.new("d", "t")
    document.apply([{"insertTable": {"endOfSegmentLocation": {}, "rows": 1, "columns": 2}}])

    document.apply([{"deleteTableRow": {"tableCellLocation": {"tableStartLocation": {"index": 2}, "rowIndex": 0}}}])

    assert body(document) == [(1, 2, "\n"), (2, 3, "\n")]


@pytest.mark.parametrize(("location", "message"), [
    ({"tableStartLocation": {"index": 9}, "rowIndex": 0}, "The table start location 9 is not the start of a table."),
    ({"tableStartLocation": {"index": 8}, "rowIndex": 2}, "Row index 2 is out of range: the table has 2 rows."),
])
def test_a_row_needs_a_table_start_and_a_cell_in_it(location, message):
    document = table_doc()

    assert refused(document, [{"insertTableRow": {"tableCellLocation": location}}]) == \
        f"Invalid requests[0].insertTableRow: {message}"


# --- footnotes, headers, footers -----------------------------------------------------------------

def footnoted() -> tuple[Document, str]:
    document = Document.new("d", "t")
    document.apply([insert(1, "Revenue grew.")])
    [reply] = document.apply([{"createFootnote": {"location": {"index": 13}}}])
    return document, reply["createFootnote"]["footnoteId"]


def test_a_footnote_is_a_reference_of_one_index_and_a_segment_of_its_own():
    document, footnote_id = footnoted()

    document.apply([insert(1, "Audited", segmentId=footnote_id)])
    data = document.to_json()

    [reference] = [e for e in data["body"]["content"][1]["paragraph"]["elements"] if "footnoteReference" in e]
    assert (reference["startIndex"], reference["endIndex"]) == (13, 14)
    assert reference["footnoteReference"] == {"footnoteId": footnote_id, "footnoteNumber": "1", "textStyle": {}}
    assert outline(data["footnotes"][footnote_id]["content"]) == [(0, 9, " Audited\n")]


def test_footnotes_are_numbered_in_order_and_go_with_their_reference():
    document, first = footnoted()
    [reply] = document.apply([{"createFootnote": {"location": {"index": 1}}}])
    second = reply["createFootnote"]["footnoteId"]

    numbers = {e["footnoteReference"]["footnoteId"]: e["footnoteReference"]["footnoteNumber"]
               for e in document.to_json()["body"]["content"][1]["paragraph"]["elements"] if "footnoteReference" in e}
    document.apply([delete(1, 2)])

    assert numbers == {second: "1", first: "2"}
    assert list(document.to_json()["footnotes"]) == [first]


@pytest.mark.parametrize("kind", ["createFootnote", "insertPageBreak"])
def test_footnotes_and_page_breaks_go_in_the_body_only(kind):
    document = Document.new("d", "t")
    [reply] = document.apply([{"createHeader": {"type": "DEFAULT"}}])
    header_id = reply["createHeader"]["headerId"]

    message = refused(document, [{kind: {"location": {"index": 0, "segmentId": header_id}}}])

    assert message.startswith(f"Invalid requests[0].{kind}: ") and "header" in message


def test_a_header_is_made_once_edited_by_its_segment_id_and_deleted():
    document = Document.new("d", "t")
    [header, footer] = document.apply([{"createHeader": {"type": "DEFAULT"}}, {"createFooter": {"type": "DEFAULT"}}])
    header_id, footer_id = header["createHeader"]["headerId"], footer["createFooter"]["footerId"]

    document.apply([insert(0, "Weekly 1:1", segmentId=header_id), {"insertText": {
        "endOfSegmentLocation": {"segmentId": footer_id}, "text": "Page"}}])
    data = document.to_json()
    again = refused(document, [{"createHeader": {"type": "DEFAULT"}}])
    document.apply([{"deleteHeader": {"headerId": header_id}}])

    assert data["documentStyle"]["defaultHeaderId"] == header_id
    assert outline(data["headers"][header_id]["content"]) == [(0, 11, "Weekly 1:1\n")]
    assert outline(data["footers"][footer_id]["content"]) == [(0, 5, "Page\n")]
    assert again == "Invalid requests[0].createHeader: A header of type DEFAULT already exists."
    assert "headers" not in document.to_json() and "defaultHeaderId" not in document.to_json()["documentStyle"]


def test_replace_all_text_reaches_cells_headers_and_footnotes():
    document, footnote_id = footnoted()
    [header] = document.apply([{"createHeader": {"type": "DEFAULT"}}])
    header_id = header["createHeader"]["headerId"]
    document.apply([insert(0, "Revenue", segmentId=header_id), insert(1, "Revenue", segmentId=footnote_id),
                    {"insertTable": {"location": {"index": 1}, "rows": 1, "columns": 1}}])
    document.apply([insert(5, "revenue")])

    [reply] = document.apply([{"replaceAllText": {"containsText": {"text": "revenue"}, "replaceText": "Sales"}}])

    assert reply == {"replaceAllText": {"occurrencesChanged": 4}}
    assert "revenue" not in json.dumps(document.to_json()).lower()


# --- images and breaks ---------------------------------------------------------------------------

def test_an_inline_image_takes_one_index_and_fits_the_box_keeping_its_shape():
    document = Document.new("d", "t")
    document.apply([insert(1, "Logo: ")])

    [reply] = document.apply([{"insertInlineImage": {"location": {"index": 7}, "uri": "https://example.com/a.png",
                                                      "objectSize": {"width": {"magnitude": 100, "unit": "PT"},
                                                                     "height": {"magnitude": 100, "unit": "PT"}}}}],
                             images={"https://example.com/a.png": (400, 200)})
    object_id = reply["insertInlineImage"]["objectId"]
    data = document.to_json()

    [_, image, _] = data["body"]["content"][1]["paragraph"]["elements"]
    assert (image["startIndex"], image["endIndex"], image["inlineObjectElement"]) == (
        7, 8, {"inlineObjectId": object_id, "textStyle": {}})
    embedded = data["inlineObjects"][object_id]["inlineObjectProperties"]["embeddedObject"]
    assert embedded["size"] == {"height": {"magnitude": 50.0, "unit": "PT"}, "width": {"magnitude": 100, "unit": "PT"}}
    assert embedded["imageProperties"]["sourceUri"] == "https://example.com/a.png"
    document.apply([delete(7, 8)])
    assert "inlineObjects" not in document.to_json()


def test_an_image_needs_a_fetchable_uri_and_no_footnote():
    document, footnote_id = footnoted()

    bad_uri = refused(document, [{"insertInlineImage": {"location": {"index": 1}, "uri": "ftp://x/a.png"}}])
    in_footnote = refused(document, [{"insertInlineImage": {"location": {"index": 0, "segmentId": footnote_id},
                                                            "uri": "https://example.com/a.png"}}])

    assert "There was a problem retrieving the image" in bad_uri
    assert in_footnote == "Invalid requests[0].insertInlineImage: Inline images cannot be inserted inside a footnote."


def test_a_page_break_ends_its_paragraph_and_is_refused_in_a_table():
    document = table_doc()

    in_table = refused(document, [{"insertPageBreak": {"location": {"index": 11}}}])
    document.apply([{"insertPageBreak": {"location": {"index": 4}}}])

    assert in_table == "Invalid requests[0].insertPageBreak: Page breaks cannot be inserted inside a table."
    [intro, rest] = document.to_json()["body"]["content"][1:3]
    assert [list(e)[-1] for e in intro["paragraph"]["elements"]] == ["textRun", "pageBreak", "textRun"]
    assert (intro["endIndex"], rest["paragraph"]["elements"][0]["textRun"]["content"]) == (6, "ro\n")


def test_a_section_break_follows_a_newline_that_cannot_go_without_it():
    document = Document.new("d", "t")
    document.apply([insert(1, "OneTwo"), {"insertSectionBreak": {"location": {"index": 4}, "sectionType": "NEXT_PAGE"}}])
    content = document.to_json()["body"]["content"]

    assert [(e.get("startIndex", 0), e["endIndex"], list(e)[-1]) for e in content] == [
        (0, 1, "sectionBreak"), (1, 5, "paragraph"), (5, 6, "sectionBreak"), (6, 10, "paragraph")]
    assert content[2]["sectionBreak"]["sectionStyle"]["sectionType"] == "NEXT_PAGE"
    assert refused(document, [delete(4, 5)]) == f"Invalid requests[0].deleteContentRange: {CANNOT_DELETE}"
    document.apply([delete(4, 6)])
    assert body(document) == [(1, 8, "OneTwo\n")]


# --- tabs ----------------------------------------------------------------------------------------

def tabbed() -> Document:
    """Three tabs: 'Notes' (t.0) with its child 'Details' (t.1), and 'Plan' (t.2)."""
    def tab(tab_id: str, title: str, text: str, **properties) -> dict:
        part = Document.new("d", "t")
        part.apply([insert(1, text)])
        return {"tabProperties": {"tabId": tab_id, "title": title, **properties},
                "documentTab": part.to_json(include_tabs_content=True)["tabs"][0]["documentTab"]}

    notes = tab("t.0", "Notes", "First tab", index=0)
    notes["childTabs"] = [tab("t.1", "Details", "Child tab", index=0, parentTabId="t.0", nestingLevel=1)]
    return Document.from_json({"documentId": "d", "title": "Tabs", "tabs": [notes, tab("t.2", "Plan", "Third", index=1)]})


def test_without_tabs_content_a_document_is_its_first_tab():
    document = tabbed()

    plain, full = document.to_json(), document.to_json(include_tabs_content=True)

    assert [t["tabProperties"]["title"] for t in full["tabs"]] == ["Notes", "Plan"]
    assert full["tabs"][0]["childTabs"][0]["tabProperties"]["parentTabId"] == "t.0"
    assert plain == {"title": "Tabs", "suggestionsViewMode": "SUGGESTIONS_INLINE", "documentId": "d",
                     **full["tabs"][0]["documentTab"]}
    assert Document.from_json(full).to_json(include_tabs_content=True) == full


def test_requests_go_to_the_tab_they_name_and_to_the_first_without_one():
    document = tabbed()

    document.apply([insert(1, "child: ", tabId="t.1"), insert(1, "first: "), insert(1, "plan: ", tabId="t.2")])
    full = document.to_json(include_tabs_content=True)
    unknown = refused(document, [insert(1, "x", tabId="t.9")])

    texts = [outline(t["documentTab"]["body"]["content"])[0][2] for t in
             (full["tabs"][0], full["tabs"][0]["childTabs"][0], full["tabs"][1])]
    assert texts == ["first: First tab\n", "child: Child tab\n", "plan: Third\n"]
    assert unknown == "Invalid requests[0].insertText: The tab was not found."


def test_replace_all_text_covers_every_tab_unless_told_which():
    document = tabbed()

    [everywhere] = document.apply([{"replaceAllText": {"containsText": {"text": "tab"}, "replaceText": "page"}}])
    [only] = document.apply([{"replaceAllText": {"containsText": {"text": "page"}, "replaceText": "TAB",
                                                 "tabsCriteria": {"tabIds": ["t.1"]}}}])

    full = document.to_json(include_tabs_content=True)
    assert everywhere == {"replaceAllText": {"occurrencesChanged": 2}}
    assert only == {"replaceAllText": {"occurrencesChanged": 1}}
    assert outline(full["tabs"][0]["childTabs"][0]["documentTab"]["body"]["content"])[0][2] == "Child TAB\n"
    assert outline(full["tabs"][0]["documentTab"]["body"]["content"])[0][2] == "First page\n"


def test_everything_survives_the_stored_state():
    document = tabbed()
    document.apply([{"insertTable": {"location": {"index": 1}, "rows": 1, "columns": 2}},
                    {"createFootnote": {"location": {"index": 1, "tabId": "t.2"}}},
                    {"createHeader": {"type": "DEFAULT"}}])

    restored = Document.from_state(json.loads(json.dumps(document.to_state())))

    assert restored.to_json(include_tabs_content=True) == document.to_json(include_tabs_content=True)


# --- reading what Google holds -------------------------------------------------------------------

def test_elements_the_model_does_not_edit_are_held_as_read():
    data = table_doc().to_json()
    paragraph = data["body"]["content"][1]["paragraph"]
    paragraph["elements"][:1] = [
        {"startIndex": 1, "endIndex": 2, "person": {"personId": "p1", "personProperties": {"email": "ana@example.com"},
                                                    "textStyle": {}}},
        {"startIndex": 2, "endIndex": 5, "equation": {}},
        {"startIndex": 5, "endIndex": 6, "textRun": {"content": "o", "suggestedInsertionIds": ["suggest.1"],
                                                     "textStyle": {}}},
        {"startIndex": 6, "endIndex": 7, "textRun": {"content": "\n", "textStyle": {}}}]
    paragraph["positionedObjectIds"] = ["kix.pos"]
    data["positionedObjects"] = {"kix.pos": {"objectId": "kix.pos", "positionedObjectProperties": {}}}
    document = Document.from_json(data)

    document.apply([insert(7, "x")])
    moved = document.to_json()
    inside_equation = refused(document, [delete(3, 6)])

    assert moved["body"]["content"][1] == data["body"]["content"][1]
    assert moved["positionedObjects"] == data["positionedObjects"]
    assert inside_equation == f"Invalid requests[0].deleteContentRange: {CANNOT_DELETE}"


def test_a_document_whose_indices_do_not_add_up_is_refused():
    data = table_doc().to_json()
    data["body"]["content"][3]["table"]["tableRows"][0]["tableCells"][0]["endIndex"] += 1

    with pytest.raises(ValueError, match=r"tableRows\[0\]\.tableCells\[0\] ends at 13, expected 12"):
        Document.from_json(data)


def test_the_html_shows_tables_footnotes_images_and_tabs():
    document = tabbed()
    document.apply([{"insertTable": {"location": {"index": 1}, "rows": 1, "columns": 1}},
                    {"createFootnote": {"location": {"index": 1, "tabId": "t.2"}}},
                    {"insertInlineImage": {"location": {"index": 2, "tabId": "t.1"}, "uri": "https://example.com/a.png"}}])

    html = document.to_html()

    assert "<table>" in html and "<td>" in html
    assert '<h1 class="tab">Notes</h1>' in html and '<h1 class="tab">› Details</h1>' in html
    assert '<div class="footnotes">' in html and "<sup>" in html
    assert 'class="image"' in html and "Image</span>" in html


def test_a_section_can_have_its_own_header_and_a_footer_goes_from_every_style():
    document = Document.new("d", "t")
    document.apply([insert(1, "OneTwo"), {"insertSectionBreak": {"location": {"index": 4}, "sectionType": "CONTINUOUS"}}])

    [own, document_footer] = document.apply([
        {"createHeader": {"type": "DEFAULT", "sectionBreakLocation": {"index": 5}}},
        {"createFooter": {"type": "DEFAULT", "sectionBreakLocation": {"index": 0}}}])
    data = document.to_json()
    not_a_break = refused(document, [{"createHeader": {"type": "DEFAULT", "sectionBreakLocation": {"index": 2}}}])
    document.apply([{"deleteFooter": {"footerId": document_footer["createFooter"]["footerId"]}}])

    assert data["body"]["content"][2]["sectionBreak"]["sectionStyle"]["defaultHeaderId"] == own["createHeader"]["headerId"]
    assert "defaultHeaderId" not in data["documentStyle"]
    assert data["documentStyle"]["defaultFooterId"] == document_footer["createFooter"]["footerId"]
    assert not_a_break == "Invalid requests[0].createHeader: The section break location 2 is not a section break."
    assert "footers" not in document.to_json() and "defaultFooterId" not in document.to_json()["documentStyle"]


def test_a_column_goes_right_of_a_merged_cell_and_a_row_below_the_rows_it_spans():
    data = table_doc().to_json()
    table = data["body"]["content"][3]["table"]
    table["tableRows"][0]["tableCells"][0]["tableCellStyle"].update(rowSpan=2, columnSpan=2)
    document = Document.from_json(data)
    merged = {"tableStartLocation": {"index": 8}, "rowIndex": 0, "columnIndex": 0}

    document.apply([{"insertTableRow": {"tableCellLocation": merged, "insertBelow": True}},
                    {"insertTableColumn": {"tableCellLocation": merged, "insertRight": True}}])
    [table] = [e["table"] for e in document.to_json()["body"]["content"] if "table" in e]

    assert (table["rows"], table["columns"]) == (3, 3)
    assert [len(row["tableCells"]) for row in table["tableRows"]] == [3, 3, 3]
    assert [cell["tableCellStyle"]["columnSpan"] for cell in table["tableRows"][2]["tableCells"]] == [1, 1, 1]


def test_a_footnote_in_a_cell_goes_when_the_cells_text_goes():
    document = table_doc()
    document.apply([insert(11, "Ana"), {"createFootnote": {"location": {"index": 14}}}])
    [footnote_id] = document.to_json()["footnotes"]

    document.apply([{"updateTextStyle": {"range": {"startIndex": 0, "endIndex": 1, "segmentId": footnote_id},
                                         "textStyle": {"italic": True}, "fields": "italic"}},
                    delete(11, 15)])

    assert "footnotes" not in document.to_json()


def paragraph_json(start: int, text: str, **text_style) -> dict:
    end = start + len(text)
    return {"startIndex": start, "endIndex": end, "paragraph": {
        "elements": [{"startIndex": start, "endIndex": end, "textRun": {"content": text, "textStyle": text_style}}],
        "paragraphStyle": {"namedStyleType": "NORMAL_TEXT", "direction": "LEFT_TO_RIGHT"}}}


def test_a_table_of_contents_is_kept_and_only_goes_whole():
    """A table of contents [2, 10) of one paragraph [3, 9) linking to a heading."""
    data = Document.new("d", "t").to_json()
    data["body"]["content"][1:] = [
        paragraph_json(1, "\n"),
        {"startIndex": 2, "endIndex": 10,
         "tableOfContents": {"content": [paragraph_json(3, "Goals\n", link={"headingId": "h.abc"})]}},
        paragraph_json(10, "\n")]
    document = Document.from_json(data)

    typed = refused(document, [insert(4, "x")])
    cut = refused(document, [delete(3, 5)])
    document.apply([delete(2, 10)])

    assert Document.from_json(data).to_json() == data
    assert typed == f"Invalid requests[0].insertText: {INSIDE_BOUNDS}"
    assert cut == f"Invalid requests[0].deleteContentRange: {CANNOT_DELETE}"
    assert body(document) == [(1, 2, "\n"), (2, 3, "\n")]


def test_a_positioned_object_is_deleted_from_its_paragraph_and_the_tab():
    data = Document.new("d", "t").to_json()
    data["body"]["content"][1]["paragraph"]["positionedObjectIds"] = ["kix.pos"]
    data["positionedObjects"] = {"kix.pos": {"objectId": "kix.pos", "positionedObjectProperties": {}}}
    document = Document.from_json(data)

    document.apply([{"deletePositionedObject": {"objectId": "kix.pos"}}])

    assert "positionedObjects" not in document.to_json()
    assert "positionedObjectIds" not in document.to_json()["body"]["content"][1]["paragraph"]


@pytest.mark.parametrize("kind", ["insertPerson", "insertRichLink", "insertDate", "mergeTableCells", "addDocumentTab"])
def test_a_request_kind_the_model_does_not_make_is_refused_by_name(kind):
    assert refused(table_doc(), [{kind: {}}]) == \
        f"Invalid requests[0].{kind}: the Workspace sandbox does not support {kind}"


def test_the_text_of_a_document_is_every_tabs_body_text():
    assert tabbed().text() == "First tab\nChild tab\nThird\n"


def test_ranges_of_one_name_whose_text_another_holds_are_replaced_once():
    document = table_doc()
    document.apply([{"createNamedRange": {"name": "x", "range": {"startIndex": 1, "endIndex": 6}}},
                    {"createNamedRange": {"name": "x", "range": {"startIndex": 2, "endIndex": 4}}}])

    document.apply([{"replaceNamedRangeContent": {"namedRangeName": "x", "text": "Hi"}}])

    assert body(document)[0] == (1, 4, "Hi\n")
    assert [named["ranges"] for named in document.to_json()["namedRanges"]["x"]["namedRanges"]] == [
        [{"startIndex": 1, "endIndex": 3}]] * 2


def test_bullets_over_table_marks_only_change_nothing():
    document = table_doc()
    before = document.to_json()

    document.apply([{"createParagraphBullets": {"range": {"startIndex": 8, "endIndex": 10},
                                                "bulletPreset": "BULLET_DISC_CIRCLE_SQUARE"}}])

    assert document.to_json() == before
