"""The action map covers every implemented operation of every service, and
maps the operations AWS's Service Authorization Reference singles out as it
does."""
import simulator.app
from policies.actions import Scope, mapped, requirements
from simulator.registry import services


class _Names:
    def key_arn(self, value):
        return value if value.startswith("arn:") else f"arn:aws:kms:us-east-1:111122223333:key/{value}"

    def key_of_ciphertext(self, blob):
        return "arn:aws:kms:us-east-1:111122223333:key/from-ciphertext"

    def entity_arn(self, kind, name):
        return f"arn:aws:iam::111122223333:{kind}/{name}"


SCOPE = Scope("111122223333", "us-east-1", "arn:aws:iam::111122223333:user/me", _Names())


def test_every_implemented_operation_of_every_service_is_mapped():
    simulator.app._load_services()
    unmapped = {name: sorted(set(svc.handlers) - mapped(name)) for name, svc in services().items()}
    assert {name: ops for name, ops in unmapped.items() if ops} == {}


def test_every_mapped_operation_exists_in_botocores_model():
    simulator.app._load_services()
    for name, svc in services().items():
        assert mapped(name) <= set(svc.model.operation_names), name


def _actions(service, operation, params):
    return [(r.action, r.resource) for r in requirements(service, operation, params, SCOPE)]


def test_the_service_authorization_references_examples():
    assert _actions("s3", "HeadObject", {"Bucket": "b", "Key": "k"}) == [("s3:GetObject", "arn:aws:s3:::b/k")]
    assert _actions("s3", "GetObject", {"Bucket": "b", "Key": "k", "VersionId": "v"}) == [("s3:GetObjectVersion", "arn:aws:s3:::b/k")]
    listing = requirements("s3", "ListObjectsV2", {"Bucket": "b", "Prefix": "p/", "Delimiter": "/", "MaxKeys": 5}, SCOPE)
    assert [(r.action, r.resource, dict(r.context)) for r in listing] == [
        ("s3:ListBucket", "arn:aws:s3:::b", {"s3:prefix": "p/", "s3:delimiter": "/", "s3:max-keys": 5})]
    assert _actions("s3", "CopyObject", {"Bucket": "t", "Key": "k2", "CopySource": "s/k%201"}) == [
        ("s3:GetObject", "arn:aws:s3:::s/k 1"), ("s3:PutObject", "arn:aws:s3:::t/k2")]
    assert _actions("s3", "ListBuckets", {}) == [("s3:ListAllMyBuckets", "*")]
    assert _actions("s3", "HeadBucket", {"Bucket": "b"}) == [("s3:ListBucket", "arn:aws:s3:::b")]
    assert _actions("s3", "DeleteObjects", {"Bucket": "b", "Delete": {"Objects": [{"Key": "a"}, {"Key": "b", "VersionId": "1"}]}}) == [
        ("s3:DeleteObject", "arn:aws:s3:::b/a"), ("s3:DeleteObjectVersion", "arn:aws:s3:::b/b")]
    assert _actions("kms", "CreateKey", {}) == [("kms:CreateKey", "*")]
    assert _actions("kms", "Decrypt", {"CiphertextBlob": b"..."}) == [
        ("kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/from-ciphertext")]
    assert _actions("kms", "ReEncrypt", {"CiphertextBlob": b"...", "DestinationKeyId": "k2"}) == [
        ("kms:ReEncryptFrom", "arn:aws:kms:us-east-1:111122223333:key/from-ciphertext"),
        ("kms:ReEncryptTo", "arn:aws:kms:us-east-1:111122223333:key/k2")]
    assert _actions("kms", "CreateAlias", {"AliasName": "alias/a", "TargetKeyId": "k"}) == [
        ("kms:CreateAlias", "arn:aws:kms:us-east-1:111122223333:alias/a"),
        ("kms:CreateAlias", "arn:aws:kms:us-east-1:111122223333:key/k")]
    assert _actions("iam", "GetUser", {}) == [("iam:GetUser", "arn:aws:iam::111122223333:user/me")]
    assert _actions("iam", "AttachRolePolicy", {"RoleName": "r", "PolicyArn": "arn:aws:iam::aws:policy/X"}) == [
        ("iam:AttachRolePolicy", "arn:aws:iam::111122223333:role/r")]
    assert _actions("sts", "AssumeRole", {"RoleArn": "arn:aws:iam::1:role/r", "RoleSessionName": "s"}) == [
        ("sts:AssumeRole", "arn:aws:iam::1:role/r")]
    assert _actions("sts", "GetCallerIdentity", {}) == []


def test_service_condition_keys_come_from_the_request():
    (put,) = requirements("s3", "PutObject", {"Bucket": "b", "Key": "k", "ServerSideEncryption": "aws:kms",
                                              "SSEKMSKeyId": "arn:k"}, SCOPE)
    assert put.context == {"s3:x-amz-server-side-encryption": "aws:kms",
                           "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:k"}
    (decrypt,) = requirements("kms", "Decrypt", {"CiphertextBlob": b"", "KeyId": "alias/app",
                                                 "EncryptionContext": {"Dept": "x"}}, SCOPE)
    assert decrypt.context == {"kms:requestalias": "alias/app", "kms:encryptioncontext:dept": "x",
                               "kms:encryptioncontextkeys": ["Dept"]}
