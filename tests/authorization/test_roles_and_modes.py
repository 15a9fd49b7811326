"""Assumed-role sessions (role policies, session policies), the decision's
reasons in the event trail, and the --iam audit / off modes."""
import json
import time

from .conftest import Account, allow, assume, error_of, policy, unique


def test_a_role_session_acts_with_the_roles_policies(account, s3):
    bucket = unique("authz")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    caller = account.user(policy(allow("sts:AssumeRole")))
    role = account.role({"AWS": f"arn:aws:iam::{account.id}:root"}, policy(allow("s3:GetObject", f"arn:aws:s3:::{bucket}/*")))
    session = assume(caller, role)
    assert session.client("sts").get_caller_identity()["Arn"] == session.arn
    assert session.client("s3").get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
    code, message, _ = error_of(session.client("s3").delete_object, Bucket=bucket, Key="k")
    assert code == "AccessDenied"
    assert message.startswith(f"User: {session.arn} is not authorized to perform: s3:DeleteObject")
    # The user itself has no S3 permission: only the role does.
    assert error_of(caller.client("s3").get_object, Bucket=bucket, Key="k")[0] == "AccessDenied"


def test_a_session_policy_limits_the_role(account, s3):
    # IAM User Guide, "Session policies": the session gets the intersection.
    bucket = unique("authz")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    caller = account.user(policy(allow("sts:AssumeRole")))
    role = account.role({"AWS": caller.arn}, policy(allow("s3:*")))
    session = assume(caller, role, Policy=policy(allow("s3:ListBucket")))
    session.client("s3").list_objects_v2(Bucket=bucket)
    code, message, _ = error_of(session.client("s3").get_object, Bucket=bucket, Key="k")
    assert code == "AccessDenied"
    assert message.endswith("because no session policy allows the s3:GetObject action")


def test_decisions_and_their_reasons_reach_the_event_trail(account, server):
    nobody = account.user()
    error_of(nobody.client("kms").list_keys)
    time.sleep(0.5)  # the trail writes a fraction of a second later
    events = server.client("cloudtrail").lookup_events(
        LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": nobody.arn.rsplit("/", 1)[1]}])["Events"]
    (event,) = [json.loads(e["CloudTrailEvent"]) for e in events if e["EventName"] == "ListKeys"]
    assert event["errorCode"] == "AccessDeniedException"
    (reasons,) = event["awsboxAuthorization"]
    assert reasons["action"] == "kms:ListKeys"
    assert reasons["decision"] == "implicit_deny" and reasons["enforced"] is True
    assert reasons["message"] == event["errorMessage"]


def test_audit_mode_allows_but_records_the_would_be_denial(awsbox_server_factory):
    with awsbox_server_factory("--iam", "audit") as srv:
        account = Account(srv)
        nobody = account.user()
        nobody.client("s3").list_buckets()  # allowed: audit only records
        time.sleep(0.5)
        events = srv.client("cloudtrail").lookup_events(
            LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "ListBuckets"}])["Events"]
        (event,) = [json.loads(e["CloudTrailEvent"]) for e in events]
        assert "errorCode" not in event
        (reasons,) = event["awsboxAuthorization"]
        assert reasons["decision"] == "implicit_deny" and reasons["enforced"] is False
        assert reasons["message"].startswith(f"User: {nobody.arn} is not authorized to perform: s3:ListAllMyBuckets")


def test_off_mode_checks_nothing(awsbox_server_factory):
    with awsbox_server_factory("--iam", "off") as srv:
        nobody = Account(srv).user()
        nobody.client("s3").list_buckets()
        nobody.client("kms").create_key()
