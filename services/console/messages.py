"""AWS's errors in plain words for learners, always with AWS's own code and
message beside them (the console explains; it never hides what AWS said)."""
from __future__ import annotations

from simulator.errors import AwsError

_PLAIN = {
    "AccessDenied": "You are not allowed to do this. No policy that applies to you allows it, or one denies it.",
    "AccessDeniedException": "You are not allowed to do this. Neither the key policy nor your IAM policies allow it, "
                             "or one of them denies it.",
    "KMS.DisabledException": "S3 could not decrypt this object: the KMS key that protects it is disabled. "
                             "Enable the key in KMS, then try again.",
    "DisabledException": "The KMS key is disabled. Enable it to use it again.",
    "KMS.KMSInvalidStateException": "S3 could not use the KMS key that protects this object: the key is pending "
                                    "deletion or otherwise not usable.",
    "KMSInvalidStateException": "The KMS key is not in a state that allows this (for example, it is pending deletion).",
    "KMS.NotFoundException": "S3 could not find the KMS key that protects this object.",
    "NotFoundException": "The KMS key was not found.",
    "InvalidObjectState": "This object is archived (GLACIER or DEEP_ARCHIVE). Initiate a restore, and download it "
                          "once the restore completes.",
    "NoSuchBucket": "The bucket does not exist.",
    "NoSuchKey": "The object does not exist.",
    "BucketAlreadyExists": "Bucket names are shared by every account: this one is taken. Choose another name.",
    "BucketAlreadyOwnedByYou": "You already own a bucket with this name.",
    "InvalidBucketName": "Bucket names are 3 to 63 lowercase letters, digits, dots and hyphens.",
    "MalformedPolicyDocument": "The policy document is not valid.",
    "MalformedPolicyDocumentException": "The key policy is not valid.",
    "EntityAlreadyExists": "Something with this name already exists.",
    "NoSuchEntity": "It does not exist (any more).",
    "PasswordPolicyViolation": "The password does not meet the account's password policy.",
    "ValidationException": "A value you entered is not valid.",
    "ValidationError": "A value you entered is not valid.",
    "InvalidArgument": "A value you entered is not valid.",
    "AlreadyExistsException": "An alias with this name already exists.",
    "LimitExceededException": "An AWS limit is reached.",
    "DeleteConflict": "It is still in use; remove what depends on it first.",
}


def plain(error: AwsError) -> dict:
    """{"plain": learner's words, "code": AWS code, "message": AWS message}."""
    return {
        "plain": _PLAIN.get(error.code, "AWS refused the request."),
        "code": error.code,
        "message": error.message,
    }
