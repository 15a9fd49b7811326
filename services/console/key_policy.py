"""The key policy the create-key wizard writes, as the AWS KMS console does:
the statement that lets the account's IAM policies grant access, then one
for the key administrators, one for the key users and one letting the users
attach the key to AWS resources through grants (AWS KMS Developer Guide,
"Default key policy")."""
from __future__ import annotations

import json

ADMIN_ACTIONS = [
    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
    "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
]
# What key users may do, by key usage.
USER_ACTIONS = {
    "ENCRYPT_DECRYPT": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
    "SIGN_VERIFY": ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign", "kms:Verify"],
    "GENERATE_VERIFY_MAC": ["kms:DescribeKey", "kms:GenerateMac", "kms:VerifyMac"],
    "KEY_AGREEMENT": ["kms:DescribeKey", "kms:GetPublicKey", "kms:DeriveSharedSecret"],
}


def console_key_policy(account_id: str, key_usage: str, administrators: list[str], users: list[str]) -> str:
    statements = [{
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }]
    if administrators:
        statements.append({
            "Sid": "Allow access for Key Administrators",
            "Effect": "Allow",
            "Principal": {"AWS": administrators},
            "Action": ADMIN_ACTIONS,
            "Resource": "*",
        })
    if users:
        statements.append({
            "Sid": "Allow use of the key",
            "Effect": "Allow",
            "Principal": {"AWS": users},
            "Action": USER_ACTIONS.get(key_usage, USER_ACTIONS["ENCRYPT_DECRYPT"]),
            "Resource": "*",
        })
        if key_usage == "ENCRYPT_DECRYPT":
            statements.append({
                "Sid": "Allow attachment of persistent resources",
                "Effect": "Allow",
                "Principal": {"AWS": users},
                "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                "Resource": "*",
                "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
            })
    return json.dumps({"Id": "key-consolepolicy-3", "Version": "2012-10-17", "Statement": statements}, indent=4)
