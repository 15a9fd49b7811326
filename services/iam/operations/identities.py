"""What IAM identities (users, groups and roles) have alike: inline policies,
attached managed policies and, for users and roles, tags and a permissions
boundary. IAM gives each kind its own operations (PutUserPolicy,
PutGroupPolicy, PutRolePolicy, ...) that differ only in the identity they
name; their handlers in users.py, groups.py and roles.py hand over to these."""
from __future__ import annotations

from .. import documents, entities, inline_policies, managed_policies, tags
from ..identifiers import GROUP, ROLE, USER
from ..paging import page
from .caller import now

# The input member that names the identity, which GetUserPolicy and its
# kin also answer with.
_NAME_MEMBER = {USER: "UserName", GROUP: "GroupName", ROLE: "RoleName"}


def _find(db, ctx, params, kind: str):
    return entities.find(db, ctx.account_id, kind, params[_NAME_MEMBER[kind]])


# -- inline policies -------------------------------------------------------------

def put_policy(ctx, params, kind: str) -> dict:
    with ctx.store.tx() as db:
        inline_policies.put(db, _find(db, ctx, params, kind), params["PolicyName"], params["PolicyDocument"])
    return {}


def get_policy(ctx, params, kind: str) -> dict:
    db = ctx.store.read()
    row = _find(db, ctx, params, kind)
    text = inline_policies.get(db, row, params["PolicyName"])
    return {_NAME_MEMBER[kind]: row["name"], "PolicyName": params["PolicyName"],
            "PolicyDocument": documents.encoded(text)}


def delete_policy(ctx, params, kind: str) -> dict:
    with ctx.store.tx() as db:
        inline_policies.delete(db, _find(db, ctx, params, kind), params["PolicyName"])
    return {}


def list_policies(ctx, params, kind: str) -> dict:
    db = ctx.store.read()
    row = _find(db, ctx, params, kind)
    return page([name for name, _ in inline_policies.listed(db, ctx.account_id, row["entity_id"])], params,
                "PolicyNames")


# -- attached managed policies -----------------------------------------------------

def attach_policy(ctx, params, kind: str) -> dict:
    with ctx.store.tx() as db:
        managed_policies.attach(db, _find(db, ctx, params, kind), params["PolicyArn"], now(ctx))
    return {}


def detach_policy(ctx, params, kind: str) -> dict:
    with ctx.store.tx() as db:
        managed_policies.detach(db, _find(db, ctx, params, kind), params["PolicyArn"])
    return {}


def list_attached_policies(ctx, params, kind: str) -> dict:
    db = ctx.store.read()
    row = _find(db, ctx, params, kind)
    return page(managed_policies.attached(db, ctx.account_id, row["entity_id"], params.get("PathPrefix")), params,
                "AttachedPolicies")


# -- tags (users and roles; IAM compares their keys case-insensitively) ------------

def tag(ctx, params, kind: str) -> dict:
    with ctx.store.tx() as db:
        row = _find(db, ctx, params, kind)
        tags.put(db, ctx.account_id, row["entity_id"], params["Tags"], case_insensitive=True)
    return {}


def untag(ctx, params, kind: str) -> dict:
    with ctx.store.tx() as db:
        row = _find(db, ctx, params, kind)
        tags.remove(db, ctx.account_id, row["entity_id"], params["TagKeys"], case_insensitive=True)
    return {}


def list_tags(ctx, params, kind: str) -> dict:
    db = ctx.store.read()
    row = _find(db, ctx, params, kind)
    return page(tags.listed(db, ctx.account_id, row["entity_id"]), params, "Tags")


# -- permissions boundary (users and roles) ----------------------------------------

def put_permissions_boundary(ctx, params, kind: str) -> dict:
    with ctx.store.tx() as db:
        row = _find(db, ctx, params, kind)
        arn = managed_policies.boundary_policy(db, ctx.account_id, params["PermissionsBoundary"])
        db.execute("UPDATE iam_entities SET permissions_boundary = ? WHERE account_id = ? AND entity_id = ?",
                   (arn, ctx.account_id, row["entity_id"]))
    return {}


def delete_permissions_boundary(ctx, params, kind: str) -> dict:
    with ctx.store.tx() as db:
        row = _find(db, ctx, params, kind)
        db.execute("UPDATE iam_entities SET permissions_boundary = NULL WHERE account_id = ? AND entity_id = ?",
                   (ctx.account_id, row["entity_id"]))
    return {}
