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
import binascii
import contextlib
import io
import json
import uuid
from pathlib import Path

import jsonschema

from . import regions, registry
from .accounts import root_principal
from .context import RequestContext
from .errors import AwsError
from .protocols.protocol import check as check_input, nodes
from .scenario.document import describe, parse, validator

ALREADY_THERE = {"EntityAlreadyExists", "AlreadyExistsException", "BucketAlreadyOwnedByYou"}
SEED_AGENT = "awsbox-seed"


class SeedError(ValueError):
    """A seed that cannot be loaded: ``where`` is the path of the member at
    fault (as in ``users.0.groups``), ``reason`` what is wrong with it, and
    ``problem`` both in words."""

    def __init__(self, where: tuple, reason: str):
        self.where, self.reason = where, reason
        place = ".".join(map(str, where))
        self.problem = f"{place}: {reason}" if place else reason
        super().__init__(f"seed: {self.problem}")


def load_file(simulator, path) -> None:
    """Validate and load a seed file (errors name the file and line)."""
    document = parse(Path(path), "seed")
    try:
        check(document.data)
        apply(simulator, document.data, Path(path).parent)
    except SeedError as error:
        raise document.error(error.where, error.problem) from None


def load_document(simulator, seed) -> None:
    """Validate and load a seed given as data (the control API's
    ``POST /_awsbox/seed``, used by scenarios' ``setup:``). A document that
    breaks the schema, or that cannot be loaded, raises SeedError (a
    ValueError) naming the member; nothing of it is then loaded."""
    error = jsonschema.exceptions.best_match(validator("awsbox/seed/v1").iter_errors(seed))
    if error is not None:
        raise SeedError((), describe(error, whole="the document"))
    check(seed)
    for where, world in worlds(seed):
        for b, bucket in enumerate(world.get("buckets") or []):
            for o, obj in enumerate(bucket.get("objects") or []):
                if "file" in obj:
                    # Only a seed file has a folder for its files to be in.
                    raise SeedError(where + ("buckets", b, "objects", o, "file"),
                                    "a seed sent as data carries its objects' bytes (body or body_base64), not files")
    apply(simulator, seed)


def worlds(seed: dict) -> list[tuple[tuple, dict]]:
    """(where, world): the default account's, then each of ``accounts:``."""
    return [((), seed)] + [(("accounts", i), world) for i, world in enumerate(seed.get("accounts") or [])]


# What must be unique in one world of a seed: the list, and what names an item.
UNIQUE = (("policies", "name"), ("groups", "name"), ("users", "name"), ("roles", "name"), ("keys", "id"), ("buckets", "name"))


def check(seed: dict) -> None:
    """What the schema cannot say: no name given twice (which of two
    different declarations would win?), and bytes that are base64."""
    _unique(("accounts",), [world["name"] for _, world in worlds(seed)[1:]], "account")
    aliases = []
    for where, world in worlds(seed):
        for kind, member in UNIQUE:
            _unique(where + (kind,), [item[member] for item in world.get(kind) or []], kind[:-1])
        for k, key in enumerate(world.get("keys") or []):
            aliases += [(where + ("keys", k, "aliases"), (where, key.get("region") or world.get("region"), alias)) for alias in key.get("aliases") or []]
        for b, bucket in enumerate(world.get("buckets") or []):
            _unique(where + ("buckets", b, "objects"), [obj["key"] for obj in bucket.get("objects") or []], "object key")
            for o, obj in enumerate(bucket.get("objects") or []):
                if "body_base64" in obj:
                    try:
                        base64.b64decode(obj["body_base64"], validate=True)
                    except binascii.Error:
                        raise SeedError(where + ("buckets", b, "objects", o, "body_base64"), "not valid base64") from None
    seen: dict = {}
    for where, alias in aliases:
        if alias in seen:
            raise SeedError(where, f"alias {alias[2]!r} is given to two keys")
        seen[alias] = where


def _unique(where: tuple, names: list, what: str) -> None:
    seen = set()
    for index, name in enumerate(names):
        if name in seen:
            raise SeedError(where + (index,), f"{what} {name!r} is declared twice")
        seen.add(name)


def apply(simulator, seed: dict, base_dir: Path | None = None) -> None:
    """Load an already validated seed document: all of it or, when any part
    fails, none of it (one transaction; the services' own join it)."""
    store = simulator.store
    written: set = set()
    try:
        with simulator.events.held(), store.tx() as db:
            try:
                for where, world in worlds(seed):
                    account_id = simulator.config.default_account if not where else _account(simulator, world["name"])
                    World(simulator, account_id, world.get("region") or simulator.config.region, base_dir, where).load(world)
            except BaseException:
                written = _blob_ids(db)
                raise
    except BaseException:
        # Bodies kept as files no rollback takes back (small ones are rows,
        # rolled back with the rest): those only the rolled back rows pointed
        # to go too. (A seed only puts objects that are not there, so it
        # dooms no older body.)
        store.blobs.delete(*(written - _blob_ids(store.read())))
        raise
    finally:
        simulator.events.flush()


def _blob_ids(db) -> set:
    """Every blob a row points to (a ``blob_id`` column, as Simulator.reset
    finds them)."""
    found = set()
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    for table in tables:
        if "blob_id" in {r[1] for r in db.execute(f'PRAGMA table_info("{table}")')}:
            found.update(r[0] for r in db.execute(f'SELECT blob_id FROM "{table}" WHERE blob_id IS NOT NULL'))
    return found


def _account(simulator, name: str) -> str:
    for account in simulator.accounts.list():
        if account["name"] == name:
            return account["account_id"]
    return simulator.accounts.create(name)["account_id"]


class World:
    """One account's part of a seed."""

    def __init__(self, simulator, account_id: str, region: str, base_dir: Path | None, where: tuple = ()):
        self.simulator = simulator
        self.account_id = account_id
        self.region = region
        self.base_dir = base_dir or Path(".")
        self.where = where

    @contextlib.contextmanager
    def item(self, *where):
        """Loading the item at ``where`` (within what encloses it): what
        fails there is a SeedError naming it."""
        try:
            yield
        except SeedError as error:
            raise SeedError(where + error.where, error.reason) from None
        except AwsError as error:  # a check the services' own code makes (key policies, tags)
            raise SeedError(where, f"{error.code}: {error.message}") from None
        except OSError as error:
            raise SeedError(where, f"cannot read {error.filename}: {error.strerror}") from None
        except ValueError as error:
            raise SeedError(where, str(error)) from None

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

    def execute(self, service: str, operation: str, params: dict, region: str | None) -> dict:
        """The operation, its input checked against the model as on the
        wire (a streamed body is checked as it is read)."""
        svc = registry.service(service)
        check_input(svc, nodes(svc, operation)[0], {k: v for k, v in params.items() if not hasattr(v, "read")})
        return self.simulator.execute(self.context(service, operation, params, region))

    def call(self, service: str, operation: str, params: dict, region: str | None = None) -> dict | None:
        """The operation's answer; None when what it creates is already there."""
        try:
            return self.execute(service, operation, params, region)
        except AwsError as error:
            if error.code in ALREADY_THERE:
                return None
            raise _failed(operation, error) from None

    def exists(self, service: str, operation: str, params: dict, region: str | None = None) -> bool:
        try:
            self.execute(service, operation, params, region)
            return True
        except AwsError as error:
            if error.status == 404 or error.code in ("NoSuchEntity", "NotFoundException", "NoSuchKey", "NoSuchBucket"):
                return False
            raise _failed(operation, error) from None

    def load(self, world: dict) -> None:
        with self.item(*self.where):
            self._load(world)

    def _load(self, world: dict) -> None:
        for i, policy in enumerate(world.get("policies") or []):
            params = {"PolicyName": policy["name"], "PolicyDocument": json.dumps(policy["document"])}
            if policy.get("description"):
                params["Description"] = policy["description"]
            with self.item("policies", i):
                self.call("iam", "CreatePolicy", params)
        for i, group in enumerate(world.get("groups") or []):
            with self.item("groups", i):
                self.call("iam", "CreateGroup", {"GroupName": group["name"]})
                self._policies("Group", group)
        for i, user in enumerate(world.get("users") or []):
            with self.item("users", i):
                self.call("iam", "CreateUser", {"UserName": user["name"]})
                for group in user.get("groups") or []:
                    self.call("iam", "AddUserToGroup", {"GroupName": group, "UserName": user["name"]})
                self._policies("User", user)
        # Roles are made trusting their account first and given their own
        # trust policies once all exist: a trust policy may name a role
        # declared after it (or two roles each other), and IAM refuses a
        # principal that does not exist yet.
        created = []
        for i, role in enumerate(world.get("roles") or []):
            default_trust = {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.account_id}:root"}, "Action": "sts:AssumeRole"}],
            }
            params = {"RoleName": role["name"], "AssumeRolePolicyDocument": json.dumps(default_trust)}
            if role.get("description"):
                params["Description"] = role["description"]
            with self.item("roles", i):
                if self.call("iam", "CreateRole", params) is not None:
                    created.append((i, role))
                self._policies("Role", role)
        for i, role in created:
            if role.get("trust"):
                with self.item("roles", i):
                    self.call("iam", "UpdateAssumeRolePolicy", {"RoleName": role["name"], "PolicyDocument": json.dumps(role["trust"])})
        for i, key in enumerate(world.get("keys") or []):
            with self.item("keys", i):
                self._key(key)
        for i, bucket in enumerate(world.get("buckets") or []):
            with self.item("buckets", i):
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
        if region not in regions.of("kms"):
            raise SeedError(("region",), f"{region!r} is not a region KMS is in")
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
        policies_default.check(policy, self.simulator.store.read())
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
        for i, obj in enumerate(spec.get("objects") or []):
            with self.item("objects", i):
                if not self.exists("s3", "HeadObject", {"Bucket": name, "Key": obj["key"]}, region):
                    self._object(name, obj, region)

    def _object(self, bucket: str, spec: dict, region: str) -> None:
        if "body" in spec:
            body = spec["body"].encode()
        elif "body_base64" in spec:
            body = base64.b64decode(spec["body_base64"], validate=True)
        else:
            body = (self.base_dir / spec["file"]).read_bytes()
        params: dict = {"Bucket": bucket, "Key": spec["key"], "Body": io.BytesIO(body), "ContentLength": len(body)}
        for member, field in (("ContentType", "content_type"), ("StorageClass", "storage_class"),
                              ("ServerSideEncryption", "encryption"), ("SSEKMSKeyId", "kms_key")):
            if spec.get(field):
                params[member] = spec[field]
        self.call("s3", "PutObject", params, region)


def _failed(operation: str, error: AwsError) -> SeedError:
    return SeedError((), f"{operation} failed: {error.code}: {error.message}")


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
