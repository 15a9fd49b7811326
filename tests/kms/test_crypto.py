"""Encrypt, Decrypt, ReEncrypt, data keys and GenerateRandom with symmetric keys."""
import pytest

from .conftest import error_of


def test_encrypt_decrypt_round_trip_with_context(kms, key):
    context = {"purpose": "test", "zeta": "last", "alpha": "first"}
    out = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret words", EncryptionContext=context)
    assert (out["KeyId"], out["EncryptionAlgorithm"]) == (key["Arn"], "SYMMETRIC_DEFAULT")
    assert b"secret words" not in out["CiphertextBlob"]
    # Decrypt needs no KeyId: the blob names its key; member order is irrelevant.
    plain = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext=dict(reversed(list(context.items()))))
    assert (plain["Plaintext"], plain["KeyId"], plain["EncryptionAlgorithm"]) == (b"secret words", key["Arn"], "SYMMETRIC_DEFAULT")
    assert plain["KeyMaterialId"] == key["CurrentKeyMaterialId"]
    # Pinned from AWS: a missing or different context is InvalidCiphertextException with an empty message.
    assert error_of(kms.decrypt, CiphertextBlob=out["CiphertextBlob"]) == ("InvalidCiphertextException", "", 400)
    assert error_of(kms.decrypt, CiphertextBlob=out["CiphertextBlob"], EncryptionContext={**context, "purpose": "other"})[0] == "InvalidCiphertextException"


def test_ciphertext_is_different_each_time(kms, key):
    one = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"same")["CiphertextBlob"]
    two = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"same")["CiphertextBlob"]
    assert one != two


def test_tampered_ciphertext(kms, key):
    blob = bytearray(kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"])
    for position in (0, 20, len(blob) - 1):
        changed = bytearray(blob)
        changed[position] ^= 1
        code = error_of(kms.decrypt, CiphertextBlob=bytes(changed))[0]
        assert code in ("InvalidCiphertextException", "NotFoundException")
    assert error_of(kms.decrypt, CiphertextBlob=b"not a kms blob")[0] == "InvalidCiphertextException"


def test_decrypt_with_the_wrong_key_id(kms, key):
    other = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    # Pinned from AWS.
    assert error_of(kms.decrypt, CiphertextBlob=blob, KeyId=other["KeyId"]) == (
        "IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.", 400)
    assert kms.decrypt(CiphertextBlob=blob, KeyId=key["Arn"])["Plaintext"] == b"x"
    # An HMAC key named for a symmetric ciphertext is the wrong key too, not
    # a wrong key usage (localstack's AWS-validated test_error_messaging_for_invalid_keys).
    hmac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    assert error_of(kms.decrypt, CiphertextBlob=blob, KeyId=hmac["KeyId"]) == (
        "IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.", 400)


def test_plaintext_limit_is_4096_bytes(kms, key):
    assert kms.decrypt(CiphertextBlob=kms.encrypt(KeyId=key["KeyId"], Plaintext=b"a" * 4096)["CiphertextBlob"])["Plaintext"] == b"a" * 4096
    # Pinned from AWS.
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"a" * 4097) == (
        "ValidationException",
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
        400,
    )


def test_encrypt_bad_input(kms, key):
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256") == (
        "InvalidKeyUsageException", "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.", 400)
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x", EncryptionAlgorithm="NOPE")[0] == "ValidationException"
    assert error_of(kms.encrypt, KeyId="alias/missing", Plaintext=b"x")[0] == "NotFoundException"
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x", GrantTokens=["garbage"])[0] == "InvalidGrantTokenException"
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    # Pinned from AWS.
    assert error_of(kms.encrypt, KeyId=signing["KeyId"], Plaintext=b"x") == (
        "InvalidKeyUsageException", f"{signing['Arn']} key usage is SIGN_VERIFY which is not valid for Encrypt.", 400)


def test_dry_run(kms, key):
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x", DryRun=True) == (
        "DryRunOperationException", "The request would have succeeded, but the DryRun option is set.", 412)


def test_re_encrypt_between_keys_and_contexts(kms, key):
    other = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"move me", EncryptionContext={"a": "1"})["CiphertextBlob"]
    out = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"a": "1"}, DestinationKeyId=other["KeyId"],
                         DestinationEncryptionContext={"b": "2"})
    assert (out["SourceKeyId"], out["KeyId"]) == (key["Arn"], other["Arn"])
    assert (out["SourceEncryptionAlgorithm"], out["DestinationEncryptionAlgorithm"]) == ("SYMMETRIC_DEFAULT", "SYMMETRIC_DEFAULT")
    assert out["DestinationKeyMaterialId"] == other["CurrentKeyMaterialId"]
    assert kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"b": "2"})["Plaintext"] == b"move me"
    assert error_of(kms.re_encrypt, CiphertextBlob=blob, DestinationKeyId=other["KeyId"])[0] == "InvalidCiphertextException"
    assert error_of(kms.re_encrypt, CiphertextBlob=blob, SourceKeyId=other["KeyId"], SourceEncryptionContext={"a": "1"},
                    DestinationKeyId=other["KeyId"])[0] == "IncorrectKeyException"


@pytest.mark.parametrize("spec,size", [("AES_256", 32), ("AES_128", 16)])
def test_generate_data_key(kms, key, spec, size):
    out = kms.generate_data_key(KeyId=key["KeyId"], KeySpec=spec, EncryptionContext={"k": "v"})
    assert len(out["Plaintext"]) == size and out["KeyId"] == key["Arn"]
    assert kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"k": "v"})["Plaintext"] == out["Plaintext"]
    # Pinned from AWS: the context is bound to the data key's ciphertext.
    assert error_of(kms.decrypt, CiphertextBlob=out["CiphertextBlob"])[0] == "InvalidCiphertextException"


def test_generate_data_key_sizes_and_bad_input(kms, unchecked_kms, key):
    assert len(kms.generate_data_key(KeyId=key["KeyId"], NumberOfBytes=1)["Plaintext"]) == 1
    assert len(kms.generate_data_key(KeyId=key["KeyId"], NumberOfBytes=1024)["Plaintext"]) == 1024
    assert error_of(kms.generate_data_key, KeyId=key["KeyId"], NumberOfBytes=1025)[0] == "ValidationException"
    assert error_of(unchecked_kms.generate_data_key, KeyId=key["KeyId"], NumberOfBytes=0)[0] == "ValidationException"
    assert error_of(kms.generate_data_key, KeyId=key["KeyId"]) == ("ValidationException", "Please specify either number of bytes or key spec.", 400)
    assert error_of(kms.generate_data_key, KeyId=key["KeyId"], KeySpec="AES_256", NumberOfBytes=32)[0] == "ValidationException"
    assert error_of(kms.generate_data_key, KeyId=key["KeyId"], KeySpec="AES_512")[0] == "ValidationException"
    rsa = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    assert error_of(kms.generate_data_key, KeyId=rsa["KeyId"], KeySpec="AES_256")[0] == "InvalidKeyUsageException"


def test_generate_data_key_without_plaintext(kms, key):
    out = kms.generate_data_key_without_plaintext(KeyId=key["KeyId"], KeySpec="AES_256")
    assert "Plaintext" not in out
    assert len(kms.decrypt(CiphertextBlob=out["CiphertextBlob"])["Plaintext"]) == 32


@pytest.mark.parametrize("pair_spec", ["RSA_2048", "RSA_4096", "ECC_NIST_P256", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519"])
def test_generate_data_key_pair(kms, key, pair_spec):
    from cryptography.hazmat.primitives import serialization

    out = kms.generate_data_key_pair(KeyId=key["KeyId"], KeyPairSpec=pair_spec, EncryptionContext={"p": "q"})
    private = serialization.load_der_private_key(out["PrivateKeyPlaintext"], None)
    public = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert public == out["PublicKey"] and out["KeyPairSpec"] == pair_spec
    assert kms.decrypt(CiphertextBlob=out["PrivateKeyCiphertextBlob"], EncryptionContext={"p": "q"})["Plaintext"] == out["PrivateKeyPlaintext"]
    bare = kms.generate_data_key_pair_without_plaintext(KeyId=key["KeyId"], KeyPairSpec=pair_spec)
    assert "PrivateKeyPlaintext" not in bare
    der = kms.decrypt(CiphertextBlob=bare["PrivateKeyCiphertextBlob"])["Plaintext"]
    assert serialization.load_der_private_key(der, None).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) == bare["PublicKey"]


def test_generate_data_key_pair_bad_input(kms, key):
    assert error_of(kms.generate_data_key_pair, KeyId=key["KeyId"], KeyPairSpec="RSA_1024")[0] == "ValidationException"
    assert error_of(kms.generate_data_key_pair, KeyId=key["KeyId"], KeyPairSpec="SM2")[0] == "UnsupportedOperationException"


def test_generate_random(kms, unchecked_kms):
    assert len(kms.generate_random(NumberOfBytes=12)["Plaintext"]) == 12
    assert kms.generate_random(NumberOfBytes=32)["Plaintext"] != kms.generate_random(NumberOfBytes=32)["Plaintext"]
    # Pinned from AWS.
    assert error_of(kms.generate_random) == ("ValidationException", "NumberOfBytes is required.", 400)
    assert error_of(kms.generate_random, NumberOfBytes=1025) == (
        "ValidationException",
        "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
        400,
    )
    assert error_of(unchecked_kms.generate_random, NumberOfBytes=0) == (
        "ValidationException",
        "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
        400,
    )


def test_invalid_base64_is_rejected(server):
    import json
    import urllib.request

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    body = json.dumps({"CiphertextBlob": "!!!not base64!!!"})
    request = AWSRequest(method="POST", url=server.endpoint + "/", data=body, headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.Decrypt"})
    SigV4Auth(Credentials("test", "test"), "kms", server.region).add_auth(request)
    http = urllib.request.Request(server.endpoint + "/", data=body.encode(), headers=dict(request.headers), method="POST")
    try:
        urllib.request.urlopen(http)
        raise AssertionError("accepted invalid base64")
    except urllib.error.HTTPError as failure:
        assert failure.code == 400
        assert json.loads(failure.read())["__type"] in ("SerializationException", "ValidationException")
