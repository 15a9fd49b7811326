"""Asymmetric keys (RSA, ECC incl. secp256k1, Ed25519, ML-DSA) and HMAC keys:
signatures and ciphertext checked with ``cryptography`` outside the simulator."""
import hashlib

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

from services.kms import ed25519ph

from .conftest import error_of

_HASH = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}


def _public(kms, key_id):
    return serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])


def _verify_outside(public, algorithm, message, signature):
    digest = _HASH[algorithm.rsplit("_", 1)[1]]()
    if algorithm.startswith("RSASSA_PSS"):
        public.verify(signature, message, padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size), digest)
    elif algorithm.startswith("RSASSA_PKCS1"):
        public.verify(signature, message, padding.PKCS1v15(), digest)
    else:
        public.verify(signature, message, ec.ECDSA(digest))


@pytest.mark.parametrize(
    "spec,algorithm",
    [
        ("RSA_2048", "RSASSA_PSS_SHA_256"),
        ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_384"),
        ("RSA_3072", "RSASSA_PSS_SHA_512"),
        ("ECC_NIST_P256", "ECDSA_SHA_256"),
        ("ECC_NIST_P384", "ECDSA_SHA_384"),
        ("ECC_NIST_P521", "ECDSA_SHA_512"),
        ("ECC_SECG_P256K1", "ECDSA_SHA_256"),
    ],
)
def test_signatures_verify_outside_and_in(kms, spec, algorithm):
    key = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    public = _public(kms, key["KeyId"])
    message = b"a message to sign"
    out = kms.sign(KeyId=key["KeyId"], Message=message, SigningAlgorithm=algorithm)
    assert (out["KeyId"], out["SigningAlgorithm"]) == (key["Arn"], algorithm)
    _verify_outside(public, algorithm, message, out["Signature"])
    # The DIGEST message type signs a digest made outside.
    digest = hashlib.new("sha" + algorithm.rsplit("_", 1)[1], message).digest()
    by_digest = kms.sign(KeyId=key["KeyId"], Message=digest, MessageType="DIGEST", SigningAlgorithm=algorithm)["Signature"]
    _verify_outside(public, algorithm, message, by_digest)
    assert kms.verify(KeyId=key["KeyId"], Message=message, Signature=out["Signature"], SigningAlgorithm=algorithm)["SignatureValid"]
    assert kms.verify(KeyId=key["KeyId"], Message=digest, MessageType="DIGEST", Signature=by_digest, SigningAlgorithm=algorithm)["SignatureValid"]
    # Pinned from AWS.
    assert error_of(kms.verify, KeyId=key["KeyId"], Message=b"other", Signature=out["Signature"], SigningAlgorithm=algorithm) == (
        "KMSInvalidSignatureException", "", 400)
    assert error_of(kms.sign, KeyId=key["KeyId"], Message=b"short", MessageType="DIGEST", SigningAlgorithm=algorithm) == (
        "ValidationException", f"Digest is invalid length for algorithm {algorithm}.", 400)


def test_signature_made_outside_verifies_inside(kms):
    """The reverse: sign with an imported private key outside, verify with KMS."""
    key = kms.create_key(KeySpec="ECC_SECG_P256K1", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    public = _public(kms, key["KeyId"])
    # Our own key pair signs; KMS must reject a signature by a different key...
    stranger = ec.generate_private_key(ec.SECP256K1())
    forged = stranger.sign(b"m", ec.ECDSA(hashes.SHA256()))
    assert error_of(kms.verify, KeyId=key["KeyId"], Message=b"m", Signature=forged, SigningAlgorithm="ECDSA_SHA_256")[0] == "KMSInvalidSignatureException"
    # ...and a signature KMS made, re-encoded outside, still verifies inside.
    signature = kms.sign(KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    r, s = utils.decode_dss_signature(signature)
    public.verify(utils.encode_dss_signature(r, s), b"m", ec.ECDSA(hashes.SHA256()))
    assert kms.verify(KeyId=key["KeyId"], Message=b"m", Signature=utils.encode_dss_signature(r, s), SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"]


def test_rsa_signature_made_outside_verifies_inside(kms):
    """Sign outside with imported key material, verify with KMS."""
    from .test_import import import_material

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    key = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY", Origin="EXTERNAL")["KeyMetadata"]
    import_material(kms, key["KeyId"], der, algorithm="RSA_AES_KEY_WRAP_SHA_256")
    signature = private.sign(b"outside", padding.PKCS1v15(), hashes.SHA256())
    assert kms.verify(KeyId=key["KeyId"], Message=b"outside", Signature=signature, SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")["SignatureValid"]


def test_ed25519(kms):
    key = kms.create_key(KeySpec="ECC_NIST_EDWARDS25519", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    public = _public(kms, key["KeyId"])
    assert isinstance(public, ed25519.Ed25519PublicKey)
    signature = kms.sign(KeyId=key["KeyId"], Message=b"pure", SigningAlgorithm="ED25519_SHA_512")["Signature"]
    public.verify(signature, b"pure")
    digest = hashlib.sha512(b"prehashed").digest()
    ph = kms.sign(KeyId=key["KeyId"], Message=digest, MessageType="DIGEST", SigningAlgorithm="ED25519_PH_SHA_512")["Signature"]
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert ed25519ph.verify(raw, digest, ph)
    assert kms.verify(KeyId=key["KeyId"], Message=b"prehashed", Signature=ph, SigningAlgorithm="ED25519_PH_SHA_512")["SignatureValid"]
    assert error_of(kms.sign, KeyId=key["KeyId"], Message=digest, MessageType="DIGEST", SigningAlgorithm="ED25519_SHA_512")[0] == "ValidationException"


def test_ed25519ph_matches_rfc8032_test_vector():
    secret = bytes.fromhex("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42")
    public = bytes.fromhex("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf")
    expected = bytes.fromhex(
        "98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae41"
        "31f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406"
    )
    digest = hashlib.sha512(b"abc").digest()
    assert ed25519ph.sign(secret, digest) == expected
    assert ed25519ph.verify(public, digest, expected)


def test_ml_dsa(kms):
    key = kms.create_key(KeySpec="ML_DSA_44", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    signature = kms.sign(KeyId=key["KeyId"], Message=b"post-quantum", SigningAlgorithm="ML_DSA_SHAKE_256")["Signature"]
    _public(kms, key["KeyId"]).verify(signature, b"post-quantum")
    assert kms.verify(KeyId=key["KeyId"], Message=b"post-quantum", Signature=signature, SigningAlgorithm="ML_DSA_SHAKE_256")["SignatureValid"]


def test_signing_bad_input(kms):
    key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    assert error_of(kms.sign, KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256") == (
        "InvalidKeyUsageException", "Algorithm RSASSA_PSS_SHA_256 is incompatible with key spec ECC_NIST_P256.", 400)
    assert error_of(kms.sign, KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="NOPE")[0] == "ValidationException"
    hmac_key = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    # Pinned from AWS.
    assert error_of(kms.sign, KeyId=hmac_key["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256") == (
        "InvalidKeyUsageException", f"{hmac_key['Arn']} key usage is GENERATE_VERIFY_MAC which is not valid for Sign.", 400)
    symmetric = kms.create_key()["KeyMetadata"]
    assert error_of(kms.get_public_key, KeyId=symmetric["KeyId"])[0] == "UnsupportedOperationException"


@pytest.mark.parametrize("algorithm,limit", [("RSAES_OAEP_SHA_1", 214), ("RSAES_OAEP_SHA_256", 190)])
def test_rsa_encryption(kms, algorithm, limit):
    key = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    meta = kms.get_public_key(KeyId=key["KeyId"])
    assert (meta["KeySpec"], meta["KeyUsage"], meta["EncryptionAlgorithms"]) == ("RSA_2048", "ENCRYPT_DECRYPT", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
    digest = hashes.SHA1() if algorithm.endswith("_1") else hashes.SHA256()
    oaep = padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)
    # Encrypted outside with the public key, decrypted by KMS...
    outside = serialization.load_der_public_key(meta["PublicKey"]).encrypt(b"from outside", oaep)
    assert kms.decrypt(CiphertextBlob=outside, KeyId=key["KeyId"], EncryptionAlgorithm=algorithm)["Plaintext"] == b"from outside"
    # ...and the limit AWS states per key spec and algorithm.
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x" * limit, EncryptionAlgorithm=algorithm)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, KeyId=key["KeyId"], EncryptionAlgorithm=algorithm)["Plaintext"] == b"x" * limit
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x" * (limit + 1), EncryptionAlgorithm=algorithm) == (
        "ValidationException", f"Algorithm {algorithm} and key spec RSA_2048 cannot encrypt data larger than {limit} bytes.", 400)
    assert error_of(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")[0] == "InvalidKeyUsageException"


def test_derive_shared_secret(kms):
    key = kms.create_key(KeySpec="ECC_NIST_P384", KeyUsage="KEY_AGREEMENT")["KeyMetadata"]
    mine = ec.generate_private_key(ec.SECP384R1())
    mine_der = mine.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    out = kms.derive_shared_secret(KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=mine_der)
    assert out["SharedSecret"] == mine.exchange(ec.ECDH(), _public(kms, key["KeyId"]))
    assert (out["KeyAgreementAlgorithm"], out["KeyOrigin"]) == ("ECDH", "AWS_KMS")
    wrong_curve = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert error_of(kms.derive_shared_secret, KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=wrong_curve)[0] == "ValidationException"
    # Bytes that are no public key at all: no message (localstack's AWS-validated snapshot).
    assert error_of(kms.derive_shared_secret, KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH",
                    PublicKey=b"InvalidPublicKey") == ("ValidationException", "", 400)
    signing = kms.create_key(KeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    assert error_of(kms.derive_shared_secret, KeyId=signing["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=mine_der)[0] == "InvalidKeyUsageException"


@pytest.mark.parametrize("spec", ["HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512"])
def test_hmac(kms, spec):
    algorithm = "HMAC_SHA_" + spec[5:]
    key = kms.create_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    mac = kms.generate_mac(KeyId=key["KeyId"], Message=b"message", MacAlgorithm=algorithm)
    assert (mac["KeyId"], mac["MacAlgorithm"], len(mac["Mac"])) == (key["Arn"], algorithm, int(spec[5:]) // 8)
    assert kms.verify_mac(KeyId=key["KeyId"], Message=b"message", Mac=mac["Mac"], MacAlgorithm=algorithm)["MacValid"]
    # Pinned from AWS.
    assert error_of(kms.verify_mac, KeyId=key["KeyId"], Message=b"other", Mac=mac["Mac"], MacAlgorithm=algorithm) == ("KMSInvalidMacException", "", 400)
    other = "HMAC_SHA_512" if spec != "HMAC_512" else "HMAC_SHA_256"
    assert error_of(kms.generate_mac, KeyId=key["KeyId"], Message=b"m", MacAlgorithm=other) == (
        "InvalidKeyUsageException", f"Algorithm {other} is incompatible with key spec {spec}.", 400)
    assert error_of(kms.generate_mac, KeyId="key_id", Message=b"m", MacAlgorithm=algorithm) == ("NotFoundException", "Invalid keyId 'key_id'", 400)


def test_mac_with_an_encryption_key(kms, key):
    # Pinned from AWS.
    assert error_of(kms.generate_mac, KeyId=key["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256") == (
        "InvalidKeyUsageException", f"{key['Arn']} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.", 400)
