"""STS errors (Query protocol)."""
from simulator.errors import AwsError


class ValidationError(AwsError):
    pass


class InvalidAction(AwsError):
    pass


class MalformedQueryString(AwsError):
    status = 404


class AccessDenied(AwsError):
    status = 403


class ExpiredTokenException(AwsError):
    pass


class MalformedPolicyDocument(AwsError):
    pass


class PackedPolicyTooLarge(AwsError):
    pass


class RegionDisabledException(AwsError):
    status = 403


class InvalidClientTokenId(AwsError):
    status = 403
