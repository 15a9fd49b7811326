"""CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant."""
from __future__ import annotations

import json

from . import errors, grants, key_ids, keys, operation, paging


@operation
def create_grant(ctx, params):
    grants.check_tokens(params)
    # Optional in the model since service principals (GranteeServicePrincipal,
    # not simulated) can be grantees; a grant to an AWS principal needs it.
    grantee = params.get("GranteePrincipal")
    if grantee is None:
        raise errors.ValidationException("GranteePrincipal is required.")
    grants.check_principals(grantee, params.get("RetiringPrincipal"))
    with ctx.store.tx() as db:
        key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
        keys.check_enabled(key)
        operations = params["Operations"]
        constraints = params.get("Constraints") or None
        grants.check_request(key, operations, constraints)
        if params.get("DryRun"):
            raise errors.dry_run()
        name = params.get("Name")
        retiring = params.get("RetiringPrincipal")
        existing = name and grants.find_same(db, key, name, grantee, retiring, operations, constraints)
        if existing:
            return {"GrantId": existing[0], "GrantToken": existing[1]}
        grant_id, token = grants.new_grant()
        db.execute(
            "INSERT INTO kms_grants VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key.account_id, key.region, key.key_id, grant_id, token, name, grantee, retiring, ctx.account_id,
             json.dumps(operations), json.dumps(constraints) if constraints else None, ctx.now.timestamp()),
        )
    return {"GrantId": grant_id, "GrantToken": token}


@operation
def list_grants(ctx, params):
    db = ctx.store.read()
    key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
    if params.get("GrantId") is not None:
        grants.check_grant_id(params["GrantId"])
    where = "account_id = ? AND region = ? AND key_id = ?"
    args = [key.account_id, key.region, key.key_id]
    for member, column in (("GrantId", "grant_id"), ("GranteePrincipal", "grantee_principal")):
        if params.get(member) is not None:
            where += f" AND {column} = ?"
            args.append(params[member])

    def fetch(limit, offset):
        return db.execute(f"SELECT * FROM kms_grants WHERE {where} ORDER BY created, grant_id LIMIT ? OFFSET ?", (*args, limit, offset)).fetchall()

    rows, more = paging.page(params, f"grants:{key.arn}:{params.get('GrantId')}:{params.get('GranteePrincipal')}", fetch,
                             default=paging.SHORT_DEFAULT_LIMIT)
    return {"Grants": [grants.listed(r, key.arn) for r in rows], **more}


@operation
def list_retirable_grants(ctx, params):
    db = ctx.store.read()
    # Optional in the model since service principals (RetiringServicePrincipal,
    # not simulated) can retire grants; listing by AWS principal needs it.
    principal = params.get("RetiringPrincipal")
    if principal is None:
        raise errors.ValidationException("RetiringPrincipal is required.")

    def fetch(limit, offset):
        return db.execute(
            "SELECT * FROM kms_grants WHERE region = ? AND retiring_principal = ? ORDER BY created, grant_id LIMIT ? OFFSET ?",
            (ctx.region, principal, limit, offset),
        ).fetchall()

    rows, more = paging.page(params, f"retirable:{ctx.region}:{principal}", fetch, default=paging.SHORT_DEFAULT_LIMIT)
    return {"Grants": [grants.listed(r, key_ids.key_arn(r["region"], r["account_id"], r["key_id"])) for r in rows], **more}


@operation
def retire_grant(ctx, params):
    token, grant_id = params.get("GrantToken"), params.get("GrantId")
    with ctx.store.tx() as db:
        if token is not None:
            token_grant = grants.grant_id_of_token(token)
            row = db.execute("SELECT account_id, region, key_id, grant_id FROM kms_grants WHERE grant_token = ?", (token,)).fetchone()
            if row is None:
                raise errors.NotFoundException(f"Grant ID {token_grant} not found")
        elif grant_id is not None and params.get("KeyId") is not None:
            grants.check_grant_id(grant_id)
            key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
            row = db.execute(
                "SELECT account_id, region, key_id, grant_id FROM kms_grants WHERE account_id = ? AND region = ? AND key_id = ? AND grant_id = ?",
                (key.account_id, key.region, key.key_id, grant_id),
            ).fetchone()
            if row is None:
                raise errors.NotFoundException(f"Grant ID {grant_id} not found")
        else:
            raise errors.ValidationException("Either GrantToken or both KeyId and GrantId must be specified.")
        if params.get("DryRun"):
            raise errors.dry_run()
        db.execute("DELETE FROM kms_grants WHERE account_id = ? AND region = ? AND key_id = ? AND grant_id = ?", tuple(row))
    return {}


@operation
def revoke_grant(ctx, params):
    grants.check_grant_id(params["GrantId"])
    with ctx.store.tx() as db:
        key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
        keys.check_not_pending_deletion(key)
        found = db.execute(
            "SELECT 1 FROM kms_grants WHERE account_id = ? AND region = ? AND key_id = ? AND grant_id = ?",
            (key.account_id, key.region, key.key_id, params["GrantId"]),
        ).fetchone()
        if not found:
            raise errors.NotFoundException(f"Grant ID {params['GrantId']} not found")
        if params.get("DryRun"):
            raise errors.dry_run()
        db.execute(
            "DELETE FROM kms_grants WHERE account_id = ? AND region = ? AND key_id = ? AND grant_id = ?",
            (key.account_id, key.region, key.key_id, params["GrantId"]),
        )
    return {}
