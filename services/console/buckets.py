"""S3 pages: buckets (the lab's Step 2), the object browser with upload
(Step 3), an object's properties, download (Steps 3 and 4) and Glacier
restores."""
from __future__ import annotations

import mimetypes
import posixpath

from flask import Response, g, request

from simulator.errors import AwsError

from . import console
from .calls import available, call
from .keys import key_choices
from .messages import plain
from .pages import REGIONS, done, failed, form, refused, render

ARCHIVED = ("GLACIER", "DEEP_ARCHIVE")
CHECKSUMS = ("ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1", "ChecksumSHA256")
# The storage classes a learner may upload to (the rest are for Outposts,
# Snow, directory buckets and FSx).
UPLOAD_STORAGE_CLASSES = ("STANDARD", "INTELLIGENT_TIERING", "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR", "GLACIER",
                          "DEEP_ARCHIVE", "REDUCED_REDUNDANCY")
RESTORE_TIERS = ("Standard", "Bulk", "Expedited")


def _region_of(bucket: str) -> str:
    return call("s3", "GetBucketLocation", {"Bucket": bucket}).get("LocationConstraint") or "us-east-1"


def _default_encryption(bucket: str):
    try:
        rules = call("s3", "GetBucketEncryption", {"Bucket": bucket})["ServerSideEncryptionConfiguration"]["Rules"]
    except AwsError as error:
        return None, plain(error)
    return (rules[0].get("ApplyServerSideEncryptionByDefault") if rules else None), None


@console.get("/s3")
def bucket_list():
    buckets, params = [], {"MaxBuckets": 1000}
    while True:
        page = call("s3", "ListBuckets", params)
        buckets += page.get("Buckets", [])
        if not page.get("ContinuationToken"):
            break
        params["ContinuationToken"] = page["ContinuationToken"]
    return render("s3_buckets.html", buckets=buckets)


@console.route("/s3/create", methods=["GET", "POST"])
def create_bucket():
    values = {"name": form("name"), "region": form("region", g.session.region), "encryption": form("encryption", "AES256"),
              "kms_key": form("kms_key"), "bucket_key": form("bucket_key")}
    if request.method == "GET":
        return render("s3_create.html", values=values, keys=_keys_or_none(values["region"]))
    if values["region"] not in REGIONS:
        return refused("Choose a Region from the list.", "console.create_bucket")
    params = {"Bucket": values["name"]}
    if values["region"] != "us-east-1":
        params["CreateBucketConfiguration"] = {"LocationConstraint": values["region"]}
    try:
        call("s3", "CreateBucket", params, region=values["region"])
        if values["encryption"] == "aws:kms":
            default = {"SSEAlgorithm": "aws:kms"}
            if values["kms_key"]:
                default["KMSMasterKeyID"] = values["kms_key"]
            rule = {"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": values["bucket_key"] == "on"}
            call("s3", "PutBucketEncryption",
                 {"Bucket": values["name"], "ServerSideEncryptionConfiguration": {"Rules": [rule]}},
                 region=values["region"])
    except AwsError as error:
        return render("s3_create.html", status=error.status, error=error, values=values,
                      keys=_keys_or_none(values["region"]))
    return done(f"Bucket {values['name']} created in {values['region']}.", "console.bucket", bucket=values["name"])


def _keys_or_none(region: str) -> list[dict]:
    """Key picker entries, or none when the principal may not list keys."""
    try:
        return key_choices(region)
    except AwsError:
        return []


@console.get("/s3/buckets/<bucket>")
def bucket(bucket: str):
    prefix = request.args.get("prefix", "")
    params = {"Bucket": bucket, "Delimiter": "/", "Prefix": prefix or None, "MaxKeys": 1000}
    token = request.args.get("token")
    if token:
        params["ContinuationToken"] = token
    listing = call("s3", "ListObjectsV2", params)
    region = _region_of(bucket)
    default, default_error = _default_encryption(bucket)
    crumbs, path = [], ""
    for part in [p for p in prefix.split("/") if p]:
        path += part + "/"
        crumbs.append((part, path))
    return render("s3_bucket.html", bucket=bucket, prefix=prefix, crumbs=crumbs, region=region,
                  folders=[p["Prefix"] for p in listing.get("CommonPrefixes", [])],
                  objects=listing.get("Contents", []), next_token=listing.get("NextContinuationToken"),
                  default=default, default_error=default_error, keys=_keys_or_none(region),
                  storage_classes=UPLOAD_STORAGE_CLASSES)


@console.post("/s3/buckets/<bucket>/upload")
def upload(bucket: str):
    prefix = form("prefix")
    chosen = request.files.get("file")
    if chosen is None or not chosen.filename:
        return refused("Choose a file to upload.", "console.bucket", bucket=bucket, prefix=prefix)
    # Browsers send only the file's name; never trust a path in it.
    name = posixpath.basename(chosen.filename.replace("\\", "/"))
    params = {"Bucket": bucket, "Key": prefix + name, "Body": chosen.stream,
              "ContentType": chosen.mimetype or mimetypes.guess_type(name)[0] or "application/octet-stream"}
    storage_class = form("storage_class", "STANDARD")
    if storage_class not in UPLOAD_STORAGE_CLASSES:
        return refused("Choose a storage class from the list.", "console.bucket", bucket=bucket, prefix=prefix)
    if storage_class != "STANDARD":
        params["StorageClass"] = storage_class
    encryption = form("encryption", "default")
    if encryption == "AES256":
        params["ServerSideEncryption"] = "AES256"
    elif encryption == "aws:kms":
        params["ServerSideEncryption"] = "aws:kms"
        if form("kms_key"):
            params["SSEKMSKeyId"] = form("kms_key")
    elif encryption != "default":
        return refused("Choose an encryption setting from the list.", "console.bucket", bucket=bucket, prefix=prefix)
    try:
        call("s3", "PutObject", params)
    except AwsError as error:
        return failed(error, "console.bucket", bucket=bucket, prefix=prefix)
    return done(f"Uploaded {prefix + name}.", "console.s3_object", bucket=bucket, key=prefix + name)


@console.get("/s3/buckets/<bucket>/object")
def s3_object(bucket: str):
    key = request.args.get("key", "")
    head = call("s3", "HeadObject", {"Bucket": bucket, "Key": key, "ChecksumMode": "ENABLED"})
    storage_class = head.get("StorageClass") or "STANDARD"
    checksums = [(name.removeprefix("Checksum"), head[name]) for name in CHECKSUMS if head.get(name)]
    return render("s3_object.html", bucket=bucket, key=key, head=head, storage_class=storage_class,
                  checksums=checksums, archived=storage_class in ARCHIVED, region=_region_of(bucket),
                  folder=key.rpartition("/")[0] + "/" if "/" in key else "", tiers=RESTORE_TIERS,
                  can_restore=available("s3", "RestoreObject"))


@console.get("/s3/buckets/<bucket>/download")
def download(bucket: str):
    key = request.args.get("key", "")
    try:
        got = call("s3", "GetObject", {"Bucket": bucket, "Key": key})
    except AwsError as error:
        return failed(error, "console.s3_object", bucket=bucket, key=key)
    name = posixpath.basename(key) or "download"
    response = Response(got["Body"], mimetype=got.get("ContentType") or "application/octet-stream",
                        direct_passthrough=True)
    response.headers["Content-Length"] = str(got.get("ContentLength", 0))
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


@console.post("/s3/buckets/<bucket>/restore")
def restore(bucket: str):
    key = form("key")
    try:
        days = int(form("days", "1"))
    except ValueError:
        return refused("The number of days is a whole number.", "console.s3_object", bucket=bucket, key=key)
    tier = form("tier", "Standard")
    if tier not in RESTORE_TIERS:
        return refused("Choose a retrieval tier from the list.", "console.s3_object", bucket=bucket, key=key)
    try:
        call("s3", "RestoreObject", {"Bucket": bucket, "Key": key,
                                     "RestoreRequest": {"Days": days, "GlacierJobParameters": {"Tier": tier}}})
    except AwsError as error:
        return failed(error, "console.s3_object", bucket=bucket, key=key)
    return done(f"Restore initiated ({tier}, {days} days). The object's Restore status shows when it is ready.",
                "console.s3_object", bucket=bucket, key=key)


@console.post("/s3/buckets/<bucket>/delete-object")
def delete_object(bucket: str):
    key = form("key")
    try:
        call("s3", "DeleteObject", {"Bucket": bucket, "Key": key})
    except AwsError as error:
        return failed(error, "console.s3_object", bucket=bucket, key=key)
    folder = key.rpartition("/")[0] + "/" if "/" in key else ""
    return done(f"Deleted {key}.", "console.bucket", bucket=bucket, prefix=folder)


@console.post("/s3/buckets/<bucket>/encryption")
def bucket_encryption(bucket: str):
    algorithm = form("encryption", "AES256")
    if algorithm not in ("AES256", "aws:kms"):
        return refused("Choose SSE-S3 or SSE-KMS.", "console.bucket", bucket=bucket)
    default = {"SSEAlgorithm": algorithm}
    if algorithm == "aws:kms" and form("kms_key"):
        default["KMSMasterKeyID"] = form("kms_key")
    rule = {"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": form("bucket_key") == "on"}
    try:
        call("s3", "PutBucketEncryption", {"Bucket": bucket, "ServerSideEncryptionConfiguration": {"Rules": [rule]}})
    except AwsError as error:
        return failed(error, "console.bucket", bucket=bucket)
    return done("Default encryption saved.", "console.bucket", bucket=bucket)
