"""Event objects as Google builds them for an HTTP add-on, and the request's headers.

``commonEventObject``: ``hostApp``, ``platform`` (always ``WEB``), ``formInputs`` and
``parameters`` when there are any, ``userLocale`` and ``timeZone {id, offset}`` (milliseconds)
only with ``useLocaleFromApp`` and the ``script.locale`` scope. ``authorizationEventObject``:
``userOAuthToken`` (the deployment's scopes, the add-on's client), ``systemIdToken``,
``userIdToken`` when the deployment asks for the e-mail scope, ``authorizedScopes`` (Google's
granular-consent list; the sandbox's people grant every scope). Then the host's part
(:mod:`.calendar_host`, :mod:`.docs_host`). ``Authorization`` carries the system ID token (or, as
``httpOptions.authorizationHeader`` says, the user's, or none); its ``aud`` is the endpoint URL
exactly as called, query string included. The locale is the person's directory language as stored
(e.g. ``de``; Google's exact form is unconfirmed), the zone their calendar's.
"""
from __future__ import annotations

from workspace_sandbox.addons import calendar_host, docs_host, identity
from workspace_sandbox.addons.deployment import authorization_header, scopes, uses_locale
from workspace_sandbox.addons.session import HOST_APPS, Session
from workspace_sandbox.calendar.store import CALENDAR
from workspace_sandbox.calendar.times import UTC, zone
from workspace_sandbox.core.world import Tx


def build(tx: Tx, deployment: dict, session: Session, url: str, parameters: dict,
          form_inputs: dict) -> tuple[dict, dict]:
    """The event object for a call of ``url`` in this panel, and the request's headers."""
    granted = scopes(deployment)
    common = {"hostApp": HOST_APPS[session.host], "platform": "WEB"}
    if uses_locale(deployment):
        common.update(_locale(tx, session.user))
    if form_inputs:
        common["formInputs"] = form_inputs
    if parameters:
        common["parameters"] = parameters
    auth = {"userOAuthToken": identity.user_oauth_token(tx, session.user, granted),
            "systemIdToken": identity.system_id_token(tx, url), "authorizedScopes": granted}
    if identity.wants_user_id_token(granted):
        auth["userIdToken"] = identity.user_id_token(tx, session.user)
    event = {"commonEventObject": common, "authorizationEventObject": auth}
    part = (calendar_host.event_part(tx, deployment, session.user, session.context)
            if session.host == "calendar" else docs_host.event_part(tx, session.user,
                                                                     session.context))
    if part is not None:
        event[session.host] = part
    headers = {"Content-Type": "application/json"}
    token = {"SYSTEM_ID_TOKEN": auth["systemIdToken"],
             "USER_ID_TOKEN": auth.get("userIdToken")}.get(authorization_header(deployment))
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return event, headers


def _locale(tx: Tx, user: str) -> dict:
    person = tx.get("dir.user", user) or {}
    calendar = tx.get(CALENDAR, user) or {}
    name = calendar.get("timeZone") or person.get("time_zone") or "UTC"
    offset = tx.now().astimezone(zone(name) or UTC).utcoffset()
    return {"userLocale": person.get("language") or "en",
            "timeZone": {"id": name, "offset": int(offset.total_seconds() * 1000)}}
