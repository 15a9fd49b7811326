"""STS errors (Query protocol). STS and IAM are one family on the wire: the
errors they share are IAM's classes, so each exists once."""
from services.iam.errors import AccessDenied, InvalidAction, MalformedPolicyDocument, ValidationError
from simulator.errors import AwsError

__all__ = ["AccessDenied", "InvalidAction", "InvalidParameterValue", "MalformedPolicyDocument", "PackedPolicyTooLarge",
           "ValidationError"]


class PackedPolicyTooLarge(AwsError):
    pass


class InvalidParameterValue(AwsError):
    pass
