"""Storage classes: archived objects need a restore, which completes on the
simulator clock; lifecycle rules transition and expire objects as the clock
moves."""
import pytest

from .conftest import error_body, error_of, unique

HOUR = 3600
DAY = 86400


@pytest.fixture
def clocked(private_server):
    """A client on a server of this test's own (it moves the clock)."""
    s3 = private_server.client("s3")
    name = unique()
    s3.create_bucket(Bucket=name)
    return private_server, s3, name


def test_glacier_restore_on_the_clock(clocked):
    server, s3, bucket = clocked
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass="GLACIER")
    assert s3.head_object(Bucket=bucket, Key="cold")["StorageClass"] == "GLACIER"
    error = error_body(s3.get_object, Bucket=bucket, Key="cold")
    assert (error["Code"], error["StorageClass"]) == ("InvalidObjectState", "GLACIER")
    assert error_of(s3.get_object, Bucket=bucket, Key="cold")[2] == 403
    started = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Standard"}})
    assert started["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert s3.head_object(Bucket=bucket, Key="cold")["Restore"] == 'ongoing-request="true"'
    assert error_of(s3.restore_object, Bucket=bucket, Key="cold", RestoreRequest={"Days": 1})[0] == \
        "RestoreAlreadyInProgress"
    server.advance_clock(4 * HOUR)
    assert error_of(s3.get_object, Bucket=bucket, Key="cold")[0] == "InvalidObjectState"
    server.advance_clock(2 * HOUR)
    head = s3.head_object(Bucket=bucket, Key="cold")
    assert head["Restore"].startswith('ongoing-request="false", expiry-date="')
    assert s3.get_object(Bucket=bucket, Key="cold")["Body"].read() == b"frozen"
    extended = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 2})
    assert extended["ResponseMetadata"]["HTTPStatusCode"] == 200  # an available copy: expiry moved
    listed = s3.list_objects_v2(Bucket=bucket, OptionalObjectAttributes=["RestoreStatus"])["Contents"][0]
    assert listed["StorageClass"] == "GLACIER"
    server.advance_clock(3 * DAY)  # the restored copy expired
    assert error_of(s3.get_object, Bucket=bucket, Key="cold")[0] == "InvalidObjectState"
    assert "Restore" not in s3.head_object(Bucket=bucket, Key="cold")


def test_restore_rules(s3, bucket):
    s3.put_object(Bucket=bucket, Key="warm", Body=b"x")
    assert error_of(s3.restore_object, Bucket=bucket, Key="warm", RestoreRequest={"Days": 1})[0] == \
        "InvalidObjectState"
    s3.put_object(Bucket=bucket, Key="deep", Body=b"x", StorageClass="DEEP_ARCHIVE")
    assert error_of(s3.restore_object, Bucket=bucket, Key="deep", RestoreRequest={
        "Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})[0] == "InvalidArgument"
    assert error_of(s3.copy_object, Bucket=bucket, Key="copy", CopySource=f"{bucket}/deep")[0] == \
        "InvalidObjectState"


def test_lifecycle_transitions_and_expirations(clocked):
    server, s3, bucket = clocked
    s3.put_object(Bucket=bucket, Key="logs/big", Body=b"x" * (200 * 1024))
    s3.put_object(Bucket=bucket, Key="logs/small", Body=b"x")
    s3.put_object(Bucket=bucket, Key="keep/me", Body=b"x" * (200 * 1024))
    rules = [{"ID": "age-out", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
              "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER"}],
              "Expiration": {"Days": 365}}]
    put = s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    assert put["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]["ID"] == "age-out"
    server.advance_clock(31 * DAY)
    classes = {o["Key"]: o["StorageClass"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    # Objects under 128 KB do not transition by default, as in AWS.
    assert classes == {"logs/big": "STANDARD_IA", "logs/small": "STANDARD", "keep/me": "STANDARD"}
    server.advance_clock(60 * DAY)
    assert s3.head_object(Bucket=bucket, Key="logs/big")["StorageClass"] == "GLACIER"
    server.advance_clock(300 * DAY)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["keep/me"]
    s3.delete_bucket_lifecycle(Bucket=bucket)
    assert error_of(s3.get_bucket_lifecycle_configuration, Bucket=bucket)[0] == "NoSuchLifecycleConfiguration"


def test_lifecycle_validation(s3, bucket):
    def rules(*given):
        return {"Rules": list(given)}

    early = {"Filter": {"Prefix": ""}, "Status": "Enabled", "Transitions": [{"Days": 10, "StorageClass": "STANDARD_IA"}]}
    code, message, _ = error_of(s3.put_bucket_lifecycle_configuration, Bucket=bucket,
                                LifecycleConfiguration=rules(early))
    assert code == "InvalidArgument" and "greater than or equal to 30" in message
    nothing = {"Filter": {"Prefix": ""}, "Status": "Enabled"}
    assert error_of(s3.put_bucket_lifecycle_configuration, Bucket=bucket,
                    LifecycleConfiguration=rules(nothing))[0] == "InvalidRequest"
    same = {"ID": "a", "Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"Days": 1}}
    assert error_of(s3.put_bucket_lifecycle_configuration, Bucket=bucket,
                    LifecycleConfiguration=rules(same, same))[0] == "InvalidArgument"
