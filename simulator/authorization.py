"""The one decision point every request passes through.

Each service may register an authorizer: ``fn(ctx) -> None`` that raises the
service's access-denied error when the policy engine says no. Until a
service has one, the rule is the account boundary: a principal acts only in
its own account.
"""
from __future__ import annotations

from typing import Callable

_AUTHORIZERS: dict[str, Callable] = {}


def register(service: str, authorizer: Callable) -> None:
    _AUTHORIZERS[service] = authorizer


def authorize(ctx) -> None:
    if ctx.app.config.iam == "off":
        return
    authorizer = _AUTHORIZERS.get(ctx.service)
    if authorizer is not None:
        authorizer(ctx)
