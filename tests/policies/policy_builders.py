"""Shared builders for the policy engine tests: principals, statements,
documents. Data only, no assertions."""
from __future__ import annotations

import json

from policies import AccessRequest

ACCOUNT = "111122223333"
OTHER = "444455556666"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
BOB = f"arn:aws:iam::{ACCOUNT}:user/bob"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/s1"
FEDERATED = f"arn:aws:sts::{ACCOUNT}:federated-user/fed"
OTHER_USER = f"arn:aws:iam::{OTHER}:user/carol"
OTHER_ROOT = f"arn:aws:iam::{OTHER}:root"
OTHER_ROLE = f"arn:aws:iam::{OTHER}:role/ext"
OTHER_SESSION = f"arn:aws:sts::{OTHER}:assumed-role/ext/x"
BUCKET = "arn:aws:s3:::bkt"
OBJECT = f"{BUCKET}/k.txt"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CANONICAL = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"


def stmt(effect="Allow", action="s3:GetObject", resource="*", *, principal=None, not_principal=None,
         not_action=None, not_resource=None, condition=None, sid=None) -> dict:
    s = {"Effect": effect}
    if sid is not None:
        s["Sid"] = sid
    if principal is not None:
        s["Principal"] = principal
    if not_principal is not None:
        s["NotPrincipal"] = not_principal
    if not_action is not None:
        s["NotAction"] = not_action
    else:
        s["Action"] = action
    if not_resource is not None:
        s["NotResource"] = not_resource
    elif resource is not None:
        s["Resource"] = resource
    if condition is not None:
        s["Condition"] = condition
    return s


def doc(*statements, version="2012-10-17") -> str:
    return json.dumps({"Version": version, "Statement": list(statements)})


def allow(action="s3:GetObject", resource="*", **kw) -> str:
    return doc(stmt("Allow", action, resource, **kw))


def deny(action="s3:GetObject", resource="*", **kw) -> str:
    return doc(stmt("Deny", action, resource, **kw))


def aws(*names):
    return {"AWS": list(names) if len(names) > 1 else names[0]}


def user(action="s3:GetObject", resource=OBJECT, **kw) -> AccessRequest:
    kw.setdefault("resource_account", ACCOUNT)
    kw.setdefault("user_id", "AIDAALICEEXAMPLE12345")
    return AccessRequest(kw.pop("arn", USER), kw.pop("account", ACCOUNT), "IAMUser", action, resource, **kw)


def session(action="s3:GetObject", resource=OBJECT, **kw) -> AccessRequest:
    kw.setdefault("resource_account", ACCOUNT)
    kw.setdefault("user_id", "AROAAPPEXAMPLE1234567:s1")
    kw.setdefault("role_arn", ROLE)
    return AccessRequest(SESSION, ACCOUNT, "AssumedRole", action, resource, **kw)


def federated(action="s3:GetObject", resource=OBJECT, **kw) -> AccessRequest:
    kw.setdefault("resource_account", ACCOUNT)
    return AccessRequest(FEDERATED, ACCOUNT, "FederatedUser", action, resource, **kw)


def root(action="s3:GetObject", resource=OBJECT, **kw) -> AccessRequest:
    kw.setdefault("resource_account", ACCOUNT)
    return AccessRequest(ROOT, ACCOUNT, "Root", action, resource, **kw)


def other_user(action="s3:GetObject", resource=OBJECT, **kw) -> AccessRequest:
    kw.setdefault("resource_account", ACCOUNT)
    return AccessRequest(OTHER_USER, OTHER, "IAMUser", action, resource, **kw)


def other_root(action="s3:GetObject", resource=OBJECT, **kw) -> AccessRequest:
    kw.setdefault("resource_account", ACCOUNT)
    return AccessRequest(OTHER_ROOT, OTHER, "Root", action, resource, **kw)


def other_session(action="s3:GetObject", resource=OBJECT, **kw) -> AccessRequest:
    kw.setdefault("resource_account", ACCOUNT)
    kw.setdefault("role_arn", OTHER_ROLE)
    return AccessRequest(OTHER_SESSION, OTHER, "AssumedRole", action, resource, **kw)


def service(name="cloudtrail.amazonaws.com", action="s3:PutObject", resource=OBJECT, **kw) -> AccessRequest:
    kw.setdefault("resource_account", ACCOUNT)
    return AccessRequest(name, "", "Service", action, resource, **kw)


def anonymous(action="s3:GetObject", resource=OBJECT, **kw) -> AccessRequest:
    kw.setdefault("resource_account", ACCOUNT)
    return AccessRequest("*", "", "Anonymous", action, resource, **kw)
