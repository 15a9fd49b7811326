"""The regions a service exists in, from botocore's endpoint data: what
S3 takes as a LocationConstraint, and where a seed may put a KMS key."""
from __future__ import annotations

import functools

import botocore.session


@functools.lru_cache(maxsize=None)
def of(service: str) -> frozenset[str]:
    session = botocore.session.get_session()
    return frozenset(
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions(service, partition_name=partition)
    )
