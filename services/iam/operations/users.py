"""Users, their access keys, login profiles, policies and tags."""
from __future__ import annotations

from simulator.accounts import root_arn

from .. import access_keys, entities, iam, login_profiles, managed_policies, shapes, tags
from ..errors import AccessDenied
from ..identifiers import USER
from ..paging import page
from . import identities
from .caller import now, user as caller_user


@iam.operation
def create_user(ctx, params):
    with ctx.store.tx() as db:
        boundary = params.get("PermissionsBoundary")
        if boundary:
            managed_policies.boundary_policy(db, ctx.account_id, boundary)
        row = entities.create(db, ctx.account_id, USER, params["UserName"], params.get("Path", "/"), now(ctx),
                              permissions_boundary=boundary)
        tags.put(db, ctx.account_id, row["entity_id"], params.get("Tags", []), case_insensitive=True)
        return {"User": shapes.user(db, row, detail=True)}


@iam.operation
def get_user(ctx, params):
    db = ctx.store.read()
    if not params.get("UserName") and ctx.principal.is_root:
        created = db.execute("SELECT created FROM accounts WHERE account_id = ?", (ctx.account_id,)).fetchone()
        return {"User": {"UserId": ctx.account_id, "Arn": root_arn(ctx.account_id),
                         "CreateDate": entities.when(created[0] if created else now(ctx))}}
    return {"User": shapes.user(db, caller_user(db, ctx, params.get("UserName")), detail=True)}


@iam.operation
def list_users(ctx, params):
    db = ctx.store.read()
    rows = entities.listing(db, ctx.account_id, USER, params.get("PathPrefix"))
    return page([shapes.user(db, r) for r in rows], params, "Users")


@iam.operation
def update_user(ctx, params):
    with ctx.store.tx() as db:
        row = entities.find(db, ctx.account_id, USER, params["UserName"])
        entities.update(db, row, new_name=params.get("NewUserName"), new_path=params.get("NewPath"))
    return {}


@iam.operation
def delete_user(ctx, params):
    with ctx.store.tx() as db:
        entities.delete(db, entities.find(db, ctx.account_id, USER, params["UserName"]))
    return {}


@iam.operation
def list_groups_for_user(ctx, params):
    db = ctx.store.read()
    row = entities.find(db, ctx.account_id, USER, params["UserName"])
    groups = db.execute(
        "SELECT e.* FROM iam_group_members m JOIN iam_entities e ON e.account_id = m.account_id AND e.entity_id = m.group_id"
        " WHERE m.account_id = ? AND m.user_id = ? ORDER BY e.name COLLATE NOCASE",
        (ctx.account_id, row["entity_id"]),
    ).fetchall()
    return page([shapes.group(g) for g in groups], params, "Groups")


# -- tags and boundary -----------------------------------------------------------

@iam.operation
def tag_user(ctx, params):
    return identities.tag(ctx, params, USER)


@iam.operation
def untag_user(ctx, params):
    return identities.untag(ctx, params, USER)


@iam.operation
def list_user_tags(ctx, params):
    return identities.list_tags(ctx, params, USER)


@iam.operation
def put_user_permissions_boundary(ctx, params):
    return identities.put_permissions_boundary(ctx, params, USER)


@iam.operation
def delete_user_permissions_boundary(ctx, params):
    return identities.delete_permissions_boundary(ctx, params, USER)


# -- access keys -----------------------------------------------------------------

@iam.operation
def create_access_key(ctx, params):
    with ctx.store.tx() as db:
        row = caller_user(db, ctx, params.get("UserName"))
        return {"AccessKey": access_keys.create(db, ctx.app.accounts, row)}


@iam.operation
def update_access_key(ctx, params):
    with ctx.store.tx() as db:
        row = caller_user(db, ctx, params.get("UserName"))
        access_keys.update_status(db, row, params["AccessKeyId"], params["Status"])
    return {}


@iam.operation
def delete_access_key(ctx, params):
    with ctx.store.tx() as db:
        row = caller_user(db, ctx, params.get("UserName"))
        access_keys.delete(db, row, params["AccessKeyId"])
    return {}


@iam.operation
def list_access_keys(ctx, params):
    db = ctx.store.read()
    row = caller_user(db, ctx, params.get("UserName"))
    return page(access_keys.listed(db, row), params, "AccessKeyMetadata")


@iam.operation
def get_access_key_last_used(ctx, params):
    found = access_keys.last_used(ctx.store.read(), ctx.account_id, params["AccessKeyId"])
    if found is None:
        # IAM does not say whether a key it will not show exists.
        raise AccessDenied(f"User: {ctx.principal.arn} is not authorized to perform iam:GetAccessKeyLastUsed"
                           f" on resource: access key {params['AccessKeyId']}")
    return found


# -- login profile ---------------------------------------------------------------

def _login_profile(row, profile) -> dict:
    return {"UserName": row["name"], "CreateDate": entities.when(profile["created"]),
            "PasswordResetRequired": bool(profile["reset_required"])}


@iam.operation
def create_login_profile(ctx, params):
    with ctx.store.tx() as db:
        row = caller_user(db, ctx, params.get("UserName"))
        login_profiles.create(db, row, params["Password"], params.get("PasswordResetRequired", False), now(ctx))
        return {"LoginProfile": _login_profile(row, login_profiles.find(db, row))}


@iam.operation
def get_login_profile(ctx, params):
    db = ctx.store.read()
    row = caller_user(db, ctx, params.get("UserName"))
    return {"LoginProfile": _login_profile(row, login_profiles.find(db, row))}


@iam.operation
def update_login_profile(ctx, params):
    with ctx.store.tx() as db:
        row = entities.find(db, ctx.account_id, USER, params["UserName"])
        login_profiles.update(db, row, params.get("Password"), params.get("PasswordResetRequired"), now(ctx))
    return {}


@iam.operation
def delete_login_profile(ctx, params):
    with ctx.store.tx() as db:
        login_profiles.delete(db, caller_user(db, ctx, params.get("UserName")))
    return {}


# -- policies --------------------------------------------------------------------

@iam.operation
def put_user_policy(ctx, params):
    return identities.put_policy(ctx, params, USER)


@iam.operation
def get_user_policy(ctx, params):
    return identities.get_policy(ctx, params, USER)


@iam.operation
def delete_user_policy(ctx, params):
    return identities.delete_policy(ctx, params, USER)


@iam.operation
def list_user_policies(ctx, params):
    return identities.list_policies(ctx, params, USER)


@iam.operation
def attach_user_policy(ctx, params):
    return identities.attach_policy(ctx, params, USER)


@iam.operation
def detach_user_policy(ctx, params):
    return identities.detach_policy(ctx, params, USER)


@iam.operation
def list_attached_user_policies(ctx, params):
    return identities.list_attached_policies(ctx, params, USER)
