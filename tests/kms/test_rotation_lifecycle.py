"""Rotation (automatic on the simulator clock, on demand, ListKeyRotations)
and key deletion when the waiting period ends."""
import datetime as dt

from .conftest import error_of

DAY = 86400


def test_rotation_settings(kms, unchecked_kms, key):
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert status == {**status, "KeyRotationEnabled": False, "KeyId": key["Arn"]} and "NextRotationDate" not in status
    kms.enable_key_rotation(KeyId=key["KeyId"])
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"]) == (True, 365)  # AWS's default period
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["RotationPeriodInDays"] == 90
    # Pinned from the model: 90 to 2560 days.
    assert error_of(unchecked_kms.enable_key_rotation, KeyId=key["KeyId"], RotationPeriodInDays=89)[0] == "ValidationException"
    assert error_of(kms.enable_key_rotation, KeyId=key["KeyId"], RotationPeriodInDays=2561)[0] == "ValidationException"
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["RotationPeriodInDays"] == 90
    kms.disable_key_rotation(KeyId=key["KeyId"])
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is False


def test_rotation_refused_where_aws_refuses(kms, key):
    rsa = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    hmac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    # Their status is read, as Terraform reads every key's: false (AWS's
    # answer since 2026, floci-io/floci#586 and #618).
    for other in (rsa, hmac):
        status = kms.get_key_rotation_status(KeyId=other["KeyId"])
        assert (status["KeyRotationEnabled"], status["KeyId"]) == (False, other["Arn"])
        assert error_of(kms.enable_key_rotation, KeyId=other["KeyId"])[0] == "UnsupportedOperationException"
    assert error_of(kms.enable_key_rotation, KeyId=rsa["KeyId"])[0] == "UnsupportedOperationException"
    # No message; and a disabled one is refused for its state first (localstack's AWS-validated snapshot).
    assert error_of(kms.rotate_key_on_demand, KeyId=rsa["KeyId"]) == ("UnsupportedOperationException", "", 400)
    kms.disable_key(KeyId=rsa["KeyId"])
    assert error_of(kms.rotate_key_on_demand, KeyId=rsa["KeyId"]) == ("DisabledException", f"{rsa['Arn']} is disabled.",
                                                                     400)
    kms.enable_key(KeyId=rsa["KeyId"])
    assert error_of(kms.list_key_rotations, KeyId=rsa["KeyId"])[0] == "UnsupportedOperationException"
    external = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]
    assert error_of(kms.enable_key_rotation, KeyId=external["KeyId"]) == (
        "UnsupportedOperationException", f"{external['Arn']} origin is EXTERNAL which is not valid for this operation.", 400)
    kms.disable_key(KeyId=key["KeyId"])
    assert error_of(kms.enable_key_rotation, KeyId=key["KeyId"])[0] == "DisabledException"
    assert error_of(kms.rotate_key_on_demand, KeyId=key["KeyId"])[0] == "DisabledException"


def test_on_demand_rotation_keeps_old_ciphertext(kms, key):
    before = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"before")["CiphertextBlob"]
    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["KeyId"]
    rotations = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert [(r["RotationType"], r["KeyMaterialState"]) for r in rotations] == [("ON_DEMAND", "CURRENT")]
    new_material = rotations[0]["KeyMaterialId"]
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"] == new_material != key["CurrentKeyMaterialId"]
    after = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"after")["CiphertextBlob"]
    old = kms.decrypt(CiphertextBlob=before)
    assert (old["Plaintext"], old["KeyMaterialId"]) == (b"before", key["CurrentKeyMaterialId"])
    assert kms.decrypt(CiphertextBlob=after)["KeyMaterialId"] == new_material
    everything = kms.list_key_rotations(KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert [r["KeyMaterialId"] for r in everything] == [key["CurrentKeyMaterialId"], new_material]
    assert everything[0]["KeyMaterialState"] == "NON_CURRENT"


def test_automatic_rotation_and_deletion_follow_the_simulator_clock(private_server):
    kms = private_server.client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    next_rotation = kms.get_key_rotation_status(KeyId=key["KeyId"])["NextRotationDate"]
    assert dt.timedelta(days=89, hours=23) < next_rotation - key["CreationDate"] < dt.timedelta(days=90, hours=1)
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"old", EncryptionContext={"c": "1"})["CiphertextBlob"]
    private_server.advance_clock(91 * DAY)
    rotations = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["AUTOMATIC"]
    assert abs(rotations[0]["RotationDate"] - next_rotation) < dt.timedelta(seconds=1)
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["NextRotationDate"] > next_rotation
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"c": "1"})["Plaintext"] == b"old"
    # Deletion: the key stays through its window, then is gone with its ciphertexts.
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    private_server.advance_clock(6 * DAY)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"
    private_server.advance_clock(2 * DAY)
    assert error_of(kms.describe_key, KeyId=key["KeyId"])[0] == "NotFoundException"
    assert error_of(kms.decrypt, CiphertextBlob=blob, EncryptionContext={"c": "1"})[0] == "NotFoundException"
    assert key["KeyId"] not in [k["KeyId"] for k in kms.list_keys()["Keys"]]


def test_disabled_keys_do_not_rotate_until_enabled(private_server):
    kms = private_server.client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    kms.disable_key(KeyId=key["KeyId"])
    private_server.advance_clock(100 * DAY)
    assert kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"] == []
    kms.enable_key(KeyId=key["KeyId"])
    assert [r["RotationType"] for r in kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]] == ["AUTOMATIC"]
