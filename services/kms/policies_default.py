"""The key policies KMS writes itself, character for character as
GetKeyPolicy returns them from AWS (its pretty printer puts a space before
each colon and opens arrays of objects with "[ {")."""
from __future__ import annotations

import json

from policies.document import INVALID_PRINCIPAL, PolicyError, parse_policy
from services.iam import principals as iam_principals

from .errors import LimitExceededException, MalformedPolicyDocumentException

POLICY_NAME = "default"
# AWS's limit on a key policy document.
MAX_POLICY_BYTES = 32768
# AWS's answer to a principal it cannot resolve (recorded against real KMS).
PRINCIPALS_INVALID = "Policy contains a statement with one or more invalid principals."


def default_key_policy(account_id: str) -> str:
    """CreateKey's policy when the request gives none."""
    return (
        "{\n"
        '  "Version" : "2012-10-17",\n'
        '  "Id" : "key-default-1",\n'
        '  "Statement" : [ {\n'
        '    "Sid" : "Enable IAM User Permissions",\n'
        '    "Effect" : "Allow",\n'
        '    "Principal" : {\n'
        f'      "AWS" : "arn:aws:iam::{account_id}:root"\n'
        "    },\n"
        '    "Action" : "kms:*",\n'
        '    "Resource" : "*"\n'
        "  } ]\n"
        "}"
    )


def aws_managed_key_policy(account_id: str, region: str, service: str) -> str:
    """The policy of an AWS managed key (aws/s3, aws/ebs, ...): any principal
    of the account may use it through the service; the account may read it."""
    return (
        "{\n"
        '  "Version" : "2012-10-17",\n'
        f'  "Id" : "auto-{service}-2",\n'
        '  "Statement" : [ {\n'
        f'    "Sid" : "Allow access through {_SERVICE_TITLES.get(service, service.upper())} for all principals in the account that are authorized to use {_SERVICE_TITLES.get(service, service.upper())}",\n'
        '    "Effect" : "Allow",\n'
        '    "Principal" : {\n'
        '      "AWS" : "*"\n'
        "    },\n"
        '    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey" ],\n'
        '    "Resource" : "*",\n'
        '    "Condition" : {\n'
        '      "StringEquals" : {\n'
        f'        "kms:CallerAccount" : "{account_id}",\n'
        f'        "kms:ViaService" : "{service}.{region}.amazonaws.com"\n'
        "      }\n"
        "    }\n"
        "  }, {\n"
        '    "Sid" : "Allow direct access to key metadata to the account",\n'
        '    "Effect" : "Allow",\n'
        '    "Principal" : {\n'
        f'      "AWS" : "arn:aws:iam::{account_id}:root"\n'
        "    },\n"
        '    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],\n'
        '    "Resource" : "*"\n'
        "  } ]\n"
        "}"
    )


_SERVICE_TITLES = {"s3": "Amazon S3", "ebs": "EBS", "rds": "RDS", "lambda": "Lambda", "secretsmanager": "AWS Secrets Manager"}


def check(policy: str, db=None) -> None:
    """MalformedPolicyDocumentException unless ``policy`` is a key policy
    document in shape (what it grants is the policy engine's business) whose
    IAM principals exist (looked up through ``db``, when given)."""
    if len(policy.encode("utf-8")) > MAX_POLICY_BYTES:
        raise LimitExceededException("Policy exceeds the maximum allowed size of 32768 bytes.")
    try:
        document = json.loads(policy)
    except ValueError:
        raise MalformedPolicyDocumentException("The policy document is not valid JSON.") from None
    if not isinstance(document, dict) or "Statement" not in document:
        raise MalformedPolicyDocumentException("The policy document must contain a Statement.")
    if "Version" in document and document["Version"] not in ("2012-10-17", "2008-10-17"):
        raise MalformedPolicyDocumentException(f"Policy contains an invalid Version: {document['Version']}")
    statements = document["Statement"]
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list) or not statements:
        raise MalformedPolicyDocumentException("The policy document must contain a Statement.")
    for statement in statements:
        if not isinstance(statement, dict):
            raise MalformedPolicyDocumentException("Policy contains a statement that is not an object.")
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise MalformedPolicyDocumentException("Policy contains a statement with an invalid Effect.")
        if "Principal" not in statement and "NotPrincipal" not in statement:
            raise MalformedPolicyDocumentException("Policy contains a statement with no principal.")
    # What the policy engine cannot compile it cannot evaluate either: stored,
    # it would fail every later request on the key, PutKeyPolicy included.
    # A statement without Action or Resource compiles to one without effect.
    try:
        parse_policy(policy, "key")
    except PolicyError as error:
        if error.message == INVALID_PRINCIPAL:
            raise MalformedPolicyDocumentException(PRINCIPALS_INVALID) from None
        raise MalformedPolicyDocumentException(error.message) from None
    # "The principals in the key policy must exist and be visible to KMS"
    # (CreateKey and PutKeyPolicy API reference, Policy).
    if db is not None and iam_principals.unknown(db, policy, "key"):
        raise MalformedPolicyDocumentException(PRINCIPALS_INVALID)
