"""The schema of an HTTP add-on's deployment resource (``gsuiteaddons.googleapis.com/v1``
``projects.deployments``), field for field the ``google.cloud.gsuiteaddons.v1.Deployment`` proto
and the ``google.apps.script.type`` manifests it is built from (google-cloud-gsuiteaddons 0.5).

Fields Google added later (``calendar.eventAttachmentTrigger``, ``docs.linkPreviewTriggers`` and
``createActionTriggers``, ``httpOptions.granularOauthPermissionSupport``) are not in that proto
and are refused like any unknown name.
"""
from __future__ import annotations

from workspace_sandbox.addons.schema import Schemas

_STRING = {"type": "string"}
_STRINGS = {"type": "array", "items": _STRING}


def _object(**properties) -> dict:
    return {"type": "object", "properties": {
        key: {"$ref": value} if isinstance(value, str) else value
        for key, value in properties.items()}}


def _list(ref: str) -> dict:
    return {"type": "array", "items": {"$ref": ref}}


def _enum(*values: str) -> dict:
    return {"type": "string", "enum": list(values)}


_POINT = _object(runFunction=_STRING)
_FILE_SCOPED = _object(homepageTrigger="HomepageExtensionPoint",
                       onFileScopeGrantedTrigger="ExtensionPoint")

SCHEMAS = Schemas(
    schemas={
        "Deployment": _object(name=_STRING, oauthScopes=_STRINGS, addOns="AddOns", etag=_STRING),
        "AddOns": _object(common="CommonAddOnManifest", gmail="GmailAddOnManifest",
                          drive="DriveAddOnManifest", calendar="CalendarAddOnManifest",
                          docs="FileScopedAddOnManifest", sheets="FileScopedAddOnManifest",
                          slides="FileScopedAddOnManifest", httpOptions="HttpOptions"),
        "CommonAddOnManifest": _object(
            name=_STRING, logoUrl=_STRING, layoutProperties="LayoutProperties",
            addOnWidgetSet="AddOnWidgetSet", useLocaleFromApp={"type": "boolean"},
            homepageTrigger="HomepageExtensionPoint",
            universalActions=_list("UniversalActionExtensionPoint"),
            openLinkUrlPrefixes={"type": "array", "items": {}}),  # a protobuf ListValue
        "LayoutProperties": _object(primaryColor=_STRING, secondaryColor=_STRING),
        "AddOnWidgetSet": _object(usedWidgets={"type": "array", "items": _enum(
            "WIDGET_TYPE_UNSPECIFIED", "DATE_PICKER", "STYLED_BUTTONS", "PERSISTENT_FORMS",
            "FIXED_FOOTER", "UPDATE_SUBJECT_AND_RECIPIENTS", "GRID_WIDGET",
            "ADDON_COMPOSE_UI_ACTION")}),
        "HomepageExtensionPoint": _object(runFunction=_STRING, enabled={"type": "boolean"}),
        "UniversalActionExtensionPoint": _object(label=_STRING, openLink=_STRING,
                                                 runFunction=_STRING),
        "ExtensionPoint": _POINT,
        "GmailAddOnManifest": _object(
            homepageTrigger="HomepageExtensionPoint",
            contextualTriggers=_list("ContextualTrigger"), universalActions=_list("GmailAction"),
            composeTrigger="ComposeTrigger", authorizationCheckFunction=_STRING),
        "ContextualTrigger": _object(unconditional=_object(), onTriggerFunction=_STRING),
        "GmailAction": _object(text=_STRING, openLink=_STRING, runFunction=_STRING),
        "ComposeTrigger": _object(actions=_list("MenuItemExtensionPoint"),
                                  draftAccess=_enum("UNSPECIFIED", "NONE", "METADATA")),
        "MenuItemExtensionPoint": _object(runFunction=_STRING, label=_STRING, logoUrl=_STRING),
        "DriveAddOnManifest": _object(homepageTrigger="HomepageExtensionPoint",
                                      onItemsSelectedTrigger="ExtensionPoint"),
        "CalendarAddOnManifest": _object(
            homepageTrigger="HomepageExtensionPoint",
            conferenceSolution=_list("ConferenceSolution"), createSettingsUrlFunction=_STRING,
            eventOpenTrigger="ExtensionPoint", eventUpdateTrigger="ExtensionPoint",
            currentEventAccess=_enum("UNSPECIFIED", "METADATA", "READ", "WRITE", "READ_WRITE")),
        "ConferenceSolution": _object(onCreateFunction=_STRING, id=_STRING, name=_STRING,
                                      logoUrl=_STRING),
        "FileScopedAddOnManifest": _FILE_SCOPED,
        "HttpOptions": _object(authorizationHeader=_enum(
            "HTTP_AUTHORIZATION_HEADER_UNSPECIFIED", "SYSTEM_ID_TOKEN", "USER_ID_TOKEN", "NONE")),
    },
    # "Required." in the protos' comments; common.name and logoUrl per the manifest reference.
    required={"Deployment": ("addOns",), "AddOns": ("common",),
              "CommonAddOnManifest": ("name", "logoUrl"),
              "HomepageExtensionPoint": ("runFunction",), "ExtensionPoint": ("runFunction",),
              "UniversalActionExtensionPoint": ("label",), "GmailAction": ("text",),
              "ContextualTrigger": ("onTriggerFunction",),
              "MenuItemExtensionPoint": ("runFunction", "label"),
              "ConferenceSolution": ("onCreateFunction", "id", "name")},
    oneofs={"UniversalActionExtensionPoint": ((("openLink", "runFunction"), True),),
            "GmailAction": ((("openLink", "runFunction"), True),),
            "ContextualTrigger": ((("unconditional",), True),)},
)

# Fields naming an endpoint: in an HTTP deployment each is the URL Google POSTs to.
ENDPOINT_FIELDS = ("runFunction", "onTriggerFunction", "onCreateFunction",
                   "createSettingsUrlFunction", "authorizationCheckFunction")
