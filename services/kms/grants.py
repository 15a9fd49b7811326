"""Grants: who else may use a key for which operations, under which
encryption context constraints. Stored, listed and validated here; the
policy engine reads them (``keys.key_for_authorization``) to decide.

A grant token names its grant: ``base64url(0x01 | grant id | 32 random bytes)``.
"""
from __future__ import annotations

import base64
import json
import re
import secrets

from . import errors, key_ids, keys

_GRANT_ID = re.compile(r"^[0-9a-f]{64}$")
# The principals a grant can name: an account (bare or as its root), an IAM
# user or role, a federated user, an assumed-role session.
_PRINCIPAL = re.compile(
    r"^(?:\d{12}|arn:aws:iam::\d{12}:(?:root|user/.+|role/.+|federated-user/.+)"
    r"|arn:aws:sts::\d{12}:(?:assumed-role/.+/.+|federated-user/.+))$")
_COMMON = {"CreateGrant", "RetireGrant", "DescribeKey"}
# Grant operations each kind of key supports.
_OPERATIONS_FOR = {
    ("ENCRYPT_DECRYPT", True): _COMMON | {
        "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
        "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
    },
    ("ENCRYPT_DECRYPT", False): _COMMON | {"Decrypt", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"},
    ("SIGN_VERIFY", False): _COMMON | {"Sign", "Verify", "GetPublicKey"},
    ("GENERATE_VERIFY_MAC", False): _COMMON | {"GenerateMac", "VerifyMac"},
    ("KEY_AGREEMENT", False): _COMMON | {"DeriveSharedSecret", "GetPublicKey"},
}
# Operations that take no encryption context, so no grant constraint.
_NO_CONTEXT = {"Sign", "Verify", "GetPublicKey", "GenerateMac", "VerifyMac", "DeriveSharedSecret", "DescribeKey", "RetireGrant"}


def new_grant() -> tuple[str, str]:
    grant_id = secrets.token_hex(32)
    token = base64.urlsafe_b64encode(b"\x01" + bytes.fromhex(grant_id) + secrets.token_bytes(32)).decode().rstrip("=")
    return grant_id, token


def grant_id_of_token(token: str) -> str:
    """InvalidGrantTokenException unless ``token`` is one of ours in form."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        raw = b""
    if len(raw) != 65 or raw[0] != 1:
        raise errors.InvalidGrantTokenException("Invalid grant token")
    return raw[1:33].hex()


def check_tokens(params: dict) -> None:
    """Operations accept GrantTokens; each must be well formed."""
    for token in params.get("GrantTokens") or ():
        grant_id_of_token(token)


def check_grant_id(grant_id: str) -> None:
    if not _GRANT_ID.match(grant_id):
        raise errors.InvalidGrantIdException("Invalid grant ID")


def check_principals(*principals: str | None) -> None:
    """A grantee or retiring principal must be an AWS principal's ARN: AWS
    answers InvalidArnException for one it cannot resolve."""
    for principal in principals:
        if principal is not None and not _PRINCIPAL.match(principal):
            raise errors.InvalidArnException(f"Invalid arn {principal}")


def check_request(key: keys.Key, operations: list[str], constraints: dict | None) -> None:
    if not operations:
        raise errors.ValidationException("Grant operations must not be empty.")
    if set(operations) == {"CreateGrant"}:
        # AWS's answer, recorded against it: such a grant could only pass itself on.
        raise errors.ValidationException("Grants must not contain only the CreateGrant operation.")
    allowed = _OPERATIONS_FOR.get((key.key_usage, key.key_spec == "SYMMETRIC_DEFAULT"), _COMMON)
    invalid = [op for op in operations if op not in allowed]
    if invalid:
        raise errors.ValidationException(
            f"Grant operations {', '.join(invalid)} are not valid for a KMS key with key usage {key.key_usage} and key spec {key.key_spec}."
        )
    if constraints and (constraints.get("EncryptionContextEquals") is not None or constraints.get("EncryptionContextSubset") is not None):
        without = [op for op in operations if op in _NO_CONTEXT]
        if without:
            raise errors.ValidationException(
                f"Grant constraints are not supported for operations that take no encryption context: {', '.join(without)}."
            )


def find_same(db, key: keys.Key, name: str, grantee: str, retiring: str | None, operations: list[str], constraints: dict | None):
    """(grant id, grant token) of a grant with the same name and the same
    terms: CreateGrant retried."""
    rows = db.execute(
        "SELECT grant_id, grant_token, grantee_principal, retiring_principal, operations, constraints FROM kms_grants "
        "WHERE account_id = ? AND region = ? AND key_id = ? AND name = ?",
        (key.account_id, key.region, key.key_id, name),
    ).fetchall()
    for grant_id, token, g_grantee, g_retiring, g_ops, g_constraints in rows:
        if (g_grantee, g_retiring, sorted(json.loads(g_ops)), json.loads(g_constraints) if g_constraints else None) == (
            grantee, retiring, sorted(operations), constraints or None,
        ):
            return grant_id, token
    return None


def listed(row, key_arn: str) -> dict:
    grant = {
        "KeyId": key_arn,
        "GrantId": row["grant_id"],
        "CreationDate": keys.moment(row["created"]),
        "GranteePrincipal": row["grantee_principal"],
        "IssuingAccount": f"arn:{key_ids.PARTITION}:iam::{row['issuing_account']}:root",
        "Operations": json.loads(row["operations"]),
    }
    if row["name"]:
        grant["Name"] = row["name"]
    if row["retiring_principal"]:
        grant["RetiringPrincipal"] = row["retiring_principal"]
    if row["constraints"]:
        grant["Constraints"] = json.loads(row["constraints"])
    return grant
