"""Access control lists: the grants a bucket or object carries, as S3 reads
them from a canned ACL (``x-amz-acl``), grant headers (``x-amz-grant-*``) or
an ``AccessControlPolicy`` body, and whether the bucket's Object Ownership
lets them be set.

With ``BucketOwnerEnforced`` (the default of new buckets) ACLs are disabled:
reads answer the bucket owner with FULL_CONTROL, and a write is accepted only
when what it asks for grants nothing beyond that (no ACL,
``bucket-owner-full-control``, ``private``, or the same in grants); anything
else is ``AccessControlListNotSupported``. Other ownerships store the grants.

Grants are kept in botocore's shape (``{"Grantee": {...}, "Permission": ...}``).
No stored grants means the default ACL: the owner with FULL_CONTROL.
"""
from __future__ import annotations

import json
import re

from . import buckets
from .errors import (
    AccessControlListNotSupported,
    AccessDenied,
    InvalidArgument,
    InvalidRequest,
    MalformedACLError,
    MissingSecurityHeader,
    UnexpectedContent,
    UnresolvableGrantByEmailAddress,
)

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
GROUPS = (ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY)
PERMISSIONS = ("FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP")
ENFORCED = "BucketOwnerEnforced"
CANNED = ("private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read", "bucket-owner-read",
          "bucket-owner-full-control", "log-delivery-write")
# The request members that carry grant headers, and the permission each grants.
GRANT_HEADERS = {
    "GrantFullControl": ("x-amz-grant-full-control", "FULL_CONTROL"),
    "GrantRead": ("x-amz-grant-read", "READ"),
    "GrantReadACP": ("x-amz-grant-read-acp", "READ_ACP"),
    "GrantWrite": ("x-amz-grant-write", "WRITE"),
    "GrantWriteACP": ("x-amz-grant-write-acp", "WRITE_ACP"),
}
_CANONICAL_ID = re.compile(r"^[0-9a-f]{64}$")
# One grantee of a grant header: id="...", uri="..." or emailAddress="...".
_GRANTEE = re.compile(r'^\s*(id|uri|emailAddress)\s*=\s*"?([^",]*)"?\s*$')


def user(canonical_id: str, permission: str) -> dict:
    return {"Grantee": {"Type": "CanonicalUser", "ID": canonical_id}, "Permission": permission}


def group(uri: str, permission: str) -> dict:
    return {"Grantee": {"Type": "Group", "URI": uri}, "Permission": permission}


def canned(name: str, owner_id: str, bucket_owner_id: str) -> list[dict]:
    """The grants a canned ACL stands for (S3 User Guide, "Canned ACL")."""
    if name not in CANNED:
        raise InvalidArgument(ArgumentName="x-amz-acl", ArgumentValue=name)
    grants = [user(owner_id, "FULL_CONTROL")]
    if name in ("public-read", "public-read-write"):
        grants.append(group(ALL_USERS, "READ"))
    if name == "public-read-write":
        grants.append(group(ALL_USERS, "WRITE"))
    if name == "authenticated-read":
        grants.append(group(AUTHENTICATED_USERS, "READ"))
    if name == "log-delivery-write":
        grants += [group(LOG_DELIVERY, "WRITE"), group(LOG_DELIVERY, "READ_ACP")]
    if name == "bucket-owner-read" and bucket_owner_id != owner_id:
        grants.append(user(bucket_owner_id, "READ"))
    if name == "bucket-owner-full-control" and bucket_owner_id != owner_id:
        grants.append(user(bucket_owner_id, "FULL_CONTROL"))
    return grants


def _from_headers(params) -> list[dict]:
    grants = []
    for member, (header, permission) in GRANT_HEADERS.items():
        for item in params[member].split(",") if params.get(member) else ():
            match = _GRANTEE.match(item)
            if not match:
                raise InvalidArgument("Argument format not recognized", ArgumentName=header,
                                      ArgumentValue=params[member])
            kind, value = match.groups()
            grantee = {"id": {"Type": "CanonicalUser", "ID": value}, "uri": {"Type": "Group", "URI": value},
                       "emailAddress": {"Type": "AmazonCustomerByEmail", "EmailAddress": value}}[kind]
            grants.append({"Grantee": _checked(grantee), "Permission": permission})
    return grants


def _from_body(policy: dict) -> list[dict]:
    if not (policy.get("Owner") or {}).get("ID"):
        raise MalformedACLError()
    grants = []
    for grant in policy.get("Grants") or []:
        grantee = grant.get("Grantee")
        if not grantee or grant.get("Permission") not in PERMISSIONS:
            raise MalformedACLError()
        grants.append({"Grantee": _checked(grantee), "Permission": grant["Permission"]})
    return grants


def _checked(grantee: dict) -> dict:
    """The grantee as S3 stores it, or S3's error for one it cannot grant to."""
    kind = grantee.get("Type")
    if kind == "CanonicalUser":
        if not _CANONICAL_ID.match(grantee.get("ID") or ""):
            raise InvalidArgument("Invalid id", ArgumentName="CanonicalUser/ID", ArgumentValue=grantee.get("ID") or "")
        return {"Type": kind, "ID": grantee["ID"]}
    if kind == "Group":
        if grantee.get("URI") not in GROUPS:
            raise InvalidArgument("Invalid group uri", ArgumentName="Group/URI", ArgumentValue=grantee.get("URI") or "")
        return {"Type": kind, "URI": grantee["URI"]}
    if kind == "AmazonCustomerByEmail":
        # awsbox's accounts have no e-mail addresses on record.
        raise UnresolvableGrantByEmailAddress(EmailAddress=grantee.get("EmailAddress") or "")
    raise MalformedACLError()


def requested(params, *, owner_id: str, bucket_owner_id: str) -> list[dict] | None:
    """The grants a request asks for, or None when it names no ACL."""
    headers = [member for member in GRANT_HEADERS if params.get(member)]
    body = params.get("AccessControlPolicy")
    if params.get("ACL") and headers:
        raise InvalidRequest("Specifying both Canned ACLs and Header Grants is not allowed")
    if body is not None and (params.get("ACL") or headers):
        raise UnexpectedContent()
    if params.get("ACL"):
        return canned(params["ACL"], owner_id, bucket_owner_id)
    if headers:
        return _from_headers(params)
    if body is not None:
        return _from_body(body)
    return None


def required(params, *, owner_id: str, bucket_owner_id: str) -> list[dict]:
    """PutBucketAcl / PutObjectAcl: an ACL must be given one way or another."""
    grants = requested(params, owner_id=owner_id, bucket_owner_id=bucket_owner_id)
    if grants is None:
        raise MissingSecurityHeader(MissingHeaderName="x-amz-acl")
    return grants


def ownership(ctx, bucket: str) -> str:
    """The bucket's Object Ownership; a bucket without ownership controls
    behaves as ObjectWriter (ACLs enabled)."""
    controls = buckets.config(ctx, bucket, "ownership-controls")
    return controls["Rules"][0]["ObjectOwnership"] if controls else "ObjectWriter"


def owner_only(grants: list[dict], bucket_owner_id: str) -> bool:
    """True when the grants give nothing beyond the bucket owner's FULL_CONTROL."""
    return all(g["Grantee"] == {"Type": "CanonicalUser", "ID": bucket_owner_id} and g["Permission"] == "FULL_CONTROL"
               for g in grants)


def is_public(grants: list[dict]) -> bool:
    return any(g["Grantee"].get("URI") in (ALL_USERS, AUTHENTICATED_USERS) for g in grants)


def admit(ctx, bucket_row, grants: list[dict]) -> list[dict] | None:
    """The grants to store for a write asking for `grants` on the bucket or
    one of its objects (None: the default ACL), or S3's refusal: ACLs
    disabled by BucketOwnerEnforced, or public ACLs blocked."""
    bucket_owner_id = buckets.canonical_user_id(bucket_row["account_id"])
    if ownership(ctx, bucket_row["name"]) == ENFORCED:
        if not owner_only(grants, bucket_owner_id):
            raise AccessControlListNotSupported()
        return None
    block = buckets.config(ctx, bucket_row["name"], "public-access-block") or {}
    if block.get("BlockPublicAcls") and is_public(grants):
        raise AccessDenied()
    return grants


def policy(owner_id: str, grants: list[dict] | None) -> dict:
    """GetBucketAcl / GetObjectAcl's answer."""
    return {"Owner": {"ID": owner_id}, "Grants": grants if grants is not None else [user(owner_id, "FULL_CONTROL")]}


def for_new_object(ctx, bucket_row, params) -> tuple[str | None, str]:
    """(stored grants as JSON or None, owner's account id) of the object a
    PutObject or CopyObject writes. BucketOwnerPreferred hands the object to
    the bucket owner when the writer grants it bucket-owner-full-control."""
    setting = ownership(ctx, bucket_row["name"])
    preferred = setting == "BucketOwnerPreferred" and params.get("ACL") == "bucket-owner-full-control"
    owner_account = bucket_row["account_id"] if setting == ENFORCED or preferred else ctx.account_id
    grants = requested(params, owner_id=buckets.canonical_user_id(owner_account),
                       bucket_owner_id=buckets.canonical_user_id(bucket_row["account_id"]))
    stored = admit(ctx, bucket_row, grants) if grants is not None else None
    return (json.dumps(stored) if stored is not None else None), owner_account


def object_owner(ctx, bucket_row, object_row) -> str:
    """The canonical id owning an object: the bucket owner's when ACLs are
    disabled, else the writer's."""
    if ownership(ctx, bucket_row["name"]) == ENFORCED:
        return buckets.canonical_user_id(bucket_row["account_id"])
    return buckets.canonical_user_id(object_row["owner"])
