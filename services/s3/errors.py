"""S3's errors, named after AWS's error codes, with AWS's statuses and
default messages.

S3 (a REST-XML service) renders them as ``<Error><Code/><Message/>...</Error>``
with extra members per error (``BucketName``, ``Key``, ``Condition``...):
raise them with those as keyword fields, e.g.
``NoSuchKey("The specified key does not exist.", Key=key)``. A bare
``NoSuchKey()`` carries the default message.
"""
from __future__ import annotations

from simulator.errors import AwsError


class S3Error(AwsError):
    status = 400
    default_message = ""

    def __init__(self, message: str = "", **kw):
        super().__init__(message or self.default_message, **kw)


def _error(name: str, status: int, message: str) -> type[S3Error]:
    return type(name, (S3Error,), {"status": status, "default_message": message, "__module__": __name__})


# -- request shape -------------------------------------------------------------
InvalidArgument = _error("InvalidArgument", 400, "Invalid Argument")
BadRequest = _error("BadRequest", 400, "Bad Request")
InvalidRequest = _error("InvalidRequest", 400, "Invalid Request")
MalformedXML = _error(
    "MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema"
)
NotImplemented = _error("NotImplemented", 501, "A header you provided implies functionality that is not implemented")
MethodNotAllowed = _error("MethodNotAllowed", 405, "The specified method is not allowed against this resource.")
AccessDenied = _error("AccessDenied", 403, "Access Denied")
InvalidBucketName = _error("InvalidBucketName", 400, "The specified bucket is not valid.")
KeyTooLongError = _error("KeyTooLongError", 400, "Your key is too long")
MetadataTooLarge = _error("MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size.")
InvalidStorageClass = _error("InvalidStorageClass", 400, "The storage class you specified is not valid")
InvalidTag = _error("InvalidTag", 400, "The TagKey you have provided is invalid")
MalformedPolicy = _error("MalformedPolicy", 400, "Policies must be valid JSON and the first byte must be '{'")
MissingSecurityHeader = _error("MissingSecurityHeader", 400, "Your request was missing a required header")
UnexpectedContent = _error("UnexpectedContent", 400, "This request does not support content")
InvalidRedirectLocation = _error(
    "InvalidRedirectLocation", 400, "The website redirect location must have a prefix of 'http://' or 'https://' or '/'."
)

# Integer query parameters AWS refuses in its own words when the value is no
# 32-bit integer at all ("abc", "2147483648"; recorded against S3). The
# protocol refuses such a value before any handler sees it, naming it in
# ArgumentName; a negative one reaches the handler, which has its own words.
NOT_AN_INTEGER = frozenset({"max-keys", "max-uploads", "max-parts", "part-number-marker"})


# Headers S3 refuses in words of their own when their value does not parse
# (recorded against S3 in versitygw issue 1733).
UNPARSABLE_HEADERS = {
    "x-amz-object-lock-retain-until-date": "The retain until date must be provided in ISO 8601 format",
}


def argument_error(message: str = "", **fields) -> S3Error:
    """S3's validation error, raised by the protocol for input that breaks
    the model: InvalidArgument, in AWS's words where they are on record."""
    name = fields.get("ArgumentName")
    if name in NOT_AN_INTEGER and "ArgumentValue" in fields:
        message = f"Provided {name} not an integer or within integer range"
    elif name in UNPARSABLE_HEADERS:
        message = UNPARSABLE_HEADERS[name]
    return InvalidArgument(message, **fields)


# -- access control lists --------------------------------------------------------
AccessControlListNotSupported = _error("AccessControlListNotSupported", 400, "The bucket does not allow ACLs")
MalformedACLError = _error(
    "MalformedACLError", 400, "The XML you provided was not well-formed or did not validate against our published schema"
)
UnresolvableGrantByEmailAddress = _error(
    "UnresolvableGrantByEmailAddress", 400, "The e-mail address you provided does not match any account on record."
)

InvalidEncryptionAlgorithmError = _error(
    "InvalidEncryptionAlgorithmError", 400, "The Encryption request you specified is not valid. Supported value: AES256."
)

# -- buckets -------------------------------------------------------------------
NoSuchBucket = _error("NoSuchBucket", 404, "The specified bucket does not exist")
BucketAlreadyExists = _error(
    "BucketAlreadyExists",
    409,
    "The requested bucket name is not available. The bucket namespace is shared by all users of the system."
    " Please select a different name and try again.",
)
BucketAlreadyOwnedByYou = _error(
    "BucketAlreadyOwnedByYou", 409, "Your previous request to create the named bucket succeeded and you already own it."
)
BucketNotEmpty = _error("BucketNotEmpty", 409, "The bucket you tried to delete is not empty")
InvalidLocationConstraint = _error("InvalidLocationConstraint", 400, "The specified location-constraint is not valid")
IllegalLocationConstraintException = _error("IllegalLocationConstraintException", 400, "")
TooManyBuckets = _error("TooManyBuckets", 400, "You have attempted to create more buckets than allowed")
InvalidBucketAclWithObjectOwnership = _error(
    "InvalidBucketAclWithObjectOwnership", 400, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"
)
InvalidBucketAclWithBlockPublicAccessError = _error(
    "InvalidBucketAclWithBlockPublicAccessError", 400, "Bucket cannot have public ACLs set with BlockPublicAccess enabled"
)
IllegalVersioningConfigurationException = _error(
    "IllegalVersioningConfigurationException", 400, "The Versioning element must be specified"
)
InvalidBucketState = _error("InvalidBucketState", 409, "The request is not valid with the current state of the bucket.")
NoSuchBucketPolicy = _error("NoSuchBucketPolicy", 404, "The bucket policy does not exist")
NoSuchTagSet = _error("NoSuchTagSet", 404, "The TagSet does not exist")
NoSuchCORSConfiguration = _error("NoSuchCORSConfiguration", 404, "The CORS configuration does not exist")
NoSuchLifecycleConfiguration = _error("NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist")
NoSuchPublicAccessBlockConfiguration = _error(
    "NoSuchPublicAccessBlockConfiguration", 404, "The public access block configuration was not found"
)
OwnershipControlsNotFoundError = _error(
    "OwnershipControlsNotFoundError", 404, "The bucket ownership controls were not found"
)
AccessForbidden = _error(
    "AccessForbidden",
    403,
    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method"
    " / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
)

# -- objects -------------------------------------------------------------------
NoSuchKey = _error("NoSuchKey", 404, "The specified key does not exist.")
NoSuchVersion = _error("NoSuchVersion", 404, "The specified version does not exist.")
PreconditionFailed = _error("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold")
ConditionalRequestConflict = _error(
    "ConditionalRequestConflict",
    409,
    "The conditional request cannot succeed due to a conflicting operation against this resource.",
)
NotModified = _error("NotModified", 304, "Not Modified")
InvalidPartNumber = _error("InvalidPartNumber", 416, "The requested partnumber is not satisfiable")
InvalidRange = _error("InvalidRange", 416, "The requested range is not satisfiable")
InvalidObjectState = _error("InvalidObjectState", 403, "The operation is not valid for the object's storage class")
RestoreAlreadyInProgress = _error("RestoreAlreadyInProgress", 409, "Object restore is already in progress")
IncompleteBody = _error(
    "IncompleteBody", 400, "You did not provide the number of bytes specified by the Content-Length HTTP header"
)
EntityTooLarge = _error("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size")

# -- object lock -----------------------------------------------------------------
ObjectLockConfigurationNotFoundError = _error(
    "ObjectLockConfigurationNotFoundError", 404, "Object Lock configuration does not exist for this bucket"
)
NoSuchObjectLockConfiguration = _error(
    "NoSuchObjectLockConfiguration", 404, "The specified object does not have a ObjectLock configuration"
)

# -- integrity -----------------------------------------------------------------
BadDigest = _error("BadDigest", 400, "The Content-MD5 you specified did not match what we received.")
InvalidDigest = _error("InvalidDigest", 400, "The Content-MD5 you specified was invalid.")

# -- multipart -----------------------------------------------------------------
NoSuchUpload = _error(
    "NoSuchUpload",
    404,
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
)
EntityTooSmall = _error("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed size")
InvalidPart = _error(
    "InvalidPart",
    400,
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified"
    " entity tag may not match the part's entity tag.",
)
InvalidPartOrder = _error(
    "InvalidPartOrder",
    400,
    "The list of parts was not in ascending order. Parts must be ordered by part number.",
)

# -- server side ---------------------------------------------------------------
ServerSideEncryptionConfigurationNotFoundError = _error(
    "ServerSideEncryptionConfigurationNotFoundError", 404, "The server side encryption configuration was not found"
)


class KmsFailure(S3Error):
    """An error KMS returned when S3 called it on the caller's behalf. AWS
    surfaces it with the code prefixed ``KMS.`` (``KMS.DisabledException``,
    ``KMS.NotFoundException``, ``KMS.KMSInvalidStateException``), KMS's
    message and status 400."""

    def __init__(self, kms_code: str, message: str):
        super().__init__(message)
        self.code = f"KMS.{kms_code}"
