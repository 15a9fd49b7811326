"""IAM operations -> IAM actions (Service Authorization Reference, "AWS
Identity and Access Management (IAM)").

Every IAM operation's action is ``iam:<Operation>``; what differs is the
resource: the user, group, role, managed policy, instance profile, identity
provider, server certificate or MFA device the request names, or "*" for
account-wide operations. Operations whose UserName is optional act on the
calling user when it is omitted.

``scope.names`` resolves names: ``entity_arn(kind, name)`` -> the ARN of the
user / group / role (with its path; "/" when there is none of that name),
``access_key_owner(access_key_id)`` -> the ARN of the user owning an access
key, or None.
"""
from __future__ import annotations

from .requirement import Requirement

_ACCOUNT_WIDE = (
    "CreateAccountAlias", "DeleteAccountAlias", "DeleteAccountPasswordPolicy", "GenerateCredentialReport",
    "GetAccountAuthorizationDetails", "GetAccountPasswordPolicy", "GetAccountSummary", "GetContextKeysForCustomPolicy",
    "GetCredentialReport", "GetServiceLastAccessedDetails", "GetServiceLastAccessedDetailsWithEntities",
    "ListAccountAliases", "ListGroups", "ListInstanceProfiles", "ListOpenIDConnectProviders", "ListPolicies",
    "ListSAMLProviders", "ListServerCertificates", "ListVirtualMFADevices",
    "SetSecurityTokenServicePreferences", "SimulateCustomPolicy", "UpdateAccountPasswordPolicy",
)
_ON_USER = (
    "CreateLoginProfile", "CreateServiceSpecificCredential", "DeactivateMFADevice", "DeleteLoginProfile",
    "DeleteSSHPublicKey", "DeleteServiceSpecificCredential", "DeleteUser", "DeleteUserPermissionsBoundary",
    "DeleteUserPolicy", "EnableMFADevice", "GetLoginProfile", "GetSSHPublicKey", "GetUserPolicy",
    "ListAttachedUserPolicies", "ListGroupsForUser", "ListUserPolicies", "ListUserTags", "PutUserPolicy",
    "ResetServiceSpecificCredential", "ResyncMFADevice", "UpdateLoginProfile", "UpdateSSHPublicKey",
    "UpdateServiceSpecificCredential", "UpdateUser", "UploadSSHPublicKey",
)
# UserName may be omitted: the operation then acts on the calling user.
_ON_USER_OR_CALLER = (
    "CreateAccessKey", "DeleteAccessKey", "DeleteSigningCertificate", "GetUser", "ListAccessKeys", "ListMFADevices",
    "ListSSHPublicKeys", "ListServiceSpecificCredentials", "ListSigningCertificates", "UpdateAccessKey",
    "UpdateSigningCertificate", "UploadSigningCertificate",
)
_ON_GROUP = (
    "AddUserToGroup", "DeleteGroup", "DeleteGroupPolicy", "GetGroup", "GetGroupPolicy", "ListAttachedGroupPolicies",
    "ListGroupPolicies", "PutGroupPolicy", "RemoveUserFromGroup", "UpdateGroup",
)
_ON_ROLE = (
    "DeleteRole", "DeleteRolePermissionsBoundary", "DeleteRolePolicy", "GetRole", "GetRolePolicy",
    "ListAttachedRolePolicies", "ListInstanceProfilesForRole", "ListRolePolicies", "ListRoleTags", "PutRolePolicy",
    "UpdateAssumeRolePolicy", "UpdateRole", "UpdateRoleDescription", "DeleteServiceLinkedRole",
)
_ON_POLICY = (
    "CreatePolicyVersion", "DeletePolicy", "DeletePolicyVersion", "GetPolicy", "GetPolicyVersion",
    "ListEntitiesForPolicy", "ListPolicyTags", "ListPolicyVersions", "SetDefaultPolicyVersion",
)
_ON_INSTANCE_PROFILE = (
    "AddRoleToInstanceProfile", "CreateInstanceProfile", "DeleteInstanceProfile", "GetInstanceProfile",
    "ListInstanceProfileTags", "RemoveRoleFromInstanceProfile",
)
_ON_OIDC_PROVIDER = (
    "AddClientIDToOpenIDConnectProvider", "DeleteOpenIDConnectProvider", "GetOpenIDConnectProvider",
    "ListOpenIDConnectProviderTags", "RemoveClientIDFromOpenIDConnectProvider", "UpdateOpenIDConnectProviderThumbprint",
)
_ON_SAML_PROVIDER = ("DeleteSAMLProvider", "GetSAMLProvider", "ListSAMLProviderTags", "UpdateSAMLProvider")
_ON_SERVER_CERTIFICATE = ("DeleteServerCertificate", "GetServerCertificate", "ListServerCertificateTags",
                          "UpdateServerCertificate", "UploadServerCertificate")
_ON_MFA_DEVICE = ("DeleteVirtualMFADevice", "GetMFADevice", "ListMFADeviceTags")


def _arn(scope, resource: str) -> str:
    return f"arn:aws:iam::{scope.account_id}:{resource}"


def _tags(tags) -> dict:
    """aws:RequestTag/<key> and aws:TagKeys of a request that tags."""
    tags = tags or []
    keys = {f"aws:requesttag/{t['Key'].lower()}": t["Value"] for t in tags}
    if tags:
        keys["aws:tagkeys"] = [t["Key"] for t in tags]
    return keys


def _request_keys(params) -> dict:
    """The IAM condition keys a request carries: the managed policy it
    attaches (iam:PolicyARN), the boundary it sets (iam:PermissionsBoundary),
    the tags it applies or removes."""
    keys = _tags(params.get("Tags"))
    if params.get("TagKeys"):
        keys["aws:tagkeys"] = list(params["TagKeys"])
    if params.get("PolicyArn"):
        keys["iam:policyarn"] = params["PolicyArn"]
    if params.get("PermissionsBoundary"):
        keys["iam:permissionsboundary"] = params["PermissionsBoundary"]
    return keys


def _entity(action: str, kind: str, member: str, *, caller_default: bool = False):
    def describe(params, scope):
        name = params.get(member)
        if name is None and caller_default:
            resource = scope.caller_arn
        else:
            resource = scope.names.entity_arn(kind, name)
        return [Requirement(f"iam:{action}", resource, _request_keys(params))]
    return describe


def _named(action: str, template: str, member: str):
    """A resource whose ARN is built from a name in the request."""
    def describe(params, scope):
        return [Requirement(f"iam:{action}", _arn(scope, template.format(params[member])), _request_keys(params))]
    return describe


def _by_arn(action: str, member: str):
    def describe(params, scope):
        return [Requirement(f"iam:{action}", params[member], _request_keys(params))]
    return describe


def _listing(action: str, kind: str):
    """ListUsers and ListRoles act on the path they list: real denials name
    ``arn:aws:iam::<account>:user/`` (with the PathPrefix), so a policy on
    ``user/*`` allows them."""
    def describe(params, scope):
        path = params.get("PathPrefix") or "/"
        return [Requirement(f"iam:{action}", f"arn:aws:iam::{scope.account_id}:{kind}{path}", _request_keys(params))]
    return describe


def _everything(action: str):
    def describe(params, scope):
        return [Requirement(f"iam:{action}", "*", _request_keys(params))]
    return describe


def _created(action: str, kind: str, member: str):
    """A Create* operation: the new entity's ARN, from its name and path."""
    def describe(params, scope):
        path = params.get("Path") or "/"
        found = [Requirement(f"iam:{action}", _arn(scope, f"{kind}{path}{params[member]}"), _request_keys(params))]
        tag_action = {"user": "TagUser", "role": "TagRole", "policy": "TagPolicy"}.get(kind)
        if params.get("Tags") and tag_action:
            # Tagging on creation also needs the Tag* action (IAM User Guide, "Tagging IAM resources").
            found.append(Requirement(f"iam:{tag_action}", found[0].resource, _request_keys(params)))
        return found
    return describe


def _change_password(params, scope):
    return [Requirement("iam:ChangePassword", scope.caller_arn)]


def _access_key_last_used(params, scope):
    owner = scope.names.access_key_owner(params["AccessKeyId"])
    return [Requirement("iam:GetAccessKeyLastUsed", owner or _arn(scope, "user/*"))]


def _principal_policy(action: str):
    """SimulatePrincipalPolicy / GetContextKeysForPrincipalPolicy act on the
    user, group or role being simulated."""
    def describe(params, scope):
        return [Requirement(f"iam:{action}", params["PolicySourceArn"])]
    return describe


OPERATIONS = {
    **{op: _everything(op) for op in _ACCOUNT_WIDE},
    "ListUsers": _listing("ListUsers", "user"),
    "ListRoles": _listing("ListRoles", "role"),
    **{op: _entity(op, "user", "UserName") for op in _ON_USER},
    **{op: _entity(op, "user", "UserName", caller_default=True) for op in _ON_USER_OR_CALLER},
    **{op: _entity(op, "group", "GroupName") for op in _ON_GROUP},
    **{op: _entity(op, "role", "RoleName") for op in _ON_ROLE},
    **{op: _by_arn(op, "PolicyArn") for op in _ON_POLICY},
    **{op: _named(op, "instance-profile/{}", "InstanceProfileName") for op in _ON_INSTANCE_PROFILE},
    **{op: _by_arn(op, "OpenIDConnectProviderArn") for op in _ON_OIDC_PROVIDER},
    **{op: _by_arn(op, "SAMLProviderArn") for op in _ON_SAML_PROVIDER},
    **{op: _named(op, "server-certificate/{}", "ServerCertificateName") for op in _ON_SERVER_CERTIFICATE},
    **{op: _by_arn(op, "SerialNumber") for op in _ON_MFA_DEVICE},
    "AttachGroupPolicy": _entity("AttachGroupPolicy", "group", "GroupName"),
    "AttachRolePolicy": _entity("AttachRolePolicy", "role", "RoleName"),
    "AttachUserPolicy": _entity("AttachUserPolicy", "user", "UserName"),
    "ChangePassword": _change_password,
    "CreateGroup": _created("CreateGroup", "group", "GroupName"),
    "CreatePolicy": _created("CreatePolicy", "policy", "PolicyName"),
    "CreateRole": _created("CreateRole", "role", "RoleName"),
    "CreateSAMLProvider": _named("CreateSAMLProvider", "saml-provider/{}", "Name"),
    "CreateUser": _created("CreateUser", "user", "UserName"),
    "CreateVirtualMFADevice": _created("CreateVirtualMFADevice", "mfa", "VirtualMFADeviceName"),
    "DetachGroupPolicy": _entity("DetachGroupPolicy", "group", "GroupName"),
    "DetachRolePolicy": _entity("DetachRolePolicy", "role", "RoleName"),
    "DetachUserPolicy": _entity("DetachUserPolicy", "user", "UserName"),
    "GetAccessKeyLastUsed": _access_key_last_used,
    "GetContextKeysForPrincipalPolicy": _principal_policy("GetContextKeysForPrincipalPolicy"),
    "PutRolePermissionsBoundary": _entity("PutRolePermissionsBoundary", "role", "RoleName"),
    "PutUserPermissionsBoundary": _entity("PutUserPermissionsBoundary", "user", "UserName"),
    "SimulatePrincipalPolicy": _principal_policy("SimulatePrincipalPolicy"),
    "TagInstanceProfile": _named("TagInstanceProfile", "instance-profile/{}", "InstanceProfileName"),
    "TagMFADevice": _by_arn("TagMFADevice", "SerialNumber"),
    "TagOpenIDConnectProvider": _by_arn("TagOpenIDConnectProvider", "OpenIDConnectProviderArn"),
    "TagPolicy": _by_arn("TagPolicy", "PolicyArn"),
    "TagRole": _entity("TagRole", "role", "RoleName"),
    "TagSAMLProvider": _by_arn("TagSAMLProvider", "SAMLProviderArn"),
    "TagServerCertificate": _named("TagServerCertificate", "server-certificate/{}", "ServerCertificateName"),
    "TagUser": _entity("TagUser", "user", "UserName"),
    "UntagInstanceProfile": _named("UntagInstanceProfile", "instance-profile/{}", "InstanceProfileName"),
    "UntagMFADevice": _by_arn("UntagMFADevice", "SerialNumber"),
    "UntagOpenIDConnectProvider": _by_arn("UntagOpenIDConnectProvider", "OpenIDConnectProviderArn"),
    "UntagPolicy": _by_arn("UntagPolicy", "PolicyArn"),
    "UntagRole": _entity("UntagRole", "role", "RoleName"),
    "UntagSAMLProvider": _by_arn("UntagSAMLProvider", "SAMLProviderArn"),
    "UntagServerCertificate": _named("UntagServerCertificate", "server-certificate/{}", "ServerCertificateName"),
    "UntagUser": _entity("UntagUser", "user", "UserName"),
}
