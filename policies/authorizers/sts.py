"""STS authorization. AssumeRole weighs the role's trust policy with the
caller's identity policies; the operation does that itself (it owns the trust
policy and the session it issues) and records the decision. Every other STS
operation the caller's identity policies decide; GetCallerIdentity and
GetSessionToken need no permission at all. Denials: ``AccessDenied`` (403)."""
from __future__ import annotations

from services.sts.errors import AccessDenied

from . import authorize_by_identity

# Authorized inside the operation, against the trust policy.
_TRUST_POLICY_OPERATIONS = frozenset({"AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity"})


def _denial(decision):
    return AccessDenied(decision.message())


def authorize(ctx) -> None:
    if ctx.operation in _TRUST_POLICY_OPERATIONS:
        return
    authorize_by_identity(ctx, "sts", _denial)
