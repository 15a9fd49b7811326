"""Key identifiers in every form KMS accepts: key id, key ARN, alias name,
alias ARN; and the forms it rejects (another region's ARN, a malformed id).

Parsing is pure: it says which account, region and name a request means.
Looking the name up is ``keys.resolve``'s job.
"""
from __future__ import annotations

import dataclasses
import re
import secrets
import uuid

from . import errors

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_MRK = re.compile(r"^mrk-[0-9a-f]{32}$")
PARTITION = "aws"


@dataclasses.dataclass(frozen=True)
class KeyRef:
    kind: str  # "key" | "alias"
    account_id: str
    region: str
    name: str  # key id, or the alias name "alias/..."
    arn_given: bool

    @property
    def arn(self) -> str:
        return f"arn:{PARTITION}:kms:{self.region}:{self.account_id}:{self.name if self.kind == 'alias' else 'key/' + self.name}"


def new_key_id(multi_region: bool = False) -> str:
    # Both forms are 36 characters, which the ciphertext format relies on.
    return "mrk-" + secrets.token_hex(16) if multi_region else str(uuid.uuid4())


def is_key_id(value: str) -> bool:
    return bool(_UUID.match(value) or _MRK.match(value))


def key_arn(region: str, account_id: str, key_id: str) -> str:
    return f"arn:{PARTITION}:kms:{region}:{account_id}:key/{key_id}"


def alias_arn(region: str, account_id: str, alias_name: str) -> str:
    return f"arn:{PARTITION}:kms:{region}:{account_id}:{alias_name}"


ALIASES_REFUSED = "Key Aliases are not supported for this operation."


def parse(value: str, account_id: str, region: str, *, aliases: bool = True) -> KeyRef:
    """What ``value`` names, seen from a request in ``account_id``/``region``.

    ``aliases=False`` for operations whose KeyId takes a key id or key ARN
    only: an alias there, by name or ARN, is InvalidArnException "Key Aliases
    are not supported for this operation." (real CLI output for GetKeyPolicy,
    and KMS's answer to Lambda's CreateGrant, relayed in terraform threads)."""
    if value.startswith("arn:"):
        parts = value.split(":", 5)
        # One partition is simulated: an aws-cn or aws-us-gov ARN names a key
        # that cannot be here, never the local key of the same id.
        if len(parts) != 6 or parts[2] != "kms" or parts[1] != PARTITION or not parts[4]:
            raise errors.InvalidArnException(f"Invalid arn {value}")
        _, _, _, arn_region, arn_account, resource = parts
        if resource.startswith("key/"):
            key_id = resource[4:]
            if not is_key_id(key_id):
                raise errors.invalid_key_id(value)
            if arn_region != region:
                raise errors.invalid_arn_region(arn_region)
            return KeyRef("key", arn_account, arn_region, key_id, True)
        if resource.startswith("alias/") and aliases:
            if arn_region != region:
                raise errors.invalid_arn_region(arn_region)
            return KeyRef("alias", arn_account, arn_region, resource, True)
        if resource.startswith("alias/"):
            raise errors.InvalidArnException(ALIASES_REFUSED)
        raise errors.InvalidArnException(f"Invalid arn {value}")
    if value.startswith("alias/"):
        if not aliases:
            raise errors.InvalidArnException(ALIASES_REFUSED)
        return KeyRef("alias", account_id, region, value, False)
    if not is_key_id(value):
        raise errors.invalid_key_id(value)
    return KeyRef("key", account_id, region, value, False)
