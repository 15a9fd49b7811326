"""botocore's service models: the single source of truth for operation
names, shapes, enums and limits."""
from __future__ import annotations

import functools

import botocore.session


@functools.lru_cache(maxsize=None)
def _session():
    return botocore.session.get_session()


@functools.lru_cache(maxsize=None)
def service_model(name: str):
    return _session().get_service_model(name)
