"""Importing key material: wrapping key pairs and import tokens
(GetParametersForImport), unwrapping and checking what is imported.

An import token is sealed by the root key and names the key, the wrapping
key pair (kept sealed in ``kms_import_parameters``) and its expiry; it is
valid for 24 hours, as in AWS.
"""
from __future__ import annotations

import json
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap_with_padding

from . import asymmetric, errors, key_specs

VALID_SECONDS = 24 * 3600
_TOKEN_AAD = b"kms-import-token"
_WRAPPING_BITS = {"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}
# Imported HMAC material may be longer than the digest, within these bounds (bytes).
_HMAC_LENGTHS = {"HMAC_224": (28, 64), "HMAC_256": (32, 64), "HMAC_384": (48, 128), "HMAC_512": (64, 128)}


def check_wrapping(key_spec: str, wrapping_algorithm: str, wrapping_spec: str) -> None:
    if wrapping_spec not in _WRAPPING_BITS or wrapping_algorithm == "SM2PKE":
        raise errors.ValidationException(f"{wrapping_spec if wrapping_spec not in _WRAPPING_BITS else wrapping_algorithm} is supported only in China Regions.")
    if wrapping_algorithm == "RSAES_PKCS1_V1_5":
        raise errors.ValidationException("The wrapping algorithm RSAES_PKCS1_V1_5 is no longer supported; use RSAES_OAEP_SHA_256.")
    if key_specs.is_asymmetric(key_spec) and not wrapping_algorithm.startswith("RSA_AES_KEY_WRAP"):
        # A private key is too long for one RSA-OAEP block.
        raise errors.ValidationException(
            f"Key material of key spec {key_spec} must be wrapped with RSA_AES_KEY_WRAP_SHA_1 or RSA_AES_KEY_WRAP_SHA_256."
        )


def new_parameters(root_key, account_id: str, region: str, key_id: str, wrapping_spec: str, valid_to: float):
    """(token_id, sealed wrapping private key, public key DER, import token)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=_WRAPPING_BITS[wrapping_spec])
    token_id = secrets.token_hex(16)
    der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    sealed = root_key.seal(der, f"kms-wrapping-key:{token_id}".encode())
    token = root_key.seal(
        json.dumps({"a": account_id, "r": region, "k": key_id, "t": token_id, "v": valid_to}).encode(), _TOKEN_AAD
    )
    return token_id, sealed, asymmetric.public_key_der(private), token


def read_token(root_key, token: bytes, account_id: str, region: str, key_id: str) -> tuple[str, float]:
    """(token id, valid_to) of a token made for this key, else InvalidImportTokenException."""
    try:
        claims = json.loads(root_key.unseal(token, _TOKEN_AAD))
    except (InvalidTag, ValueError):
        raise errors.InvalidImportTokenException("") from None
    if (claims["a"], claims["r"], claims["k"]) != (account_id, region, key_id):
        raise errors.InvalidImportTokenException("")
    return claims["t"], claims["v"]


def unwrap(root_key, token_id: str, sealed_private: bytes, algorithm: str, wrapped: bytes) -> bytes:
    private = serialization.load_der_private_key(root_key.unseal(sealed_private, f"kms-wrapping-key:{token_id}".encode()), None)
    digest = hashes.SHA1() if algorithm.endswith("SHA_1") else hashes.SHA256()
    oaep = padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)
    try:
        if algorithm.startswith("RSA_AES_KEY_WRAP"):
            size = private.key_size // 8
            aes_key = private.decrypt(wrapped[:size], oaep)
            return aes_key_unwrap_with_padding(aes_key, wrapped[size:])
        return private.decrypt(wrapped, oaep)
    except (ValueError, InvalidUnwrap):
        raise errors.InvalidCiphertextException("") from None


def check_material(key_spec: str, material: bytes) -> None:
    """IncorrectKeyMaterialException unless ``material`` is a key of ``key_spec``."""
    if key_specs.is_symmetric(key_spec):
        ok = len(material) == 32
    elif key_specs.is_hmac(key_spec):
        low, high = _HMAC_LENGTHS[key_spec]
        ok = low <= len(material) <= high
    else:
        try:
            ok = asymmetric.matches_spec(asymmetric.load_private_key(material), key_spec)
        except (ValueError, TypeError):
            ok = False
    if not ok:
        raise errors.IncorrectKeyMaterialException(f"The key material is not valid for a KMS key with key spec {key_spec}.")
