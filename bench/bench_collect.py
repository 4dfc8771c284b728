"""Benchmark `collect_snapshot` on a sizeable moto estate: wall time and calls per operation.

Usage:  python bench/bench_collect.py [--vpcs 100] [--subnets 6] [--endpoints 3] [--rules 12] [--zones 10]
                                      [--latency-ms 0 50]

Starts a moto server in its own process on loopback, seeds N VPCs (subnets over 3 AZs, interface
endpoints, security groups with rules, a NAT gateway every 10 VPCs, private hosted zones), then
collects the region with 1 and with 8 workers, directly and through a loopback proxy that adds a
fixed delay to every request (AWS API calls typically take tens of milliseconds; moto answers in
about one), and prints Markdown tables of the figures. Call counts are exact and independent of
the backend; wall times depend on the machine (moto and the collector share its cores).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

from vpcaudit.collectors.run import CollectionOutcome, collect_snapshot

REGION = "us-east-1"
AZS = ("us-east-1a", "us-east-1b", "us-east-1c")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _seed_vpc(session: boto3.session.Session, url: str, i: int, args: argparse.Namespace) -> str:
    ec2 = session.client("ec2", endpoint_url=url)
    vpc = ec2.create_vpc(CidrBlock=f"10.{i % 250}.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{i % 250}.{j}.0/24", AvailabilityZone=AZS[j % 3])
               ["Subnet"]["SubnetId"] for j in range(args.subnets)]
    sg = ec2.create_security_group(GroupName=f"sg-{i}", Description="bench", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 1000 + k, "ToPort": 1000 + k, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
        for k in range(args.rules)])
    for service in ("ssm", "ssmmessages", "ec2messages", "logs", "kms", "sts")[:args.endpoints]:
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.{service}",
                                VpcEndpointType="Interface", SubnetIds=subnets[:3], SecurityGroupIds=[sg])
    if i % 10 == 0:
        ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=ec2.allocate_address(Domain="vpc")["AllocationId"])
    return str(vpc)


def seed(url: str, args: argparse.Namespace) -> list[str]:
    session = boto3.session.Session(region_name=REGION)
    with ThreadPoolExecutor(8) as pool:
        vpcs = list(pool.map(lambda i: _seed_vpc(session, url, i, args), range(args.vpcs)))
    r53 = session.client("route53", endpoint_url=url)
    for z in range(args.zones):
        zone = r53.create_hosted_zone(Name=f"zone{z}.internal", CallerReference=f"z{z}",
                                      HostedZoneConfig={"PrivateZone": True},
                                      VPC={"VPCRegion": REGION, "VPCId": vpcs[z % len(vpcs)]})["HostedZone"]["Id"]
        r53.associate_vpc_with_hosted_zone(HostedZoneId=zone, VPC={"VPCRegion": REGION,
                                                                    "VPCId": vpcs[(z + 1) % len(vpcs)]})
    return vpcs


class _DelayingProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str, delay_s: float) -> None:
        super().__init__(("127.0.0.1", 0), _DelayingHandler)
        self.upstream = upstream
        self.delay_s = delay_s


class _DelayingHandler(BaseHTTPRequestHandler):
    """Waits ``delay_s``, then forwards the request to moto and relays the answer."""

    server: _DelayingProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return

    def _relay(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(self.server.delay_s)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        request = urllib.request.Request(self.server.upstream + self.path, data=body or None, method=self.command,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                status, answer_headers, payload = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as exc:
            status, answer_headers, payload = exc.code, exc.headers, exc.read()
        self.send_response(status)
        for key, value in answer_headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _relay


@contextmanager
def delayed(upstream: str, delay_ms: float) -> Iterator[str]:
    if not delay_ms:
        yield upstream
        return
    proxy = _DelayingProxy(upstream, delay_ms / 1000)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{proxy.server_address[1]}"
    finally:
        proxy.shutdown()
        proxy.server_close()


@contextmanager
def moto_server() -> Iterator[str]:
    """moto in its own process, so it does not compete with the collector for this one's GIL."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def measure(url: str, workers: int) -> tuple[float, CollectionOutcome]:
    start = time.perf_counter()
    outcome = collect_snapshot(boto3.session.Session(region_name=REGION), [REGION], endpoint_url=url,
                               max_workers=workers)
    return time.perf_counter() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--vpcs", type=int, default=100)
    parser.add_argument("--subnets", type=int, default=6, help="per VPC, spread over 3 AZs")
    parser.add_argument("--endpoints", type=int, default=3, help="interface endpoints per VPC (max 6)")
    parser.add_argument("--rules", type=int, default=12, help="ingress rules per VPC security group")
    parser.add_argument("--zones", type=int, default=10, help="private hosted zones, each on 2 VPCs")
    parser.add_argument("--latency-ms", type=float, nargs="+", default=[0, 50],
                        help="added delay per request, one run per value")
    args = parser.parse_args()
    for name, value in (("AWS_ACCESS_KEY_ID", "bench"), ("AWS_SECRET_ACCESS_KEY", "bench"),
                        ("AWS_DEFAULT_REGION", REGION), ("AWS_CONFIG_FILE", os.devnull),
                        ("AWS_SHARED_CREDENTIALS_FILE", os.devnull), ("AWS_EC2_METADATA_DISABLED", "true")):
        os.environ[name] = value
    os.environ.pop("AWS_PROFILE", None)

    timings: dict[tuple[float, int], tuple[float, CollectionOutcome]] = {}
    with moto_server() as url:
        start = time.perf_counter()
        seed(url, args)
        seeded = time.perf_counter() - start
        measure(url, 8)  # warm-up: moto builds its per-region data (endpoint services…) on first use
        for latency in args.latency_ms:
            with delayed(url, latency) as target:
                for workers in (1, 8):
                    timings[(latency, workers)] = measure(target, workers)

    outcome = next(iter(timings.values()))[1]
    region = outcome.snapshot.accounts[0].regions[0]
    rules = sum(len(g.rules) for g in region.security_groups)
    out = sys.stdout
    out.write(f"Estate (moto, one region): {len(region.vpcs)} VPCs, {len(region.subnets)} subnets, "
              f"{len(region.vpc_endpoints)} interface endpoints, {len(region.network_interfaces)} ENIs, "
              f"{len(region.security_groups)} security groups / {rules} rules, {len(region.nat_gateways)} NAT "
              f"gateways, {len(region.hosted_zones)} private zones; seeded in {seeded:.1f} s.\n\n")
    out.write("| added latency per call | workers | wall time (s) | API calls | HTTP attempts |\n"
              "|---:|---:|---:|---:|---:|\n")
    for (latency, workers), (seconds, result) in timings.items():
        out.write(f"| {latency:g} ms | {workers} | {seconds:.2f} | {sum(result.calls.values())} | "
                  f"{sum(result.http_attempts.values())} |\n")
    out.write("\n| operation | calls |\n|---|---:|\n")
    for op, count in sorted(outcome.calls.items(), key=lambda kv: (-kv[1], kv[0])):
        out.write(f"| `{op}` | {count} |\n")


if __name__ == "__main__":
    main()
