"""The ciphertext blob of symmetric KMS keys: self-describing and
authenticated.

    version (1) | account id (12) | key id (36) | material id (32) | nonce (12) | AES-256-GCM ciphertext + tag

Decrypt finds the key (and the right version of its material, so ciphertext
from before a rotation still decrypts) from the header alone. The header and
the encryption context, in a canonical form, are the GCM associated data:
change a byte or the context and the tag fails.
"""
from __future__ import annotations

import dataclasses
import json
import secrets

from cryptography.exceptions import InvalidTag

from . import errors, key_ids

VERSION = b"\x01"
_ACCOUNT, _KEY_ID, _MATERIAL, _NONCE, _TAG = 12, 36, 32, 12, 16
HEADER_BYTES = 1 + _ACCOUNT + _KEY_ID + _MATERIAL
OVERHEAD = HEADER_BYTES + _NONCE + _TAG


@dataclasses.dataclass(frozen=True)
class Blob:
    account_id: str
    key_id: str
    material_id: str
    header: bytes
    nonce: bytes
    sealed: bytes


def canonical_context(context: dict | None) -> bytes:
    """The encryption context as bytes independent of member order."""
    if not context:
        return b""
    return json.dumps(sorted(context.items()), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encrypt(aead, account_id: str, key_id: str, material_id: str, plaintext: bytes, context: dict | None) -> bytes:
    header = VERSION + account_id.encode("ascii") + key_id.encode("ascii") + bytes.fromhex(material_id)
    nonce = secrets.token_bytes(_NONCE)
    return header + nonce + aead.encrypt(nonce, plaintext, header + canonical_context(context))


def parse(blob: bytes) -> Blob:
    """Raises InvalidCiphertextException for anything that is not ours."""
    if len(blob) < OVERHEAD or blob[:1] != VERSION:
        raise errors.InvalidCiphertextException("")
    try:
        account_id = blob[1 : 1 + _ACCOUNT].decode("ascii")
        key_id = blob[1 + _ACCOUNT : 1 + _ACCOUNT + _KEY_ID].decode("ascii")
    except UnicodeDecodeError:
        raise errors.InvalidCiphertextException("") from None
    if not (account_id.isdigit() and key_ids.is_key_id(key_id)):
        raise errors.InvalidCiphertextException("")
    material_id = blob[1 + _ACCOUNT + _KEY_ID : HEADER_BYTES].hex()
    return Blob(account_id, key_id, material_id, blob[:HEADER_BYTES], blob[HEADER_BYTES : HEADER_BYTES + _NONCE], blob[HEADER_BYTES + _NONCE :])


def decrypt(aead, blob: Blob, context: dict | None) -> bytes:
    try:
        return aead.decrypt(blob.nonce, blob.sealed, blob.header + canonical_context(context))
    except InvalidTag:
        raise errors.InvalidCiphertextException("") from None
