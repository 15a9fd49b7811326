"""Per-service authorization: what each service's requests need (the action
map in :mod:`policies.actions`), the policies that decide (the caller's
identity policies, boundary and session policies from IAM; the bucket policy,
the key policy and grants from the resource's service), and the engine's
decision, enforced or audited.

The modules here read the services' stores and call their domain functions;
the engine itself (:mod:`policies.evaluation`) stays pure. Shared by every
service authorizer:

- :class:`Caller`: the caller's identity-side policies and request context,
  gathered once per request.
- :func:`check`: evaluate one requirement and record the decision's reasons on
  ``ctx.decisions``; raise the service's denial when enforcing.
- :func:`explain`: a decision's reasons as JSON-ready data (the event trail's
  ``awsboxAuthorization``).
"""
from __future__ import annotations

from typing import Callable, Optional

from policies.actions import Requirement, Scope, requirements
from policies.evaluation import AccessRequest, Decision, evaluate
from services.iam import principals  # IAM's reading of a principal's policies

ENFORCE, AUDIT, OFF = "enforce", "audit", "off"


class Caller:
    """The caller of one request as the policy engine sees it: its identity
    policies, permissions boundary, session policies and tags (read from IAM
    once per request), and the global condition keys of the request."""

    __slots__ = ("ctx", "principal", "identity_policies", "boundary", "session_policies", "tags", "role_arn",
                 "global_context")

    def __init__(self, ctx):
        self.ctx = ctx
        principal = self.principal = ctx.principal
        if principal.type in ("IAMUser", "AssumedRole"):
            self.identity_policies, self.boundary, self.session_policies, self.tags = unchanged_since_read(
                ctx, ("caller", principal.access_key_id, principal.arn, principal.user_id), _identity_side)
        else:
            # Root has no identity policies: it may do everything in its account.
            self.identity_policies, self.boundary, self.session_policies, self.tags = [], None, [], {}
        self.role_arn = principals.role_arn(principal)
        self.global_context = global_context(ctx)

    def request(self, requirement: Requirement, resource_account: Optional[str], extra: dict | None = None) -> AccessRequest:
        principal = self.principal
        context = {**self.global_context, **requirement.context, **(extra or {})}
        return AccessRequest(
            principal_arn=principal.arn, principal_account=principal.account_id, principal_type=principal.type,
            action=requirement.action, resource=requirement.resource, resource_account=resource_account,
            context=context, user_id=principal.user_id, role_arn=self.role_arn, principal_tags=self.tags,
        )

    def evaluate(self, request: AccessRequest, *, resource_policy=None, service_kind=None, grants_allow=False) -> Decision:
        return evaluate(request, identity_policies=self.identity_policies, resource_policy=resource_policy,
                        permissions_boundary=self.boundary, session_policies=self.session_policies,
                        service_kind=service_kind, grants_allow=grants_allow)


def _identity_side(ctx):
    db, principal = ctx.store.read(), ctx.principal
    return (principals.identity_policies(db, principal), principals.permissions_boundary(db, principal),
            principals.session_policies(db, principal), principals.principal_tags(db, principal))


def unchanged_since_read(ctx, key: tuple, read: Callable):
    """``read(ctx)``, or what it answered last time if none of the tables it
    read has changed since (:meth:`Store.cached`): a read of a few policies
    costs more than the decision itself, and any change to them by any worker
    (an IAM policy edit, a bucket policy, a new grant) is seen by the very
    next request. ``read`` must depend on ``key`` alone, never on who asks."""
    return ctx.store.cached(("authorization",) + key, lambda: read(ctx))


def global_context(ctx) -> dict:
    """AWS's global condition keys of a request (IAM User Guide, "AWS global
    condition context keys"), lowercased. The principal's own keys
    (aws:PrincipalArn, aws:username, aws:PrincipalTag/...) the engine derives."""
    context = {
        "aws:currenttime": ctx.now,
        "aws:epochtime": int(ctx.now.timestamp()),
        "aws:sourceip": ctx.source_ip,
        "aws:securetransport": ctx.secure_transport,
        "aws:requestedregion": ctx.region,
        "aws:viaawsservice": ctx.via_service is not None,
        "aws:principalisawsservice": False,
    }
    if ctx.via_service is not None:
        context["aws:calledvia"] = [ctx.via_service]
        context["aws:calledviafirst"] = ctx.via_service
        context["aws:calledvialast"] = ctx.via_service
    session = ctx.principal.session or {}
    if session.get("source_identity"):
        context["aws:sourceidentity"] = session["source_identity"]
    if ctx.user_agent:
        context["aws:useragent"] = ctx.user_agent
    return context


def scope_of(ctx, names=None) -> Scope:
    return Scope(ctx.account_id, ctx.region, ctx.principal.arn, names)


def mode(ctx) -> str:
    return ctx.app.config.iam


def check(ctx, decision: Decision, denial: Callable[[Decision], Exception]) -> Decision:
    """Record the decision's reasons on the request; when it denies, raise the
    service's error (enforce) or let the request through (audit)."""
    enforced = mode(ctx) == ENFORCE
    reasons = explain(decision, enforced=enforced)
    ctx.decisions.append(reasons)
    if not decision.allowed:
        error = denial(decision)
        if error.message.startswith("User: "):
            # The trail shows the explanation in the service's own words (how
            # it writes the resource); where the caller is told only "Access
            # Denied" (S3 to another account) it keeps the full one.
            reasons["message"] = error.message
        if enforced:
            raise error
    return decision


def record(ctx, action: str, resource: str, kind: str, source: str, reason: str, *, allowed: bool) -> None:
    """A decision made without the engine (a grant's own terms, the
    PutKeyPolicy lockout check), recorded alike."""
    ctx.decisions.append({"action": action, "resource": resource, "decision": kind, "by": source,
                          "reason": reason, "enforced": mode(ctx) == ENFORCE or allowed})


def explain(decision: Decision, *, enforced: bool = True) -> dict:
    """Why the engine decided as it did: the statement that allowed or denied
    (or that none did), every statement that matched, every condition that
    failed, the context keys the policies asked for and the request lacked."""
    request = decision.request
    reasons = {
        "action": request.action,
        "resource": request.resource,
        "decision": decision.kind,
        "by": decision.source,
    }
    if decision.statement is not None:
        reasons["statement"] = _statement(decision.statement)
    if not decision.allowed:
        reasons["message"] = decision.message()
        reasons["enforced"] = enforced
    if decision.matched_statements:
        reasons["matchedStatements"] = [_statement(s) for s in decision.matched_statements]
    if decision.failed_conditions:
        reasons["failedConditions"] = [
            {**_statement(f.statement), "operator": f.operator, "key": f.key} for f in decision.failed_conditions]
    if decision.missing_context_values:
        reasons["missingContextValues"] = list(decision.missing_context_values)
    return reasons


def _statement(matched) -> dict:
    found = {"policyType": matched.source, "policy": matched.policy_id, "index": matched.index, "effect": matched.effect}
    if matched.sid:
        found["sid"] = matched.sid
    return found


def authorize_by_identity(ctx, service: str, denial: Callable[[Decision], Exception], names=None) -> None:
    """Services without resource policies (IAM, STS, CloudTrail): each
    requirement is decided by the caller's identity-based policies, within its
    boundary and session policies; the root user may do everything."""
    found = requirements(service, ctx.operation, ctx.params, scope_of(ctx, names))
    if not found:
        return
    caller = Caller(ctx)
    for requirement in found:
        check(ctx, caller.evaluate(caller.request(requirement, None)), denial)
