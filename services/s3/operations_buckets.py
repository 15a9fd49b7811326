"""Bucket operations: create, delete, head, list, location."""
from __future__ import annotations

from simulator import regions

from . import acl, buckets, listing, operation, tagging
from .errors import (
    InvalidArgument,
    InvalidBucketAclWithBlockPublicAccessError,
    InvalidBucketAclWithObjectOwnership,
)
from .objects import timestamp


@operation
def create_bucket(ctx, params):
    name = params["Bucket"]
    buckets.validate_name(name)
    configuration = params.get("CreateBucketConfiguration") or {}
    region = buckets.region_for(ctx.region, configuration.get("LocationConstraint"))
    ownership = params.get("ObjectOwnership")
    if ownership is None:
        ownership = "BucketOwnerEnforced"
    elif ownership not in buckets.OWNERSHIPS:  # an empty header too (localstack's AWS-validated snapshot)
        raise InvalidArgument(f"Invalid x-amz-object-ownership header: {ownership}",
                              ArgumentName="x-amz-object-ownership")
    owner_id = buckets.canonical_user_id(ctx.account_id)
    grants = acl.requested(params, owner_id=owner_id, bucket_owner_id=owner_id)
    if ownership == acl.ENFORCED and grants is not None and not acl.owner_only(grants, owner_id):
        raise InvalidBucketAclWithObjectOwnership()
    # New buckets block public ACLs from the start, so a public canned ACL cannot be set at creation.
    if grants is not None and acl.is_public(grants):
        raise InvalidBucketAclWithBlockPublicAccessError()
    # New buckets block public access and enforce bucket-owner ownership, as AWS's do since April 2023.
    configs = {
        "ownership-controls": {"Rules": [{"ObjectOwnership": ownership}]},
        "public-access-block": {name: True for name in buckets.PUBLIC_ACCESS_SETTINGS},
    }
    if grants is not None and ownership != acl.ENFORCED:
        configs["acl"] = {"Grants": grants}
    if configuration.get("Tags"):
        configs["tagging"] = {"TagSet": tagging.validate(configuration["Tags"], limit=tagging.MAX_BUCKET_TAGS)}
    buckets.create(ctx, name, region, configs=configs, object_lock=bool(params.get("ObjectLockEnabledForBucket")))
    location = f"/{name}" if region == buckets.US_EAST_1 else f"http://{name}.s3.amazonaws.com/"
    return {"Location": location, "BucketArn": buckets.arn(name)}


@operation
def delete_bucket(ctx, params):
    ctx.store.blobs.delete(*buckets.delete(ctx, params["Bucket"]))
    return {}


@operation
def head_bucket(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    return {"BucketRegion": bucket["region"], "AccessPointAlias": False, "BucketArn": buckets.arn(bucket["name"])}


@operation
def get_bucket_location(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    # us-east-1 buckets answer an empty LocationConstraint, as AWS does.
    return {"LocationConstraint": None if bucket["region"] == buckets.US_EAST_1 else bucket["region"]}


@operation
def list_buckets(ctx, params):
    limit = params.get("MaxBuckets")
    if limit is not None and not 1 <= limit <= buckets.MAX_BUCKETS:
        raise InvalidArgument("Argument max-buckets must be an integer between 1 and 10000",
                              ArgumentName="max-buckets", ArgumentValue=str(limit))
    token = params.get("ContinuationToken")
    after = listing.from_continuation_token(token) if token else None
    region = params.get("BucketRegion")
    if region is not None and region not in regions.of("s3"):
        # localstack's AWS-validated test_list_buckets_region_validation.
        raise InvalidArgument(f"Argument value {region} is not a valid AWS Region", ArgumentName="bucket-region")
    page_size = limit or buckets.MAX_BUCKETS
    rows = buckets.list_for(ctx, prefix=params.get("Prefix"), region=params.get("BucketRegion"), after=after,
                            limit=page_size + 1)
    out = {
        "Buckets": [
            {"Name": r["name"], "CreationDate": timestamp(r["created"]), "BucketRegion": r["region"],
             "BucketArn": buckets.arn(r["name"])}
            for r in rows[:page_size]
        ],
        "Owner": buckets.owner(ctx.account_id),
    }
    if len(rows) > page_size:
        out["ContinuationToken"] = listing.continuation_token(rows[page_size - 1]["name"])
    if params.get("Prefix") is not None:
        out["Prefix"] = params["Prefix"]
    return out
