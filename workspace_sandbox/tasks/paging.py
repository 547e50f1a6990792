"""Pages of list answers: resources in name order, the next page token naming the last one given."""
from __future__ import annotations

import base64

from workspace_sandbox.tasks.errors import invalid


def page(items: list[dict], params: dict, largest: int) -> tuple[list[dict], str | None]:
    """One page of ``items`` (sorted by name) and the token of the next page, if there is one.

    ``pageSize`` 0 or absent asks for the largest page, as Cloud Tasks does.
    """
    size = int(params.get("pageSize") or 0)
    if size < 0:
        raise invalid("The page size must not be negative.")  # (unconfirmed)
    token = params.get("pageToken")
    try:
        after = base64.urlsafe_b64decode(token).decode() if token else ""
    except ValueError:
        raise invalid("Invalid page token.") from None  # (unconfirmed)
    rest = sorted((item for item in items if item["name"] > after), key=lambda item: item["name"])
    chosen = rest[:min(size or largest, largest)]
    if len(rest) > len(chosen):
        return chosen, base64.urlsafe_b64encode(chosen[-1]["name"].encode()).decode()
    return chosen, None
