"""S3 Object Lock's permissions (S3 User Guide, "Bypassing governance mode";
S3 API Reference, HeadObject/GetObject): s3:BypassGovernanceRetention is a
decision of its own, besides the operation's, for a delete or a retention
change that bypasses a GOVERNANCE retention; the lock headers of HeadObject
and GetObject show only to callers allowed s3:GetObjectRetention and
s3:GetObjectLegalHold."""
import datetime as dt
import json
import time

import pytest

from .conftest import Account, allow, error_of, policy, unique

PROTECTED = "Access Denied because object protected by object lock."
DAY = dt.timedelta(days=1)


def server_now(server) -> dt.datetime:
    # Other tests may have advanced the shared server's clock.
    return dt.datetime.fromisoformat(server.advance_clock(0).replace("Z", "+00:00"))


def locked_object(server, s3, *, legal_hold=None):
    """(bucket, key, version id, retain-until date) of a version under a GOVERNANCE retention."""
    bucket, key = unique("lock"), "doc"
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    until = (server_now(server) + 30 * DAY).replace(microsecond=0)
    extra = {"ObjectLockLegalHoldStatus": legal_hold} if legal_hold else {}
    version = s3.put_object(Bucket=bucket, Key=key, Body=b"v", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=until, **extra)["VersionId"]
    return bucket, key, version, until


def test_a_bypassing_delete_needs_bypass_governance_retention(account, server, s3):
    bucket, key, version, _ = locked_object(server, s3)
    deleter = account.user(policy(allow("s3:DeleteObjectVersion")))
    assert error_of(deleter.client("s3").delete_object, Bucket=bucket, Key=key, VersionId=version,
                    BypassGovernanceRetention=True) == ("AccessDenied", PROTECTED, 403)
    assert s3.head_object(Bucket=bucket, Key=key, VersionId=version)["VersionId"] == version

    bypasser = account.user(policy(allow(["s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"])))
    # The permission alone does not bypass: the request must ask to.
    assert error_of(bypasser.client("s3").delete_object, Bucket=bucket, Key=key,
                    VersionId=version) == ("AccessDenied", PROTECTED, 403)
    answer = bypasser.client("s3").delete_object(Bucket=bucket, Key=key, VersionId=version, BypassGovernanceRetention=True)
    assert (answer["ResponseMetadata"]["HTTPStatusCode"], answer["VersionId"]) == (204, version)
    assert error_of(s3.head_object, Bucket=bucket, Key=key, VersionId=version)[2] == 404


def test_a_bucket_policys_explicit_deny_of_the_bypass_wins(account, server, s3):
    bucket, key, version, _ = locked_object(server, s3)
    user = account.user(policy(allow(["s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"])))
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": {"AWS": user.arn}, "Action": "s3:BypassGovernanceRetention",
        "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    assert error_of(user.client("s3").delete_object, Bucket=bucket, Key=key, VersionId=version,
                    BypassGovernanceRetention=True) == ("AccessDenied", PROTECTED, 403)
    assert s3.head_object(Bucket=bucket, Key=key, VersionId=version)["VersionId"] == version
    # Without the deny, the user's own allow is enough.
    s3.delete_bucket_policy(Bucket=bucket)
    user.client("s3").delete_object(Bucket=bucket, Key=key, VersionId=version, BypassGovernanceRetention=True)
    assert error_of(s3.head_object, Bucket=bucket, Key=key, VersionId=version)[2] == 404


def test_shortening_a_governance_retention_needs_the_bypass_permission(account, server, s3):
    bucket, key, version, until = locked_object(server, s3)
    shorter = {"Mode": "GOVERNANCE", "RetainUntilDate": until - 20 * DAY}
    setter = account.user(policy(allow(["s3:PutObjectRetention", "s3:GetObjectRetention"])))
    assert error_of(setter.client("s3").put_object_retention, Bucket=bucket, Key=key, VersionId=version,
                    Retention=shorter, BypassGovernanceRetention=True) == ("AccessDenied", PROTECTED, 403)
    assert s3.get_object_retention(Bucket=bucket, Key=key, VersionId=version)["Retention"]["RetainUntilDate"] == until
    # Lengthening needs no bypass.
    setter.client("s3").put_object_retention(Bucket=bucket, Key=key, VersionId=version,
                                             Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until + DAY})

    bypasser = account.user(policy(allow(["s3:PutObjectRetention", "s3:BypassGovernanceRetention"])))
    bypasser.client("s3").put_object_retention(Bucket=bucket, Key=key, VersionId=version, Retention=shorter,
                                               BypassGovernanceRetention=True)
    assert s3.get_object_retention(Bucket=bucket, Key=key, VersionId=version)["Retention"] == shorter


def test_delete_objects_reports_each_key_the_caller_may_not_bypass(account, server, s3):
    bucket, key, version, _ = locked_object(server, s3)
    free = s3.put_object(Bucket=bucket, Key="free", Body=b"f")["VersionId"]
    user = account.user(policy(allow(["s3:DeleteObject", "s3:DeleteObjectVersion"])))
    answer = user.client("s3").delete_objects(Bucket=bucket, BypassGovernanceRetention=True, Delete={"Objects": [
        {"Key": key, "VersionId": version}, {"Key": "free", "VersionId": free}]})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert answer["Errors"] == [{"Key": key, "VersionId": version, "Code": "AccessDenied", "Message": PROTECTED}]
    assert answer["Deleted"] == [{"Key": "free", "VersionId": free}]
    assert s3.head_object(Bucket=bucket, Key=key, VersionId=version)["VersionId"] == version
    assert error_of(s3.head_object, Bucket=bucket, Key="free", VersionId=free)[2] == 404


LOCK_FIELDS = ("ObjectLockMode", "ObjectLockRetainUntilDate", "ObjectLockLegalHoldStatus")


@pytest.mark.parametrize("extra, shown", [
    ([], set()),
    (["s3:GetObjectRetention"], {"ObjectLockMode", "ObjectLockRetainUntilDate"}),
    (["s3:GetObjectLegalHold"], {"ObjectLockLegalHoldStatus"}),
    (["s3:GetObjectRetention", "s3:GetObjectLegalHold"], set(LOCK_FIELDS)),
])
def test_lock_headers_show_only_to_callers_allowed_to_read_them(account, server, s3, extra, shown):
    bucket, key, version, until = locked_object(server, s3, legal_hold="ON")
    reader = account.user(policy(allow(["s3:GetObject", "s3:GetObjectVersion", *extra]))).client("s3")
    expected = {"ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": until, "ObjectLockLegalHoldStatus": "ON"}
    for answer in (reader.head_object(Bucket=bucket, Key=key), reader.get_object(Bucket=bucket, Key=key, VersionId=version)):
        assert {f: answer[f] for f in LOCK_FIELDS if f in answer} == {f: expected[f] for f in shown}
    # The owner's root sees everything: the headers are there to hide.
    assert {f: s3.head_object(Bucket=bucket, Key=key)[f] for f in LOCK_FIELDS} == expected


def trail_event(server, user, name) -> dict:
    time.sleep(0.5)  # the trail writes a fraction of a second later
    events = server.client("cloudtrail").lookup_events(
        LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": user.arn.rsplit("/", 1)[1]}])["Events"]
    (event,) = [json.loads(e["CloudTrailEvent"]) for e in events if e["EventName"] == name]
    return event


def test_the_bypass_decision_reaches_the_event_trail(account, server, s3):
    bucket, key, version, _ = locked_object(server, s3)
    bypasser = account.user(policy(allow(["s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"])))
    bypasser.client("s3").delete_object(Bucket=bucket, Key=key, VersionId=version, BypassGovernanceRetention=True)
    decisions = {r["action"]: r for r in trail_event(server, bypasser, "DeleteObject")["awsboxAuthorization"]}
    assert set(decisions) == {"s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"}
    bypass = decisions["s3:BypassGovernanceRetention"]
    assert (bypass["decision"], bypass["resource"]) == ("allow", f"arn:aws:s3:::{bucket}/{key}")


def test_audit_mode_lets_a_bypass_through_and_records_its_denial(awsbox_server_factory):
    with awsbox_server_factory("--iam", "audit") as srv:
        account, s3 = Account(srv), srv.client("s3")
        bucket, key, version, _ = locked_object(srv, s3)
        user = account.user(policy(allow("s3:DeleteObjectVersion")))
        user.client("s3").delete_object(Bucket=bucket, Key=key, VersionId=version, BypassGovernanceRetention=True)
        assert error_of(s3.head_object, Bucket=bucket, Key=key, VersionId=version)[2] == 404
        event = trail_event(srv, user, "DeleteObject")
        assert "errorCode" not in event
        (bypass,) = [r for r in event["awsboxAuthorization"] if r["action"] == "s3:BypassGovernanceRetention"]
        assert (bypass["decision"], bypass["enforced"]) == ("implicit_deny", False)
        assert bypass["message"].startswith(f"User: {user.arn} is not authorized to perform: s3:BypassGovernanceRetention")
