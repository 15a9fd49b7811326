"""Amazon Simple Storage Service.

Layout: ``errors`` (every S3 error), ``schema`` (tables), domain modules
named after what they hold (``buckets``, ``acl``, ``objects``, ``listing``,
``encryption`` (how bodies are framed and sealed on disk),
``server_side_encryption`` (whose key protects an object), ``checksums``,
``conditions``, ``ranges``, ``tagging``, ``multipart``, ``cors``,
``restore``, ``lifecycle``, ``object_lock``), and ``operations_*``: one plain
function per AWS operation.
"""
from __future__ import annotations

import functools

from simulator.registry import Service

from . import buckets, checksums, lifecycle, schema  # noqa: F401  (schema declares the tables)
from .errors import MalformedXML, MethodNotAllowed, NotImplemented, argument_error

# A request matching no operation is MethodNotAllowed (405); an operation of
# the model that awsbox does not simulate is NotImplemented (501). Input the
# protocol refuses is InvalidArgument (``argument_error`` words it).
s3 = Service("s3", validation_error=argument_error, unknown_operation=MethodNotAllowed,
             not_implemented=NotImplemented, malformed_body=MalformedXML)
s3.check_document = checksums.verify_document
s3.expected_region = buckets.expected_region


def operation(fn):
    """Register an S3 handler. What the bucket's lifecycle rules have made
    due by the simulator clock is carried out first, so every call sees the
    bucket as it is now."""
    @functools.wraps(fn)
    def handler(ctx, params):
        if params.get("Bucket"):
            lifecycle.settle(ctx, params["Bucket"])
        return fn(ctx, params)

    return s3.operation(handler)

from . import cors  # noqa: E402

s3.cors = cors

from . import (  # noqa: E402,F401  (registers the handlers)
    operations_acl,
    operations_bucket_configuration,
    operations_buckets,
    operations_encryption,
    operations_listing,
    operations_multipart,
    operations_object_lock,
    operations_objects,
    operations_storage_classes,
)
