"""Checking JSON against schemas in the discovery-document format, as Google's front ends check
it: unknown names, types and enum values (with the messages Google's JSON parser gives), plus
required fields and oneofs, which discovery documents do not express and Google's protos do.

Google's Card v1 schemas (``GoogleAppsCardV1*``) come from the ``chat.v1`` discovery document
shipped with google-api-python-client; their required fields are those whose description starts
with "Required.", plus those Google's add-on JSON schema samples require (the "Sample JSON
Schemas" of https://developers.google.com/workspace/add-ons/guides/alternate-runtimes); their
oneofs are those of the ``google.apps.card.v1`` protos.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache

from workspace_sandbox.core.discovery import DOCUMENTS

CARD = "GoogleAppsCardV1Card"
# Required by Google's add-on JSON schema samples (the discovery document only says so in prose).
_SAMPLE_REQUIRED = {"GoogleAppsCardV1Card": ("sections",), "GoogleAppsCardV1Section": ("widgets",),
                    "GoogleAppsCardV1TextParagraph": ("text",),
                    "GoogleAppsCardV1Image": ("imageUrl",), "GoogleAppsCardV1TextInput": ("name",),
                    "GoogleAppsCardV1OpenLink": ("url",), "GoogleAppsCardV1Action": ("function",)}
# The protos' oneofs: (members, whether one must be set). A widget, a click or an icon with none
# set is refused (unconfirmed: Google may show nothing instead).
CARD_ONEOFS = {
    "GoogleAppsCardV1Widget": ((("textParagraph", "image", "decoratedText", "buttonList",
                                 "textInput", "selectionInput", "dateTimePicker", "divider",
                                 "grid", "columns", "carousel", "chipList"), True),),
    "GoogleAppsCardV1OnClick": ((("action", "openLink", "openDynamicLinkAction", "card",
                                  "overflowMenu"), True),),
    "GoogleAppsCardV1Icon": ((("knownIcon", "iconUrl", "materialIcon"), True),),
    "GoogleAppsCardV1DecoratedText": ((("button", "switchControl", "endIcon"), False),),
    "GoogleAppsCardV1SelectionInput": ((("externalDataSource", "platformDataSource"), False),),
}


class SchemaError(ValueError):
    """JSON the schema does not allow; the message names where."""


@dataclass(frozen=True)
class Schemas:
    """Named schemas with their required fields and oneofs."""

    schemas: dict
    required: dict = field(default_factory=dict)
    oneofs: dict = field(default_factory=dict)

    def check(self, value, ref: str, where: str) -> None:
        """Raise :class:`SchemaError` unless ``value`` is a valid ``ref`` (found at ``where``)."""
        self._check(value, {"$ref": ref}, where)

    def _check(self, value, schema: dict, where: str) -> None:
        name = schema.get("$ref")
        if name:
            schema = self.schemas[name]
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            self._object(value, schema, name, where)
        elif kind == "array":
            if not isinstance(value, list):
                raise SchemaError(f"Invalid JSON payload received. Invalid value at '{where}': "
                                  "expected a list.")
            for i, item in enumerate(value):
                self._check(item, schema.get("items", {}), f"{where}[{i}]")
        elif kind is not None:
            _scalar(value, schema, where)

    def _object(self, value, schema: dict, name: str | None, where: str) -> None:
        if not isinstance(value, dict):
            raise SchemaError(f"Invalid JSON payload received. Invalid value at '{where}': "
                              "expected an object.")
        properties, extra = schema.get("properties", {}), schema.get("additionalProperties")
        for key, item in value.items():
            if key in properties:
                self._check(item, properties[key], f"{where}.{key}")
            elif extra is not None:
                self._check(item, extra, f"{where}[{key!r}]")
            else:
                raise SchemaError(f"Invalid JSON payload received. Unknown name \"{key}\" at "
                                  f"'{where}': Cannot find field.")
        for key in self.required.get(name, ()):
            if value.get(key) in (None, "", [], {}):
                raise SchemaError(f"Missing required field '{key}' at '{where}'.")
        for members, needed in self.oneofs.get(name, ()):
            found = [key for key in members if key in value]
            if len(found) > 1:
                raise SchemaError(f"Invalid value at '{where}': only one of {', '.join(members)} "
                                  f"may be set, not {' and '.join(found)}.")
            if needed and not found:
                raise SchemaError(f"Invalid value at '{where}': one of {', '.join(members)} "
                                  "is required.")


def _scalar(value, schema: dict, where: str) -> None:
    kind = schema["type"]
    if kind == "string":
        if schema.get("format") in ("int64", "uint64") and isinstance(value, int):
            return
        if not isinstance(value, str):
            raise SchemaError(f"Invalid JSON payload received. Invalid value at '{where}' "
                              f"({type(value).__name__}): expected a string.")
        if "enum" in schema and value not in schema["enum"]:
            raise SchemaError(f"Invalid value at '{where}' (TYPE_ENUM), \"{value}\"")
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, (int, str)) or (
                isinstance(value, str) and not value.lstrip("-").isdigit()):
            raise SchemaError(f"Invalid value at '{where}' (TYPE_INT32), {json.dumps(value)}")
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SchemaError(f"Invalid value at '{where}' (TYPE_FLOAT), {json.dumps(value)}")
    elif kind == "boolean" and not isinstance(value, bool):
        raise SchemaError(f"Invalid value at '{where}' (TYPE_BOOL), {json.dumps(value)}")


@cache
def card_schemas() -> dict:
    """The ``chat.v1`` discovery document's schemas (Card v1 and what it refers to)."""
    return json.loads((DOCUMENTS / "chat.v1.json").read_text(encoding="utf-8"))["schemas"]


@cache
def card_required() -> dict:
    """Required fields of the Card v1 schemas."""
    required: dict[str, tuple[str, ...]] = {}
    for name, schema in card_schemas().items():
        if name.startswith("GoogleAppsCardV1"):
            marked = tuple(key for key, spec in schema.get("properties", {}).items()
                           if spec.get("description", "").startswith("Required."))
            required[name] = marked + tuple(key for key in _SAMPLE_REQUIRED.get(name, ())
                                            if key not in marked)
    return required

