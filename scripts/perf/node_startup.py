#!/usr/bin/env python3
"""Time from starting `cortex node --dev` to its first JSON-RPC answer, and its idle RSS.

    python3 scripts/perf/node_startup.py [CORTEX_BIN] [RUNS]

Standard library only. Each run starts the binary on a free port with a fresh temporary base
path, polls `chain_getHeader` over HTTP every millisecond until it answers, then (first run only)
lets the node idle for 5 s producing 250 ms blocks and reads VmRSS from /proc. Prints the median
and worst start times. Figures go to docs/benchmarks.md.
"""
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "chain_getHeader", "params": []}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}", body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=1) as r:
            return "result" in json.loads(r.read())
    except OSError:
        return False


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/cortex"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    times = []
    for i in range(runs):
        port = free_port()
        with tempfile.TemporaryDirectory() as base:
            t0 = time.perf_counter()
            node = subprocess.Popen(
                [binary, "node", "--dev", "--rpc-port", str(port), "--base-path", base],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                while not answers(port):
                    if node.poll() is not None:
                        sys.exit(f"node exited with {node.returncode}")
                    if time.perf_counter() - t0 > 30:
                        sys.exit("node did not answer within 30 s")
                    time.sleep(0.001)
                times.append((time.perf_counter() - t0) * 1000)
                if i == 0:
                    time.sleep(5)
                    print(f"idle RSS after 5 s: {rss_kib(node.pid) / 1024:.1f} MiB")
            finally:
                node.terminate()
                node.wait()
    print(f"start to first RPC answer over {runs} runs: median {statistics.median(times):.1f} ms, "
          f"worst {max(times):.1f} ms")


if __name__ == "__main__":
    main()
