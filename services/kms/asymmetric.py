"""Asymmetric and HMAC cryptography for KMS keys, with ``cryptography``.

Private keys are kept (sealed) as PKCS#8 DER; public keys leave as DER
SubjectPublicKeyInfo, as GetPublicKey returns them.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa, padding, rsa, utils

from . import ed25519ph, errors, key_specs

_CURVES = {
    "ECC_NIST_P256": ec.SECP256R1,
    "ECC_NIST_P384": ec.SECP384R1,
    "ECC_NIST_P521": ec.SECP521R1,
    "ECC_SECG_P256K1": ec.SECP256K1,
}
_RSA_BITS = {"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}
_ML_DSA = {
    "ML_DSA_44": mldsa.MLDSA44PrivateKey,
    "ML_DSA_65": mldsa.MLDSA65PrivateKey,
    "ML_DSA_87": mldsa.MLDSA87PrivateKey,
}
_HASHES = {"SHA_1": hashes.SHA1, "SHA_224": hashes.SHA224, "SHA_256": hashes.SHA256, "SHA_384": hashes.SHA384, "SHA_512": hashes.SHA512}
HMAC_BYTES = {"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}


def generate_private_key(spec: str) -> bytes:
    """A new private key for ``spec`` as PKCS#8 DER."""
    if spec in _RSA_BITS:
        key = rsa.generate_private_key(public_exponent=65537, key_size=_RSA_BITS[spec])
    elif spec in _CURVES:
        key = ec.generate_private_key(_CURVES[spec]())
    elif spec == key_specs.ED25519:
        key = ed25519.Ed25519PrivateKey.generate()
    elif spec in _ML_DSA:
        key = _ML_DSA[spec].generate()
    else:
        raise ValueError(spec)
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def generate_hmac_key(spec: str) -> bytes:
    return secrets.token_bytes(HMAC_BYTES[spec])


def load_private_key(der: bytes):
    return serialization.load_der_private_key(der, password=None)


def public_key_der(private_key) -> bytes:
    return private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def matches_spec(private_key, spec: str) -> bool:
    """Whether imported material is a key of ``spec``."""
    if spec in _RSA_BITS:
        return isinstance(private_key, rsa.RSAPrivateKey) and private_key.key_size == _RSA_BITS[spec]
    if spec in _CURVES:
        return isinstance(private_key, ec.EllipticCurvePrivateKey) and isinstance(private_key.curve, _CURVES[spec])
    if spec == key_specs.ED25519:
        return isinstance(private_key, ed25519.Ed25519PrivateKey)
    if spec in _ML_DSA:
        return isinstance(private_key, _ML_DSA[spec])
    return False


# -- RSA encryption --------------------------------------------------------------
def _oaep(algorithm: str) -> padding.OAEP:
    digest = hashes.SHA1() if algorithm == "RSAES_OAEP_SHA_1" else hashes.SHA256()
    return padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)


def rsa_encrypt(private_key, algorithm: str, plaintext: bytes) -> bytes:
    return private_key.public_key().encrypt(plaintext, _oaep(algorithm))


def rsa_decrypt(private_key, algorithm: str, ciphertext: bytes) -> bytes:
    try:
        return private_key.decrypt(ciphertext, _oaep(algorithm))
    except ValueError:
        raise errors.InvalidCiphertextException("") from None


# -- signing --------------------------------------------------------------------------
def _signing_hash(algorithm: str):
    return _HASHES["SHA_" + algorithm.rsplit("_", 1)[1]]()


def _digest_for(algorithm: str, message: bytes, message_type: str) -> bytes:
    """The digest to sign: hashed here for RAW, checked for length for DIGEST."""
    digest = _signing_hash(algorithm)
    if message_type == "DIGEST":
        if len(message) != digest.digest_size:
            raise errors.ValidationException(f"Digest is invalid length for algorithm {algorithm}.")
        return message
    h = hashes.Hash(digest)
    h.update(message)
    return h.finalize()


def _rsa_padding(algorithm: str, digest):
    if algorithm.startswith("RSASSA_PSS"):
        # KMS uses a salt as long as the digest.
        return padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
    return padding.PKCS1v15()


def _check_message_type(spec: str, algorithm: str, message_type: str) -> None:
    if spec in _ML_DSA:
        if message_type == "DIGEST":
            raise errors.ValidationException(f"The message type DIGEST is not valid for algorithm {algorithm}.")
        if message_type == "EXTERNAL_MU":
            # Signing an externally computed mu needs a primitive ``cryptography``
            # does not expose; say so rather than sign something else.
            raise errors.UnsupportedOperationException(
                "MessageType EXTERNAL_MU is not simulated by awsbox; send the RAW message instead."
            )
    elif message_type == "EXTERNAL_MU":
        raise errors.ValidationException(f"The message type EXTERNAL_MU is not valid for algorithm {algorithm}.")
    if algorithm == "ED25519_SHA_512" and message_type == "DIGEST":
        raise errors.ValidationException(f"The message type DIGEST is not valid for algorithm {algorithm}.")


def sign(private_key, spec: str, algorithm: str, message: bytes, message_type: str) -> bytes:
    _check_message_type(spec, algorithm, message_type)
    if spec in _RSA_BITS:
        digest = _signing_hash(algorithm)
        data = _digest_for(algorithm, message, message_type)
        return private_key.sign(data, _rsa_padding(algorithm, digest), utils.Prehashed(digest))
    if spec in _CURVES:
        digest = _signing_hash(algorithm)
        data = _digest_for(algorithm, message, message_type)
        return private_key.sign(data, ec.ECDSA(utils.Prehashed(digest)))
    if spec == key_specs.ED25519:
        if algorithm == "ED25519_PH_SHA_512":
            return ed25519ph.sign(_raw_ed25519_seed(private_key), _digest_for(algorithm, message, message_type))
        return private_key.sign(message)
    if spec in _ML_DSA:
        return private_key.sign(message)
    raise ValueError(spec)


def verify(public_key, spec: str, algorithm: str, message: bytes, message_type: str, signature: bytes) -> bool:
    _check_message_type(spec, algorithm, message_type)
    try:
        if spec in _RSA_BITS:
            digest = _signing_hash(algorithm)
            data = _digest_for(algorithm, message, message_type)
            public_key.verify(signature, data, _rsa_padding(algorithm, digest), utils.Prehashed(digest))
        elif spec in _CURVES:
            digest = _signing_hash(algorithm)
            data = _digest_for(algorithm, message, message_type)
            public_key.verify(signature, data, ec.ECDSA(utils.Prehashed(digest)))
        elif spec == key_specs.ED25519:
            if algorithm == "ED25519_PH_SHA_512":
                raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
                return ed25519ph.verify(raw, _digest_for(algorithm, message, message_type), signature)
            public_key.verify(signature, message)
        elif spec in _ML_DSA:
            public_key.verify(signature, message)
        else:
            raise ValueError(spec)
    except InvalidSignature:
        return False
    return True


def _raw_ed25519_seed(private_key) -> bytes:
    return private_key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())


# -- key agreement --------------------------------------------------------------------
def derive_shared_secret(private_key, peer_public_der: bytes) -> bytes:
    """ECDH (the raw shared x-coordinate, as KMS returns it)."""
    try:
        peer = serialization.load_der_public_key(peer_public_der)
    except (ValueError, TypeError):
        # AWS's ValidationException here has no message (localstack's
        # AWS-validated test_derive_shared_secret).
        raise errors.ValidationException("") from None
    if not isinstance(peer, ec.EllipticCurvePublicKey) or peer.curve.name != private_key.curve.name:
        raise errors.ValidationException("The public key's curve does not match the KMS key's key spec.")
    return private_key.exchange(ec.ECDH(), peer)


# -- HMAC ---------------------------------------------------------------------------------
def mac(key: bytes, algorithm: str, message: bytes) -> bytes:
    return hmac.new(key, message, getattr(hashlib, "sha" + algorithm.rsplit("_", 1)[1])).digest()


def mac_matches(key: bytes, algorithm: str, message: bytes, tag: bytes) -> bool:
    return hmac.compare_digest(mac(key, algorithm, message), tag)
