"""The one decision point every request passes through, HTTP and in-process
calls alike (``Simulator.execute`` calls :func:`authorize` before every
handler).

Each service has an authorizer, ``fn(ctx) -> None``: it maps the operation to
the IAM actions it needs (:mod:`policies.actions`), gathers the policies that
decide (:mod:`policies.authorizers`), asks the engine, puts each decision's
reasons on ``ctx.decisions`` and raises the service's access-denied error
when the engine says no. A handler that needs one more decision once it has
read its resource (S3's bypass of a GOVERNANCE retention) asks
:func:`permits`, which the service's module answers the same way.
``Config.iam`` chooses: ``enforce`` (AWS's
behaviour), ``audit`` (every decision recorded, denials let through: for
tightening an application to least privilege) or ``off``.
"""
from __future__ import annotations

import importlib
from typing import Callable

from .errors import InternalError

_AUTHORIZERS: dict[str, Callable] = {}
# Loaded on first use: they read the services' stores, which import after us.
_BUILT_IN = {service: f"policies.authorizers.{service}" for service in ("kms", "s3", "iam", "sts", "cloudtrail")}


def register(service: str, authorizer: Callable) -> None:
    _AUTHORIZERS[service] = authorizer


def _authorizer(service: str) -> Callable:
    authorizer = _AUTHORIZERS.get(service)
    if authorizer is None:
        if service not in _BUILT_IN:
            # A service nobody authorizes is a bug, never an open door.
            raise InternalError()
        authorizer = importlib.import_module(_BUILT_IN[service]).authorize
        register(service, authorizer)
    return authorizer


def authorize(ctx) -> None:
    if ctx.app.config.iam == "off":
        return
    _authorizer(ctx.service)(ctx)


def permits(ctx, action: str, resource: str, context: dict | None = None, *, record: bool = True) -> bool:
    """Whether the caller may do ``action`` on ``resource`` besides what its
    operation needed. The decision goes on the request's trail unless
    ``record`` is False (a permission that only decides what a response
    shows); in audit mode a denial is recorded and the answer is yes."""
    if ctx.app.config.iam == "off":
        return True
    if ctx.service not in _BUILT_IN:
        raise InternalError()
    module = importlib.import_module(_BUILT_IN[ctx.service])
    return module.permits(ctx, action, resource, context or {}, record=record)
