"""The JSON protocol (KMS, CloudTrail) against botocore's serializer and parser."""
import datetime as dt
import json

import pytest

from simulator.protocols import protocol_for

UTC = dt.timezone.utc


def test_create_key_round_trip(protocol_send):
    params = {"Description": "lab key", "KeyUsage": "ENCRYPT_DECRYPT", "KeySpec": "SYMMETRIC_DEFAULT",
              "Tags": [{"TagKey": "team", "TagValue": "blue"}], "MultiRegion": False,
              "BypassPolicyLockoutSafetyCheck": True}
    sent = protocol_send("kms", "CreateKey", params)
    assert sent.operation() == "CreateKey"
    assert sent.parse() == params


def test_encrypt_blobs_and_maps_round_trip(protocol_send):
    params = {"KeyId": "alias/lab", "Plaintext": b"\x00secret\xff", "EncryptionContext": {"purpose": "test"}}
    sent = protocol_send("kms", "Encrypt", params)
    assert sent.operation() == "Encrypt"
    assert sent.parse() == params


def test_list_keys_and_empty_body(protocol_send):
    assert protocol_send("kms", "ListKeys", {"Limit": 10, "Marker": "abc"}).parse() == {"Limit": 10, "Marker": "abc"}
    assert protocol_send("kms", "ListKeys", {}, body=b"").parse() == {}


def test_cloudtrail_target_and_timestamps(protocol_send):
    start = dt.datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    sent = protocol_send("cloudtrail", "LookupEvents", {"StartTime": start, "MaxResults": 5})
    assert sent.operation() == "LookupEvents"
    assert sent.parse() == {"StartTime": start, "MaxResults": 5}


@pytest.mark.parametrize("target", ["TrentService.NoSuchThing", "Other.CreateKey", "", "CreateKey"])
def test_unknown_target(protocol_send, services, target):
    sent = protocol_send("kms", "ListKeys", {}, headers={"X-Amz-Target": target})
    with pytest.raises(services["kms"].unknown_operation):
        sent.operation()


def test_serialize_create_key_output(services, protocol_read_back):
    created = dt.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    output = {"KeyMetadata": {"KeyId": "1234abcd", "Arn": "arn:aws:kms:us-east-1:111122223333:key/1234abcd",
                              "CreationDate": created, "Enabled": True, "KeyState": "Enabled",
                              "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "MultiRegion": False,
                              "Description": None}}
    response = protocol_for(services["kms"]).serialize(services["kms"], "CreateKey", output, "req-1")
    assert response.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert response.headers["x-amzn-RequestId"] == "req-1"
    parsed, body = protocol_read_back("kms", "CreateKey", response)
    del output["KeyMetadata"]["Description"]
    assert parsed == output
    assert b"Description" not in body


def test_serialize_blob_output(services, protocol_read_back):
    output = {"CiphertextBlob": b"\x01\x02\xfe", "KeyId": "arn:k", "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}
    response = protocol_for(services["kms"]).serialize(services["kms"], "Encrypt", output, "r")
    assert protocol_read_back("kms", "Encrypt", response)[0] == output


def test_serialize_error(services, protocol_read_back):
    error = services["kms"].validation_error("bad things", headers={"x-extra": "1"})
    response = protocol_for(services["kms"]).serialize_error(services["kms"], error, "req-9")
    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "ValidationException"
    assert response.headers["x-extra"] == "1"
    assert json.loads(response.get_data()) == {"__type": "ValidationException", "message": "bad things"}
    parsed, _ = protocol_read_back("kms", "Encrypt", response)
    assert parsed["Error"] == {"Code": "ValidationException", "Message": "bad things"}


def _validation_message(protocol_send, services, operation, params, body=None):
    sent = protocol_send("kms", operation, params, body=body)
    with pytest.raises(services["kms"].validation_error) as caught:
        sent.parse()
    return caught.value.message


def test_enum_violation(protocol_send, services):
    enum = services["kms"].model.shape_for("KeySpec").enum
    message = _validation_message(protocol_send, services, "CreateKey", {"KeySpec": "FOO"})
    assert message == ("1 validation error detected: Value 'FOO' at 'keySpec' failed to satisfy constraint: "
                       f"Member must satisfy enum value set: [{', '.join(enum)}]")


def test_missing_required_members(protocol_send, services):
    message = _validation_message(protocol_send, services, "Encrypt", {}, body=b"{}")
    assert message == ("2 validation errors detected: "
                       "Value null at 'keyId' failed to satisfy constraint: Member must not be null; "
                       "Value null at 'plaintext' failed to satisfy constraint: Member must not be null")


def test_sensitive_value_not_shown(protocol_send, services):
    message = _validation_message(protocol_send, services, "Encrypt", {"KeyId": "k", "Plaintext": b"x" * 4097})
    assert message == ("1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
                       "Member must have length less than or equal to 4096")


def test_range_and_nested_paths(protocol_send, services):
    assert _validation_message(protocol_send, services, "ListKeys", {"Limit": 0}) == (
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1")
    message = _validation_message(protocol_send, services, "CreateKey",
                                  {"Tags": [{"TagKey": "ok", "TagValue": "v"}, {"TagKey": "", "TagValue": "v"}]})
    assert message == ("1 validation error detected: Value '' at 'tags.2.member.tagKey' failed to satisfy "
                       "constraint: Member must have length greater than or equal to 1")


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe{}", b"[1, 2]", b'{"Limit": "ten"}',
                                  b'{"Limit": true}', b'{"Marker": {"a": 1}}'])
def test_malformed_bodies(protocol_send, services, body):
    sent = protocol_send("kms", "ListKeys", {}, body=body)
    with pytest.raises(services["kms"].malformed_body):
        sent.parse()


def test_bad_base64_blob(protocol_send, services):
    sent = protocol_send("kms", "Decrypt", {}, body=b'{"CiphertextBlob": "!!not base64!!"}')
    with pytest.raises(services["kms"].malformed_body):
        sent.parse()
