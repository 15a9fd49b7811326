"""S3 Object Lock: the bucket's configuration and default retention, each
version's retention and legal hold, and what they refuse. Errors are S3's as
recorded against it (sources in services/s3/object_lock.py's callers and the
research notes: localstack's and moto's AWS-validated tests, S3Mock,
versitygw issues quoting S3's XML)."""
import base64
import datetime as dt
import hashlib

import pytest

from tests.robustness.raw_requests import Raw, Wire

from .conftest import error_body, error_of, unique

DAY = 86400
PROTECTED = ("AccessDenied", "Access Denied because object protected by object lock.", 403)


@pytest.fixture
def now(server):
    """The server's clock (other tests move it)."""
    return dt.datetime.fromisoformat(server.advance_clock(0).replace("Z", "+00:00"))


@pytest.fixture
def locked(s3):
    name = unique("locked")
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    return name


def _retention(s3, bucket, key, version_id=None):
    extra = {"VersionId": version_id} if version_id else {}
    return s3.get_object_retention(Bucket=bucket, Key=key, **extra)["Retention"]


def _exists(s3, bucket, key, version_id) -> bool:
    versions = s3.list_object_versions(Bucket=bucket, Prefix=key).get("Versions", [])
    return any(v["VersionId"] == version_id for v in versions)


def _config(rule=None) -> dict:
    return {"ObjectLockEnabled": "Enabled", **({"Rule": {"DefaultRetention": rule}} if rule else {})}


# -- the bucket's configuration ---------------------------------------------------------
def test_configuration_of_a_bucket_created_with_object_lock(s3, locked):
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"] == {"ObjectLockEnabled": "Enabled"}
    assert s3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=_config({"Mode": "GOVERNANCE", "Days": 3}))
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"] == _config(
        {"Mode": "GOVERNANCE", "Days": 3})
    # Each PUT replaces the whole document: without a Rule, the default retention goes.
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=_config())
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"] == _config()
    assert error_of(s3.put_bucket_versioning, Bucket=locked, VersioningConfiguration={"Status": "Suspended"}) == (
        "InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot"
        " be changed.", 409)


def test_object_lock_turned_on_for_an_existing_bucket(s3, bucket):
    assert error_body(s3.get_object_lock_configuration, Bucket=bucket) == {
        "Code": "ObjectLockConfigurationNotFoundError", "BucketName": bucket,
        "Message": "Object Lock configuration does not exist for this bucket"}
    refused = ("InvalidBucketState", "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
               409)
    assert error_of(s3.put_object_lock_configuration, Bucket=bucket, ObjectLockConfiguration=_config()) == refused
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert error_of(s3.put_object_lock_configuration, Bucket=bucket, ObjectLockConfiguration=_config()) == refused
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=_config({"Mode": "COMPLIANCE", "Years": 1}))
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]["Rule"] == {
        "DefaultRetention": {"Mode": "COMPLIANCE", "Years": 1}}
    assert error_of(s3.put_bucket_versioning, Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})[0] == \
        "InvalidBucketState"


@pytest.mark.parametrize("configuration", [
    {},
    {"ObjectLockEnabled": "Disabled"},
    {"Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}},
    {"ObjectLockEnabled": "Enabled", "Rule": {}},
    {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {}}},
    {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE"}}},
    {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1, "Years": 1}}},
    {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "governance", "Days": 1}}},
    {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Days": 1}}},
], ids=["empty", "disabled", "no-enabled", "empty-rule", "empty-retention", "no-period", "days-and-years",
        "lowercase-mode", "no-mode"])
def test_malformed_configurations_change_nothing(s3, locked, configuration):
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=_config({"Mode": "GOVERNANCE", "Days": 2}))
    assert error_of(s3.put_object_lock_configuration, Bucket=locked, ObjectLockConfiguration=configuration)[0] == \
        "MalformedXML"
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"] == _config(
        {"Mode": "GOVERNANCE", "Days": 2})


@pytest.mark.parametrize("period", [{"Days": 0}, {"Days": -1}, {"Years": 0}])
def test_a_retention_period_must_be_positive(s3, locked, period):
    name = next(iter(period))
    error = error_body(s3.put_object_lock_configuration, Bucket=locked,
                       ObjectLockConfiguration=_config({"Mode": "COMPLIANCE", **period}))
    assert error == {"Code": "InvalidArgument", "Message": "Default retention period must be a positive integer value.",
                     "ArgumentName": name, "ArgumentValue": str(period[name])}
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"] == _config()


# -- writes -----------------------------------------------------------------------------
def test_retention_and_legal_hold_set_by_the_write(s3, locked, now):
    until = (now + dt.timedelta(days=30)).replace(microsecond=0)
    put = s3.put_object(Bucket=locked, Key="kept", Body=b"worm", ObjectLockMode="GOVERNANCE",
                        ObjectLockRetainUntilDate=until, ObjectLockLegalHoldStatus="ON")
    head = s3.head_object(Bucket=locked, Key="kept")
    assert (head["ObjectLockMode"], head["ObjectLockRetainUntilDate"], head["ObjectLockLegalHoldStatus"]) == (
        "GOVERNANCE", until, "ON")
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-object-lock-retain-until-date"] == \
        until.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    got = s3.get_object(Bucket=locked, Key="kept")
    assert (got["ObjectLockMode"], got["ObjectLockLegalHoldStatus"], got["Body"].read()) == ("GOVERNANCE", "ON", b"worm")
    assert _retention(s3, locked, "kept") == {"Mode": "GOVERNANCE", "RetainUntilDate": until}
    assert s3.get_object_legal_hold(Bucket=locked, Key="kept", VersionId=put["VersionId"])["LegalHold"] == {"Status": "ON"}
    # A version written without them has neither, and HEAD says nothing of a lock.
    s3.put_object(Bucket=locked, Key="free", Body=b"x")
    assert not [k for k in s3.head_object(Bucket=locked, Key="free") if k.startswith("ObjectLock")]
    missing = ("NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration", 404)
    assert error_of(s3.get_object_retention, Bucket=locked, Key="free") == missing
    assert error_of(s3.get_object_legal_hold, Bucket=locked, Key="free") == missing


@pytest.mark.parametrize("headers, expected", [
    ({"ObjectLockMode": "GOVERNANCE"},
     {"Code": "InvalidArgument",
      "Message": "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied"}),
    ({"ObjectLockMode": "FOREVER", "ObjectLockRetainUntilDate": "+30"},
     {"Code": "InvalidArgument", "Message": "Unknown wormMode directive.", "ArgumentName": "x-amz-object-lock-mode",
      "ArgumentValue": "FOREVER"}),
    ({"ObjectLockMode": "COMPLIANCE", "ObjectLockRetainUntilDate": "-1"},
     {"Code": "InvalidArgument", "Message": "The retain until date must be in the future!",
      "ArgumentName": "x-amz-object-lock-retain-until-date"}),
    ({"ObjectLockLegalHoldStatus": "MAYBE"},
     {"Code": "InvalidArgument", "Message": "Legal Hold must be either of 'ON' or 'OFF'",
      "ArgumentName": "x-amz-object-lock-legal-hold", "ArgumentValue": "MAYBE"}),
], ids=["mode-without-date", "unknown-mode", "date-in-the-past", "unknown-hold"])
def test_bad_lock_headers_store_nothing(s3, locked, now, headers, expected):
    headers = dict(headers)
    if "ObjectLockRetainUntilDate" in headers:
        headers["ObjectLockRetainUntilDate"] = now + dt.timedelta(days=int(headers["ObjectLockRetainUntilDate"]))
    error = error_body(s3.put_object, Bucket=locked, Key="k", Body=b"x", **headers)
    if "ArgumentValue" not in expected:  # the date as the client wrote it
        error.pop("ArgumentValue", None)
    assert error == expected
    assert "Versions" not in s3.list_object_versions(Bucket=locked)


def test_lock_headers_on_a_bucket_without_object_lock(s3, bucket, now):
    until = now + dt.timedelta(days=1)
    for headers in ({"ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": until},
                    {"ObjectLockLegalHoldStatus": "OFF"}):
        assert error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"x", **headers) == (
            "InvalidRequest", "Bucket is missing ObjectLockConfiguration", 400)
        assert error_of(s3.create_multipart_upload, Bucket=bucket, Key="k", **headers)[:2] == (
            "InvalidRequest", "Bucket is missing ObjectLockConfiguration")
    # The headers' own syntax is checked first, whatever the bucket.
    assert error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"x", ObjectLockRetainUntilDate=until)[1] == \
        "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied"
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    for call in (s3.get_object_retention, s3.get_object_legal_hold):
        assert error_of(call, Bucket=bucket, Key="k") == ("InvalidRequest", "Bucket is missing Object Lock Configuration",
                                                         400)


def test_default_retention_applies_to_new_versions_only(s3, locked, now):
    before = s3.put_object(Bucket=locked, Key="k", Body=b"old")["VersionId"]
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=_config({"Mode": "COMPLIANCE", "Days": 2}))
    after = s3.put_object(Bucket=locked, Key="k", Body=b"new")["VersionId"]
    retention = _retention(s3, locked, "k", after)
    assert retention["Mode"] == "COMPLIANCE"
    assert dt.timedelta(days=2) <= retention["RetainUntilDate"] - now < dt.timedelta(days=2, minutes=5)
    assert error_of(s3.get_object_retention, Bucket=locked, Key="k", VersionId=before)[0] == \
        "NoSuchObjectLockConfiguration"
    # Headers win over the default; a legal hold alone still takes it.
    until = (now + dt.timedelta(days=9)).replace(microsecond=0)
    own = s3.put_object(Bucket=locked, Key="k", Body=b"own", ObjectLockMode="GOVERNANCE",
                        ObjectLockRetainUntilDate=until)["VersionId"]
    assert _retention(s3, locked, "k", own) == {"Mode": "GOVERNANCE", "RetainUntilDate": until}
    held = s3.put_object(Bucket=locked, Key="k", Body=b"held", ObjectLockLegalHoldStatus="ON")["VersionId"]
    assert _retention(s3, locked, "k", held)["Mode"] == "COMPLIANCE"
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=_config({"Mode": "GOVERNANCE", "Years": 1}))
    yearly = s3.put_object(Bucket=locked, Key="k", Body=b"y")["VersionId"]
    until = _retention(s3, locked, "k", yearly)["RetainUntilDate"]
    assert (until.year, until.month, until.day) == (now.year + 1, now.month, now.day) or now.month == 2


def _md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def test_a_locked_write_must_carry_a_checksum(server, s3, locked, now):
    wire = Wire(server.endpoint, "test", "test")
    lock_headers = {"x-amz-object-lock-mode": "GOVERNANCE",
                    "x-amz-object-lock-retain-until-date": (now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "x-amz-content-sha256": hashlib.sha256(b"x").hexdigest()}
    answer = wire.send(Raw("s3", "PUT", f"/{locked}/bare", headers=lock_headers, body=b"x"))
    assert answer.status == 400
    assert b"<Code>InvalidRequest</Code><Message>Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object" \
           b" requests with Object Lock parameters</Message>" in answer.body
    assert wire.send(Raw("s3", "PUT", f"/{locked}/md5", headers={**lock_headers, "Content-MD5": _md5(b"x")},
                         body=b"x")).status == 200
    # So must every write once the bucket has a default retention.
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=_config({"Mode": "GOVERNANCE", "Days": 1}))
    plain = {"x-amz-content-sha256": hashlib.sha256(b"x").hexdigest()}
    assert wire.send(Raw("s3", "PUT", f"/{locked}/bare", headers=plain, body=b"x")).status == 400
    upload = s3.create_multipart_upload(Bucket=locked, Key="parts")["UploadId"]
    answer = wire.send(Raw("s3", "PUT", f"/{locked}/parts", query=f"partNumber=1&uploadId={upload}", headers=plain,
                           body=b"x"))
    assert b"required for Put Part requests with Object Lock parameters" in answer.body
    assert [v["Key"] for v in s3.list_object_versions(Bucket=locked)["Versions"]] == ["md5"]
    assert "Parts" not in s3.list_parts(Bucket=locked, Key="parts", UploadId=upload)


def test_an_unparsable_retain_until_date(server, locked):
    answer = Wire(server.endpoint, "test", "test").send(Raw("s3", "PUT", f"/{locked}/k", headers={
        "x-amz-object-lock-mode": "GOVERNANCE", "x-amz-object-lock-retain-until-date": "next tuesday",
        "Content-MD5": _md5(b"x"), "x-amz-content-sha256": hashlib.sha256(b"x").hexdigest()}, body=b"x"))
    assert answer.status == 400
    assert b"<Message>The retain until date must be provided in ISO 8601 format</Message><ArgumentName>" \
           b"x-amz-object-lock-retain-until-date</ArgumentName><ArgumentValue>next tuesday</ArgumentValue>" in answer.body


def test_multipart_and_copy_take_their_own_lock(s3, locked, now):
    until = (now + dt.timedelta(days=5)).replace(microsecond=0)
    upload = s3.create_multipart_upload(Bucket=locked, Key="mp", ObjectLockMode="COMPLIANCE",
                                        ObjectLockRetainUntilDate=until, ObjectLockLegalHoldStatus="ON")["UploadId"]
    part = s3.upload_part(Bucket=locked, Key="mp", UploadId=upload, PartNumber=1, Body=b"p" * 10)
    done = s3.complete_multipart_upload(Bucket=locked, Key="mp", UploadId=upload,
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert _retention(s3, locked, "mp", done["VersionId"]) == {"Mode": "COMPLIANCE", "RetainUntilDate": until}
    assert s3.get_object_legal_hold(Bucket=locked, Key="mp")["LegalHold"] == {"Status": "ON"}
    # A copy is not locked by its source's lock, only by its own headers.
    s3.copy_object(Bucket=locked, Key="copy", CopySource={"Bucket": locked, "Key": "mp"})
    assert not [k for k in s3.head_object(Bucket=locked, Key="copy") if k.startswith("ObjectLock")]
    s3.copy_object(Bucket=locked, Key="held-copy", CopySource={"Bucket": locked, "Key": "mp"},
                   ObjectLockLegalHoldStatus="ON")
    assert s3.head_object(Bucket=locked, Key="held-copy")["ObjectLockLegalHoldStatus"] == "ON"


# -- protection ------------------------------------------------------------------------------
def test_governance_retention_yields_only_to_a_bypass(s3, locked, now):
    version = s3.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=now + dt.timedelta(days=1))["VersionId"]
    assert error_of(s3.delete_object, Bucket=locked, Key="k", VersionId=version) == PROTECTED
    assert error_of(s3.delete_object, Bucket=locked, Key="k", VersionId=version, BypassGovernanceRetention=False) == \
        PROTECTED
    # A delete without a version id touches no version: it adds a marker, which itself is never locked.
    marker = s3.delete_object(Bucket=locked, Key="k")
    assert marker["DeleteMarker"] is True
    s3.delete_object(Bucket=locked, Key="k", VersionId=marker["VersionId"])
    assert _exists(s3, locked, "k", version)
    s3.delete_object(Bucket=locked, Key="k", VersionId=version, BypassGovernanceRetention=True)
    assert not _exists(s3, locked, "k", version)


def test_compliance_retention_and_legal_hold_yield_to_no_one(s3, locked, now):
    compliance = s3.put_object(Bucket=locked, Key="c", Body=b"x", ObjectLockMode="COMPLIANCE",
                               ObjectLockRetainUntilDate=now + dt.timedelta(days=1))["VersionId"]
    held = s3.put_object(Bucket=locked, Key="h", Body=b"x", ObjectLockLegalHoldStatus="ON")["VersionId"]
    free = s3.put_object(Bucket=locked, Key="f", Body=b"x")["VersionId"]
    for key, version in (("c", compliance), ("h", held)):
        assert error_of(s3.delete_object, Bucket=locked, Key=key, VersionId=version, BypassGovernanceRetention=True) == \
            PROTECTED
    answer = s3.delete_objects(Bucket=locked, BypassGovernanceRetention=True, Delete={"Objects": [
        {"Key": "c", "VersionId": compliance}, {"Key": "h", "VersionId": held}, {"Key": "f", "VersionId": free}]})
    assert answer["Deleted"] == [{"Key": "f", "VersionId": free}]
    assert sorted((e["Key"], e["VersionId"], e["Code"], e["Message"]) for e in answer["Errors"]) == [
        ("c", compliance, "AccessDenied", PROTECTED[1]), ("h", held, "AccessDenied", PROTECTED[1])]
    assert _exists(s3, locked, "c", compliance) and _exists(s3, locked, "h", held)
    # The hold comes off with a PUT, and then the version goes.
    s3.put_object_legal_hold(Bucket=locked, Key="h", LegalHold={"Status": "OFF"})
    assert s3.get_object_legal_hold(Bucket=locked, Key="h")["LegalHold"] == {"Status": "OFF"}
    s3.delete_object(Bucket=locked, Key="h", VersionId=held)
    assert not _exists(s3, locked, "h", held)


def test_bypass_header_on_a_bucket_without_object_lock(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    refused = ("InvalidArgument", "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.",
               400)
    for value in (True, False):
        assert error_of(s3.delete_object, Bucket=bucket, Key="k", BypassGovernanceRetention=value) == refused
    assert error_of(s3.delete_objects, Bucket=bucket, BypassGovernanceRetention=True,
                    Delete={"Objects": [{"Key": "k"}]}) == refused
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_retention_changes(s3, locked, now):
    until = (now + dt.timedelta(days=10)).replace(microsecond=0)
    later, sooner = until + dt.timedelta(days=5), until - dt.timedelta(days=5)
    version = s3.put_object(Bucket=locked, Key="g", Body=b"x", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=until)["VersionId"]

    def change(mode, date, **extra):
        return s3.put_object_retention(Bucket=locked, Key="g", VersionId=version,
                                       Retention={"Mode": mode, "RetainUntilDate": date}, **extra)

    change("GOVERNANCE", later)  # lengthening needs no bypass
    assert error_of(change, "GOVERNANCE", sooner) == PROTECTED
    assert error_of(change, "COMPLIANCE", later) == PROTECTED  # nor may the mode change without one
    assert _retention(s3, locked, "g") == {"Mode": "GOVERNANCE", "RetainUntilDate": later}
    change("GOVERNANCE", sooner, BypassGovernanceRetention=True)
    assert _retention(s3, locked, "g")["RetainUntilDate"] == sooner
    change("COMPLIANCE", sooner, BypassGovernanceRetention=True)
    assert error_of(change, "COMPLIANCE", sooner - dt.timedelta(days=1), BypassGovernanceRetention=True) == PROTECTED
    assert error_of(change, "GOVERNANCE", later, BypassGovernanceRetention=True) == PROTECTED
    change("COMPLIANCE", later)
    assert _retention(s3, locked, "g") == {"Mode": "COMPLIANCE", "RetainUntilDate": later}
    assert error_body(change, "COMPLIANCE", now - dt.timedelta(days=1))["Message"] == \
        "The retain until date must be in the future!"
    assert error_of(s3.put_object_retention, Bucket=locked, Key="g", Retention={"Mode": "FOREVER",
                    "RetainUntilDate": later})[0] == "MalformedXML"
    assert error_of(s3.put_object_legal_hold, Bucket=locked, Key="g", LegalHold={"Status": "YES"})[0] == "MalformedXML"
    assert _retention(s3, locked, "g") == {"Mode": "COMPLIANCE", "RetainUntilDate": later}


def test_a_governance_retention_removed_with_a_bypass(s3, locked, now):
    s3.put_object(Bucket=locked, Key="g", Body=b"x", ObjectLockMode="GOVERNANCE",
                  ObjectLockRetainUntilDate=now + dt.timedelta(days=1))
    assert error_of(s3.put_object_retention, Bucket=locked, Key="g", Retention={}) == PROTECTED
    s3.put_object_retention(Bucket=locked, Key="g", Retention={}, BypassGovernanceRetention=True)
    assert error_of(s3.get_object_retention, Bucket=locked, Key="g")[0] == "NoSuchObjectLockConfiguration"


def test_lock_operations_on_what_is_not_a_version(s3, locked):
    for call, extra in ((s3.get_object_retention, {}), (s3.get_object_legal_hold, {}),
                        (s3.put_object_legal_hold, {"LegalHold": {"Status": "ON"}})):
        assert error_of(call, Bucket=locked, Key="nothing", **extra)[0] == "NoSuchKey"
        assert error_of(call, Bucket=locked, Key="nothing", VersionId="v" * 32, **extra)[0] == "NoSuchVersion"
    marker = s3.delete_object(Bucket=locked, Key="gone")["VersionId"]
    for version in ({"VersionId": marker}, {}):  # named, or only the latest
        assert error_of(s3.put_object_legal_hold, Bucket=locked, Key="gone", LegalHold={"Status": "ON"},
                        **version)[::2] == ("MethodNotAllowed", 405)
        assert error_of(s3.get_object_retention, Bucket=locked, Key="gone", **version)[::2] == ("MethodNotAllowed", 405)
    assert error_of(s3.get_object_lock_configuration, Bucket=unique("absent"))[0] == "NoSuchBucket"


# -- the clock, lifecycle and restarts --------------------------------------------------------
def test_retention_ends_on_the_simulator_clock_and_survives_a_restart(private_server):
    s3 = private_server.client("s3")
    bucket = unique("locked")
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    now = dt.datetime.fromisoformat(private_server.advance_clock(0).replace("Z", "+00:00"))
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=_config({"Mode": "COMPLIANCE", "Days": 1}))
    old = s3.put_object(Bucket=bucket, Key="k", Body=b"old")["VersionId"]
    held = s3.put_object(Bucket=bucket, Key="h", Body=b"held", ObjectLockLegalHoldStatus="ON",
                         ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=now + dt.timedelta(hours=1))["VersionId"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"new")
    # A lifecycle rule expiring noncurrent versions at once leaves the locked one be.
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "tidy", "Status": "Enabled", "Filter": {"Prefix": ""}, "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}]})
    private_server.restart()
    s3 = private_server.client("s3")
    assert _retention(s3, bucket, "k", old)["Mode"] == "COMPLIANCE"
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]["Rule"]["DefaultRetention"] == {
        "Mode": "COMPLIANCE", "Days": 1}
    assert error_of(s3.delete_object, Bucket=bucket, Key="k", VersionId=old) == PROTECTED
    private_server.advance_clock(DAY + 60)
    assert not _exists(s3, bucket, "k", old)  # expired by lifecycle once the retention ended
    assert error_of(s3.delete_object, Bucket=bucket, Key="h", VersionId=held) == PROTECTED  # the hold stays
    s3.put_object_legal_hold(Bucket=bucket, Key="h", VersionId=held, LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=bucket, Key="h", VersionId=held)
    assert not _exists(s3, bucket, "h", held)
