"""IAM's output structures (User, Group, Role, Policy) built from stored
rows. Which members appear follows AWS: listings leave out tags, boundaries
and role usage; Get* and Create* show them when set."""
from __future__ import annotations

from . import documents, entities, managed_policies, tags
from .entities import when


def user(db, row, *, detail: bool = False) -> dict:
    out = {"Path": row["path"], "UserName": row["name"], "UserId": row["entity_id"], "Arn": entities.arn(row),
           "CreateDate": when(row["created"])}
    if row["last_used"] is not None:
        out["PasswordLastUsed"] = when(row["last_used"])
    if detail:
        _details(db, row, out)
    return out


def group(row) -> dict:
    return {"Path": row["path"], "GroupName": row["name"], "GroupId": row["entity_id"], "Arn": entities.arn(row),
            "CreateDate": when(row["created"])}


def role(db, row, *, detail: bool = False, created: bool = False) -> dict:
    out = {"Path": row["path"], "RoleName": row["name"], "RoleId": row["entity_id"], "Arn": entities.arn(row),
           "CreateDate": when(row["created"]), "AssumeRolePolicyDocument": documents.encoded(row["trust_policy"])}
    if row["description"]:
        out["Description"] = row["description"]
    if not created:
        out["MaxSessionDuration"] = row["max_session_duration"]
    if detail or created:
        _details(db, row, out)
    if detail:
        out["RoleLastUsed"] = (
            {"LastUsedDate": when(row["last_used"]), "Region": row["last_used_region"]} if row["last_used"] else {}
        )
    return out


def _details(db, row, out: dict) -> None:
    boundary = entities.boundary(row)
    if boundary:
        out["PermissionsBoundary"] = boundary
    listed = tags.listed(db, row["account_id"], row["entity_id"])
    if listed:
        out["Tags"] = listed


def policy(db, account_id: str, p: managed_policies.ManagedPolicy, *, detail: bool = False) -> dict:
    out = {"PolicyName": p.name, "PolicyId": p.policy_id, "Arn": p.arn, "Path": p.path,
           "DefaultVersionId": p.default_version,
           "AttachmentCount": managed_policies.attachment_count(db, account_id, p.arn),
           "PermissionsBoundaryUsageCount": managed_policies.boundary_count(db, account_id, p.arn),
           "IsAttachable": True, "CreateDate": p.created, "UpdateDate": p.updated}
    if detail:
        if p.description:
            out["Description"] = p.description
        out["Tags"] = [] if p.aws_managed else tags.listed(db, account_id, p.arn)
    return out


def version(v: dict, *, with_document: bool) -> dict:
    out = {"VersionId": v["VersionId"], "IsDefaultVersion": v["IsDefaultVersion"], "CreateDate": v["CreateDate"]}
    if with_document:
        out["Document"] = documents.encoded(v["Document"])
    return out
