"""Amazon S3 operations -> IAM actions (Service Authorization Reference,
"Amazon S3"; S3 User Guide, "Required permissions for Amazon S3 API
operations").

Bucket operations act on ``arn:aws:s3:::bucket``, object operations on
``arn:aws:s3:::bucket/key``; ListBuckets on "*". Operations on a version
(a VersionId in the request) need the ``...Version`` action. Some operations
need several actions: CopyObject and UploadPartCopy read the source and write
the target, PutObject with tags or an ACL also needs PutObjectTagging /
PutObjectAcl, DeleteObjects needs DeleteObject on every key.

The condition keys come from the request (``s3:prefix``,
``s3:x-amz-server-side-encryption``, ``s3:RequestObjectTag/<key>``...). The
existing object's tags (``s3:ExistingObjectTag/<key>``) are the store's, so
the authorizer adds them for the actions in ``EXISTING_OBJECT_TAG_ACTIONS``.
``scope.names`` is not used: S3 names its resources in the request.
"""
from __future__ import annotations

import urllib.parse

from .requirement import Requirement

# Actions whose condition keys include s3:ExistingObjectTag/<key>.
EXISTING_OBJECT_TAG_ACTIONS = frozenset({
    "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAcl", "s3:GetObjectVersionAcl", "s3:GetObjectTagging",
    "s3:GetObjectVersionTagging", "s3:PutObjectAcl", "s3:PutObjectVersionAcl", "s3:PutObjectTagging",
    "s3:PutObjectVersionTagging", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging",
    "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes",
})


def bucket_arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


def object_arn(bucket: str, key: str) -> str:
    return f"arn:aws:s3:::{bucket}/{key}"


def _version(params) -> dict:
    return {"s3:versionid": params["VersionId"]} if params.get("VersionId") else {}


def _on_bucket(action: str, extra=lambda params: {}):
    def describe(params, scope):
        return [Requirement(f"s3:{action}", bucket_arn(params["Bucket"]), extra(params))]
    return describe


def _on_object(action: str, version_action: str | None = None, extra=lambda params: {}):
    """An object action; ``version_action`` when the request names a version."""
    def describe(params, scope):
        name = version_action if version_action and params.get("VersionId") else action
        return [Requirement(f"s3:{name}", object_arn(params["Bucket"], params["Key"]), {**_version(params), **extra(params)})]
    return describe


def _listing(action: str, max_member: str = "MaxKeys"):
    """A listing of the bucket: s3:prefix, s3:delimiter, s3:max-keys."""
    def extra(params):
        keys = {}
        if params.get("Prefix") is not None:
            keys["s3:prefix"] = params["Prefix"]
        if params.get("Delimiter") is not None:
            keys["s3:delimiter"] = params["Delimiter"]
        if params.get(max_member) is not None:
            keys["s3:max-keys"] = params[max_member]
        return keys
    return _on_bucket(action, extra)


def _tag_set(tagging: str | None) -> dict:
    """The x-amz-tagging header (URL query form) as a dict."""
    return dict(urllib.parse.parse_qsl(tagging or "", keep_blank_values=True))


def _request_tags(tags: dict) -> dict:
    keys = {f"s3:requestobjecttag/{k.lower()}": v for k, v in tags.items()}
    if tags:
        keys["s3:requestobjecttagkeys"] = list(tags)
    return keys


_GRANT_HEADERS = {"GrantFullControl": "s3:x-amz-grant-full-control", "GrantRead": "s3:x-amz-grant-read",
                  "GrantReadACP": "s3:x-amz-grant-read-acp", "GrantWrite": "s3:x-amz-grant-write",
                  "GrantWriteACP": "s3:x-amz-grant-write-acp"}


def _acl_keys(params) -> dict:
    keys = {"s3:x-amz-acl": params["ACL"]} if params.get("ACL") else {}
    keys.update({key: params[member] for member, key in _GRANT_HEADERS.items() if params.get(member)})
    return keys


def _write_keys(params) -> dict:
    """The condition keys of a request that writes an object."""
    keys = {**_acl_keys(params), **_request_tags(_tag_set(params.get("Tagging")))}
    for member, key in (("ServerSideEncryption", "s3:x-amz-server-side-encryption"),
                        ("SSEKMSKeyId", "s3:x-amz-server-side-encryption-aws-kms-key-id"),
                        ("SSECustomerAlgorithm", "s3:x-amz-server-side-encryption-customer-algorithm"),
                        ("StorageClass", "s3:x-amz-storage-class"),
                        ("ObjectLockMode", "s3:object-lock-mode"),
                        ("ObjectLockRetainUntilDate", "s3:object-lock-retain-until-date"),
                        ("ObjectLockLegalHoldStatus", "s3:object-lock-legal-hold"),
                        ("MetadataDirective", "s3:x-amz-metadata-directive"),
                        ("WebsiteRedirectLocation", "s3:x-amz-website-redirect-location")):
        if params.get(member) is not None:
            keys[key] = params[member]
    return keys


def _write_object(params, target: str, keys: dict) -> list:
    """PutObject on the target, with the extra actions its headers ask for."""
    found = [Requirement("s3:PutObject", target, keys)]
    if params.get("Tagging"):
        found.append(Requirement("s3:PutObjectTagging", target, keys))
    if _acl_keys(params):
        found.append(Requirement("s3:PutObjectAcl", target, keys))
    return found


def _put_object(params, scope):
    return _write_object(params, object_arn(params["Bucket"], params["Key"]), _write_keys(params))


def copy_source(value: str) -> tuple[str, str, str | None]:
    """(bucket, key, version id) of an x-amz-copy-source value."""
    path, _, query = value.partition("?")
    bucket, _, key = urllib.parse.unquote(path).lstrip("/").partition("/")
    version = dict(urllib.parse.parse_qsl(query)).get("versionId")
    return bucket, key, version


def _read_source(params) -> Requirement:
    bucket, key, version = copy_source(params["CopySource"])
    keys = {"s3:versionid": version} if version else {}
    return Requirement("s3:GetObjectVersion" if version else "s3:GetObject", object_arn(bucket, key), keys)


def _copy_object(params, scope):
    keys = {**_write_keys(params), "s3:x-amz-copy-source": params["CopySource"]}
    return [_read_source(params), *_write_object(params, object_arn(params["Bucket"], params["Key"]), keys)]


def _upload_part_copy(params, scope):
    keys = {"s3:x-amz-copy-source": params["CopySource"]}
    return [_read_source(params), Requirement("s3:PutObject", object_arn(params["Bucket"], params["Key"]), keys)]


def _delete_objects(params, scope):
    found = []
    for item in (params.get("Delete") or {}).get("Objects") or []:
        version = item.get("VersionId")
        found.append(Requirement("s3:DeleteObjectVersion" if version else "s3:DeleteObject",
                                 object_arn(params["Bucket"], item["Key"]), {"s3:versionid": version} if version else {}))
    return found


def _get_object_attributes(params, scope):
    """GetObjectAttributes needs GetObjectAttributes and GetObject (or their
    version forms)."""
    arn, keys = object_arn(params["Bucket"], params["Key"]), _version(params)
    if params.get("VersionId"):
        return [Requirement("s3:GetObjectVersionAttributes", arn, keys), Requirement("s3:GetObjectVersion", arn, keys)]
    return [Requirement("s3:GetObjectAttributes", arn, keys), Requirement("s3:GetObject", arn, keys)]


def _create_bucket(params, scope):
    arn = bucket_arn(params["Bucket"])
    keys = {**_acl_keys(params)}
    constraint = (params.get("CreateBucketConfiguration") or {}).get("LocationConstraint")
    if constraint:
        keys["s3:locationconstraint"] = constraint
    if params.get("ObjectOwnership"):
        keys["s3:x-amz-object-ownership"] = params["ObjectOwnership"]
    found = [Requirement("s3:CreateBucket", arn, keys)]
    if _acl_keys(params):
        found.append(Requirement("s3:PutBucketAcl", arn, keys))
    if params.get("ObjectLockEnabledForBucket"):
        found += [Requirement("s3:PutBucketObjectLockConfiguration", arn, keys),
                  Requirement("s3:PutBucketVersioning", arn, keys)]
    if params.get("ObjectOwnership"):
        found.append(Requirement("s3:PutBucketOwnershipControls", arn, keys))
    return found


def _list_buckets(params, scope):
    return [Requirement("s3:ListAllMyBuckets", "*")]


# Operations whose action has another name (S3 User Guide's table).
_BUCKET_ACTIONS = {
    "DeleteBucket": "DeleteBucket",
    "DeleteBucketAnalyticsConfiguration": "PutAnalyticsConfiguration",
    "DeleteBucketCors": "PutBucketCORS",
    "DeleteBucketEncryption": "PutEncryptionConfiguration",
    "DeleteBucketIntelligentTieringConfiguration": "PutIntelligentTieringConfiguration",
    "DeleteBucketInventoryConfiguration": "PutInventoryConfiguration",
    "DeleteBucketLifecycle": "PutLifecycleConfiguration",
    "DeleteBucketMetricsConfiguration": "PutMetricsConfiguration",
    "DeleteBucketOwnershipControls": "PutBucketOwnershipControls",
    "DeleteBucketPolicy": "DeleteBucketPolicy",
    "DeleteBucketReplication": "PutReplicationConfiguration",
    "DeleteBucketTagging": "PutBucketTagging",
    "DeleteBucketWebsite": "DeleteBucketWebsite",
    "DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
    "GetBucketAccelerateConfiguration": "GetAccelerateConfiguration",
    "GetBucketAcl": "GetBucketAcl",
    "GetBucketAnalyticsConfiguration": "GetAnalyticsConfiguration",
    "GetBucketCors": "GetBucketCORS",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "GetBucketIntelligentTieringConfiguration": "GetIntelligentTieringConfiguration",
    "GetBucketInventoryConfiguration": "GetInventoryConfiguration",
    "GetBucketLifecycle": "GetLifecycleConfiguration",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
    "GetBucketLocation": "GetBucketLocation",
    "GetBucketLogging": "GetBucketLogging",
    "GetBucketMetricsConfiguration": "GetMetricsConfiguration",
    "GetBucketNotification": "GetBucketNotification",
    "GetBucketNotificationConfiguration": "GetBucketNotification",
    "GetBucketOwnershipControls": "GetBucketOwnershipControls",
    "GetBucketPolicy": "GetBucketPolicy",
    "GetBucketPolicyStatus": "GetBucketPolicyStatus",
    "GetBucketReplication": "GetReplicationConfiguration",
    "GetBucketRequestPayment": "GetBucketRequestPayment",
    "GetBucketTagging": "GetBucketTagging",
    "GetBucketVersioning": "GetBucketVersioning",
    "GetBucketWebsite": "GetBucketWebsite",
    "GetObjectLockConfiguration": "GetBucketObjectLockConfiguration",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "HeadBucket": "ListBucket",
    "ListBucketAnalyticsConfigurations": "GetAnalyticsConfiguration",
    "ListBucketIntelligentTieringConfigurations": "GetIntelligentTieringConfiguration",
    "ListBucketInventoryConfigurations": "GetInventoryConfiguration",
    "ListBucketMetricsConfigurations": "GetMetricsConfiguration",
    "PutBucketAccelerateConfiguration": "PutAccelerateConfiguration",
    "PutBucketAnalyticsConfiguration": "PutAnalyticsConfiguration",
    "PutBucketCors": "PutBucketCORS",
    "PutBucketEncryption": "PutEncryptionConfiguration",
    "PutBucketIntelligentTieringConfiguration": "PutIntelligentTieringConfiguration",
    "PutBucketInventoryConfiguration": "PutInventoryConfiguration",
    "PutBucketLifecycle": "PutLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
    "PutBucketLogging": "PutBucketLogging",
    "PutBucketMetricsConfiguration": "PutMetricsConfiguration",
    "PutBucketNotification": "PutBucketNotification",
    "PutBucketNotificationConfiguration": "PutBucketNotification",
    "PutBucketOwnershipControls": "PutBucketOwnershipControls",
    "PutBucketPolicy": "PutBucketPolicy",
    "PutBucketReplication": "PutReplicationConfiguration",
    "PutBucketRequestPayment": "PutBucketRequestPayment",
    "PutBucketTagging": "PutBucketTagging",
    "PutBucketVersioning": "PutBucketVersioning",
    "PutBucketWebsite": "PutBucketWebsite",
    "PutObjectLockConfiguration": "PutBucketObjectLockConfiguration",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
}
# Object operations: (action, action on a version).
_OBJECT_ACTIONS = {
    "AbortMultipartUpload": ("AbortMultipartUpload", None),
    "CompleteMultipartUpload": ("PutObject", None),
    "CreateMultipartUpload": ("PutObject", None),
    "DeleteObject": ("DeleteObject", "DeleteObjectVersion"),
    "DeleteObjectTagging": ("DeleteObjectTagging", "DeleteObjectVersionTagging"),
    "GetObject": ("GetObject", "GetObjectVersion"),
    "GetObjectAcl": ("GetObjectAcl", "GetObjectVersionAcl"),
    "GetObjectLegalHold": ("GetObjectLegalHold", None),
    "GetObjectRetention": ("GetObjectRetention", None),
    "GetObjectTagging": ("GetObjectTagging", "GetObjectVersionTagging"),
    "GetObjectTorrent": ("GetObjectTorrent", None),
    "HeadObject": ("GetObject", "GetObjectVersion"),
    "ListParts": ("ListMultipartUploadParts", None),
    "PutObjectLegalHold": ("PutObjectLegalHold", None),
    "PutObjectRetention": ("PutObjectRetention", None),
    "RestoreObject": ("RestoreObject", None),
    "SelectObjectContent": ("GetObject", None),
    "UploadPart": ("PutObject", None),
}


def _put_object_tagging(params, scope):
    name = "PutObjectVersionTagging" if params.get("VersionId") else "PutObjectTagging"
    tags = {t["Key"]: t["Value"] for t in (params.get("Tagging") or {}).get("TagSet") or []}
    return [Requirement(f"s3:{name}", object_arn(params["Bucket"], params["Key"]), {**_version(params), **_request_tags(tags)})]


def _put_object_acl(params, scope):
    name = "PutObjectVersionAcl" if params.get("VersionId") else "PutObjectAcl"
    return [Requirement(f"s3:{name}", object_arn(params["Bucket"], params["Key"]), {**_version(params), **_acl_keys(params)})]


OPERATIONS = {
    **{op: _on_bucket(action) for op, action in _BUCKET_ACTIONS.items()},
    **{op: _on_object(*actions) for op, actions in _OBJECT_ACTIONS.items()},
    "CopyObject": _copy_object,
    "CreateBucket": _create_bucket,
    "DeleteObjects": _delete_objects,
    "GetObjectAttributes": _get_object_attributes,
    "ListBuckets": _list_buckets,
    "ListMultipartUploads": _listing("ListBucketMultipartUploads", "MaxUploads"),
    "ListObjectVersions": _listing("ListBucketVersions"),
    "ListObjects": _listing("ListBucket"),
    "ListObjectsV2": _listing("ListBucket"),
    "PutBucketAcl": _on_bucket("PutBucketAcl", _acl_keys),
    "PutObject": _put_object,
    "PutObjectAcl": _put_object_acl,
    "PutObjectTagging": _put_object_tagging,
    "UploadPartCopy": _upload_part_copy,
}
