"""Who is calling, what they ask, and when: the one object every handler,
the policy engine and the event trail receive."""
from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Any, Optional


@dataclasses.dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    account_id: str
    arn: str
    type: str  # "Root" | "IAMUser" | "AssumedRole" | "FederatedUser"
    user_id: str  # account id for root, AIDA... for users, AROA...:session for roles
    name: Optional[str] = None  # user name, or role session name
    access_key_id: Optional[str] = None
    session: Optional[dict] = None  # temporary credentials: role_arn, policies, tags, ...

    @property
    def is_root(self) -> bool:
        return self.type == "Root"


@dataclasses.dataclass
class RequestContext:
    request_id: str
    service: str  # "kms" | "s3" | "iam" | "sts" | "cloudtrail"
    operation: str  # AWS operation name, e.g. "GenerateDataKey"
    account_id: str
    region: str
    principal: Principal
    params: dict
    now: _dt.datetime  # the simulator clock at request start
    app: Any  # the Simulator: store, clock, config, services
    source_ip: str = "127.0.0.1"
    user_agent: str = ""
    secure_transport: bool = False
    # Set when another service calls in process on the caller's behalf,
    # e.g. "s3.amazonaws.com" for the KMS calls S3 makes.
    via_service: Optional[str] = None
    # The HTTP request, for the few handlers that need raw headers (S3). None
    # for in-process calls.
    http: Any = None
    # Filled by authorization: the decision and its reasons, for the trail.
    decisions: list = dataclasses.field(default_factory=list)

    @property
    def store(self):
        return self.app.store

    def call(self, service: str, operation: str, params: dict, *, via: str | None = None) -> dict:
        """Call another service's operation in process, as the same caller.
        Authorized and recorded like any other call, marked as made via
        ``via`` (default: this service)."""
        return self.app.invoke_in_process(self, service, operation, params, via=via or f"{self.service}.amazonaws.com")
