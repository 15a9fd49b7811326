"""What each KeySpec is for: its key usages and algorithms, as the AWS KMS
developer guide's key spec reference lists them."""
from __future__ import annotations

from . import errors

SYMMETRIC = "SYMMETRIC_DEFAULT"
RSA_SPECS = ("RSA_2048", "RSA_3072", "RSA_4096")
ECC_SPECS = ("ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1")
ED25519 = "ECC_NIST_EDWARDS25519"
ML_DSA_SPECS = ("ML_DSA_44", "ML_DSA_65", "ML_DSA_87")
HMAC_SPECS = ("HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512")
# SM2 keys exist only in the China Regions.
CHINA_ONLY = ("SM2",)

_RSA_SIGNING = [
    "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384",
    "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256",
    "RSASSA_PSS_SHA_384",
    "RSASSA_PSS_SHA_512",
]
_ECDSA = {
    "ECC_NIST_P256": "ECDSA_SHA_256",
    "ECC_NIST_P384": "ECDSA_SHA_384",
    "ECC_NIST_P521": "ECDSA_SHA_512",
    "ECC_SECG_P256K1": "ECDSA_SHA_256",
}

# key spec -> {key usage -> {"EncryptionAlgorithms"|"SigningAlgorithms"|... : [...]}}
USAGES: dict[str, dict[str, dict[str, list[str]]]] = {
    SYMMETRIC: {"ENCRYPT_DECRYPT": {"EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"]}},
    **{
        spec: {
            "ENCRYPT_DECRYPT": {"EncryptionAlgorithms": ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]},
            "SIGN_VERIFY": {"SigningAlgorithms": list(_RSA_SIGNING)},
        }
        for spec in RSA_SPECS
    },
    # secp256k1 signs only; key agreement is for the NIST curves (and SM2).
    **{
        spec: {"SIGN_VERIFY": {"SigningAlgorithms": [_ECDSA[spec]]}}
        | ({"KEY_AGREEMENT": {"KeyAgreementAlgorithms": ["ECDH"]}} if spec != "ECC_SECG_P256K1" else {})
        for spec in ECC_SPECS
    },
    ED25519: {"SIGN_VERIFY": {"SigningAlgorithms": ["ED25519_SHA_512", "ED25519_PH_SHA_512"]}},
    **{spec: {"SIGN_VERIFY": {"SigningAlgorithms": ["ML_DSA_SHAKE_256"]}} for spec in ML_DSA_SPECS},
    **{spec: {"GENERATE_VERIFY_MAC": {"MacAlgorithms": [f"HMAC_SHA_{spec[5:]}"]}} for spec in HMAC_SPECS},
}

HASH_NAMES = {"256": "SHA256", "384": "SHA384", "512": "SHA512", "224": "SHA224"}

# Data key pair specs GenerateDataKeyPair makes outside the China Regions.
DATA_KEY_PAIR_SPECS = RSA_SPECS + ECC_SPECS + (ED25519,)

# Bytes AWS allows to encrypt with RSA, per (key spec, algorithm): the OAEP
# bound k - 2*hLen - 2.
RSA_PLAINTEXT_LIMIT = {
    (spec, alg): bits // 8 - 2 * hlen - 2
    for spec, bits in (("RSA_2048", 2048), ("RSA_3072", 3072), ("RSA_4096", 4096))
    for alg, hlen in (("RSAES_OAEP_SHA_1", 20), ("RSAES_OAEP_SHA_256", 32))
}


def is_symmetric(spec: str) -> bool:
    return spec == SYMMETRIC


def is_asymmetric(spec: str) -> bool:
    return spec in RSA_SPECS or spec in ECC_SPECS or spec == ED25519 or spec in ML_DSA_SPECS


def is_hmac(spec: str) -> bool:
    return spec in HMAC_SPECS


def algorithms(spec: str, usage: str) -> dict[str, list[str]]:
    return USAGES.get(spec, {}).get(usage, {})


def check_creatable(spec: str, usage: str | None, region: str) -> str:
    """The key usage a new key of ``spec`` gets; raises AWS's errors for
    combinations AWS refuses."""
    if spec in CHINA_ONLY and not region.startswith("cn-"):
        raise errors.ValidationException(f"KeySpec {spec} is not supported in this region.")
    if usage is None:
        if spec != SYMMETRIC:
            raise errors.ValidationException(
                "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys."
            )
        return "ENCRYPT_DECRYPT"
    if usage not in USAGES.get(spec, {}):
        raise errors.ValidationException(f"KeyUsage {usage} is not compatible with KeySpec {spec}")
    return usage
