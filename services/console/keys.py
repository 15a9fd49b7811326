"""KMS pages: the key list, the create-key wizard (the lab's Step 1) and a
key's page (configuration, key policy, rotation, aliases, tags, enable and
disable, deletion)."""
from __future__ import annotations

import json

from flask import g, request

from simulator import registry
from simulator.errors import AwsError

from . import console
from .calls import call
from .key_policy import console_key_policy
from .messages import plain
from .pages import done, failed, form, refused, render

WIZARD_STEPS = ("Key type and usage", "Labels", "Key administrators", "Key users", "Review")
MAX_TAG_ROWS = 5


def _enum(shape: str) -> list[str]:
    return list(registry.service("kms").model.shape_for(shape).enum)


def _all(operation: str, params: dict, member: str, *, region: str | None = None) -> list:
    """Every item of a KMS listing, following Marker/NextMarker."""
    items, params = [], dict(params)
    while True:
        page = call("kms", operation, params, region=region)
        items += page.get(member, [])
        if not page.get("Truncated"):
            return items
        params["Marker"] = page["NextMarker"]


def aliases_by_key(region: str | None = None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for alias in _all("ListAliases", {"Limit": 100}, "Aliases", region=region):
        if alias.get("TargetKeyId"):
            found.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
    return found


def key_choices(region: str | None = None) -> list[dict]:
    """Enabled symmetric encryption keys, for pickers (S3 upload, bucket
    encryption): [{"arn", "label"}]."""
    aliases = aliases_by_key(region)
    choices = []
    for key in _all("ListKeys", {"Limit": 100}, "Keys", region=region):
        metadata = call("kms", "DescribeKey", {"KeyId": key["KeyId"]}, region=region)["KeyMetadata"]
        if metadata["KeyUsage"] == "ENCRYPT_DECRYPT" and metadata.get("KeySpec") == "SYMMETRIC_DEFAULT" \
                and metadata["KeyState"] in ("Enabled", "Disabled"):
            names = ", ".join(aliases.get(key["KeyId"], [])) or "(no alias)"
            choices.append({"arn": metadata["Arn"], "label": f"{names} - {key['KeyId']} ({metadata['KeyState']})",
                            "manager": metadata.get("KeyManager")})
    return choices


@console.get("/kms")
def key_list():
    aliases = aliases_by_key()
    rows = []
    for key in _all("ListKeys", {"Limit": 100}, "Keys"):
        metadata = call("kms", "DescribeKey", {"KeyId": key["KeyId"]})["KeyMetadata"]
        rows.append({"meta": metadata, "aliases": aliases.get(key["KeyId"], [])})
    rows.sort(key=lambda r: r["meta"]["CreationDate"], reverse=True)
    return render("kms_keys.html", rows=rows)


# -- the create-key wizard --------------------------------------------------------
def _principal_choices() -> tuple[list[dict], dict | None]:
    """IAM users and roles to pick as key administrators and users, read as
    the signed-in principal (who may not be allowed to list them)."""
    try:
        users = call("iam", "ListUsers", {"MaxItems": 1000}).get("Users", [])
        roles = call("iam", "ListRoles", {"MaxItems": 1000}).get("Roles", [])
    except AwsError as error:
        return [], plain(error)
    return ([{"arn": u["Arn"], "label": f"User {u['UserName']}"} for u in users]
            + [{"arn": r["Arn"], "label": f"Role {r['RoleName']}"} for r in roles]), None


def _wizard_values() -> dict:
    values = {
        "key_spec": form("key_spec", "SYMMETRIC_DEFAULT"),
        "key_usage": form("key_usage", "ENCRYPT_DECRYPT"),
        "alias": form("alias"),
        "description": form("description"),
        "tags": [],
        "admins": [a.strip() for a in request.form.getlist("admins") if a.strip()],
        "users": [u.strip() for u in request.form.getlist("users") if u.strip()],
        "policy": request.form.get("policy", ""),
    }
    for k, v in zip(request.form.getlist("tag_key"), request.form.getlist("tag_value")):
        if k.strip():
            values["tags"].append({"TagKey": k.strip(), "TagValue": v.strip()})
    for extra, target in (("admin_other", "admins"), ("user_other", "users")):
        for arn in form(extra).split():
            if arn not in values[target]:
                values[target].append(arn)
    return values


@console.route("/kms/create", methods=["GET", "POST"])
def create_key():
    values = _wizard_values()
    step = 1
    if form("regenerate") or form("create"):
        step = len(WIZARD_STEPS)
    elif request.method == "POST":
        try:
            step = min(max(int(form("goto", "1")), 1), len(WIZARD_STEPS))
        except ValueError:
            step = 1
    if (step == len(WIZARD_STEPS) and not values["policy"].strip()) or form("regenerate"):
        values["policy"] = console_key_policy(g.session.principal.account_id, values["key_usage"],
                                              values["admins"], values["users"])
    if request.method == "POST" and form("create"):
        return _create(values)
    choices, choices_error = _principal_choices() if step in (3, 4) else ([], None)
    return render("kms_create.html", step=step, steps=WIZARD_STEPS, values=values, key_specs=_enum("KeySpec"),
                  key_usages=_enum("KeyUsageType"), choices=choices, choices_error=choices_error,
                  tag_rows=max(MAX_TAG_ROWS - len(values["tags"]), 1))


def _create(values: dict):
    try:
        json.loads(values["policy"])
    except ValueError as problem:
        return render("kms_create.html", status=400, step=len(WIZARD_STEPS), steps=WIZARD_STEPS, values=values,
                      key_specs=_enum("KeySpec"), key_usages=_enum("KeyUsageType"), choices=[], choices_error=None,
                      tag_rows=1, policy_error=f"The key policy is not valid JSON: {problem}")
    params = {"KeySpec": values["key_spec"], "KeyUsage": values["key_usage"], "Policy": values["policy"],
              "Description": values["description"] or None, "Tags": values["tags"] or None}
    try:
        key = call("kms", "CreateKey", params)["KeyMetadata"]
    except AwsError as error:
        return render("kms_create.html", status=error.status, error=error, step=len(WIZARD_STEPS),
                      steps=WIZARD_STEPS, values=values, key_specs=_enum("KeySpec"),
                      key_usages=_enum("KeyUsageType"), choices=[], choices_error=None, tag_rows=1)
    if values["alias"]:
        alias = values["alias"] if values["alias"].startswith("alias/") else f"alias/{values['alias']}"
        try:
            call("kms", "CreateAlias", {"AliasName": alias, "TargetKeyId": key["KeyId"]})
        except AwsError as error:
            return failed(error, "console.key_detail", key_id=key["KeyId"])
    return done(f"Key {key['KeyId']} created.", "console.key_detail", key_id=key["KeyId"])


# -- a key's page -------------------------------------------------------------------
def _optional(operation: str, params: dict):
    """A part of the key page that may not apply to this key (rotation of an
    asymmetric key) or may be refused: (output, error)."""
    try:
        return call("kms", operation, params), None
    except AwsError as error:
        return None, plain(error)


@console.get("/kms/keys/<key_id>")
def key_detail(key_id: str):
    metadata = call("kms", "DescribeKey", {"KeyId": key_id})["KeyMetadata"]
    key_id = metadata["KeyId"]
    policy, policy_error = _optional("GetKeyPolicy", {"KeyId": key_id, "PolicyName": "default"})
    rotation, rotation_error = _optional("GetKeyRotationStatus", {"KeyId": key_id})
    rotations, _ = _optional("ListKeyRotations", {"KeyId": key_id}) if rotation else (None, None)
    aliases, _ = _optional("ListAliases", {"KeyId": key_id})
    tags, tags_error = _optional("ListResourceTags", {"KeyId": key_id})
    policy_text = (policy or {}).get("Policy", "")
    return render("kms_key.html", meta=metadata, policy=policy_text, policy_error=policy_error,
                  rotation=rotation, rotation_error=rotation_error,
                  rotations=(rotations or {}).get("Rotations", []),
                  aliases=(aliases or {}).get("Aliases", []), tags=(tags or {}).get("Tags", []), tags_error=tags_error)


def _key_action(key_id: str, operation: str, params: dict, success: str):
    try:
        call("kms", operation, {"KeyId": key_id, **params})
    except AwsError as error:
        return failed(error, "console.key_detail", key_id=key_id)
    return done(success, "console.key_detail", key_id=key_id)


def _days(name: str, default: int) -> int | None:
    try:
        return int(form(name, str(default)))
    except ValueError:
        return None


@console.post("/kms/keys/<key_id>/<action>")
def key_action(key_id: str, action: str):
    if action == "enable":
        return _key_action(key_id, "EnableKey", {}, "The key is enabled.")
    if action == "disable":
        return _key_action(key_id, "DisableKey", {}, "The key is disabled. Nothing can use it until it is enabled.")
    if action == "policy":
        text = request.form.get("policy", "")
        try:
            json.loads(text)
        except ValueError as problem:
            return refused(f"The key policy is not valid JSON: {problem}. Nothing was changed.",
                           "console.key_detail", key_id=key_id)
        return _key_action(key_id, "PutKeyPolicy", {"PolicyName": "default", "Policy": text}, "Key policy saved.")
    if action == "description":
        return _key_action(key_id, "UpdateKeyDescription", {"Description": form("description")}, "Description saved.")
    if action == "rotation":
        if form("enabled") == "on":
            days = _days("period", 365)
            if days is None:
                return refused("The rotation period is a number of days.", "console.key_detail", key_id=key_id)
            return _key_action(key_id, "EnableKeyRotation", {"RotationPeriodInDays": days},
                               "Automatic rotation is on.")
        return _key_action(key_id, "DisableKeyRotation", {}, "Automatic rotation is off.")
    if action == "rotate-now":
        return _key_action(key_id, "RotateKeyOnDemand", {}, "On-demand rotation started.")
    if action == "alias-add":
        alias = form("alias")
        alias = alias if alias.startswith("alias/") else f"alias/{alias}"
        try:
            call("kms", "CreateAlias", {"AliasName": alias, "TargetKeyId": key_id})
        except AwsError as error:
            return failed(error, "console.key_detail", key_id=key_id)
        return done(f"Alias {alias} added.", "console.key_detail", key_id=key_id)
    if action == "alias-delete":
        try:
            call("kms", "DeleteAlias", {"AliasName": form("alias")})
        except AwsError as error:
            return failed(error, "console.key_detail", key_id=key_id)
        return done("Alias deleted.", "console.key_detail", key_id=key_id)
    if action == "tag-add":
        return _key_action(key_id, "TagResource", {"Tags": [{"TagKey": form("tag_key"), "TagValue": form("tag_value")}]},
                           "Tag saved.")
    if action == "tag-remove":
        return _key_action(key_id, "UntagResource", {"TagKeys": [form("tag_key")]}, "Tag removed.")
    if action == "schedule-deletion":
        days = _days("pending_days", 30)
        if days is None:
            return refused("The waiting period is a number of days (7 to 30).", "console.key_detail", key_id=key_id)
        return _key_action(key_id, "ScheduleKeyDeletion", {"PendingWindowInDays": days},
                           f"Deletion scheduled in {days} days. Until then you can cancel it.")
    if action == "cancel-deletion":
        return _key_action(key_id, "CancelKeyDeletion", {},
                           "Deletion cancelled. The key is Disabled: enable it to use it again.")
    return refused("The console has no such key action.", "console.key_detail", key_id=key_id)

