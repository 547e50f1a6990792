"""Pages for people: a person's Calendar (their next days of events, each opening the add-on's
side panel on it) and a Google Doc with the Docs side panel beside it. The panel is the same form
as ``/_sandbox/addons/panel/<session>``; each click comes back to the page it was made on.
"""
from __future__ import annotations

from datetime import datetime
from html import escape
from itertools import groupby

from workspace_sandbox.addons import calendar_host, forms
from workspace_sandbox.addons.deployment import universal_actions
from workspace_sandbox.addons.markup import plain
from workspace_sandbox.addons.render import page, panel, safe_url
from workspace_sandbox.addons.session import Session
from workspace_sandbox.core.world import Tx

ROOT = "/_sandbox/addons"
_STYLE = """<style>
.host { display: flex; min-height: 100vh; background: #f8f9fa; }
.host main { flex: 1; padding: 16px 24px; } .host main iframe { width: 100%; height: 95vh; border: 0; }
.host aside.details { width: 300px; padding: 16px; background: #fff; border-left: 1px solid #dadce0; }
.host aside.side { width: 360px; background: #fff; } .host h1 { font-size: 20px; font-weight: 400; }
.host h2 { font-size: 14px; margin: 16px 0 4px; color: #5f6368; }
.host ul { list-style: none; padding: 0; margin: 0; } .host li form { margin: 2px 0; }
.event { width: 100%; text-align: left; padding: 6px 10px; border: 0; border-radius: 4px;
  background: #e8f0fe; font: inherit; cursor: pointer; } .event.open { background: #1a73e8; color: #fff; }
.open-addon { margin: 16px; }
</style>"""


def side_panel(deployment: dict, session: Session | None, back: str, open_action: str) -> str:
    """The side panel of a session, or the add-on's button that opens it."""
    if session is None:
        return (f'<form class="open-addon" method="post" action="{escape(open_action)}">'
                f'<button class="btn FILLED" type="submit">Open '
                f'{plain(deployment["addOns"]["common"]["name"])}</button></form>')
    universal = universal_actions(deployment)
    clicks = forms.clickables(session.card, universal)
    return panel(session, deployment, clicks, len(universal), f"{ROOT}/panel/{session.id}", back)


def panel_page(deployment: dict, session: Session) -> str:
    """The side panel alone (each click comes back to it)."""
    here = f"{ROOT}/panel/{session.id}"
    return page(deployment["addOns"]["common"]["name"], side_panel(deployment, session, here, ""))


def calendar_page(tx: Tx, deployment: dict, user: str, session: Session | None) -> str:
    """The person's next seven days, the open event's details and the side panel."""
    listing = calendar_host.upcoming(tx, user)
    here = f"{ROOT}/calendar/{user}" + (f"?session={session.id}" if session else "")
    opening = f"{ROOT}/calendar/{user}/open"
    open_id = (session.context.get("eventId") if session else None)
    days = []
    for day, items in groupby(listing["items"], key=lambda e: _start(e).date()):
        rows = "".join(
            f'<li><form method="post" action="{escape(opening)}"><input type="hidden" '
            f'name="event_id" value="{escape(e["id"])}"><button class="event'
            f'{" open" if e["id"] == open_id else ""}" type="submit">{_when(e)} '
            f'{plain(e.get("summary") or "(No title)")}</button></form></li>' for e in items)
        days.append(f"<h2>{day:%A %d %B}</h2><ul>{rows}</ul>")
    details = ""
    if open_id:
        event = calendar_host.current_event(tx, user, session.context)
        details = f'<aside class="details">{_details(event)}</aside>'
    person = tx.get("dir.user", user) or {}
    name = " ".join(filter(None, (person.get("given_name"), person.get("family_name")))) or user
    body = (f'<div class="host"><main><h1>Calendar of {plain(name)}</h1>'
            f'{"".join(days) or "<p>No events in the next seven days.</p>"}</main>{details}'
            f'<aside class="side">{side_panel(deployment, session, here, opening)}</aside></div>')
    return page(f"Calendar · {user}", _STYLE + body)


def docs_page(deployment: dict, user: str, document_id: str, session: Session | None) -> str:
    """The document as Docs shows it, with the side panel beside it."""
    place = f"{ROOT}/docs/{user}/{document_id}"
    here = place + (f"?session={session.id}" if session else "")
    body = (f'<div class="host"><main><iframe title="Document" '
            f'src="/_sandbox/docs/{escape(document_id)}/html"></iframe></main>'
            f'<aside class="side">{side_panel(deployment, session, here, place + "/open")}'
            "</aside></div>")
    return page(f"Docs · {user}", _STYLE + body)


def _start(event: dict) -> datetime:
    start = event["start"]
    return datetime.fromisoformat(start.get("dateTime") or start["date"])


def _when(event: dict) -> str:
    if "date" in event["start"]:
        return "All day"
    return f'{_start(event):%H:%M}–{datetime.fromisoformat(event["end"]["dateTime"]):%H:%M}'


def _details(event: dict) -> str:
    guests = "".join(f'<li>{plain(a.get("displayName") or a["email"])} · '
                     f'{plain(a.get("responseStatus"))}</li>' for a in event.get("attendees") or ())
    files = "".join(f'<li><a href="{safe_url(a["fileUrl"])}" target="_blank" rel="noopener '
                    f'noreferrer">{plain(a.get("title") or a["fileUrl"])}</a></li>'
                    for a in event.get("attachments") or ())
    return (f'<h1>{plain(event.get("summary") or "(No title)")}</h1>'
            f'<p>{_start(event):%A %d %B} · {_when(event)}</p>'
            f'<p>Organiser: {plain(event["organizer"]["email"])}</p>'
            f'<h2>Guests</h2><ul class="guests">{guests}</ul>'
            f'<h2>Attachments</h2><ul class="attachments">{files or "<li>None</li>"}</ul>')
