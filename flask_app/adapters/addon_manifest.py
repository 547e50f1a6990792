"""The Workspace add-on's deployment resource (``gcloud workspace-add-ons deployments create
ID --deployment-file=addon/deployment.json``) for the service at a base URL.

Every trigger and action is an HTTPS endpoint of the service (``flask_app/web/addon.py``). The
scopes are the narrowest that work; why each is there is said beside it.
"""
from __future__ import annotations

import json

from google.cloud import gsuiteaddons_v1
from google.protobuf import json_format
from google.protobuf.json_format import ParseError

from ..errors import InputError

SCOPES = {
    "https://www.googleapis.com/auth/calendar.addons.execute":
        "runs in Calendar at all (always needed by a Calendar add-on)",
    "https://www.googleapis.com/auth/calendar.addons.current.event.read":
        "the open event's attendees arrive in the event object",
    "https://www.googleapis.com/auth/calendar.addons.current.event.write":
        "'Add the agenda now' attaches the doc to the open event",
    "https://www.googleapis.com/auth/calendar.events.readonly":
        "reads the open event itself (title, times, recurrence) with the person's token",
    "https://www.googleapis.com/auth/drive.file":
        "the one doc the person opened the add-on in, and only after they grant it",
    "https://www.googleapis.com/auth/userinfo.email":
        "who is using the add-on (their email, in the user ID token)",
}
PATHS = {"home": "/addon/home", "calendar_open": "/addon/calendar/open",
         "calendar_update": "/addon/calendar/update", "calendar_home": "/addon/calendar/home",
         "docs_home": "/addon/docs/home", "docs_granted": "/addon/docs/granted",
         "settings": "/addon/settings", "action": "/addon/action"}


def deployment(base_url: str) -> dict:
    """The deployment for the service at ``base_url`` (validated against Google's own type)."""
    base = base_url.rstrip("/")
    url = {name: base + path for name, path in PATHS.items()}
    manifest = {
        "oauthScopes": list(SCOPES),
        "addOns": {
            "common": {
                "name": "One-on-One Coach",
                "logoUrl": f"{base}/static/logo.png",
                "layoutProperties": {"primaryColor": "#1a73e8", "secondaryColor": "#188038"},
                "homepageTrigger": {"runFunction": url["home"], "enabled": True},
                "universalActions": [{"label": "About the coach and your data",
                                      "runFunction": url["settings"]}],
                "openLinkUrlPrefixes": ["https://docs.google.com/", base + "/"],
            },
            "calendar": {
                "currentEventAccess": "READ_WRITE",
                "homepageTrigger": {"runFunction": url["calendar_home"]},
                "eventOpenTrigger": {"runFunction": url["calendar_open"]},
                "eventUpdateTrigger": {"runFunction": url["calendar_update"]},
            },
            "docs": {
                "homepageTrigger": {"runFunction": url["docs_home"]},
                "onFileScopeGrantedTrigger": {"runFunction": url["docs_granted"]},
            },
            "httpOptions": {"authorizationHeader": "SYSTEM_ID_TOKEN"},
        },
    }
    check(manifest)
    return manifest


def check(manifest: dict) -> None:
    """:raises InputError: naming the field Google's Deployment type does not know."""
    try:
        json_format.Parse(json.dumps(manifest), gsuiteaddons_v1.Deployment.pb()())
    except ParseError as error:
        raise InputError(f"not a valid add-on deployment: {error}") from error
