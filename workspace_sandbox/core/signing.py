"""RSA keys and JWTs of the sandbox's Google account server.

Keys live in the world, so every process signs and verifies alike. They are derived from their
purpose, so every reseed (from any process) recreates the same keys: a service that downloaded the
service-account key file keeps working after ``coach sandbox reset``, as a Google key stays valid
until deleted. They guard nothing (the control plane hands them out); they make signatures real.
Token times (``iat``, ``exp``) are real UTC time, not the sandbox clock: the client libraries check
them against their own clock.
"""
from __future__ import annotations

import base64
import hashlib
import random
import time
from datetime import datetime, timezone
from functools import cache
from math import gcd

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, exceptions, jwt

from workspace_sandbox.core.world import Tx

ISSUER = "https://accounts.google.com"
ID_TOKEN_LIFETIME = 3600
_EXPONENT = 65537
_SMALL_PRIMES = tuple(n for n in range(3, 2000) if all(n % d for d in range(2, int(n**0.5) + 1)))


class JwtError(ValueError):
    """A JWT that is malformed, wrongly signed or outside its validity window."""


def make_key(purpose: str, common_name: str) -> dict:
    """``{kid, private_key, certificate}`` (PEM text) for ``purpose``, the same in every process."""
    return dict(_key_material(purpose, common_name))


@cache
def _key_material(purpose: str, common_name: str) -> dict:
    key = _derived_key(purpose)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key())
                   .serial_number(int(hashlib.sha256(purpose.encode()).hexdigest()[:30], 16))
                   .not_valid_before(datetime(2024, 1, 1, tzinfo=timezone.utc))
                   .not_valid_after(datetime(2049, 12, 31, tzinfo=timezone.utc))
                   .sign(key, hashes.SHA256()))
    public_der = key.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    return {
        "kid": hashlib.sha1(public_der).hexdigest(),
        "private_key": key.private_bytes(serialization.Encoding.PEM,
                                         serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()).decode(),
        "certificate": certificate.public_bytes(serialization.Encoding.PEM).decode(),
    }


def _derived_key(purpose: str) -> rsa.RSAPrivateKey:
    """A 2048-bit RSA key whose primes come from a generator seeded with ``purpose``."""
    rng = random.Random(hashlib.sha256(b"workspace-sandbox-key:" + purpose.encode()).digest())
    p = _prime(rng)
    q = _prime(rng)
    while q == p:
        q = _prime(rng)
    d = pow(_EXPONENT, -1, (p - 1) * (q - 1))
    return rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
        rsa.RSAPublicNumbers(_EXPONENT, p * q)).private_key()


def _prime(rng: random.Random, bits: int = 1024) -> int:
    """A prime of exactly ``bits`` bits (top two set, so two make a full-size modulus)."""
    while True:
        candidate = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if gcd(_EXPONENT, candidate - 1) == 1 and _probably_prime(candidate, rng):
            return candidate


def _probably_prime(n: int, rng: random.Random, rounds: int = 40) -> bool:
    """Trial division by small primes, then Miller-Rabin."""
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return n in _SMALL_PRIMES
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


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
