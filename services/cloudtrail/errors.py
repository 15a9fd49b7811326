"""CloudTrail's errors, named after AWS's error codes. CloudTrail is a JSON
protocol service: rendered as ``{"__type": code, "message": text}``."""
from simulator.errors import AwsError


class CloudTrailError(AwsError):
    status = 400


class AccessDeniedException(CloudTrailError):
    """A denial by the caller's identity-based policies."""


class ValidationException(CloudTrailError):
    pass


class SerializationException(CloudTrailError):
    pass


class UnknownOperationException(CloudTrailError):
    pass


class InvalidLookupAttributesException(CloudTrailError):
    pass


class InvalidTimeRangeException(CloudTrailError):
    pass


class InvalidMaxResultsException(CloudTrailError):
    pass


class InvalidNextTokenException(CloudTrailError):
    pass


class InvalidEventCategoryException(CloudTrailError):
    pass
