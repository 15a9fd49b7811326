"""Seed files: a declared starting world (``awsbox serve --seed FILE``, and
the ``setup:`` section of scenarios), so every learner of a lab starts from
the same state.

A seed file (schema ``awsbox/seed/v1``, published in ``scenarios/schema/``)
declares IAM policies, groups, users and roles, KMS keys with fixed key ids
(and, for reproducible test fixtures, optionally their key material), their
aliases, buckets and objects; at its top level for the default account, and
under ``accounts:`` for further accounts (found or created by name).

Loading goes through the services' own operations, in process, as each
account's root (so it is validated, authorized and recorded like any call),
and is idempotent: what already exists is left as it is.
"""
from __future__ import annotations

import base64
import io
import json
import uuid
from pathlib import Path

import jsonschema

from .accounts import root_principal
from .context import RequestContext
from .errors import AwsError
from .scenario.document import describe, parse, validator

ALREADY_THERE = {"EntityAlreadyExists", "AlreadyExistsException", "BucketAlreadyOwnedByYou"}
SEED_AGENT = "awsbox-seed"


def load_file(simulator, path) -> None:
    """Validate and load a seed file (errors name the file and line)."""
    document = parse(Path(path), "seed")
    apply(simulator, document.data, Path(path).parent)


def load_document(simulator, seed: dict) -> None:
    """Validate and load a seed given as data (the control API's
    ``POST /_awsbox/seed``, used by scenarios' ``setup:``). A document that
    breaks the schema raises ValueError naming the member."""
    error = jsonschema.exceptions.best_match(validator("awsbox/seed/v1").iter_errors(seed))
    if error is not None:
        raise ValueError(f"seed: {describe(error)}")
    apply(simulator, seed)


def apply(simulator, seed: dict, base_dir: Path | None = None) -> None:
    """Load an already validated seed document."""
    worlds = [(simulator.config.default_account, seed)]
    for account in seed.get("accounts") or []:
        worlds.append((_account(simulator, account["name"]), account))
    for account_id, world in worlds:
        World(simulator, account_id, world.get("region") or simulator.config.region, base_dir).load(world)
    simulator.events.flush()


def _account(simulator, name: str) -> str:
    for account in simulator.accounts.list():
        if account["name"] == name:
            return account["account_id"]
    return simulator.accounts.create(name)["account_id"]


class World:
    """One account's part of a seed."""

    def __init__(self, simulator, account_id: str, region: str, base_dir: Path | None):
        self.simulator = simulator
        self.account_id = account_id
        self.region = region
        self.base_dir = base_dir or Path(".")

    def context(self, service: str, operation: str, params: dict, region: str | None = None) -> RequestContext:
        return RequestContext(
            request_id=str(uuid.uuid4()),
            service=service,
            operation=operation,
            account_id=self.account_id,
            region="us-east-1" if service == "iam" else (region or self.region),
            principal=root_principal(self.account_id),
            params=params,
            now=self.simulator.clock.now(),
            app=self.simulator,
            user_agent=SEED_AGENT,
        )

    def call(self, service: str, operation: str, params: dict, region: str | None = None) -> dict | None:
        """The operation's answer; None when what it creates is already there."""
        try:
            return self.simulator.execute(self.context(service, operation, params, region))
        except AwsError as error:
            if error.code in ALREADY_THERE:
                return None
            raise

    def exists(self, service: str, operation: str, params: dict, region: str | None = None) -> bool:
        try:
            self.simulator.execute(self.context(service, operation, params, region))
            return True
        except AwsError as error:
            if error.status == 404 or error.code in ("NoSuchEntity", "NotFoundException", "NoSuchKey", "NoSuchBucket"):
                return False
            raise

    def load(self, world: dict) -> None:
        for policy in world.get("policies") or []:
            params = {"PolicyName": policy["name"], "PolicyDocument": json.dumps(policy["document"])}
            if policy.get("description"):
                params["Description"] = policy["description"]
            self.call("iam", "CreatePolicy", params)
        for group in world.get("groups") or []:
            self.call("iam", "CreateGroup", {"GroupName": group["name"]})
            self._policies("Group", group)
        for user in world.get("users") or []:
            self.call("iam", "CreateUser", {"UserName": user["name"]})
            for group in user.get("groups") or []:
                self.call("iam", "AddUserToGroup", {"GroupName": group, "UserName": user["name"]})
            self._policies("User", user)
        for role in world.get("roles") or []:
            trust = role.get("trust") or {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.account_id}:root"}, "Action": "sts:AssumeRole"}],
            }
            params = {"RoleName": role["name"], "AssumeRolePolicyDocument": json.dumps(trust)}
            if role.get("description"):
                params["Description"] = role["description"]
            self.call("iam", "CreateRole", params)
            self._policies("Role", role)
        for key in world.get("keys") or []:
            self._key(key)
        for bucket in world.get("buckets") or []:
            self._bucket(bucket)

    def _policies(self, kind: str, entity: dict) -> None:
        """Inline and attached policies (putting and attaching are idempotent)."""
        name = {f"{kind}Name": entity["name"]}
        for policy in entity.get("policies") or []:
            self.call("iam", f"Put{kind}Policy", {**name, "PolicyName": policy["name"], "PolicyDocument": json.dumps(policy["document"])})
        for attached in entity.get("managed_policies") or []:
            arn = attached if attached.startswith("arn:") else f"arn:aws:iam::{self.account_id}:policy/{attached}"
            self.call("iam", f"Attach{kind}Policy", {**name, "PolicyArn": arn})

    # -- KMS ---------------------------------------------------------------------
    def _key(self, spec: dict) -> None:
        region = spec.get("region") or self.region
        if not self.exists("kms", "DescribeKey", {"KeyId": spec["id"]}, region):
            self._create_key(spec, region)
            if spec.get("rotation"):
                self.call("kms", "EnableKeyRotation", {"KeyId": spec["id"]}, region)
            if spec.get("enabled") is False:
                self.call("kms", "DisableKey", {"KeyId": spec["id"]}, region)
        for alias in spec.get("aliases") or []:
            self.call("kms", "CreateAlias", {"AliasName": alias, "TargetKeyId": spec["id"]}, region)

    def _create_key(self, spec: dict, region: str) -> None:
        """CreateKey cannot be given a key id: the key is made by KMS's own
        ``keys.insert``, the same code CreateKey runs, with the seed's id."""
        from services.kms import keys, policies_default, tags

        policy = json.dumps(spec["policy"]) if spec.get("policy") else policies_default.default_key_policy(self.account_id)
        policies_default.check(policy)
        tag_list = [{"TagKey": k, "TagValue": v} for k, v in (spec.get("tags") or {}).items()]
        tags.check(tag_list)
        ctx = self.context("kms", "CreateKey", {}, region)
        with self.simulator.store.tx() as db:
            key = keys.insert(
                ctx, db, region=region, key_id=spec["id"], key_spec=spec.get("key_spec", "SYMMETRIC_DEFAULT"),
                key_usage="ENCRYPT_DECRYPT", origin="AWS_KMS", description=spec.get("description", ""), policy=policy,
                primary_region=region, tag_list=tag_list,
            )
            if spec.get("material"):
                _fix_material(db, self.simulator.root_key, key, base64.b64decode(spec["material"]))

    # -- S3 ----------------------------------------------------------------------
    def _bucket(self, spec: dict) -> None:
        region = spec.get("region") or self.region
        name = spec["name"]
        params: dict = {"Bucket": name}
        if region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": region}
        created = self.call("s3", "CreateBucket", params, region) is not None
        if created and spec.get("versioning"):
            self.call("s3", "PutBucketVersioning", {"Bucket": name, "VersioningConfiguration": {"Status": "Enabled"}}, region)
        if created and spec.get("encryption"):
            encryption = spec["encryption"]
            rule: dict = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": encryption["algorithm"]}}
            if encryption.get("key"):
                rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] = encryption["key"]
            if "bucket_key" in encryption:
                rule["BucketKeyEnabled"] = encryption["bucket_key"]
            self.call("s3", "PutBucketEncryption", {"Bucket": name, "ServerSideEncryptionConfiguration": {"Rules": [rule]}}, region)
        if created and spec.get("policy"):
            self.call("s3", "PutBucketPolicy", {"Bucket": name, "Policy": json.dumps(spec["policy"])}, region)
        for obj in spec.get("objects") or []:
            if not self.exists("s3", "HeadObject", {"Bucket": name, "Key": obj["key"]}, region):
                self._object(name, obj, region)

    def _object(self, bucket: str, spec: dict, region: str) -> None:
        if "body" in spec:
            body = spec["body"].encode()
        elif "body_base64" in spec:
            body = base64.b64decode(spec["body_base64"])
        else:
            body = (self.base_dir / spec["file"]).read_bytes()
        params: dict = {"Bucket": bucket, "Key": spec["key"], "Body": io.BytesIO(body), "ContentLength": len(body)}
        for member, field in (("ContentType", "content_type"), ("StorageClass", "storage_class"),
                              ("ServerSideEncryption", "encryption"), ("SSEKMSKeyId", "kms_key")):
            if spec.get(field):
                params[member] = spec[field]
        self.call("s3", "PutObject", params, region)


def _fix_material(db, root_key, key, material: bytes) -> None:
    """Give a new key the seed's material in place of the generated one.
    The material id is a digest of key id and material, so ciphertext made
    under the seed on one server decrypts on every server seeded alike."""
    from services.kms import key_material

    if len(material) != key_material.SYMMETRIC_BYTES:
        raise ValueError(f"key {key.key_id}: material must be {key_material.SYMMETRIC_BYTES} bytes")
    material_id = key_material.imported_material_id(key.key_id, material)
    db.execute(
        "UPDATE kms_key_materials SET material_id = ?, sealed = ? WHERE account_id = ? AND region = ? AND key_id = ?",
        (material_id, key_material.seal(root_key, key.key_id, material_id, material), key.account_id, key.region, key.key_id),
    )
    db.execute(
        "UPDATE kms_keys SET current_material = ? WHERE account_id = ? AND region = ? AND key_id = ?",
        (material_id, key.account_id, key.region, key.key_id),
    )
