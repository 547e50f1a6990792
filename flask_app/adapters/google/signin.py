"""Google sign-in and people's own authorisations, through google-auth-oauthlib's web flow.

The flow runs with PKCE (S256) and a state; both are kept on the server by the caller (the
store), never in the browser. The answer's ID token is verified (:mod:`.id_tokens`) for the
web client. Scopes are asked for by purpose: signing in to the console asks for ``openid email
profile`` only, never Docs or Drive.
"""
from __future__ import annotations

from dataclasses import dataclass

import requests
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import Flow

from .clients import GoogleEndpoints
from .id_tokens import IdTokens, Unauthorized, certificates_for

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke"
SIGN_IN = ("openid", "https://www.googleapis.com/auth/userinfo.email",
           "https://www.googleapis.com/auth/userinfo.profile")


@dataclass(frozen=True)
class Started:
    url: str  # where to send the person
    state: str
    verifier: str  # the PKCE code verifier: keep it on the server


@dataclass(frozen=True)
class Finished:
    email: str
    refresh_token: str | None
    scopes: tuple[str, ...]


class GoogleSignIn:
    """The web client's flows against Google's (or the sandbox's) account server."""

    def __init__(self, endpoints: GoogleEndpoints, client_id: str, client_secret: str):
        self._endpoints = endpoints
        self._client_id, self._secret = client_id, client_secret
        self._tokens = IdTokens(certificates_for(endpoints))
        root = endpoints.root
        self._config = {"web": {
            "client_id": client_id, "client_secret": client_secret,
            "auth_uri": f"{root}/o/oauth2/v2/auth" if root else GOOGLE_AUTH_URI,
            "token_uri": endpoints.token_uri}}
        self._revoke = f"{root}/revoke" if root else GOOGLE_REVOKE_URI

    @property
    def client(self) -> tuple[str, str]:
        """The web client's ID and secret."""
        return self._client_id, self._secret

    def start(self, scopes: tuple[str, ...], redirect_uri: str, *, offline: bool = False,
              login_hint: str | None = None) -> Started:
        flow = Flow.from_client_config(self._config, scopes=list(scopes),
                                       redirect_uri=redirect_uri,
                                       autogenerate_code_verifier=True)
        extra = {"access_type": "offline", "prompt": "consent"} if offline else {}
        if login_hint:
            extra["login_hint"] = login_hint
        url, state = flow.authorization_url(**extra)
        return Started(url, state, flow.code_verifier)

    def finish(self, scopes: tuple[str, ...], redirect_uri: str, state: str, verifier: str,
               code: str) -> Finished:
        """Exchange the code (the caller checked ``state``) and verify who signed in.

        :raises Unauthorized: the exchange failed or the ID token is not valid.
        """
        flow = Flow.from_client_config(self._config, scopes=list(scopes), state=state,
                                       redirect_uri=redirect_uri, code_verifier=verifier)
        session = flow.oauth2session
        session.verify = self._endpoints.ca_file or True
        session.trust_env = False  # REQUESTS_CA_BUNDLE must not override the sandbox's CA
        try:
            flow.fetch_token(code=code)
        except (Warning, ValueError, requests.RequestException) as error:
            raise Unauthorized(f"the sign-in could not be completed ({type(error).__name__})") \
                from None
        credentials: Credentials = flow.credentials
        email = self._tokens.email(credentials.id_token, self._client_id)
        return Finished(email, credentials.refresh_token, tuple(credentials.scopes or scopes))

    def revoke(self, token: str) -> bool:
        """Revoke a refresh token at Google; False when Google did not confirm it."""
        try:
            answer = requests.post(self._revoke, data={"token": token}, timeout=10,
                                   verify=self._endpoints.ca_file or True)
        except requests.RequestException:
            return False
        return answer.status_code == 200
