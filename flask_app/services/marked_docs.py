"""Docs this service makes, found again by their mark in Drive (appProperties) and made once.

Creating a file is the one write that is not idempotent, so it is never retried blindly: after a
failure Drive is asked whether the doc was made after all, and after a success whether another
run made one at the same time — the older stays, a newer one goes to the trash if nobody wrote in
it. (Drive's search can lag a file made a moment ago, so the lease that keeps two syncs of one
manager apart is the first guard; this is the second.)
"""
from __future__ import annotations

import logging

from ..domain.snapshot import DocSnapshot
from ..errors import GoogleApiError, NotFound, PermissionDenied, RateLimited
from ..ports import Docs, Drive

log = logging.getLogger(__name__)


def find_or_create(drive: Drive, docs: Docs, key: str, marker: str, name: str,
                   problems: list[str]) -> tuple[str, bool]:
    """The id of the doc marked ``key=marker`` (made now if there is none), and whether this
    call made it."""
    found, created = drive.find_docs(key, marker), None
    if not found:
        try:
            made = drive.create_doc(name, {key: marker})
        except RateLimited:
            raise
        except GoogleApiError:
            found = drive.find_docs(key, marker)  # made after all, and the answer lost?
            if not found:
                raise
        else:
            created = made.id
            found = drive.find_docs(key, marker)
            if created not in {f.id for f in found}:  # Drive's search may lag a new file
                found.append(made)
    keep, *newer = found
    for duplicate in newer:
        _remove_if_untouched(drive, docs, duplicate.id, problems)
    return keep.id, keep.id == created


def _remove_if_untouched(drive: Drive, docs: Docs, file_id: str, problems: list[str]) -> None:
    try:
        doc = docs.get(file_id)
    except (NotFound, PermissionDenied):
        return
    if blank(doc):
        drive.trash(file_id)
        log.info("trashed a duplicate doc nobody wrote in")
    else:
        problems.append("two docs carry the same mark; the newer one has text in it and was "
                        "left alone")


def blank(doc: DocSnapshot) -> bool:
    """Nothing in the doc: no text, table or range (as Drive makes a new doc)."""
    return (not doc.named_ranges and not doc.tables
            and all(not p.text.strip() for p in doc.paragraphs))
