"""Console passwords at the account level: the account password policy, and
ChangePassword, by which an IAM user replaces its own password."""
from __future__ import annotations

from .. import entities, iam, login_profiles, password_policy
from ..errors import InvalidUserType, no_such_user
from .caller import now


@iam.operation
def change_password(ctx, params):
    principal = ctx.principal
    if principal.type != "IAMUser":
        # Only an IAM user has a console password this operation can change.
        raise InvalidUserType("Only IAM Users can change their own password.")
    with ctx.store.tx() as db:
        user = entities.find_by_id(db, ctx.account_id, principal.user_id)
        if user is None:
            raise no_such_user(principal.name)
        login_profiles.change(db, user, params["OldPassword"], params["NewPassword"], now(ctx))
    return {}


@iam.operation
def get_account_password_policy(ctx, params):
    return {"PasswordPolicy": password_policy.shape(password_policy.required(ctx.store.read(), ctx.account_id))}


@iam.operation
def update_account_password_policy(ctx, params):
    with ctx.store.tx() as db:
        password_policy.put(db, ctx.account_id, params)
    return {}


@iam.operation
def delete_account_password_policy(ctx, params):
    with ctx.store.tx() as db:
        password_policy.delete(db, ctx.account_id)
    return {}
