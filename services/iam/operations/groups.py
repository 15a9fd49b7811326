"""Groups, their members and policies."""
from __future__ import annotations

from .. import entities, iam, shapes
from ..errors import quota
from ..identifiers import GROUP, USER
from ..paging import page
from . import identities
from .caller import now

MAX_GROUPS_PER_USER = 10


@iam.operation
def create_group(ctx, params):
    with ctx.store.tx() as db:
        row = entities.create(db, ctx.account_id, GROUP, params["GroupName"], params.get("Path", "/"), now(ctx))
        return {"Group": shapes.group(row)}


@iam.operation
def get_group(ctx, params):
    db = ctx.store.read()
    row = entities.find(db, ctx.account_id, GROUP, params["GroupName"])
    members = db.execute(
        "SELECT e.* FROM iam_group_members m JOIN iam_entities e ON e.account_id = m.account_id AND e.entity_id = m.user_id"
        " WHERE m.account_id = ? AND m.group_id = ? ORDER BY e.name COLLATE NOCASE",
        (ctx.account_id, row["entity_id"]),
    ).fetchall()
    return {"Group": shapes.group(row), **page([shapes.user(db, m) for m in members], params, "Users")}


@iam.operation
def list_groups(ctx, params):
    rows = entities.listing(ctx.store.read(), ctx.account_id, GROUP, params.get("PathPrefix"))
    return page([shapes.group(r) for r in rows], params, "Groups")


@iam.operation
def update_group(ctx, params):
    with ctx.store.tx() as db:
        row = entities.find(db, ctx.account_id, GROUP, params["GroupName"])
        entities.update(db, row, new_name=params.get("NewGroupName"), new_path=params.get("NewPath"))
    return {}


@iam.operation
def delete_group(ctx, params):
    with ctx.store.tx() as db:
        entities.delete(db, entities.find(db, ctx.account_id, GROUP, params["GroupName"]))
    return {}


@iam.operation
def add_user_to_group(ctx, params):
    with ctx.store.tx() as db:
        group = entities.find(db, ctx.account_id, GROUP, params["GroupName"])
        user = entities.find(db, ctx.account_id, USER, params["UserName"])
        groups = db.execute("SELECT group_id FROM iam_group_members WHERE account_id = ? AND user_id = ?",
                            (ctx.account_id, user["entity_id"])).fetchall()
        if group["entity_id"] in {g[0] for g in groups}:
            return {}
        if len(groups) >= MAX_GROUPS_PER_USER:
            raise quota("GroupsPerUser", MAX_GROUPS_PER_USER)
        db.execute("INSERT INTO iam_group_members VALUES (?, ?, ?, ?)",
                   (ctx.account_id, group["entity_id"], user["entity_id"], now(ctx)))
    return {}


@iam.operation
def remove_user_from_group(ctx, params):
    with ctx.store.tx() as db:
        group = entities.find(db, ctx.account_id, GROUP, params["GroupName"])
        user = entities.find(db, ctx.account_id, USER, params["UserName"])
        db.execute("DELETE FROM iam_group_members WHERE account_id = ? AND group_id = ? AND user_id = ?",
                   (ctx.account_id, group["entity_id"], user["entity_id"]))
    return {}


@iam.operation
def put_group_policy(ctx, params):
    return identities.put_policy(ctx, params, GROUP)


@iam.operation
def get_group_policy(ctx, params):
    return identities.get_policy(ctx, params, GROUP)


@iam.operation
def delete_group_policy(ctx, params):
    return identities.delete_policy(ctx, params, GROUP)


@iam.operation
def list_group_policies(ctx, params):
    return identities.list_policies(ctx, params, GROUP)


@iam.operation
def attach_group_policy(ctx, params):
    return identities.attach_policy(ctx, params, GROUP)


@iam.operation
def detach_group_policy(ctx, params):
    return identities.detach_policy(ctx, params, GROUP)


@iam.operation
def list_attached_group_policies(ctx, params):
    return identities.list_attached_policies(ctx, params, GROUP)
