"""KMS's tables, scoped by account and region.

Times are simulator-clock epoch seconds (REAL). Key material is stored only
sealed by the server's root key with the key id and material id as associated
data, so a sealed value copied to another key's row fails to open.
"""
from simulator.store.db import register_schema

register_schema(
    "kms",
    [
        """
        CREATE TABLE kms_keys (
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            key_id TEXT NOT NULL,
            created REAL NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            key_usage TEXT NOT NULL,
            key_spec TEXT NOT NULL,
            origin TEXT NOT NULL,               -- AWS_KMS | EXTERNAL
            key_manager TEXT NOT NULL,          -- CUSTOMER | AWS
            state TEXT NOT NULL,                -- Enabled | Disabled | PendingDeletion | PendingImport | ...
            -- The state to return to when imported material comes back.
            state_before_import TEXT,
            deletion_date REAL,
            pending_window_days INTEGER,
            multi_region INTEGER NOT NULL DEFAULT 0,
            primary_region TEXT,                -- multi-Region keys: where the primary lives
            current_material TEXT,              -- material_id of the material that encrypts now
            rotation_period_days INTEGER,       -- NULL: automatic rotation off
            next_rotation REAL,
            on_demand_rotation_start REAL,
            expiration_model TEXT,              -- imported material only
            valid_to REAL,
            -- Earliest simulator time at which lifecycle has work for this key
            -- (deletion, rotation, material expiry); NULL when none.
            next_event REAL,
            PRIMARY KEY (account_id, region, key_id)
        );
        CREATE INDEX kms_keys_next_event ON kms_keys(next_event) WHERE next_event IS NOT NULL;
        CREATE INDEX kms_keys_by_key_id ON kms_keys(key_id);

        -- Every version of a key's material: the first one, each rotation, each
        -- import. Old versions stay so that old ciphertext still decrypts.
        CREATE TABLE kms_key_materials (
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            key_id TEXT NOT NULL,
            material_id TEXT NOT NULL,          -- 64 hex digits, AWS's KeyMaterialId
            sealed BLOB,                        -- NULL once imported material is deleted
            created REAL NOT NULL,
            rotation_type TEXT,                 -- NULL for the first material; AUTOMATIC | ON_DEMAND
            rotation_date REAL,
            state TEXT NOT NULL,                -- CURRENT | NON_CURRENT | PENDING_ROTATION
            import_state TEXT,                  -- IMPORTED | PENDING_IMPORT (EXTERNAL keys)
            expiration_model TEXT,
            valid_to REAL,
            description TEXT,
            PRIMARY KEY (account_id, region, key_id, material_id)
        );

        CREATE TABLE kms_aliases (
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            alias_name TEXT NOT NULL,
            key_id TEXT NOT NULL,
            created REAL NOT NULL,
            updated REAL NOT NULL,
            PRIMARY KEY (account_id, region, alias_name)
        );
        CREATE INDEX kms_aliases_by_key ON kms_aliases(account_id, region, key_id);

        CREATE TABLE kms_tags (
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            key_id TEXT NOT NULL,
            tag_key TEXT NOT NULL,
            tag_value TEXT NOT NULL,
            PRIMARY KEY (account_id, region, key_id, tag_key)
        );

        CREATE TABLE kms_key_policies (
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            key_id TEXT NOT NULL,
            policy_name TEXT NOT NULL,          -- always "default" in AWS today
            policy TEXT NOT NULL,
            PRIMARY KEY (account_id, region, key_id, policy_name)
        );

        CREATE TABLE kms_grants (
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            key_id TEXT NOT NULL,
            grant_id TEXT NOT NULL,
            grant_token TEXT NOT NULL,
            name TEXT,
            grantee_principal TEXT NOT NULL,
            retiring_principal TEXT,
            issuing_account TEXT NOT NULL,
            operations TEXT NOT NULL,           -- JSON list
            constraints TEXT,                   -- JSON object or NULL
            created REAL NOT NULL,
            PRIMARY KEY (account_id, region, key_id, grant_id)
        );
        CREATE INDEX kms_grants_by_retiring ON kms_grants(account_id, retiring_principal);
        CREATE UNIQUE INDEX kms_grants_by_token ON kms_grants(grant_token);

        -- Wrapping key pairs handed out by GetParametersForImport.
        CREATE TABLE kms_import_parameters (
            token_id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            key_id TEXT NOT NULL,
            wrapping_algorithm TEXT NOT NULL,
            sealed_private_key BLOB NOT NULL,
            valid_to REAL NOT NULL
        );
        CREATE INDEX kms_import_parameters_by_key ON kms_import_parameters(account_id, region, key_id);

        -- The last successful cryptographic operation per key (GetKeyLastUsage).
        CREATE TABLE kms_key_usage (
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            key_id TEXT NOT NULL,
            operation TEXT NOT NULL,
            used REAL NOT NULL,
            request_id TEXT NOT NULL,
            PRIMARY KEY (account_id, region, key_id)
        );
        """,
    ],
)
