"""Request parsing and response serialization for AWS's protocols, driven by
botocore's service models: one generic implementation per protocol, so
operation handlers never touch HTTP."""
from __future__ import annotations

from .json import JsonProtocol
from .protocol import RESPONSE_STATUS, Protocol
from .query import QueryProtocol
from .rest_xml import RestXmlProtocol

_PROTOCOLS: dict[str, Protocol] = {
    "json": JsonProtocol(),
    "query": QueryProtocol(),
    "rest-xml": RestXmlProtocol(),
}


def protocol_for(service) -> Protocol:
    """The protocol of a registry.Service (service.protocol)."""
    return _PROTOCOLS[service.protocol]


__all__ = ["Protocol", "protocol_for", "RESPONSE_STATUS"]
