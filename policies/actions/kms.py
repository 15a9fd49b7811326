"""AWS KMS operations -> IAM actions (Service Authorization Reference, "AWS
Key Management Service"; KMS Developer Guide, "Permissions reference" and
"Condition keys for AWS KMS").

Key operations act on the key ARN, even when the request names the key by
alias (the alias is then ``kms:RequestAlias``) or, for Decrypt and ReEncrypt,
not at all (the key is the one the ciphertext names). Alias operations need
the action on the alias and on the key. The rest act on "*".

``scope.names`` resolves keys: ``key_arn(value)`` -> the ARN of the key a
KeyId (key id, key ARN, alias name, alias ARN) names, ``key_of_ciphertext(blob)``
-> the ARN of the key a symmetric ciphertext names, ``key_of_grant_token(token)``
-> the ARN of the key a grant token's grant is for. All answer None when
nothing is named; the requirement's resource is then None and the operation
answers NotFoundException itself.
"""
from __future__ import annotations

from .requirement import Requirement

_KEY_ACTIONS = (
    "CancelKeyDeletion", "DeleteImportedKeyMaterial", "DescribeKey", "DisableKey", "DisableKeyRotation", "EnableKey",
    "GetKeyLastUsage", "GetKeyPolicy", "GetKeyRotationStatus", "GetPublicKey", "ListGrants", "ListKeyPolicies",
    "ListKeyRotations", "ListResourceTags", "RevokeGrant", "RotateKeyOnDemand", "UpdateKeyDescription",
)
# Actions on "*": no resource type in the Service Authorization Reference.
_GLOBAL_ACTIONS = (
    "ConnectCustomKeyStore", "CreateCustomKeyStore", "DeleteCustomKeyStore", "DescribeCustomKeyStores",
    "DisconnectCustomKeyStore", "GenerateRandom", "ListAliases", "ListKeys", "ListRetirableGrants",
    "UpdateCustomKeyStore",
)


def _encryption_context(context: dict | None) -> dict:
    """kms:EncryptionContext:<key> for each pair and kms:EncryptionContextKeys."""
    context = context or {}
    keys = {f"kms:encryptioncontext:{k.lower()}": v for k, v in context.items()}
    if context:
        keys["kms:encryptioncontextkeys"] = list(context)
    return keys


def _key(scope, value: str | None) -> str | None:
    return scope.names.key_arn(value) if value is not None else None


def _request_alias(value: str | None) -> dict:
    """kms:RequestAlias: the alias the request named the key by."""
    if value and (value.startswith("alias/") or ":alias/" in value):
        return {"kms:requestalias": value.split(":", 5)[-1]}
    return {}


def _on_key(action: str, member: str = "KeyId", extra=lambda params: {}):
    def describe(params, scope):
        value = params.get(member)
        return [Requirement(f"kms:{action}", _key(scope, value), {**_request_alias(value), **extra(params)})]
    return describe


def _on_everything(action: str, extra=lambda params: {}):
    def describe(params, scope):
        return [Requirement(f"kms:{action}", "*", extra(params))]
    return describe


def _present(**members):
    """Condition keys taken straight from request members, when given."""
    def extra(params):
        return {key: params[member] for key, member in members.items() if params.get(member) is not None}
    return extra


def _crypto(action: str, **members):
    """A cryptographic operation on the key: encryption context and algorithm keys."""
    plain = _present(**members)
    return _on_key(action, extra=lambda params: {**_encryption_context(params.get("EncryptionContext")), **plain(params)})


def _tags(tags) -> dict:
    tags = tags or []
    keys = {f"aws:requesttag/{t['TagKey'].lower()}": t["TagValue"] for t in tags}
    if tags:
        keys["aws:tagkeys"] = [t["TagKey"] for t in tags]
    return keys


def _decrypt(params, scope):
    value = params.get("KeyId")
    if value is None and "CiphertextBlob" not in params:
        return []  # nothing names a key: the handler refuses the input itself
    arn = _key(scope, value) if value is not None else scope.names.key_of_ciphertext(params["CiphertextBlob"])
    return [Requirement("kms:Decrypt", arn, {
        **_request_alias(value), **_encryption_context(params.get("EncryptionContext")),
        **_present(**{"kms:encryptionalgorithm": "EncryptionAlgorithm"})(params)})]


def _re_encrypt(params, scope):
    """ReEncryptFrom on the source key, ReEncryptTo on the destination."""
    source_value, destination_value = params.get("SourceKeyId"), params.get("DestinationKeyId")
    if destination_value is None or (source_value is None and "CiphertextBlob" not in params):
        return []  # the handler refuses the incomplete input itself
    source = _key(scope, source_value) if source_value is not None else scope.names.key_of_ciphertext(params["CiphertextBlob"])
    destination = _key(scope, destination_value)
    same = {"kms:reencryptonsamekey": source is not None and source == destination}
    return [
        Requirement("kms:ReEncryptFrom", source, {
            **same, **_request_alias(source_value), **_encryption_context(params.get("SourceEncryptionContext")),
            **_present(**{"kms:encryptionalgorithm": "SourceEncryptionAlgorithm"})(params)}),
        Requirement("kms:ReEncryptTo", destination, {
            **same, **_request_alias(destination_value), **_encryption_context(params.get("DestinationEncryptionContext")),
            **_present(**{"kms:encryptionalgorithm": "DestinationEncryptionAlgorithm"})(params)}),
    ]


def _create_key(params, scope):
    spec = params.get("KeySpec") or params.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    keys = {
        "kms:keyspec": spec,
        "kms:keyusage": params.get("KeyUsage") or "ENCRYPT_DECRYPT",
        "kms:keyorigin": params.get("Origin") or "AWS_KMS",
        "kms:multiregion": bool(params.get("MultiRegion")),
        "kms:bypasspolicylockoutsafetycheck": bool(params.get("BypassPolicyLockoutSafetyCheck")),
        **_tags(params.get("Tags")),
    }
    if params.get("MultiRegion"):
        keys["kms:multiregionkeytype"] = "PRIMARY"
    found = [Requirement("kms:CreateKey", "*", keys)]
    if params.get("Tags"):
        # Tagging on creation also needs kms:TagResource (KMS Developer Guide, "Tagging keys").
        found.append(Requirement("kms:TagResource", "*", _tags(params.get("Tags"))))
    return found


def _alias_arn(scope, name: str) -> str:
    if name.startswith("arn:"):
        return name
    return f"arn:aws:kms:{scope.region}:{scope.account_id}:{name}"


def _create_alias(params, scope):
    alias = _alias_arn(scope, params["AliasName"])
    return [Requirement("kms:CreateAlias", alias), Requirement("kms:CreateAlias", _key(scope, params["TargetKeyId"]))]


def _delete_alias(params, scope):
    alias = _alias_arn(scope, params["AliasName"])
    return [Requirement("kms:DeleteAlias", alias), Requirement("kms:DeleteAlias", _key(scope, params["AliasName"]))]


def _update_alias(params, scope):
    """UpdateAlias: on the alias, the key it points at now and the new key."""
    alias = _alias_arn(scope, params["AliasName"])
    return [
        Requirement("kms:UpdateAlias", alias),
        Requirement("kms:UpdateAlias", _key(scope, params["AliasName"])),
        Requirement("kms:UpdateAlias", _key(scope, params["TargetKeyId"])),
    ]


def _create_grant(params, scope):
    constraints = params.get("Constraints") or {}
    keys = {
        "kms:grantoperations": list(params.get("Operations") or []),
        "kms:granteeprincipal": params.get("GranteePrincipal"),
        # Only AWS services integrated with KMS set this; a direct call never does.
        "kms:grantisforawsresource": False,
    }
    if params.get("RetiringPrincipal"):
        keys["kms:retiringprincipal"] = params["RetiringPrincipal"]
    if constraints:
        keys["kms:grantconstrainttype"] = [k for k in ("EncryptionContextEquals", "EncryptionContextSubset")
                                           if constraints.get(k) is not None]
    return [Requirement("kms:CreateGrant", _key(scope, params["KeyId"]), keys)]


def _retire_grant(params, scope):
    """RetireGrant: who may retire is written in the grant (its retiring and
    grantee principals); the key is the grant's, found by token or KeyId."""
    value = params.get("KeyId")
    arn = _key(scope, value) if value is not None else scope.names.key_of_grant_token(params.get("GrantToken"))
    return [Requirement("kms:RetireGrant", arn)]


def _put_key_policy(params, scope):
    return [Requirement("kms:PutKeyPolicy", _key(scope, params["KeyId"]),
                        {"kms:bypasspolicylockoutsafetycheck": bool(params.get("BypassPolicyLockoutSafetyCheck"))})]


def _replicate_key(params, scope):
    keys = {"kms:replicaregion": params["ReplicaRegion"],
            "kms:bypasspolicylockoutsafetycheck": bool(params.get("BypassPolicyLockoutSafetyCheck"))}
    found = [Requirement("kms:ReplicateKey", _key(scope, params["KeyId"]), keys)]
    # The replica is created in the other region with kms:CreateKey there.
    found.append(Requirement("kms:CreateKey", "*", {"kms:multiregionkeytype": "REPLICA", **_tags(params.get("Tags"))}))
    if params.get("Tags"):
        found.append(Requirement("kms:TagResource", "*", _tags(params.get("Tags"))))
    return found


def _untag(params, scope):
    return [Requirement("kms:UntagResource", _key(scope, params["KeyId"]),
                        {"aws:tagkeys": list(params.get("TagKeys") or [])})]


def _tag(params, scope):
    return [Requirement("kms:TagResource", _key(scope, params["KeyId"]), _tags(params.get("Tags")))]


OPERATIONS = {
    **{op: _on_key(op) for op in _KEY_ACTIONS},
    **{op: _on_everything(op) for op in _GLOBAL_ACTIONS},
    "CreateAlias": _create_alias,
    "CreateGrant": _create_grant,
    "CreateKey": _create_key,
    "Decrypt": _decrypt,
    "DeleteAlias": _delete_alias,
    "DeriveSharedSecret": _on_key("DeriveSharedSecret", extra=_present(**{"kms:keyagreementalgorithm": "KeyAgreementAlgorithm"})),
    "EnableKeyRotation": _on_key("EnableKeyRotation", extra=_present(**{"kms:rotationperiodindays": "RotationPeriodInDays"})),
    "Encrypt": _crypto("Encrypt", **{"kms:encryptionalgorithm": "EncryptionAlgorithm"}),
    "GenerateDataKey": _crypto("GenerateDataKey"),
    "GenerateDataKeyPair": _crypto("GenerateDataKeyPair", **{"kms:datakeypairspec": "KeyPairSpec"}),
    "GenerateDataKeyPairWithoutPlaintext": _crypto("GenerateDataKeyPairWithoutPlaintext", **{"kms:datakeypairspec": "KeyPairSpec"}),
    "GenerateDataKeyWithoutPlaintext": _crypto("GenerateDataKeyWithoutPlaintext"),
    "GenerateMac": _on_key("GenerateMac", extra=_present(**{"kms:macalgorithm": "MacAlgorithm"})),
    "GetParametersForImport": _on_key("GetParametersForImport", extra=_present(
        **{"kms:wrappingalgorithm": "WrappingAlgorithm", "kms:wrappingkeyspec": "WrappingKeySpec"})),
    "ImportKeyMaterial": _on_key("ImportKeyMaterial", extra=_present(
        **{"kms:expirationmodel": "ExpirationModel", "kms:validto": "ValidTo"})),
    "PutKeyPolicy": _put_key_policy,
    "ReEncrypt": _re_encrypt,
    "ReplicateKey": _replicate_key,
    "RetireGrant": _retire_grant,
    "ScheduleKeyDeletion": _on_key("ScheduleKeyDeletion", extra=_present(
        **{"kms:schedulekeydeletionpendingwindowindays": "PendingWindowInDays"})),
    "Sign": _on_key("Sign", extra=_present(**{"kms:signingalgorithm": "SigningAlgorithm", "kms:messagetype": "MessageType"})),
    "TagResource": _tag,
    "UntagResource": _untag,
    "UpdateAlias": _update_alias,
    "UpdatePrimaryRegion": _on_key("UpdatePrimaryRegion", extra=_present(**{"kms:primaryregion": "PrimaryRegion"})),
    "Verify": _on_key("Verify", extra=_present(**{"kms:signingalgorithm": "SigningAlgorithm", "kms:messagetype": "MessageType"})),
    "VerifyMac": _on_key("VerifyMac", extra=_present(**{"kms:macalgorithm": "MacAlgorithm"})),
}
