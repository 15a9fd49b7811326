"""What authentication works with: the credential a key id resolves to, the
scope a signature claims, and the failure it raises."""
from __future__ import annotations

import dataclasses
from typing import Optional

from ..context import Principal


class AuthFailure(Exception):
    """A request that does not authenticate. ``kind`` says why, in one word
    every service maps to its own AWS error (see ``auth.errors``):

    missing | malformed | unknown_key | inactive_key | bad_signature | skew |
    expired_presign | invalid_token | expired_token | payload_mismatch | bad_chunk

    ``fields`` carries what the service's error shows (the string to sign,
    the server time, ...) and, for malformed/bad_chunk, ``problem``: which rule
    was broken."""

    def __init__(self, kind: str, message: str = "", fields: dict | None = None):
        super().__init__(f"{kind}: {message}" if message else kind)
        self.kind = kind
        self.message = message
        self.fields = fields or {}


@dataclasses.dataclass(frozen=True)
class Credential:
    """What the lookup returns for an access key id. Frozen: the lookup
    keeps one per key for every request of the process."""

    access_key_id: str
    secret_access_key: str = dataclasses.field(repr=False)
    principal: Principal
    session_token_hash: Optional[str] = None  # sha256 hex of the session token
    expires: Optional[float] = None  # epoch seconds, simulator clock
    status: str = "Active"


@dataclasses.dataclass(frozen=True)
class Scope:
    """The credential scope a request claims: ``AKID/date/region/service/aws4_request``."""

    access_key_id: str
    date: str
    region: str
    service: str
