"""CreateAlias, UpdateAlias, DeleteAlias, ListAliases."""
from __future__ import annotations

from . import aliases, errors, key_ids, keys, operation, paging


def _alias_row(db, ctx, name: str):
    return db.execute(
        "SELECT * FROM kms_aliases WHERE account_id = ? AND region = ? AND alias_name = ?", (ctx.account_id, ctx.region, name)
    ).fetchone()


@operation
def create_alias(ctx, params):
    name = params["AliasName"]
    aliases.check_name(name)
    with ctx.store.tx() as db:
        if _alias_row(db, ctx, name) is not None:
            raise errors.AlreadyExistsException(
                f"An alias with the name {key_ids.alias_arn(ctx.region, ctx.account_id, name)} already exists"
            )
        key = keys.resolve(ctx, params["TargetKeyId"], aliases=False, db=db)
        aliases.check_target(key)
        now = keys.epoch(ctx.now)
        db.execute("INSERT INTO kms_aliases VALUES (?, ?, ?, ?, ?, ?)", (ctx.account_id, ctx.region, name, key.key_id, now, now))
    return {}


@operation
def update_alias(ctx, params):
    name = params["AliasName"]
    aliases.check_name(name)
    with ctx.store.tx() as db:
        row = _alias_row(db, ctx, name)
        if row is None:
            raise errors.alias_not_found(key_ids.alias_arn(ctx.region, ctx.account_id, name))
        key = keys.resolve(ctx, params["TargetKeyId"], aliases=False, db=db)
        aliases.check_target(key)
        current = keys.load(db, ctx.account_id, ctx.region, row["key_id"])
        if current is not None and aliases.kind(current) != aliases.kind(key):
            raise errors.ValidationException(
                "The new target key must be the same type and have the same key usage as the current target key."
            )
        db.execute(
            "UPDATE kms_aliases SET key_id = ?, updated = ? WHERE account_id = ? AND region = ? AND alias_name = ?",
            (key.key_id, keys.epoch(ctx.now), ctx.account_id, ctx.region, name),
        )
    return {}


@operation
def delete_alias(ctx, params):
    name = params["AliasName"]
    aliases.check_name(name)
    with ctx.store.tx() as db:
        if _alias_row(db, ctx, name) is None:
            raise errors.alias_not_found(key_ids.alias_arn(ctx.region, ctx.account_id, name))
        db.execute("DELETE FROM kms_aliases WHERE account_id = ? AND region = ? AND alias_name = ?", (ctx.account_id, ctx.region, name))
    return {}


@operation
def list_aliases(ctx, params):
    db = ctx.store.read()
    where, args = "account_id = ? AND region = ?", [ctx.account_id, ctx.region]
    if params.get("KeyId") is not None:
        key = keys.resolve(ctx, params["KeyId"], aliases=False, db=db)
        where += " AND key_id = ?"
        args.append(key.key_id)

    def fetch(limit, offset):
        return db.execute(f"SELECT * FROM kms_aliases WHERE {where} ORDER BY alias_name LIMIT ? OFFSET ?", (*args, limit, offset)).fetchall()

    rows, more = paging.page(params, f"aliases:{ctx.account_id}:{ctx.region}:{params.get('KeyId')}", fetch,
                             default=paging.SHORT_DEFAULT_LIMIT)
    return {"Aliases": [aliases.listed(r) for r in rows], **more}
