"""Custom key stores (AWS CloudHSM clusters, external key store proxies).

awsbox simulates neither an HSM cluster nor an XKS proxy, so no custom key
store can exist: creating one answers UnsupportedOperationException naming
what is not simulated, and every operation on a store id answers
CustomKeyStoreNotFoundException, which is the truth for this endpoint.
"""
from __future__ import annotations

from . import errors, operation


def _not_found():
    return errors.CustomKeyStoreNotFoundException("")


@operation
def create_custom_key_store(ctx, params):
    raise errors.UnsupportedOperationException(
        "Custom key stores (AWS CloudHSM key stores and external key stores) are not simulated by awsbox."
    )


@operation
def describe_custom_key_stores(ctx, params):
    if params.get("CustomKeyStoreId") is not None or params.get("CustomKeyStoreName") is not None:
        raise _not_found()
    return {"CustomKeyStores": [], "Truncated": False}


@operation
def connect_custom_key_store(ctx, params):
    raise _not_found()


@operation
def disconnect_custom_key_store(ctx, params):
    raise _not_found()


@operation
def update_custom_key_store(ctx, params):
    raise _not_found()


@operation
def delete_custom_key_store(ctx, params):
    raise _not_found()
