"""Multi-Region keys: ReplicateKey, a replica decrypting the primary's
ciphertext, UpdatePrimaryRegion, deletion of a primary with replicas."""
from .conftest import error_of


def test_replicate_and_decrypt_in_another_region(kms, server):
    primary = kms.create_key(MultiRegion=True, Description="primary")["KeyMetadata"]
    assert primary["KeyId"].startswith("mrk-") and primary["MultiRegion"] is True
    assert primary["MultiRegionConfiguration"] == {
        "MultiRegionKeyType": "PRIMARY", "PrimaryKey": {"Arn": primary["Arn"], "Region": server.region}, "ReplicaKeys": []}
    blob = kms.encrypt(KeyId=primary["KeyId"], Plaintext=b"everywhere", EncryptionContext={"r": "1"})["CiphertextBlob"]
    out = kms.replicate_key(KeyId=primary["KeyId"], ReplicaRegion="eu-west-1", Description="replica",
                            Tags=[{"TagKey": "copy", "TagValue": "yes"}])
    replica_arn = primary["Arn"].replace(server.region, "eu-west-1")
    meta = out["ReplicaKeyMetadata"]
    # Pinned from AWS: the answer comes while the replica is being created.
    assert (meta["Arn"], meta["KeyState"], meta["Enabled"]) == (replica_arn, "Creating", False)
    assert meta["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    assert '"key-default-1"' in out["ReplicaPolicy"] and out["ReplicaTags"] == [{"TagKey": "copy", "TagValue": "yes"}]
    eu = server.client("kms", region="eu-west-1")
    plain = eu.decrypt(CiphertextBlob=blob, EncryptionContext={"r": "1"})
    assert (plain["Plaintext"], plain["KeyId"]) == (b"everywhere", replica_arn)
    back = kms.decrypt(CiphertextBlob=eu.encrypt(KeyId=primary["KeyId"], Plaintext=b"back")["CiphertextBlob"])
    assert back["Plaintext"] == b"back"
    described = kms.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]
    assert described["ReplicaKeys"] == [{"Arn": replica_arn, "Region": "eu-west-1"}]
    assert error_of(kms.replicate_key, KeyId=primary["KeyId"], ReplicaRegion="eu-west-1")[0] == "AlreadyExistsException"
    # Rotation of the primary reaches the replica.
    kms.rotate_key_on_demand(KeyId=primary["KeyId"])
    assert eu.decrypt(CiphertextBlob=kms.encrypt(KeyId=primary["KeyId"], Plaintext=b"new")["CiphertextBlob"])["Plaintext"] == b"new"


def test_replicate_bad_input(kms, key):
    assert error_of(kms.replicate_key, KeyId=key["KeyId"], ReplicaRegion="eu-west-2")[0] == "UnsupportedOperationException"
    primary = kms.create_key(MultiRegion=True)["KeyMetadata"]
    assert error_of(kms.replicate_key, KeyId=primary["KeyId"], ReplicaRegion="not a region")[0] == "ValidationException"
    assert error_of(kms.replicate_key, KeyId=primary["KeyId"], ReplicaRegion="eu-west-3", Policy="{nope")[0] == "MalformedPolicyDocumentException"
    assert kms.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]["ReplicaKeys"] == []


def test_update_primary_region(kms, server):
    primary = kms.create_key(MultiRegion=True)["KeyMetadata"]
    kms.replicate_key(KeyId=primary["KeyId"], ReplicaRegion="us-west-2")
    assert error_of(kms.update_primary_region, KeyId=primary["KeyId"], PrimaryRegion="ap-south-1")[0] == "NotFoundException"
    kms.update_primary_region(KeyId=primary["KeyId"], PrimaryRegion="us-west-2")
    config = kms.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]
    assert (config["MultiRegionKeyType"], config["PrimaryKey"]["Region"]) == ("REPLICA", "us-west-2")


def test_primary_with_replicas_waits_for_them(private_server):
    kms = private_server.client("kms")
    eu = private_server.client("kms", region="eu-central-1")
    primary = kms.create_key(MultiRegion=True)["KeyMetadata"]
    kms.replicate_key(KeyId=primary["KeyId"], ReplicaRegion="eu-central-1")
    out = kms.schedule_key_deletion(KeyId=primary["KeyId"], PendingWindowInDays=7)
    assert (out["KeyState"], out["PendingWindowInDays"]) == ("PendingReplicaDeletion", 7) and "DeletionDate" not in out
    meta = kms.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]
    assert (meta["KeyState"], meta["PendingDeletionWindowInDays"]) == ("PendingReplicaDeletion", 7)
    eu.schedule_key_deletion(KeyId=primary["KeyId"], PendingWindowInDays=7)
    private_server.advance_clock(8 * 86400)
    assert error_of(eu.describe_key, KeyId=primary["KeyId"])[0] == "NotFoundException"
    assert kms.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"
    private_server.advance_clock(8 * 86400)
    assert error_of(kms.describe_key, KeyId=primary["KeyId"])[0] == "NotFoundException"
