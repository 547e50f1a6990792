"""What a person can do with a card: the things they can click and the inputs they can fill in,
and the ``formInputs`` a click sends.

A click is anything with an ``onClick`` (buttons, decorated text, images, card actions, the fixed
footer, overflow menu items, grids), an ``onChangeAction`` (selection inputs, switches, text
inputs), or one of the deployment's universal actions. ``formInputs`` hold every input of the card
by name as ``{"stringInputs": {"value": [...]}}``; inputs left empty are not sent (unconfirmed).
Date and time pickers are not modelled.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

from workspace_sandbox.core.errors import ApiError


@dataclass(frozen=True)
class Clickable:
    """One thing to click: its visible label and what clicking does (a Card v1 ``OnClick``)."""

    label: str
    on_click: dict

    @property
    def target(self) -> dict:
        """The object the click names (an Action, an OpenLink or a Card): the card's own dict."""
        return next(iter(self.on_click.values()))

    @property
    def action(self) -> dict | None:
        return self.on_click.get("action") or self.on_click.get("openDynamicLinkAction")

    @property
    def parameters(self) -> dict:
        return {p.get("key", ""): p.get("value", "") for p in (self.action or {}).get(
            "parameters") or ()}


@dataclass(frozen=True)
class Input:
    """A named input: whether it holds several values, the values it offers (None: free text)
    and those it starts with."""

    name: str
    multiple: bool
    options: tuple[str, ...] | None
    initial: tuple[str, ...]


def plain(text: str) -> str:
    """Card text without its formatting tags."""
    return unescape(re.sub(r"<[^>]*>", "", text or "")).strip()


def clickables(card: dict | None, universal: list[dict] = ()) -> list[Clickable]:
    """Everything clickable on a card, in the order it shows, then the universal actions."""
    found: list[Clickable] = []
    _collect(card or {}, "", found)
    for item in universal:
        target = ({"openLink": {"url": item["openLink"]}} if "openLink" in item
                  else {"action": {"function": item["runFunction"]}})
        found.append(Clickable(item["label"], target))
    return found


def _collect(node, label: str, found: list[Clickable]) -> None:
    if isinstance(node, list):
        for item in node:
            _collect(item, label, found)
        return
    if not isinstance(node, dict):
        return
    label = plain(node.get("text") or node.get("actionLabel") or node.get("altText")
                  or node.get("title") or node.get("label") or node.get("name") or "") or label
    for key, value in node.items():
        if key == "onClick" and isinstance(value, dict):
            if "overflowMenu" in value:
                _collect(value["overflowMenu"], label, found)
            else:
                found.append(Clickable(label, value))
        elif key == "onChangeAction" and isinstance(value, dict):
            found.append(Clickable(label, {"action": value}))
        elif key != "card":  # a card an onClick pushes has its own clicks
            _collect(value, label, found)


def inputs(card: dict | None) -> dict[str, Input]:
    """The card's named inputs."""
    found: dict[str, Input] = {}
    _inputs(card or {}, found)
    return found


def _inputs(node, found: dict[str, Input]) -> None:
    if isinstance(node, list):
        for item in node:
            _inputs(item, found)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "textInput":
                found[value["name"]] = Input(value["name"], False, None,
                                             tuple(filter(None, [value.get("value")])))
            elif key == "selectionInput":
                items = value.get("items") or ()
                found[value["name"]] = Input(
                    value["name"], value.get("type") in ("CHECK_BOX", "SWITCH", "MULTI_SELECT"),
                    tuple(i.get("value", "") for i in items),
                    tuple(i.get("value", "") for i in items if i.get("selected")))
            elif key == "switchControl" and value.get("name"):
                found[value["name"]] = Input(value["name"], False, (value.get("value", ""),),
                                             (value.get("value", ""),) if value.get("selected")
                                             else ())
            elif key != "card":
                _inputs(value, found)


def form_inputs(card: dict | None, given: dict, *, complete: bool) -> dict:
    """``formInputs`` for a click: the card's inputs with the values ``given`` ({name: value or
    [values]}); ``complete`` when ``given`` is the whole form (a browser's post), else inputs not
    named keep their initial values. Names and values the card does not offer are a 400."""
    known = inputs(card)
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ApiError(400, "invalid", f"The card has no input named {', '.join(unknown)}.")
    out = {}
    for name, spec in known.items():
        values = given.get(name, [] if complete else list(spec.initial))
        values = [values] if isinstance(values, str) else list(values)
        if spec.options is not None and not set(values) <= set(spec.options):
            raise ApiError(400, "invalid", f"Input {name} offers {', '.join(spec.options)}; "
                           f"not {', '.join(sorted(set(values) - set(spec.options)))}.")
        if len(values) > 1 and not spec.multiple:
            raise ApiError(400, "invalid", f"Input {name} takes one value.")
        values = [v for v in values if v != ""]
        if values:
            out[name] = {"stringInputs": {"value": values}}
    return out


def find(clicks: list[Clickable], *, index: int | None = None, button: str | None = None,
         function: str | None = None, parameters: dict | None = None) -> Clickable:
    """The clickable a person clicks: by position, by its label, or by the action it runs."""
    if index is not None and 0 <= index < len(clicks):
        return clicks[index]
    for click in clicks:
        if button is not None and click.label == button:
            return click
        if (function is not None and click.action and click.action.get("function") == function
                and click.parameters == (parameters or {})):
            return click
    wanted = (f"position {index}" if index is not None else f"'{button}'" if button is not None
              else f"{function} with parameters {parameters or {}}")
    raise ApiError(400, "invalid", f"Nothing on the card runs {wanted}; it offers: "
                   + "; ".join(f"'{c.label}'" for c in clicks) + ".")
