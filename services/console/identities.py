"""IAM pages: users (console password, access keys shown once, managed and
inline policies, groups), groups, roles and policies (AWS managed and
customer managed, JSON view)."""
from __future__ import annotations

import json
import urllib.parse

from flask import g, request

from simulator.errors import AwsError

from . import console
from .calls import call
from .messages import plain
from .pages import done, failed, form, refused, render

# Offered first in the attach-policy picker; any policy ARN may be typed.
COMMON_MANAGED = (
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AmazonS3FullAccess",
    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser",
    "arn:aws:iam::aws:policy/IAMFullAccess",
    "arn:aws:iam::aws:policy/PowerUserAccess",
)
# What kind of IAM identity each page shows, with IAM's member names.
KINDS = {
    "users": {"label": "User", "name": "UserName", "get": "GetUser", "attached": "ListAttachedUserPolicies",
              "inline": "ListUserPolicies", "get_inline": "GetUserPolicy", "put_inline": "PutUserPolicy",
              "delete_inline": "DeleteUserPolicy", "attach": "AttachUserPolicy", "detach": "DetachUserPolicy",
              "list": "ListUsers", "list_member": "Users", "create": "CreateUser", "delete": "DeleteUser"},
    "groups": {"label": "Group", "name": "GroupName", "get": "GetGroup", "attached": "ListAttachedGroupPolicies",
               "inline": "ListGroupPolicies", "get_inline": "GetGroupPolicy", "put_inline": "PutGroupPolicy",
               "delete_inline": "DeleteGroupPolicy", "attach": "AttachGroupPolicy", "detach": "DetachGroupPolicy",
               "list": "ListGroups", "list_member": "Groups", "create": "CreateGroup", "delete": "DeleteGroup"},
    "roles": {"label": "Role", "name": "RoleName", "get": "GetRole", "attached": "ListAttachedRolePolicies",
              "inline": "ListRolePolicies", "get_inline": "GetRolePolicy", "put_inline": "PutRolePolicy",
              "delete_inline": "DeleteRolePolicy", "attach": "AttachRolePolicy", "detach": "DetachRolePolicy",
              "list": "ListRoles", "list_member": "Roles", "create": "CreateRole", "delete": "DeleteRole"},
}
# The trust policy a new role starts with: the account may assume it.
TRUST_POLICY = """{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::%s:root"},
            "Action": "sts:AssumeRole"
        }
    ]
}"""
POLICY_TEMPLATE = """{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [],
            "Resource": "*"
        }
    ]
}"""


def _document(encoded: str) -> str:
    """IAM returns policy documents URL-encoded; shown pretty-printed."""
    text = urllib.parse.unquote(encoded)
    try:
        return json.dumps(json.loads(text), indent=4)
    except ValueError:
        return text


def _json_problem(text: str) -> str | None:
    try:
        document = json.loads(text)
    except ValueError as problem:
        return f"The policy is not valid JSON: {problem}. Nothing was changed."
    if not isinstance(document, dict):
        return "A policy document is a JSON object. Nothing was changed."
    return None


def _kind(kind: str) -> dict:
    if kind not in KINDS:
        raise _NotFound()
    return KINDS[kind]


class _NotFound(Exception):
    pass


@console.errorhandler(_NotFound)
def _no_such_page(_error):
    return render("refused.html", status=404, text="There is no such IAM page.")


@console.get("/iam")
def iam_home():
    aliases = call("iam", "ListAccountAliases", {}).get("AccountAliases", [])
    return render("iam_home.html", aliases=aliases)


@console.post("/iam/alias")
def account_alias():
    try:
        call("iam", "CreateAccountAlias", {"AccountAlias": form("alias")})
    except AwsError as error:
        return failed(error, "console.iam_home")
    return done("Account alias saved: sign in with it instead of the account id.", "console.iam_home")


# -- users, groups, roles -----------------------------------------------------------
@console.get("/iam/<kind>")
def entity_list(kind: str):
    spec = _kind(kind)
    items = call("iam", spec["list"], {"MaxItems": 1000}).get(spec["list_member"], [])
    return render("iam_list.html", kind=kind, spec=spec, items=items,
                  trust_policy=TRUST_POLICY % _account())


def _account() -> str:
    return g.session.principal.account_id


@console.post("/iam/<kind>")
def entity_create(kind: str):
    spec = _kind(kind)
    name = form("name")
    params = {spec["name"]: name}
    if kind == "roles":
        trust = request.form.get("trust_policy", "")
        problem = _json_problem(trust)
        if problem:
            return refused(problem, "console.entity_list", kind=kind)
        params.update(AssumeRolePolicyDocument=trust, Description=form("description") or None)
    try:
        call("iam", spec["create"], params)
        if kind == "users" and request.form.get("password"):
            call("iam", "CreateLoginProfile", {"UserName": name, "Password": request.form["password"],
                                               "PasswordResetRequired": False})
    except AwsError as error:
        return failed(error, "console.entity_list", kind=kind)
    return done(f"{spec['label']} {name} created.", "console.entity_detail", kind=kind, name=name)


@console.get("/iam/<kind>/<name>")
def entity_detail(kind: str, name: str):
    spec = _kind(kind)
    got = call("iam", spec["get"], {spec["name"]: name})
    entity = got.get(spec["label"], {})
    attached = call("iam", spec["attached"], {spec["name"]: name}).get("AttachedPolicies", [])
    inline = call("iam", spec["inline"], {spec["name"]: name}).get("PolicyNames", [])
    extra: dict = {}
    if kind == "users":
        extra["keys"] = call("iam", "ListAccessKeys", {"UserName": name}).get("AccessKeyMetadata", [])
        extra["groups"] = call("iam", "ListGroupsForUser", {"UserName": name}).get("Groups", [])
        try:
            extra["login_profile"] = call("iam", "GetLoginProfile", {"UserName": name})["LoginProfile"]
        except AwsError as error:
            if error.code != "NoSuchEntity":
                raise
            extra["login_profile"] = None
    elif kind == "groups":
        extra["members"] = got.get("Users", [])
    else:
        extra["trust_policy"] = _document(entity.get("AssumeRolePolicyDocument", ""))
    return render("iam_entity.html", kind=kind, spec=spec, name=name, entity=entity, attached=attached,
                  inline=inline, common=COMMON_MANAGED, **extra)


@console.get("/iam/<kind>/<name>/inline")
def inline_editor(kind: str, name: str):
    spec = _kind(kind)
    policy_name = request.args.get("policy", "")
    document = POLICY_TEMPLATE
    if policy_name:
        got = call("iam", spec["get_inline"], {spec["name"]: name, "PolicyName": policy_name})
        document = _document(got["PolicyDocument"])
    return render("iam_inline.html", kind=kind, spec=spec, name=name, policy_name=policy_name, document=document)


@console.post("/iam/<kind>/<name>/<action>")
def entity_action(kind: str, name: str, action: str):
    spec = _kind(kind)
    back = {"kind": kind, "name": name}
    who = {spec["name"]: name}
    if action == "inline-put":
        document = request.form.get("document", "")
        problem = _json_problem(document)
        if problem:
            return render("iam_inline.html", status=400, kind=kind, spec=spec, name=name,
                          policy_name=form("policy_name"), document=document, problem=problem)
        try:
            call("iam", spec["put_inline"], {**who, "PolicyName": form("policy_name"), "PolicyDocument": document})
        except AwsError as error:
            return render("iam_inline.html", status=error.status, error=error, kind=kind, spec=spec, name=name,
                          policy_name=form("policy_name"), document=document)
        return done(f"Inline policy {form('policy_name')} saved.", "console.entity_detail", **back)
    if action == "access-key-create" and kind == "users":
        try:
            created = call("iam", "CreateAccessKey", who)["AccessKey"]
        except AwsError as error:
            return failed(error, "console.entity_detail", **back)
        # The secret is shown on this response only; it is never stored unsealed
        # nor shown again (AWS's "download .csv" moment).
        return render("iam_access_key.html", name=name, key=created)
    simple = {
        "attach": (spec["attach"], {"PolicyArn": form("policy_arn")}, "Policy attached."),
        "detach": (spec["detach"], {"PolicyArn": form("policy_arn")}, "Policy detached."),
        "inline-delete": (spec["delete_inline"], {"PolicyName": form("policy_name")}, "Inline policy deleted."),
    }
    if kind == "users":
        simple.update({
            "password-create": ("CreateLoginProfile", {"Password": request.form.get("password", ""),
                                                       "PasswordResetRequired": False}, "Console password set."),
            "password-update": ("UpdateLoginProfile", {"Password": request.form.get("password", "")},
                                "Console password changed."),
            "password-delete": ("DeleteLoginProfile", {}, "Console access removed."),
            "access-key-status": ("UpdateAccessKey", {"AccessKeyId": form("access_key_id"), "Status": form("status")},
                                  "Access key updated."),
            "access-key-delete": ("DeleteAccessKey", {"AccessKeyId": form("access_key_id")}, "Access key deleted."),
            "group-add": ("AddUserToGroup", {"GroupName": form("group")}, "Added to the group."),
            "group-remove": ("RemoveUserFromGroup", {"GroupName": form("group")}, "Removed from the group."),
        })
    if action == "delete":
        try:
            call("iam", spec["delete"], who)
        except AwsError as error:
            return failed(error, "console.entity_detail", **back)
        return done(f"{spec['label']} {name} deleted.", "console.entity_list", kind=kind)
    if action not in simple:
        return refused("The console has no such IAM action.", "console.entity_detail", **back)
    operation, params, success = simple[action]
    try:
        call("iam", operation, {**who, **params})
    except AwsError as error:
        return failed(error, "console.entity_detail", **back)
    return done(success, "console.entity_detail", **back)


# -- managed policies ---------------------------------------------------------------
@console.get("/iam-policies")
def policy_list():
    search = request.args.get("q", "").strip().lower()
    customer = call("iam", "ListPolicies", {"Scope": "Local", "MaxItems": 1000}).get("Policies", [])
    managed = []
    if search:
        params = {"Scope": "AWS", "MaxItems": 1000}
        while True:
            page = call("iam", "ListPolicies", params)
            managed += [p for p in page.get("Policies", []) if search in p["PolicyName"].lower()]
            if not page.get("IsTruncated"):
                break
            params["Marker"] = page["Marker"]
    return render("iam_policies.html", customer=customer, managed=managed, search=search, policy_template=POLICY_TEMPLATE)


@console.post("/iam-policies")
def policy_create():
    document = request.form.get("document", "")
    problem = _json_problem(document)
    if problem:
        return refused(problem, "console.policy_list")
    try:
        created = call("iam", "CreatePolicy", {"PolicyName": form("name"), "PolicyDocument": document,
                                               "Description": form("description") or None})["Policy"]
    except AwsError as error:
        return failed(error, "console.policy_list")
    return done(f"Policy {created['PolicyName']} created.", "console.policy_view", arn=created["Arn"])


@console.get("/iam-policies/view")
def policy_view():
    arn = request.args.get("arn", "")
    policy = call("iam", "GetPolicy", {"PolicyArn": arn})["Policy"]
    version = call("iam", "GetPolicyVersion", {"PolicyArn": arn, "VersionId": policy["DefaultVersionId"]})
    try:
        entities = call("iam", "ListEntitiesForPolicy", {"PolicyArn": arn})
    except AwsError as error:
        entities = {"error": plain(error)}
    return render("iam_policy.html", policy=policy, document=_document(version["PolicyVersion"]["Document"]),
                  entities=entities)
