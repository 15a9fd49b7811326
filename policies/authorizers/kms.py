"""KMS authorization: the key policy is the gate (KMS Developer Guide, "Key
policies", "Grants in AWS KMS", "Condition keys for AWS KMS").

For each key a request needs, the key policy, the key's grants and the
caller's IAM policies go to the engine with ``service_kind="kms"``: the key
policy must allow the caller, directly or by delegating to the account (then
the account's IAM policies decide); a grant to the caller for the operation
allows too; the account's root user gets nothing the key policy withholds.
Actions on "*" (CreateKey, ListKeys...) and on aliases are decided by IAM
policies alone.

Every key request carries ``kms:CallerAccount``, ``kms:ViaService`` (when an
AWS service such as S3 calls on the caller's behalf), and the key's own
``kms:KeySpec``, ``kms:KeyUsage``, ``kms:KeyOrigin``, ``kms:MultiRegion``,
``kms:MultiRegionKeyType`` and ``aws:ResourceTag/<key>``.

CreateKey and PutKeyPolicy refuse a key policy that would lock the caller out
(no kms:PutKeyPolicy for it under the new policy) unless
BypassPolicyLockoutSafetyCheck is set, as KMS does.
"""
from __future__ import annotations

import json

from policies.actions import Requirement, requirements
from policies.document import parse_policy
from services.kms import ciphertext, key_ids, keys, policies_default
from services.kms.errors import AccessDeniedException, KmsError, MalformedPolicyDocumentException
from simulator.errors import AwsError

from . import AUDIT, ENFORCE, Caller, check, mode, record, scope_of, unchanged_since_read

LOCKOUT = "The new key policy will not allow you to update the key policy in the future."


def _denial(decision) -> AwsError:
    # KMS writes "on resource: *" for CreateKey and ListKeys, as real denials record.
    return AccessDeniedException(decision.message(decision.request.resource))


class KeyNames:
    """Resolves what a KMS request names to keys, one read per key per request."""

    def __init__(self, ctx):
        self.ctx = ctx
        self._views: dict = {}

    def view(self, value: str):
        if value not in self._views:
            # What ``value`` names depends on the caller's account and region alone.
            ctx = self.ctx
            self._views[value] = unchanged_since_read(
                ctx, ("kms-key", ctx.account_id, ctx.region, value), lambda ctx: keys.key_for_authorization(ctx, value))
        return self._views[value]

    def key_arn(self, value: str):
        view = self.view(value)
        return view.arn if view is not None else None

    def key_of_ciphertext(self, blob: bytes):
        """The key a symmetric ciphertext names in its header; None for a
        ciphertext that is not KMS's (Decrypt then answers InvalidCiphertextException)."""
        try:
            parsed = ciphertext.parse(blob)
        except KmsError:
            return None
        return self.key_arn(key_ids.key_arn(self.ctx.region, parsed.account_id, parsed.key_id))

    def key_of_grant_token(self, token):
        row = self.grant_by_token(token)
        return self.key_arn(_key_arn(row)) if row else None

    def grant_by_token(self, token):
        if not token:
            return None
        return self.ctx.store.read().execute(
            "SELECT * FROM kms_grants WHERE grant_token = ?", (token,)).fetchone()

    def grant_by_id(self, key_value: str, grant_id: str):
        view = self.view(key_value)
        if view is None:
            return None
        return self.ctx.store.read().execute(
            "SELECT * FROM kms_grants WHERE account_id = ? AND region = ? AND key_id = ? AND grant_id = ?",
            (view.account_id, view.region, view.key_id, grant_id)).fetchone()


def _key_arn(row) -> str:
    return f"arn:aws:kms:{row['region']}:{row['account_id']}:key/{row['key_id']}"


def authorize(ctx) -> None:
    names = KeyNames(ctx)
    caller = Caller(ctx)
    if ctx.operation == "RetireGrant":
        _retire_grant(ctx, names, caller)
        return
    for requirement in requirements("kms", ctx.operation, ctx.params, scope_of(ctx, names)):
        if requirement.resource is None:
            continue  # names no key: the operation answers NotFoundException
        if ":key/" in requirement.resource:
            view = names.view(requirement.resource)
            if view is None:
                continue
            request = caller.request(requirement, view.account_id, _key_context(ctx, view))
            grants = _grants_allow(view, requirement, caller)
            check(ctx, caller.evaluate(request, resource_policy=parse_policy(view.policy, "key"), service_kind="kms",
                                       grants_allow=grants), _denial)
        else:
            account = requirement.resource.split(":")[4] if requirement.resource.startswith("arn:") else None
            request = caller.request(requirement, account, _caller_keys(ctx))
            check(ctx, caller.evaluate(request), _denial)
    if ctx.operation in ("CreateKey", "PutKeyPolicy") and mode(ctx) in (ENFORCE, AUDIT):
        _lockout_safety_check(ctx, names, caller)


def _caller_keys(ctx) -> dict:
    keys = {"kms:calleraccount": ctx.principal.account_id}
    if ctx.via_service:
        # kms:ViaService names the service with its region: s3.us-east-1.amazonaws.com.
        service = ctx.via_service.split(".", 1)[0]
        keys["kms:viaservice"] = f"{service}.{ctx.region}.amazonaws.com"
    return keys


def _key_context(ctx, view) -> dict:
    """The request's KMS keys plus the key's own (resource) condition keys."""
    resource_keys = unchanged_since_read(ctx, ("kms-key-context", view.account_id, view.region, view.key_id),
                                         lambda ctx: _resource_keys(ctx, view))
    return {**_caller_keys(ctx), **resource_keys}


def _resource_keys(ctx, view) -> dict:
    """The key's own condition keys: spec, usage, origin, multi-Region, tags."""
    found = {}
    db = ctx.store.read()
    key = keys.load(db, view.account_id, view.region, view.key_id)
    if key is not None:
        found.update({
            "kms:keyspec": key.key_spec, "kms:keyusage": key.key_usage, "kms:keyorigin": key.origin,
            "kms:multiregion": bool(key.multi_region),
        })
        if key.multi_region:
            found["kms:multiregionkeytype"] = "PRIMARY" if key.is_primary else "REPLICA"
    for tag_key, tag_value in db.execute(
            "SELECT tag_key, tag_value FROM kms_tags WHERE account_id = ? AND region = ? AND key_id = ?",
            (view.account_id, view.region, view.key_id)):
        found[f"aws:resourcetag/{tag_key.lower()}"] = tag_value
    return found


def _grantee(grant_principal: str, caller: Caller) -> bool:
    principal = caller.principal
    return grant_principal in (principal.arn, caller.role_arn)


def _grants_allow(view, requirement, caller: Caller) -> bool:
    """A grant to the caller (or the role it acts as) for this operation,
    whose encryption context constraints the request meets."""
    operation = requirement.action.split(":", 1)[1]
    context = {k[len("kms:encryptioncontext:"):]: v for k, v in requirement.context.items()
               if k.startswith("kms:encryptioncontext:")}
    for grant in view.grants:
        if operation not in grant["Operations"] or not _grantee(grant["GranteePrincipal"], caller):
            continue
        constraints = grant["Constraints"] or {}
        equals, subset = constraints.get("EncryptionContextEquals"), constraints.get("EncryptionContextSubset")
        # Constraint keys compare as written; the request context keys were lowercased.
        if equals is not None and {k.lower(): v for k, v in equals.items()} != context:
            continue
        if subset is not None and any(context.get(k.lower()) != v for k, v in subset.items()):
            continue
        return True
    return False


def _retire_grant(ctx, names: KeyNames, caller: Caller) -> None:
    """RetireGrant is decided by the grant itself: its retiring principal, its
    grantee when the grant includes RetireGrant, or the root user of the
    account that created it (KMS Developer Guide, "Retiring and revoking grants")."""
    params = ctx.params
    if params.get("GrantToken"):
        grant = names.grant_by_token(params["GrantToken"])
    elif params.get("KeyId") and params.get("GrantId"):
        grant = names.grant_by_id(params["KeyId"], params["GrantId"])
    else:
        return  # the operation answers ValidationException
    if grant is None:
        return  # the operation answers NotFoundException
    principal = caller.principal
    allowed = (
        grant["retiring_principal"] in (principal.arn, caller.role_arn)
        or (_grantee(grant["grantee_principal"], caller) and "RetireGrant" in json.loads(grant["operations"]))
        or (principal.is_root and principal.account_id == grant["issuing_account"])
    )
    arn = _key_arn(grant)
    if allowed:
        record(ctx, "kms:RetireGrant", arn, "allow", "grant", "the grant names the caller", allowed=True)
        return
    message = (f"User: {principal.arn} is not authorized to perform: kms:RetireGrant on resource: {arn} "
               f"because the grant does not name it as retiring principal")
    record(ctx, "kms:RetireGrant", arn, "implicit_deny", "grant", message, allowed=False)
    if mode(ctx) == ENFORCE:
        raise AccessDeniedException(message)


def _lockout_safety_check(ctx, names: KeyNames, caller: Caller) -> None:
    """Would the caller still be allowed kms:PutKeyPolicy under the new policy?"""
    params = ctx.params
    if params.get("BypassPolicyLockoutSafetyCheck") or not params.get("Policy"):
        return
    try:
        policies_default.check(params["Policy"])
    except KmsError:
        return  # the operation answers it (MalformedPolicyDocumentException, LimitExceededException)
    policy = parse_policy(params["Policy"], "key")
    if ctx.operation == "PutKeyPolicy":
        view = names.view(params["KeyId"])
        if view is None:
            return
        resource, account = view.arn, view.account_id
    else:
        resource, account = "*", ctx.principal.account_id
    request = caller.request(Requirement("kms:PutKeyPolicy", resource), account, _caller_keys(ctx))
    decision = caller.evaluate(request, resource_policy=policy, service_kind="kms")
    if decision.allowed:
        return
    record(ctx, "kms:PutKeyPolicy", resource, "lockout", "key policy", LOCKOUT, allowed=False)
    if mode(ctx) == ENFORCE:
        raise MalformedPolicyDocumentException(LOCKOUT)
