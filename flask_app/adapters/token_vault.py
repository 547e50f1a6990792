"""Refresh tokens encrypted at rest (cryptography's Fernet: AES-128-CBC with an HMAC).

Keys come from ``COACH_TOKEN_KEYS``: comma-separated Fernet keys (``coach tokens new-key``
prints one), the first encrypting, every one decrypting (``MultiFernet``). To rotate without
downtime: put a new key first and keep the old ones after it, deploy, run ``coach tokens
rotate`` (every stored token re-encrypted with the new key), then drop the old keys.
"""
from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from ..errors import ConfigError


class TokenVault:
    def __init__(self, keys: list[str]):
        if not keys:
            raise ConfigError("COACH_TOKEN_KEYS holds no key: set at least one Fernet key "
                              "(`coach tokens new-key` prints one).")
        try:
            self._fernet = MultiFernet([Fernet(key.strip().encode()) for key in keys])
        except ValueError:
            raise ConfigError("COACH_TOKEN_KEYS: each key must be a Fernet key (32 bytes in "
                              "url-safe base64; `coach tokens new-key` prints one).") from None

    @classmethod
    def from_setting(cls, value: str) -> TokenVault:
        return cls([key for key in value.split(",") if key.strip()])

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode()

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        """:raises ConfigError: no key in COACH_TOKEN_KEYS opens it (a key was dropped too early)."""
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise ConfigError("A stored token cannot be decrypted with COACH_TOKEN_KEYS: was "
                              "its key removed before `coach tokens rotate` ran?") from None

    def rotate(self, sealed: str) -> str:
        """The same secret under the first key."""
        try:
            return self._fernet.rotate(sealed.encode()).decode()
        except InvalidToken:
            raise ConfigError("A stored token cannot be decrypted with COACH_TOKEN_KEYS.") from None
