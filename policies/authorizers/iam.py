"""IAM authorization: IAM has no resource policies, so the caller's
identity-based policies decide (within its permissions boundary and session
policies). The account's root user is never denied here: no policy attaches
to it, so no policy edit can lock it out of IAM. Denials: ``AccessDenied``
(403) in AWS's words."""
from __future__ import annotations

from policies.actions import requirements
from services.iam import entities, password_policy
from services.iam.errors import AccessDenied, NoSuchEntity
from services.iam.identifiers import GROUP, ROLE, USER

from . import Caller, authorize_by_identity, check, record, scope_of

# With the account password policy's AllowUsersToChangePassword, every IAM
# user may change their own password (and read the policy that governs it)
# without an identity-policy allow; an explicit deny still wins.
_SELF_SERVICE = frozenset({"ChangePassword", "GetAccountPasswordPolicy"})

_KINDS = {"user": USER, "group": GROUP, "role": ROLE}


class EntityNames:
    """ARNs of what an IAM request names, with the entity's real path."""

    def __init__(self, ctx):
        self.ctx = ctx

    def entity_arn(self, kind: str, name: str) -> str:
        try:
            return entities.arn(entities.find(self.ctx.store.read(), self.ctx.account_id, _KINDS[kind], name))
        except NoSuchEntity:
            # Not there (the operation answers NoSuchEntity): the ARN the name would have.
            return f"arn:aws:iam::{self.ctx.account_id}:{kind}/{name}"

    def access_key_owner(self, access_key_id: str):
        row = self.ctx.store.read().execute(
            "SELECT principal_arn FROM credentials WHERE access_key_id = ? AND account_id = ?",
            (access_key_id, self.ctx.account_id)).fetchone()
        return row[0] if row else None


def _denial_for(operation: str):
    def denial(decision):
        return AccessDenied(decision.message(resource_text(operation, decision.request.resource)))
    return denial


# Operations that create what they name: IAM writes its full ARN.
_NAMED_BY_ARN = frozenset({"CreateUser", "CreateRole"})


def resource_text(operation: str, resource: str) -> str:
    """The resource as IAM writes it in a denial (records of real denials):
    ``user <name>``, ``role <name>``, ``policy <name>`` for CreatePolicy,
    ``policy <arn>`` for the other policy operations; the ARN itself when
    creating a user or role, or when it names no one entity."""
    if resource == "*":
        return ""
    kind, _, rest = resource.split(":", 5)[-1].partition("/")
    name = rest.rsplit("/", 1)[-1]
    if operation in _NAMED_BY_ARN or not name:
        return resource
    if kind in ("user", "role"):
        return f"{kind} {name}"
    if kind == "policy":
        return f"policy {name}" if operation == "CreatePolicy" else f"policy {resource}"
    return resource


def _users_may_change_passwords(ctx) -> bool:
    row = password_policy.find(ctx.store.read(), ctx.account_id)
    return bool(row and row["allow_users_to_change"])


def authorize(ctx) -> None:
    names = EntityNames(ctx)
    if ctx.operation in _SELF_SERVICE and ctx.principal.type == "IAMUser" and _users_may_change_passwords(ctx):
        caller = Caller(ctx)
        for requirement in requirements("iam", ctx.operation, ctx.params, scope_of(ctx, names)):
            decision = caller.evaluate(caller.request(requirement, None))
            if decision.kind == "explicit_deny":
                check(ctx, decision, _denial_for(ctx.operation))
            elif not decision.allowed:
                record(ctx, requirement.action, requirement.resource, "allow", "password-policy",
                       "AllowUsersToChangePassword", allowed=True)
        return
    authorize_by_identity(ctx, "iam", _denial_for(ctx.operation), names)
