"""Bucket sub-resources: tagging, policy, public access block, ownership
controls, CORS (with real preflight answers)."""
import json

import pytest
import requests

from .conftest import error_of


def test_bucket_tagging(s3, bucket):
    assert error_of(s3.get_bucket_tagging, Bucket=bucket)[0] == "NoSuchTagSet"
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "lab"}]})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "team", "Value": "lab"}]
    duplicate = [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]
    assert error_of(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": duplicate})[0] == "InvalidTag"
    s3.delete_bucket_tagging(Bucket=bucket)
    assert error_of(s3.get_bucket_tagging, Bucket=bucket)[0] == "NoSuchTagSet"


def _policy(bucket, principal="arn:aws:iam::123456789012:root", resource=None):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": principal}, "Action": "s3:GetObject",
        "Resource": resource or f"arn:aws:s3:::{bucket}/*"}]})


def test_bucket_policy(s3, bucket):
    assert error_of(s3.get_bucket_policy, Bucket=bucket)[:1] == ("NoSuchBucketPolicy",)
    text = _policy(bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=text)
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == json.loads(text)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is False
    s3.delete_bucket_policy(Bucket=bucket)
    assert error_of(s3.get_bucket_policy, Bucket=bucket)[0] == "NoSuchBucketPolicy"


def test_bucket_policy_validation(s3, bucket):
    code, message, _ = error_of(s3.put_bucket_policy, Bucket=bucket, Policy="not json")
    assert (code, message) == ("MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'")
    assert error_of(s3.put_bucket_policy, Bucket=bucket,
                    Policy=_policy(bucket, resource="arn:aws:s3:::another-bucket/*"))[:2] == \
        ("MalformedPolicy", "Policy has invalid resource")
    assert error_of(s3.put_bucket_policy, Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17"}))[0] == \
        "MalformedPolicy"


def test_public_access_block(s3, bucket):
    # New buckets block public access, as in AWS.
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    code, message, status = error_of(s3.put_bucket_policy, Bucket=bucket, Policy=_policy(bucket, principal="*"))
    assert (code, status) == ("AccessDenied", 403)
    assert "BlockPublicPolicy" in message
    s3.delete_public_access_block(Bucket=bucket)
    assert error_of(s3.get_public_access_block, Bucket=bucket)[0] == "NoSuchPublicAccessBlockConfiguration"
    s3.put_bucket_policy(Bucket=bucket, Policy=_policy(bucket, principal="*"))
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True


def test_ownership_controls(s3, bucket):
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"][0]["ObjectOwnership"] == \
        "ObjectWriter"
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    assert error_of(s3.get_bucket_ownership_controls, Bucket=bucket)[0] == "OwnershipControlsNotFoundError"


CORS = {"CORSRules": [{"AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET", "PUT"],
                       "AllowedHeaders": ["x-amz-*", "content-type"], "ExposeHeaders": ["ETag"],
                       "MaxAgeSeconds": 600}]}


def test_cors_configuration(s3, bucket):
    assert error_of(s3.get_bucket_cors, Bucket=bucket)[0] == "NoSuchCORSConfiguration"
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == CORS["CORSRules"]
    bad = {"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]}
    code, message, _ = error_of(s3.put_bucket_cors, Bucket=bucket, CORSConfiguration=bad)
    assert (code, message) == ("InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is"
                                                 " PATCH")
    s3.delete_bucket_cors(Bucket=bucket)
    assert error_of(s3.get_bucket_cors, Bucket=bucket)[0] == "NoSuchCORSConfiguration"


def test_cors_preflight(server, s3, bucket):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
    allowed = requests.options(f"{server.endpoint}/{bucket}/file.txt", headers={
        "Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "Content-Type, x-amz-meta-a"})
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "PUT" in allowed.headers["Access-Control-Allow-Methods"]
    assert allowed.headers["Access-Control-Max-Age"] == "600"
    refused = requests.options(f"{server.endpoint}/{bucket}/file.txt", headers={
        "Origin": "https://evil.test", "Access-Control-Request-Method": "PUT"})
    assert refused.status_code == 403
    assert "<Code>AccessForbidden</Code>" in refused.text
    assert "<ResourceType>OBJECT</ResourceType>" in refused.text
    on_bucket = requests.options(f"{server.endpoint}/{bucket}", headers={
        "Origin": "https://evil.test", "Access-Control-Request-Method": "PUT"})
    assert (on_bucket.status_code, "<ResourceType>BUCKET</ResourceType>" in on_bucket.text) == (403, True)


def _error_fields(answer) -> dict:
    from lxml import etree

    return {child.tag: child.text for child in etree.fromstring(answer.content)
            if child.tag not in ("RequestId", "HostId")}


def test_preflight_refusals_in_s3s_words(server, s3, bucket):
    # As localstack's AWS-validated CORS snapshots record them
    # (test_cors_http_options_no_config, test_cors_http_options_non_existent_bucket).
    plain = requests.options(f"{server.endpoint}/{bucket}/file.txt", headers={
        "Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT"})
    assert plain.status_code == 403
    assert _error_fields(plain) == {"Code": "AccessForbidden", "Message": "CORSResponse: CORS is not enabled for this"
                                    " bucket.", "Method": "PUT", "ResourceType": "BUCKET"}
    no_origin = requests.options(f"{server.endpoint}/{bucket}/file.txt")
    assert no_origin.status_code == 400
    assert _error_fields(no_origin) == {"Code": "BadRequest",
                                        "Message": "Insufficient information. Origin request header needed."}
    missing = requests.options(f"{server.endpoint}/no-such-bucket-cors/file.txt", headers={
        "Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"})
    assert missing.status_code == 403
    assert _error_fields(missing) == {"Code": "AccessForbidden", "Message": "CORSResponse: Bucket not found",
                                      "Method": "OPTIONS", "ResourceType": "BUCKET"}


def test_cors_actual_request_headers(server, s3, bucket):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
    # An actual (signed) request from an allowed origin carries the CORS headers.
    s3.put_object(Bucket=bucket, Key="file.txt", Body=b"x")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "file.txt"})
    actual = requests.get(url, headers={"Origin": "https://app.example.com"})
    assert actual.status_code == 200
    assert actual.headers["Access-Control-Allow-Origin"] == "https://app.example.com"


def test_cors_preflight_rules():
    """The preflight decision itself, as the platform's OPTIONS hook uses it."""
    from services.s3 import cors
    from services.s3.errors import AccessForbidden

    headers = cors.preflight(CORS, "https://app.example.com", "PUT", "Content-Type, X-Amz-Meta-A")
    assert headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert headers["Access-Control-Allow-Headers"] == "content-type, x-amz-meta-a"
    assert headers["Access-Control-Expose-Headers"] == "ETag"
    for origin, method, requested in [("https://evil.test", "PUT", None), ("https://app.example.com", "DELETE", None),
                                      ("https://app.example.com", "GET", "authorization")]:
        with pytest.raises(AccessForbidden):
            cors.preflight(CORS, origin, method, requested)
    wildcard = {"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]}
    assert cors.preflight(wildcard, "https://any.test", "GET", None)["Access-Control-Allow-Origin"] == "*"
    assert cors.response_headers(wildcard, "https://any.test", "GET")["Access-Control-Allow-Origin"] == "*"
    assert cors.response_headers(wildcard, None, "GET") == {}
