"""Policy evaluation: allow or deny one request, and why.

AWS's evaluation logic (IAM User Guide, "Policy evaluation logic",
"Cross-account policy evaluation logic", "Permissions boundaries", "Session
policies"; KMS Developer Guide, "Key policies"):

1. An explicit Deny in any applicable policy wins.
2. Within one account, an Allow in an identity-based policy or in the
   resource-based policy suffices. Permissions boundaries and session policies
   limit what identity-based policies (and resource policies that name a role
   rather than its session) grant; a resource policy naming the IAM user or the
   role session itself is not limited by them.
3. Across accounts both sides must allow: the caller's identity-based policies
   (within its boundary and session policies) and the resource policy.
4. A resource policy naming an account (``"123456789012"`` or
   ``arn:aws:iam::123456789012:root``) delegates to that account: its IAM
   policies decide for its principals; its root user is matched directly.
5. The account root user may do everything in its own account unless denied,
   except in KMS, where the key policy must allow, directly or by delegating to
   the account, before IAM policies count; KMS grants allow too.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping, NamedTuple, Optional, Sequence, Union

from policies.document import Policy, Statement, parse_policy

PRINCIPAL_TYPES = ("Root", "IAMUser", "AssumedRole", "FederatedUser", "Service", "Anonymous")

# How a resource policy's Principal matched the caller.
DIRECT = "direct"    # the user, the root user, a service, or "*": not limited
SESSION = "session"  # the role session / federated user ARN itself: not limited
ROLE = "role"        # the role a session belongs to: limited by boundary and session policies
ACCOUNT = "account"  # the caller's account: delegates to its IAM policies

# Where a statement comes from; also the policy types of AWS's denial messages.
IDENTITY, RESOURCE, BOUNDARY, SESSION_POLICY = "identity", "resource", "permissions_boundary", "session"
_POLICY_TYPE_WORDS = {
    IDENTITY: ("an", "identity-based policy"),
    RESOURCE: ("a", "resource-based policy"),
    BOUNDARY: ("a", "permissions boundary"),
    SESSION_POLICY: ("a", "session policy"),
}
_DEFAULT_POLICY_IDS = {
    IDENTITY: "PolicyInputList.{}",
    RESOURCE: "ResourcePolicy",
    BOUNDARY: "PermissionsBoundaryPolicyInputList.{}",
    SESSION_POLICY: "SessionPolicy.{}",
}
_AWS_PRINCIPAL_TYPES = {
    "Root": "Account", "IAMUser": "User", "AssumedRole": "AssumedRole",
    "FederatedUser": "FederatedUser", "Anonymous": "Anonymous",
}


@dataclasses.dataclass(frozen=True)
class AccessRequest:
    """One authorization question: may this principal do this action on this
    resource, given this request context?"""

    principal_arn: str  # the caller's ARN; the assumed-role session ARN for roles; the service name for services
    principal_account: str
    principal_type: str  # one of PRINCIPAL_TYPES
    action: str  # "kms:Decrypt"
    resource: str = "*"  # ARN of the resource, "*" for actions without one
    resource_account: Optional[str] = None  # None: the principal's own account
    context: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # condition keys -> values
    user_id: Optional[str] = None  # AIDA... for users, AROA...:session for role sessions
    role_arn: Optional[str] = None  # the role (with its path) of an assumed-role session
    principal_tags: Mapping[str, str] = dataclasses.field(default_factory=dict)
    canonical_user_id: Optional[str] = None  # S3's canonical id of the caller's account

    def __post_init__(self):
        if self.principal_type not in PRINCIPAL_TYPES:
            raise ValueError(f"principal_type must be one of {PRINCIPAL_TYPES}, not {self.principal_type!r}")


@dataclasses.dataclass(frozen=True)
class SourcePolicy:
    """A policy handed to :func:`evaluate` with the identity it is reported
    under. ``type`` is SimulatePrincipalPolicy's SourcePolicyType (user |
    group | role | aws-managed | user-managed | resource | none)."""

    document: Union[str, dict, Policy]
    id: str = ""
    type: str = "none"


# Named tuples rather than dataclasses: they are built on every decision and
# a tuple is several times cheaper to make.
class MatchedStatement(NamedTuple):
    source: str  # identity | resource | permissions_boundary | session
    policy_id: str
    policy_type: str
    sid: Optional[str]
    index: int
    effect: str


class FailedCondition(NamedTuple):
    statement: MatchedStatement
    operator: str
    key: str


@dataclasses.dataclass(slots=True)
class Decision:
    allowed: bool
    kind: str  # "allow" | "explicit_deny" | "implicit_deny"
    request: AccessRequest
    # allow: identity | resource | root | grant; deny: the policy type that
    # denied (explicit) or had no allow (implicit).
    source: str
    statement: Optional[MatchedStatement]  # the statement that allowed or explicitly denied
    matched_statements: tuple = ()
    failed_conditions: tuple = ()
    missing_context_values: tuple = ()

    def message(self, resource_text: Optional[str] = None) -> str:
        """AWS's access denied text, e.g. ``User: arn:aws:iam::123456789012:user/bob
        is not authorized to perform: kms:Decrypt on resource: arn:...:key/1234
        because no identity-based policy allows the kms:Decrypt action``.
        ``resource_text`` is the resource as the service writes it (S3 quotes
        it, KMS keeps "*", IAM names users and roles); by default the ARN, and
        nothing for "*"."""
        if self.allowed:
            return ""
        request = self.request
        who = "anonymous" if request.principal_type == "Anonymous" else request.principal_arn
        text = f"User: {who} is not authorized to perform: {request.action}"
        if resource_text is None:
            resource_text = request.resource if request.resource != "*" else ""
        if resource_text:
            text += f" on resource: {resource_text}"
        article, words = _POLICY_TYPE_WORDS[self.source]
        if self.kind == "explicit_deny":
            text += f" with an explicit deny in {article} {words}"
            # Since 2025 AWS names the denying policy when it has an ARN
            # (managed policies), except for resource-based policies.
            policy_id = self.statement.policy_id if self.statement else ""
            if self.source != RESOURCE and policy_id.startswith("arn:"):
                text += f": {policy_id}"
            return text
        return text + f" because no {words} allows the {request.action} action"


def evaluate(request: AccessRequest, *,
             identity_policies: Sequence = (),
             resource_policy=None,
             permissions_boundary=None,
             session_policies: Sequence = (),
             service_kind: Optional[str] = None,
             grants_allow: bool = False) -> Decision:
    """Decide ``request``. Each policy is JSON text, a dict, a compiled
    :class:`Policy` or a :class:`SourcePolicy`; ``resource_policy`` is the
    bucket policy, key policy or role trust policy. ``service_kind="kms"``
    applies KMS's key policy rules, ``"trust"`` the same rules to a role's
    trust policy (it too must allow the caller, or delegate to the caller's
    account, even within the account: IAM User Guide, "Cross account
    resource access" and "How IAM roles differ from resource-based
    policies"); ``grants_allow`` says a KMS grant covers the request."""
    run = _Run(request)
    identity = run.scan(IDENTITY, identity_policies)
    resource = run.scan(RESOURCE, () if resource_policy is None else (resource_policy,))
    boundary = run.scan(BOUNDARY, () if permissions_boundary is None else (permissions_boundary,))
    session = run.scan(SESSION_POLICY, session_policies)

    for found in (identity, resource, boundary, session):
        if found.denies:
            return run.decision(False, "explicit_deny", found.source, found.denies[0])

    principal_type = request.principal_type
    has_identity = principal_type not in ("Service", "Anonymous")
    identity_allowed = has_identity and (bool(identity.allows) or principal_type == "Root")
    boundary_ok = permissions_boundary is None or bool(boundary.allows)
    session_ok = not session_policies or bool(session.allows)
    limits_ok = boundary_ok and session_ok
    unlimited = resource.first(DIRECT, SESSION)
    via_role = resource.first(ROLE)
    any_resource = resource.first(DIRECT, SESSION, ROLE, ACCOUNT)
    same_account = request.resource_account in (None, request.principal_account)

    def limit_denial(granted: bool) -> str:
        """Which policy type is missing an allow when the boundary and session
        policies limit what ``granted`` says the identity side allows."""
        if not granted:
            return IDENTITY
        return BOUNDARY if not boundary_ok else SESSION_POLICY

    if not has_identity:
        # Services and anonymous callers have no identity policies: only a
        # resource policy naming them (or "*") can allow.
        if unlimited:
            return run.decision(True, "allow", RESOURCE, unlimited)
        return run.decision(False, "implicit_deny", RESOURCE, None)

    if service_kind in ("kms", "trust"):
        # The key (or trust) policy is the gate: it allows directly, or
        # delegates to the caller's account, whose IAM policies then decide.
        # Root gets nothing implicitly.
        if same_account and unlimited:
            return run.decision(True, "allow", RESOURCE, unlimited)
        if same_account and via_role and limits_ok:
            return run.decision(True, "allow", RESOURCE, via_role)
        if any_resource and identity_allowed and limits_ok:
            return run.decision(True, "allow", IDENTITY if identity.allows else RESOURCE,
                                identity.allows[0] if identity.allows else any_resource)
        if grants_allow:
            return run.decision(True, "allow", "grant", None)
        if not any_resource:
            return run.decision(False, "implicit_deny", RESOURCE, None)
        return run.decision(False, "implicit_deny",
                            limit_denial(identity_allowed or bool(same_account and via_role)), None)

    if same_account:
        if unlimited:
            return run.decision(True, "allow", RESOURCE, unlimited)
        if (identity_allowed or via_role) and limits_ok:
            if identity.allows:
                return run.decision(True, "allow", IDENTITY, identity.allows[0])
            if via_role:
                return run.decision(True, "allow", RESOURCE, via_role)
            return run.decision(True, "allow", "root", None)
        return run.decision(False, "implicit_deny", limit_denial(identity_allowed or bool(via_role)), None)

    # Cross-account: the caller's account and the resource's account must both allow.
    if not (identity_allowed and limits_ok):
        return run.decision(False, "implicit_deny", limit_denial(identity_allowed), None)
    if not any_resource:
        return run.decision(False, "implicit_deny", RESOURCE, None)
    return run.decision(True, "allow", RESOURCE, any_resource)


class _Found:
    """The statements of one policy type that apply to the request."""

    __slots__ = ("source", "allows", "denies", "strengths")

    def __init__(self, source: str):
        self.source = source
        self.allows: list = []
        self.denies: list = []
        self.strengths: list = []  # principal match of each allow, for resource policies

    def first(self, *strengths: str) -> Optional[MatchedStatement]:
        for matched, strength in zip(self.allows, self.strengths):
            if strength in strengths:
                return matched
        return None


class _Run:
    """The state of one evaluation: the request, the lazily built request
    context, and what matched."""

    __slots__ = ("request", "action", "_context", "matched", "failed", "missing")

    def __init__(self, request: AccessRequest):
        self.request = request
        self.action = request.action.lower()
        self._context: Optional[dict] = None
        self.matched: list = []
        self.failed: list = []
        self.missing: list = []

    def context(self) -> dict:
        if self._context is None:
            self._context = request_context(self.request)
        return self._context

    def scan(self, source: str, policies: Sequence) -> _Found:
        found = _Found(source)
        kind = "resource" if source == RESOURCE else "identity"
        request = self.request
        action = self.action
        number = 0
        for item in policies:
            number += 1
            if type(item) is SourcePolicy:
                policy = parse_policy(item.document, kind)
                policy_id, policy_type = item.id, item.type
            else:
                policy = parse_policy(item, kind)
                policy_id, policy_type = "", "resource" if source == RESOURCE else "none"
            statements = policy.statements_for(action)
            if not statements:
                continue
            for statement in statements:
                strength = None
                if statement.principals is not None:
                    strength = principal_match(statement, request)
                    if strength is None:
                        continue
                if not statement.matches_resource(request.resource, self.context):
                    continue
                failed = self._failed_condition(statement) if statement.conditions else None
                matched = MatchedStatement(
                    source, policy_id or _DEFAULT_POLICY_IDS[source].format(number), policy_type,
                    statement.sid, statement.index, statement.effect)
                if failed is not None:
                    self.failed.append(FailedCondition(matched, failed.operator, failed.key))
                    continue
                self.matched.append(matched)
                if statement.allow:
                    found.allows.append(matched)
                    found.strengths.append(strength)
                else:
                    found.denies.append(matched)
        return found

    def _failed_condition(self, statement: Statement):
        """The first condition of the statement that does not hold, or None."""
        context = self.context()
        failed = None
        for condition in statement.conditions:
            # Every condition is tested, so all missing keys are reported.
            if not condition.test(context, self.missing) and failed is None:
                failed = condition
        return failed

    def decision(self, allowed: bool, kind: str, source: str,
                 statement: Optional[MatchedStatement]) -> Decision:
        return Decision(allowed, kind, self.request, source, statement, tuple(self.matched),
                        tuple(self.failed), tuple(dict.fromkeys(self.missing)))


def principal_match(statement: Statement, request: AccessRequest) -> Optional[str]:
    """How the statement's Principal/NotPrincipal matches the caller: DIRECT,
    SESSION, ROLE, ACCOUNT, or None when it does not apply."""
    strength = _named(statement.principals, request)
    if not statement.not_principal:
        return strength
    # NotPrincipal excludes the principals it names exactly; naming an account
    # excludes its root user, not every principal in it.
    return None if strength in (DIRECT, SESSION, ROLE) else DIRECT


def _named(principals, request: AccessRequest) -> Optional[str]:
    if principals.everyone:
        return DIRECT
    principal_type = request.principal_type
    if principal_type == "Service":
        return DIRECT if request.principal_arn.lower() in principals.services else None
    if principal_type == "Anonymous":
        return None
    if request.principal_arn in principals.arns:
        return SESSION if principal_type in ("AssumedRole", "FederatedUser") else DIRECT
    if request.role_arn is not None and request.role_arn in principals.arns:
        return ROLE
    if request.user_id and principals.unique_ids:
        unique_id = request.user_id.split(":", 1)[0]
        if unique_id in principals.unique_ids:
            return ROLE if principal_type == "AssumedRole" else DIRECT
    if request.canonical_user_id is not None and request.canonical_user_id in principals.canonical_users:
        return DIRECT
    if request.principal_arn in principals.federated:
        return DIRECT
    if request.principal_account in principals.accounts:
        return DIRECT if principal_type == "Root" else ACCOUNT
    return None


def request_context(request: AccessRequest) -> dict:
    """The request context as conditions see it: the caller's keys, lowercased,
    plus the global keys that follow from the principal (aws:PrincipalArn,
    aws:username, aws:PrincipalTag/..., ...) unless the caller set them."""
    context = {key.lower(): value for key, value in request.context.items()}
    principal_type = request.principal_type
    derived = {
        "aws:principalaccount": request.principal_account or None,
        "aws:principaltype": _AWS_PRINCIPAL_TYPES.get(principal_type),
        "aws:userid": request.user_id or (request.principal_account if principal_type == "Root" else None),
        "aws:resourceaccount": request.resource_account or request.principal_account or None,
    }
    if principal_type == "Service":
        derived["aws:principalservicename"] = request.principal_arn
    elif principal_type != "Anonymous":
        # For role sessions aws:PrincipalArn is the role, not the session.
        derived["aws:principalarn"] = request.role_arn or request.principal_arn
    if principal_type == "IAMUser":
        derived["aws:username"] = request.principal_arn.rsplit("/", 1)[-1]
    for tag_key, tag_value in request.principal_tags.items():
        derived[f"aws:principaltag/{tag_key.lower()}"] = tag_value
    for key, value in derived.items():
        if value is not None:
            context.setdefault(key, value)
    return context
