"""Recording, redaction and retention, in process."""
import datetime as dt

import services.iam  # noqa: F401  (registers the services whose shapes are used)
import services.kms  # noqa: F401

from simulator.app import Simulator
from simulator.accounts import root_principal
from simulator.config import Config
from simulator.context import RequestContext
from simulator.events import HIDDEN, redact, resources_of
from simulator.registry import service


def context(simulator, service_name, operation, params):
    return RequestContext(request_id="r", service=service_name, operation=operation, account_id="123456789012",
                          region="us-east-1", principal=root_principal("123456789012"), params=params,
                          now=dt.datetime.now(dt.timezone.utc), app=simulator)


def test_redaction_by_member_and_by_type_keeps_map_keys():
    shape = service("kms").operation_model("GenerateDataKey")
    params = redact({"KeyId": "k", "EncryptionContext": {"Department": "Payroll"}}, shape.input_shape)
    assert params == {"keyId": "k", "encryptionContext": {"Department": "Payroll"}}
    output = redact({"Plaintext": b"\x01" * 32, "CiphertextBlob": b"x", "KeyId": "arn"}, shape.output_shape)
    assert output == {"plaintext": HIDDEN, "ciphertextBlob": HIDDEN, "keyId": "arn"}
    iam = service("iam").operation_model("CreateAccessKey").output_shape
    key = redact({"AccessKey": {"AccessKeyId": "AKIA", "SecretAccessKey": "s3cr3t", "UserName": "u"}}, iam)
    assert key == {"accessKey": {"accessKeyId": "AKIA", "secretAccessKey": HIDDEN, "userName": "u"}}
    assert redact({"SSECustomerKey": "k", "Password": "p", "Nested": [{"SessionToken": "t"}]}) == {
        "SSECustomerKey": HIDDEN, "Password": HIDDEN, "Nested": [{"SessionToken": HIDDEN}]}


def test_resources_of_calls():
    class Ctx:
        account_id, region = "123456789012", "us-east-1"

    ctx = Ctx()
    ctx.service, ctx.params = "s3", {"Bucket": "b", "Key": "k"}
    assert [r["ARN"] for r in resources_of(ctx, None)] == ["arn:aws:s3:::b", "arn:aws:s3:::b/k"]
    ctx.service, ctx.params = "kms", {"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab"}
    assert resources_of(ctx, None)[0]["ARN"] == "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    ctx.params = {"KeyId": "alias/x"}
    assert resources_of(ctx, None) == []


def test_retention_keeps_the_most_recent_events():
    simulator = Simulator(Config(in_memory=True, event_retention=5))
    try:
        for _ in range(12):
            simulator.execute(context(simulator, "sts", "GetCallerIdentity", {}))
        simulator.events.flush()
        db = simulator.store.read()
        assert db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 5
        assert db.execute("SELECT COUNT(*) FROM event_resources WHERE seq NOT IN (SELECT seq FROM events)").fetchone()[0] == 0
    finally:
        simulator.close()
