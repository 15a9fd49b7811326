"""S3's tables.

Bucket names are global across the accounts of a server, as in AWS, so the
bucket name alone is the key of ``s3_buckets``; every table still carries the
owner's account_id and region (reset by account relies on it).

Objects, every version of them and delete markers are rows of ``s3_objects``;
``is_latest`` marks the current version of a key, and a partial index on it
makes listing an indexed range scan whatever the bucket's size. Bodies live in
the blob store as ciphertext: a single-PUT object has one blob
(``s3_objects.blob_id``), a multipart object one blob per part
(``s3_object_parts.blob_id``). Times are simulator-clock epoch seconds.

No foreign keys: the platform's reset deletes table by table, collecting the
blob ids of each before its rows go, which a cascade would pre-empt; S3's
own deletes remove dependent rows explicitly.
"""
from simulator.store.db import register_schema

register_schema(
    "s3",
    [
        """
        CREATE TABLE s3_buckets (
            name TEXT PRIMARY KEY,
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            created REAL NOT NULL,
            versioning TEXT,                    -- NULL (never enabled) | Enabled | Suspended
            object_lock INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX s3_buckets_by_account ON s3_buckets(account_id, name);

        -- One row per bucket sub-resource that has been configured:
        -- encryption, policy, tagging, cors, lifecycle, public-access-block,
        -- ownership-controls. The document is JSON in botocore's shape.
        CREATE TABLE s3_bucket_configs (
            bucket TEXT NOT NULL,
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            name TEXT NOT NULL,
            document TEXT NOT NULL,
            PRIMARY KEY (bucket, name)
        );

        -- The keys that seal SSE-S3 data keys, one per account and region,
        -- themselves sealed by the server's root key.
        CREATE TABLE s3_service_keys (
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            key_id TEXT NOT NULL,
            sealed BLOB NOT NULL,
            created REAL NOT NULL,
            PRIMARY KEY (account_id, region)
        );

        CREATE TABLE s3_objects (
            id INTEGER PRIMARY KEY AUTOINCREMENT,   -- version order: higher is newer
            bucket TEXT NOT NULL,
            key TEXT NOT NULL,
            version_id TEXT NOT NULL,               -- 'null' when written unversioned
            account_id TEXT NOT NULL,               -- the bucket owner's
            region TEXT NOT NULL,
            is_latest INTEGER NOT NULL,
            delete_marker INTEGER NOT NULL DEFAULT 0,
            last_modified REAL NOT NULL,
            owner TEXT NOT NULL,                    -- account id of the writer
            size INTEGER NOT NULL DEFAULT 0,
            etag TEXT,
            storage_class TEXT NOT NULL DEFAULT 'STANDARD',
            blob_id TEXT,                           -- single-PUT body; NULL for multipart and markers
            body_id BLOB,                           -- 16 random bytes binding the blob's frames
            parts_count INTEGER,                    -- multipart objects only
            headers TEXT NOT NULL DEFAULT '{}',     -- Content-Type, Cache-Control, ... (JSON)
            metadata TEXT NOT NULL DEFAULT '{}',    -- x-amz-meta-* (JSON)
            tags TEXT NOT NULL DEFAULT '[]',        -- TagSet (JSON)
            checksum_algorithm TEXT,
            checksum_value TEXT,
            checksum_type TEXT,                     -- FULL_OBJECT | COMPOSITE
            sse TEXT NOT NULL,                      -- encryption description (JSON), never a key
            sealed_key BLOB,                        -- data key: sealed (SSE-S3) or KMS ciphertext (SSE-KMS)
            restore_ready REAL,                     -- archived objects: restore done at
            restore_expiry REAL,                    -- restored copy expires at
            UNIQUE (bucket, key, version_id)
        );
        CREATE INDEX s3_objects_latest ON s3_objects(bucket, key) WHERE is_latest = 1;
        CREATE INDEX s3_objects_versions ON s3_objects(bucket, key, id DESC);
        CREATE INDEX s3_objects_restoring ON s3_objects(restore_expiry) WHERE restore_expiry IS NOT NULL;

        CREATE TABLE s3_object_parts (
            object_id INTEGER NOT NULL,
            part_number INTEGER NOT NULL,
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            blob_id TEXT NOT NULL,
            body_id BLOB NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            checksum_value TEXT,
            PRIMARY KEY (object_id, part_number)
        );

        CREATE TABLE s3_uploads (
            upload_id TEXT PRIMARY KEY,
            bucket TEXT NOT NULL,
            key TEXT NOT NULL,
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            initiated REAL NOT NULL,
            initiator_arn TEXT NOT NULL,
            initiator_id TEXT NOT NULL,
            owner TEXT NOT NULL,
            storage_class TEXT NOT NULL,
            headers TEXT NOT NULL,
            metadata TEXT NOT NULL,
            tags TEXT NOT NULL,
            checksum_algorithm TEXT,
            checksum_type TEXT,
            sse TEXT NOT NULL,
            sealed_key BLOB
        );
        CREATE INDEX s3_uploads_by_key ON s3_uploads(bucket, key, initiated);

        CREATE TABLE s3_upload_parts (
            upload_id TEXT NOT NULL,
            part_number INTEGER NOT NULL,
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            blob_id TEXT NOT NULL,
            body_id BLOB NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            last_modified REAL NOT NULL,
            checksum_value TEXT,
            PRIMARY KEY (upload_id, part_number)
        );
        """,
        # Object ACL grants (JSON, botocore's Grant shape); NULL: the default
        # ACL, the owner with FULL_CONTROL.
        "ALTER TABLE s3_objects ADD COLUMN acl TEXT;",
        # What CreateMultipartUpload asked for, applied at completion: the
        # object's ACL grants (JSON or NULL) and its owner's account.
        """
        ALTER TABLE s3_uploads ADD COLUMN acl TEXT;
        ALTER TABLE s3_uploads ADD COLUMN object_owner TEXT;
        """,
        # Object Lock: a version's retention (mode GOVERNANCE | COMPLIANCE,
        # until a simulator-clock time) and legal hold (ON | OFF); NULL where
        # none was ever set. An upload keeps what its creation asked for.
        """
        ALTER TABLE s3_objects ADD COLUMN lock_mode TEXT;
        ALTER TABLE s3_objects ADD COLUMN lock_until REAL;
        ALTER TABLE s3_objects ADD COLUMN legal_hold TEXT;
        ALTER TABLE s3_uploads ADD COLUMN lock_mode TEXT;
        ALTER TABLE s3_uploads ADD COLUMN lock_until REAL;
        ALTER TABLE s3_uploads ADD COLUMN legal_hold TEXT;
        """,
    ],
    # Written by every upload: versions would cost each write and keep nothing
    # (object reads are never cached).
    volatile=("s3_objects", "s3_object_parts", "s3_uploads", "s3_upload_parts"),
)
