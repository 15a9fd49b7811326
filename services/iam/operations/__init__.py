"""IAM's operations, one plain function per AWS operation, grouped by what
they act on. Importing the package registers them all."""
from . import account, groups, passwords, policies, roles, users  # noqa: F401
