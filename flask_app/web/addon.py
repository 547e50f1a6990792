"""The add-on's HTTP endpoints: what Google's Calendar and Docs hosts POST to (see
``addon/deployment.json``).

Each request is checked before anything else: Google's system ID token for this endpoint and
the add-on's service account, then the person's own ID token for who they are. Anything else is
refused with 401 and the reason logged, never the token. The person's OAuth token (in the
event) reads their event and their doc as them; the event object is never logged. Errors reach
the person as a one-line notification in the panel.
"""
from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify, request

from ..adapters.addon_manifest import PATHS
from ..adapters.google.addon_tokens import Unauthorized
from ..errors import GoogleApiError, UserError
from ..services.addon import OutsidePanel, PairPanel
from . import cards, coach
from .security import csrf

bp = Blueprint("addon", __name__)
csrf.exempt(bp)
log = logging.getLogger(__name__)


class _Event:
    """The parts of Google's event object the endpoints use."""

    def __init__(self, body: dict):
        auth = body.get("authorizationEventObject") or {}
        common = body.get("commonEventObject") or {}
        self.user_id_token = auth.get("userIdToken")
        self.user_token = auth.get("userOAuthToken") or ""
        self.parameters = {str(k): str(v) for k, v in (common.get("parameters") or {}).items()}
        self.calendar = body.get("calendar") or {}
        self.docs = body.get("docs") or {}
        self.user = ""

    @property
    def event_id(self) -> str:
        return str(self.calendar.get("id") or self.parameters.get("event") or "")

    @property
    def doc_id(self) -> str | None:
        found = self.docs.get("id") or self.parameters.get("doc")
        return str(found) if found else None

    def can_attach(self) -> bool:
        capabilities = self.calendar.get("capabilities")
        return capabilities is None or bool(capabilities.get("canAddAttachments"))


def _endpoint_url() -> str:
    """This endpoint's URL as Google names it (the audience of its token)."""
    base = coach().settings.public_url
    if not base:
        return request.url
    query = request.query_string.decode()
    return base + request.path + (f"?{query}" if query else "")


def _action_url() -> str:
    base = coach().settings.public_url or request.host_url.rstrip("/")
    return base + PATHS["action"]


def _verified() -> _Event:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Unauthorized("the body is not an event object")
    tokens = coach().addon_tokens()
    tokens.system(request.headers.get("Authorization"), _endpoint_url())
    event = _Event(body)
    event.user = tokens.user(event.user_id_token)
    return event


def _handle(work) -> Response:
    try:
        event = _verified()
    except Unauthorized as refused:
        log.warning("add-on request to %s refused: %s", request.path, refused)
        return jsonify(error="unauthorized"), 401
    try:
        return jsonify(work(event))
    except UserError as error:
        return jsonify(cards.notify(str(error)))
    except GoogleApiError as error:
        log.warning("add-on request: Google API call failed: %s", error.summary)
        return jsonify(cards.notify("Google did not answer as expected; try again in a minute."))
    except Exception:  # a defect: the person gets a line, the log gets the trace
        log.exception("add-on request to %s failed", request.path)
        return jsonify(cards.notify("Something went wrong on our side; it has been logged."))


def _person(event: _Event):
    return coach().person(event.user_token)


def _docs(event: _Event):
    """Docs as the person, as far as their token reaches (the doc they granted)."""
    return _person(event).docs(event.user, any_doc=True)


# --- triggers --------------------------------------------------------------------------------
@bp.post(PATHS["home"])
@bp.post(PATHS["calendar_home"])
def home():
    def work(event: _Event) -> dict:
        pairs = [p for p in coach().store.pairs() if event.user in (p.manager, p.report)
                 and p.doc_id]
        links = [(coach().name_of(p.report if p.manager == event.user else p.manager),
                  f"https://docs.google.com/document/d/{p.doc_id}/edit") for p in pairs]
        return cards.push(cards.home_card(links))
    return _handle(work)


@bp.post(PATHS["calendar_open"])
def calendar_open():
    return _handle(lambda event: cards.push(_event_card(event)))


@bp.post(PATHS["calendar_update"])
def calendar_update():
    return _handle(lambda event: cards.update(_event_card(event)))


@bp.post(PATHS["docs_home"])
@bp.post(PATHS["docs_granted"])
def docs_home():
    return _handle(lambda event: cards.push(_doc_card(event)))


@bp.post(PATHS["settings"])
def settings():
    return _handle(lambda event: cards.push(_about(event)))


def _about(event: _Event) -> dict:
    opted_out = event.user in coach().rollout().opted_out()
    return cards.about_card(cards.Actions(_action_url()), opted_out)


def _event_card(event: _Event, notice: str = "") -> dict:
    if not event.event_id:
        return cards.home_card([])
    panel = coach().addon().event_panel(event.user, _person(event).calendar(event.user),
                                        event.event_id, notice)
    return _render_event(panel)


def _render_event(panel) -> dict:
    actions = cards.Actions(_action_url())
    if isinstance(panel, PairPanel):
        return cards.pair_card(panel, actions)
    return cards.other_card(panel, actions)


def _doc_card(event: _Event) -> dict:
    panel = coach().addon().doc_panel(event.user, _docs(event), event.doc_id)
    return _render_doc(panel)


def _render_doc(panel) -> dict:
    actions = cards.Actions(_action_url())
    if isinstance(panel, OutsidePanel):
        return cards.outside_card(panel, actions)
    return cards.doc_card(panel, actions)


# --- buttons ---------------------------------------------------------------------------------
@bp.post(PATHS["action"])
def action():
    return _handle(_act)


def _act(event: _Event) -> dict:
    addon, person = coach().addon(), _person(event)
    do, params = event.parameters.get("do"), event.parameters
    if do == "add_agenda":
        panel = addon.add_agenda(event.user, person.calendar(event.user), event.event_id)
        if panel.attach is not None and event.can_attach():
            return cards.attach(panel.attach, _render_event(panel), panel.notice)
        return cards.update(_render_event(panel), panel.notice)
    if do == "mark":
        panel = addon.mark(event.user, person.calendar(event.user), event.event_id,
                           params.get("one_on_one") == "true")
        return cards.update(_render_event(panel), panel.notice)
    if do == "grant":
        return cards.request_file_access()
    if do == "opt_out":
        coach().rollout().opt_out(event.user)
        return cards.update(_about(event), "The coach has stopped: it no longer reads your "
                                            "calendar.")
    if do in ("mark_done", "gather"):
        if not event.doc_id:
            raise UserError("Open the doc first.")
        docs = _docs(event)
        panel = (addon.mark_done(event.user, docs, event.doc_id, params.get("item", ""))
                 if do == "mark_done" else addon.gather_now(event.user, docs, event.doc_id))
        return cards.update(_render_doc(panel), panel.notice)
    raise UserError("This button is not known; reload the panel.")
