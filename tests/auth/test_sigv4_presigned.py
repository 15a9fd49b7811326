"""The presigned query form: S3SigV4QueryAuth / SigV4QueryAuth / boto3's
generate_presigned_url."""
import datetime as dt
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
import pytest
from botocore.awsrequest import AWSRequest
from signed_requests import ALICE, ENDPOINT, ROLE, TOKEN, botocore_credentials, now, presign, run, served, \
    werkzeug_request

from simulator.auth import AuthFailure

TEMP = botocore_credentials("ASIATEMP00000000000A", "temp-secret", TOKEN)


def failure_of(request, raw_path, **kw) -> AuthFailure:
    with pytest.raises(AuthFailure) as raised:
        run(request, raw_path, **kw)
    return raised.value


def s3_get(expires=3600, credentials=None, key="dir/a b+c.txt"):
    url = ENDPOINT + "/bucket/" + key.replace(" ", "%20").replace("+", "%2B") + "?versionId=3%2F4"
    return served(presign(AWSRequest(method="GET", url=url), "s3", expires=expires, credentials=credentials))


def with_query(request, raw_path, **changes):
    """The same presigned request with query parameters replaced."""
    query = {k: v[0] for k, v in parse_qs(request.query_string.decode(), keep_blank_values=True).items()}
    query.update(changes)
    return werkzeug_request("GET", f"{ENDPOINT}{raw_path}?{urlencode(query)}", dict(request.headers))


def test_good_presigned_s3_url():
    request, raw_path = s3_get()
    credential, scope, body = run(request, raw_path)
    assert credential.principal == ALICE and scope.service == "s3"


def test_boto3_generate_presigned_url():
    client = boto3.client("s3", endpoint_url=ENDPOINT, region_name="eu-central-1",
                          aws_access_key_id="AKIAALICE0000000000A", aws_secret_access_key="alice-secret")
    url = client.generate_presigned_url("get_object", Params={"Bucket": "bucket", "Key": "x/y z.bin"},
                                        ExpiresIn=60)
    request, raw_path = werkzeug_request("GET", url, {})
    credential, scope, _ = run(request, raw_path)
    assert credential.principal == ALICE and scope.region == "eu-central-1"


def test_expiry_runs_on_the_simulator_clock():
    request, raw_path = s3_get(expires=300)
    run(request, raw_path, sim_now=now() + dt.timedelta(seconds=290))
    sim_now = now() + dt.timedelta(seconds=310)
    failure = failure_of(request, raw_path, sim_now=sim_now)
    assert failure.kind == "expired_presign"
    assert failure.fields["expires"] == 300
    signed_at = dt.datetime.strptime(request.args["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
    assert failure.fields["expires_at"] == signed_at + dt.timedelta(seconds=300)
    assert failure.fields["server_time"] == sim_now
    # Real time far past the signing time is fine: only the expiry counts.
    run(request, raw_path, real_now=now() + dt.timedelta(seconds=250), sim_now=now())


def test_a_url_dated_in_the_future_is_refused():
    request, raw_path = s3_get()
    failure = failure_of(request, raw_path, real_now=now() - dt.timedelta(minutes=20))
    assert failure.kind == "skew"


def test_tampered_presigned_url():
    request, raw_path = s3_get()
    signature = request.args["X-Amz-Signature"]
    tampered, _ = with_query(request, raw_path, **{"X-Amz-Signature": ("1" if signature[0] == "0" else "0") + signature[1:]})
    assert failure_of(tampered, raw_path).kind == "bad_signature"
    tampered, _ = with_query(request, raw_path, versionId="other")
    assert failure_of(tampered, raw_path).kind == "bad_signature"
    tampered, _ = with_query(request, raw_path, **{"X-Amz-Expires": "604800"})
    assert failure_of(tampered, raw_path).kind == "bad_signature"
    assert failure_of(*served(presign(AWSRequest(method="GET", url=ENDPOINT + "/bucket/k"), "s3",
                                      credentials=botocore_credentials(secret="nope")))).kind == "bad_signature"


@pytest.mark.parametrize("expires,problem", [("604801", "expires_week"), ("0", "expires_negative"),
                                             ("-5", "expires_negative"), ("soon", "expires_number")])
def test_x_amz_expires_must_be_1_to_604800(expires, problem):
    request, raw_path = s3_get()
    tampered, _ = with_query(request, raw_path, **{"X-Amz-Expires": expires})
    failure = failure_of(tampered, raw_path)
    assert (failure.kind, failure.fields["problem"]) == ("malformed", problem)


def test_presign_valid_for_exactly_a_week():
    request, raw_path = s3_get(expires=604800)
    run(request, raw_path, sim_now=now() + dt.timedelta(days=6, hours=23))


def test_incomplete_presigned_query():
    request, raw_path = s3_get()
    query = {k: v[0] for k, v in parse_qs(request.query_string.decode()).items() if k != "X-Amz-Credential"}
    partial, _ = werkzeug_request("GET", f"{ENDPOINT}{raw_path}?{urlencode(query)}", {})
    failure = failure_of(partial, raw_path)
    assert failure.fields == {"problem": "incomplete_query", "missing": ["X-Amz-Credential"]}


def test_s3_requires_x_amz_expires():
    request, raw_path = s3_get()
    query = {k: v[0] for k, v in parse_qs(request.query_string.decode()).items() if k != "X-Amz-Expires"}
    partial, _ = werkzeug_request("GET", f"{ENDPOINT}{raw_path}?{urlencode(query)}", {})
    assert failure_of(partial, raw_path).fields == {"problem": "incomplete_query", "missing": ["X-Amz-Expires"]}


def test_presigned_with_session_token():
    request, raw_path = s3_get(credentials=TEMP)
    assert "X-Amz-Security-Token" in request.args
    assert run(request, raw_path)[0].principal == ROLE
    wrong = botocore_credentials("ASIATEMP00000000000A", "temp-secret", "not-the-token")
    assert failure_of(*s3_get(credentials=wrong)).kind == "invalid_token"
    # The URL outlives the temporary credentials that signed it: the
    # credentials' expiry wins.
    week, path = s3_get(credentials=TEMP, expires=604800)
    assert failure_of(week, path, sim_now=now() + dt.timedelta(hours=2)).kind == "expired_token"


def test_presigned_sts_get_caller_identity_honours_the_skew_window_not_x_amz_expires():
    url = ENDPOINT + "/?Action=GetCallerIdentity&Version=2011-06-15"
    request, raw_path = served(presign(AWSRequest(method="GET", url=url), "sts", expires=3600))
    credential, scope, _ = run(request, raw_path)
    assert credential.principal == ALICE and scope.service == "sts"
    run(request, raw_path, sim_now=now() + dt.timedelta(days=3))
    failure = failure_of(request, raw_path, real_now=now() + dt.timedelta(minutes=16))
    assert failure.kind == "skew"


def test_presigned_request_without_host_signed_header_is_still_canonical():
    # S3 presigned URLs sign only "host"; any other header the browser adds
    # (not x-amz-*) is ignored.
    request, raw_path = s3_get()
    extra, _ = werkzeug_request("GET", f"{ENDPOINT}{raw_path}?{request.query_string.decode()}",
                                {"Accept": "*/*", "User-Agent": "curl/8"})
    assert run(extra, raw_path)[0].principal == ALICE
    assert urlsplit(f"{ENDPOINT}{raw_path}").path == raw_path
