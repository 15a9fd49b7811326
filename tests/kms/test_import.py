"""GetParametersForImport, ImportKeyMaterial (with expiry on the simulator
clock), DeleteImportedKeyMaterial."""
import datetime as dt
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding

from .conftest import error_of


def wrap(public_der: bytes, material: bytes, algorithm: str) -> bytes:
    public = serialization.load_der_public_key(public_der)
    digest = hashes.SHA1() if algorithm.endswith("SHA_1") else hashes.SHA256()
    oaep = padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)
    if algorithm.startswith("RSA_AES_KEY_WRAP"):
        aes_key = os.urandom(32)
        return public.encrypt(aes_key, oaep) + aes_key_wrap_with_padding(aes_key, material)
    return public.encrypt(material, oaep)


def import_material(kms, key_id, material, algorithm="RSAES_OAEP_SHA_256", **options):
    if "ValidTo" not in options:  # KEY_MATERIAL_EXPIRES, the model's default, would need one
        options.setdefault("ExpirationModel", "KEY_MATERIAL_DOES_NOT_EXPIRE")
    params = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm=algorithm, WrappingKeySpec="RSA_2048")
    return kms.import_key_material(
        KeyId=key_id, ImportToken=params["ImportToken"], EncryptedKeyMaterial=wrap(params["PublicKey"], material, algorithm), **options
    )


def test_import_symmetric_material(kms, server):
    key = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]
    assert (key["KeyState"], key["Enabled"], key["Origin"]) == ("PendingImport", False, "EXTERNAL")
    # Pinned from AWS.
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == ("KMSInvalidStateException", f"{key['Arn']} is pending import.", 400)
    params = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
    assert params["KeyId"] == key["Arn"]
    # Valid for 24 hours on the simulator clock (other tests may have advanced it).
    now = dt.datetime.fromisoformat(server.control("GET", "/_awsbox/clock")["now"].replace("Z", "+00:00"))
    assert dt.timedelta(hours=23) < params["ParametersValidTo"] - now <= dt.timedelta(hours=24, minutes=1)
    material = os.urandom(32)
    wrapped = wrap(params["PublicKey"], material, "RSAES_OAEP_SHA_256")
    # Pinned from AWS.
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=params["ImportToken"], EncryptedKeyMaterial=wrapped,
                    ExpirationModel="KEY_MATERIAL_EXPIRES") == (
        "ValidationException", "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES", 400)
    # Neither member: the model's default, KEY_MATERIAL_EXPIRES (localstack's AWS-validated snapshot).
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=params["ImportToken"],
                    EncryptedKeyMaterial=wrapped)[:2] == (
        "ValidationException", "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")
    forever = {"ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=b"x" * 64, EncryptedKeyMaterial=wrapped,
                    **forever)[0] == "InvalidImportTokenException"
    assert error_of(kms.import_key_material, KeyId=key["KeyId"], ImportToken=params["ImportToken"],
                    EncryptedKeyMaterial=b"\0" * 256, **forever)[0] == "InvalidCiphertextException"
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    out = kms.import_key_material(KeyId=key["KeyId"], ImportToken=params["ImportToken"], EncryptedKeyMaterial=wrapped,
                                  ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    assert out["KeyId"] == key["Arn"] and len(out["KeyMaterialId"]) == 64
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (meta["KeyState"], meta["ExpirationModel"]) == ("Enabled", "KEY_MATERIAL_DOES_NOT_EXPIRE")
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"imported")["CiphertextBlob"]
    # Deleting the material makes the key PendingImport again (pinned from AWS)...
    kms.delete_imported_key_material(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    assert error_of(kms.decrypt, CiphertextBlob=blob)[0] == "KMSInvalidStateException"
    # ...only the same material can come back, and old ciphertext decrypts again.
    assert error_of(import_material, kms, key["KeyId"], os.urandom(32))[0] == "IncorrectKeyMaterialException"
    import_material(kms, key["KeyId"], material)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"imported"


def test_imported_material_expires_on_the_simulator_clock(private_server):
    kms = private_server.client("kms")
    key = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]
    valid_to = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)
    import_material(kms, key["KeyId"], os.urandom(32), ValidTo=valid_to)
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["ExpirationModel"] == "KEY_MATERIAL_EXPIRES" and abs(meta["ValidTo"] - valid_to) < dt.timedelta(seconds=1)
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    private_server.advance_clock(3 * 86400)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")[0] == "KMSInvalidStateException"


def test_import_asymmetric_and_hmac_material(kms):
    from cryptography.hazmat.primitives.asymmetric import ec

    private = ec.generate_private_key(ec.SECP256R1())
    der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Origin="EXTERNAL")["KeyMetadata"]
    # A private key needs the AES key wrap algorithms.
    assert error_of(kms.get_parameters_for_import, KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")[0] == "ValidationException"
    wrong = ec.generate_private_key(ec.SECP384R1()).private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    assert error_of(import_material, kms, key["KeyId"], wrong, algorithm="RSA_AES_KEY_WRAP_SHA_256")[0] == "IncorrectKeyMaterialException"
    import_material(kms, key["KeyId"], der, algorithm="RSA_AES_KEY_WRAP_SHA_256")
    signature = kms.sign(KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    private.public_key().verify(signature, b"m", ec.ECDSA(hashes.SHA256()))
    import hmac as std_hmac

    secret = os.urandom(32)
    mac_key = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC", Origin="EXTERNAL")["KeyMetadata"]
    import_material(kms, mac_key["KeyId"], secret)
    mac = kms.generate_mac(KeyId=mac_key["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")["Mac"]
    assert mac == std_hmac.new(secret, b"m", "sha256").digest()


def test_import_operations_on_aws_kms_keys(kms, key):
    # Pinned from AWS.
    assert error_of(kms.get_parameters_for_import, KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048") == (
        "UnsupportedOperationException", f"{key['Arn']} origin is AWS_KMS which is not valid for this operation.", 400)
    assert error_of(kms.delete_imported_key_material, KeyId=key["KeyId"])[0] == "UnsupportedOperationException"
