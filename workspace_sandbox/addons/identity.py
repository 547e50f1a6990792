"""Who the add-on is: the project's add-ons service agent and the add-on's OAuth client, and the
tokens the host hands the add-on's endpoints.

The deployment belongs to the Cloud project of the service's web client and service account
(``PROJECT_ID`` in :mod:`workspace_sandbox.oauth.clients`). ``projects.getAuthorization`` gives
the service agent ``service-<PROJECT_NUMBER>@gcp-sa-gsuiteaddons.iam.gserviceaccount.com`` and an
OAuth client id; the sandbox's project number and both numeric ids are fixed values of its own
(the format of ``oauthClientId`` is unconfirmed). ID tokens are signed by the sandbox's Google
account key, as Google signs them, with real time for ``iat``/``exp`` (a one-hour lifetime).
"""
from __future__ import annotations

from workspace_sandbox.core import signing
from workspace_sandbox.core.tokens import issue_access_token
from workspace_sandbox.core.world import Tx
from workspace_sandbox.oauth.clients import EMAIL_SCOPE
from workspace_sandbox.oauth.tokens import identity

PROJECT_NUMBER = "418306672849"
SERVICE_AGENT = f"service-{PROJECT_NUMBER}@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"
SERVICE_AGENT_ID = "114729560183640293071"  # the service agent's unique id (its ``sub``)
ADDON_CLIENT_ID = "105839274610392847561"   # the add-on's OAuth client (``oauthClientId``)


def authorization() -> dict:
    """``projects.getAuthorization`` of the sandbox project."""
    return {"name": f"projects/{PROJECT_NUMBER}/authorization",
            "serviceAccountEmail": SERVICE_AGENT, "oauthClientId": ADDON_CLIENT_ID}


def system_id_token(tx: Tx, audience: str) -> str:
    """The service agent's ID token for one endpoint URL (``aud``: the URL exactly as called)."""
    return signing.sign_id_token(tx, {"aud": audience, "azp": SERVICE_AGENT_ID,
                                      "sub": SERVICE_AGENT_ID, "email": SERVICE_AGENT,
                                      "email_verified": True})


def user_id_token(tx: Tx, user: str) -> str:
    """The person's OpenID ID token for the add-on's client (``aud``: its ``oauthClientId``)."""
    person = identity(tx, user)
    claims = {"aud": ADDON_CLIENT_ID, "azp": ADDON_CLIENT_ID, "sub": person["sub"],
              "email": person["email"], "email_verified": True}
    if "hd" in person:
        claims["hd"] = person["hd"]
    return signing.sign_id_token(tx, claims)


def user_oauth_token(tx: Tx, user: str, scopes: list[str]) -> str:
    """An access token for the person holding exactly ``scopes``, issued to the add-on's client
    (so what it may see with ``drive.file`` is what was granted to the add-on)."""
    return issue_access_token(tx, user, ADDON_CLIENT_ID, scopes)["access_token"]


def wants_user_id_token(scopes: list[str]) -> bool:
    """Google sends ``userIdToken`` only when the deployment asks for the e-mail scope."""
    return EMAIL_SCOPE in scopes or "email" in scopes

