"""Who an IAM request is about when it names no one: the calling user."""
from __future__ import annotations

from .. import entities
from ..errors import ValidationError
from ..identifiers import USER


def now(ctx) -> float:
    return ctx.now.timestamp()


def user(db, ctx, name: str | None):
    """The user named, or the calling IAM user when no name is given."""
    if name:
        return entities.find(db, ctx.account_id, USER, name)
    principal = ctx.principal
    if principal.type == "IAMUser":
        row = entities.find_by_id(db, ctx.account_id, principal.user_id)
        if row is not None:
            return row
    raise ValidationError("Must specify userName when calling with non-User credentials")
