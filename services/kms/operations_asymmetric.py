"""Sign, Verify, GetPublicKey, DeriveSharedSecret, GenerateMac, VerifyMac."""
from __future__ import annotations

from . import asymmetric, errors, grants, key_specs, key_usage, keys, operation


# The input member naming the algorithm, and where key_specs lists those a key allows.
_ALGORITHM = {"SIGN_VERIFY": ("SigningAlgorithm", "SigningAlgorithms"),
              "GENERATE_VERIFY_MAC": ("MacAlgorithm", "MacAlgorithms")}


def _key_for(ctx, params, usage: str, operation: str) -> keys.Key:
    """The key to sign, verify or MAC with, after every check a DryRun makes."""
    grants.check_tokens(params)
    key = keys.resolve(ctx, params["KeyId"])
    keys.check_enabled(key)
    keys.check_usage(key, usage, operation)
    member, allowed = _ALGORITHM[usage]
    if params[member] not in key_specs.algorithms(key.key_spec, key.key_usage).get(allowed, []):
        raise errors.incompatible_algorithm(params[member], key.key_spec)
    if params.get("DryRun"):
        raise errors.dry_run()
    return key


@operation
def sign(ctx, params):
    key = _key_for(ctx, params, "SIGN_VERIFY", "Sign")
    signature = asymmetric.sign(
        key.usable(ctx.app.root_key), key.key_spec, params["SigningAlgorithm"], params["Message"], params.get("MessageType") or "RAW"
    )
    key_usage.record(ctx, key)
    return {"KeyId": key.arn, "Signature": signature, "SigningAlgorithm": params["SigningAlgorithm"]}


@operation
def verify(ctx, params):
    key = _key_for(ctx, params, "SIGN_VERIFY", "Verify")
    valid = asymmetric.verify(
        key.usable(ctx.app.root_key).public_key(), key.key_spec, params["SigningAlgorithm"], params["Message"],
        params.get("MessageType") or "RAW", params["Signature"],
    )
    if not valid:
        raise errors.KMSInvalidSignatureException("")
    key_usage.record(ctx, key)
    return {"KeyId": key.arn, "SignatureValid": True, "SigningAlgorithm": params["SigningAlgorithm"]}


@operation
def get_public_key(ctx, params):
    grants.check_tokens(params)
    key = keys.resolve(ctx, params["KeyId"])
    keys.check_enabled(key)
    if not key_specs.is_asymmetric(key.key_spec):
        raise errors.unsupported_key_spec(key.arn, key.key_spec)
    out = {
        "KeyId": key.arn,
        "PublicKey": asymmetric.public_key_der(key.usable(ctx.app.root_key)),
        "KeySpec": key.key_spec,
        "KeyUsage": key.key_usage,
        **key_specs.algorithms(key.key_spec, key.key_usage),
    }
    if key.key_spec in keys.CUSTOMER_MASTER_KEY_SPECS:
        out["CustomerMasterKeySpec"] = key.key_spec
    return out


@operation
def derive_shared_secret(ctx, params):
    grants.check_tokens(params)
    if params.get("Recipient") is not None:
        raise errors.recipient_not_simulated()
    key = keys.resolve(ctx, params["KeyId"])
    keys.check_enabled(key)
    keys.check_usage(key, "KEY_AGREEMENT", "DeriveSharedSecret")
    if params.get("DryRun"):
        raise errors.dry_run()
    secret = asymmetric.derive_shared_secret(key.usable(ctx.app.root_key), params["PublicKey"])
    key_usage.record(ctx, key)
    return {"KeyId": key.arn, "SharedSecret": secret, "KeyAgreementAlgorithm": params["KeyAgreementAlgorithm"], "KeyOrigin": key.origin}


@operation
def generate_mac(ctx, params):
    key = _key_for(ctx, params, "GENERATE_VERIFY_MAC", "GenerateMac")
    tag = asymmetric.mac(key.usable(ctx.app.root_key), params["MacAlgorithm"], params["Message"])
    key_usage.record(ctx, key)
    return {"Mac": tag, "MacAlgorithm": params["MacAlgorithm"], "KeyId": key.arn}


@operation
def verify_mac(ctx, params):
    key = _key_for(ctx, params, "GENERATE_VERIFY_MAC", "VerifyMac")
    if not asymmetric.mac_matches(key.usable(ctx.app.root_key), params["MacAlgorithm"], params["Message"], params["Mac"]):
        raise errors.KMSInvalidMacException("")
    key_usage.record(ctx, key)
    return {"KeyId": key.arn, "MacValid": True, "MacAlgorithm": params["MacAlgorithm"]}
