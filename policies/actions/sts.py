"""AWS STS operations -> IAM actions (Service Authorization Reference, "AWS
Security Token Service"; STS API Reference, each operation's "Permissions").

AssumeRole is authorized by the STS operation itself, which must weigh the
role's trust policy (a resource policy of its own kind) with the caller's
identity policies and also checks sts:TagSession; the map still names what
it needs, for the policy simulator and the trail. GetCallerIdentity and
GetSessionToken need no permission: AWS documents that an explicit deny of
them has no effect. The web identity and SAML forms have no caller identity
to check: the trust policy alone decides, in the operation.
"""
from __future__ import annotations

from .requirement import Requirement


def _assume_role(params, scope):
    found = [Requirement("sts:AssumeRole", params["RoleArn"])]
    if params.get("Tags") or params.get("TransitiveTagKeys"):
        found.append(Requirement("sts:TagSession", params["RoleArn"]))
    return found


def _federation_token(params, scope):
    return [Requirement("sts:GetFederationToken", f"arn:aws:sts::{scope.account_id}:federated-user/{params['Name']}")]


def _nothing(params, scope):
    return []


def _everything(action: str):
    def describe(params, scope):
        return [Requirement(action, "*")]
    return describe


OPERATIONS = {
    "AssumeRole": _assume_role,
    "AssumeRoleWithSAML": _nothing,
    "AssumeRoleWithWebIdentity": _nothing,
    "DecodeAuthorizationMessage": _everything("sts:DecodeAuthorizationMessage"),
    "GetAccessKeyInfo": _everything("sts:GetAccessKeyInfo"),
    "GetCallerIdentity": _nothing,
    "GetFederationToken": _federation_token,
    "GetSessionToken": _nothing,
}
