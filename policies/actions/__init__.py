"""Which IAM actions an operation needs, on which resources, with which
service condition keys: AWS's Service Authorization Reference, one module per
service (``kms``, ``s3``, ``iam``, ``sts``, ``cloudtrail``).

Each module holds ``OPERATIONS``: operation name -> ``fn(params, scope)``
returning the :class:`Requirement` list the caller must satisfy (all of them;
an empty list: AWS checks no permission for the operation). ``params`` is the
validated input dict; ``scope`` is the :class:`Scope` of the request, whose
``names`` turns what a request names into ARNs (a KMS alias into its key, an
IAM user name into its ARN with its path). Finding those is I/O, so the
authorizer of each service supplies it; this package stays pure.
"""
from __future__ import annotations

from . import cloudtrail, iam, kms, s3, sts
from .requirement import Requirement, Scope

__all__ = ["Requirement", "Scope", "mapped", "requirements"]


_MAPS = {"kms": kms.OPERATIONS, "s3": s3.OPERATIONS, "iam": iam.OPERATIONS, "sts": sts.OPERATIONS,
         "cloudtrail": cloudtrail.OPERATIONS}


def mapped(service: str) -> frozenset[str]:
    """The operations of ``service`` the map knows."""
    return frozenset(_MAPS.get(service, ()))


def requirements(service: str, operation: str, params: dict, scope: Scope) -> list[Requirement]:
    """What ``operation`` needs. LookupError for an operation the map does
    not know: the caller refuses rather than guess."""
    try:
        describe = _MAPS[service][operation]
    except KeyError:
        raise LookupError(f"no authorization mapping for {service}:{operation}") from None
    return describe(params, scope)
