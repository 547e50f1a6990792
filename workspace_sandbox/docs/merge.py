"""Applying a batchUpdate written against an older revision (``writeControl.targetRevisionId``).

Google transforms such a write against the collaborators' changes made since. The sandbox knows
where the first tab's body changed in each revision (see docs_store), composes those changes into
one stretch of text, and moves each request's indices past it. A request that would land inside that
stretch (edit, delete or restyle text a collaborator just changed) cannot be merged safely: the
whole batch is refused with :data:`MERGE_CONFLICT` rather than applied at wrong indices.
"""
from __future__ import annotations

import copy
from typing import Callable

from workspace_sandbox.docs.document import Document, DocsRequestError
from workspace_sandbox.docs.store import Op, change, hint_for, units

MERGE_CONFLICT = ("The Workspace sandbox cannot merge this write with the changes made since "
                  "targetRevisionId {revision}: it touches text a collaborator changed. Read the "
                  "document again and retry.")


class MergeConflict(Exception):
    """A request overlaps a collaborator's change."""


def _point(x: int, region: Op, after: bool) -> int:
    """Where client index ``x`` is in the current document (``after``: past text inserted at x)."""
    s, removed, inserted = region
    delta = inserted - removed
    if x < s:
        return x
    if x > s + removed:
        return x + delta
    if removed == 0:
        return x + delta if after else x
    if x == s:
        return x
    if x == s + removed:
        return x + delta
    raise MergeConflict


def _shift(node, region: Op, tab_id: str):
    """A copy of a request with every index into the first tab's body moved past ``region``."""
    if isinstance(node, list):
        return [_shift(item, region, tab_id) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _shift(value, region, tab_id) for key, value in node.items()}
    if node.get("segmentId") or node.get("tabId", tab_id) not in ("", tab_id):
        return out
    if "startIndex" in node or "endIndex" in node:
        start, end = node.get("startIndex", 0), node.get("endIndex", 0)
        if isinstance(start, int) and isinstance(end, int) and start < end:
            s, removed, _ = region
            if (start < s + removed and end > s) if removed else (start < s < end):
                raise MergeConflict
            out["startIndex"], out["endIndex"] = _point(start, region, True), _point(end, region,
                                                                                        False)
    if isinstance(node.get("index"), int):
        out["index"] = _point(node["index"], region, True)
    return out


def _past(region: Op, op: Op) -> Op:
    """The collaborators' stretch after one of our changes (in the current document)."""
    s, removed, inserted = region
    p, gone, added = op
    if p + gone <= s:
        return s + added - gone, removed, inserted
    if p >= s + inserted:
        return region
    raise MergeConflict


def apply_merged(document: Document, requests: list[dict], concurrent: Op, fresh: Callable[[], Document],
                 images: dict[str, tuple[int, int]]) -> tuple[list[dict], list[Op]]:
    """Apply requests written before ``concurrent`` happened: (replies, changes made).

    Requests go one at a time (to learn where each changed the text). Raises MergeConflict, or
    DocsRequestError worded for the whole batch: on a failure the moved requests so far are
    re-run as one batch on ``fresh()``, an unchanged copy, so the error names the right request.
    """
    replies: list[dict] = []
    ops: list[Op] = []
    moved: list[dict] = []
    region = concurrent
    for request in requests:
        shifted = _shift(copy.deepcopy(request), region, document.tabs[0].tab_id)
        moved.append(shifted)
        before = units(document)
        try:
            replies.extend(document.apply([shifted], images))
        except DocsRequestError as error:
            fresh().apply(moved, images)
            raise error
        op = change(before, units(document), hint_for(shifted))
        if op:
            ops.append(op)
            region = _past(region, op)
    return replies, ops
