"""The event trail: CloudTrail-shaped events for every call (S3's KMS calls
too), secrets redacted before storage, LookupEvents, awsbox trail."""
import base64
import datetime as dt
import json
import secrets
import sqlite3
import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from simulator.cli import main

FIELDS = ("eventTime", "eventSource", "eventName", "awsRegion", "userIdentity", "sourceIPAddress", "userAgent",
          "requestParameters", "responseElements", "requestID", "eventID", "resources", "readOnly")


def events(server, **params):
    time.sleep(0.4)  # written a fraction of a second after the call
    found = server.client("cloudtrail").get_paginator("lookup_events").paginate(**params).build_full_result()["Events"]
    return [json.loads(e["CloudTrailEvent"]) for e in found]


@pytest.fixture
def sse_kms_object(server, kms, s3):
    key = kms.create_key(Description="trail test")["KeyMetadata"]
    bucket = f"trail-{secrets.token_hex(4)}"
    s3.create_bucket(Bucket=bucket)
    body = b"trail plaintext " + secrets.token_hex(16).encode()
    s3.put_object(Bucket=bucket, Key="o.txt", Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"])
    got = s3.get_object(Bucket=bucket, Key="o.txt")
    assert got["Body"].read() == body
    return key, bucket, body, got["ResponseMetadata"]["RequestId"]


def test_get_object_and_the_kms_decrypt_made_for_it(server, sse_kms_object):
    key, bucket, _, request_id = sse_kms_object
    get = [e for e in events(server, LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "GetObject"}])
           if e["requestID"] == request_id]
    assert len(get) == 1
    get = get[0]
    for field in FIELDS:
        assert field in get, field
    assert get["eventSource"] == "s3.amazonaws.com" and get["readOnly"] is True
    assert {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/o.txt", "accountId": server.account_id} in get["resources"]
    decrypts = [e for e in events(server, LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": key["Arn"]}])
                if e["eventName"] == "Decrypt"]
    assert decrypts, "the KMS Decrypt S3 made for the GetObject is in the trail"
    decrypt = decrypts[0]
    assert decrypt["userIdentity"]["invokedBy"] == "s3.amazonaws.com"
    assert decrypt["sourceIPAddress"] == "s3.amazonaws.com" and decrypt["userAgent"] == "s3.amazonaws.com"
    assert decrypt["userIdentity"]["type"] == "Root"
    assert decrypt["requestParameters"]["encryptionContext"] == {"aws:s3:arn": f"arn:aws:s3:::{bucket}/o.txt"}
    assert decrypt["eventTime"] >= get["eventTime"][:19]


def test_no_plaintext_or_data_key_is_stored(server, kms, iam, sse_kms_object):
    _, _, body, _ = sse_kms_object
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    plaintext = b"kms plaintext " + secrets.token_hex(16).encode()
    kms.encrypt(KeyId=key_id, Plaintext=plaintext)
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")["Plaintext"]
    random = kms.generate_random(NumberOfBytes=32)["Plaintext"]
    user = f"trail-{secrets.token_hex(4)}"
    iam.create_user(UserName=user)
    secret = iam.create_access_key(UserName=user)["AccessKey"]["SecretAccessKey"]
    events(server)  # flushed
    data_dir = Path(server.data_dir)
    db = sqlite3.connect(data_dir / "state.sqlite3")
    stored = "\n".join(row[0] for row in db.execute("SELECT body FROM events")).encode()
    assert b"GenerateDataKey" in stored and b"CreateAccessKey" in stored and b"HIDDEN_DUE_TO_SECURITY_REASONS" in stored
    raw = b"".join(p.read_bytes() for p in data_dir.glob("state.sqlite3*"))
    for needle in (plaintext, body, data_key, random, secret.encode()):
        for form in (needle, base64.b64encode(needle)):
            assert form not in stored
            assert form not in raw


def test_lookup_attributes_time_range_and_paging(server, kms):
    description = f"lookup {secrets.token_hex(4)}"
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=2)
    ids = [kms.create_key(Description=description)["KeyMetadata"]["KeyId"] for _ in range(3)]
    time.sleep(0.4)
    cloudtrail = server.client("cloudtrail")
    by_name = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateKey"}],
                                       StartTime=start, MaxResults=2)
    assert len(by_name["Events"]) == 2 and "NextToken" in by_name
    assert all(e["EventName"] == "CreateKey" and e["ReadOnly"] == "false" and e["Username"] == "root" for e in by_name["Events"])
    rest = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateKey"}],
                                    StartTime=start, MaxResults=2, NextToken=by_name["NextToken"])
    seen = [e["EventId"] for e in by_name["Events"] + rest["Events"]]
    assert len(seen) == len(set(seen)) >= 3
    newest_first = [e["EventTime"] for e in by_name["Events"] + rest["Events"]]
    assert newest_first == sorted(newest_first, reverse=True)
    by_resource = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue":
                                                              f"arn:aws:kms:us-east-1:{server.account_id}:key/{ids[0]}"}])
    assert [e["EventName"] for e in by_resource["Events"]] == ["CreateKey"]
    assert by_resource["Events"][0]["Resources"][0]["ResourceType"] == "AWS::KMS::Key"
    by_key = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "AccessKeyId", "AttributeValue": "test"}], MaxResults=5)
    assert all(e["AccessKeyId"] == "test" for e in by_key["Events"])
    reads = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "true"}], MaxResults=5)
    assert reads["Events"] and all(e["ReadOnly"] == "true" for e in reads["Events"])
    future = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3650)
    assert cloudtrail.lookup_events(StartTime=future, EndTime=future + dt.timedelta(days=1))["Events"] == []


def test_lookup_errors(server):
    cloudtrail = server.client("cloudtrail")
    now = dt.datetime.now(dt.timezone.utc)
    with pytest.raises(ClientError) as caught:
        cloudtrail.lookup_events(StartTime=now, EndTime=now - dt.timedelta(hours=1))
    assert caught.value.response["Error"]["Code"] == "InvalidTimeRangeException"
    with pytest.raises(ClientError) as caught:
        cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "A"},
                                                   {"AttributeKey": "Username", "AttributeValue": "B"}])
    assert caught.value.response["Error"]["Code"] == "InvalidLookupAttributesException"
    with pytest.raises(ClientError) as caught:
        cloudtrail.lookup_events(NextToken="bm90IGEgdG9rZW4=")
    assert caught.value.response["Error"]["Code"] == "InvalidNextTokenException"
    first = cloudtrail.lookup_events(MaxResults=1)
    with pytest.raises(ClientError) as caught:  # a token pages the query it came from, no other
        cloudtrail.lookup_events(MaxResults=1, NextToken=first["NextToken"],
                                 LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateKey"}])
    assert caught.value.response["Error"]["Code"] == "InvalidNextTokenException"


def test_errors_are_recorded_with_code_and_message(server, kms):
    with pytest.raises(ClientError):
        kms.describe_key(KeyId="alias/trail-missing-key")
    found = [e for e in events(server, LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "DescribeKey"}])
             if e["requestParameters"] == {"keyId": "alias/trail-missing-key"}]
    assert found and found[0]["errorCode"] == "NotFoundException" and found[0]["errorMessage"]
    assert found[0]["responseElements"] is None


def test_awsbox_trail_prints_and_filters(server, kms, capsys):
    kms.list_keys()
    time.sleep(0.4)
    assert main(["trail", "--endpoint", server.endpoint, "--service", "kms", "--limit", "5"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out and all("kms:" in line for line in out)
    assert "root  kms:ListKeys  ok" in out[-1]
    assert main(["trail", "--endpoint", server.endpoint, "--user", "nobody-at-all"]) == 0
    assert capsys.readouterr().out == ""


def test_events_of_the_last_moments_survive_a_graceful_stop(awsbox_server_factory):
    """Workers buffer events for a fraction of a second: SIGTERM writes what
    is buffered before the worker exits, so the trail has every call."""
    server = awsbox_server_factory().start()
    kms = server.client("kms")
    ids = {kms.create_key(Description=f"last {i}")["KeyMetadata"]["Arn"] for i in range(5)}
    server.stop()  # at once: nothing waited for the writer's next turn
    server.start()
    found = events(server, LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateKey"}])
    assert {e["responseElements"]["keyMetadata"]["arn"] for e in found} == ids


def test_responses_are_recorded_for_changes_not_for_reads(server, kms, s3, sts):
    """CloudTrail keeps responseElements for actions that change something:
    a CreateKey shows the key made; a listing or a Decrypt shows none."""
    key = kms.create_key(Description="response elements")["KeyMetadata"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms.decrypt(CiphertextBlob=blob)
    bucket = f"trail-reads-{secrets.token_hex(4)}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.list_objects_v2(Bucket=bucket)
    sts.get_session_token()
    found = {}
    for resource in (key["Arn"], f"arn:aws:s3:::{bucket}"):
        found.update({e["eventName"]: e for e in events(
            server, LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": resource}])})
    found.update({e["eventName"]: e for e in events(
        server, LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "GetSessionToken"}])})
    assert found["CreateKey"]["responseElements"]["keyMetadata"]["keyId"] == key["KeyId"]
    for read in ("Encrypt", "Decrypt", "ListObjectsV2"):
        assert found[read]["readOnly"] is True and found[read]["responseElements"] is None, read
    assert found["PutObject"]["responseElements"]["eTag"]
    credentials = found["GetSessionToken"]["responseElements"]["credentials"]
    assert credentials["accessKeyId"] and credentials["secretAccessKey"] == "HIDDEN_DUE_TO_SECURITY_REASONS"
