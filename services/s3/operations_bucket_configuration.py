"""Bucket sub-resources: versioning, tagging, policy, public access block,
ownership controls and CORS."""
from __future__ import annotations

import fnmatch
import json

from policies.document import INVALID_PRINCIPAL, PolicyError, parse_policy
from services.iam import principals as iam_principals
from simulator.protocols import RESPONSE_STATUS

from . import acl, buckets, cors, operation, tagging
from .errors import (
    AccessDenied,
    InvalidBucketAclWithObjectOwnership,
    IllegalVersioningConfigurationException,
    InvalidBucketState,
    MalformedPolicy,
    MalformedXML,
    NoSuchBucketPolicy,
    NoSuchCORSConfiguration,
    NoSuchPublicAccessBlockConfiguration,
    NoSuchTagSet,
    OwnershipControlsNotFoundError,
)


# -- versioning ---------------------------------------------------------------------
@operation
def put_bucket_versioning(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    configuration = params.get("VersioningConfiguration") or {}
    status = configuration.get("Status")
    if status is None and configuration.get("MFADelete") is None:
        # localstack's AWS-validated test_bucket_versioning_crud records this for <VersioningConfiguration/>.
        raise IllegalVersioningConfigurationException()
    if status not in ("Enabled", "Suspended") or configuration.get("MFADelete") not in (None, "Enabled", "Disabled"):
        raise MalformedXML()
    if bucket["object_lock"] and status != "Enabled":
        raise InvalidBucketState("An Object Lock configuration is present on this bucket, so the versioning state"
                                 " cannot be changed.")
    with ctx.store.tx() as db:
        db.execute("UPDATE s3_buckets SET versioning = ? WHERE name = ?", (status, bucket["name"]))
    return {}


@operation
def get_bucket_versioning(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    return {"Status": bucket["versioning"]} if bucket["versioning"] else {}


# -- tagging ---------------------------------------------------------------------------
@operation
def put_bucket_tagging(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    tag_set = tagging.validate((params.get("Tagging") or {}).get("TagSet") or [], limit=tagging.MAX_BUCKET_TAGS)
    buckets.put_config(ctx, bucket, "tagging", {"TagSet": tag_set})
    # 204, as S3 answers (versity/versitygw#932, matched to S3 by #936); the model names no code.
    return {RESPONSE_STATUS: 204}


@operation
def get_bucket_tagging(ctx, params):
    return buckets.configured(ctx, params, "tagging", NoSuchTagSet)


@operation
def delete_bucket_tagging(ctx, params):
    return buckets.unconfigure(ctx, params, "tagging")


# -- policy ------------------------------------------------------------------------------
def _check_resources(bucket: str, document: dict) -> None:
    """S3 takes only statements about this bucket and its objects."""
    arn = buckets.arn(bucket)
    statements = document.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        resources = statement.get("Resource", statement.get("NotResource", []))
        for resource in [resources] if isinstance(resources, str) else resources:
            if not (fnmatch.fnmatchcase(arn, resource) or fnmatch.fnmatchcase(arn + "/", resource)
                    or resource.startswith(arn + "/")):
                raise MalformedPolicy("Policy has invalid resource")


def _is_public(document: dict) -> bool:
    """An Allow to everyone with no condition: what BlockPublicPolicy refuses."""
    statements = document.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal")
        everyone = principal == "*" or (isinstance(principal, dict) and "*" in (
            [principal.get("AWS")] if isinstance(principal.get("AWS"), str) else principal.get("AWS") or []))
        if statement.get("Effect") == "Allow" and everyone and not statement.get("Condition"):
            return True
    return False


@operation
def put_bucket_policy(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    text = params["Policy"]
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise MalformedPolicy()
    if "Statement" not in document:  # S3's words (localstack's AWS-validated test_bucket_policy_exc)
        raise MalformedPolicy("Missing required field Statement")
    try:
        parse_policy(text, "resource")
    except PolicyError as error:
        raise MalformedPolicy(error.message) from None
    if iam_principals.unknown(ctx.store.read(), text, "resource"):
        raise MalformedPolicy(INVALID_PRINCIPAL)
    _check_resources(bucket["name"], document)
    block = buckets.config(ctx, bucket["name"], "public-access-block") or {}
    if block.get("BlockPublicPolicy") and _is_public(document):
        raise AccessDenied(
            f"User: {ctx.principal.arn} is not authorized to perform: s3:PutBucketPolicy on resource:"
            f' "{buckets.arn(bucket["name"])}" because public policies are blocked by the BlockPublicPolicy block'
            " public access setting."
        )
    # Kept as sent: GetBucketPolicy returns it, and the policy engine reads it.
    buckets.put_config(ctx, bucket, "policy", {"Policy": text})
    # 204, as S3 answers (recorded from S3 in versity/versitygw#1712); the model names no code.
    return {RESPONSE_STATUS: 204}


@operation
def get_bucket_policy(ctx, params):
    return {"Policy": buckets.configured(ctx, params, "policy", NoSuchBucketPolicy)["Policy"]}


@operation
def delete_bucket_policy(ctx, params):
    return buckets.unconfigure(ctx, params, "policy")


@operation
def get_bucket_policy_status(ctx, params):
    config = buckets.configured(ctx, params, "policy", NoSuchBucketPolicy)
    return {"PolicyStatus": {"IsPublic": _is_public(json.loads(config["Policy"]))}}


# -- public access block ----------------------------------------------------------------
@operation
def put_public_access_block(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    given = params.get("PublicAccessBlockConfiguration") or {}
    buckets.put_config(ctx, bucket, "public-access-block",
                       {name: bool(given.get(name)) for name in buckets.PUBLIC_ACCESS_SETTINGS})
    return {}


@operation
def get_public_access_block(ctx, params):
    return {"PublicAccessBlockConfiguration": buckets.configured(ctx, params, "public-access-block",
                                                          NoSuchPublicAccessBlockConfiguration)}


@operation
def delete_public_access_block(ctx, params):
    return buckets.unconfigure(ctx, params, "public-access-block")


# -- ownership controls -----------------------------------------------------------------
@operation
def put_bucket_ownership_controls(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    rules = (params.get("OwnershipControls") or {}).get("Rules") or []
    if len(rules) != 1 or rules[0].get("ObjectOwnership") not in buckets.OWNERSHIPS:
        raise MalformedXML()
    if rules[0]["ObjectOwnership"] == acl.ENFORCED:
        # ACLs can be disabled only once the bucket's grants nothing beyond its owner.
        stored = buckets.config(ctx, bucket["name"], "acl")
        if stored and not acl.owner_only(stored["Grants"], buckets.canonical_user_id(bucket["account_id"])):
            raise InvalidBucketAclWithObjectOwnership()
    buckets.put_config(ctx, bucket, "ownership-controls", {"Rules": rules})
    return {}


@operation
def get_bucket_ownership_controls(ctx, params):
    return {"OwnershipControls": buckets.configured(ctx, params, "ownership-controls", OwnershipControlsNotFoundError)}


@operation
def delete_bucket_ownership_controls(ctx, params):
    return buckets.unconfigure(ctx, params, "ownership-controls")


# -- CORS ----------------------------------------------------------------------------------
@operation
def put_bucket_cors(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    buckets.put_config(ctx, bucket, "cors", cors.validate(params.get("CORSConfiguration") or {}))
    return {}


@operation
def get_bucket_cors(ctx, params):
    return buckets.configured(ctx, params, "cors", NoSuchCORSConfiguration)


@operation
def delete_bucket_cors(ctx, params):
    return buckets.unconfigure(ctx, params, "cors")
