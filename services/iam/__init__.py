"""AWS Identity and Access Management (Query protocol, global: one region)."""
from simulator.registry import Service

from . import schema  # noqa: F401  (declares the tables)
from .errors import InvalidAction, ValidationError

iam = Service("iam", validation_error=ValidationError, unknown_operation=InvalidAction, global_service=True)

from . import operations  # noqa: E402,F401  (registers the handlers)
from . import simulator_api  # noqa: E402,F401  (the policy simulator, answered by the policy engine)
