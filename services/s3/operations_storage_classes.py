"""Storage-class operations: RestoreObject, and lifecycle configuration."""
from __future__ import annotations

from simulator.protocols import RESPONSE_STATUS

from . import buckets, lifecycle, objects, operation, restore
from .errors import NoSuchLifecycleConfiguration


@operation
def restore_object(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    row = objects.find(ctx, bucket["name"], params["Key"], params.get("VersionId"), method="POST")
    started = restore.request(ctx, row, params.get("RestoreRequest") or {})
    # 202 Accepted when a restore starts; 200 when an available copy's
    # expiry is only moved.
    return {RESPONSE_STATUS: 202 if started else 200}


@operation
def put_bucket_lifecycle_configuration(ctx, params):
    bucket = buckets.get(ctx, params["Bucket"])
    configuration = lifecycle.validate(params.get("LifecycleConfiguration") or {},
                                       params.get("TransitionDefaultMinimumObjectSize"))
    buckets.put_config(ctx, bucket, "lifecycle", configuration)
    return {"TransitionDefaultMinimumObjectSize": configuration["TransitionDefaultMinimumObjectSize"]}


@operation
def get_bucket_lifecycle_configuration(ctx, params):
    return lifecycle.stored(buckets.configured(ctx, params, "lifecycle", NoSuchLifecycleConfiguration))


@operation
def delete_bucket_lifecycle(ctx, params):
    # When the rules last ran goes with them, so new rules apply at once.
    return buckets.unconfigure(ctx, params, "lifecycle", "lifecycle-settled")
