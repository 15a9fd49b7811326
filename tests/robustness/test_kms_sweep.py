"""KMS's answers to bad input, each pinned to AWS's own: the error code, the
HTTP status, the message where AWS's is known, and that a refused request
changed nothing.

Requests boto3 would refuse go through a client with parameter validation
off, or on the wire raw and signed (raw_requests.py). What AWS answers comes
from botocore's KMS model (limits, documented defaults) and answers recorded
against real KMS (see each comment). Everything runs as the root of an
account of its own on the session server.
"""
from __future__ import annotations

import json
import uuid

import botocore.exceptions
import pytest
from raw_requests import Wire, error_code, json_request


class Sweep:
    def __init__(self, server):
        account = server.create_account("kms-sweep")
        keys = (account["access_key_id"], account["secret_access_key"])
        self.account_id = account["account_id"]
        self.wire = Wire(server.endpoint, *keys)
        self.kms = server.client("kms", *keys)
        self.loose = server.client("kms", *keys, parameter_validation=False)
        self.root = f"arn:aws:iam::{self.account_id}:root"
        meta = self.kms.create_key(Description="sweep")["KeyMetadata"]
        self.key_id, self.arn = meta["KeyId"], meta["Arn"]
        self.kms.create_alias(AliasName="alias/sweep", TargetKeyId=self.key_id)
        self.kms.tag_resource(KeyId=self.key_id, Tags=[{"TagKey": "sweep", "TagValue": "1"}])
        self.kms.create_grant(KeyId=self.key_id, GranteePrincipal=self.root, Operations=["Decrypt"])

    def new_key(self, **kwargs) -> dict:
        return self.kms.create_key(**kwargs)["KeyMetadata"]

    def state(self):
        """Every key of the account with its state, description, policy, tags
        and grants; every alias."""
        kms, found = self.kms, {}
        for key in kms.list_keys(Limit=1000)["Keys"]:
            key_id = key["KeyId"]
            meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
            found[key_id] = (meta["KeyState"], meta.get("Description"), kms.get_key_policy(KeyId=key_id)["Policy"],
                             kms.list_resource_tags(KeyId=key_id)["Tags"],
                             sorted(g["GrantId"] for g in kms.list_grants(KeyId=key_id, Limit=100)["Grants"]))
        aliases = sorted((a["AliasName"], a.get("TargetKeyId")) for a in kms.list_aliases(Limit=100)["Aliases"])
        return found, aliases


@pytest.fixture(scope="module")
def sweep(server):
    return Sweep(server)


def _error(call, *args, **kwargs) -> tuple:
    """(code, message, HTTP status) of a call that must fail."""
    with pytest.raises(botocore.exceptions.ClientError) as failure:
        call(*args, **kwargs)
    response = failure.value.response
    return response["Error"]["Code"], response["Error"].get("Message", ""), response["ResponseMetadata"]["HTTPStatusCode"]


def _range_message(value, member: str, bound: str, limit: int) -> str:
    return (f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
            f"Member must have value {bound} than or equal to {limit}")


# -- numbers out of the model's ranges ---------------------------------------------------

def test_numbers_out_of_range(sweep):
    loose, key = sweep.loose, sweep.key_id
    cases = [
        (loose.generate_data_key, {"KeyId": key, "NumberOfBytes": 0}, _range_message(0, "numberOfBytes", "greater", 1)),
        (loose.generate_data_key, {"KeyId": key, "NumberOfBytes": 1025}, _range_message(1025, "numberOfBytes", "less", 1024)),
        (loose.generate_data_key_without_plaintext, {"KeyId": key, "NumberOfBytes": 0},
         _range_message(0, "numberOfBytes", "greater", 1)),
        (loose.generate_data_key_without_plaintext, {"KeyId": key, "NumberOfBytes": 1025},
         _range_message(1025, "numberOfBytes", "less", 1024)),
        (loose.schedule_key_deletion, {"KeyId": key, "PendingWindowInDays": 6},
         _range_message(6, "pendingWindowInDays", "greater", 7)),
        (loose.schedule_key_deletion, {"KeyId": key, "PendingWindowInDays": 31},
         _range_message(31, "pendingWindowInDays", "less", 30)),
        (loose.list_keys, {"Limit": 0}, _range_message(0, "limit", "greater", 1)),
        (loose.list_keys, {"Limit": 1001}, _range_message(1001, "limit", "less", 1000)),
        (loose.list_aliases, {"Limit": 0}, _range_message(0, "limit", "greater", 1)),
        (loose.list_aliases, {"Limit": 1001}, _range_message(1001, "limit", "less", 1000)),
        (loose.list_grants, {"KeyId": key, "Limit": 0}, _range_message(0, "limit", "greater", 1)),
        (loose.list_grants, {"KeyId": key, "Limit": 1001}, _range_message(1001, "limit", "less", 1000)),
    ]
    before = sweep.state()
    found = [f"{call.__name__}{kwargs}: {answer}" for call, kwargs, message in cases
             if (answer := _error(call, **kwargs)) != ("ValidationException", message, 400)]
    assert not found, "\n".join(found)
    assert sweep.state() == before


# -- wrong JSON types, raw on the wire ----------------------------------------------------

def test_wrong_json_types_are_serialization_errors(sweep):
    """A member of the wrong JSON type is AWS's SerializationException (400),
    for the lab's operations and the cryptographic ones alike."""
    key = sweep.key_id
    bodies = {
        "CreateKey": [{"KeyUsage": 5}, {"MultiRegion": "true"}, {"Tags": {"TagKey": "a"}}],
        "Encrypt": [{"KeyId": key, "Plaintext": 12345}, {"KeyId": key, "Plaintext": "eA==", "EncryptionContext": ["a"]}],
        "Decrypt": [{"CiphertextBlob": ["eA=="]}, {"CiphertextBlob": "%%%not-base64%%%"}],
        "ReEncrypt": [{"CiphertextBlob": "eA==", "DestinationKeyId": 5}],
        "GenerateDataKey": [{"KeyId": key, "NumberOfBytes": "32"}, {"KeyId": key, "NumberOfBytes": 1.5},
                            {"KeyId": key, "NumberOfBytes": True}],
        "GenerateDataKeyWithoutPlaintext": [{"KeyId": key, "KeySpec": ["AES_256"]}],
        "GenerateDataKeyPair": [{"KeyId": key, "KeyPairSpec": {"a": 1}}],
        "Sign": [{"KeyId": key, "Message": 1, "SigningAlgorithm": "ECDSA_SHA_256"}],
        "Verify": [{"KeyId": key, "Message": "bQ==", "Signature": [1], "SigningAlgorithm": "ECDSA_SHA_256"}],
        "GenerateMac": [{"KeyId": key, "Message": "bQ==", "MacAlgorithm": 256}],
        "VerifyMac": [{"KeyId": key, "Message": "bQ==", "Mac": True, "MacAlgorithm": "HMAC_SHA_256"}],
        "GetPublicKey": [{"KeyId": {"KeyId": key}}],
        "DescribeKey": [{"KeyId": [key]}, {"KeyId": key, "GrantTokens": "token"}],
        "EnableKey": [{"KeyId": 1}], "DisableKey": [{"KeyId": False}],
        "ScheduleKeyDeletion": [{"KeyId": key, "PendingWindowInDays": "7"}, {"KeyId": key, "PendingWindowInDays": True}],
        "CancelKeyDeletion": [{"KeyId": [key]}],
        "CreateAlias": [{"AliasName": ["alias/x"], "TargetKeyId": key}],
        "UpdateAlias": [{"AliasName": "alias/sweep", "TargetKeyId": 7}],
        "DeleteAlias": [{"AliasName": {"a": 1}}],
        "TagResource": [{"KeyId": key, "Tags": "sweep=2"}, {"KeyId": key, "Tags": [{"TagKey": "a", "TagValue": 2}]}],
        "UntagResource": [{"KeyId": key, "TagKeys": "sweep"}],
        "PutKeyPolicy": [{"KeyId": key, "Policy": {"Statement": []}}],
        "GetKeyPolicy": [{"KeyId": key, "PolicyName": 1}],
        "CreateGrant": [{"KeyId": key, "GranteePrincipal": sweep.root, "Operations": "Decrypt"},
                        {"KeyId": key, "GranteePrincipal": sweep.root, "Operations": ["Decrypt"], "Constraints": "x"}],
        "RetireGrant": [{"GrantToken": 5}], "RevokeGrant": [{"KeyId": key, "GrantId": ["x"]}],
        "ListKeys": [{"Limit": "10"}, {"Marker": 5}],
        "ListAliases": [{"Limit": 1.5}], "ListGrants": [{"KeyId": key, "Limit": [1]}],
    }
    raws = [json_request("kms", operation, body, label=f"{operation} {body}")
            for operation, cases in bodies.items() for body in cases]
    before = sweep.state()
    answers = sweep.wire.send_all(raws)
    found = [str(a) for a in answers if (error_code(a), a.status) != ("SerializationException", 400)]
    assert not found, "\n".join(found)
    assert sweep.state() == before


# -- key identifiers ----------------------------------------------------------------------

def test_malformed_and_foreign_key_ids(sweep):
    kms, account, arn, key = sweep.loose, sweep.account_id, sweep.arn, sweep.key_id
    other_account = arn.replace(account, "111122223333")
    other_region = arn.replace("us-east-1", "eu-west-1")
    # (value, DescribeKey's answer, DisableKey's answer): pinned forms (tests/kms/test_keys.py).
    cases = [
        ("not-a-key", ("NotFoundException", "Invalid keyId 'not-a-key'"), ("NotFoundException", "Invalid keyId 'not-a-key'")),
        (key.upper(), ("NotFoundException", f"Invalid keyId '{key.upper()}'"), None),
        ("alias/aws/no-such-service", ("NotFoundException", f"Alias arn:aws:kms:us-east-1:{account}:alias/aws/no-such-service is not found."),
         ("InvalidArnException", "Key Aliases are not supported for this operation.")),
        (other_account, ("NotFoundException", f"Key '{other_account}' does not exist"),
         ("NotFoundException", f"Key '{other_account}' does not exist")),
        (other_region, ("NotFoundException", "Invalid arn eu-west-1"), ("NotFoundException", "Invalid arn eu-west-1")),
        ("arn:aws:s3:::bucket", ("InvalidArnException", "Invalid arn arn:aws:s3:::bucket"), None),
        (f"arn:aws:kms:us-east-1::key/{key}", ("InvalidArnException", f"Invalid arn arn:aws:kms:us-east-1::key/{key}"), None),
    ]
    before = sweep.state()
    found = []
    for value, described, disabled in cases:
        if _error(kms.describe_key, KeyId=value)[:2] != described:
            found.append(f"DescribeKey {value}: {_error(kms.describe_key, KeyId=value)}")
        if disabled and _error(kms.disable_key, KeyId=value)[:2] != disabled:
            found.append(f"DisableKey {value}: {_error(kms.disable_key, KeyId=value)}")
    assert _error(kms.describe_key, KeyId="a" * 2049)[::2] == ("ValidationException", 400)
    assert not found, "\n".join(found)
    assert sweep.state() == before


def test_another_partitions_arn_names_no_local_key(sweep):
    """Only the aws partition is simulated: an aws-cn or aws-us-gov ARN with
    a local key's id must not reach that key (it used to disable it). The
    exact code AWS gives is not recorded; it is a 4xx and changes nothing."""
    before = sweep.state()
    for partition in ("aws-cn", "aws-us-gov"):
        foreign = sweep.arn.replace("arn:aws:", f"arn:{partition}:")
        for call in (sweep.kms.disable_key, sweep.kms.describe_key):
            code, _, status = _error(call, KeyId=foreign)
            assert (code, status) == ("InvalidArnException", 400)
        assert _error(sweep.kms.encrypt, KeyId=foreign, Plaintext=b"x")[::2] == ("InvalidArnException", 400)
    assert sweep.state() == before


def test_alias_names(sweep):
    loose, key, account = sweep.loose, sweep.key_id, sweep.account_id
    before = sweep.state()
    assert _error(loose.create_alias, AliasName="alias/" + "a" * 251, TargetKeyId=key)[::2] == ("ValidationException", 400)
    assert _error(loose.create_alias, AliasName="alias/bad name", TargetKeyId=key)[::2] == ("ValidationException", 400)
    for reserved in ("alias/aws/mine", "alias/aws/s3"):
        assert _error(loose.create_alias, AliasName=reserved, TargetKeyId=key) == ("NotAuthorizedException", "", 400)
    assert _error(loose.update_alias, AliasName="alias/aws/s3", TargetKeyId=key)[::2] == ("NotAuthorizedException", 400)
    assert _error(loose.delete_alias, AliasName="alias/aws/s3")[::2] == ("NotAuthorizedException", 400)
    assert _error(loose.create_alias, AliasName="alias/sweep", TargetKeyId=key) == (
        "AlreadyExistsException", f"An alias with the name arn:aws:kms:us-east-1:{account}:alias/sweep already exists", 400)
    assert _error(loose.delete_alias, AliasName="alias/missing") == (
        "NotFoundException", f"Alias arn:aws:kms:us-east-1:{account}:alias/missing is not found.", 400)
    assert _error(loose.create_alias, AliasName="alias/x", TargetKeyId=sweep.arn.replace(account, "111122223333"))[::2] == (
        "NotFoundException", 400)
    assert sweep.state() == before


# -- ciphertext ----------------------------------------------------------------------------

def test_bad_ciphertext_blobs(sweep):
    kms, key = sweep.kms, sweep.key_id
    context = {"purpose": "sweep"}
    blob = kms.encrypt(KeyId=key, Plaintext=b"secret", EncryptionContext=context)["CiphertextBlob"]
    other = sweep.new_key()
    tampered = bytearray(blob)
    tampered[-1] ^= 1
    # Pinned from AWS: a ciphertext KMS cannot open is InvalidCiphertextException with an empty message.
    for bad in (blob[:1], blob[:-1], blob + b"x", bytes(tampered)):
        assert _error(kms.decrypt, CiphertextBlob=bad, EncryptionContext=context) == ("InvalidCiphertextException", "", 400)
    for wrong_context in ({}, {"purpose": "other"}, {**context, "extra": "1"}):
        assert _error(kms.decrypt, CiphertextBlob=blob, EncryptionContext=wrong_context) == ("InvalidCiphertextException", "", 400)
    assert _error(kms.decrypt, CiphertextBlob=blob, KeyId=other["KeyId"], EncryptionContext=context) == (
        "IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.", 400)
    assert _error(kms.re_encrypt, CiphertextBlob=blob[:-1], SourceEncryptionContext=context,
                  DestinationKeyId=other["KeyId"]) == ("InvalidCiphertextException", "", 400)
    assert _error(sweep.loose.decrypt, CiphertextBlob=b"")[::2] == ("ValidationException", 400)
    assert _error(sweep.loose.decrypt, CiphertextBlob=b"x" * 6145)[::2] == ("ValidationException", 400)
    # A ciphertext naming a key that does not exist (its id rewritten).
    missing = str(uuid.uuid4())
    rewritten = blob.replace(key.encode(), missing.encode())
    assert _error(kms.decrypt, CiphertextBlob=rewritten, EncryptionContext=context) == (
        "NotFoundException", f"Key 'arn:aws:kms:us-east-1:{sweep.account_id}:key/{missing}' does not exist", 400)
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)["Plaintext"] == b"secret"


# -- key usage and key spec -------------------------------------------------------------------

def test_usage_and_spec_mismatches(sweep):
    kms = sweep.kms
    symmetric = sweep.new_key()
    hmac = sweep.new_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
    signing = sweep.new_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    rsa = sweep.new_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")

    def usage(key, operation):  # AWS's wording, pinned in tests/kms
        return ("InvalidKeyUsageException", f"{key['Arn']} key usage is {key['KeyUsage']} which is not valid for {operation}.", 400)

    def incompatible(algorithm, spec):
        return ("InvalidKeyUsageException", f"Algorithm {algorithm} is incompatible with key spec {spec}.", 400)

    cases = [
        (usage(symmetric, "Sign"), kms.sign, dict(KeyId=symmetric["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")),
        (usage(symmetric, "Verify"), kms.verify, dict(KeyId=symmetric["KeyId"], Message=b"m", Signature=b"s",
                                                      SigningAlgorithm="ECDSA_SHA_256")),
        (usage(symmetric, "GenerateMac"), kms.generate_mac, dict(KeyId=symmetric["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")),
        (usage(hmac, "Encrypt"), kms.encrypt, dict(KeyId=hmac["KeyId"], Plaintext=b"x")),
        (usage(hmac, "GenerateDataKey"), kms.generate_data_key, dict(KeyId=hmac["KeyId"], KeySpec="AES_256")),
        (usage(hmac, "GenerateDataKeyPair"), kms.generate_data_key_pair, dict(KeyId=hmac["KeyId"], KeyPairSpec="RSA_2048")),
        (usage(signing, "Encrypt"), kms.encrypt, dict(KeyId=signing["KeyId"], Plaintext=b"x")),
        (usage(signing, "GenerateMac"), kms.generate_mac, dict(KeyId=signing["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")),
        (usage(signing, "DeriveSharedSecret"), kms.derive_shared_secret, dict(KeyId=signing["KeyId"], KeyAgreementAlgorithm="ECDH",
                                                                              PublicKey=b"x")),
        (incompatible("RSASSA_PSS_SHA_256", "ECC_NIST_P256"), kms.sign,
         dict(KeyId=signing["KeyId"], Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")),
        (incompatible("HMAC_SHA_384", "HMAC_256"), kms.verify_mac,
         dict(KeyId=hmac["KeyId"], Message=b"m", Mac=b"x" * 32, MacAlgorithm="HMAC_SHA_384")),
        (incompatible("RSAES_OAEP_SHA_256", "SYMMETRIC_DEFAULT"), kms.encrypt,
         dict(KeyId=symmetric["KeyId"], Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256")),
        (incompatible("SYMMETRIC_DEFAULT", "RSA_2048"), kms.encrypt,
         dict(KeyId=rsa["KeyId"], Plaintext=b"x", EncryptionAlgorithm="SYMMETRIC_DEFAULT")),
        (("UnsupportedOperationException", f"{symmetric['Arn']} key spec is SYMMETRIC_DEFAULT which is not valid for this operation.", 400),
         kms.get_public_key, dict(KeyId=symmetric["KeyId"])),
        (("ValidationException", "Digest is invalid length for algorithm ECDSA_SHA_256.", 400), kms.sign,
         dict(KeyId=signing["KeyId"], Message=b"short", MessageType="DIGEST", SigningAlgorithm="ECDSA_SHA_256")),
        (("KMSInvalidSignatureException", "", 400), kms.verify,
         dict(KeyId=signing["KeyId"], Message=b"m", Signature=b"garbage", SigningAlgorithm="ECDSA_SHA_256")),
        (("KMSInvalidMacException", "", 400), kms.verify_mac,
         dict(KeyId=hmac["KeyId"], Message=b"m", Mac=b"x" * 5, MacAlgorithm="HMAC_SHA_256")),
    ]
    found = [f"{call.__name__}: expected {expected}, got {answer}" for expected, call, kwargs in cases
             if (answer := _error(call, **kwargs)) != expected]
    assert not found, "\n".join(found)


# -- key policies -------------------------------------------------------------------------------

INVALID_PRINCIPALS = "Policy contains a statement with one or more invalid principals."


def _policy(sweep, *extra) -> str:
    root = {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": sweep.root}, "Action": "kms:*", "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [root, *extra]})


def test_invalid_key_policies_are_refused_and_the_key_stays_usable(sweep):
    """A policy the policy engine cannot compile used to be stored, and every
    later request on the key (PutKeyPolicy to repair it included) was a 500."""
    kms, key = sweep.kms, sweep.new_key()["KeyId"]
    decrypt = {"Effect": "Allow", "Principal": {"AWS": sweep.root}, "Action": "kms:Decrypt", "Resource": "*"}
    invalid_principals = [{**decrypt, "Principal": {"AWS": "not-an-arn"}}, {**decrypt, "Principal": {"AWS": "12345"}},
                          {**decrypt, "Principal": {"Alien": "x"}}, {**decrypt, "Principal": {"AWS": "arn:aws:iam::*:root"}}]
    other_faults = [{**decrypt, "Condition": {"NoSuchOperator": {"kms:CallerAccount": "1"}}}, {**decrypt, "Bogus": 1},
                    {**decrypt, "Action": "Decrypt"}, {**decrypt, "Sid": "root"}]
    before = sweep.state()
    policy = kms.get_key_policy(KeyId=key)["Policy"]
    for statement in invalid_principals:
        # Recorded against AWS (terraform, CDK and CloudFormation users' reports).
        for call, kwargs in ((kms.put_key_policy, {"KeyId": key}), (kms.create_key, {})):
            assert _error(call, Policy=_policy(sweep, statement), **kwargs) == (
                "MalformedPolicyDocumentException", INVALID_PRINCIPALS, 400), statement
    for statement in other_faults:
        for call, kwargs in ((kms.put_key_policy, {"KeyId": key}), (kms.create_key, {})):
            assert _error(call, Policy=_policy(sweep, statement), **kwargs)[::2] == (
                "MalformedPolicyDocumentException", 400), statement
    assert kms.get_key_policy(KeyId=key)["Policy"] == policy
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Enabled"
    assert sweep.state() == before


def test_key_policy_shape_and_size(sweep):
    kms, key = sweep.kms, sweep.key_id
    before = sweep.state()
    for bad in ("{not json", "[]", '{"Version": "2012-10-17"}', '{"Statement": "x"}',
                json.dumps({"Statement": [{"Effect": "Maybe", "Principal": "*", "Action": "kms:*", "Resource": "*"}]}),
                json.dumps({"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]})):
        assert _error(kms.put_key_policy, KeyId=key, Policy=bad)[::2] == ("MalformedPolicyDocumentException", 400), bad
    # The model documents it: past the 32 KB quota, KMS returns LimitExceededException.
    too_big = _policy(sweep, {"Sid": "x" * 33000, "Effect": "Allow", "Principal": {"AWS": sweep.root},
                              "Action": "kms:Decrypt", "Resource": "*"})
    assert _error(kms.put_key_policy, KeyId=key, Policy=too_big)[::2] == ("LimitExceededException", 400)
    assert _error(sweep.loose.put_key_policy, KeyId=key, PolicyName="other", Policy=_policy(sweep)) == (
        "NotFoundException", "Policy other does not exist. The only valid policy name is default.", 400)
    assert sweep.state() == before


# -- grants ---------------------------------------------------------------------------------------

def test_grants_refused(sweep):
    loose, key = sweep.loose, sweep.key_id
    before = sweep.state()
    # A grantee or retiring principal that is no AWS principal: InvalidArnException
    # (AWS's answer as recorded by terraform's aws_kms_grant for unresolvable grantees).
    for grantee, retiring in (("not-a-principal", None), ("s3.amazonaws.com", None), (sweep.root, "nobody")):
        extra = {"RetiringPrincipal": retiring} if retiring else {}
        assert _error(loose.create_grant, KeyId=key, GranteePrincipal=grantee, Operations=["Decrypt"], **extra)[::2] == (
            "InvalidArnException", 400)
    # Recorded against AWS (boto3 1.9): a grant of CreateGrant alone.
    assert _error(loose.create_grant, KeyId=key, GranteePrincipal=sweep.root, Operations=["CreateGrant"]) == (
        "ValidationException", "Grants must not contain only the CreateGrant operation.", 400)
    assert _error(loose.create_grant, KeyId=key, GranteePrincipal=sweep.root, Operations=["Fly"])[::2] == ("ValidationException", 400)
    assert _error(loose.retire_grant, GrantToken="garbage") == ("InvalidGrantTokenException", "Invalid grant token", 400)
    assert _error(loose.revoke_grant, KeyId=key, GrantId="nope") == ("InvalidGrantIdException", "Invalid grant ID", 400)
    assert _error(loose.revoke_grant, KeyId=key, GrantId="0" * 64) == ("NotFoundException", f"Grant ID {'0' * 64} not found", 400)
    assert _error(loose.retire_grant, GrantId="0" * 64)[::2] == ("ValidationException", 400)
    assert sweep.state() == before


# -- paging ---------------------------------------------------------------------------------------

def test_markers_never_issued(sweep):
    loose, key = sweep.loose, sweep.key_id
    issued = loose.list_keys(Limit=1)["NextMarker"]
    cases = [(loose.list_keys, {}), (loose.list_aliases, {}), (loose.list_grants, {"KeyId": key}),
             (loose.list_resource_tags, {"KeyId": key}), (loose.list_key_policies, {"KeyId": key}),
             (loose.list_retirable_grants, {"RetiringPrincipal": sweep.root})]
    for call, kwargs in cases:
        for marker in ("never-issued", issued + "x", "bm9wZTpub3Bl"):
            assert _error(call, Marker=marker, **kwargs) == ("InvalidMarkerException", "Invalid marker", 400), (call, marker)
    assert loose.list_keys(Limit=1, Marker=issued)["Keys"]
    assert _error(loose.list_keys, Marker="")[::2] == ("ValidationException", 400)


def test_default_page_sizes_are_aws_documented_ones(sweep):
    """The model's documentation: ListAliases and ListGrants default to 50
    items, ListKeys to 100."""
    key = sweep.new_key()["KeyId"]
    for n in range(51):
        sweep.kms.create_alias(AliasName=f"alias/sweep-page-{n:02}", TargetKeyId=key)
        sweep.kms.create_grant(KeyId=key, GranteePrincipal=sweep.root, Operations=["Decrypt"], Name=f"g{n}")
    aliases = sweep.kms.list_aliases(KeyId=key)
    grants = sweep.kms.list_grants(KeyId=key)
    assert (len(aliases["Aliases"]), aliases["Truncated"]) == (50, True)
    assert (len(grants["Grants"]), grants["Truncated"]) == (50, True)
    rest = sweep.kms.list_aliases(KeyId=key, Marker=aliases["NextMarker"])
    assert (len(rest["Aliases"]), rest["Truncated"]) == (1, False)


# -- disabled keys and keys pending deletion ---------------------------------------------------------

def test_disabled_and_pending_deletion_keys(sweep):
    """Exact exception and message, pinned from AWS (tests/kms): a disabled
    key is DisabledException "<arn> is disabled.", a key pending deletion
    KMSInvalidStateException "<arn> is pending deletion."; nothing changes."""
    kms = sweep.kms
    disabled = sweep.new_key()
    blob = kms.encrypt(KeyId=disabled["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=disabled["KeyId"])
    pending = sweep.new_key()
    pending_blob = kms.encrypt(KeyId=pending["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    signing = sweep.new_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    for key in (pending, signing):
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    before = sweep.state()
    is_disabled = ("DisabledException", f"{disabled['Arn']} is disabled.", 400)
    for call, kwargs in ((kms.encrypt, {"Plaintext": b"x"}), (kms.generate_data_key, {"KeySpec": "AES_256"}),
                         (kms.generate_data_key_without_plaintext, {"NumberOfBytes": 16}),
                         (kms.create_grant, {"GranteePrincipal": sweep.root, "Operations": ["Decrypt"]})):
        assert _error(call, KeyId=disabled["KeyId"], **kwargs) == is_disabled, call
    assert _error(kms.decrypt, CiphertextBlob=blob) == is_disabled
    assert _error(kms.re_encrypt, CiphertextBlob=pending_blob, DestinationKeyId=disabled["KeyId"])[0] in (
        "DisabledException", "KMSInvalidStateException")
    is_pending = ("KMSInvalidStateException", f"{pending['Arn']} is pending deletion.", 400)
    root_grant = {"GranteePrincipal": sweep.root, "Operations": ["Decrypt"]}
    for call, kwargs in ((kms.encrypt, {"Plaintext": b"x"}), (kms.generate_data_key, {"KeySpec": "AES_256"}),
                         (kms.enable_key, {}), (kms.disable_key, {}), (kms.update_key_description, {"Description": "x"}),
                         (kms.tag_resource, {"Tags": [{"TagKey": "a", "TagValue": "b"}]}),
                         (kms.untag_resource, {"TagKeys": ["a"]}), (kms.schedule_key_deletion, {}),
                         (kms.put_key_policy, {"Policy": _policy(sweep)}), (kms.create_grant, root_grant),
                         (kms.enable_key_rotation, {})):
        assert _error(call, KeyId=pending["KeyId"], **kwargs) == is_pending, call
    assert _error(kms.decrypt, CiphertextBlob=pending_blob) == is_pending
    assert _error(kms.create_alias, AliasName="alias/sweep-pending", TargetKeyId=pending["KeyId"]) == is_pending
    assert _error(kms.sign, KeyId=signing["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256") == (
        "KMSInvalidStateException", f"{signing['Arn']} is pending deletion.", 400)
    assert _error(kms.cancel_key_deletion, KeyId=disabled["KeyId"]) == (
        "KMSInvalidStateException", f"{disabled['Arn']} is not pending deletion.", 400)
    assert sweep.state() == before
