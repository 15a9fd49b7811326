"""awsbox's own APIs under bad input: the control API (``/_awsbox/...``,
``/moto-api/reset``), seed documents and scenario files. These are not
AWS's, so the answer is the README's contract: a 4xx JSON error naming the
problem, and nothing changed (a seed loads whole or not at all).

Runs on the session server, never resetting it or moving its clock; what
needs a reconfigured server (an admin token, a seed at start) gets its own.
"""
from __future__ import annotations

import datetime as dt
import json
import textwrap
import time
import urllib.error
import urllib.request
import uuid

import botocore.exceptions
import pytest

from simulator.scenario import ScenarioError, Target, load, run_scenario
from tests.stored import blob_ids

POSTS = ("/_awsbox/reset", "/moto-api/reset", "/_awsbox/clock/advance", "/_awsbox/accounts", "/_awsbox/seed")


def send(server, method, path, body: bytes | None = None, headers: dict | None = None):
    """(status, decoded JSON answer) of a raw request: the bytes exactly as given."""
    request = urllib.request.Request(server.endpoint + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())  # never an HTML page


def now(server) -> dt.datetime:
    return dt.datetime.fromisoformat(server.control("GET", "/_awsbox/clock")["now"].replace("Z", "+00:00"))


def refused(server, path, body, status=400) -> str:
    """The error message of a refused JSON request (body as raw text)."""
    got, answer = send(server, "POST", path, body.encode(), {"Content-Type": "application/json"})
    assert got == status, answer
    assert set(answer) == {"error"} and answer["error"]["code"] and answer["error"]["message"], answer
    return answer["error"]["message"]


# -- the control API -------------------------------------------------------------
@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("body", [b"not json", b"\xff\xfe", b"[1, 2]", b'"text"', b"42", b"null", b"{"])
def test_a_body_that_is_not_a_json_object(server, path, body):
    status, answer = send(server, "POST", path, body, {"Content-Type": "application/json"})
    assert (status, answer["error"]["code"]) == (400, "BadRequest")
    assert answer["error"]["message"] == "The body must be a JSON object."


@pytest.mark.parametrize("seconds", ["NaN", "Infinity", "-Infinity", "1e20", "1e400", "9" * 400, "-1", "-0.5",
                                     '"10"', "null", "true", "[]", "{}"])
def test_clock_advance_refuses_what_is_not_a_time(server, seconds):
    before = now(server)
    message = refused(server, "/_awsbox/clock/advance", f'{{"seconds": {seconds}}}')
    assert "'seconds'" in message
    # The clock is unchanged, and still a clock (a huge advance once broke every later request).
    assert abs(now(server) - before) < dt.timedelta(seconds=30)
    assert server.client("sts").get_caller_identity()["Account"] == server.account_id


def test_clock_advance_of_zero_is_fine(server):
    before = now(server)
    assert dt.datetime.fromisoformat(server.advance_clock(0).replace("Z", "+00:00")) - before < dt.timedelta(seconds=30)


@pytest.mark.parametrize("path, body", [("/_awsbox/clock/advance", '{"seconds": 1, "second": 1}'),
                                        ("/_awsbox/accounts", '{"name": "sweep-x", "names": "y"}')])
def test_a_misspelt_member_is_refused_not_ignored(server, path, body):
    accounts = server.control("GET", "/_awsbox/accounts")["accounts"]
    before = now(server)
    assert "Unknown member" in refused(server, path, body)
    assert server.control("GET", "/_awsbox/accounts")["accounts"] == accounts
    assert abs(now(server) - before) < dt.timedelta(seconds=30)


@pytest.mark.parametrize("path", ["/_awsbox/reset", "/moto-api/reset"])
def test_a_misspelt_reset_resets_nothing(guarded, path):
    """On a server of its own: were {"acount": ...} taken for {}, everything would go."""
    accounts = guarded.control("GET", "/_awsbox/accounts", token="s3cr3t")["accounts"]
    assert len(accounts) >= 2
    status, answer = send(guarded, "POST", path, json.dumps({"acount": accounts[1]["account_id"]}).encode(),
                          {"Authorization": "Bearer s3cr3t"})
    assert (status, answer["error"]["code"]) == (400, "BadRequest") and "'acount'" in answer["error"]["message"]
    assert guarded.control("GET", "/_awsbox/accounts", token="s3cr3t")["accounts"] == accounts


@pytest.mark.parametrize("account", ["[]", "999999999999", "true", '""', '{"id": "1"}'])
def test_reset_of_an_account_that_is_not_an_account_id(server, account):
    mine = server.create_account("reset-sweep")
    s3 = server.client("s3", mine["access_key_id"], mine["secret_access_key"])
    bucket = f"reset-sweep-{mine['account_id']}"
    s3.create_bucket(Bucket=bucket)
    assert "'account'" in refused(server, "/_awsbox/reset", f'{{"account": {account}}}')
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [bucket]


@pytest.mark.parametrize("name", ['""', '"   "', '"' + "x" * 65 + '"', "7", "null", '["a"]', "true"])
def test_account_names_that_are_not_names(server, name):
    accounts = server.control("GET", "/_awsbox/accounts")["accounts"]
    assert "'name'" in refused(server, "/_awsbox/accounts", f'{{"name": {name}}}')
    assert server.control("GET", "/_awsbox/accounts")["accounts"] == accounts


@pytest.mark.parametrize("method, path, status", [("GET", "/_awsbox/reset", 405), ("DELETE", "/_awsbox/accounts", 405),
                                                  ("GET", "/_awsbox/nothing", 404), ("POST", "/moto-api/nothing", 404)])
def test_no_such_control_request_answers_json(server, method, path, status):
    got, answer = send(server, method, path)
    assert got == status and answer["error"]["code"] in ("MethodNotAllowed", "NotFound")


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer ", "Bearer wrong", "Basic s3cr3t",
                                           "Bearer s3cr3t extra", "s3cr3t", "Bearer s3cr3\u00e9"])
def test_a_wrong_or_malformed_admin_token(guarded, authorization):
    headers = {"Content-Type": "application/json"} | ({"Authorization": authorization} if authorization is not None else {})
    accounts = guarded.control("GET", "/_awsbox/accounts", token="s3cr3t")["accounts"]
    for path, body in (("/_awsbox/accounts", b'{"name": "intruder"}'), ("/_awsbox/reset", b"{}"),
                       ("/_awsbox/clock/advance", b'{"seconds": 86400}')):
        status, answer = send(guarded, "POST", path, body, headers)
        assert (status, answer["error"]["code"]) == (401, "Unauthorized")
    assert guarded.control("GET", "/_awsbox/accounts", token="s3cr3t")["accounts"] == accounts
    assert abs(now_with(guarded, "s3cr3t") - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=5)
    # The scheme's case and spaces around the token do not matter.
    assert send(guarded, "GET", "/_awsbox/accounts", headers={"Authorization": "bearer  s3cr3t "})[0] == 200


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    from simulator.embedded import EmbeddedServer

    server = EmbeddedServer(str(tmp_path_factory.mktemp("guarded")), args=("--host", "0.0.0.0", "--admin-token", "s3cr3t"))
    with server:
        server.control("POST", "/_awsbox/accounts", {"name": "guarded"}, token="s3cr3t")
        yield server


def now_with(server, token) -> dt.datetime:
    return dt.datetime.fromisoformat(server.control("GET", "/_awsbox/clock", token=token)["now"].replace("Z", "+00:00"))


# -- seed documents --------------------------------------------------------------
def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
# (what is wrong, the world: its parts before the fault load fine, so a seed
# that is not all or nothing leaves them behind; what the error names)
PARTLY_GOOD = [
    ("a user's group that is nowhere", {"users": [{"name": "u1"}, {"name": "u2", "groups": ["missing"]}]},
     ("accounts.0.users.1", "NoSuchEntity")),
    ("a policy that is not one", {"users": [{"name": "u1"}], "policies": [{"name": "p", "document": {"Statement": "x"}}]},
     ("accounts.0.policies.0", "MalformedPolicyDocument")),
    ("a managed policy that is nowhere", {"users": [{"name": "u1", "managed_policies": ["nope"]}]},
     ("accounts.0.users.0", "NoSuchEntity")),
    ("a key policy that is not one", {"users": [{"name": "u1"}],
                                      "keys": [{"id": str(uuid.UUID(int=7)), "policy": {"Statement": [{"Effect": "Maybe"}]}}]},
     ("accounts.0.keys.0", "MalformedPolicyDocument")),
    ("a reserved tag", {"keys": [{"id": str(uuid.UUID(int=8))}, {"id": str(uuid.UUID(int=9)), "tags": {"aws:x": "y"}}]},
     ("accounts.0.keys.1", "TagException")),
    ("a storage class there is not", {"buckets": [{"name": "@", "objects": [{"key": "a", "body": "x"},
                                                                             {"key": "b", "body": "y", "storage_class": "BOGUS"}]}]},
     ("accounts.0.buckets.0.objects.1", "storageClass")),
    ("an encryption key that is nowhere", {"buckets": [{"name": "@", "objects": [{"key": "a", "body": "x"}]},
                                                       {"name": "@2", "encryption": {"algorithm": "aws:kms", "key": "nokey"},
                                                        "objects": [{"key": "a", "body": "x"}]}]},
     ("accounts.0.buckets.1.objects.0", "NotFoundException")),
    ("a region there is not", {"users": [{"name": "u1"}], "buckets": [{"name": "@", "region": "mars-1"}]},
     ("accounts.0.buckets.0", "locationConstraint")),
    ("a key region there is not", {"users": [{"name": "u1"}], "keys": [{"id": str(uuid.UUID(int=12)), "region": "mars-1"}]},
     ("accounts.0.keys.0.region", "not a region KMS is in")),
    ("a key policy naming nobody", {"users": [{"name": "u1"}], "keys": [{"id": str(uuid.UUID(int=13)), "policy": {
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/nobody"}, "Action": "kms:Decrypt",
             "Resource": "*"}]}}]},
     ("accounts.0.keys.0", "invalid principals")),
    ("an untrusting trust policy", {"users": [{"name": "u1"}], "roles": [{"name": "r", "trust": {"Statement": []}}]},
     ("accounts.0.roles.0", "MalformedPolicyDocument")),
    ("a name given twice", {"users": [{"name": "u1"}, {"name": "u1", "groups": ["g"]}]},
     ("accounts.0.users.1", "declared twice")),
    ("an alias given twice", {"keys": [{"id": str(uuid.UUID(int=10)), "aliases": ["alias/a"]},
                                       {"id": str(uuid.UUID(int=11)), "aliases": ["alias/a"]}]},
     ("accounts.0.keys.1.aliases", "two keys")),
    ("bytes that are not base64", {"buckets": [{"name": "@", "objects": [{"key": "a", "body_base64": "!!"}]}]},
     ("accounts.0.buckets.0.objects.0.body_base64", "base64")),
    ("a server file read through the API", {"buckets": [{"name": "@", "objects": [{"key": "a", "file": "/etc/hostname"}]}]},
     ("accounts.0.buckets.0.objects.0.file", "body_base64")),
]


@pytest.mark.parametrize("world, names", [case[1:] for case in PARTLY_GOOD], ids=[case[0] for case in PARTLY_GOOD])
def test_a_seed_loads_whole_or_not_at_all(server, s3, world, names):
    account = unique("seed-sweep")
    text = json.dumps({"schema": "awsbox/seed/v1", "accounts": [{"name": account, **world}]})
    buckets = [unique("seed-sweep") for _ in range(2)]
    text = text.replace('"@2"', f'"{buckets[1]}"').replace('"@"', f'"{buckets[0]}"')
    blobs = blob_ids(server.data_dir)
    message = refused(server, "/_awsbox/seed", text)
    assert message.startswith(f"seed: {names[0]}") and names[1] in message, message
    assert account not in [a["name"] for a in server.control("GET", "/_awsbox/accounts")["accounts"]]
    for bucket in buckets:
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            s3.head_bucket(Bucket=bucket)
        assert caught.value.response["Error"]["Code"] == "404"
    assert blob_ids(server.data_dir) == blobs  # no body of a rolled back object left behind


def test_a_rolled_back_seed_leaves_no_trail(server, s3):
    """The calls of a seed that failed never took effect: the trail must not
    show them as made (here in the default account, whose trail we can read)."""
    bucket = unique("seed-trail")
    seed = {"schema": "awsbox/seed/v1", "buckets": [{"name": bucket, "objects": [
        {"key": "a", "body": "x"}, {"key": "b", "body": "y", "storage_class": "BOGUS"}]}]}
    assert "storageClass" in refused(server, "/_awsbox/seed", json.dumps(seed))
    time.sleep(0.5)  # the trail is written in batches, every 0.2 s
    found = server.client("cloudtrail").lookup_events(
        LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": f"arn:aws:s3:::{bucket}"}])["Events"]
    assert [e["EventName"] for e in found] == []
    # The same seed without its fault loads, and is trailed.
    seed["buckets"][0]["objects"].pop()
    server.control("POST", "/_awsbox/seed", seed)
    time.sleep(0.5)
    found = server.client("cloudtrail").lookup_events(
        LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": f"arn:aws:s3:::{bucket}"}])["Events"]
    assert {"CreateBucket", "PutObject"} <= {e["EventName"] for e in found}


def test_seeded_roles_may_trust_each_other(server, iam):
    """A trust policy may name a role declared after it, or two roles each
    other: roles get their own trust policies once all of them exist."""
    first, second = unique("seed-role"), unique("seed-role")

    def trusting(name):
        return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                        "Principal": {"AWS": f"arn:aws:iam::{server.account_id}:role/{name}"}}]}
    server.control("POST", "/_awsbox/seed", {"schema": "awsbox/seed/v1", "roles": [
        {"name": first, "trust": trusting(second)}, {"name": second, "trust": trusting(first)}]})
    for name, trusted in ((first, second), (second, first)):
        assert iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"] == trusting(trusted)


@pytest.mark.parametrize("seed, named", [
    ({}, "the document: 'schema' is a required property"),
    ({"schema": "awsbox/seed/v2"}, "schema"),
    ({"schema": "awsbox/seed/v1", "user": []}, "unknown field 'user'"),
    ({"schema": "awsbox/seed/v1", "users": {"name": "u"}}, "users"),
    ({"schema": "awsbox/seed/v1", "users": [{"name": 5}]}, "users.0.name"),
    ({"schema": "awsbox/seed/v1", "keys": [{"id": "not-a-key-id"}]}, "keys.0.id"),
    ({"schema": "awsbox/seed/v1", "buckets": [{"name": "b-sweep", "objects": [{"key": "a"}]}]},
     "needs exactly one of body, file, body_base64"),
    ({"schema": "awsbox/seed/v1", "accounts": [{"name": "dup-sweep"}, {"name": "dup-sweep"}]}, "accounts.1"),
])
def test_a_seed_that_breaks_the_schema(server, seed, named):
    accounts = server.control("GET", "/_awsbox/accounts")["accounts"]
    assert named in refused(server, "/_awsbox/seed", json.dumps(seed))
    assert server.control("GET", "/_awsbox/accounts")["accounts"] == accounts


def test_a_seed_file_failing_half_way_stops_the_server_and_leaves_nothing(awsbox_server_factory, tmp_path):
    seed = tmp_path / "half.seed.yaml"
    seed.write_text(textwrap.dedent("""\
        schema: awsbox/seed/v1
        users:
          - name: first
          - name: second
            groups: [nowhere]
        """))
    data = tmp_path / "data"
    with pytest.raises(RuntimeError) as caught:
        awsbox_server_factory("--seed", str(seed), data_dir=data).start()
    assert f"{seed}:4: users.1: AddUserToGroup failed: NoSuchEntity" in str(caught.value)
    with awsbox_server_factory(data_dir=data) as server:
        assert server.client("iam").list_users()["Users"] == []


# -- scenario files --------------------------------------------------------------
def scenario_error(tmp_path, text) -> str:
    path = tmp_path / "sweep.scenario.yaml"
    path.write_text(textwrap.dedent(text))
    with pytest.raises(ScenarioError) as caught:
        load(path)
    return str(caught.value)


HEAD = "schema: awsbox/scenario/v1\ntitle: sweep\n"
WHO = "  - name: who\n    call: {service: sts, operation: GetCallerIdentity}\n"


@pytest.mark.parametrize("body, named", [
    ("steps:\n  - name: tick\n    advance_clock: {days: .nan}\n", ":5: advance_clock: nan seconds"),
    ("steps:\n  - name: tick\n    advance_clock: {days: .inf}\n", ":5: advance_clock: inf seconds"),
    ("steps:\n  - name: tick\n    advance_clock: {days: 1.0e+300}\n", ":5: advance_clock:"),
    ("steps:\n  - name: tick\n    advance_clock: {days: -1}\n", "advance_clock.days"),
    ("steps:\n  - name: tick\n    advance_clock: {days: ten}\n", "advance_clock.days"),
    ("steps:\n  - name: tick\n    advance_clock: {weeks: 1}\n", "unknown field 'weeks'"),
    ("steps:\n  - name: nothing to do\n", ":4: steps.0: needs exactly one of call, advance_clock, local"),
    ("steps:\n  - name: two things\n    advance_clock: {days: 1}\n    local: {operation: Encrypt, key: k, data: d}\n",
     "needs exactly one of call, advance_clock, local (has advance_clock, local)"),
    ("steps:\n  - name: x\n    frobnicate: 1\n", "unknown field 'frobnicate' in steps.0"),
    ("setup:\n  buckets: [{name: sweep-b, objects: [{key: a, file: nothere.txt}]}]\nsteps:\n" + WHO,
     ":4: no such file 'nothere.txt'"),
    ("setup:\n  bogus: 1\nsteps:\n" + WHO, ":4: unknown field 'bogus' in setup"),
    ("setup:\n  users: [5]\nsteps:\n" + WHO, "setup.users.0"),
    ("setup:\n  buckets: [{name: sweep-b, objects: [{key: a, body: '${nothing}'}]}]\nsteps:\n" + WHO,
     "${nothing} is used before anything defines it"),
    ("actors:\n  alice: {type: user}\nsetup:\n  buckets: [{name: sweep-b, objects: [{key: a, body: '${actors.alice.Arn}'}]}]\n"
     "steps:\n" + WHO, "setup runs before the actors are made"),
    ("steps:\n" + WHO + "    capture: {me: Arn}\n  - name: later\n    call: {service: kms, operation: DescribeKey, params: "
     "{KeyId: '${you}'}}\n", "${you} is used before anything defines it"),
    ("steps:\n" + WHO + "    capture: {me: NoSuchField}\n", "the answer has no field 'NoSuchField'"),
])
def test_a_scenario_file_that_cannot_run_says_where_and_why(tmp_path, body, named):
    message = scenario_error(tmp_path, HEAD + body)
    assert named in message, message


def test_a_setup_the_server_refuses_is_the_runs_problem_in_its_words(server, tmp_path):
    path = tmp_path / "refused.scenario.yaml"
    path.write_text(HEAD + f"setup:\n  users: [{{name: {unique('sweep')}, groups: [nowhere]}}]\nsteps:\n" + WHO)
    result = run_scenario(load(path), Target(server.endpoint))
    assert not result.passed
    assert len(result.problems) == 1 and result.problems[0].startswith("setup: the server refused it:"), result.problems
    assert "users.0: AddUserToGroup failed: NoSuchEntity" in result.problems[0]
    assert "needs an awsbox endpoint" not in result.problems[0]


def test_a_setup_with_a_variable_runs(server, tmp_path, s3):
    bucket = unique("sweep-setup")
    path = tmp_path / "vars.scenario.yaml"
    path.write_text(HEAD + f"variables:\n  greeting: 'hello ${{run.Id}}'\nsetup:\n  buckets: [{{name: {bucket}, objects: "
                    "[{key: a, body: '${greeting} from ${actors.root.Arn}'}]}]\nsteps:\n" + WHO)
    result = run_scenario(load(path), Target(server.endpoint))
    assert result.passed, result.failure_text()
    body = s3.get_object(Bucket=bucket, Key="a")["Body"].read().decode()
    assert body.startswith("hello ") and body.endswith(f"from arn:aws:iam::{server.account_id}:root")
    s3.delete_object(Bucket=bucket, Key="a")
    s3.delete_bucket(Bucket=bucket)
