"""Seed files: awsbox serve --seed FILE declares the starting world; loading
is idempotent; fixed key ids and key material make fixtures reproducible."""
import base64
import textwrap

import pytest
from botocore.exceptions import ClientError

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
MATERIAL = base64.b64encode(bytes(range(32))).decode()
SEED = f"""\
schema: awsbox/seed/v1
policies:
  - name: read-reports
    document:
      Version: "2012-10-17"
      Statement: [{{Effect: Allow, Action: "s3:GetObject", Resource: "arn:aws:s3:::seeded-reports/*"}}]
groups:
  - name: analysts
    managed_policies: [read-reports]
users:
  - name: alice
    groups: [analysts]
    policies:
      - name: use-key
        document:
          Version: "2012-10-17"
          Statement: [{{Effect: Allow, Action: ["kms:Decrypt", "kms:Encrypt"], Resource: "*"}}]
roles:
  - name: auditor
    description: reads the trail
keys:
  - id: {KEY_ID}
    description: seeded key
    material: {MATERIAL}
    aliases: [alias/seeded]
    tags: {{team: lab}}
  - id: 00000000-1111-2222-3333-444444444444
    enabled: false
buckets:
  - name: seeded-reports
    encryption: {{algorithm: "aws:kms", key: {KEY_ID}, bucket_key: true}}
    objects:
      - {{key: hello.txt, body: "hello from the seed", content_type: text/plain}}
      - {{key: data/report.csv, file: report.csv}}
accounts:
  - name: partner
    users: [{{name: bob}}]
"""


@pytest.fixture
def seeded(awsbox_server_factory, tmp_path):
    (tmp_path / "report.csv").write_text("a,b\n1,2\n")
    seed = tmp_path / "world.seed.yaml"
    seed.write_text(textwrap.dedent(SEED))
    server = awsbox_server_factory("--seed", str(seed), "--workers", "1")
    server.start()
    return server


def test_the_seeded_world(seeded):
    kms, s3, iam = seeded.client("kms"), seeded.client("s3"), seeded.client("iam")
    meta = kms.describe_key(KeyId="alias/seeded")["KeyMetadata"]
    assert meta["KeyId"] == KEY_ID and meta["Description"] == "seeded key" and meta["KeyState"] == "Enabled"
    assert kms.list_resource_tags(KeyId=KEY_ID)["Tags"] == [{"TagKey": "team", "TagValue": "lab"}]
    assert kms.describe_key(KeyId="00000000-1111-2222-3333-444444444444")["KeyMetadata"]["KeyState"] == "Disabled"
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]] == ["analysts"]
    assert iam.list_user_policies(UserName="alice")["PolicyNames"] == ["use-key"]
    assert iam.get_role(RoleName="auditor")["Role"]["Description"] == "reads the trail"
    hello = s3.get_object(Bucket="seeded-reports", Key="hello.txt")
    assert hello["Body"].read() == b"hello from the seed" and hello["ContentType"] == "text/plain"
    assert hello["ServerSideEncryption"] == "aws:kms" and hello["SSEKMSKeyId"].endswith(KEY_ID)
    assert s3.get_object(Bucket="seeded-reports", Key="data/report.csv")["Body"].read() == b"a,b\n1,2\n"
    partner = [a for a in seeded.control("GET", "/_awsbox/accounts")["accounts"] if a["name"] == "partner"]
    assert len(partner) == 1


def test_fixed_material_makes_ciphertext_portable(seeded, awsbox_server_factory, tmp_path):
    blob = seeded.client("kms").encrypt(KeyId=KEY_ID, Plaintext=b"fixture")["CiphertextBlob"]
    other = awsbox_server_factory("--seed", str(tmp_path / "world.seed.yaml"), "--workers", "1", data_dir=tmp_path / "other")
    other.start()
    assert other.client("kms").decrypt(CiphertextBlob=blob)["Plaintext"] == b"fixture"


def test_loading_twice_changes_nothing(seeded):
    s3, kms = seeded.client("s3"), seeded.client("kms")
    s3.put_object(Bucket="seeded-reports", Key="hello.txt", Body=b"changed by a learner")
    seeded.restart()  # loads the seed again
    assert s3.get_object(Bucket="seeded-reports", Key="hello.txt")["Body"].read() == b"changed by a learner"
    aliases = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/seeded"]
    assert len(aliases) == 1
    accounts = [a for a in seeded.control("GET", "/_awsbox/accounts")["accounts"] if a["name"] == "partner"]
    assert len(accounts) == 1


def test_a_bad_seed_file_stops_the_server_naming_file_and_line(awsbox_server_factory, tmp_path):
    seed = tmp_path / "bad.seed.yaml"
    seed.write_text("schema: awsbox/seed/v1\nkeys:\n  - id: 1234\n")
    server = awsbox_server_factory("--seed", str(seed))
    with pytest.raises(RuntimeError) as caught:
        server.start()
    assert f"{seed}:3: keys.0.id" in str(caught.value)


def test_seed_keys_and_objects_are_what_kms_and_s3_say(seeded):
    with pytest.raises(ClientError) as caught:
        seeded.client("kms").encrypt(KeyId="00000000-1111-2222-3333-444444444444", Plaintext=b"x")
    assert caught.value.response["Error"]["Code"] == "DisabledException"
