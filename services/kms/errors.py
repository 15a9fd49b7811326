"""KMS's errors, named after AWS's error codes, with AWS's message formats.

The formats were taken from answers recorded against real AWS KMS; the
functions below build the messages so that every handler words them the same
way. KMS (a JSON protocol service) renders them as ``{"__type": code,
"message": text}``.
"""
from __future__ import annotations

from simulator.errors import AwsError


class KmsError(AwsError):
    status = 400


class AccessDeniedException(KmsError):
    """A denial by the key policy, grants or IAM (rendered with HTTP 400, as KMS does)."""


# -- request shape ---------------------------------------------------------
class ValidationException(KmsError):
    pass


class SerializationException(KmsError):
    """The body is not JSON: what AWS's JSON services answer."""


class UnknownOperationException(KmsError):
    """An X-Amz-Target naming no KMS operation."""


# -- keys and identifiers ----------------------------------------------------
class NotFoundException(KmsError):
    pass


class InvalidArnException(KmsError):
    pass


class DisabledException(KmsError):
    pass


class KMSInvalidStateException(KmsError):
    pass


class KeyUnavailableException(KmsError):
    status = 500
    sender_fault = False


class InvalidKeyUsageException(KmsError):
    pass


class UnsupportedOperationException(KmsError):
    pass


class LimitExceededException(KmsError):
    pass


class AlreadyExistsException(KmsError):
    pass


class ConflictException(KmsError):
    pass


class InvalidAliasNameException(KmsError):
    pass


class NotAuthorizedException(KmsError):
    """What KMS answers for aliases in the reserved ``alias/aws/`` space."""


class TagException(KmsError):
    pass


class InvalidMarkerException(KmsError):
    pass


class MalformedPolicyDocumentException(KmsError):
    pass


class DryRunOperationException(KmsError):
    status = 412


# -- cryptography ------------------------------------------------------------
class InvalidCiphertextException(KmsError):
    pass


class IncorrectKeyException(KmsError):
    pass


class KMSInvalidSignatureException(KmsError):
    pass


class KMSInvalidMacException(KmsError):
    pass


# -- grants ------------------------------------------------------------------
class InvalidGrantTokenException(KmsError):
    pass


class InvalidGrantIdException(KmsError):
    pass


# -- imported key material -----------------------------------------------------
class InvalidImportTokenException(KmsError):
    pass


class ExpiredImportTokenException(KmsError):
    pass


class IncorrectKeyMaterialException(KmsError):
    pass


# -- custom key stores (not simulated) -------------------------------------------
class CustomKeyStoreNotFoundException(KmsError):
    pass


class KMSInternalException(KmsError):
    status = 500
    sender_fault = False


# -- message formats ---------------------------------------------------------------
def key_not_found(arn: str) -> NotFoundException:
    return NotFoundException(f"Key '{arn}' does not exist")


def invalid_key_id(value: str) -> NotFoundException:
    return NotFoundException(f"Invalid keyId '{value}'")


def alias_not_found(alias_arn: str) -> NotFoundException:
    return NotFoundException(f"Alias {alias_arn} is not found.")


def invalid_arn_region(region: str) -> NotFoundException:
    # AWS's own wording when a key ARN names another region than the request's.
    return NotFoundException(f"Invalid arn {region}")


def disabled(arn: str) -> DisabledException:
    return DisabledException(f"{arn} is disabled.")


_STATE_WORDS = {
    "PendingDeletion": "pending deletion",
    "PendingImport": "pending import",
    "PendingReplicaDeletion": "pending replica deletion",
    "Unavailable": "unavailable",
    "Creating": "creating",
    "Updating": "updating",
    "Enabled": "enabled",
}


def invalid_state(arn: str, state: str) -> KMSInvalidStateException:
    return KMSInvalidStateException(f"{arn} is {_STATE_WORDS.get(state, state)}.")


def wrong_usage(arn: str, usage: str, operation: str) -> InvalidKeyUsageException:
    return InvalidKeyUsageException(f"{arn} key usage is {usage} which is not valid for {operation}.")


def incompatible_algorithm(algorithm: str, key_spec: str) -> InvalidKeyUsageException:
    return InvalidKeyUsageException(f"Algorithm {algorithm} is incompatible with key spec {key_spec}.")


def wrong_origin(arn: str, origin: str) -> UnsupportedOperationException:
    return UnsupportedOperationException(f"{arn} origin is {origin} which is not valid for this operation.")


def unsupported_key_spec(arn: str, key_spec: str) -> UnsupportedOperationException:
    return UnsupportedOperationException(f"{arn} key spec is {key_spec} which is not valid for this operation.")


def incorrect_key() -> IncorrectKeyException:
    return IncorrectKeyException("The key ID in the request does not identify a CMK that can perform this operation.")


def dry_run() -> DryRunOperationException:
    return DryRunOperationException("The request would have succeeded, but the DryRun option is set.")


def recipient_not_simulated() -> UnsupportedOperationException:
    # Nitro Enclaves attestation documents are signed by AWS's Nitro PKI,
    # which a local endpoint cannot check or produce.
    return UnsupportedOperationException("Recipient (AWS Nitro Enclaves attestation) is not simulated by awsbox.")
