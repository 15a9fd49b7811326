"""Key material: generated, sealed under the server's root key, unsealed on
use, and cached unsealed in this process for a short while.

The associated data of each seal is the key id and the material id, so a
sealed value moved to another key or version does not open. The cache is
keyed by the sealed bytes too: a material rewritten (imported again, deleted)
can never be served from a stale entry.
"""
from __future__ import annotations

import hashlib
import secrets
import threading
import time

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import asymmetric, key_specs

SYMMETRIC_BYTES = 32
_CACHE_SECONDS = 300.0
_CACHE_ENTRIES = 2048
_cache: dict[tuple, tuple[float, object]] = {}
_cache_lock = threading.Lock()


def _aad(key_id: str, material_id: str) -> bytes:
    return f"kms-key-material:{key_id}:{material_id}".encode()


def new_material_id() -> str:
    return secrets.token_hex(32)


def imported_material_id(key_id: str, material: bytes) -> str:
    """Imported material is recognised when imported again by this id (a
    one-way digest: the material itself is never kept once deleted)."""
    return hashlib.sha256(b"awsbox-kms-imported:" + key_id.encode() + b":" + material).hexdigest()


def generate(key_spec: str) -> bytes:
    if key_specs.is_symmetric(key_spec):
        return secrets.token_bytes(SYMMETRIC_BYTES)
    if key_specs.is_hmac(key_spec):
        return asymmetric.generate_hmac_key(key_spec)
    return asymmetric.generate_private_key(key_spec)


def seal(root_key, key_id: str, material_id: str, material: bytes) -> bytes:
    return root_key.seal(material, _aad(key_id, material_id))


def usable(root_key, key_spec: str, key_id: str, material_id: str, sealed: bytes):
    """The material ready for use: an AESGCM for symmetric keys, the raw
    key for HMAC keys, a private key object for asymmetric keys."""
    cache_key = (key_id, material_id, bytes(sealed))
    now = time.monotonic()
    hit = _cache.get(cache_key)
    if hit is not None and hit[0] > now:
        return hit[1]
    material = root_key.unseal(sealed, _aad(key_id, material_id))
    if key_specs.is_symmetric(key_spec):
        value = AESGCM(material)
    elif key_specs.is_hmac(key_spec):
        value = material
    else:
        value = asymmetric.load_private_key(material)
    with _cache_lock:
        if len(_cache) >= _CACHE_ENTRIES:
            for stale in [k for k, (expires, _) in _cache.items() if expires <= now] or list(_cache)[: _CACHE_ENTRIES // 4]:
                _cache.pop(stale, None)
        _cache[cache_key] = (now + _CACHE_SECONDS, value)
    return value
