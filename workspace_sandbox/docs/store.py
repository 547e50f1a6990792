"""Google Docs documents kept in the sandbox world, with their revisions.

A document is stored as its ``to_state()`` (kind ``docs.doc``, keyed by the Drive file id): its
``documents.get`` JSON with every tab, plus what that JSON does not show, which checklist items
are ticked. Every write makes a new
opaque revision id and records, per revision, where the text changed (``docs.rev``), so a write
aimed at an older revision (``targetRevisionId``) can be moved past a collaborator's edits.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Callable

from workspace_sandbox.docs.document import Document
from workspace_sandbox.drive.access import GOOGLE_DOC, can, role_of, save, touch
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.world import Tx, World

# Revisions remembered per document, i.e. how far back a targetRevisionId may point.
REVISIONS_KEPT = 100

# A change to a document's text: (start index, units removed, units inserted).
Op = tuple[int, int, int]


@dataclass
class Stored:
    document: Document
    revision_id: str
    seq: int


def new_revision_id() -> str:
    """An opaque revision id, shaped like Google's long base64 strings."""
    return "ALm37B" + secrets.token_urlsafe(66)


def load(tx: Tx, document_id: str) -> Stored | None:
    record = tx.get("docs.doc", document_id)
    if record is None:
        return None
    return Stored(Document.from_state(record), record["revisionId"], record["seq"])


def store(tx: Tx, document: Document, ops: list[Op], user: str, seq: int = 0) -> str:
    """Save a document as a new revision (``seq`` is the revision it was read at); return its id."""
    revision_id = new_revision_id()
    seq += 1
    tx.put("docs.doc", document.document_id, {**document.to_state(), "revisionId": revision_id, "seq": seq})
    tx.put("docs.rev", f"{document.document_id}|{seq:010d}",
           {"revisionId": revision_id, "seq": seq, "ops": [list(op) for op in ops],
            "user": user.lower(), "time": tx.now().isoformat()}, parent=document.document_id)
    old = f"{document.document_id}|{seq - REVISIONS_KEPT:010d}"
    tx.delete("docs.rev", old)
    return revision_id


def create(tx: Tx, document: Document, user: str) -> str:
    """Store a new document (its Drive file is the caller's business); return its revision id."""
    return store(tx, document, [], user)


def save_edit(tx: Tx, stored: Stored, document: Document, ops: list[Op], user: str) -> str:
    """Save an edited document as the next revision and mark its Drive file modified."""
    revision_id = store(tx, document, ops, user, stored.seq)
    record = tx.get("drive.file", document.document_id)
    if record is not None:
        touch(tx, record, user)
        save(tx, record)
    return revision_id


def delete(tx: Tx, document_id: str) -> None:
    tx.delete("docs.doc", document_id)
    for key, _ in tx.items("docs.rev", document_id):
        tx.delete("docs.rev", key)


def revisions_since(tx: Tx, document_id: str, revision_id: str) -> list[dict] | None:
    """The revisions after ``revision_id`` (oldest first), or None if it is unknown or too old."""
    revisions = [data for _, data in tx.items("docs.rev", document_id)]
    for n, data in enumerate(revisions):
        if data["revisionId"] == revision_id:
            return revisions[n + 1:]
    return None


# --- where the text changed ----------------------------------------------------------------------
def units(document: Document) -> bytes:
    """The first tab's body as UTF-16-LE code units, so that unit n sits at document index n (each
    index of structure, a table's start or an image, is one unit of its own)."""
    return document.index_text().encode("utf-16-le")


def change(before: bytes, after: bytes, hint: tuple | None = None) -> Op | None:
    """The one stretch of text that differs, placed where ``hint`` says when that fits.

    ``hint`` is ``("insert", index)`` or ``("delete", start, end)``; without one (or when it does
    not explain the difference) the stretch spans from the first to the last differing unit.
    """
    if before == after:
        return None
    grown = (len(after) - len(before)) // 2
    if hint and hint[0] == "insert" and grown > 0:
        at = 2 * hint[1]
        if after[:at] == before[:at] and after[at + 2 * grown:] == before[at:]:
            return hint[1], 0, grown
    if hint and hint[0] == "delete" and after == before[:2 * hint[1]] + before[2 * hint[2]:]:
        return hint[1], hint[2] - hint[1], 0
    old, new = _code_units(before), _code_units(after)
    prefix, limit = 0, min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, len(old) - prefix - suffix, len(new) - prefix - suffix


def _code_units(data: bytes) -> memoryview:
    return memoryview(data).cast("H")


def hint_for(request: dict) -> tuple | None:
    """Where a request means to change the text, if it says so plainly."""
    if "insertText" in request and "index" in request["insertText"].get("location", {}):
        return "insert", request["insertText"]["location"]["index"]
    if "deleteContentRange" in request:
        span = request["deleteContentRange"].get("range", {})
        return "delete", span.get("startIndex", 0), span.get("endIndex", 0)
    return None


def compose(ops: list[Op]) -> Op | None:
    """One stretch (in the first text's indices -> the last's) covering sequential changes."""
    region = None
    for p, removed, inserted in ops:
        if region is None:
            region = (p, removed, inserted)
            continue
        s, old, new = region
        lo, hi = min(s, p), max(s + new, p + removed)
        region = (lo, hi - (new - old) - lo, hi - lo + inserted - removed)
    return region


# --- person edits --------------------------------------------------------------------------------
def person_edit(world: World, document_id: str, user: str,
                fn: Callable[[Document], Any], hint: tuple | None = None) -> str:
    """Let a person change a document as in the Docs editor; return the new revision id.

    The person needs edit access; ``fn(document)`` makes the change (``ValueError`` for one that
    cannot be made). People's edits go through the same revisions as API writes.
    """
    with world.transaction() as tx:
        stored = load(tx, document_id)
        record = tx.get("drive.file", document_id)
        if stored is None or record is None or record.get("mimeType") != GOOGLE_DOC:
            raise ApiError(404, "notFound", f"No document {document_id}.")
        if not can(role_of(tx, record, user), "write"):
            raise ApiError(403, "forbidden", f"{user} cannot edit document {document_id}.")
        before = units(stored.document)
        fn(stored.document)
        op = change(before, units(stored.document), hint)
        return save_edit(tx, stored, stored.document, [op] if op else [], user)
