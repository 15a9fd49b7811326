"""Roles: trust policies, permissions, boundaries and tags."""
from __future__ import annotations

from .. import documents, entities, iam, managed_policies, principals, shapes, tags
from ..errors import MalformedPolicyDocument
from ..identifiers import ROLE
from ..paging import page
from . import identities
from .caller import now

DEFAULT_MAX_SESSION = 3600


def _trust_policy(db, document: str) -> str:
    trust = documents.validated(document, "trust", max_size=documents.TRUST_POLICY_SIZE)
    missing = principals.unknown(db, trust, "trust")
    if missing:
        raise MalformedPolicyDocument(f'Invalid principal in policy: "AWS":"{missing[0]}"')
    return trust


@iam.operation
def create_role(ctx, params):
    with ctx.store.tx() as db:
        trust = _trust_policy(db, params["AssumeRolePolicyDocument"])
        boundary = params.get("PermissionsBoundary")
        if boundary:
            managed_policies.boundary_policy(db, ctx.account_id, boundary)
        tags.check(params.get("Tags", []), case_insensitive=True)
        row = entities.create(
            db, ctx.account_id, ROLE, params["RoleName"], params.get("Path", "/"), now(ctx),
            trust_policy=trust, description=params.get("Description"),
            max_session_duration=params.get("MaxSessionDuration", DEFAULT_MAX_SESSION), permissions_boundary=boundary,
        )
        tags.put(db, ctx.account_id, row["entity_id"], params.get("Tags", []), case_insensitive=True)
        return {"Role": shapes.role(db, row, created=True)}


@iam.operation
def get_role(ctx, params):
    db = ctx.store.read()
    return {"Role": shapes.role(db, entities.find(db, ctx.account_id, ROLE, params["RoleName"]), detail=True)}


@iam.operation
def list_roles(ctx, params):
    db = ctx.store.read()
    rows = entities.listing(db, ctx.account_id, ROLE, params.get("PathPrefix"))
    return page([shapes.role(db, r) for r in rows], params, "Roles")


@iam.operation
def update_role(ctx, params):
    with ctx.store.tx() as db:
        row = entities.find(db, ctx.account_id, ROLE, params["RoleName"])
        if "Description" in params:
            db.execute("UPDATE iam_entities SET description = ? WHERE account_id = ? AND entity_id = ?",
                       (params["Description"], ctx.account_id, row["entity_id"]))
        if "MaxSessionDuration" in params:
            db.execute("UPDATE iam_entities SET max_session_duration = ? WHERE account_id = ? AND entity_id = ?",
                       (params["MaxSessionDuration"], ctx.account_id, row["entity_id"]))
    return {}


@iam.operation
def update_role_description(ctx, params):
    with ctx.store.tx() as db:
        row = entities.find(db, ctx.account_id, ROLE, params["RoleName"])
        db.execute("UPDATE iam_entities SET description = ? WHERE account_id = ? AND entity_id = ?",
                   (params["Description"], ctx.account_id, row["entity_id"]))
        return {"Role": shapes.role(db, entities.find_by_id(db, ctx.account_id, row["entity_id"]), created=True)}


@iam.operation
def update_assume_role_policy(ctx, params):
    with ctx.store.tx() as db:
        row = entities.find(db, ctx.account_id, ROLE, params["RoleName"])
        trust = _trust_policy(db, params["PolicyDocument"])
        db.execute("UPDATE iam_entities SET trust_policy = ? WHERE account_id = ? AND entity_id = ?",
                   (trust, ctx.account_id, row["entity_id"]))
    return {}


@iam.operation
def delete_role(ctx, params):
    with ctx.store.tx() as db:
        entities.delete(db, entities.find(db, ctx.account_id, ROLE, params["RoleName"]))
    return {}


@iam.operation
def tag_role(ctx, params):
    return identities.tag(ctx, params, ROLE)


@iam.operation
def untag_role(ctx, params):
    return identities.untag(ctx, params, ROLE)


@iam.operation
def list_role_tags(ctx, params):
    return identities.list_tags(ctx, params, ROLE)


@iam.operation
def put_role_permissions_boundary(ctx, params):
    return identities.put_permissions_boundary(ctx, params, ROLE)


@iam.operation
def delete_role_permissions_boundary(ctx, params):
    return identities.delete_permissions_boundary(ctx, params, ROLE)


@iam.operation
def put_role_policy(ctx, params):
    return identities.put_policy(ctx, params, ROLE)


@iam.operation
def get_role_policy(ctx, params):
    return identities.get_policy(ctx, params, ROLE)


@iam.operation
def delete_role_policy(ctx, params):
    return identities.delete_policy(ctx, params, ROLE)


@iam.operation
def list_role_policies(ctx, params):
    return identities.list_policies(ctx, params, ROLE)


@iam.operation
def attach_role_policy(ctx, params):
    return identities.attach_policy(ctx, params, ROLE)


@iam.operation
def detach_role_policy(ctx, params):
    return identities.detach_policy(ctx, params, ROLE)


@iam.operation
def list_attached_role_policies(ctx, params):
    return identities.list_attached_policies(ctx, params, ROLE)
