"""STS operations: one plain function per AWS operation.

Temporary credentials (ASIA... key id, secret, session token) are stored in
the platform's ``credentials`` table like every other credential, with an
expiry on the simulator clock; authentication answers ExpiredToken once it
has passed. An assumed-role session is its own principal,
``arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`` with user id
``AROA...:SESSION``; its session record carries the role, the session
policies and the session tags the policy engine needs.
"""
from __future__ import annotations

import base64
import datetime as _dt
import json
import logging
import math
import secrets

from policies.document import PolicyError, parse_policy
from policies.evaluation import AccessRequest, evaluate
from simulator.accounts import new_secret_access_key
from simulator.context import Principal
from services.iam import entities, managed_policies, principals
from services.iam.errors import NoSuchEntity
from services.iam.identifiers import ROLE, access_key_id, account_of_access_key

from . import sts
from .errors import AccessDenied, InvalidParameterValue, MalformedPolicyDocument, PackedPolicyTooLarge, ValidationError

log = logging.getLogger(__name__)

DEFAULT_ROLE_SESSION = 3600
ROLE_CHAINING_LIMIT = 3600
# GetSessionToken: IAM users get 12 hours by default (up to 36), the root user one hour at most.
USER_SESSION_DEFAULT, ROOT_SESSION_MAX = 43200, 3600
MAX_POLICY_ARNS = 10
# The space session policies and tags are packed into, in characters; the
# response says how much of it a request used (PackedPolicySize, percent).
PACKED_SPACE = 2048


@sts.operation
def get_caller_identity(ctx, params):
    principal = ctx.principal
    return {"UserId": principal.user_id, "Account": principal.account_id, "Arn": principal.arn}


@sts.operation
def get_access_key_info(ctx, params):
    key_id = params["AccessKeyId"]
    row = ctx.store.read().execute("SELECT account_id FROM credentials WHERE access_key_id = ?", (key_id,)).fetchone()
    # Keys of ours are found; any other AWS-shaped key id carries its account.
    account = row[0] if row else account_of_access_key(key_id)
    if account is None:
        raise ValidationError(f"Invalid AccessKeyId: {key_id}")
    return {"Account": account}


def _session_token() -> str:
    return base64.b64encode(secrets.token_bytes(288)).decode()


def _issue(ctx, db, principal: Principal, expires: _dt.datetime, session: dict) -> dict:
    key_id = access_key_id(principal.account_id, "ASIA")
    secret, token = new_secret_access_key(), _session_token()
    ctx.app.accounts.add_credential(db, key_id, secret, principal, session_token=token, session=session,
                                    expires=expires.timestamp())
    return {"AccessKeyId": key_id, "SecretAccessKey": secret, "SessionToken": token, "Expiration": expires}


def _role(db, role_arn: str):
    """The role an ARN names (its path must match), or None."""
    parts = role_arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam" or not parts[5].startswith("role/"):
        raise ValidationError("Request ARN is invalid")
    name = parts[5].rsplit("/", 1)[-1]
    try:
        row = entities.find(db, parts[4], ROLE, name)
    except NoSuchEntity:
        return None
    return row if entities.arn(row) == role_arn else None


def _session_policy(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        parse_policy(text, "identity")
    except PolicyError as error:
        raise MalformedPolicyDocument(error.message) from None
    return text


def _context(ctx, params: dict, tags: dict) -> dict:
    context = {
        "aws:currenttime": ctx.now,
        "aws:epochtime": int(ctx.now.timestamp()),
        "aws:sourceip": ctx.source_ip,
        "aws:securetransport": ctx.secure_transport,
        "aws:requestedregion": ctx.region,
        "sts:rolesessionname": params["RoleSessionName"],
    }
    if params.get("ExternalId") is not None:
        context["sts:externalid"] = params["ExternalId"]
    if params.get("SourceIdentity") is not None:
        context["sts:sourceidentity"] = params["SourceIdentity"]
    if tags:
        context["aws:tagkeys"] = list(tags)
        for key, value in tags.items():
            context[f"aws:requesttag/{key.lower()}"] = value
    if params.get("TransitiveTagKeys"):
        context["sts:transitivetagkeys"] = list(params["TransitiveTagKeys"])
    return context


def _trusted(ctx, role, action: str, context: dict) -> bool:
    """Whether the caller may take the role: the trust policy (a resource
    policy) together with the caller's own policies, by AWS's rules: a trust
    policy naming the caller suffices, one naming the account needs an
    identity-based allow too, and one naming neither lets no one in, whatever
    the caller's own policies allow."""
    if ctx.app.config.iam == "off":
        return True
    try:
        # Compiled as a trust policy: it has no Resource element.
        trust = parse_policy(role["trust_policy"], "trust")
    except PolicyError as error:
        # Stored before a rule that now refuses it (NotPrincipal): it cannot
        # be weighed, so it trusts no one until UpdateAssumeRolePolicy mends it.
        log.warning("the trust policy of %s is not valid (%s): it trusts no one", entities.arn(role), error.message)
        return ctx.app.config.iam == "audit"
    caller = ctx.principal
    request = AccessRequest(
        principal_arn=caller.arn, principal_account=caller.account_id, principal_type=caller.type,
        action=action, resource=entities.arn(role), resource_account=role["account_id"], context=context,
        user_id=caller.user_id, role_arn=principals.role_arn(caller),
        principal_tags=principals.principal_tags(ctx, caller),
    )
    decision = evaluate(
        request,
        identity_policies=principals.identity_policies(ctx, caller),
        resource_policy=trust,
        permissions_boundary=principals.permissions_boundary(ctx, caller),
        session_policies=principals.session_policies(ctx, caller),
        service_kind="trust",
    )
    ctx.decisions.append(decision)
    # In audit mode a would-be denial is recorded, not enforced.
    return decision.allowed or ctx.app.config.iam == "audit"


def _inherited_tags(caller: Principal) -> dict:
    """The calling session's transitive tags (a role chain's)."""
    session = caller.session or {}
    keys = {k.lower() for k in session.get("transitive_tag_keys") or ()}
    return {k: v for k, v in (session.get("tags") or {}).items() if k.lower() in keys}


def _transitive_keys(caller: Principal, tags: list, requested: list) -> list:
    """The session tags TransitiveTagKeys names, spelled as the tags are.
    Tag keys compare without case; AWS's answers (InvalidParameterValue, 400)
    as recorded against AWS in localstack's validated STS snapshots
    (tests/aws/services/sts/test_sts.snapshot.json, TestSTSAssumeRoleTagging)."""
    by_lower = {t["Key"].lower(): t["Key"] for t in tags}
    if len(by_lower) != len(tags):
        raise InvalidParameterValue("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    if any(k.lower() not in by_lower for k in requested):
        raise InvalidParameterValue("The specified transitive tag key must be included in the requested tags.")
    # A chained session cannot reset what the calling session made transitive.
    if any(k.lower() in by_lower for k in _inherited_tags(caller)):
        raise InvalidParameterValue("One of the specified transitive tag keys can't be set because it conflicts "
                                    "with a transitive tag key from the calling session.")
    return sorted({by_lower[k.lower()] for k in requested})


def _packed_size(policy: str | None, tags: dict) -> int:
    used = len(json.dumps(json.loads(policy), separators=(",", ":"))) if policy else 0
    used += sum(len(k) + len(v) for k, v in tags.items())
    return math.ceil(used * 100 / PACKED_SPACE)


@sts.operation
def assume_role(ctx, params):
    caller = ctx.principal
    role_arn, session_name = params["RoleArn"], params["RoleSessionName"]
    denied = AccessDenied(f"User: {caller.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}")
    if caller.is_root:
        raise AccessDenied("Roles may not be assumed by root accounts.")
    policy = _session_policy(params.get("Policy"))
    policy_arns = [p["arn"] for p in params.get("PolicyArns", [])]
    if len(policy_arns) > MAX_POLICY_ARNS:
        raise ValidationError(f"1 validation error detected: Value at 'policyArns' failed to satisfy constraint: "
                              f"Member must have length less than or equal to {MAX_POLICY_ARNS}")
    tags = {t["Key"]: t["Value"] for t in params.get("Tags", [])}
    transitive = _transitive_keys(caller, params.get("Tags", []), params.get("TransitiveTagKeys", []))

    with ctx.store.tx() as db:
        role = _role(db, role_arn)
        if role is None:
            # STS does not tell a missing role from a forbidden one.
            raise denied
        for arn in policy_arns:
            if managed_policies.lookup(db, role["account_id"], arn) is None:
                raise ValidationError(f"Policy {arn} does not exist or is not attachable.")
        context = _context(ctx, params, tags)
        if not _trusted(ctx, role, "sts:AssumeRole", context):
            raise denied
        if (tags or params.get("TransitiveTagKeys")) and not _trusted(ctx, role, "sts:TagSession", context):
            raise AccessDenied(f"User: {caller.arn} is not authorized to perform: sts:TagSession on resource: {role_arn}")

        duration = params.get("DurationSeconds", DEFAULT_ROLE_SESSION)
        if caller.type == "AssumedRole" and duration > ROLE_CHAINING_LIMIT:
            raise ValidationError("The requested DurationSeconds exceeds the 1 hour session limit "
                                  "for roles assumed by role chaining.")
        if duration > role["max_session_duration"]:
            raise ValidationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        packed = _packed_size(policy, tags) if (policy or tags) else None
        if packed is not None and packed > 100:
            # STS words the overflow by what was packed: with no session
            # policy it can only be the tags.
            if policy:
                raise PackedPolicyTooLarge(f"Packed policy consumes {packed}% of allotted space, please use smaller policy.")
            raise PackedPolicyTooLarge(f"Packed size of session tags consumes {packed}% of allotted space.")

        account_id, role_name = role["account_id"], role["name"]
        # Transitive tags of a chained session carry over into the new one.
        inherited = _inherited_tags(caller)
        session = {
            "kind": "AssumeRole",
            "role_arn": entities.arn(role),
            "role_id": role["entity_id"],
            "role_name": role_name,
            "session_name": session_name,
            "policy": policy,
            "policy_arns": policy_arns,
            "tags": {**inherited, **tags},
            "transitive_tag_keys": sorted(set(transitive) | set(inherited)),
            "source_identity": params.get("SourceIdentity") or (caller.session or {}).get("source_identity"),
            "external_id": params.get("ExternalId"),
            "issued_by": caller.arn,
        }
        arn = f"arn:aws:sts::{account_id}:assumed-role/{role_name}/{session_name}"
        principal = Principal(account_id=account_id, arn=arn, type="AssumedRole",
                              user_id=f"{role['entity_id']}:{session_name}", name=session_name, session=session)
        expires = ctx.now + _dt.timedelta(seconds=duration)
        credentials = _issue(ctx, db, principal, expires.replace(microsecond=0), session)
        db.execute("UPDATE iam_entities SET last_used = ?, last_used_region = ? WHERE account_id = ? AND entity_id = ?",
                   (ctx.now.timestamp(), ctx.region, account_id, role["entity_id"]))
    out = {"Credentials": credentials, "AssumedRoleUser": {"AssumedRoleId": principal.user_id, "Arn": arn}}
    if packed is not None:
        out["PackedPolicySize"] = packed
    if session["source_identity"]:
        out["SourceIdentity"] = session["source_identity"]
    return out


@sts.operation
def get_session_token(ctx, params):
    caller = ctx.principal
    if caller.type == "AssumedRole" or caller.session:
        raise AccessDenied("Cannot call GetSessionToken with session credentials")
    if caller.is_root:
        duration = min(params.get("DurationSeconds", ROOT_SESSION_MAX), ROOT_SESSION_MAX)
    else:
        duration = params.get("DurationSeconds", USER_SESSION_DEFAULT)
    expires = (ctx.now + _dt.timedelta(seconds=duration)).replace(microsecond=0)
    # The session acts as the user (or root) itself: same ARN, same policies.
    principal = Principal(account_id=caller.account_id, arn=caller.arn, type=caller.type, user_id=caller.user_id,
                          name=caller.name, session={"kind": "GetSessionToken"})
    with ctx.store.tx() as db:
        credentials = _issue(ctx, db, principal, expires, principal.session)
    return {"Credentials": credentials}
