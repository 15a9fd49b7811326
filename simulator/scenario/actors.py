"""A scenario's actors: the root (the target's own credentials), IAM users
created with an access key, and IAM roles assumed by another actor. Each run
names them after the run id, so runs never collide, and deletes them at the
end."""
from __future__ import annotations

import json
import time

from botocore.exceptions import ClientError

from .variables import substitute

# New IAM credentials take a few seconds to work on AWS (instantly on awsbox).
PROPAGATION_SECONDS = 30


def _document(policy, scope) -> str:
    return json.dumps(substitute(policy, scope))


class Actors:
    def __init__(self, target, region: str, run_id: str, root_identity: dict):
        self.target = target
        self.region = region
        self.run_id = run_id
        self.credentials: dict[str, dict | None] = {"root": None}
        self.identities: dict[str, dict] = {"root": {"Arn": root_identity["Arn"], "Name": "root", "Type": "root"}}
        self._created: list[tuple[str, str]] = []  # (kind, name), in creation order
        self._clients: dict[tuple, object] = {}

    def client(self, actor: str, service: str, region: str | None = None):
        key = (actor, service, region or self.region)
        if key not in self._clients:
            self._clients[key] = self.target.client(service, region or self.region, self.credentials[actor])
        return self._clients[key]

    def create(self, name: str, spec: dict, scope: dict) -> None:
        iam = self.client("root", "iam")
        if spec["type"] == "root":
            self.credentials[name] = None
            self.identities[name] = self.identities["root"]
            return
        entity = f"{name}-{self.run_id}"
        if spec["type"] == "user":
            user = iam.create_user(UserName=entity, Tags=[{"Key": "awsbox-scenario", "Value": self.run_id}])["User"]
            self._created.append(("user", entity))
            for policy in spec.get("policies") or []:
                iam.put_user_policy(UserName=entity, PolicyName=policy["name"], PolicyDocument=_document(policy["document"], scope))
            for arn in spec.get("managed_policies") or []:
                iam.attach_user_policy(UserName=entity, PolicyArn=substitute(arn, scope))
            key = iam.create_access_key(UserName=entity)["AccessKey"]
            self.credentials[name] = {"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}
            self.identities[name] = {"Arn": user["Arn"], "Name": entity, "Type": "user", "UserName": entity}
            self._until_usable(name)
            return
        account = self.identities["root"]["Arn"].split(":")[4]
        trust = spec.get("trust") or {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}],
        }
        role = iam.create_role(RoleName=entity, AssumeRolePolicyDocument=_document(trust, scope))["Role"]
        self._created.append(("role", entity))
        for policy in spec.get("policies") or []:
            iam.put_role_policy(RoleName=entity, PolicyName=policy["name"], PolicyDocument=_document(policy["document"], scope))
        for arn in spec.get("managed_policies") or []:
            iam.attach_role_policy(RoleName=entity, PolicyArn=substitute(arn, scope))
        sts = self.client(spec["assumed_by"], "sts")
        assumed = self._retry(lambda: sts.assume_role(RoleArn=role["Arn"], RoleSessionName=entity))
        self.credentials[name] = assumed["Credentials"]
        self.identities[name] = {"Arn": role["Arn"], "Name": entity, "Type": "role", "RoleName": entity,
                                 "SessionArn": assumed["AssumedRoleUser"]["Arn"]}

    def _until_usable(self, name: str) -> None:
        sts = self.client(name, "sts")
        self._retry(sts.get_caller_identity)

    def _retry(self, call):
        deadline = time.monotonic() + (0 if self.target.awsbox else PROPAGATION_SECONDS)
        while True:
            try:
                return call()
            except ClientError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(2)

    def delete(self) -> list[str]:
        """Delete what was created, newest first; the problems met, if any."""
        iam = self.client("root", "iam")
        problems = []
        for kind, entity in reversed(self._created):
            try:
                if kind == "user":
                    for key in iam.list_access_keys(UserName=entity)["AccessKeyMetadata"]:
                        iam.delete_access_key(UserName=entity, AccessKeyId=key["AccessKeyId"])
                    for policy in iam.list_user_policies(UserName=entity)["PolicyNames"]:
                        iam.delete_user_policy(UserName=entity, PolicyName=policy)
                    for policy in iam.list_attached_user_policies(UserName=entity)["AttachedPolicies"]:
                        iam.detach_user_policy(UserName=entity, PolicyArn=policy["PolicyArn"])
                    iam.delete_user(UserName=entity)
                else:
                    for policy in iam.list_role_policies(RoleName=entity)["PolicyNames"]:
                        iam.delete_role_policy(RoleName=entity, PolicyName=policy)
                    for policy in iam.list_attached_role_policies(RoleName=entity)["AttachedPolicies"]:
                        iam.detach_role_policy(RoleName=entity, PolicyArn=policy["PolicyArn"])
                    iam.delete_role(RoleName=entity)
            except ClientError as error:
                problems.append(f"could not delete {kind} {entity}: {error}")
        self._created.clear()
        return problems
