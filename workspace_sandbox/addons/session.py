"""A person's side panel: which host it is open in, on what (an event, a document, or the
homepage), its card stack, and what the last step did. Kept in the world (kind
``addons.session``), so every process sees the same panel.

Card navigation follows Google's: ``pushCard`` stacks a card, ``updateCard`` replaces the top one,
``pop``/``popCard`` go back one (never past the first card), ``popToRoot`` back to the first,
``popToCard`` back to the topmost card of that ``name`` (unchanged if none has it; unconfirmed).
"""
from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field

from workspace_sandbox.core.errors import not_found
from workspace_sandbox.core.world import Tx

KIND = "addons.session"
HOST_APPS = {"calendar": "CALENDAR", "docs": "DOCS"}


@dataclass
class Session:
    id: str
    user: str
    host: str                      # "calendar" or "docs"
    context: dict                  # {calendarId, eventId} | {documentId} | {} (the homepage)
    stack: list = field(default_factory=list)
    turn: int = 0                  # how many steps were taken (a page's form names the one it saw)
    last: dict = field(default_factory=dict)

    @property
    def card(self) -> dict | None:
        return self.stack[-1] if self.stack else None


def new(user: str, host: str, context: dict) -> Session:
    return Session("s" + secrets.token_urlsafe(12), user.lower(), host, context)


def load(tx: Tx, session_id: str) -> Session:
    found = tx.get(KIND, session_id)
    if found is None:
        raise not_found(f"No add-on panel {session_id}.")
    return Session(**found)


def save(tx: Tx, session: Session) -> None:
    tx.put(KIND, session.id, asdict(session), parent=session.user)


def navigate(stack: list, navigations: list[dict]) -> list:
    """The card stack after these navigations, in order."""
    stack = list(stack)
    for step in navigations:
        if "pushCard" in step:
            stack.append(step["pushCard"])
        elif "updateCard" in step:
            stack[-1:] = [step["updateCard"]]
        elif step.get("pop") or step.get("popCard"):
            stack = stack[:-1] if len(stack) > 1 else stack
        elif step.get("popToRoot"):
            stack = stack[:1]
        elif "popToCard" in step:
            names = [card.get("name") for card in stack]
            if step["popToCard"] in names:
                stack = stack[:len(names) - names[::-1].index(step["popToCard"])]
    return stack
