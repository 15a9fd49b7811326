"""Alias names: the ``alias/`` prefix, the reserved ``alias/aws/`` space,
and which keys an alias may point at."""
from __future__ import annotations

from . import errors, key_ids, key_specs, keys

PREFIX = "alias/"
RESERVED = "alias/aws/"


def check_name(name: str) -> None:
    if not name.startswith(PREFIX):
        raise errors.ValidationException(
            'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html'
        )
    if name == PREFIX:
        raise errors.InvalidAliasNameException("Alias name must not be empty.")
    if name.startswith(RESERVED) or name == "alias/aws":
        # The alias/aws/ space belongs to AWS managed keys.
        raise errors.NotAuthorizedException("")


def check_target(key: keys.Key) -> None:
    keys.check_not_pending_deletion(key)
    if key.key_manager == "AWS":
        raise errors.UnsupportedOperationException(f"{key.arn} is an AWS managed key; it cannot be the target of an alias.")


def kind(key: keys.Key) -> tuple[str, str]:
    """What must stay the same when an alias moves to another key."""
    family = "SYMMETRIC" if key_specs.is_symmetric(key.key_spec) else "HMAC" if key_specs.is_hmac(key.key_spec) else "ASYMMETRIC"
    return family, key.key_usage


def listed(row) -> dict:
    return {
        "AliasName": row["alias_name"],
        "AliasArn": key_ids.alias_arn(row["region"], row["account_id"], row["alias_name"]),
        "TargetKeyId": row["key_id"],
        "CreationDate": keys.moment(row["created"]),
        "LastUpdatedDate": keys.moment(row["updated"]),
    }
