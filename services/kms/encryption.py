"""Encrypting under a KMS key and decrypting what it encrypted, shared by
Encrypt, Decrypt, ReEncrypt and the data key operations.

Symmetric keys produce our self-describing blob (see ``ciphertext``); RSA
keys produce raw RSAES-OAEP ciphertext, which names no key, so decrypting
it needs the KeyId, as in AWS.
"""
from __future__ import annotations

import dataclasses

from . import asymmetric, ciphertext, errors, key_ids, key_specs, keys

SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT"


@dataclasses.dataclass
class Encrypted:
    blob: bytes
    key: keys.Key
    algorithm: str
    material_id: str | None


@dataclasses.dataclass
class Decrypted:
    plaintext: bytes
    key: keys.Key
    algorithm: str
    material_id: str | None


def check_encryption_key(key: keys.Key, operation: str, algorithm: str | None) -> str:
    """The algorithm to use with ``key``; AWS's errors if the key cannot."""
    keys.check_enabled(key)
    keys.check_usage(key, "ENCRYPT_DECRYPT", operation)
    algorithm = algorithm or SYMMETRIC_DEFAULT
    if algorithm not in key_specs.algorithms(key.key_spec, key.key_usage).get("EncryptionAlgorithms", []):
        raise errors.incompatible_algorithm(algorithm, key.key_spec)
    return algorithm


def check_data_key_key(key: keys.Key, operation: str) -> None:
    """Data keys come from symmetric encryption keys only."""
    keys.check_enabled(key)
    keys.check_usage(key, "ENCRYPT_DECRYPT", operation)
    if not key_specs.is_symmetric(key.key_spec):
        raise errors.incompatible_algorithm(SYMMETRIC_DEFAULT, key.key_spec)


def encrypt(ctx, key: keys.Key, algorithm: str, plaintext: bytes, context: dict | None) -> Encrypted:
    """Encrypt with a key already checked by ``check_encryption_key``."""
    if algorithm == SYMMETRIC_DEFAULT:
        blob = ciphertext.encrypt(key.usable(ctx.app.root_key), key.account_id, key.key_id, key.material_id, plaintext, context)
        return Encrypted(blob, key, algorithm, key.material_id)
    if context:
        raise errors.ValidationException("EncryptionContext is not supported with asymmetric KMS keys.")
    limit = key_specs.RSA_PLAINTEXT_LIMIT[(key.key_spec, algorithm)]
    if len(plaintext) > limit:
        raise errors.ValidationException(
            f"Algorithm {algorithm} and key spec {key.key_spec} cannot encrypt data larger than {limit} bytes."
        )
    return Encrypted(asymmetric.rsa_encrypt(key.usable(ctx.app.root_key), algorithm, plaintext), key, algorithm, None)


def find_key(ctx, blob: bytes, key_id: str | None, algorithm: str | None, operation: str):
    """The key (loaded with the material version that made ``blob``) and the
    parsed blob (None for RSA ciphertext); AWS's errors when the KeyId and
    the blob disagree or the key cannot decrypt."""
    if key_id is not None:
        named = keys.resolve(ctx, key_id, shared=True)
        if key_specs.is_hmac(named.key_spec):
            # An HMAC key made no ciphertext at all: the KeyId is the wrong
            # key (localstack's AWS-validated test_error_messaging_for_invalid_keys).
            raise errors.incorrect_key()
        if not key_specs.is_symmetric(named.key_spec):
            algorithm = check_encryption_key(named, operation, algorithm)
            if algorithm == SYMMETRIC_DEFAULT:
                raise errors.incompatible_algorithm(algorithm, named.key_spec)
            return named, None, algorithm
    elif algorithm not in (None, SYMMETRIC_DEFAULT):
        # Asymmetric ciphertext names no key: AWS needs the KeyId for it.
        raise errors.ValidationException("KeyId is required for asymmetric decryption.")
    parsed = ciphertext.parse(blob)
    if key_id is not None and (parsed.key_id != named.key_id or parsed.account_id != named.account_id):
        raise errors.incorrect_key()
    if key_id is not None and parsed.material_id == named.material_id:
        # The named key came loaded with its current material, the very
        # version that made the blob (the usual case): no second read.
        return named, parsed, check_encryption_key(named, operation, algorithm)
    key = keys.committed(ctx, parsed.account_id, ctx.region, parsed.key_id, parsed.material_id)
    if key is None:  # deleted: its ciphertext can never be decrypted again
        raise errors.key_not_found(key_ids.key_arn(ctx.region, parsed.account_id, parsed.key_id))
    return key, parsed, check_encryption_key(key, operation, algorithm)


def decrypt(ctx, key: keys.Key, parsed, algorithm: str, blob: bytes, context: dict | None) -> Decrypted:
    if parsed is None:
        return Decrypted(asymmetric.rsa_decrypt(key.usable(ctx.app.root_key), algorithm, blob), key, algorithm, None)
    plaintext = ciphertext.decrypt(key.usable(ctx.app.root_key), parsed, context)
    return Decrypted(plaintext, key, algorithm, parsed.material_id)
