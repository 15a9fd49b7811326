"""IAM's tables. IAM is global: rows carry the account only.

Users, groups and roles share one table (``kind``) because IAM treats them
alike for paths, ARNs, managed-policy attachments, inline policies and tags;
everything that points at one refers to its unique id (AIDA..., AGPA...,
AROA...), which survives a rename. Names are unique per account and kind
regardless of case, as IAM's are. Times are simulator-clock epoch seconds.

Access keys are not here: they live in the platform's ``credentials`` table,
so that authentication sees a new key, a deactivated one or a deleted one at
once.
"""
from simulator.store.db import register_schema

register_schema(
    "iam",
    [
        """
        CREATE TABLE iam_entities (
            account_id TEXT NOT NULL,
            kind TEXT NOT NULL,                  -- user | group | role
            entity_id TEXT NOT NULL,             -- AIDA... | AGPA... | AROA...
            name TEXT NOT NULL,
            path TEXT NOT NULL,
            created REAL NOT NULL,
            permissions_boundary TEXT,           -- policy ARN (users and roles)
            trust_policy TEXT,                   -- roles: AssumeRolePolicyDocument
            description TEXT,                    -- roles
            max_session_duration INTEGER,        -- roles, seconds
            last_used REAL,                      -- roles: last AssumeRole; users: password last used
            last_used_region TEXT,
            PRIMARY KEY (account_id, entity_id)
        );
        CREATE UNIQUE INDEX iam_entities_by_name ON iam_entities(account_id, kind, name COLLATE NOCASE);

        CREATE TABLE iam_group_members (
            account_id TEXT NOT NULL,
            group_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            added REAL NOT NULL,
            PRIMARY KEY (account_id, group_id, user_id)
        );
        CREATE INDEX iam_group_members_by_user ON iam_group_members(account_id, user_id);

        -- Customer managed policies. AWS managed policies are data shipped
        -- with the policy engine and never stored.
        CREATE TABLE iam_policies (
            account_id TEXT NOT NULL,
            arn TEXT NOT NULL,
            policy_id TEXT NOT NULL,             -- ANPA...
            name TEXT NOT NULL,
            path TEXT NOT NULL,
            description TEXT,
            created REAL NOT NULL,
            updated REAL NOT NULL,
            default_version TEXT NOT NULL,
            next_version INTEGER NOT NULL,       -- version numbers are never reused
            PRIMARY KEY (account_id, arn)
        );
        CREATE UNIQUE INDEX iam_policies_by_name ON iam_policies(account_id, name COLLATE NOCASE);

        CREATE TABLE iam_policy_versions (
            account_id TEXT NOT NULL,
            arn TEXT NOT NULL,
            version_id TEXT NOT NULL,            -- v1, v2, ...
            number INTEGER NOT NULL,
            document TEXT NOT NULL,
            created REAL NOT NULL,
            PRIMARY KEY (account_id, arn, version_id)
        );

        -- Managed policies (customer or AWS) attached to users, groups, roles.
        CREATE TABLE iam_attachments (
            account_id TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            policy_arn TEXT NOT NULL,
            attached REAL NOT NULL,
            PRIMARY KEY (account_id, entity_id, policy_arn)
        );
        CREATE INDEX iam_attachments_by_policy ON iam_attachments(account_id, policy_arn);

        CREATE TABLE iam_inline_policies (
            account_id TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            name TEXT NOT NULL,
            document TEXT NOT NULL,
            PRIMARY KEY (account_id, entity_id, name)
        );

        -- Tags of users, roles and customer managed policies (resource_id is
        -- the entity id or the policy ARN). key_norm is how IAM tells keys
        -- apart: regardless of case for users and roles, exactly for policies.
        CREATE TABLE iam_tags (
            account_id TEXT NOT NULL,
            resource_id TEXT NOT NULL,
            key TEXT NOT NULL,
            key_norm TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (account_id, resource_id, key_norm)
        );

        -- Console passwords: scrypt hashes with a per-password random salt.
        CREATE TABLE iam_login_profiles (
            account_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created REAL NOT NULL,
            reset_required INTEGER NOT NULL,
            PRIMARY KEY (account_id, user_id)
        );

        -- Account aliases are unique across all accounts, as in AWS.
        CREATE TABLE iam_account_aliases (
            account_id TEXT PRIMARY KEY,
            alias TEXT NOT NULL UNIQUE
        );
        """,
        """
        -- The account password policy (UpdateAccountPasswordPolicy); no row
        -- means IAM's default policy is in force. hard_expiry is NULL when
        -- never set, because IAM then leaves it out of GetAccountPasswordPolicy.
        CREATE TABLE iam_password_policies (
            account_id TEXT PRIMARY KEY,
            minimum_length INTEGER NOT NULL,
            require_symbols INTEGER NOT NULL,
            require_numbers INTEGER NOT NULL,
            require_uppercase INTEGER NOT NULL,
            require_lowercase INTEGER NOT NULL,
            allow_users_to_change INTEGER NOT NULL,
            max_age_days INTEGER NOT NULL,       -- 0: passwords never expire
            reuse_prevention INTEGER NOT NULL,   -- 0: reuse allowed
            hard_expiry INTEGER
        );

        -- The scrypt hashes of each user's most recent passwords (the current
        -- one included), for PasswordReusePrevention; at most 24 per user.
        CREATE TABLE iam_password_history (
            account_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            set_at REAL NOT NULL
        );
        CREATE INDEX iam_password_history_by_user ON iam_password_history(account_id, user_id, set_at);
        """,
    ],
)
