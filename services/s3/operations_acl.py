"""ACL operations: GetBucketAcl, PutBucketAcl, GetObjectAcl, PutObjectAcl."""
from __future__ import annotations

import json

from . import acl, buckets, objects, operation


@operation
def get_bucket_acl(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    owner_id = buckets.canonical_user_id(bucket["account_id"])
    stored = None if acl.ownership(ctx, bucket["name"]) == acl.ENFORCED else buckets.config(ctx, bucket["name"], "acl")
    return acl.policy(owner_id, stored["Grants"] if stored else None)


@operation
def put_bucket_acl(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    owner_id = buckets.canonical_user_id(bucket["account_id"])
    grants = acl.admit(ctx, bucket, acl.required(params, owner_id=owner_id, bucket_owner_id=owner_id))
    if grants is None:
        buckets.delete_config(ctx, bucket["name"], "acl")
    else:
        buckets.put_config(ctx, bucket, "acl", {"Grants": grants})
    return {}


@operation
def get_object_acl(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    row = objects.find(ctx, bucket["name"], params["Key"], params.get("VersionId"))
    owner_id = acl.object_owner(ctx, bucket, row)
    grants = None if acl.ownership(ctx, bucket["name"]) == acl.ENFORCED or row["acl"] is None else json.loads(row["acl"])
    return acl.policy(owner_id, grants)


@operation
def put_object_acl(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    # A delete marker takes no ACL, even as only the latest version (405, as
    # localstack's AWS-validated test_put_object_acl_on_delete_marker records;
    # GetObjectAcl there stays NoSuchKey).
    row = objects.find(ctx, bucket["name"], params["Key"], params.get("VersionId"), method="PUT", sub_resource=True)
    grants = acl.admit(ctx, bucket, acl.required(params, owner_id=acl.object_owner(ctx, bucket, row),
                                                 bucket_owner_id=buckets.canonical_user_id(bucket["account_id"])))
    with ctx.store.tx() as db:
        db.execute("UPDATE s3_objects SET acl = ? WHERE id = ?", (None if grants is None else json.dumps(grants), row["id"]))
    return {}
