"""Bucket default encryption: Put/Get/DeleteBucketEncryption."""
from __future__ import annotations

from . import buckets, operation
from . import server_side_encryption as sse
from .errors import InvalidArgument, MalformedXML


@operation
def put_bucket_encryption(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    rules = (params.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    if len(rules) != 1:
        raise MalformedXML()
    rule = rules[0]
    default = rule.get("ApplyServerSideEncryptionByDefault")
    if default is not None:
        algorithm = default.get("SSEAlgorithm")
        if algorithm not in (sse.SSE_S3, *sse.KMS_ALGORITHMS):
            raise MalformedXML()
        if default.get("KMSMasterKeyID") is not None and algorithm not in sse.KMS_ALGORITHMS:
            raise InvalidArgument(
                "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
                ArgumentName="ApplyServerSideEncryptionByDefault",
            )
    # As in AWS, a KMS key id is not checked here: uploads fail if it is wrong.
    stored = {"ApplyServerSideEncryptionByDefault": default or sse.DEFAULT_RULE["ApplyServerSideEncryptionByDefault"],
              "BucketKeyEnabled": bool(rule.get("BucketKeyEnabled"))}
    buckets.put_config(ctx, bucket, "encryption", {"Rules": [stored]})
    return {}


@operation
def get_bucket_encryption(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    # Every bucket has default encryption: SSE-S3 unless configured otherwise.
    return {"ServerSideEncryptionConfiguration": {"Rules": [sse.default_rule(ctx, bucket["name"])]}}


@operation
def delete_bucket_encryption(ctx, params):
    return buckets.unconfigure(ctx, params, "encryption")
