"""AWS CloudTrail: LookupEvents over the simulator's event trail
(``simulator/events.py`` records; this service reads)."""
from simulator.registry import Service

from .errors import SerializationException, UnknownOperationException, ValidationException

cloudtrail = Service(
    "cloudtrail",
    validation_error=ValidationException,
    unknown_operation=UnknownOperationException,
    malformed_body=SerializationException,
)

from . import operations  # noqa: E402,F401  (registers the handlers)
