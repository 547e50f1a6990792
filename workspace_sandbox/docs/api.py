"""Docs API v1 over HTTP: documents.create, documents.get, documents.batchUpdate.

documents.get answers with suggestions inline (people who may comment) or, for readers, the
preview without them; previews of a document that holds suggestions are not modelled (a 400).

Documents are Drive files: Drive permissions decide who may read or write them, and an app
holding only ``drive.file`` sees the documents it created or that were opened with it.

Control endpoints (not Google's) under ``/_sandbox/docs``: ``POST import`` loads a captured
``documents.get`` JSON as a new document; ``POST images`` tells the world an image's pixel size
(the sandbox never fetches one); ``POST <id>/edit`` (any batchUpdate requests), ``<id>/type``,
``<id>/paragraph`` and ``<id>/check`` are a person editing in the Docs editor; ``GET <id>/html``
renders the document and ``GET <id>`` shows its stored state (JSON, revision, ticked items).
"""
from __future__ import annotations

from flask import Blueprint, Response, request

from workspace_sandbox.docs import store as docs_store
from workspace_sandbox.core.front import Call, handles
from workspace_sandbox.docs.merge import MERGE_CONFLICT, MergeConflict, apply_merged
from workspace_sandbox.docs.document import Document, DocsRequestError
from workspace_sandbox.drive.access import GOOGLE_DOC, Access, can
from workspace_sandbox.drive.files import create_google_doc, new_record
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.control_plane import world
from workspace_sandbox.core.world import Tx

# Google documents the 400 but not its wording (unconfirmed): keep the sandbox's in one place.
REVISION_MISMATCH = "The required revision ID does not match the latest revision of the document."
TARGET_TOO_OLD = ("The target revision ID {revision} is not a recent revision of this document. "
                  "Read the document again and retry.")

bp = Blueprint("sandbox_docs", __name__, url_prefix="/_sandbox/docs")


def _not_found(_document_id: str) -> ApiError:
    return ApiError(404, "notFound", "Requested entity was not found.")


def _forbidden() -> ApiError:
    return ApiError(403, "forbidden", "The caller does not have permission")


DOCS = Access("docs", _not_found, _forbidden)


def invalid_argument(message: str) -> ApiError:
    return ApiError(400, "badRequest", message, status="INVALID_ARGUMENT")


def _failed_precondition(message: str) -> ApiError:
    return ApiError(400, "failedPrecondition", message, status="FAILED_PRECONDITION")


def _open(call: Call, need: str) -> tuple[dict, str, docs_store.Stored]:
    record, role = DOCS.file(call.tx, call.user, call.client_id, call.scopes,
                             call.params["documentId"], need)
    stored = docs_store.load(call.tx, record["id"])
    if record["mimeType"] != GOOGLE_DOC or stored is None:
        raise _failed_precondition("This operation is not supported for this document")
    return record, role, stored


def _suggestions_view(call: Call, role: str, document: Document) -> str:
    """The suggestionsViewMode a read gets: suggestions inline for who may comment, a preview for
    readers (who are refused them inline, with a 403 whose wording is unconfirmed). A preview of a
    document that holds suggestions is not modelled: a clear 400."""
    mode = call.params.get("suggestionsViewMode") or "DEFAULT_FOR_CURRENT_ACCESS"
    sees = can(role, "comment")
    if mode == "DEFAULT_FOR_CURRENT_ACCESS":
        mode = "SUGGESTIONS_INLINE" if sees else "PREVIEW_WITHOUT_SUGGESTIONS"
    if mode == "SUGGESTIONS_INLINE" and not sees:
        raise _forbidden()
    if mode != "SUGGESTIONS_INLINE" and document.has_suggestions():
        raise invalid_argument(f"The Workspace sandbox does not model {mode} for a document holding "
                               "suggestions.")
    return mode


def _answer(record: dict, role: str, stored: docs_store.Stored, tabs: bool,
            mode: str = "SUGGESTIONS_INLINE") -> dict:
    """The documents.get shape; revisionId only for people who may edit."""
    data = stored.document.to_json(include_tabs_content=tabs)
    data["suggestionsViewMode"] = mode
    data["title"] = record["name"]
    if can(role, "write"):
        data["revisionId"] = stored.revision_id
    return data


@handles("docs.documents.create")
def documents_create(call: Call) -> dict:
    """A blank document; Google ignores everything in the body but the title."""
    title = (call.body or {}).get("title") or "Untitled document"
    record = create_google_doc(call.tx, call.user, title, client_id=call.client_id)
    return _answer(record, "owner", docs_store.load(call.tx, record["id"]), False)


@handles("docs.documents.get")
def documents_get(call: Call) -> dict:
    record, role, stored = _open(call, "read")
    tabs = call.params.get("includeTabsContent", False)
    if call.params.get("commentsViewMode") and not tabs:
        raise invalid_argument("commentsViewMode can only be set when includeTabsContent is "
                               "true.")
    return _answer(record, role, stored, tabs, _suggestions_view(call, role, stored.document))


@handles("docs.documents.batchUpdate")
def documents_batch_update(call: Call) -> dict:
    record, _, stored = _open(call, "write")
    body = call.body or {}
    requests = body.get("requests") or []
    write_control = body.get("writeControl") or {}
    if "requiredRevisionId" in write_control and "targetRevisionId" in write_control:
        raise invalid_argument("Invalid value at 'write_control' (oneof), oneof field 'control' "
                               "is already set. Cannot set 'targetRevisionId'")
    if ("requiredRevisionId" in write_control
            and write_control["requiredRevisionId"] != stored.revision_id):
        raise _failed_precondition(REVISION_MISMATCH)
    document = stored.document
    try:
        replies, ops = _apply(call, stored, requests, write_control.get("targetRevisionId"))
    except DocsRequestError as error:
        raise invalid_argument(error.message) from None
    revision_id = docs_store.save_edit(call.tx, stored, document, ops, call.user)
    return {"replies": replies, "writeControl": {"requiredRevisionId": revision_id},
            "documentId": record["id"]}


def _apply(call: Call, stored: docs_store.Stored, requests: list[dict],
           target: str | None) -> tuple[list[dict], list[docs_store.Op]]:
    """Apply the batch to the stored document, moved past collaborators' edits if needed."""
    document = stored.document
    if not requests:
        document.apply(requests)  # Google's answer to an empty batch
    if target and target != stored.revision_id:
        since = docs_store.revisions_since(call.tx, document.document_id, target)
        if since is None:
            raise invalid_argument(TARGET_TOO_OLD.format(revision=target))
        concurrent = docs_store.compose([tuple(op) for rev in since for op in rev["ops"]])
        if concurrent is not None:
            try:
                return apply_merged(document, requests, concurrent,
                                    lambda: docs_store.load(call.tx, document.document_id).document,
                                    _image_sizes(call.tx, requests))
            except MergeConflict:
                raise invalid_argument(MERGE_CONFLICT.format(revision=target)) from None
    before = docs_store.units(document)
    replies = document.apply(requests, _image_sizes(call.tx, requests))
    hint = docs_store.hint_for(requests[0]) if len(requests) == 1 else None
    op = docs_store.change(before, docs_store.units(document), hint)
    return replies, [op] if op else []


def _image_sizes(tx: Tx, requests: list) -> dict[str, tuple[int, int]]:
    """The pixel sizes the world knows of the images a batch inserts."""
    uris = {r["insertInlineImage"].get("uri") for r in requests
            if isinstance(r, dict) and isinstance(r.get("insertInlineImage"), dict)}
    known = {uri: tx.get("docs.image", uri) for uri in uris if isinstance(uri, str)}
    return {uri: (record["width"], record["height"]) for uri, record in known.items() if record}


# --- control plane: captured documents, images and a person's edits -----------------------
def _body(*required: str) -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "badRequest", "Expected a JSON object body.")
    missing = [key for key in required if body.get(key) in (None, "")]
    if missing:
        raise ApiError(400, "required", f"Missing {', '.join(missing)}.")
    return body


@bp.post("/import")
def import_document():
    """``{user, title?, document}``: a new Google Doc owned by ``user`` from documents.get JSON."""
    body = _body("user", "document")
    captured = body["document"]
    title = body.get("title") or captured.get("title") or "Untitled document"
    with world().transaction() as tx:
        record = new_record(tx, body["user"], title, GOOGLE_DOC)
        try:
            document = Document.from_json({**captured, "documentId": record["id"], "title": title})
        except (ValueError, KeyError, TypeError) as error:
            raise ApiError(400, "badRequest", f"Not a documents.get JSON: {error}") from None
        revision_id = docs_store.create(tx, document, body["user"])
    return {"documentId": record["id"], "revisionId": revision_id}


@bp.post("/images")
def known_image():
    """``{uri, width, height}``: the pixel size of the image at ``uri``, for insertInlineImage."""
    body = _body("uri", "width", "height")
    if not all(isinstance(body[k], int) and not isinstance(body[k], bool) and body[k] > 0
               for k in ("width", "height")):
        raise ApiError(400, "badRequest", "width and height must be positive integers (pixels).")
    with world().transaction() as tx:
        tx.put("docs.image", body["uri"], {"width": body["width"], "height": body["height"]})
    return {"uri": body["uri"], "width": body["width"], "height": body["height"]}


def _person_edit(document_id: str, fn, hint=None) -> dict:
    body = request.get_json(silent=True) or {}
    if not body.get("user"):
        raise ApiError(400, "required", "Missing user.")
    try:
        revision_id = docs_store.person_edit(world(), document_id, body["user"],
                                             lambda document: fn(document, body), hint)
    except (ValueError, KeyError, TypeError, DocsRequestError) as error:
        raise ApiError(400, "badRequest", f"The edit cannot be made: {error}") from None
    return {"documentId": document_id, "revisionId": revision_id}


@bp.post("/<document_id>/edit")
def person_edits(document_id: str):
    """``{user, requests}``: the person makes these batchUpdate requests' changes in the editor
    (a new revision by them; no quota, scope or writeControl). Answers the replies too."""
    body = request.get_json(silent=True) or {}
    requests = body.get("requests")
    if not isinstance(requests, list):
        raise ApiError(400, "required", "Missing requests (a list of batchUpdate requests).")
    with world().transaction() as tx:
        images = _image_sizes(tx, requests)
    replies: list[dict] = []
    hint = docs_store.hint_for(requests[0]) if len(requests) == 1 and isinstance(requests[0], dict) else None
    answer = _person_edit(document_id, lambda d, b: replies.extend(d.apply(requests, images)), hint)
    return {**answer, "replies": replies}


@bp.post("/<document_id>/type")
def person_types(document_id: str):
    """``{user, index, text}``: the person types ``text`` at ``index``."""
    body = request.get_json(silent=True) or {}
    index = body.get("index")
    return _person_edit(document_id, lambda d, b: d.type_text(b["index"], b["text"]),
                        ("insert", index) if isinstance(index, int) else None)


@bp.post("/<document_id>/paragraph")
def person_adds_paragraph(document_id: str):
    """``{user, text, after_index?}``: Enter at the end of a paragraph (default the last), type."""
    return _person_edit(document_id,
                        lambda d, b: d.append_paragraph(b["text"], b.get("after_index")))


@bp.post("/<document_id>/check")
def person_ticks(document_id: str):
    """``{user, paragraph_index, checked}``: tick or untick a checklist item."""
    return _person_edit(document_id, lambda d, b: d.set_checked(b["paragraph_index"],
                                                                bool(b.get("checked", True))))


@bp.get("/<document_id>/html")
def rendered(document_id: str):
    with world().transaction() as tx:
        stored = docs_store.load(tx, document_id)
    if stored is None:
        raise ApiError(404, "notFound", f"No document {document_id}.")
    return Response(stored.document.to_html(), content_type="text/html; charset=utf-8")


@bp.get("/<document_id>")
def state(document_id: str):
    with world().transaction() as tx:
        record = tx.get("docs.doc", document_id)
    if record is None:
        raise ApiError(404, "notFound", f"No document {document_id}.")
    return {"documentId": document_id, "revisionId": record["revisionId"],
            "document": record["document"], "checked": record.get("checked", [])}
