"""GetKeyPolicy, PutKeyPolicy, ListKeyPolicies. Stored and checked for shape
here; what a policy allows is decided by the policy engine."""
from __future__ import annotations

from . import errors, keys, operation, paging, policies_default


def _policy_name(params) -> str:
    name = params.get("PolicyName") or policies_default.POLICY_NAME
    if name != policies_default.POLICY_NAME:
        # Every KMS key has exactly one key policy, named "default".
        raise errors.NotFoundException(f"Policy {name} does not exist. The only valid policy name is default.")
    return name


@operation
def get_key_policy(ctx, params):
    db = ctx.store.read()
    key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
    name = _policy_name(params)
    (policy,) = db.execute(
        "SELECT policy FROM kms_key_policies WHERE account_id = ? AND region = ? AND key_id = ? AND policy_name = ?",
        (key.account_id, key.region, key.key_id, name),
    ).fetchone()
    return {"Policy": policy, "PolicyName": name}


@operation
def put_key_policy(ctx, params):
    name = _policy_name(params)
    policies_default.check(params["Policy"], ctx.store.read())
    with ctx.store.tx() as db:
        key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
        keys.check_customer_managed(key)
        keys.check_not_pending_deletion(key)
        db.execute(
            "UPDATE kms_key_policies SET policy = ? WHERE account_id = ? AND region = ? AND key_id = ? AND policy_name = ?",
            (params["Policy"], key.account_id, key.region, key.key_id, name),
        )
    return {}


@operation
def list_key_policies(ctx, params):
    db = ctx.store.read()
    key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
    names = [policies_default.POLICY_NAME]
    page, more = paging.page(params, f"policies:{key.arn}", lambda limit, offset: names[offset : offset + limit])
    return {"PolicyNames": page, **more}
