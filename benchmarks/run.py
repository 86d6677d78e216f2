#!/usr/bin/env python3
"""halint's speed, measured side by side with the reference tools in one run.

    python benchmarks/run.py [--runs N] [--instances N]

Generates its inputs (seeded) in a temporary folder and prints, with the machine's CPU, the
median wall time of N runs of each command and the ratios. Nothing here is a test: targets live
in the issue tracker and in docs, never as timed assertions.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip() + f" ({os.cpu_count()} cores)"
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def keepalived_conf(instances: int, servers: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    out = ["global_defs {", "    router_id bench", "    enable_script_security", "    script_user root", "}", ""]
    out += ["vrrp_script chk_web {", '    script "/usr/bin/test -f /tmp/ok"', "    interval 2", "    weight 10", "}", ""]
    for i in range(instances):
        vrid = i % 255 + 1
        out += [
            f"vrrp_instance VI_{i} {{",
            f"    state {'MASTER' if rng.random() < 0.5 else 'BACKUP'}",
            f"    interface eth{i // 255}",
            f"    virtual_router_id {vrid}",
            f"    priority {rng.randint(50, 200)}",
            "    advert_int 1",
            "    virtual_ipaddress {",
            f"        10.{i // 250}.{i % 250}.{rng.randint(1, 250)}/24",
            "    }",
            "    track_script {",
            "        chk_web",
            "    }",
            "}",
        ]
    for i in range(servers):
        out += [
            f"virtual_server 192.168.{i // 250}.{i % 250} 80 {{",
            "    delay_loop 6",
            "    lb_algo rr",
            "    lb_kind NAT",
            "    protocol TCP",
            f"    real_server 172.16.{i // 250}.{i % 250} 80 {{",
            "        weight 1",
            "        TCP_CHECK {",
            "            connect_timeout 3",
            "        }",
            "    }",
            "}",
        ]
    return "\n".join(out) + "\n"


def median_time(cmd: list[str], runs: int, cwd: Path) -> float | None:
    if shutil.which(cmd[0]) is None and not Path(cmd[0]).exists():
        return None
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--instances", type=int, default=1000)
    args = parser.parse_args()
    halint = [sys.executable, "-m", "halint"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        big = work / "big" / "keepalived.conf"
        big.parent.mkdir()
        big.write_text(keepalived_conf(args.instances, args.instances))
        lines = big.read_text().count("\n")
        floor = median_time([sys.executable, "-c", "import lark, dns.zone, netaddr"], args.runs, work)
        leido = median_time(halint + ["check", str(ROOT / "examples" / "leidoscope")], args.runs, work)
        rows.append(("hook: halint check examples/leidoscope", leido, "import floor", floor))
        ka = median_time(["keepalived", "-t", "-f", str(big)], args.runs, work)
        hb = median_time(halint + ["check", str(big)], args.runs, work)
        rows.append((f"keepalived.conf, {args.instances} instances + {args.instances} virtual_servers ({lines} lines)",
                     hb, "keepalived -t", ka))
        corpus = ROOT.parent / "shared" / "corpus" / "keepalived"
        if corpus.is_dir():
            hc = median_time(halint + ["check", str(corpus)], max(1, args.runs // 2), work)
            files = sorted(p for p in corpus.iterdir())
            start = time.perf_counter()
            if shutil.which("keepalived"):
                for path in files:
                    subprocess.run(["keepalived", "-t", "-f", str(path)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
                kc = time.perf_counter() - start
            else:
                kc = None
            rows.append((f"shared corpus, {len(files)} keepalived files", hc, "keepalived -t on each", kc))
    print(f"halint benchmarks on {cpu()}, Python {platform.python_version()}, median of {args.runs} runs")
    print(f"{'input':<72} {'halint':>9} {'reference':>24} {'ratio':>7}")
    for name, mine, ref_name, ref in rows:
        mine_s = f"{mine:.3f}s" if mine is not None else "n/a"
        ref_s = f"{ref_name} {ref:.3f}s" if ref is not None else f"{ref_name} n/a"
        ratio = f"{mine / ref:.1f}x" if mine and ref else "n/a"
        print(f"{name:<72} {mine_s:>9} {ref_s:>24} {ratio:>7}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
