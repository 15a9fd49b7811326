"""What one operation needs: an action on a resource, with the service's
condition keys."""
from __future__ import annotations

from typing import Any, Mapping, NamedTuple


class Requirement(NamedTuple):
    action: str  # "s3:GetObject"
    resource: str = "*"  # the resource ARN, "*" for actions without a resource type
    # Service condition keys (lowercased names) the request supplies.
    context: Mapping[str, Any] = {}


class Scope(NamedTuple):
    account_id: str  # the caller's account
    region: str
    caller_arn: str  # the caller's ARN (IAM operations on "the calling user")
    names: Any = None  # the service's resolver, see each module's docstring
