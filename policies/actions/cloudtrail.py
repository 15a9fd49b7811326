"""AWS CloudTrail operations -> IAM actions (Service Authorization
Reference, "AWS CloudTrail"). awsbox implements the event history
(LookupEvents), whose action has no resource type."""
from __future__ import annotations

from .requirement import Requirement


def _lookup_events(params, scope):
    return [Requirement("cloudtrail:LookupEvents", "*")]


OPERATIONS = {"LookupEvents": _lookup_events}
