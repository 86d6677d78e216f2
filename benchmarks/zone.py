#!/usr/bin/env python3
"""halint's zone front end on a large zone, side by side with named-checkzone and dnspython.

    python benchmarks/zone.py [--records N] [--dnspython] [--keep DIR]

Generates a seeded zone of N records (default 1,000,000: A, AAAA, TXT, MX, a few CNAMEs and
delegations, and multi-line SOA) in a temporary folder and runs, each in its own process:
``named-checkzone -i local`` (BIND's loader and checks), halint's reader alone, halint's reader
with every ZN rule, and (with --dnspython) ``dns.zone.from_file``. Prints the wall time and peak
memory (RSS) of each and the ratios to named-checkzone. Nothing here is a test: targets live in
the issue tracker, never as timed assertions.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "example.com."


def zone_text(records: int, seed: int = 11) -> str:
    rng = random.Random(seed)
    out = [
        "$TTL 3600",
        "$ORIGIN example.com.",
        "@ IN SOA ns1 hostmaster (",
        "        2025010101 ; serial",
        "        3600 900 1209600 300 )",
        "  IN NS ns1",
        "  IN NS ns2",
        "ns1 IN A 192.0.2.1",
        "ns2 IN A 192.0.2.2",
    ]
    count = 6
    i = 0
    while count < records:
        name = f"host{i}"
        out.append(f"{name} IN A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}")
        count += 1
        if i % 4 == 0:
            out.append(f"{name} IN AAAA 2001:db8::{i >> 16:x}:{i & 0xffff:x}")
            count += 1
        if i % 10 == 0:
            out.append(f'{name} IN TXT "v=spf1 -all"')
            count += 1
        if i % 20 == 0:
            out.append(f"{name} 300 IN MX 10 mail{rng.randint(1, 3)}.example.net.")
            count += 1
        if i % 1000 == 0:
            out.append(f"www{i} IN CNAME {name}")
            out.append(f"sub{i} IN NS ns.sub{i}")
            out.append(f"ns.sub{i} IN A 192.0.2.{i // 1000 % 250 + 3}")
            count += 3
        i += 1
    return "\n".join(out) + "\n"


HALINT = """
import sys, time, resource, datetime
from pathlib import Path
from halint.core.fsview import SourceCache, TreeView
from halint.core.source import read_source
from halint.formats.zone.reader import read_zone
from halint.formats.zone.model import ZoneUnit
from halint.engine.check import RuleContext
from halint.rules import REGISTRY
path = Path(sys.argv[1])
zone = read_zone(read_source(path), TreeView(path.parent, path.parent), SourceCache(), origin=sys.argv[2])
found = 0
if sys.argv[3] == "rules":
    ctx = RuleContext(today=datetime.date.today())
    unit = ZoneUnit(zone)
    for code, impl in sorted(REGISTRY.items()):
        if code.startswith("ZN"):
            found += sum(1 for _ in impl.check(unit, ctx))
print(len(zone.records), len(zone.problems), found)
"""
DNSPYTHON = """
import sys, dns.zone
z = dns.zone.from_file(sys.argv[1], sys.argv[2], relativize=False, check_origin=False)
print(len(z.nodes))
"""


def measure(argv: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MiB, stdout) of one child process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode(errors="replace").strip()
    return elapsed, usage.ru_maxrss / 1024, text.splitlines()[-1] if text else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--dnspython", action="store_true", help="also time dns.zone.from_file (slow: minutes)")
    parser.add_argument("--keep", type=Path, help="write the zone here and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="halint-zone-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "db.example.com"
    path.write_text(zone_text(args.records), encoding="ascii")
    size = path.stat().st_size
    print(f"zone: {args.records} records, {size / 1e6:.1f} MB, {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    rows = []
    checkzone = shutil.which("named-checkzone")
    if checkzone:
        rows.append(("named-checkzone -i local", measure([checkzone, "-i", "local", ORIGIN, str(path)])))
    rows.append(("halint read_zone", measure([sys.executable, "-c", HALINT, str(path), ORIGIN, "read"])))
    rows.append(("halint read_zone + ZN rules", measure([sys.executable, "-c", HALINT, str(path), ORIGIN, "rules"])))
    if args.dnspython:
        rows.append(("dnspython zone.from_file", measure([sys.executable, "-c", DNSPYTHON, str(path), ORIGIN])))
    base = rows[0][1] if checkzone else None
    for name, (seconds, rss, out) in rows:
        ratio = f"  x{seconds / base[0]:.2f} time  x{rss / base[1]:.2f} memory" if base else ""
        print(f"{name:30} {seconds:7.2f} s {rss:8.0f} MiB{ratio}   [{out[:60]}]")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
