"""Who may ask the sandbox's account server for tokens: OAuth clients and service accounts.

Every world holds (see :func:`seed`):
- the service's web client ``coach-web.apps.sandbox.example``. Google only accepts redirect URIs
  registered exactly; this sandbox client also accepts any loopback one (``http(s)://127.0.0.1:*/…``,
  ``http(s)://localhost:*/…``, ``http(s)://[::1]:*/…``) so the service can run on any local port.
  Clients registered with :func:`register` get Google's exact-match rule only;
- the service account ``coach-sync@one-on-one-coach.iam.gserviceaccount.com`` with its RSA key and
  domain-wide delegation for :data:`DEFAULT_DELEGATION`;
- the OpenID Connect signing key.
"""
from __future__ import annotations

import secrets
from functools import cache
from urllib.parse import quote, urlsplit

from workspace_sandbox.core import discovery

from workspace_sandbox.core import signing
from workspace_sandbox.core.world import Tx

WEB_CLIENT_ID = "coach-web.apps.sandbox.example"
WEB_CLIENT_SECRET = "GOCSPX-sandbox-coach-web"
PROJECT_ID = "one-on-one-coach"
SERVICE_ACCOUNT = f"coach-sync@{PROJECT_ID}.iam.gserviceaccount.com"
SERVICE_ACCOUNT_CLIENT_ID = "107345998812390451027"
_AUTH = "https://www.googleapis.com/auth/"
# Reading groups and their members (admin.directory.group.*) came with world format 3.
GROUP_DELEGATION = tuple(_AUTH + s for s in (
    "admin.directory.group.readonly", "admin.directory.group.member.readonly"))
# Reading free/busy for cohort sessions (calendar.freebusy) came with world format 4.
FREEBUSY_DELEGATION = (_AUTH + "calendar.freebusy",)
DEFAULT_DELEGATION = tuple(_AUTH + s for s in (
    "calendar", "calendar.events", "drive.file", "documents", "admin.directory.user.readonly",
    "admin.directory.orgunit.readonly", "userinfo.email")) + GROUP_DELEGATION + FREEBUSY_DELEGATION + (
    "openid",)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def seed(tx: Tx) -> None:
    """Create the web client, the service account (with delegation) and the signing key."""
    tx.put("oauth.client", WEB_CLIENT_ID, {"secret": WEB_CLIENT_SECRET, "redirect_uris": [],
                                           "loopback": True, "name": "One-on-One Coach"})
    key = signing.make_key("service_account", SERVICE_ACCOUNT)
    tx.put("oauth.service_account", SERVICE_ACCOUNT,
           {"client_id": SERVICE_ACCOUNT_CLIENT_ID, "project_id": PROJECT_ID, **key})
    set_delegation(tx, SERVICE_ACCOUNT_CLIENT_ID, list(DEFAULT_DELEGATION))
    signing.seed_signing_key(tx)


def register(tx: Tx, redirect_uris: list[str], client_id: str | None = None,
             name: str | None = None) -> dict:
    """Register a web client with exactly these redirect URIs: ``{client_id, client_secret}``."""
    client_id = client_id or (f"{secrets.randbelow(10**12):012d}-{secrets.token_hex(16)}"
                              ".apps.googleusercontent.com")
    if client(tx, client_id) is not None:
        raise ValueError(f"The OAuth client {client_id} already exists.")
    secret = "GOCSPX-" + secrets.token_urlsafe(21)
    tx.put("oauth.client", client_id, {"secret": secret, "redirect_uris": list(redirect_uris),
                                       "loopback": False, "name": name or client_id})
    return {"client_id": client_id, "client_secret": secret}


def client(tx: Tx, client_id: str | None) -> dict | None:
    """A registered OAuth client: ``{secret, redirect_uris, loopback, name}``, or None."""
    return tx.get("oauth.client", client_id) if client_id else None


def redirect_allowed(registered: dict, uri: str) -> bool:
    """Whether a client may be sent back to ``uri`` (exact registration, or loopback if allowed)."""
    if uri in registered["redirect_uris"]:
        return True
    parts = urlsplit(uri)
    return (registered.get("loopback", False) and parts.scheme in ("http", "https")
            and parts.hostname in LOOPBACK_HOSTS and not parts.fragment)


def service_account(tx: Tx, email: str) -> dict | None:
    """``{client_id, project_id, kid, private_key, certificate}`` of a service account, or None."""
    return tx.get("oauth.service_account", email)


def delegated_scopes(tx: Tx, client_id: str) -> list[str]:
    """The scopes the domain's admin authorised for a client's domain-wide delegation."""
    record = tx.get("oauth.delegation", client_id)
    return record["scopes"] if record else []


def set_delegation(tx: Tx, client_id: str, scopes: list[str]) -> None:
    tx.put("oauth.delegation", client_id, {"scopes": list(scopes)})


def upgrade_delegation(tx: Tx, added: tuple[str, ...] = GROUP_DELEGATION) -> None:
    """A world kept from before ``added`` scopes: the service account gets them too, if it may
    still read users (a delegation narrowed through the control plane stays narrow)."""
    scopes = delegated_scopes(tx, SERVICE_ACCOUNT_CLIENT_ID)
    if _AUTH + "admin.directory.user.readonly" in scopes:
        set_delegation(tx, SERVICE_ACCOUNT_CLIENT_ID,
                       scopes + [s for s in added if s not in scopes])


def is_delegated(tx: Tx, client_id: str, user: str) -> bool:
    """Whether a token's holder is a service account acting for a domain user."""
    return any(sa["client_id"] == client_id and email != user
               for email, sa in tx.items("oauth.service_account"))


def service_account_info(tx: Tx, base_url: str, email: str = SERVICE_ACCOUNT) -> dict:
    """The service account's key file, exactly as the Cloud console downloads it."""
    sa = service_account(tx, email)
    return {
        "type": "service_account", "project_id": sa["project_id"], "private_key_id": sa["kid"],
        "private_key": sa["private_key"], "client_email": email, "client_id": sa["client_id"],
        "auth_uri": f"{base_url}/o/oauth2/auth", "token_uri": f"{base_url}/token",
        "auth_provider_x509_cert_url": f"{base_url}/oauth2/v1/certs",
        "client_x509_cert_url": f"{base_url}/robot/v1/metadata/x509/{quote(email)}",
        "universe_domain": "googleapis.com",
    }


def client_secrets(tx: Tx, client_id: str, base_url: str) -> dict | None:
    """A client's ``client_secret.json`` as the Cloud console downloads it, or None."""
    registered = client(tx, client_id)
    if registered is None:
        return None
    return {"web": {"client_id": client_id, "project_id": PROJECT_ID,
                    "auth_uri": f"{base_url}/o/oauth2/auth", "token_uri": f"{base_url}/token",
                    "auth_provider_x509_cert_url": f"{base_url}/oauth2/v1/certs",
                    "client_secret": registered["secret"],
                    "redirect_uris": registered["redirect_uris"]}}


# --- scopes ----------------------------------------------------------------------------------

EMAIL_SCOPE = _AUTH + "userinfo.email"
PROFILE_SCOPE = _AUTH + "userinfo.profile"
_ALIASES = {"email": EMAIL_SCOPE, "profile": PROFILE_SCOPE}
_ACCOUNT_SCOPES = {
    "openid": "Associate you with your personal info on Google",
    EMAIL_SCOPE: "See your primary Google Account email address",
    PROFILE_SCOPE: "See your personal info, including any personal info you've made publicly "
                   "available",
    _AUTH + "calendar.addons.execute": "Run as a Calendar add-on",
    _AUTH + "calendar.addons.current.event.read": "See the events you open in Google Calendar",
    _AUTH + "calendar.addons.current.event.write": "Edit the events you open in Google Calendar",
    _AUTH + "script.locale": "See your primary Google Account language and time zone",
}


@cache
def known_scopes() -> dict[str, str]:
    """Every scope the sandbox knows, with the description Google shows on its consent screen."""
    scopes = dict(_ACCOUNT_SCOPES)
    for api in discovery.APIS:
        for scope, spec in discovery.document(api)["auth"]["oauth2"]["scopes"].items():
            scopes.setdefault(scope, spec["description"])
    return scopes


def normalize_scopes(scopes: list[str]) -> tuple[list[str], list[str]]:
    """Requested scopes as Google grants them (``email`` -> ``.../userinfo.email``, no duplicates),
    and the unknown ones."""
    granted = list(dict.fromkeys(_ALIASES.get(s, s) for s in scopes if s))
    return granted, [s for s in granted if s not in known_scopes()]
