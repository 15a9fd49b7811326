"""AWS errors as data.

Every service declares its errors as subclasses of :class:`AwsError` named after
AWS's error code; the protocol layer renders them in the service's own format.
Handlers raise them and know nothing of HTTP.
"""
from __future__ import annotations


class AwsError(Exception):
    """An error AWS would return. The class name is the AWS error code unless
    ``code`` is set explicitly; ``status`` is the HTTP status."""

    code: str = "InternalError"
    status: int = 400
    sender_fault: bool = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "code" not in cls.__dict__:
            cls.code = cls.__name__

    def __init__(self, message: str = "", *, status: int | None = None, headers: dict | None = None, **fields):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        # Extra members AWS puts in the error body (S3: BucketName, Key, ...).
        self.fields = fields
        # Extra response headers (S3: x-amz-delete-marker on NoSuchKey, ...).
        self.headers = headers or {}

    def __repr__(self):
        return f"{type(self).__name__}({self.message!r})"


class InternalError(AwsError):
    """A bug of ours: rendered with the request id, logged with its traceback."""

    status = 500
    sender_fault = False

    def __init__(self, message: str = "We encountered an internal error. Please try again.", **kw):
        super().__init__(message, **kw)


class ServiceUnavailable(AwsError):
    status = 503
    sender_fault = False


class RequestHeaderSectionTooLarge(AwsError):
    """Headers past what AWS accepts (8 KiB of them for S3)."""

    def __init__(self, message: str = "Your request header section exceeds the maximum allowed size.", **kw):
        super().__init__(message, **kw)
