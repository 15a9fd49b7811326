"""Root keys and sealing.

The server's root key (32 random bytes in ``root.key`` in the data dir,
readable by the owner only) seals every secret kept at rest: KMS key material,
secret access keys, S3's service keys. Sealing is AES-256-GCM with a random
96-bit nonce and the caller's associated data, so a sealed value moved to
another row (another key id, another account) fails to open.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ROOT_KEY_FILE = "root.key"
_NONCE = 12


class RootKey:
    def __init__(self, data_dir: Path):
        path = Path(data_dir) / ROOT_KEY_FILE
        if not path.exists():
            material = secrets.token_bytes(32)
            # O_EXCL: two workers starting at once agree on one key.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "wb") as out:
                    out.write(material)
                    out.flush()
                    os.fsync(out.fileno())
        material = path.read_bytes()
        if len(material) != 32:
            raise RuntimeError(f"{path} is not a 32-byte root key")
        self._aead = AESGCM(material)

    def seal(self, plaintext: bytes, aad: bytes = b"") -> bytes:
        nonce = secrets.token_bytes(_NONCE)
        return nonce + self._aead.encrypt(nonce, plaintext, aad)

    def unseal(self, sealed: bytes, aad: bytes = b"") -> bytes:
        """Raises cryptography.exceptions.InvalidTag if tampered or the aad differs."""
        return self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], aad)
