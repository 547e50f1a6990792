"""The add-on host's control plane (``/_sandbox/addons``): installing the deployment, the project's
authorization, opening the side panel and clicking in it, and the pages people use.

- ``PUT deployment`` (``?deploymentId=``) installs a deployment (create or replace); ``GET`` shows
  it, ``DELETE`` uninstalls it. ``GET authorization``: ``projects.getAuthorization``.
- ``PUT settings`` ``{timeoutSeconds}``: how long the host waits for an endpoint (null: 30 s).
- ``POST open`` ``{user, host: calendar|docs, event_id?, calendar_id?, document_id?}`` and
  ``POST action`` ``{user, session, function + parameters? | button | index, form?}`` answer
  ``{session, html, card, depth, response, calls, notifications, opened, applied, error}``.
- ``GET panel/<session>``: the panel as a page; ``POST`` is its form.
- ``GET calendar/<user>`` and ``GET docs/<user>/<document_id>``: the host pages (``?session=``
  shows that panel); ``POST .../open`` opens the add-on there.
"""
from __future__ import annotations

from flask import Blueprint, Response, redirect, request

from workspace_sandbox.addons import deployment as deployments
from workspace_sandbox.addons import docs_host, host, identity, pages
from workspace_sandbox.addons import session as panels
from workspace_sandbox.addons.session import Session
from workspace_sandbox.core.control_plane import json_body, world
from workspace_sandbox.core.errors import ApiError

bp = Blueprint("sandbox_addons", __name__, url_prefix=pages.ROOT)


@bp.put("/deployment")
def install():
    checked = deployments.check(request.get_json(silent=True), request.args.get("deploymentId"))
    with world().transaction() as tx:
        deployments.install(tx, checked)
    return checked


@bp.get("/deployment")
def installed():
    with world().transaction() as tx:
        return deployments.installed(tx)


@bp.delete("/deployment")
def uninstall():
    with world().transaction() as tx:
        if not deployments.uninstall(tx):
            raise ApiError(404, "notFound", "No add-on deployment is installed.")
    return {}


@bp.get("/authorization")
def authorization():
    return identity.authorization()


@bp.put("/settings")
def settings():
    seconds = json_body().get("timeoutSeconds")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
                                or seconds <= 0):
        raise ApiError(400, "invalid", "'timeoutSeconds' must be a positive number or null.")
    with world().transaction() as tx:
        tx.set_setting("addons.timeout_seconds", seconds)
    return {"timeoutSeconds": seconds}


@bp.post("/open")
def open_panel():
    body = json_body()
    if not body.get("user") or not body.get("host"):
        raise ApiError(400, "required", "Opening the add-on needs 'user' and 'host'.")
    panel, step = host.open_panel(world(), body["user"], body["host"],
                                  event_id=body.get("event_id"),
                                  calendar_id=body.get("calendar_id"),
                                  document_id=body.get("document_id"))
    return _answer(panel, step)


@bp.post("/action")
def action():
    body = json_body()
    if not body.get("user") or not body.get("session"):
        raise ApiError(400, "required", "A click needs 'user' and 'session'.")
    parameters = body.get("parameters") or {}
    if isinstance(parameters, list):
        parameters = {p.get("key", ""): p.get("value", "") for p in parameters}
    which = {key: body[key] for key in ("button", "index", "function") if key in body}
    if not isinstance(which.get("index", 0), int):
        raise ApiError(400, "invalid", "'index' must be a click's position (an integer).")
    if "function" in which:
        which["parameters"] = parameters
    panel, step = host.click(world(), body["session"], body["user"], form=body.get("form") or {},
                             **which)
    return _answer(panel, step)


def _answer(panel: Session, step: host.Step) -> dict:
    with world().transaction() as tx:
        html = pages.panel_page(deployments.installed(tx), panel)
    return {"session": panel.id, "html": html, "card": panel.card, "depth": len(panel.stack),
            "response": step.calls[0]["response"] if step.calls else None, "calls": step.calls,
            **step.summary()}


@bp.get("/panel/<session_id>")
def panel_page(session_id: str):
    with world().transaction() as tx:
        html = pages.panel_page(deployments.installed(tx), panels.load(tx, session_id))
    return _html(html)


@bp.post("/panel/<session_id>")
def panel_form(session_id: str):
    """The panel's form: a click (``_click``) or the back arrow, then back to the page."""
    back = request.form.get("_back", "")
    if not back.startswith(pages.ROOT + "/"):
        back = f"{pages.ROOT}/panel/{session_id}"
    with world().transaction() as tx:
        panel = panels.load(tx, session_id)
    if request.form.get("_turn") != str(panel.turn):
        return redirect(back, code=303)  # a click on a card the panel no longer shows
    if request.form.get("_nav") == "back":
        host.back(world(), session_id)
    elif request.form.get("_click", "").isdigit():
        form = {key[6:]: request.form.getlist(key) for key in request.form
                if key.startswith("input.")}
        host.click(world(), session_id, panel.user, form=form, complete=True,
                   index=int(request.form["_click"]))
    return redirect(back, code=303)


@bp.get("/calendar/<user>")
def calendar_page(user: str):
    with world().transaction() as tx:
        host.require_person(tx, user)
        html = pages.calendar_page(tx, deployments.installed(tx), user.lower(), _shown(tx, user))
    return _html(html)


@bp.post("/calendar/<user>/open")
def calendar_open(user: str):
    panel, _ = host.open_panel(world(), user, "calendar",
                               event_id=request.form.get("event_id") or None)
    return redirect(f"{pages.ROOT}/calendar/{user.lower()}?session={panel.id}", code=303)


@bp.get("/docs/<user>/<document_id>")
def docs_page(user: str, document_id: str):
    with world().transaction() as tx:
        host.require_person(tx, user)
        docs_host.open_document(tx, user, document_id)
        html = pages.docs_page(deployments.installed(tx), user.lower(), document_id,
                               _shown(tx, user))
    return _html(html)


@bp.post("/docs/<user>/<document_id>/open")
def docs_open(user: str, document_id: str):
    panel, _ = host.open_panel(world(), user, "docs", document_id=document_id)
    return redirect(f"{pages.ROOT}/docs/{user.lower()}/{document_id}?session={panel.id}",
                    code=303)


def _shown(tx, user: str) -> Session | None:
    """The panel a page's ``?session=`` names (it must be that person's)."""
    session_id = request.args.get("session")
    if not session_id:
        return None
    panel = panels.load(tx, session_id)
    if panel.user != user.lower():
        raise ApiError(403, "forbidden", f"Panel {session_id} is {panel.user}'s.")
    return panel


def _html(html: str) -> Response:
    return Response(html, content_type="text/html; charset=utf-8")
