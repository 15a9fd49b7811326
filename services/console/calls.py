"""Every console action is an AWS operation, called as the signed-in
principal through the same path the API takes: the input is validated
against the botocore model, then ``Simulator.execute`` authorizes it with the
policy engine, runs the service's handler and records the event. What a
user may not do with boto3 they may not do here, and they get AWS's error.
"""
from __future__ import annotations

import uuid

from flask import g, request

from simulator import registry
from simulator.context import RequestContext
from simulator.protocols import shapes
from simulator.protocols.protocol import nodes

from .sessions import simulator

# CloudTrail's userAgent and sourceIPAddress of calls the AWS console makes.
CONSOLE_AGENT = "console.amazonaws.com"


def call(service: str, operation: str, params: dict | None = None, *, region: str | None = None) -> dict:
    """Run ``service``'s ``operation`` with AWS's input ``params`` as the
    signed-in principal, in ``region`` (default: the console's Region).
    Raises the service's AwsError as the API would."""
    session = g.session
    svc = registry.service(service)
    params = {k: v for k, v in (params or {}).items() if v is not None}
    input_node, _ = nodes(svc, operation)
    if input_node is not None:
        # S3 checks only that required members are there (its documents are
        # validated against the schema, not the model's limits), like its
        # protocol does.
        errors = shapes.validate(input_node, params, constraints=svc.protocol != "rest-xml")
        if errors:
            raise svc.validation_error(shapes.validation_message(errors))
    sim = simulator()
    ctx = RequestContext(
        request_id=str(uuid.uuid4()),
        service=service,
        operation=operation,
        account_id=session.principal.account_id,
        region="us-east-1" if svc.global_service else (region or session.region),
        principal=session.principal,
        params=params,
        now=sim.clock.now(),
        app=sim,
        source_ip=request.remote_addr or "127.0.0.1",
        user_agent=CONSOLE_AGENT,
        secure_transport=request.scheme == "https",
    )
    return sim.execute(ctx)


def available(service: str, operation: str) -> bool:
    """Whether this build implements the operation (the console offers
    only what the service can do)."""
    try:
        return operation in registry.service(service).handlers
    except KeyError:
        return False
