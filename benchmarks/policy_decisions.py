"""Policy decisions per second: an IAM user with 10 attached policies asking
for S3 object reads on a bucket with a bucket policy (target >= 50,000/s).

Run: python benchmarks/policy_decisions.py [seconds]
The documents are handed over as JSON text, as services store them: the
engine's compile cache is part of what is measured.
"""
from __future__ import annotations

import json
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from policies import AccessRequest, SourcePolicy, evaluate  # noqa: E402

ACCOUNT = "111122223333"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
BUCKET = "arn:aws:s3:::lab-bucket"


def identity_policies() -> list:
    services = ["ec2", "dynamodb", "sqs", "sns", "lambda", "logs", "cloudwatch", "kms"]
    policies = [
        {"Version": "2012-10-17", "Statement": [
            {"Sid": f"Allow{svc}", "Effect": "Allow", "Action": [f"{svc}:Describe*", f"{svc}:Get*", f"{svc}:List*"],
             "Resource": "*"},
            {"Sid": f"Deny{svc}Delete", "Effect": "Deny", "Action": f"{svc}:Delete*", "Resource": "*"},
        ]}
        for svc in services
    ]
    policies.append({"Version": "2012-10-17", "Statement": [
        {"Sid": "ReadOwnPrefix", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": f"{BUCKET}/home/${{aws:username}}/*"},
        {"Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": BUCKET,
         "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}},
    ]})
    policies.append({"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyInsecure", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ]})
    return [SourcePolicy(json.dumps(p), f"arn:aws:iam::{ACCOUNT}:policy/p{i}", "user-managed")
            for i, p in enumerate(policies)]


BUCKET_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "TeamRead", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/team"},
     "Action": "s3:GetObject", "Resource": f"{BUCKET}/shared/*"},
    {"Sid": "DenyOtherIps", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": [BUCKET, f"{BUCKET}/*"],
     "Condition": {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "127.0.0.0/8"]}}},
]})


def main(seconds: float = 3.0) -> float:
    policies = identity_policies()
    requests = [
        AccessRequest(USER, ACCOUNT, "IAMUser", "s3:GetObject", f"{BUCKET}/home/alice/notes-{i}.txt",
                      context={"aws:SourceIp": "127.0.0.1", "aws:SecureTransport": True}, user_id="AIDAALICE")
        for i in range(100)
    ]
    count, allowed = 0, 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for request in requests:
            decision = evaluate(request, identity_policies=policies, resource_policy=BUCKET_POLICY)
            allowed += decision.allowed
        count += len(requests)
    elapsed = time.perf_counter() - start
    rate = count / elapsed
    print(f"{count} decisions in {elapsed:.2f}s: {rate:,.0f} decisions/s ({allowed} allowed)")
    return rate


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0)
