"""Google's ID tokens, verified as :func:`google.oauth2.id_token.verify_oauth2_token` does —
signature against Google's certificates, expiry, audience, issuer — with the certificates fetched
once and kept for as long as Google's Cache-Control allows, instead of on every request."""
from __future__ import annotations

import json
import re
import threading
import time

import httplib2
from google.auth import exceptions, jwt

from ...errors import CoachError
from .clients import GoogleEndpoints

GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
ISSUERS = ("accounts.google.com", "https://accounts.google.com")
CLOCK_SKEW_SECONDS = 10
_MAX_AGE = re.compile(r"max-age=(\d+)")


class Unauthorized(CoachError):
    """Not a token Google issued for this purpose (why, for the log: never the token)."""


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


def certificates_for(endpoints: GoogleEndpoints) -> Certificates:
    """Google's certificates (or the sandbox's)."""
    url = f"{endpoints.root}/oauth2/v1/certs" if endpoints.root else GOOGLE_CERTS_URL
    return Certificates(url, endpoints.http(timeout=10))


class IdTokens:
    """Verifies ID tokens against one set of certificates."""

    def __init__(self, certificates: Certificates):
        self._certificates = certificates


    def claims(self, token: str | None, audience: str) -> dict:
        """The token's claims once verified for ``audience``.

        :raises Unauthorized: no token, or not a Google ID token for that audience.
        """
        if not token:
            raise Unauthorized("no token")
        if not audience:
            raise Unauthorized("no audience is configured for this token")
        try:
            claims = self._verified(token, audience)
        except (ValueError, exceptions.GoogleAuthError) as error:
            raise Unauthorized(f"invalid token: {_why(error)}") from None
        if claims.get("iss") not in ISSUERS:
            raise Unauthorized("the token's issuer is not Google")
        return claims

    def bearer(self, authorization: str | None, audience: str, account: str) -> None:
        """Check an ``Authorization: Bearer`` header: Google's ID token for ``audience``,
        issued to the service account ``account``.

        :raises Unauthorized: anything else.
        """
        if not authorization or not authorization.startswith("Bearer "):
            raise Unauthorized("no bearer token")
        claims = self.claims(authorization[len("Bearer "):].strip(), audience)
        email = str(claims.get("email", "")).lower()
        if not account or email != account.lower():
            raise Unauthorized("the token was not issued to the expected service account")
        if claims.get("email_verified") is False:
            raise Unauthorized("the service account's email is not verified")

    def email(self, token: str | None, audience: str) -> str:
        """The verified email a token was issued for."""
        claims = self.claims(token, audience)
        email = str(claims.get("email", "")).lower()
        if not email or claims.get("email_verified") is False:
            raise Unauthorized("the token has no verified email")
        return email

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
