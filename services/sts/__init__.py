"""AWS Security Token Service."""
from simulator.registry import Service

from .errors import InvalidAction, ValidationError

sts = Service("sts", validation_error=ValidationError, unknown_operation=InvalidAction, global_service=True)

from . import operations  # noqa: E402,F401  (registers the handlers)
