"""RSA keys and JWTs of the sandbox's Google account server.

Keys live in the world, so every process signs and verifies alike. Token times (``iat``, ``exp``)
are real UTC time, not the sandbox clock: the client libraries check them against their own clock.
"""
from __future__ import annotations

import base64
import hashlib
import time
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, exceptions, jwt

from .world import Tx

ISSUER = "https://accounts.google.com"
ID_TOKEN_LIFETIME = 3600
# Generating an RSA key takes ~0.1 s; a process hands out the same key to every reseed.
_KEYS: dict[str, dict] = {}


class JwtError(ValueError):
    """A JWT that is malformed, wrongly signed or outside its validity window."""


def make_key(purpose: str, common_name: str) -> dict:
    """``{kid, private_key, certificate}`` (PEM text) for ``purpose``: generated once per process."""
    if purpose not in _KEYS:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        now = datetime.now(timezone.utc) - timedelta(days=1)
        certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                       .public_key(key.public_key()).serial_number(x509.random_serial_number())
                       .not_valid_before(now).not_valid_after(now + timedelta(days=3650))
                       .sign(key, hashes.SHA256()))
        public_der = key.public_key().public_bytes(serialization.Encoding.DER,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
        _KEYS[purpose] = {
            "kid": hashlib.sha1(public_der).hexdigest(),
            "private_key": key.private_bytes(serialization.Encoding.PEM,
                                             serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()).decode(),
            "certificate": certificate.public_bytes(serialization.Encoding.PEM).decode(),
        }
    return dict(_KEYS[purpose])


def seed_signing_key(tx: Tx) -> None:
    """Give the world its OpenID Connect signing key."""
    tx.put("oauth.key", "openid", make_key("openid", "accounts.google.com"))


def sign(key: dict, claims: dict) -> str:
    """A compact RS256 JWT of ``claims`` signed with ``key`` (its ``kid`` in the header)."""
    signer = crypt.RSASigner.from_string(key["private_key"], key_id=key["kid"])
    return jwt.encode(signer, claims).decode()


def verify(token: str, certificate: str) -> dict:
    """The claims of a JWT signed by the key of ``certificate``, with ``iat``/``exp`` checked."""
    try:
        return jwt.decode(token, certs=certificate, verify=True, clock_skew_in_seconds=60)
    except exceptions.MalformedError as error:
        raise JwtError("Invalid JWT Signature." if "signature" in str(error).lower()
                       else f"Invalid JWT: {error}") from None
    except (exceptions.InvalidValue, ValueError) as error:
        raise JwtError(f"Invalid JWT: {error}") from None


def unverified_claims(token: str) -> dict:
    """The claims of a JWT without checking anything (to find who claims to have signed it)."""
    try:
        return jwt.decode(token, verify=False)
    except (exceptions.GoogleAuthError, ValueError) as error:
        raise JwtError(f"Invalid JWT: {error}") from None


def sign_id_token(tx: Tx, claims: dict) -> str:
    """An ID token signed with the world's OpenID key, as Google's account server signs them.

    ``iss``, ``iat`` and ``exp`` default to Google's issuer, now and now + 1 hour.
    """
    now = int(time.time())
    payload = {"iss": ISSUER, "iat": now, "exp": now + ID_TOKEN_LIFETIME, **claims}
    return sign(tx.get("oauth.key", "openid"), payload)


def at_hash(access_token: str) -> str:
    """OpenID Connect ``at_hash``: the left half of the token's SHA-256, base64url."""
    digest = hashlib.sha256(access_token.encode()).digest()
    return _b64(digest[:16])


def certificates(tx: Tx) -> dict[str, str]:
    """``{kid: PEM certificate}`` of the ID-token keys (what ``/oauth2/v1/certs`` serves)."""
    key = tx.get("oauth.key", "openid")
    return {key["kid"]: key["certificate"]} if key else {}


def jwks(tx: Tx) -> dict:
    """The ID-token keys as a JSON Web Key Set (what ``/oauth2/v3/certs`` serves)."""
    keys = []
    for kid, pem in certificates(tx).items():
        numbers = x509.load_pem_x509_certificate(pem.encode()).public_key().public_numbers()
        keys.append({"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
                     "n": _b64_int(numbers.n), "e": _b64_int(numbers.e)})
    return {"keys": keys}


def _b64_int(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
