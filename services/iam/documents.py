"""Policy documents on their way in and out of IAM.

In: validated and compiled by the policy engine (``policies.document``);
its PolicyError carries IAM's own MalformedPolicyDocument wording and a
PolicySizeError IAM's LimitExceeded quota message. Out: IAM returns documents
URL-encoded (RFC 3986), which the SDKs decode.
"""
from __future__ import annotations

import json
import urllib.parse

from policies.document import PolicyError, PolicySizeError, parse_policy, policy_size

from .errors import LimitExceeded, MalformedPolicyDocument

# IAM's quotas on document size, in characters other than white space.
MANAGED_POLICY_SIZE = 6144
TRUST_POLICY_SIZE = 2048
# Inline policies count together per entity (the quota's name, its size).
INLINE_QUOTA = {"user": ("UserPolicySize", 2048), "group": ("GroupPolicySize", 5120), "role": ("RolePolicySize", 10240)}


def validated(document: str, kind: str = "identity", *, max_size: int | None = None, managed: bool = False) -> str:
    """The document, once the policy engine accepts it; IAM's error if not.
    A ``managed`` policy must be of the 2012-10-17 language: CreatePolicy
    refuses one without a Version (which means 2008-10-17), as recorded by
    localstack's AWS-validated IAM tests."""
    if kind == "trust":
        # Trust policies that are not JSON get their own wording.
        try:
            json.loads(document)
        except ValueError:
            raise MalformedPolicyDocument("This policy contains invalid Json") from None
    try:
        policy = parse_policy(document, kind, max_size=max_size)
    except PolicySizeError as error:
        if kind == "trust":
            raise LimitExceeded(f"Cannot exceed quota for ACLSizePerRole: {error.limit}") from None
        raise LimitExceeded(error.message) from None
    except PolicyError as error:
        raise MalformedPolicyDocument(error.message) from None
    if managed and policy.version != "2012-10-17":
        raise MalformedPolicyDocument("Policy document must be version 2012-10-17 or greater.")
    return document


def size(document: str) -> int:
    return policy_size(document)


def encoded(document: str) -> str:
    return urllib.parse.quote(document, safe="")
