"""awsbox: KMS, S3, IAM and STS on one local endpoint."""

__version__ = "0.1.0"
