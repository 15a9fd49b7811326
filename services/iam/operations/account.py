"""The account as IAM sees it: its alias, a summary of what it holds and
the authorization details of everything in it."""
from __future__ import annotations

from .. import access_keys, documents, entities, iam, inline_policies, managed_policies, shapes, tags
from ..errors import EntityAlreadyExists, NoSuchEntity
from ..identifiers import GROUP, ROLE, USER
from ..paging import page
from .groups import MAX_GROUPS_PER_USER

# IAM's default quotas (IAM User Guide, "IAM and AWS STS quotas") that
# nothing else here enforces; those enforced come from where they are.
_QUOTAS = {"UsersQuota": 5000, "GroupsQuota": 300, "RolesQuota": 1000, "PoliciesQuota": 1500,
           "InstanceProfilesQuota": 1000, "ServerCertificatesQuota": 20, "PolicyVersionsInUseQuota": 10000,
           "SigningCertificatesPerUserQuota": 2}


@iam.operation
def create_account_alias(ctx, params):
    alias = params["AccountAlias"]
    with ctx.store.tx() as db:
        owner = db.execute("SELECT account_id FROM iam_account_aliases WHERE alias = ?", (alias,)).fetchone()
        if owner is not None and owner[0] != ctx.account_id:
            raise EntityAlreadyExists(f"The account alias {alias} already exists.")
        # An account has at most one alias: a new one replaces the old.
        db.execute("INSERT INTO iam_account_aliases VALUES (?, ?) ON CONFLICT(account_id) DO UPDATE SET alias = excluded.alias",
                   (ctx.account_id, alias))
    return {}


@iam.operation
def delete_account_alias(ctx, params):
    alias = params["AccountAlias"]
    with ctx.store.tx() as db:
        if not db.execute("DELETE FROM iam_account_aliases WHERE account_id = ? AND alias = ?",
                          (ctx.account_id, alias)).rowcount:
            raise NoSuchEntity(f"The account alias {alias} cannot be found.")
    return {}


@iam.operation
def list_account_aliases(ctx, params):
    rows = ctx.store.read().execute("SELECT alias FROM iam_account_aliases WHERE account_id = ?",
                                    (ctx.account_id,)).fetchall()
    return page([r[0] for r in rows], params, "AccountAliases")


@iam.operation
def get_account_summary(ctx, params):
    db = ctx.store.read()

    def count(sql: str) -> int:
        return db.execute(sql, (ctx.account_id,)).fetchone()[0]

    kinds = dict(db.execute("SELECT kind, COUNT(*) FROM iam_entities WHERE account_id = ? GROUP BY kind",
                            (ctx.account_id,)).fetchall())
    root_keys = count("SELECT COUNT(*) FROM credentials WHERE account_id = ? AND principal_type = 'Root'"
                      " AND session_token_hash IS NULL")
    summary = {
        "Users": kinds.get(USER, 0), "Groups": kinds.get(GROUP, 0), "Roles": kinds.get(ROLE, 0),
        "Policies": count("SELECT COUNT(*) FROM iam_policies WHERE account_id = ?"),
        # Each attachment of a managed policy puts one policy version in use.
        "PolicyVersionsInUse": count("SELECT COUNT(*) FROM iam_attachments WHERE account_id = ?"),
        "InstanceProfiles": 0, "Providers": 0, "ServerCertificates": 0, "MFADevices": 0, "MFADevicesInUse": 0,
        "AccountMFAEnabled": 0, "AccountSigningCertificatesPresent": 0,
        # The root signs in to the console with its secret key, so it has a password while it has a key.
        "AccountAccessKeysPresent": int(root_keys > 0), "AccountPasswordPresent": int(root_keys > 0),
        "AccessKeysPerUserQuota": access_keys.MAX_KEYS, "GroupsPerUserQuota": MAX_GROUPS_PER_USER,
        "AttachedPoliciesPerUserQuota": managed_policies.MAX_ATTACHED,
        "AttachedPoliciesPerGroupQuota": managed_policies.MAX_ATTACHED,
        "AttachedPoliciesPerRoleQuota": managed_policies.MAX_ATTACHED,
        "VersionsPerPolicyQuota": managed_policies.MAX_VERSIONS, "PolicySizeQuota": documents.MANAGED_POLICY_SIZE,
        "AssumeRolePolicySizeQuota": documents.TRUST_POLICY_SIZE,
        **{f"{name}Quota": limit for name, limit in documents.INLINE_QUOTA.values()},
        "GlobalEndpointTokenVersion": 1,
        **_QUOTAS,
    }
    return {"SummaryMap": summary}


def _inline(db, row) -> list[dict]:
    return [{"PolicyName": name, "PolicyDocument": documents.encoded(text)}
            for name, text in inline_policies.listed(db, row["account_id"], row["entity_id"])]


def _entity_detail(db, row) -> dict:
    kind = row["kind"]
    attached = managed_policies.attached(db, row["account_id"], row["entity_id"])
    if kind == USER:
        out = shapes.user(db, row)
        out["UserPolicyList"] = _inline(db, row)
        out["GroupList"] = [g[0] for g in db.execute(
            "SELECT e.name FROM iam_group_members m JOIN iam_entities e ON e.account_id = m.account_id"
            " AND e.entity_id = m.group_id WHERE m.account_id = ? AND m.user_id = ? ORDER BY e.name COLLATE NOCASE",
            (row["account_id"], row["entity_id"]))]
    elif kind == GROUP:
        out = shapes.group(row)
        out["GroupPolicyList"] = _inline(db, row)
    else:
        out = shapes.role(db, row, detail=True)
        out["InstanceProfileList"] = []
        out["RolePolicyList"] = _inline(db, row)
    out["AttachedManagedPolicies"] = attached
    if kind != GROUP:
        boundary = entities.boundary(row)
        if boundary:
            out["PermissionsBoundary"] = boundary
        out["Tags"] = tags.listed(db, row["account_id"], row["entity_id"])
    return out


def _policy_detail(db, account_id: str, policy) -> dict:
    out = shapes.policy(db, account_id, policy)
    if policy.description:
        out["Description"] = policy.description
    out["PolicyVersionList"] = [shapes.version(v, with_document=True)
                                for v in managed_policies.versions(db, account_id, policy)]
    return out


@iam.operation
def get_account_authorization_details(ctx, params):
    db = ctx.store.read()
    wanted = set(params.get("Filter") or ("User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"))
    items: list[tuple[str, dict]] = []
    for kind, label in ((USER, "User"), (GROUP, "Group"), (ROLE, "Role")):
        if label in wanted:
            items += [(kind, _entity_detail(db, r)) for r in entities.listing(db, ctx.account_id, kind)]
    for policy in managed_policies.listing(db, ctx.account_id):
        label = "AWSManagedPolicy" if policy.aws_managed else "LocalManagedPolicy"
        # AWS managed policies appear once the account uses them.
        if label in wanted and (not policy.aws_managed or managed_policies.attachment_count(db, ctx.account_id, policy.arn)
                                or managed_policies.boundary_count(db, ctx.account_id, policy.arn)):
            items.append(("policy", _policy_detail(db, ctx.account_id, policy)))
    out = page(items, params, "Items")
    chosen = out.pop("Items")
    for kind, key in ((USER, "UserDetailList"), (GROUP, "GroupDetailList"), (ROLE, "RoleDetailList"),
                      ("policy", "Policies")):
        out[key] = [detail for k, detail in chosen if k == kind]
    return out
