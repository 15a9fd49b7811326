"""Encrypt, Decrypt, ReEncrypt, GenerateDataKey(+WithoutPlaintext),
GenerateDataKeyPair(+WithoutPlaintext), GenerateRandom.

The hot path (Encrypt, Decrypt, GenerateDataKey) is the key with its material
as last read (``keys.resolve(..., shared=True)``: read again only once the
keys change), the cached unsealed material, AES-GCM, and no write.
"""
from __future__ import annotations

import secrets

from . import asymmetric, encryption, errors, grants, key_specs, key_usage, keys, operation

_DATA_KEY_BYTES = {"AES_256": 32, "AES_128": 16}


def _no_recipient(params: dict) -> None:
    if params.get("Recipient") is not None:
        raise errors.recipient_not_simulated()


@operation
def encrypt(ctx, params):
    grants.check_tokens(params)
    key = keys.resolve(ctx, params["KeyId"], shared=True)
    algorithm = encryption.check_encryption_key(key, "Encrypt", params.get("EncryptionAlgorithm"))
    if params.get("DryRun"):
        raise errors.dry_run()
    out = encryption.encrypt(ctx, key, algorithm, params["Plaintext"], params.get("EncryptionContext"))
    key_usage.record(ctx, key)
    return {"CiphertextBlob": out.blob, "KeyId": key.arn, "EncryptionAlgorithm": algorithm}


@operation
def decrypt(ctx, params):
    grants.check_tokens(params)
    _no_recipient(params)
    blob = params.get("CiphertextBlob")
    ignore_ciphertext = "IGNORE_CIPHERTEXT" in (params.get("DryRunModifiers") or ())
    if blob is None and not (params.get("DryRun") and ignore_ciphertext):
        # Optional in the model (a dry run may ignore it), needed otherwise.
        raise errors.ValidationException("CiphertextBlob is required.")
    if params.get("DryRun") and ignore_ciphertext and params.get("KeyId") is not None:
        key = keys.resolve(ctx, params["KeyId"])
        encryption.check_encryption_key(key, "Decrypt", params.get("EncryptionAlgorithm"))
        raise errors.dry_run()
    key, parsed, algorithm = encryption.find_key(ctx, blob, params.get("KeyId"), params.get("EncryptionAlgorithm"), "Decrypt")
    if params.get("DryRun"):
        raise errors.dry_run()
    out = encryption.decrypt(ctx, key, parsed, algorithm, blob, params.get("EncryptionContext"))
    key_usage.record(ctx, key)
    result = {"KeyId": key.arn, "Plaintext": out.plaintext, "EncryptionAlgorithm": algorithm}
    if out.material_id:
        result["KeyMaterialId"] = out.material_id
    return result


@operation
def re_encrypt(ctx, params):
    grants.check_tokens(params)
    blob = params.get("CiphertextBlob")
    if blob is None:
        raise errors.ValidationException("CiphertextBlob is required.")
    source, parsed, source_algorithm = encryption.find_key(
        ctx, blob, params.get("SourceKeyId"), params.get("SourceEncryptionAlgorithm"), "ReEncrypt"
    )
    destination = keys.resolve(ctx, params["DestinationKeyId"], shared=True)
    destination_algorithm = encryption.check_encryption_key(destination, "ReEncrypt", params.get("DestinationEncryptionAlgorithm"))
    if params.get("DryRun"):
        raise errors.dry_run()
    plain = encryption.decrypt(ctx, source, parsed, source_algorithm, blob, params.get("SourceEncryptionContext"))
    out = encryption.encrypt(ctx, destination, destination_algorithm, plain.plaintext, params.get("DestinationEncryptionContext"))
    key_usage.record(ctx, source)
    key_usage.record(ctx, destination)
    result = {
        "CiphertextBlob": out.blob,
        "SourceKeyId": source.arn,
        "KeyId": destination.arn,
        "SourceEncryptionAlgorithm": source_algorithm,
        "DestinationEncryptionAlgorithm": destination_algorithm,
    }
    if plain.material_id:
        result["SourceKeyMaterialId"] = plain.material_id
    if out.material_id:
        result["DestinationKeyMaterialId"] = out.material_id
    return result


def _data_key(ctx, params, operation: str):
    grants.check_tokens(params)
    spec, size = params.get("KeySpec"), params.get("NumberOfBytes")
    if (spec is None) == (size is None):
        raise errors.ValidationException("Please specify either number of bytes or key spec.")
    key = keys.resolve(ctx, params["KeyId"], shared=True)
    encryption.check_data_key_key(key, operation)
    if params.get("DryRun"):
        raise errors.dry_run()
    plaintext = secrets.token_bytes(_DATA_KEY_BYTES[spec] if spec else size)
    out = encryption.encrypt(ctx, key, encryption.SYMMETRIC_DEFAULT, plaintext, params.get("EncryptionContext"))
    key_usage.record(ctx, key)
    return plaintext, out


@operation
def generate_data_key(ctx, params):
    _no_recipient(params)
    plaintext, out = _data_key(ctx, params, "GenerateDataKey")
    return {"CiphertextBlob": out.blob, "Plaintext": plaintext, "KeyId": out.key.arn, "KeyMaterialId": out.material_id}


@operation
def generate_data_key_without_plaintext(ctx, params):
    _, out = _data_key(ctx, params, "GenerateDataKeyWithoutPlaintext")
    return {"CiphertextBlob": out.blob, "KeyId": out.key.arn, "KeyMaterialId": out.material_id}


def _data_key_pair(ctx, params, operation: str):
    grants.check_tokens(params)
    pair_spec = params["KeyPairSpec"]
    key = keys.resolve(ctx, params["KeyId"], shared=True)
    encryption.check_data_key_key(key, operation)
    if pair_spec not in key_specs.DATA_KEY_PAIR_SPECS:
        raise errors.UnsupportedOperationException(f"KeyPairSpec {pair_spec} is supported only in China Regions.")
    if params.get("DryRun"):
        raise errors.dry_run()
    private_der = asymmetric.generate_private_key(pair_spec)
    public_der = asymmetric.public_key_der(asymmetric.load_private_key(private_der))
    out = encryption.encrypt(ctx, key, encryption.SYMMETRIC_DEFAULT, private_der, params.get("EncryptionContext"))
    key_usage.record(ctx, key)
    return private_der, public_der, out


@operation
def generate_data_key_pair(ctx, params):
    _no_recipient(params)
    private_der, public_der, out = _data_key_pair(ctx, params, "GenerateDataKeyPair")
    return {
        "PrivateKeyCiphertextBlob": out.blob,
        "PrivateKeyPlaintext": private_der,
        "PublicKey": public_der,
        "KeyId": out.key.arn,
        "KeyPairSpec": params["KeyPairSpec"],
        "KeyMaterialId": out.material_id,
    }


@operation
def generate_data_key_pair_without_plaintext(ctx, params):
    _, public_der, out = _data_key_pair(ctx, params, "GenerateDataKeyPairWithoutPlaintext")
    return {
        "PrivateKeyCiphertextBlob": out.blob,
        "PublicKey": public_der,
        "KeyId": out.key.arn,
        "KeyPairSpec": params["KeyPairSpec"],
        "KeyMaterialId": out.material_id,
    }


@operation
def generate_random(ctx, params):
    _no_recipient(params)
    if params.get("CustomKeyStoreId") is not None:
        raise errors.CustomKeyStoreNotFoundException("")
    size = params.get("NumberOfBytes")
    if size is None:
        raise errors.ValidationException("NumberOfBytes is required.")
    return {"Plaintext": secrets.token_bytes(size)}
