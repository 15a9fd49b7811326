"""CreateKey, DescribeKey, ListKeys, Enable/DisableKey, key deletion,
UpdateKeyDescription, GetKeyLastUsage, and KeyId in every form."""
import datetime as dt
import re

import pytest

from .conftest import error_of

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_create_key_metadata_as_aws_writes_it(kms, server):
    meta = kms.create_key(Description="test key 123")["KeyMetadata"]
    assert UUID.match(meta["KeyId"])
    assert meta["Arn"] == f"arn:aws:kms:{server.region}:{server.account_id}:key/{meta['KeyId']}"
    expected = {
        "AWSAccountId": server.account_id, "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "Description": "test key 123",
        "Enabled": True, "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT",
        "KeyState": "Enabled", "KeyUsage": "ENCRYPT_DECRYPT", "MultiRegion": False, "Origin": "AWS_KMS",
    }
    assert {k: meta[k] for k in expected} == expected
    assert re.match(r"^[0-9a-f]{64}$", meta["CurrentKeyMaterialId"])
    assert isinstance(meta["CreationDate"], dt.datetime)
    assert kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"] == meta


@pytest.mark.parametrize(
    "spec,usage,member,algorithms",
    [
        ("RSA_2048", "ENCRYPT_DECRYPT", "EncryptionAlgorithms", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]),
        ("RSA_3072", "SIGN_VERIFY", "SigningAlgorithms", [
            "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
            "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"]),
        ("ECC_NIST_P384", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_384"]),
        ("ECC_SECG_P256K1", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_256"]),
        ("ECC_NIST_P521", "KEY_AGREEMENT", "KeyAgreementAlgorithms", ["ECDH"]),
        ("HMAC_384", "GENERATE_VERIFY_MAC", "MacAlgorithms", ["HMAC_SHA_384"]),
        ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY", "SigningAlgorithms", ["ED25519_SHA_512", "ED25519_PH_SHA_512"]),
        ("ML_DSA_65", "SIGN_VERIFY", "SigningAlgorithms", ["ML_DSA_SHAKE_256"]),
    ],
)
def test_key_specs_and_their_algorithms(kms, spec, usage, member, algorithms):
    meta = kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]
    assert (meta["KeySpec"], meta["KeyUsage"], meta[member]) == (spec, usage, algorithms)
    assert "CurrentKeyMaterialId" not in meta  # only symmetric encryption keys have rotations


def test_create_key_bad_combinations(kms):
    keys_before = _all_keys(kms)
    # Pinned from AWS: non-symmetric keys need an explicit KeyUsage.
    assert error_of(kms.create_key, KeySpec="HMAC_256") == (
        "ValidationException", "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.", 400)
    assert error_of(kms.create_key, KeySpec="SYMMETRIC_DEFAULT", KeyUsage="SIGN_VERIFY")[0] == "ValidationException"
    assert error_of(kms.create_key, KeySpec="HMAC_256", KeyUsage="ENCRYPT_DECRYPT")[0] == "ValidationException"
    # secp256k1 signs; key agreement is for the NIST curves only.
    assert error_of(kms.create_key, KeySpec="ECC_SECG_P256K1", KeyUsage="KEY_AGREEMENT")[0] == "ValidationException"
    assert error_of(kms.create_key, KeySpec="SM2", KeyUsage="SIGN_VERIFY")[0] == "ValidationException"
    assert error_of(kms.create_key, KeySpec="RSA_2048", CustomerMasterKeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")[0] == "ValidationException"
    code, message, _ = error_of(kms.create_key, KeySpec="NOPE")
    assert code == "ValidationException" and "keySpec" in message
    assert error_of(kms.create_key, KeyUsage="RANDOM")[0] == "ValidationException"
    assert error_of(kms.create_key, Policy="{not json")[0] == "MalformedPolicyDocumentException"
    assert error_of(kms.create_key, Tags=[{"TagKey": "aws:reserved", "TagValue": "x"}])[0] == "TagException"
    assert error_of(kms.create_key, CustomKeyStoreId="cks-1234567890abcdef0")[0] == "CustomKeyStoreNotFoundException"
    assert _all_keys(kms) == keys_before  # nothing was created


def _all_keys(kms):
    return [k["KeyId"] for page in kms.get_paginator("list_keys").paginate() for k in page["Keys"]]


def test_key_identifiers_in_every_form(kms, key, server):
    kms.create_alias(AliasName="alias/every-form", TargetKeyId=key["KeyId"])
    alias_arn = f"arn:aws:kms:{server.region}:{server.account_id}:alias/every-form"
    for form in (key["KeyId"], key["Arn"], "alias/every-form", alias_arn):
        assert kms.describe_key(KeyId=form)["KeyMetadata"]["KeyId"] == key["KeyId"]
        assert kms.encrypt(KeyId=form, Plaintext=b"x")["KeyId"] == key["Arn"]


def test_key_identifiers_that_name_nothing(kms, key, server):
    # Pinned from AWS.
    assert error_of(kms.describe_key, KeyId="fake-key-id") == ("NotFoundException", "Invalid keyId 'fake-key-id'", 400)
    missing = "0f9b04ee-ab13-4f35-a2b2-d0902bfe6a1e"
    assert error_of(kms.describe_key, KeyId=missing) == (
        "NotFoundException", f"Key 'arn:aws:kms:{server.region}:{server.account_id}:key/{missing}' does not exist", 400)
    assert error_of(kms.describe_key, KeyId="alias/no-such") == (
        "NotFoundException", f"Alias arn:aws:kms:{server.region}:{server.account_id}:alias/no-such is not found.", 400)
    # Another region's ARN.
    other = key["Arn"].replace(server.region, "ap-southeast-1")
    assert error_of(kms.describe_key, KeyId=other) == ("NotFoundException", "Invalid arn ap-southeast-1", 400)
    # The key id alone is looked up in the caller's region.
    eu = server.client("kms", region="eu-west-1")
    assert error_of(eu.describe_key, KeyId=key["KeyId"]) == (
        "NotFoundException", f"Key 'arn:aws:kms:eu-west-1:{server.account_id}:key/{key['KeyId']}' does not exist", 400)
    assert error_of(kms.describe_key, KeyId="arn:aws:s3:::bucket")[0] == "InvalidArnException"
    # Management operations take no alias.
    kms.create_alias(AliasName="alias/no-alias-here", TargetKeyId=key["KeyId"])
    # Real CLI output for GetKeyPolicy; KMS's answer to Lambda's CreateGrant.
    refused = ("InvalidArnException", "Key Aliases are not supported for this operation.", 400)
    assert error_of(kms.disable_key, KeyId="alias/no-alias-here") == refused
    assert error_of(kms.get_key_policy, KeyId="alias/no-alias-here", PolicyName="default") == refused
    alias_arn = f"arn:aws:kms:{server.region}:{server.account_id}:alias/no-alias-here"
    assert error_of(kms.create_grant, KeyId=alias_arn, GranteePrincipal=f"arn:aws:iam::{server.account_id}:root",
                    Operations=["Decrypt"]) == refused
    # Another account's key, for an operation that is not cross-account.
    foreign = f"arn:aws:kms:{server.region}:210987654321:key/{key['KeyId']}"
    assert error_of(kms.disable_key, KeyId=foreign) == ("NotFoundException", f"Key '{foreign}' does not exist", 400)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_list_keys_pages(kms, unchecked_kms):
    made = {kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(3)}
    seen, marker = [], None
    while True:
        page = kms.list_keys(Limit=2, **({"Marker": marker} if marker else {}))
        assert len(page["Keys"]) <= 2
        seen += [k["KeyId"] for k in page["Keys"]]
        if not page["Truncated"]:
            assert "NextMarker" not in page
            break
        marker = page["NextMarker"]
    assert made <= set(seen) and len(seen) == len(set(seen))
    assert error_of(kms.list_keys, Marker="not-a-marker")[0] == "InvalidMarkerException"
    assert error_of(unchecked_kms.list_keys, Limit=0)[0] == "ValidationException"
    assert error_of(kms.list_keys, Limit=1001)[0] == "ValidationException"


def test_disable_and_enable(kms, key):
    kms.disable_key(KeyId=key["KeyId"])
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (meta["KeyState"], meta["Enabled"]) == ("Disabled", False)
    # Pinned from AWS.
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == ("DisabledException", f"{key['Arn']} is disabled.", 400)
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_schedule_and_cancel_deletion(kms, key):
    assert error_of(kms.schedule_key_deletion, KeyId=key["KeyId"], PendingWindowInDays=6)[0] == "ValidationException"
    assert error_of(kms.schedule_key_deletion, KeyId=key["KeyId"], PendingWindowInDays=31)[0] == "ValidationException"
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    out = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert (out["KeyId"], out["KeyState"], out["PendingWindowInDays"]) == (key["Arn"], "PendingDeletion", 7)
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["KeyState"] == "PendingDeletion" and meta["DeletionDate"] == out["DeletionDate"]
    assert dt.timedelta(days=6, hours=23) < out["DeletionDate"] - meta["CreationDate"] < dt.timedelta(days=7, hours=1)
    # Pinned from AWS.
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == (
        "KMSInvalidStateException", f"{key['Arn']} is pending deletion.", 400)
    assert error_of(kms.enable_key, KeyId=key["KeyId"])[0] == "KMSInvalidStateException"
    assert error_of(kms.schedule_key_deletion, KeyId=key["KeyId"])[0] == "KMSInvalidStateException"
    assert kms.cancel_key_deletion(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    # A cancelled deletion leaves the key Disabled.
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["KeyState"] == "Disabled" and "DeletionDate" not in meta
    assert error_of(kms.cancel_key_deletion, KeyId=key["KeyId"])[0] == "KMSInvalidStateException"


def test_default_deletion_window_is_30_days(kms, key):
    out = kms.schedule_key_deletion(KeyId=key["KeyId"])
    assert out["PendingWindowInDays"] == 30


def test_update_key_description(kms, key):
    kms.update_key_description(KeyId=key["KeyId"], Description="new words")
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Description"] == "new words"
    assert error_of(kms.update_key_description, KeyId="bogus", Description="x")[0] == "NotFoundException"


def test_get_key_last_usage(kms, key):
    before = kms.get_key_last_usage(KeyId=key["KeyId"])
    assert "KeyLastUsage" not in before and before["KeyCreationDate"] == key["CreationDate"]
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    usage = kms.get_key_last_usage(KeyId=key["KeyId"])["KeyLastUsage"]
    assert usage["Operation"] == "Encrypt" and usage["KmsRequestId"]


def test_aws_managed_key_created_on_first_use(kms, server):
    meta = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert (meta["KeyManager"], meta["KeyState"], meta["KeySpec"]) == ("AWS", "Enabled", "SYMMETRIC_DEFAULT")
    assert kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["KeyId"] == meta["KeyId"]  # once
    policy = kms.get_key_policy(KeyId=meta["KeyId"])["Policy"]
    assert f'"kms:ViaService" : "s3.{server.region}.amazonaws.com"' in policy
    # AWS managed keys are KMS's to change: their key policy allows no
    # principal kms:DisableKey or kms:ScheduleKeyDeletion, so the key policy
    # refuses first, as AWS answers (AccessDeniedException, resource-based).
    code, message = error_of(kms.disable_key, KeyId=meta["KeyId"])[:2]
    assert code == "AccessDeniedException"
    assert "because no resource-based policy allows the kms:DisableKey action" in message
    assert error_of(kms.schedule_key_deletion, KeyId=meta["KeyId"])[0] == "AccessDeniedException"
    assert error_of(kms.create_alias, AliasName="alias/mine", TargetKeyId=meta["KeyId"])[0] == "AccessDeniedException"
    # The alias/aws/ prefix is reserved, whatever key it would name.
    own = kms.create_key()["KeyMetadata"]["KeyId"]
    assert error_of(kms.create_alias, AliasName="alias/aws/mine", TargetKeyId=own)[0] == "NotAuthorizedException"
    assert kms.get_key_rotation_status(KeyId=meta["KeyId"])["KeyRotationEnabled"] is True
