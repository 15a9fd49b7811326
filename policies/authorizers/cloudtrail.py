"""CloudTrail authorization: the caller's identity-based policies decide
(cloudtrail:LookupEvents has no resource). Denial: ``AccessDeniedException``,
as CloudTrail's JSON protocol answers it."""
from __future__ import annotations

from services.cloudtrail.errors import AccessDeniedException

from . import authorize_by_identity


def _denial(decision):
    return AccessDeniedException(decision.message())


def authorize(ctx) -> None:
    authorize_by_identity(ctx, "cloudtrail", _denial)
