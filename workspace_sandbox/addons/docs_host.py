"""Google Docs as the add-on's host: the open document, the ``docs`` part of the event object and
the editors' file-scope request.

As Google documents, ``docs.id`` and ``docs.title`` are sent only once the person granted the
add-on ``drive.file`` access to that document (a ``drive.grant`` to the add-on's OAuth client,
:mod:`workspace_sandbox.drive.access`); ``addonHasFileScopePermission`` always. Drive keys that
access by OAuth client here; at Google it is believed to be per Cloud project (unconfirmed). When
an add-on asks with ``requestFileScopeForActiveDocument`` the person is taken to grant it (the
sandbox's people always allow; unconfirmed what Google does when it was granted already).
"""
from __future__ import annotations

from workspace_sandbox.addons.deployment import FILE_SCOPE, scopes
from workspace_sandbox.addons.identity import ADDON_CLIENT_ID
from workspace_sandbox.core.errors import ApiError
from workspace_sandbox.core.world import Tx
from workspace_sandbox.drive.access import GOOGLE_DOC, app_sees, file_not_found, grant_app, role_of


def _document(tx: Tx, user: str, document_id: str) -> dict:
    record = tx.get("drive.file", document_id)
    if (record is None or record["mimeType"] != GOOGLE_DOC
            or tx.get("docs.doc", document_id) is None or role_of(tx, record, user) is None):
        raise file_not_found(document_id)
    return record


def open_document(tx: Tx, user: str, document_id: str) -> dict:
    """The host context of a document the person opens (Drive's 404 if they cannot)."""
    _document(tx, user, document_id)
    return {"documentId": document_id}


def granted(tx: Tx, user: str, record: dict) -> bool:
    return app_sees(tx, "docs", (FILE_SCOPE,), ADDON_CLIENT_ID, user, record)


def event_part(tx: Tx, user: str, context: dict) -> dict | None:
    """The ``docs`` object of an event object (None when no document is open)."""
    if not context:
        return None
    record = _document(tx, user, context["documentId"])
    if not granted(tx, user, record):
        return {"addonHasFileScopePermission": False}
    return {"id": record["id"], "title": record["name"], "addonHasFileScopePermission": True}


def request_file_scope(tx: Tx, deployment: dict, user: str, context: dict) -> list[dict]:
    """``requestFileScopeForActiveDocument``: the person grants the add-on ``drive.file`` for the
    open document."""
    result = {"action": "requestFileScopeForActiveDocument"}
    if not context:
        return [{**result, "ok": False, "reason": "No document is open."}]
    if FILE_SCOPE not in scopes(deployment):
        return [{**result, "ok": False, "reason": "The deployment's oauthScopes lack "
                 f"{FILE_SCOPE}, which requestFileScopeForActiveDocument needs."}]
    try:
        record = _document(tx, user, context["documentId"])
    except ApiError as error:
        return [{**result, "ok": False, "reason": error.message}]
    grant_app(tx, ADDON_CLIENT_ID, user, record["id"])
    return [{**result, "ok": True, "documentId": record["id"]}]
