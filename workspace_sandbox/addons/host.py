"""The add-on host's steps: opening the side panel (a homepage, an event, a document) and a click
in it. Each step POSTs event objects to the deployment's endpoints, checks every answer, follows
its navigations and applies its host actions; an answer Google's host would refuse (not 2xx, not
JSON, too late, or not a valid response) shows Google's error card instead.

No world transaction is held while an endpoint is called: the add-on calls the sandbox's APIs back
while it answers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from workspace_sandbox.addons import calendar_host, docs_host, events, forms, responses, transport
from workspace_sandbox.addons import session as panels
from workspace_sandbox.addons.deployment import (homepage, installed, opened_url, trigger,
                                                 universal_actions)
from workspace_sandbox.addons.session import Session
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.world import Tx, World

ERROR_TITLE = "The add-on returned an invalid response"


@dataclass
class Step:
    """What one step did: the endpoints called (with their answers) and what the host showed."""

    calls: list[dict] = field(default_factory=list)
    notifications: list[str] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    applied: list[dict] = field(default_factory=list)
    error: str | None = None

    def summary(self) -> dict:
        return {"notifications": self.notifications, "opened": self.opened,
                "applied": self.applied, "error": self.error}


def error_card(reason: str) -> dict:
    """The card Google's host shows for an answer it cannot use (wording unconfirmed)."""
    return {"header": {"title": ERROR_TITLE},
            "sections": [{"widgets": [{"textParagraph": {"text": escape(reason)}}]}]}


def overview_card(deployment: dict) -> dict:
    """What the host shows for a homepage without an (enabled) trigger (wording unconfirmed)."""
    name = deployment["addOns"]["common"]["name"]
    return {"header": {"title": name}, "sections": [{"widgets": [{"textParagraph": {
        "text": f"{name} has nothing to show on its homepage."}}]}]}


def require_person(tx: Tx, user: str) -> None:
    """A person of the sandbox's domain, or a 404."""
    if tx.get("dir.user", user.lower()) is None:
        raise ApiError(404, "notFound", f"No user {user} in the sandbox's domain.")


def open_panel(world: World, user: str, host: str, *, event_id: str | None = None,
               calendar_id: str | None = None, document_id: str | None = None
               ) -> tuple[Session, Step]:
    """The person opens the add-on: in Calendar on an event (``eventOpenTrigger``) or on its
    homepage, in Docs on a document (the Docs homepage, with the ``docs`` object). A homepage
    without an enabled trigger shows the host's overview card."""
    if host not in panels.HOST_APPS:
        raise ApiError(400, "invalid", "'host' must be calendar or docs.")
    with world.transaction() as tx:
        deployment = installed(tx)
        require_person(tx, user)
        if host == "calendar" and event_id:
            context = calendar_host.open_event(tx, user, event_id, calendar_id)
            url = trigger(deployment, "calendar", "eventOpenTrigger")
            if url is None:
                raise ApiError(400, "failedPrecondition",
                               "The deployment has no addOns.calendar.eventOpenTrigger.")
        else:
            context = docs_host.open_document(tx, user, document_id) if document_id else {}
            url = homepage(deployment, host)
        panel = panels.new(user, host, context)
    step = Step()
    if url is None:
        panel.stack.append(overview_card(deployment))
    else:
        _invoke(world, panel, url, {}, {}, step)
    return _finish(world, panel, step), step


def click(world: World, session_id: str, user: str, *, form: dict, complete: bool = False,
          **which) -> tuple[Session, Step]:
    """The person clicks something on the panel's card (see :func:`forms.find` for ``which``),
    with the form filled in as ``form`` ({name: value or [values]}; ``complete`` when it is the
    whole form, as a browser posts it)."""
    with world.transaction() as tx:
        panel = panels.load(tx, session_id)
        if panel.user != user.lower():
            raise ApiError(403, "forbidden", f"Panel {session_id} is {panel.user}'s.")
        clicked = forms.find(forms.clickables(panel.card, universal_actions(installed(tx))),
                             **which)
        form_inputs = forms.form_inputs(panel.card, form, complete=complete)
    step = Step()
    if "openLink" in clicked.on_click:
        step.opened.append(opened_url(clicked.on_click["openLink"]["url"]))
    elif "card" in clicked.on_click:
        panel.stack.append(clicked.on_click["card"])
    else:
        _invoke(world, panel, clicked.action["function"], clicked.parameters, form_inputs, step)
    return _finish(world, panel, step), step


def back(world: World, session_id: str) -> Session:
    """The panel's back arrow: the card below comes back (no endpoint is called)."""
    with world.transaction() as tx:
        panel = panels.load(tx, session_id)
    panel.stack = panels.navigate(panel.stack, [{"pop": True}])
    return _finish(world, panel, Step())


def _finish(world: World, panel: Session, step: Step) -> Session:
    panel.turn += 1
    panel.last = step.summary()
    with world.transaction() as tx:
        panels.save(tx, panel)
    return panel


def _invoke(world: World, panel: Session, url: str, parameters: dict, form_inputs: dict,
            step: Step) -> None:
    """Call one endpoint for the panel and do what its answer says."""
    with world.transaction() as tx:
        deployment = installed(tx)
        event, headers = events.build(tx, deployment, panel, url, parameters, form_inputs)
        timeout = tx.setting("addons.timeout_seconds", transport.DEFAULT_TIMEOUT)
    answer = transport.post(url, event, headers, timeout)
    step.calls.append({"function": url, "status": answer.status, "response": answer.body})
    error = answer.error
    if error is None:
        try:
            outcome = responses.parse(answer.body)
        except responses.InvalidResponse as invalid:
            error = str(invalid)
    if error is not None:
        step.calls[-1]["error"] = step.error = error
        panel.stack.append(error_card(error))
        return
    panel.stack = panels.navigate(panel.stack, outcome.navigations)
    if outcome.notification:
        step.notifications.append(outcome.notification)
    if outcome.link:
        step.opened.append(outcome.link)
    host_action = outcome.host_action or {}
    granted = []
    with world.transaction() as tx:
        if "calendarAction" in host_action:
            step.applied += _for_host(panel, "calendar") or calendar_host.apply(
                tx, deployment, panel.user, panel.context, host_action["calendarAction"])
        if "editorAction" in host_action:
            granted = _for_host(panel, "docs") or docs_host.request_file_scope(
                tx, deployment, panel.user, panel.context)
            step.applied += granted
    follow = trigger(deployment, "docs", "onFileScopeGrantedTrigger")
    if follow and any(result["ok"] for result in granted):
        _invoke(world, panel, follow, {}, {}, step)


def _for_host(panel: Session, host: str) -> list[dict]:
    """A refusal when a host action is meant for another host than the panel's; else nothing."""
    if panel.host == host:
        return []
    action = "calendarAction" if host == "calendar" else "editorAction"
    return [{"action": action, "ok": False, "reason": f"The panel is open in {panel.host}, "
             f"which ignores {action}."}]
