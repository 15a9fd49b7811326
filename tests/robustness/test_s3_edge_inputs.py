"""S3 inputs the first sweep (test_s3_sweep.py) found accepted where AWS
refuses them, each pinned to AWS's answer: the code, the status, the
message where AWS's wording is on record, and that nothing changed.

Where each answer comes from is in the comment above its test.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest
from raw_requests import Raw, error_code
from test_s3_sweep import NS, Sweep, _error, _fields

FUTURE = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def sweep(server):
    """The sweep's bucket, object and upload, in an account of this module's own."""
    return Sweep(server)


# -- request documents ---------------------------------------------------------------
# AWS validates request documents against its published schema (the words of
# MalformedXML), where each of these elements occurs at most once; an element
# the schema does not allow is refused with MalformedXML (recorded against AWS:
# ceph/ceph#23486 for an unknown element in a TagSet, aws/aws-cli#375 for a
# misspelt <MFADelete>). A repeated element is refused, never half-read.
def test_repeated_single_elements_are_malformed(sweep):
    before = sweep.state()
    tag = "<Tag><Key>a</Key><Value>1</Value></Tag>"
    cases = {
        "versioning": f"<VersioningConfiguration {NS}><Status>Enabled</Status><Status>Suspended</Status>"
                      "</VersioningConfiguration>",
        "tagging": f"<Tagging {NS}><TagSet><Tag><Key>a</Key><Key>b</Key><Value>1</Value></Tag></TagSet></Tagging>",
        "ownershipControls": f"<OwnershipControls {NS}><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership>"
                             "<ObjectOwnership>BucketOwnerPreferred</ObjectOwnership></Rule></OwnershipControls>",
    }
    for query, body in cases.items():
        assert _error(sweep.send("PUT", query=query, body=body.encode())) == ("MalformedXML", 400), query
    two_tag_sets = f"<Tagging {NS}><TagSet>{tag}</TagSet><TagSet>{tag}</TagSet></Tagging>".encode()
    assert _error(sweep.send("PUT", "/obj", "tagging", two_tag_sets)) == ("MalformedXML", 400)
    assert sweep.state() == before
    # Members that are lists repeat their element, as they always could.
    two_tags = f"<Tagging {NS}><TagSet>{tag}<Tag><Key>b</Key><Value>2</Value></Tag></TagSet></Tagging>".encode()
    assert sweep.send("PUT", "/obj", "tagging", two_tags).status == 200
    assert len(sweep.s3.get_object_tagging(Bucket=sweep.bucket, Key="obj")["TagSet"]) == 2
    sweep.s3.delete_object_tagging(Bucket=sweep.bucket, Key="obj")


# Enumerations the schema fixes, refused like the others the sweep pins
# (a lower-case versioning Status, an unknown ObjectOwnership): MalformedXML.
def test_values_outside_a_documents_enumerations_are_malformed(sweep):
    sweep.s3.put_object(Bucket=sweep.bucket, Key="cold", Body=b"x", StorageClass="GLACIER")
    before = sweep.state()
    mfa = (f"<VersioningConfiguration {NS}><Status>Enabled</Status><MfaDelete>Bogus</MfaDelete>"
           "</VersioningConfiguration>").encode()
    assert _error(sweep.send("PUT", query="versioning", body=mfa)) == ("MalformedXML", 400)
    restore = f"<RestoreRequest {NS}><Days>1</Days><Type>BOGUS</Type></RestoreRequest>".encode()
    assert _error(sweep.send("POST", "/cold", "restore", restore)) == ("MalformedXML", 400)
    assert "Restore" not in sweep.s3.head_object(Bucket=sweep.bucket, Key="cold")
    assert sweep.state() == before
    sweep.s3.delete_object(Bucket=sweep.bucket, Key="cold")


# -- query parameters ------------------------------------------------------------------
# AWS's words for an integer query parameter that is no int32 at all, recorded
# against s3.amazonaws.com for max-keys ("abc": InvalidArgument, ArgumentName
# max-keys, ArgumentValue abc) and max-uploads, and for max-parts and
# part-number-marker past the int32 range; a negative one keeps its own
# message ("Argument maxKeys must be an integer between 0 and 2147483647").
def test_integer_arguments_that_are_no_integers_say_what_aws_says(sweep):
    upload = f"uploadId={sweep.upload}"
    cases = [
        ("", "max-keys=abc", "max-keys", "abc"),
        ("", "list-type=2&max-keys=2147483648", "max-keys", "2147483648"),
        ("", "versions&max-keys=abc", "max-keys", "abc"),
        ("", "uploads&max-uploads=abc", "max-uploads", "abc"),
        ("/mp", f"{upload}&max-parts=abc", "max-parts", "abc"),
        ("/mp", f"{upload}&part-number-marker=2147483689", "part-number-marker", "2147483689"),
    ]
    found = []
    for path, query, name, value in cases:
        answer = sweep.send("GET", path, query)
        fields = _fields(answer)
        if (_error(answer) != ("InvalidArgument", 400)
                or fields.get("Message") != f"Provided {name} not an integer or within integer range"
                or fields.get("ArgumentName") != name or fields.get("ArgumentValue") != value):
            found.append(f"{query}: {answer}")
    assert not found, "\n".join(found)


# -- headers ----------------------------------------------------------------------------
# Object Lock headers on a bucket without Object Lock: InvalidRequest "Bucket
# is missing ObjectLockConfiguration" for PutObject, CopyObject and
# CreateMultipartUpload (S3's own wording for these three, as the S3-compatible
# servers that mirror it record: versity/versitygw#1751, scality/cloudserver),
# before the mode is looked at. On a bucket with Object Lock, a mode that is
# neither GOVERNANCE nor COMPLIANCE is InvalidArgument "Unknown wormMode
# directive." (versity/versitygw#1142).
def test_object_lock_headers_need_a_bucket_with_object_lock(sweep):
    before = sweep.state()
    lock = {"x-amz-object-lock-mode": "GOVERNANCE", "x-amz-object-lock-retain-until-date": FUTURE}
    copy = {"x-amz-copy-source": f"{sweep.bucket}/obj"}
    cases = [
        ("PUT", "/target", "", b"x", lock),
        ("PUT", "/target", "", b"x", {**lock, "x-amz-object-lock-mode": "BOGUS"}),
        ("PUT", "/target", "", b"x", {"x-amz-object-lock-legal-hold": "ON"}),
        ("PUT", "/target", "", b"", {**copy, **lock}),
        ("POST", "/target", "uploads", b"", lock),
    ]
    for method, path, query, body, headers in cases:
        answer = sweep.send(method, path, query, body, headers)
        assert _error(answer) == ("InvalidRequest", 400), (headers, answer)
        assert _fields(answer)["Message"] == "Bucket is missing ObjectLockConfiguration"
    assert not sweep.s3.list_multipart_uploads(Bucket=sweep.bucket, Prefix="target").get("Uploads")
    assert sweep.state() == before

    locked = f"{sweep.bucket}-locked"
    sweep.s3.create_bucket(Bucket=locked, ObjectLockEnabledForBucket=True)
    answer = sweep.wire.send(_raw(locked, "PUT", "/target", b"x", {**lock, "x-amz-object-lock-mode": "BOGUS"}))
    assert error_code(answer) == "InvalidArgument" and answer.status == 400, answer
    assert _fields(answer)["Message"] == "Unknown wormMode directive."
    assert sweep.s3.list_objects_v2(Bucket=locked)["KeyCount"] == 0
    sweep.s3.delete_bucket(Bucket=locked)


def _raw(bucket, method, path, body, headers):
    headers = {**headers, "Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()}
    return Raw("s3", method, f"/{bucket}{path}", body=body, headers=headers, label=f"{method} {bucket}{path}")


# x-amz-website-redirect-location must start with "/", "http://" or
# "https://": else 400 InvalidRedirectLocation, recorded against AWS
# (laurilehmijoki/s3_website#99, aws/aws-cli#1130).
def test_website_redirect_locations_need_their_prefix(sweep):
    before = sweep.state()
    message = "The website redirect location must have a prefix of 'http://' or 'https://' or '/'."
    bad = {"x-amz-website-redirect-location": "docs/landing.html"}
    copy = {"x-amz-copy-source": f"{sweep.bucket}/obj", "x-amz-metadata-directive": "REPLACE"}
    for method, query, body, headers in (("PUT", "", b"x", bad), ("PUT", "", b"", {**copy, **bad}),
                                         ("POST", "uploads", b"", bad)):
        answer = sweep.send(method, "/target", query, body, headers)
        assert _error(answer) == ("InvalidRedirectLocation", 400), (method, query, answer)
        assert _fields(answer)["Message"] == message
    assert sweep.state() == before
    for location in ("/landing.html", "http://example.com/", "https://example.com/"):
        sweep.s3.put_object(Bucket=sweep.bucket, Key="target", Body=b"x", WebsiteRedirectLocation=location)
        assert sweep.s3.head_object(Bucket=sweep.bucket, Key="target")["WebsiteRedirectLocation"] == location
    sweep.s3.delete_object(Bucket=sweep.bucket, Key="target")


# -- CORS ----------------------------------------------------------------------------------
# "Each AllowedHeader string in the configuration can contain at most one *
# wildcard character" (S3 User Guide, "Elements of a CORS configuration"); AWS
# words the refusal of an AllowedOrigin with two (recorded: versity/versitygw#1870)
# as InvalidRequest 'AllowedOrigin "..." can not have more than one wildcard.',
# and an AllowedHeader's the same way.
def test_cors_allowed_header_with_two_wildcards(sweep):
    before = sweep.state()
    body = (f"<CORSConfiguration {NS}><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin>"
            "<AllowedHeader>x-*-*</AllowedHeader></CORSRule></CORSConfiguration>").encode()
    answer = sweep.send("PUT", query="cors", body=body)
    assert _error(answer) == ("InvalidRequest", 400), answer
    assert _fields(answer)["Message"] == 'AllowedHeader "x-*-*" can not have more than one wildcard.'
    assert sweep.state() == before


# -- a document without a digest ------------------------------------------------------
# Operations whose model marks the body's checksum as required (DeleteObjects,
# Put...Tagging, PutBucketLifecycleConfiguration, the Object Lock ones...)
# refuse a document that comes with neither Content-MD5 nor an x-amz-checksum-*
# header, in S3's words as recorded in versitygw#1040; every SDK sends one.
def test_a_document_the_model_requires_a_digest_for(sweep):
    before = sweep.state()
    missing = ("InvalidRequest", 400)
    delete = f"<Delete {NS}><Object><Key>obj</Key></Object></Delete>".encode()
    tagging = f"<Tagging {NS}><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>".encode()
    for method, path, query, body in (("POST", "", "delete", delete), ("PUT", "", "tagging", tagging),
                                      ("PUT", "/obj", "tagging", tagging)):
        answer = sweep.wire.send(Raw("s3", method, f"/{sweep.bucket}{path}", query=query, body=body))
        assert _error(answer) == missing, answer
        assert _fields(answer)["Message"] == "Missing required header for this request: Content-MD5 OR x-amz-checksum-*"
    assert sweep.state() == before
    # A flexible checksum does as well as Content-MD5.
    digest = base64.b64encode(hashlib.sha256(tagging).digest()).decode()
    answer = sweep.wire.send(Raw("s3", "PUT", f"/{sweep.bucket}/obj", query="tagging", body=tagging,
                                 headers={"x-amz-checksum-sha256": digest}))
    assert answer.status == 200, answer
    sweep.s3.delete_object_tagging(Bucket=sweep.bucket, Key="obj")


# An empty integer query value is no value: ListParts with part-number-marker=
# and max-parts= lists from the start (localstack's AWS-validated
# test_list_parts_empty_part_number_marker).
def test_empty_integer_arguments_are_absent(sweep):
    answer = sweep.send("GET", "/mp", f"uploadId={sweep.upload}&part-number-marker=&max-parts=")
    assert answer.status == 200, answer
    assert b"<PartNumberMarker>0</PartNumberMarker>" in answer.body and b"<MaxParts>1000</MaxParts>" in answer.body
