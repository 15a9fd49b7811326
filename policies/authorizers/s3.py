"""S3 authorization: the caller's IAM policies and the bucket policy (IAM
User Guide, "Policy evaluation logic"; S3 User Guide, "How Amazon S3
authorizes a request").

Within the bucket owner's account an allow from either side suffices; from
another account both the caller's IAM policies and the bucket policy must
allow. A bucket that does not exist has no policy and no other owner: the
caller's own policies decide, and the operation answers NoSuchBucket. So do
they for CreateBucket, whatever holds the name.

The KMS side of SSE-KMS is not here: S3 asks KMS for data keys in process as
the caller, and KMS's authorizer decides those with ``kms:ViaService``.

Denials: ``AccessDenied`` (403) with S3's message, which names the caller,
the action and the resource, and why, for requests from the bucket owner's
account; ``Access Denied`` alone for requests from another account.
"""
from __future__ import annotations

import json

from policies.actions import Requirement, requirements
from policies.actions.s3 import EXISTING_OBJECT_TAG_ACTIONS
from services.s3.errors import AccessDenied

from . import ENFORCE, Caller, check, explain, mode, scope_of, unchanged_since_read

_ARN = "arn:aws:s3:::"


class _Bucket:
    __slots__ = ("owner", "policy", "region")

    def __init__(self, owner, policy, region=None):
        self.owner = owner
        self.policy = policy
        self.region = region


def authorize(ctx) -> None:
    found = requirements("s3", ctx.operation, ctx.params, scope_of(ctx))
    if not found:
        return
    caller = Caller(ctx)
    buckets: dict = {}
    for requirement in found:
        bucket_name, key = _names(requirement.resource)
        extra = None
        if bucket_name is None or ctx.operation == "CreateBucket":
            # CreateBucket asks for a bucket of the caller's own: an existing
            # one of another account is the operation's BucketAlreadyExists.
            bucket = _Bucket(None, None)
        else:
            if bucket_name not in buckets:
                buckets[bucket_name] = _bucket_of(ctx, bucket_name)
            bucket = buckets[bucket_name]
            if key is not None and requirement.action in EXISTING_OBJECT_TAG_ACTIONS and _mentions_existing_tags(caller, bucket):
                extra = _existing_tags(ctx, bucket_name, key, requirement.context.get("s3:versionid"))
        request = caller.request(requirement, bucket.owner, extra)
        check(ctx, caller.evaluate(request, resource_policy=bucket.policy), _denial_for(ctx, bucket))


def permits(ctx, action: str, resource: str, context: dict, *, record: bool) -> bool:
    """One more decision a handler asks for (simulator.authorization.permits),
    made as :func:`authorize` makes each of its own."""
    bucket_name, _ = _names(resource)
    bucket = _bucket_of(ctx, bucket_name) if bucket_name else _Bucket(None, None)
    caller = Caller(ctx)
    decision = caller.evaluate(caller.request(Requirement(action, resource, context), bucket.owner),
                               resource_policy=bucket.policy)
    enforced = mode(ctx) == ENFORCE
    if record:
        ctx.decisions.append(explain(decision, enforced=enforced))
    return decision.allowed or not enforced


def _bucket_of(ctx, name: str) -> "_Bucket":
    return unchanged_since_read(ctx, ("s3-bucket", name), _bucket_reader(name))


def _names(resource: str):
    """(bucket, key) of an S3 ARN; (None, None) for "*"."""
    if not resource.startswith(_ARN):
        return None, None
    bucket, slash, key = resource[len(_ARN):].partition("/")
    return bucket, key if slash else None


def _bucket_reader(name: str):
    return lambda ctx: _bucket(ctx, name)


def _bucket(ctx, name: str) -> _Bucket:
    db = ctx.store.read()
    row = db.execute("SELECT account_id, region FROM s3_buckets WHERE name = ?", (name,)).fetchone()
    if row is None:
        return _Bucket(None, None)
    policy = db.execute("SELECT document FROM s3_bucket_configs WHERE bucket = ? AND name = 'policy'", (name,)).fetchone()
    return _Bucket(row[0], _policy_text(policy[0]) if policy else None, row[1])


def _policy_text(document: str):
    """The bucket policy as stored by S3 (the JSON of PutBucketPolicy's Policy member)."""
    value = json.loads(document)
    if isinstance(value, dict) and isinstance(value.get("Policy"), str):
        return value["Policy"]
    return value


def _mentions_existing_tags(caller: Caller, bucket: _Bucket) -> bool:
    """Whether any policy in play tests s3:ExistingObjectTag: only then is
    reading the object's tags worth a query."""
    texts = [p.document for p in caller.identity_policies] + [p.document for p in caller.session_policies]
    if caller.boundary is not None:
        texts.append(caller.boundary.document)
    if bucket.policy is not None:
        texts.append(bucket.policy)
    return any("existingobjecttag" in str(text).lower() for text in texts)


def _existing_tags(ctx, bucket: str, key: str, version_id) -> dict:
    db = ctx.store.read()
    if version_id:
        row = db.execute("SELECT tags FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?",
                         (bucket, key, version_id)).fetchone()
    else:
        row = db.execute("SELECT tags FROM s3_objects WHERE bucket = ? AND key = ? AND is_latest = 1",
                         (bucket, key)).fetchone()
    tags = json.loads(row[0]) if row else []
    return {f"s3:existingobjecttag/{t['Key'].lower()}": t["Value"] for t in tags}


def _denial_for(ctx, bucket: _Bucket):
    same_account = bucket.owner in (None, ctx.principal.account_id)
    # HeadBucket names the bucket's region whether access is allowed or not
    # (S3 API Reference, GetBucketLocation: use HeadBucket to find a region).
    where = {"x-amz-bucket-region": bucket.region} if ctx.operation == "HeadBucket" and bucket.region else {}

    def denial(decision):
        if not same_account:
            # S3 explains denials only to the bucket owner's account.
            return AccessDenied(headers=where)
        resource = decision.request.resource
        # S3 quotes the resource: ... on resource: "arn:aws:s3:::bucket/key" because ...
        return AccessDenied(decision.message(f'"{resource}"' if resource != "*" else ""), headers=where)
    return denial
