"""The workloads, the same for every server: KMS crypto calls, small S3
objects (plain and SSE-KMS), a large object (single PUT and GET, multipart
upload and ranged download), and listing a big bucket.
Each group prepares its state through boto3, then measures; every run is
bounded by a duration or a call count."""
from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass

import boto3
from botocore.config import Config

from .load import ClientPool
from .process_tree import MemorySampler

MIB = 1 << 20
MIN_PART_SIZE = 5 * MIB  # S3's smallest part but the last
MAX_PUT_SIZE = 5 << 30  # S3's largest single PUT
LIST_KEY_FORMAT = "list/{:07d}.dat"


@dataclass
class Settings:
    duration: float = 5.0
    concurrency: tuple = (1, 4)
    max_ops: int | None = None  # per client process; None: until the duration ends
    small_size: int = 4096
    plaintext_size: int = 1024
    large_size: int = 1 << 30
    part_size: int = 64 * MIB  # multipart rows: boto3's part size, at most
    transfer_threads: int = 4  # multipart rows: boto3's concurrent part requests
    list_keys: int = 100_000
    populate_workers: int = 8
    populate_timeout: float = 900.0
    big_sizes: tuple = ()  # listing growth check, awsbox only (--big)


def _mib(size: int) -> float:
    return round(size / MIB, 1)


class Bench:
    """One server under test: its clients, the pool, and the rows it produced."""

    def __init__(self, server, pool: ClientPool, settings: Settings, log=print):
        self.server, self.pool, self.settings, self.log = server, pool, settings, log
        self.rows: list[dict] = []
        config = Config(retries={"max_attempts": 3}, read_timeout=900, s3={"addressing_style": "path"})
        session = boto3.session.Session()
        self.kms = session.client("kms", endpoint_url=server.endpoint, region_name=server.region, config=config,
                                  aws_access_key_id=server.access_key, aws_secret_access_key=server.secret_key)
        self.s3 = session.client("s3", endpoint_url=server.endpoint, region_name=server.region, config=config,
                                 aws_access_key_id=server.access_key, aws_secret_access_key=server.secret_key)

    def spec(self, op: str, **fields) -> dict:
        return {"op": op, "endpoint": self.server.endpoint, "region": self.server.region,
                "access_key": self.server.access_key, "secret_key": self.server.secret_key, **fields}

    def measure(self, group: str, workload: str, specs: list[dict], *, unit: str = "ops", duration=None,
                max_ops=None, sample_memory: bool = False, **extra) -> dict:
        duration = self.settings.duration if duration is None else duration
        max_ops = self.settings.max_ops if max_ops is None else max_ops
        tree = self.server.tree
        if sample_memory:
            with MemorySampler(tree) as memory:
                result = self.pool.run(specs, duration=duration, max_ops=max_ops, tree=tree)
            # PSS is the server's memory (see process_tree); the RSS sums are kept to compare with.
            extra.update(pss_idle_mib=_mib(memory.idle.pss), pss_peak_mib=_mib(memory.peak.pss),
                         rss_idle_mib=_mib(memory.idle.rss), rss_peak_mib=_mib(memory.peak.rss),
                         largest_vmhwm_mib=_mib(tree.largest_hwm_bytes()), server_processes=len(tree.pids()),
                         pss_samples=memory.pss_samples, sampling_cpu_s=round(memory.sampling_cpu_s, 3))
        else:
            result = self.pool.run(specs, duration=duration, max_ops=max_ops, tree=tree)
        row = {"server": self.server.name, "group": group, "workload": workload, "concurrency": len(specs),
               "unit": unit, **result.summary(), **extra,
               "loadavg_1m": round(os.getloadavg()[0], 2)}  # the machine is shared: how busy it was
        if unit == "MB":
            row["units_per_s"] = round(result.units_per_s / 1e6, 1)
        self.rows.append(row)
        rate = f"{row['units_per_s']:,.1f} {unit}/s"
        cpu = f"client {row['client_cpu_s']:.1f}s cpu, server {row['server_cpu_s'] or 0:.1f}s cpu"
        failed = f"  ERRORS {row['errors']}: {row['first_error']}" if row["errors"] else ""
        self.log(f"  {self.server.name:10} {workload:28} c={len(specs)}  {rate:>18}  ({cpu}){failed}")
        return row

    # -- groups ------------------------------------------------------------------
    def kms_group(self) -> None:
        key_id = self.kms.create_key(Description="benchmark")["KeyMetadata"]["KeyId"]
        plaintext = os.urandom(self.settings.plaintext_size)
        ciphertexts = [self.kms.encrypt(KeyId=key_id, Plaintext=plaintext)["CiphertextBlob"] for _ in range(16)]
        for op in ("Encrypt", "Decrypt", "GenerateDataKey"):
            for c in self.settings.concurrency:
                specs = [self.spec(f"kms.{op}", worker=w, key_id=key_id, size=self.settings.plaintext_size,
                                   ciphertexts=ciphertexts) for w in range(c)]
                self.measure("kms", op, specs)

    def s3_small_group(self) -> None:
        bucket = "bench-small"
        self.s3.create_bucket(Bucket=bucket)
        key_arn = self.kms.create_key(Description="benchmark s3")["KeyMetadata"]["Arn"]
        body = os.urandom(self.settings.small_size)
        keys = {"plain": [f"get/plain/{i:03d}" for i in range(64)], "sse-kms": [f"get/kms/{i:03d}" for i in range(64)]}
        for key in keys["plain"]:
            self.s3.put_object(Bucket=bucket, Key=key, Body=body)
        for key in keys["sse-kms"]:
            self.s3.put_object(Bucket=bucket, Key=key, Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)
        size = f"{self.settings.small_size // 1024} KiB"
        for mode in ("plain", "sse-kms"):
            kms_key = key_arn if mode == "sse-kms" else None
            for c in self.settings.concurrency:
                specs = [self.spec("s3.PutObject", worker=w, bucket=bucket, prefix=f"put/{mode}/c{c}",
                                   size=self.settings.small_size, kms_key_id=kms_key) for w in range(c)]
                self.measure("s3-small", f"PutObject {size} {mode}", specs)
            for c in self.settings.concurrency:
                specs = [self.spec("s3.GetObject", worker=w, bucket=bucket, keys=keys[mode]) for w in range(c)]
                self.measure("s3-small", f"GetObject {size} {mode}", specs)

    def s3_large_group(self) -> None:
        """One large object four ways, each with the server's memory sampled:
        a single PUT and GET, then boto3's managed multipart upload and ranged
        download. Each object is deleted once read, so no row starts with the
        previous one's object still stored."""
        bucket, size = "bench-large", self.settings.large_size
        self.s3.create_bucket(Bucket=bucket)
        label = f"{size / MIB:,.0f} MiB" if size < 1 << 30 else f"{size / (1 << 30):g} GiB"
        # An object under 512 MiB still gets eight parts, of S3's smallest (5 MiB) at least.
        part_size = min(self.settings.part_size, max(MIN_PART_SIZE, size // 8))
        runs = [("PutLargeObject", "large.bin"), ("GetLargeObject", "large.bin"),
                ("MultipartUpload", "multipart.bin"), ("MultipartDownload", "multipart.bin")]
        if size > MAX_PUT_SIZE:
            self.log(f"  {self.server.name}: {label} is over S3's largest single PUT (5 GiB): multipart rows only")
            runs = runs[2:]
        for op, key in runs:
            transfer = ({"part_size": part_size, "threads": self.settings.transfer_threads}
                        if op.startswith("Multipart") else {})
            spec = self.spec(f"s3.{op}", worker=0, bucket=bucket, key=key, size=size, warmup=0, **transfer)
            self.measure("s3-large", f"{op.replace('Large', '')} {label}", [spec], unit="MB", duration=900,
                         max_ops=1, sample_memory=True, object_bytes=size, **transfer)
            if op in ("GetLargeObject", "MultipartDownload"):
                self.s3.delete_object(Bucket=bucket, Key=key)

    def s3_list_group(self, big_sizes: tuple = ()) -> None:
        bucket = "bench-list"
        self.s3.create_bucket(Bucket=bucket)
        keys, previous = 0, 0  # objects stored; key indexes below ``previous`` were PUT
        for target in (self.settings.list_keys, *big_sizes):
            stored, in_time = self.populate(bucket, previous, target)
            keys, previous = keys + stored, target
            if keys < target:
                self.log(f"  {self.server.name}: the bucket holds {keys:,} of {target:,} keys; listing those")
            spec = self.spec("s3.ListObjectsV2", worker=0, bucket=bucket, warmup=1)
            # Long enough for at least one whole pass at a modest 10,000 keys/s.
            duration = max(self.settings.duration, min(keys / 10_000, 120))
            self.measure("s3-list", f"ListObjectsV2 {target:,}-key bucket", [spec], unit="keys", duration=duration,
                         max_ops=max(1, math.ceil(keys / 1000)) if self.settings.max_ops else None, bucket_keys=keys)
            if not in_time:
                break

    def populate(self, bucket: str, start: int, stop: int) -> tuple[int, bool]:
        """PUT empty objects ``list/<index>.dat`` for indexes start..stop-1 from
        several processes: (objects stored, whether every PUT was made in time)."""
        needed = stop - start
        workers = min(self.settings.populate_workers, self.pool.size, needed)
        specs = [self.spec("s3.PutKeys", worker=w, workers=workers, bucket=bucket, start=start, warmup=0,
                           key_format=LIST_KEY_FORMAT, max_ops=len(range(w, needed, workers))) for w in range(workers)]
        started = time.monotonic()
        result = self.pool.run(specs, duration=self.settings.populate_timeout, tree=self.server.tree)
        self.rows.append({"server": self.server.name, "group": "s3-list", "concurrency": workers, "unit": "ops",
                          "workload": f"populate {stop:,} keys (0 B, raw SigV4)", **result.summary()})
        failed = f", errors {result.errors}: {result.first_error}" if result.errors else ""
        self.log(f"  {self.server.name:10} populated {result.ops:,} keys in {time.monotonic() - started:.0f}s "
                 f"({result.ops_per_s:,.0f} PUT/s{failed})")
        return result.ops, result.ops + result.errors >= needed
