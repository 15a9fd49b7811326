"""IAM errors (Query protocol): AWS's codes, HTTP statuses and messages."""
from simulator.errors import AwsError


class ValidationError(AwsError):
    pass


class InvalidAction(AwsError):
    pass


class InvalidInput(AwsError):
    pass


class NoSuchEntity(AwsError):
    status = 404


class EntityAlreadyExists(AwsError):
    status = 409


class DeleteConflict(AwsError):
    status = 409


class LimitExceeded(AwsError):
    status = 409


class MalformedPolicyDocument(AwsError):
    pass


class PasswordPolicyViolation(AwsError):
    pass


class InvalidUserType(AwsError):
    pass


class AccessDenied(AwsError):
    status = 403


# -- the messages IAM words the same way everywhere ----------------------------

def no_such_user(name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The user with name {name} cannot be found.")


def no_such_group(name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The group with name {name} cannot be found.")


def no_such_role(name: str) -> NoSuchEntity:
    return NoSuchEntity(f"The role with name {name} cannot be found.")


def no_such_policy(arn: str) -> NoSuchEntity:
    return NoSuchEntity(f"Policy {arn} was not found.")


def not_attachable(arn: str) -> NoSuchEntity:
    return NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")


def no_such_version(arn: str, version_id: str) -> NoSuchEntity:
    return NoSuchEntity(f"Policy {arn} version {version_id} does not exist or is not attachable.")


def quota(name: str, limit: int) -> LimitExceeded:
    return LimitExceeded(f"Cannot exceed quota for {name}: {limit}")
