"""The e-mails Google Calendar sends guests when an organiser writes with ``sendUpdates``.

One ``cal.invitation`` record (key: a sequence number) per guest per write: ``method`` is
``invitation`` for a guest the write adds (or every guest of a new event), ``cancellation`` for a
guest it removes (or every guest of a deleted event), and ``update`` for a guest who stays when
something guests see changed (``changes`` names the fields: times, texts, the guest list...; the
organiser's reminders and colour are their own). Adding a guest with ``sendUpdates=all`` thus
also mails every other guest an update, as users report Google does
(googleapis/google-api-nodejs-client#3310); that nothing is mailed when nothing guests see changed
is unconfirmed. ``externalOnly`` mails only guests outside the domain (the sandbox's stand-in for
"non-Google Calendar guests"); nobody mails the organiser or rooms.
"""
from __future__ import annotations

from workspace_sandbox.calendar import times
from workspace_sandbox.calendar.store import is_room, org_domain
from workspace_sandbox.core.world import Tx

KIND = "cal.invitation"
_PERSONAL = ("reminders", "colorId", "sequence")


def send_mode(params: dict) -> str:
    """``sendUpdates``, or what the deprecated ``sendNotifications`` stands for."""
    if "sendUpdates" in params:
        return params["sendUpdates"]
    return "all" if params.get("sendNotifications") else "none"


def changes(old: dict, new: dict) -> list[str]:
    """The fields of an event that guests see change between two versions of it."""
    keys = sorted((set(old) | set(new)) - set(_PERSONAL))
    return [key for key in keys if old.get(key) != new.get(key)]


def record(tx: Tx, mode: str, organizer: str, event_id: str, old: dict | None,
           new: dict | None) -> None:
    """Record the mails of one write: ``old``/``new`` are the event's fields before and after
    (None for an event just made or just deleted)."""
    if mode == "none":
        return
    before = {a["email"].lower() for a in (old or {}).get("attendees") or ()}
    after = {a["email"].lower() for a in (new or {}).get("attendees") or ()}
    changed = changes(old, new) if old is not None and new is not None else []
    plan = {email: "invitation" for email in after - before}
    plan.update({email: "cancellation" for email in before - after})
    if changed:
        plan.update({email: "update" for email in after & before})
    event = new or old
    domain = org_domain(tx).lower()
    for email in sorted(plan):
        if email == organizer.lower() or is_room(email):
            continue
        if mode == "externalOnly" and email.endswith("@" + domain):
            continue
        row = {"kind": KIND, "to": email, "method": plan[email], "eventId": event_id,
               "organizer": organizer, "summary": event.get("summary"), "start": event["start"],
               "end": event["end"], "sequence": event.get("sequence", 0), "sendUpdates": mode,
               "sentAt": times.iso_ms(tx.now())}
        if plan[email] == "update":
            row["changes"] = changed
        tx.put(KIND, f"{tx.next_value(KIND):010d}", row)


def sent(tx: Tx, to: str | None = None, event_id: str | None = None) -> list[dict]:
    """The mails recorded so far, oldest first (of one guest, of one event)."""
    return [row for _, row in tx.items(KIND)
            if (to is None or row["to"] == to.lower())
            and (event_id is None or row["eventId"] == event_id)]
