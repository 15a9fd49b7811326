"""IAM's identifiers: unique ids with AWS's prefixes, access key ids that
carry their account, and ARNs.

Unique ids are 21 characters of AWS's base32 alphabet: a four-letter prefix
saying what the id names (AIDA user, AGPA group, AROA role, ANPA managed
policy) and 17 random characters. Access key ids (AKIA long-term, ASIA
temporary) encode the account id in their first bits, as AWS's do, so that
sts:GetAccessKeyInfo answers for any key id, known or not.
"""
from __future__ import annotations

import base64
import re
import secrets

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

USER, GROUP, ROLE = "user", "group", "role"
ID_PREFIX = {USER: "AIDA", GROUP: "AGPA", ROLE: "AROA"}
POLICY_ID_PREFIX = "ANPA"

# arn:aws:iam::123456789012:policy/path/Name, or aws-managed (account "aws").
_POLICY_ARN = re.compile(r"^arn:aws:iam::(\d{12}|aws):policy((?:/[\x21-\x7e]+)*/)([\w+=,.@-]+)$")


def unique_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(17))


def access_key_id(account_id: str, prefix: str = "AKIA") -> str:
    """A key id whose bits 1..40 of the first six bytes hold the account id,
    the rest random (AWS's layout since 2019)."""
    head = (int(account_id) << 7) | secrets.randbits(7)
    raw = head.to_bytes(6, "big") + secrets.token_bytes(4)
    return prefix + base64.b32encode(raw).decode()


def account_of_access_key(key_id: str) -> str | None:
    """The account an access key id was issued in, read from its bits."""
    try:
        raw = base64.b32decode(key_id[4:20])
    except (ValueError, TypeError):
        return None
    return "%012d" % ((int.from_bytes(raw[:6], "big") & 0x7FFFFFFFFF80) >> 7)


def entity_arn(account_id: str, kind: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:{kind}{path}{name}"


def policy_arn(account_id: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:policy{path}{name}"


def parse_policy_arn(arn: str) -> tuple[str, str, str] | None:
    """(account id or "aws", path, name) of a managed policy ARN, or None."""
    m = _POLICY_ARN.match(arn)
    return (m.group(1), m.group(2), m.group(3)) if m else None
