"""STS operations: one plain function per AWS operation."""
from . import sts


@sts.operation
def get_caller_identity(ctx, params):
    principal = ctx.principal
    return {"UserId": principal.user_id, "Account": principal.account_id, "Arn": principal.arn}
