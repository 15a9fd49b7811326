"""CloudTrail authorization: the caller's identity-based policies decide
(cloudtrail:LookupEvents has no resource). Denial: ``AccessDeniedException``,
as CloudTrail's JSON protocol answers it."""
from __future__ import annotations

from simulator.errors import AwsError

from . import authorize_by_identity


class AccessDeniedException(AwsError):
    """CloudTrail's denial (HTTP 400)."""


def _denial(decision):
    return AccessDeniedException(decision.message())


def authorize(ctx) -> None:
    authorize_by_identity(ctx, "cloudtrail", _denial)
