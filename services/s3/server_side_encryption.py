"""Server-side encryption: which key protects an object, and getting it back.

Every object body is sealed (see encryption.py) under its own 256-bit data
key. What differs is who holds that data key:

- SSE-S3 (``AES256``): S3 generates it and keeps it sealed under the owning
  account's S3 service key, itself sealed by the server's root key.
- SSE-KMS (``aws:kms``): S3 asks KMS for it, in process and as the caller,
  with the encryption context ``aws:s3:arn`` = the object's ARN (the bucket's
  with a bucket key), and keeps only KMS's ciphertext. Every read asks KMS to
  decrypt it, so a disabled or deleted key makes the object unreadable with
  KMS's own error, as in AWS.
- SSE-C: the customer sends the key with every request; the data key is
  derived from it with a per-object salt, and only a salted verifier (HKDF,
  an HMAC construction) is kept, never the key.

Buckets default to SSE-S3; a bucket's default encryption may name SSE-KMS.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import hashlib
import hmac
import json
import secrets
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from simulator.errors import AwsError

from . import buckets
from .errors import (
    AccessDenied,
    InvalidArgument,
    InvalidEncryptionAlgorithmError,
    InvalidRequest,
    KmsFailure,
)

SSE_S3 = "AES256"
SSE_KMS = "aws:kms"
SSE_KMS_DSSE = "aws:kms:dsse"
SSE_C = "SSE-C"
KMS_ALGORITHMS = (SSE_KMS, SSE_KMS_DSSE)
AWS_MANAGED_KEY = "alias/aws/s3"
DEFAULT_RULE = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": SSE_S3}, "BucketKeyEnabled": False}
_NONCE = 12


def object_arn(bucket: str, key: str) -> str:
    return f"arn:aws:s3:::{bucket}/{key}"


@dataclasses.dataclass(frozen=True)
class Protection:
    """How one object's data key is held. Stored as JSON with the object;
    never holds a key."""

    algorithm: str  # AES256 | aws:kms | aws:kms:dsse | SSE-C
    kms_key_arn: str | None = None
    bucket_key: bool = False
    context: str | None = None  # the caller's extra encryption context, base64 JSON as sent
    salt: str | None = None  # SSE-C only
    verifier: str | None = None  # SSE-C only

    def to_json(self) -> str:
        # vars(), not dataclasses.asdict: the fields are plain values, with nothing to copy deeply.
        return json.dumps({k: v for k, v in vars(self).items() if v not in (None, False)})

    @classmethod
    @functools.lru_cache(maxsize=1024)
    def from_json(cls, text: str) -> "Protection":
        # Kept by text: every read of an object asks, and most objects share
        # a handful of protections. Frozen, so one instance serves them all.
        return cls(**json.loads(text))

    def response(self, *, customer_key_md5: str | None = None, with_context: bool = False) -> dict:
        """The x-amz-server-side-encryption-* members AWS answers with."""
        if self.algorithm == SSE_C:
            return {"SSECustomerAlgorithm": "AES256", "SSECustomerKeyMD5": customer_key_md5}
        out = {"ServerSideEncryption": self.algorithm}
        if self.algorithm in KMS_ALGORITHMS:
            out["SSEKMSKeyId"] = self.kms_key_arn
            if self.bucket_key:
                out["BucketKeyEnabled"] = True
            if with_context and self.context:
                out["SSEKMSEncryptionContext"] = self.context
        return out


@dataclasses.dataclass
class Sealing:
    """A new object's protection with its data key in memory (never stored)."""

    protection: Protection
    data_key: bytes
    sealed_key: bytes | None
    customer_key_md5: str | None = None


# -- what a write asks for -------------------------------------------------------
def default_rule(ctx, bucket_name: str) -> dict:
    config = buckets.config(ctx, bucket_name, "encryption")
    return config["Rules"][0] if config else DEFAULT_RULE


def for_write(ctx, bucket, key: str, params: dict) -> Sealing:
    """Resolve the request's encryption headers (or the bucket's default)
    into a protection and a fresh data key."""
    customer = customer_key(params, "SSECustomer")
    requested = params.get("ServerSideEncryption")
    if customer is not None:
        if requested is not None:
            raise InvalidArgument(
                "Server Side Encryption with Customer provided key is incompatible with the encryption method specified",
                ArgumentName="x-amz-server-side-encryption",
                ArgumentValue=requested,
            )
        return _seal_customer(customer)
    if requested is not None and requested not in (SSE_S3, *KMS_ALGORITHMS):
        raise InvalidArgument(
            "The encryption method specified is not supported",
            ArgumentName="x-amz-server-side-encryption",
            ArgumentValue=requested,
        )
    kms_key = params.get("SSEKMSKeyId")
    context = params.get("SSEKMSEncryptionContext")
    if (kms_key is not None or context is not None) and requested not in KMS_ALGORITHMS:
        raise InvalidArgument(
            "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms",
            ArgumentName="x-amz-server-side-encryption",
            ArgumentValue=requested or "null",
        )
    rule = default_rule(ctx, bucket["name"])
    default = rule.get("ApplyServerSideEncryptionByDefault") or DEFAULT_RULE["ApplyServerSideEncryptionByDefault"]
    algorithm = requested or default["SSEAlgorithm"]
    if algorithm not in KMS_ALGORITHMS:
        return _seal_s3(ctx, bucket, key)
    if requested is None or (kms_key is None and default["SSEAlgorithm"] in KMS_ALGORITHMS):
        kms_key = kms_key or default.get("KMSMasterKeyID")
    bucket_key = params.get("BucketKeyEnabled")
    if bucket_key is None:
        bucket_key = bool(rule.get("BucketKeyEnabled"))
    if algorithm == SSE_KMS_DSSE:
        bucket_key = False  # S3 Bucket Keys are not supported for DSSE-KMS
    return _seal_kms(ctx, bucket, key, algorithm, kms_key, bool(bucket_key), context)


def _seal_s3(ctx, bucket, key: str) -> Sealing:
    data_key = secrets.token_bytes(32)
    sealed = _service_key(ctx, bucket["account_id"], bucket["region"]).seal(data_key, _key_aad(bucket["name"], key))
    return Sealing(Protection(SSE_S3), data_key, sealed)


def _seal_kms(ctx, bucket, key, algorithm, kms_key, bucket_key, context) -> Sealing:
    encryption_context = _encryption_context(bucket["name"], key, bucket_key, context)
    result = _kms(
        ctx,
        bucket,
        "GenerateDataKey",
        {"KeyId": kms_key or AWS_MANAGED_KEY, "KeySpec": "AES_256", "EncryptionContext": encryption_context},
    )
    protection = Protection(algorithm, kms_key_arn=result["KeyId"], bucket_key=bucket_key, context=context)
    return Sealing(protection, result["Plaintext"], result["CiphertextBlob"])


def _seal_customer(customer: tuple[bytes, str]) -> Sealing:
    key, md5 = customer
    salt = secrets.token_bytes(16)
    protection = Protection(
        SSE_C,
        salt=base64.b64encode(salt).decode(),
        verifier=base64.b64encode(_derive(key, salt, b"verifier")).decode(),
    )
    return Sealing(protection, _derive(key, salt, b"data key"), None, customer_key_md5=md5)


def _encryption_context(bucket: str, key: str, bucket_key: bool, context: str | None) -> dict:
    pairs = {}
    if context is not None:
        try:
            pairs = json.loads(base64.b64decode(context, validate=True))
        except (binascii.Error, ValueError):
            pairs = None
        if not isinstance(pairs, dict) or not all(isinstance(v, str) for v in pairs.values()):
            raise InvalidArgument(
                "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON"
                " which represents a string-string map",
                ArgumentName="x-amz-server-side-encryption-context",
            )
    pairs["aws:s3:arn"] = buckets.arn(bucket) if bucket_key else object_arn(bucket, key)
    return pairs


# -- getting a data key back -----------------------------------------------------
def data_key(ctx, bucket, key: str, protection: Protection, sealed_key: bytes | None, params: dict,
             *, prefix: str = "SSECustomer") -> bytes:
    """The data key of a stored object, for a read (or a copy's source).
    SSE-C objects need the right key in the request; SSE-KMS ones a KMS
    Decrypt that the caller is allowed and the key's state permits."""
    customer = customer_key(params, prefix)
    if protection.algorithm == SSE_C:
        if customer is None:
            raise InvalidRequest(
                "The object was stored using a form of Server Side Encryption. The correct parameters must be provided"
                " to retrieve the object."
            )
        salt = base64.b64decode(protection.salt)
        if not hmac.compare_digest(_derive(customer[0], salt, b"verifier"), base64.b64decode(protection.verifier)):
            raise AccessDenied(
                "Requests specifying Server Side Encryption with Customer provided keys must provide the correct"
                " secret key."
            )
        return _derive(customer[0], salt, b"data key")
    if customer is not None:
        raise InvalidRequest("The encryption parameters are not applicable to this object.")
    if protection.algorithm in KMS_ALGORITHMS:
        result = _kms(
            ctx,
            bucket,
            "Decrypt",
            {
                "CiphertextBlob": sealed_key,
                "KeyId": protection.kms_key_arn,
                "EncryptionContext": _encryption_context(bucket["name"], key, protection.bucket_key, protection.context),
            },
        )
        return result["Plaintext"]
    return _service_key(ctx, bucket["account_id"], bucket["region"]).unseal(sealed_key, _key_aad(bucket["name"], key))


def customer_key(params: dict, prefix: str) -> tuple[bytes, str] | None:
    """The SSE-C key of a request (``SSECustomer*`` or
    ``CopySourceSSECustomer*``) checked as S3 checks it, or None."""
    algorithm = params.get(prefix + "Algorithm")
    key = params.get(prefix + "Key")
    md5 = params.get(prefix + "KeyMD5")
    if algorithm is None and key is None and md5 is None:
        return None
    if algorithm is None:
        raise InvalidArgument(
            "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption"
            " algorithm.",
            ArgumentName="x-amz-server-side-encryption",
            ArgumentValue="null",
        )
    if algorithm != "AES256":
        raise InvalidEncryptionAlgorithmError(ArgumentName="x-amz-server-side-encryption", ArgumentValue=algorithm)
    if key is None:
        raise InvalidArgument(
            "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret"
            " key.",
            ArgumentName="x-amz-server-side-encryption",
            ArgumentValue="null",
        )
    if md5 is None:
        raise InvalidArgument(
            "Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated"
            " MD5 of the secret key.",
            ArgumentName="x-amz-server-side-encryption",
            ArgumentValue="null",
        )
    raw = key if isinstance(key, bytes) else _b64(key)
    if raw is None or base64.b64encode(hashlib.md5(raw).digest()).decode() != md5:
        raise InvalidArgument(
            "The calculated MD5 hash of the key did not match the hash that was provided.",
            ArgumentName="x-amz-server-side-encryption",
            ArgumentValue="null",
        )
    if len(raw) != 32:
        raise InvalidArgument(
            "The secret key was invalid for the specified algorithm.",
            ArgumentName="x-amz-server-side-encryption",
            ArgumentValue="null",
        )
    return raw, md5


def _b64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _derive(customer_key: bytes, salt: bytes, purpose: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt, b"awsbox-s3-sse-c " + purpose).derive(customer_key)


def _key_aad(bucket: str, key: str) -> bytes:
    return f"awsbox-s3-data-key:{bucket}/{key}".encode()


# -- KMS, in process, as the caller --------------------------------------------------
def _kms(ctx, bucket, operation: str, params: dict) -> dict:
    """Call KMS in the bucket's region; KMS's refusals become S3's answers. A
    refused Decrypt or GenerateDataKey is S3's AccessDenied (403) with KMS's
    own "User: ... is not authorized" sentence, as S3 has answered since 2025
    (AmazonS3Exception records with request ids, e.g. in
    ministryofjustice/modernisation-platform#11726); before that S3 said
    "The ciphertext refers to a customer master key that does not exist...".
    """
    caller = ctx if ctx.region == bucket["region"] else dataclasses.replace(ctx, region=bucket["region"])
    try:
        return caller.call("kms", operation, params)
    except AwsError as error:
        if error.code in ("AccessDeniedException", "AccessDenied"):
            raise AccessDenied(error.message) from None
        failure = KmsFailure(error.code, error.message)
        if error.status >= 500:
            failure.status = error.status
        raise failure from None


# -- the S3 service keys that seal SSE-S3 data keys ------------------------------------
class _ServiceKey:
    def __init__(self, material: bytes):
        self._aead = AESGCM(material)

    def seal(self, data_key: bytes, aad: bytes) -> bytes:
        nonce = secrets.token_bytes(_NONCE)
        return nonce + self._aead.encrypt(nonce, data_key, aad)

    def unseal(self, sealed: bytes, aad: bytes) -> bytes:
        return self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], aad)


_service_keys: dict[str, _ServiceKey] = {}


def _service_key(ctx, account_id: str, region: str) -> _ServiceKey:
    """The account's S3 service key for the region, created on first use.
    Unsealed keys are cached in this process by their random key id (so a
    reset, which forgets the row, can never leave a stale key in use); they
    are never written out unsealed."""
    aad = f"awsbox-s3-service-key:{account_id}:{region}".encode()
    query = "SELECT key_id, sealed FROM s3_service_keys WHERE account_id = ? AND region = ?"
    row = ctx.store.cached(("s3-service-key", account_id, region),
                           lambda: ctx.store.read().execute(query, (account_id, region)).fetchone())
    if row is None:
        with ctx.store.tx() as db:
            db.execute(
                "INSERT INTO s3_service_keys (account_id, region, key_id, sealed, created) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (account_id, region, str(uuid.uuid4()), ctx.app.root_key.seal(secrets.token_bytes(32), aad),
                 ctx.now.timestamp()),
            )
            row = db.execute(query, (account_id, region)).fetchone()
    cached = _service_keys.get(row["key_id"])
    if cached is None:
        cached = _service_keys[row["key_id"]] = _ServiceKey(ctx.app.root_key.unseal(row["sealed"], aad))
    return cached
