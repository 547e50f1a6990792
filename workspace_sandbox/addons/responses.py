"""What an add-on endpoint may answer, checked as Google's host checks it before showing anything.

The shapes are those of Google's "JSON Response Objects" (render action, navigation,
notification, host app action markup) on
https://developers.google.com/workspace/add-ons/guides/alternate-runtimes, with cards checked
against Card v1 (:mod:`.schema`). Accepted: ``{"action": ...}``, ``{"renderActions": {"action",
"hostAppAction"}, "stateChanged"?}`` (Google's samples use both), ``{}`` (nothing to change) and a
bare card (shown like ``pushCard``). Navigations are ``pushCard``, ``updateCard``, ``pop`` (Google's
schema) or ``popCard`` (seen in HTTP add-ons; unconfirmed), ``popToRoot`` and ``popToCard``. Host
actions: Calendar's ``addAttachmentsActionMarkup`` and ``editAttendeesActionMarkup``, the editors'
``requestFileScopeForActiveDocument``; conference data and other hosts' actions are not modelled
and are refused as unknown names. Every ``action.function`` must be an endpoint URL. Links open
as Card v1 says: ``http://`` becomes ``https://`` (but on the loopback interface).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from workspace_sandbox.addons.deployment import is_endpoint, opened_url
from workspace_sandbox.addons.schema import (CARD, CARD_ONEOFS, SchemaError, Schemas, card_required,
                                             card_schemas)

_BOOL, _STRING = {"type": "boolean"}, {"type": "string"}
_ENVELOPE = {
    "Response": {"type": "object", "properties": {
        "action": {"$ref": "Action"}, "renderActions": {"$ref": "RenderActions"},
        "stateChanged": _BOOL}},
    "RenderActions": {"type": "object", "properties": {
        "action": {"$ref": "Action"}, "hostAppAction": {"$ref": "HostAppAction"},
        "schema": _STRING}},
    "Action": {"type": "object", "properties": {
        "navigations": {"type": "array", "items": {"$ref": "Navigation"}},
        "link": {"$ref": "GoogleAppsCardV1OpenLink"}, "notification": {"$ref": "Notification"}}},
    "Navigation": {"type": "object", "properties": {
        "pushCard": {"$ref": CARD}, "updateCard": {"$ref": CARD}, "pop": _BOOL,
        "popCard": _BOOL, "popToRoot": _BOOL, "popToCard": _STRING}},
    "Notification": {"type": "object", "properties": {"text": _STRING}},
    "HostAppAction": {"type": "object", "properties": {
        "calendarAction": {"$ref": "CalendarAction"}, "editorAction": {"$ref": "EditorAction"}}},
    "CalendarAction": {"type": "object", "properties": {
        "addAttachmentsActionMarkup": {"type": "object", "properties": {
            "addonAttachments": {"type": "array", "items": {"$ref": "AddonAttachment"}}}},
        "editAttendeesActionMarkup": {"type": "object", "properties": {
            "addAttendeeEmails": {"type": "array", "items": _STRING}}}}},
    "AddonAttachment": {"type": "object", "properties": {
        "resourceUrl": _STRING, "title": _STRING, "mimeType": _STRING, "iconUrl": _STRING}},
    "EditorAction": {"type": "object", "properties": {
        "requestFileScopeForActiveDocument": {"type": "object", "properties": {}}}},
}
_NAVIGATIONS = ("pushCard", "updateCard", "pop", "popCard", "popToRoot", "popToCard")
_ENVELOPE_KEYS = ("action", "renderActions", "stateChanged")


class InvalidResponse(ValueError):
    """An answer Google's host would refuse; the message says what is wrong."""


@dataclass
class Outcome:
    """What a valid answer asks the host to do."""

    navigations: list[dict] = field(default_factory=list)
    notification: str | None = None
    link: str | None = None
    host_action: dict | None = None


@cache
def schemas() -> Schemas:
    return Schemas(
        schemas={**card_schemas(), **_ENVELOPE},
        required={**card_required(), "Notification": ("text",),
                  "AddonAttachment": ("resourceUrl",)},
        oneofs={**CARD_ONEOFS, "Navigation": ((_NAVIGATIONS, True),),
                "HostAppAction": ((("calendarAction", "editorAction"), True),)})


def check_card(card, where: str = "card") -> None:
    """Raise :class:`InvalidResponse` unless ``card`` is a valid Card v1 for an HTTP add-on."""
    try:
        schemas().check(card, CARD, where)
    except SchemaError as error:
        raise InvalidResponse(str(error)) from None
    _check_functions(card, where)


def parse(answer) -> Outcome:
    """The outcome of an endpoint's JSON answer, or :class:`InvalidResponse`."""
    if not isinstance(answer, dict):
        raise InvalidResponse("The response is not a JSON object.")
    if not answer:
        return Outcome()
    if not set(answer) & set(_ENVELOPE_KEYS):
        check_card(answer, "card")
        return Outcome(navigations=[{"pushCard": answer}])
    try:
        schemas().check(answer, "Response", "response")
    except SchemaError as error:
        raise InvalidResponse(str(error)) from None
    if "action" in answer and "renderActions" in answer:
        raise InvalidResponse("Invalid value at 'response': only one of action, renderActions "
                              "may be set.")
    _check_functions(answer, "response")
    render = answer.get("renderActions") or {"action": answer.get("action")}
    action = render.get("action") or {}
    return Outcome(navigations=list(action.get("navigations") or ()),
                   notification=(action.get("notification") or {}).get("text"),
                   link=opened_url(action["link"]["url"]) if action.get("link") else None,
                   host_action=render.get("hostAppAction"))


def _check_functions(node, where: str) -> None:
    """Every ``function`` (Action.function, the only field of that name) is an endpoint URL."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "function" and not is_endpoint(value):
                raise InvalidResponse(f"Invalid value at '{where}.function': \"{value}\" is not "
                                      "an HTTPS URL (an HTTP add-on's functions are endpoints).")
            _check_functions(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _check_functions(item, f"{where}[{i}]")
