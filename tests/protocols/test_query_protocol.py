"""The query protocol (IAM, STS) against botocore's serializer and parser."""
import datetime as dt

import pytest
from lxml import etree

from simulator.protocols import protocol_for

UTC = dt.timezone.utc


def test_create_user_round_trip(protocol_send):
    params = {"UserName": "alice", "Path": "/team/",
              "Tags": [{"Key": "dept", "Value": "ops"}, {"Key": "ünï", "Value": "a b+c=d/e:f@g"}]}
    sent = protocol_send("iam", "CreateUser", params)
    assert sent.operation() == "CreateUser"
    assert sent.parse() == params


def test_put_user_policy_document_survives(protocol_send):
    document = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*",'
                '"Condition":{"StringLike":{"kms:ViaService":"s3.*&x=y+z%20"}}}]}')
    params = {"UserName": "alice", "PolicyName": "kms-all", "PolicyDocument": document}
    sent = protocol_send("iam", "PutUserPolicy", params)
    assert sent.operation() == "PutUserPolicy"
    assert sent.parse() == params


def test_list_users_integers_and_action_in_query_string(protocol_send):
    sent = protocol_send("iam", "ListUsers", {"MaxItems": 5, "PathPrefix": "/"})
    assert sent.parse() == {"MaxItems": 5, "PathPrefix": "/"}
    get = protocol_send("iam", "ListUsers", {}, method="GET", body=b"", query="Action=ListUsers&Version=2010-05-08"
                        "&MaxItems=7")
    assert get.operation() == "ListUsers"
    assert get.parse() == {"MaxItems": 7}


def test_assume_role_round_trip(protocol_send):
    params = {"RoleArn": "arn:aws:iam::111122223333:role/lab", "RoleSessionName": "s1", "DurationSeconds": 900,
              "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
              "Tags": [{"Key": "project", "Value": "x"}], "TransitiveTagKeys": ["project"]}
    sent = protocol_send("sts", "AssumeRole", params)
    assert sent.operation() == "AssumeRole"
    assert sent.parse() == params


def test_empty_list(protocol_send):
    sent = protocol_send("iam", "UntagUser", {"UserName": "alice", "TagKeys": []})
    assert sent.parse() == {"UserName": "alice", "TagKeys": []}


def test_unknown_action(protocol_send, services):
    sent = protocol_send("iam", "ListUsers", {}, body=b"Action=FlyToTheMoon&Version=2010-05-08")
    with pytest.raises(services["iam"].unknown_operation) as caught:
        sent.operation()
    assert caught.value.message == "Could not find operation FlyToTheMoon for version 2010-05-08"


def test_serialize_list_users(services, protocol_read_back):
    created = dt.datetime(2024, 3, 4, 5, 6, 7, tzinfo=UTC)
    output = {"Users": [{"Path": "/", "UserName": "alice", "UserId": "AIDAEXAMPLE", "Arn": "arn:aws:iam::1:user/alice",
                         "CreateDate": created, "Tags": [{"Key": "k", "Value": "v"}]}],
              "IsTruncated": False}
    response = protocol_for(services["iam"]).serialize(services["iam"], "ListUsers", output, "req-7")
    assert response.headers["x-amzn-RequestId"] == "req-7"
    parsed, body = protocol_read_back("iam", "ListUsers", response)
    assert parsed == output
    root = etree.fromstring(body)
    assert root.tag == "{https://iam.amazonaws.com/doc/2010-05-08/}ListUsersResponse"
    assert root.findtext("{*}ResponseMetadata/{*}RequestId") == "req-7"
    assert b"<member>" in body and b"2024-03-04T05:06:07.000Z" in body


def test_serialize_output_without_shape(services):
    response = protocol_for(services["iam"]).serialize(services["iam"], "DeleteUser", {}, "req-8")
    root = etree.fromstring(response.get_data())
    assert [etree.QName(child).localname for child in root] == ["ResponseMetadata"]


def test_serialize_assume_role(services, protocol_read_back):
    expires = dt.datetime(2030, 1, 1, tzinfo=UTC)
    output = {"Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "s", "SessionToken": "t",
                              "Expiration": expires},
              "AssumedRoleUser": {"AssumedRoleId": "AROA:s1", "Arn": "arn:aws:sts::1:assumed-role/lab/s1"},
              "PackedPolicySize": 6}
    response = protocol_for(services["sts"]).serialize(services["sts"], "AssumeRole", output, "r")
    assert protocol_read_back("sts", "AssumeRole", response)[0] == output


def test_serialize_error(services, protocol_read_back):
    error = services["iam"].validation_error("nope")
    response = protocol_for(services["iam"]).serialize_error(services["iam"], error, "req-3")
    assert response.status_code == 400
    parsed, body = protocol_read_back("iam", "CreateUser", response)
    assert parsed["Error"] == {"Type": "Sender", "Code": "ValidationError", "Message": "nope"}
    assert etree.fromstring(body).findtext("{*}RequestId") == "req-3"


def _message(protocol_send, services, operation, params):
    with pytest.raises(services["iam"].validation_error) as caught:
        protocol_send("iam", operation, params).parse()
    return caught.value.message


def test_validation_messages(protocol_send, services):
    assert _message(protocol_send, services, "CreateUser", {"UserName": "bad!name"}) == (
        "1 validation error detected: Value 'bad!name' at 'userName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w+=,.@-]+")
    assert _message(protocol_send, services, "CreateUser", {"UserName": ""}) == (
        "2 validation errors detected: "
        "Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1; "
        "Value '' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: "
        "[\\w+=,.@-]+")
    assert _message(protocol_send, services, "CreateUser", {}) == (
        "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null")


def test_unicode_class_patterns(protocol_send, services):
    # IAM tag keys use Java's \p{L}\p{Z}\p{N}: letters of any script pass.
    ok = {"UserName": "alice", "Tags": [{"Key": "Ünïcødé 標籤 ٣", "Value": "ok"}]}
    assert protocol_send("iam", "TagUser", ok).parse() == ok
    # User names use Java's \w, which is ASCII: "é" and "٣" are refused.
    for name in ("é", "user٣"):
        message = _message(protocol_send, services, "TagUser", {"UserName": name, "Tags": [{"Key": "k", "Value": "v"}]})
        assert message.startswith(f"1 validation error detected: Value '{name}' at 'userName'"), message
    message = _message(protocol_send, services, "TagUser", {"UserName": "alice", "Tags": [{"Key": "a#b", "Value": "v"}]})
    assert message.startswith("1 validation error detected: Value 'a#b' at 'tags.1.member.key' failed to satisfy "
                              "constraint: Member must satisfy regular expression pattern: [\\p{L}")


def test_bad_scalars_and_encoding(protocol_send, services):
    with pytest.raises(services["iam"].malformed_body):
        protocol_send("iam", "ListUsers", {}, body=b"Action=ListUsers&Version=2010-05-08&MaxItems=ten").parse()
    for text in (b"1_0", b"%205", b"5%20"):  # Python's int() takes these; AWS does not
        with pytest.raises(services["iam"].malformed_body):
            protocol_send("iam", "ListUsers", {}, body=b"Action=ListUsers&Version=2010-05-08&MaxItems=" + text).parse()
    with pytest.raises(services["iam"].malformed_body):
        protocol_send("iam", "ListUsers", {}, body=b"Action=ListUsers&PathPrefix=%FF").parse()


def test_action_found_after_the_body_was_read(protocol_send):
    # The dispatcher reads the body (to verify the signature) before asking
    # for the operation.
    sent = protocol_send("sts", "GetCallerIdentity", {})
    assert sent.request.get_data() == sent.body
    assert sent.operation() == "GetCallerIdentity"
    assert sent.parse() == {}
