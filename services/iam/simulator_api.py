"""The IAM policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy,
answered by the same engine that authorizes every request
(:func:`policies.evaluate`). Nothing is stored, nothing is called.

SimulatePrincipalPolicy gathers the policies in force for a user (its own and
its groups'), a group or a role, adds the request's PolicyInputList, and uses
the entity's permissions boundary unless the request supplies one; the
principal is the entity itself (for a role, a session of it), or CallerArn.
SimulateCustomPolicy evaluates only the documents in the request.

Each (action, resource) pair gets one EvaluationResult: EvalDecision
(allowed | explicitDeny | implicitDeny), MatchedStatements (the policy id and
type of every statement that applied) and MissingContextValues.
"""
from __future__ import annotations

import datetime as _dt
import ipaddress

from policies.document import PolicyError, parse_policy
from policies.evaluation import AccessRequest, SourcePolicy, evaluate

from . import entities, iam, inline_policies, managed_policies, paging
from .errors import InvalidInput, NoSuchEntity
from .identifiers import GROUP, ROLE, USER

_DECISIONS = {"allow": "allowed", "explicit_deny": "explicitDeny", "implicit_deny": "implicitDeny"}
_KINDS = {"user": USER, "group": GROUP, "role": ROLE}


def _checked(documents, kind: str = "identity") -> list:
    for document in documents:
        try:
            parse_policy(document, kind)
        except PolicyError as error:
            raise InvalidInput(error.message) from None
    return list(documents)


def _context_value(value: str, value_type: str):
    base = value_type[:-4] if value_type.endswith("List") else value_type
    try:
        if base == "numeric":
            return float(value) if "." in value else int(value)
        if base == "boolean":
            return value.lower() == "true"
        if base == "date":
            return _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if base == "ip":
            ipaddress.ip_network(value, strict=False)
        if base == "binary":
            return value.encode()
    except ValueError:
        raise InvalidInput(f"Invalid value {value} for context key type {value_type}.") from None
    return value


def _context(entries) -> dict:
    context = {}
    for entry in entries or []:
        values = [_context_value(v, entry.get("ContextKeyType", "string")) for v in entry.get("ContextKeyValues") or []]
        plural = entry.get("ContextKeyType", "string").endswith("List")
        context[entry["ContextKeyName"]] = values if plural or len(values) != 1 else values[0]
    return context


def _own_policies(db, row) -> list[SourcePolicy]:
    kind = row["kind"]
    found = [SourcePolicy(text, name, kind) for name, text in inline_policies.listed(db, row["account_id"], row["entity_id"])]
    for arn in managed_policies.attached_arns(db, row["account_id"], row["entity_id"]):
        policy = managed_policies.lookup(db, row["account_id"], arn)
        if policy is not None:
            found.append(SourcePolicy(managed_policies.document(db, row["account_id"], policy), arn, policy.source_type))
    return found


def _source_entity(db, ctx, arn: str):
    """The user, group or role PolicySourceArn names."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or "/" not in parts[5]:
        raise InvalidInput(f"Invalid ARN {arn}.")
    kind, _, rest = parts[5].partition("/")
    if kind not in _KINDS or parts[4] != ctx.account_id:
        raise NoSuchEntity(f"PolicySourceArn {arn} does not exist.")
    try:
        return entities.find(db, ctx.account_id, _KINDS[kind], rest.rsplit("/", 1)[-1])
    except NoSuchEntity:
        raise NoSuchEntity(f"PolicySourceArn {arn} does not exist.") from None


def _results(ctx, params, identity, boundary, principal: dict) -> dict:
    resource_policy = params.get("ResourcePolicy")
    if resource_policy is not None:
        _checked([resource_policy], "resource")
    context = _context(params.get("ContextEntries"))
    owner = params.get("ResourceOwner")  # an account root ARN
    resource_account = owner.split(":")[4] if owner and owner.count(":") >= 5 else None
    results = []
    for action in params["ActionNames"]:
        for resource in params.get("ResourceArns") or ["*"]:
            request = AccessRequest(action=action, resource=resource, context=context,
                                    resource_account=resource_account, **principal)
            decision = evaluate(request, identity_policies=identity, resource_policy=resource_policy,
                                permissions_boundary=boundary)
            result = {
                "EvalActionName": action,
                "EvalResourceName": resource,
                "EvalDecision": _DECISIONS[decision.kind],
                "MatchedStatements": [{"SourcePolicyId": m.policy_id, "SourcePolicyType": m.policy_type}
                                      for m in decision.matched_statements],
                "MissingContextValues": list(decision.missing_context_values),
            }
            if boundary is not None:
                result["PermissionsBoundaryDecisionDetail"] = {
                    "AllowedByPermissionsBoundary": decision.kind == "allow" or decision.source != "permissions_boundary"}
            results.append(result)
    return paging.page(results, params, "EvaluationResults")


def _principal(arn: str, account_id: str, principal_type: str, **more) -> dict:
    return {"principal_arn": arn, "principal_account": account_id, "principal_type": principal_type, **more}


@iam.operation
def simulate_principal_policy(ctx, params):
    db = ctx.store.read()
    row = _source_entity(db, ctx, params["PolicySourceArn"])
    identity = _own_policies(db, row)
    if row["kind"] == USER:
        for group_id, in db.execute("SELECT group_id FROM iam_group_members WHERE account_id = ? AND user_id = ?",
                                    (row["account_id"], row["entity_id"])).fetchall():
            identity += _own_policies(db, entities.find_by_id(db, row["account_id"], group_id))
    identity += [SourcePolicy(text, f"PolicyInputList.{n}", "none")
                 for n, text in enumerate(_checked(params.get("PolicyInputList") or []), 1)]
    boundary = None
    if params.get("PermissionsBoundaryPolicyInputList"):
        (text,) = _checked(params["PermissionsBoundaryPolicyInputList"][:1])
        boundary = SourcePolicy(text, "PermissionsBoundaryPolicyInputList.1", "none")
    elif row["permissions_boundary"]:
        policy = managed_policies.lookup(db, row["account_id"], row["permissions_boundary"])
        if policy is not None:
            boundary = SourcePolicy(managed_policies.document(db, row["account_id"], policy), policy.arn, policy.source_type)
    arn = entities.arn(row)
    if params.get("CallerArn"):
        principal = _principal(params["CallerArn"], ctx.account_id, "IAMUser")
    elif row["kind"] == ROLE:
        principal = _principal(arn, row["account_id"], "AssumedRole", role_arn=arn, user_id=row["entity_id"])
    else:
        principal = _principal(arn, row["account_id"], "IAMUser", user_id=row["entity_id"])
    return _results(ctx, params, identity, boundary, principal)


@iam.operation
def simulate_custom_policy(ctx, params):
    identity = [SourcePolicy(text, f"PolicyInputList.{n}", "none")
                for n, text in enumerate(_checked(params["PolicyInputList"]), 1)]
    boundary = None
    if params.get("PermissionsBoundaryPolicyInputList"):
        (text,) = _checked(params["PermissionsBoundaryPolicyInputList"][:1])
        boundary = SourcePolicy(text, "PermissionsBoundaryPolicyInputList.1", "none")
    # Only the documents given decide: the caller is simulated as an IAM user
    # (never as a root user, whom nothing needs to allow).
    caller = params.get("CallerArn") or ctx.principal.arn
    return _results(ctx, params, identity, boundary, _principal(caller, ctx.account_id, "IAMUser"))
