"""Managed policies: customer managed ones and AWS's, their versions,
where they are attached, and their tags."""
from __future__ import annotations

from .. import iam, managed_policies, shapes, tags
from ..errors import no_such_version
from ..paging import page
from .caller import now


@iam.operation
def create_policy(ctx, params):
    with ctx.store.tx() as db:
        tags.check(params.get("Tags", []), case_insensitive=False)
        policy = managed_policies.create(db, ctx.account_id, params["PolicyName"], params.get("Path", "/"),
                                         params["PolicyDocument"], params.get("Description"), now(ctx))
        tags.put(db, ctx.account_id, policy.arn, params.get("Tags", []), case_insensitive=False)
        out = shapes.policy(db, ctx.account_id, policy)
        if params.get("Tags"):
            out["Tags"] = tags.listed(db, ctx.account_id, policy.arn)
        return {"Policy": out}


@iam.operation
def get_policy(ctx, params):
    db = ctx.store.read()
    return {"Policy": shapes.policy(db, ctx.account_id, managed_policies.get(db, ctx.account_id, params["PolicyArn"]),
                                    detail=True)}


@iam.operation
def delete_policy(ctx, params):
    with ctx.store.tx() as db:
        managed_policies.delete(db, ctx.account_id, managed_policies.customer_policy(db, ctx.account_id, params["PolicyArn"]))
    return {}


def _in_use(db, account_id: str, policy, usage: str | None) -> bool:
    attached = managed_policies.attachment_count(db, account_id, policy.arn) > 0
    bounding = managed_policies.boundary_count(db, account_id, policy.arn) > 0
    if usage == "PermissionsPolicy":
        return attached
    if usage == "PermissionsBoundary":
        return bounding
    return attached or bounding


@iam.operation
def list_policies(ctx, params):
    db = ctx.store.read()
    found = managed_policies.listing(db, ctx.account_id, params.get("Scope", "All"))
    prefix = params.get("PathPrefix", "/")
    found = [p for p in found if p.path.startswith(prefix)]
    if params.get("OnlyAttached"):
        found = [p for p in found if _in_use(db, ctx.account_id, p, params.get("PolicyUsageFilter"))]
    return page([shapes.policy(db, ctx.account_id, p) for p in found], params, "Policies")


@iam.operation
def create_policy_version(ctx, params):
    with ctx.store.tx() as db:
        policy = managed_policies.customer_policy(db, ctx.account_id, params["PolicyArn"])
        version = managed_policies.create_version(db, ctx.account_id, policy, params["PolicyDocument"],
                                                  params.get("SetAsDefault", False), now(ctx))
        return {"PolicyVersion": version}


@iam.operation
def get_policy_version(ctx, params):
    db = ctx.store.read()
    policy = managed_policies.lookup(db, ctx.account_id, managed_policies.checked_arn(params["PolicyArn"]))
    version_id = params["VersionId"]
    if policy is None:
        raise no_such_version(params["PolicyArn"], version_id)
    for version in managed_policies.versions(db, ctx.account_id, policy):
        if version["VersionId"] == version_id:
            return {"PolicyVersion": shapes.version(version, with_document=True)}
    raise no_such_version(policy.arn, version_id)


@iam.operation
def list_policy_versions(ctx, params):
    db = ctx.store.read()
    policy = managed_policies.get(db, ctx.account_id, params["PolicyArn"])
    versions = managed_policies.versions(db, ctx.account_id, policy)
    return page([shapes.version(v, with_document=False) for v in versions], params, "Versions")


@iam.operation
def delete_policy_version(ctx, params):
    with ctx.store.tx() as db:
        policy = _customer_policy_version(db, ctx, params)
        managed_policies.delete_version(db, ctx.account_id, policy, params["VersionId"])
    return {}


@iam.operation
def set_default_policy_version(ctx, params):
    with ctx.store.tx() as db:
        policy = _customer_policy_version(db, ctx, params)
        managed_policies.set_default_version(db, ctx.account_id, policy, params["VersionId"], now(ctx))
    return {}


def _customer_policy_version(db, ctx, params):
    # A missing policy reads as a missing version of it, as IAM words it.
    arn = managed_policies.checked_arn(params["PolicyArn"])
    policy = managed_policies.lookup(db, ctx.account_id, arn)
    if policy is None:
        raise no_such_version(arn, params["VersionId"])
    return managed_policies.customer_policy(db, ctx.account_id, arn)


@iam.operation
def list_entities_for_policy(ctx, params):
    db = ctx.store.read()
    policy = managed_policies.get(db, ctx.account_id, params["PolicyArn"])
    usage = params.get("PolicyUsageFilter")
    rows = []
    if usage in (None, "PermissionsPolicy"):
        rows += db.execute(
            "SELECT e.* FROM iam_attachments a JOIN iam_entities e ON e.account_id = a.account_id AND e.entity_id = a.entity_id"
            " WHERE a.account_id = ? AND a.policy_arn = ?", (ctx.account_id, policy.arn)).fetchall()
    if usage in (None, "PermissionsBoundary"):
        rows += db.execute("SELECT * FROM iam_entities WHERE account_id = ? AND permissions_boundary = ?",
                           (ctx.account_id, policy.arn)).fetchall()
    wanted = {"User": "user", "Group": "group", "Role": "role"}.get(params.get("EntityFilter"))
    prefix = params.get("PathPrefix", "/")
    seen, items = set(), []
    for row in sorted(rows, key=lambda r: (r["kind"], r["name"].lower())):
        if row["entity_id"] in seen or (wanted and row["kind"] != wanted) or not row["path"].startswith(prefix):
            continue
        seen.add(row["entity_id"])
        items.append(row)
    out = page(items, params, "Entities")
    chosen = out.pop("Entities")
    member = {"user": ("PolicyUsers", "UserName", "UserId"), "group": ("PolicyGroups", "GroupName", "GroupId"),
              "role": ("PolicyRoles", "RoleName", "RoleId")}
    for kind, (key, name_key, id_key) in member.items():
        out[key] = [{name_key: r["name"], id_key: r["entity_id"]} for r in chosen if r["kind"] == kind]
    return out


@iam.operation
def tag_policy(ctx, params):
    with ctx.store.tx() as db:
        policy = managed_policies.customer_policy(db, ctx.account_id, params["PolicyArn"])
        tags.put(db, ctx.account_id, policy.arn, params["Tags"], case_insensitive=False)
    return {}


@iam.operation
def untag_policy(ctx, params):
    with ctx.store.tx() as db:
        policy = managed_policies.customer_policy(db, ctx.account_id, params["PolicyArn"])
        tags.remove(db, ctx.account_id, policy.arn, params["TagKeys"], case_insensitive=False)
    return {}


@iam.operation
def list_policy_tags(ctx, params):
    db = ctx.store.read()
    policy = managed_policies.get(db, ctx.account_id, params["PolicyArn"])
    return page(tags.listed(db, ctx.account_id, policy.arn), params, "Tags")
