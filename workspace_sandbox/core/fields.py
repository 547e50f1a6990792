"""Partial responses: Google's ``fields`` parameter (``items(id,summary),nextPageToken``)."""
from __future__ import annotations

from typing import Any

from workspace_sandbox.core.errors import ApiError


def select_fields(data: Any, fields: str) -> Any:
    """Keep only the selected fields of a response."""
    return _select(data, _parse(fields, fields))


def _parse(text: str, whole: str) -> dict:
    tree: dict = {}
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] not in ",(":
            j += 1
        path = [p for p in text[i:j].strip().split("/")]
        if not all(path):
            raise ApiError(400, "invalidParameter", f"Invalid field selection {whole}")
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
        leaf = node.setdefault(path[-1], {})
        if j < len(text) and text[j] == "(":
            depth, k = 1, j + 1
            while k < len(text) and depth:
                depth += {"(": 1, ")": -1}.get(text[k], 0)
                k += 1
            if depth:
                raise ApiError(400, "invalidParameter", f"Invalid field selection {whole}")
            leaf.update(_parse(text[j + 1:k - 1], whole))
            j = k
        i = j + 1
    return tree


def _select(data: Any, tree: dict) -> Any:
    if not tree or "*" in tree:  # "*" (or "items(*)"): everything at this level
        return data
    if isinstance(data, list):
        return [_select(item, tree) for item in data]
    if not isinstance(data, dict):
        return data
    return {key: _select(data[key], sub) for key, sub in tree.items() if key in data}
