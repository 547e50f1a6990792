"""Checking the ID tokens Google sends with every add-on request.

Each request carries the system ID token (``Authorization: Bearer …``, and again as
``authorizationEventObject.systemIdToken``), signed by Google for the add-on's per-project
service account (``service-<number>@gcp-sa-gsuiteaddons.iam.gserviceaccount.com``) with the
endpoint's URL as its audience; and the user's ID token (``userIdToken``), whose audience is the
add-on's OAuth client. Both are verified as :func:`google.oauth2.id_token.verify_oauth2_token`
does (signature against Google's certificates, expiry, audience, issuer), with the certificates
fetched once and kept for as long as Google's Cache-Control allows, instead of on every request.
"""
from __future__ import annotations

import json
import logging
import re
import threading
import time

import httplib2
from google.auth import exceptions, jwt

from ...errors import CoachError
from .clients import GoogleEndpoints

log = logging.getLogger(__name__)
GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
ISSUERS = ("accounts.google.com", "https://accounts.google.com")
CLOCK_SKEW_SECONDS = 10
_MAX_AGE = re.compile(r"max-age=(\d+)")


class Unauthorized(CoachError):
    """The request is not from Google's add-on host (why, for the log: never the token)."""


class Certificates:
    """Google's public certificates for ID tokens, kept until they expire."""

    def __init__(self, url: str, http: httplib2.Http):
        self._url, self._http = url, http
        self._certs: dict[str, str] = {}
        self._until = 0.0
        self._lock = threading.Lock()

    def get(self, *, fresh: bool = False) -> dict[str, str]:
        with self._lock:
            if fresh or time.monotonic() >= self._until:
                response, body = self._http.request(self._url, "GET")
                if response.status != 200:
                    raise Unauthorized(f"certificates unavailable ({response.status})")
                self._certs = json.loads(body)
                age = _MAX_AGE.search(response.get("cache-control", ""))
                self._until = time.monotonic() + (int(age.group(1)) if age else 300)
            return self._certs


class AddonTokens:
    """Verifies add-on requests for one deployment.

    ``service_account``: the email the system ID token must be issued to (from
    ``gcloud workspace-add-ons get-authorization``); ``client_id``: the add-on's OAuth client,
    the user ID token's audience; ``audience``: a fixed audience for the system token instead of
    each endpoint's URL.
    """

    def __init__(self, certificates: Certificates, service_account: str, client_id: str,
                 audience: str = ""):
        self._certificates = certificates
        self._service_account = service_account.lower()
        self._client_id = client_id
        self._audience = audience

    @classmethod
    def for_endpoints(cls, endpoints: GoogleEndpoints, service_account: str, client_id: str,
                      audience: str = "") -> AddonTokens:
        url = f"{endpoints.root}/oauth2/v1/certs" if endpoints.root else GOOGLE_CERTS_URL
        return cls(Certificates(url, endpoints.http(timeout=10)), service_account, client_id,
                   audience)

    def system(self, authorization: str | None, url: str) -> None:
        """Check the ``Authorization`` header of a request to ``url``.

        :raises Unauthorized: no token, or not Google's token for this endpoint and add-on.
        """
        if not authorization or not authorization.startswith("Bearer "):
            raise Unauthorized("no bearer token")
        claims = self._decode(authorization[len("Bearer "):].strip(), self._audience or url)
        email = str(claims.get("email", "")).lower()
        if not self._service_account or email != self._service_account:
            raise Unauthorized("the token was not issued to the add-on's service account")
        if claims.get("email_verified") is False:
            raise Unauthorized("the service account's email is not verified")

    def user(self, token: str | None) -> str:
        """The email of the person using the add-on, from their ID token.

        :raises Unauthorized: no token, or not one Google issued for this add-on.
        """
        if not token:
            raise Unauthorized("no user ID token")
        claims = self._decode(token, self._client_id)
        email = str(claims.get("email", "")).lower()
        if not email or claims.get("email_verified") is False:
            raise Unauthorized("the user ID token has no verified email")
        return email

    def _decode(self, token: str, audience: str) -> dict:
        if not audience:
            raise Unauthorized("no audience is configured for this token")
        try:
            claims = self._verified(token, audience)
        except (ValueError, exceptions.GoogleAuthError) as error:
            raise Unauthorized(f"invalid token: {_why(error)}") from None
        if claims.get("iss") not in ISSUERS:
            raise Unauthorized("the token's issuer is not Google")
        return claims

    def _verified(self, token: str, audience: str) -> dict:
        try:
            return jwt.decode(token, certs=self._certificates.get(), audience=audience,
                              clock_skew_in_seconds=CLOCK_SKEW_SECONDS)
        except ValueError as error:
            if "Certificate for key id" not in str(error):
                raise
            # Google rotated its keys since the certificates were fetched.
            return jwt.decode(token, certs=self._certificates.get(fresh=True),
                              audience=audience, clock_skew_in_seconds=CLOCK_SKEW_SECONDS)


_REASONS = (("Token expired", "expired"), ("Token used too early", "not valid yet"),
            ("wrong audience", "wrong audience"), ("Could not verify", "bad signature"),
            ("Certificate for key id", "unknown signing key"),
            ("does not contain required claim", "a required claim is missing"),
            ("Unsupported signature algorithm", "unsupported algorithm"))


def _why(error: Exception) -> str:
    """The library's reason in a few words (its message can quote the token's claims)."""
    text = str(error)
    return next((why for marker, why in _REASONS if marker in text), "malformed")
