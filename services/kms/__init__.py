"""AWS Key Management Service.

Layout: ``errors`` (every KMS error), ``schema`` (tables), domain modules
named after what they hold (``keys``, ``key_ids``, ``key_material``,
``ciphertext``, ``asymmetric``, ``rotation``, ``lifecycle``, ``grants``,
``aliases``, ``tags``, ``imports``, ``policies_default``), and
``operations_*``: one plain function per AWS operation.
"""
from __future__ import annotations

import functools

from simulator.registry import Service

from . import lifecycle, schema  # noqa: F401  (schema declares the tables)
from .errors import SerializationException, UnknownOperationException, ValidationException

kms = Service(
    "kms",
    validation_error=ValidationException,
    unknown_operation=UnknownOperationException,
    malformed_body=SerializationException,
)


def operation(fn):
    """Register a KMS handler. Whatever the simulator clock has made due
    (deletions, rotations, expiries) is applied first, so every call sees
    the keys as they are now."""
    @functools.wraps(fn)
    def handler(ctx, params):
        lifecycle.settle(ctx)
        return fn(ctx, params)

    return kms.operation(handler)


from . import (  # noqa: E402,F401  (registers the handlers)
    operations_aliases,
    operations_asymmetric,
    operations_crypto,
    operations_custom_key_stores,
    operations_grants,
    operations_import,
    operations_keys,
    operations_policies,
    operations_rotation,
    operations_tags,
)
