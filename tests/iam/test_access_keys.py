"""Access keys live in the credentials table: they work at once, and stop
working when made inactive or deleted."""
import pytest
from botocore.exceptions import ClientError

from .conftest import error_of


def test_new_key_works_at_once(iam, server, name):
    user = name("keyed")
    created = iam.create_user(UserName=user)["User"]
    key = iam.create_access_key(UserName=user)["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA") and len(key["AccessKeyId"]) == 20
    assert key["Status"] == "Active" and len(key["SecretAccessKey"]) == 40
    sts = server.client("sts", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    identity = sts.get_caller_identity()
    assert identity["Arn"] == created["Arn"] and identity["UserId"] == created["UserId"]
    assert identity["Account"] == server.account_id
    # The account is readable from the key id itself, as in AWS.
    assert server.client("sts").get_access_key_info(AccessKeyId=key["AccessKeyId"])["Account"] == server.account_id


def test_secret_is_shown_once(iam, name):
    user = name("once")
    iam.create_user(UserName=user)
    key_id = iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
    listed = iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [key_id]
    assert "SecretAccessKey" not in listed[0]


def test_inactive_and_deleted_keys_are_rejected(iam, server, name):
    user = name("revoked")
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    sts = server.client("sts", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    sts.get_caller_identity()
    iam.update_access_key(UserName=user, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    assert iam.list_access_keys(UserName=user)["AccessKeyMetadata"][0]["Status"] == "Inactive"
    with pytest.raises(ClientError) as e:
        sts.get_caller_identity()
    assert error_of(e)[0] == "InvalidClientTokenId"
    iam.update_access_key(UserName=user, AccessKeyId=key["AccessKeyId"], Status="Active")
    sts.get_caller_identity()
    iam.delete_access_key(UserName=user, AccessKeyId=key["AccessKeyId"])
    with pytest.raises(ClientError) as e:
        sts.get_caller_identity()
    assert error_of(e)[0] == "InvalidClientTokenId"


def test_two_keys_at_most(iam, name):
    user = name("quota")
    iam.create_user(UserName=user)
    iam.create_access_key(UserName=user)
    iam.create_access_key(UserName=user)
    with pytest.raises(ClientError) as e:
        iam.create_access_key(UserName=user)
    assert error_of(e) == ("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2", 409)
    assert len(iam.list_access_keys(UserName=user)["AccessKeyMetadata"]) == 2


def test_key_errors(iam, name):
    user = name("errs")
    iam.create_user(UserName=user)
    with pytest.raises(ClientError) as e:
        iam.create_access_key(UserName="nobody-" + user)
    assert error_of(e) == ("NoSuchEntity", f"The user with name nobody-{user} cannot be found.", 404)
    with pytest.raises(ClientError) as e:
        iam.update_access_key(UserName=user, AccessKeyId="AKIAIOSFODNN7EXAMPLE", Status="Inactive")
    assert error_of(e) == ("NoSuchEntity", "The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found.", 404)
    with pytest.raises(ClientError) as e:
        iam.delete_access_key(AccessKeyId="AKIAIOSFODNN7EXAMPLE")
    assert error_of(e) == ("ValidationError", "Must specify userName when calling with non-User credentials", 400)


def test_user_manages_own_keys_without_naming_itself(iam, server, name):
    user = name("self")
    iam.create_user(UserName=user)
    iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/IAMFullAccess")
    key = iam.create_access_key(UserName=user)["AccessKey"]
    own = server.client("iam", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    assert own.get_user()["User"]["UserName"] == user
    second = own.create_access_key()["AccessKey"]
    assert second["UserName"] == user
    assert {k["AccessKeyId"] for k in own.list_access_keys()["AccessKeyMetadata"]} == {key["AccessKeyId"], second["AccessKeyId"]}


def test_last_used(iam, server, name):
    user = name("lastused")
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    unused = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
    assert unused["UserName"] == user
    assert unused["AccessKeyLastUsed"]["ServiceName"] in ("N/A", "sts")
    with pytest.raises(ClientError) as e:
        iam.get_access_key_last_used(AccessKeyId="AKIAIOSFODNN7EXAMPLE")
    code, message, status = error_of(e)
    assert (code, status) == ("AccessDenied", 403)
    assert message.endswith("is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key AKIAIOSFODNN7EXAMPLE")
