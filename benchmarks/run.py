#!/usr/bin/env python3
"""halint's speed and memory, side by side with the reference tools, in one run.

    python benchmarks/run.py [--runs N] [--quick] [--only ROW ...] [--markdown]

Generates its inputs (seeded) in a temporary folder, runs each command N times in its own
process and prints, with the machine's CPU, the median wall time (and peak memory where the
goal is about memory) of halint and of the reference, their ratio, the goal and whether it is
met. Rows (``--only`` takes these names):

    hook        halint check examples/leidoscope, cold and warm, vs `python -c "import lark, dns.zone, netaddr"`
    zone-200k   a 200,000-record zone (benchmarks/zone.py) vs named-checkzone: time and peak memory
    zone-1m     the same with 1,000,000 records
    keepalived  a keepalived.conf with 1,000 vrrp_instances and 1,000 virtual_servers vs keepalived -t
    tree        the generated tree (benchmarks/tree.py): 2,000 hosts, 1,000 clusters, 200 routers,
                50 zones, then twice that (--scale 2): absolute time and linearity
    corpus      the shared keepalived corpus vs keepalived -t on each file (no goal)

Cold runs get a fresh, empty XDG_CACHE_HOME each (and --no-cache when `halint check` has that
flag); warm runs share one XDG_CACHE_HOME primed by one untimed run. Nothing here is a test:
goals live in the issue tracker and docs/performance.md, never as timed assertions.
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
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import tree as tree_gen  # noqa: E402  (benchmarks/tree.py)
import zone as zone_gen  # noqa: E402  (benchmarks/zone.py)

ROWS = ("hook", "zone-200k", "zone-1m", "keepalived", "tree", "corpus")
FLOOR = [sys.executable, "-c", "import lark, dns.zone, netaddr"]


def cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip() + f" ({os.cpu_count()} cores)"
    except OSError:
        pass
    return (platform.processor() or "unknown CPU") + f" ({os.cpu_count()} cores)"


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


# -- measuring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    seconds: float
    rss_mib: float  #: peak resident set of that child alone (wait4's ru_maxrss)
    status: int
    stderr: str


@dataclass(frozen=True)
class Measure:
    seconds: float  #: median wall time
    rss_mib: float  #: median peak RSS
    runs: int
    status: int  #: exit status of the last run
    stderr: str


def run_once(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Wall time and peak memory of one child process (its own rusage via os.wait4, not the
    RUSAGE_CHILDREN total of every child so far)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err, start_new_session=True)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read(4000).decode(errors="replace")
    return Sample(elapsed, usage.ru_maxrss / 1024, proc.returncode, text)


def median_of(samples: list[Sample]) -> Measure:
    return Measure(statistics.median(s.seconds for s in samples), statistics.median(s.rss_mib for s in samples),
                   len(samples), samples[-1].status, samples[-1].stderr)


def measure(argv: list[str], runs: int, cwd: Path) -> Measure:
    return median_of([run_once(argv, cwd) for _ in range(runs)])


class Halint:
    """``python -m halint check`` run cold (fresh cache each run) or warm (primed cache)."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.base = [sys.executable, "-m", "halint", "check"]
        help_text = subprocess.run(self.base + ["--help"], capture_output=True, text=True).stdout
        self.has_no_cache = "--no-cache" in help_text
        self.caches = 0

    def _env(self, cache: Path) -> dict[str, str]:
        return {**os.environ, "XDG_CACHE_HOME": str(cache), "NO_COLOR": "1"}

    def _cache(self) -> Path:
        self.caches += 1
        path = self.scratch / f"cache-{self.caches}"
        path.mkdir()
        return path

    def cold(self, args: list[str], runs: int, cwd: Path) -> Measure:
        flag = ["--no-cache"] if self.has_no_cache else []
        samples = []
        for _ in range(runs):
            cache = self._cache()
            samples.append(run_once(self.base + flag + args, cwd, self._env(cache)))
            shutil.rmtree(cache, ignore_errors=True)
        return median_of(samples)

    def warm(self, args: list[str], runs: int, cwd: Path) -> Measure:
        cache = self._cache()
        env = self._env(cache)
        run_once(self.base + args, cwd, env)  # the priming run, not timed
        result = median_of([run_once(self.base + args, cwd, env) for _ in range(runs)])
        shutil.rmtree(cache, ignore_errors=True)
        return result


# -- rows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str  #: what was measured
    mine: str  #: halint's number, formatted
    reference: str  #: the reference tool and its number, or "" / "n/a (why)"
    ratio: float | None  #: the number the goal is about (a ratio, or seconds / limit)
    ratio_text: str
    goal: str  #: "<= 2.0x", "" when there is none
    limit: float | None  #: the goal's bound on ratio; None: no goal
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.note and self.ratio is None:
            return self.note
        if self.limit is None or self.ratio is None:
            return "no goal" if self.limit is None else "n/a"
        if self.ratio <= self.limit:
            return "met"
        return f"missed by {self.ratio / self.limit:.2f}x"


def _s(m: Measure | None) -> str:
    if m is None:
        return "n/a"
    failed = f" (exit {m.status})" if m.status not in (0, 1) else ""
    return f"{m.seconds:.3f} s{failed}"


def _mib(m: Measure) -> str:
    return f"{m.rss_mib:.0f} MiB"


def ratio_row(name: str, mine: Measure | None, ref_name: str, ref: Measure | None, limit: float | None,
              memory: bool = False, missing: str = "") -> Row:
    show = _mib if memory else _s
    value = (lambda m: m.rss_mib) if memory else (lambda m: m.seconds)
    if mine is None or ref is None:
        return Row(name, show(mine) if mine else "n/a", f"{ref_name}: {missing or 'n/a'}", None, "n/a",
                   f"<= {limit:g}x" if limit is not None else "", limit, note=missing or "n/a")
    ratio = value(mine) / value(ref) if value(ref) > 0 else None
    return Row(name, show(mine), f"{ref_name}: {show(ref)}", ratio, f"{ratio:.2f}x" if ratio else "n/a",
               f"<= {limit:g}x" if limit is not None else "", limit)


def _missing(tool: str) -> str:
    return f"skipped: {tool} not found on PATH"


def row_hook(hl: Halint, runs: int, work: Path) -> list[Row]:
    example = ROOT / "examples" / "leidoscope"
    floor = measure(FLOOR, runs, work)
    cold = hl.cold([str(example)], runs, work)
    warm = hl.warm([str(example)], runs, work)
    floor_name = 'python -c "import lark, dns.zone, netaddr"'
    return [
        ratio_row("hook: examples/leidoscope, cold", cold, floor_name, floor, None),
        ratio_row("hook: examples/leidoscope, warm", warm, floor_name, floor, 2.0),
    ]


def row_zone(hl: Halint, runs: int, work: Path, records: int, label: str) -> list[Row]:
    folder = work / f"zone-{records}"
    folder.mkdir()
    path = folder / f"db.{zone_gen.ORIGIN.rstrip('.')}"
    path.write_text(zone_gen.zone_text(records), encoding="ascii")
    checkzone = shutil.which("named-checkzone")
    ref = measure([checkzone, "-i", "local", zone_gen.ORIGIN, str(path)], runs, folder) if checkzone else None
    mine = hl.cold([path.name], runs, folder)
    missing = "" if checkzone else _missing("named-checkzone")
    name = f"zone, {label} records"
    return [
        ratio_row(f"{name}: time", mine, "named-checkzone -i local", ref, 3.0, missing=missing),
        ratio_row(f"{name}: peak memory", mine, "named-checkzone -i local", ref, 2.0, memory=True, missing=missing),
    ]


def row_keepalived(hl: Halint, runs: int, work: Path, instances: int) -> list[Row]:
    folder = work / "keepalived"
    folder.mkdir()
    path = folder / "keepalived.conf"
    path.write_text(keepalived_conf(instances, instances), encoding="ascii")
    lines = path.read_text().count("\n")
    keepalived = shutil.which("keepalived")
    ref = measure([keepalived, "-t", "-f", str(path)], runs, folder) if keepalived else None
    cold = hl.cold([path.name], runs, folder)
    warm = hl.warm([path.name], runs, folder)
    name = f"keepalived.conf, {instances} vrrp_instances + {instances} virtual_servers ({lines} lines)"
    missing = "" if keepalived else _missing("keepalived")
    return [
        ratio_row(f"{name}, cold", cold, "keepalived -t", ref, 5.0, missing=missing),
        ratio_row(f"{name}, warm", warm, "keepalived -t", ref, 1.0, missing=missing),
    ]


def row_tree(hl: Halint, runs: int, work: Path, sizes: dict[str, int], limit_seconds: float) -> list[Row]:
    measures = {}
    counts = {}
    for scale in (1, 2):
        folder = work / f"tree-x{scale}"
        counts[scale] = tree_gen.generate(folder, **{k: v * scale for k, v in sizes.items()})
        measures[scale] = hl.cold(["."], runs, folder)
    c1, c2 = counts[1], counts[2]
    one, two = measures[1], measures[2]
    for scale, m in measures.items():
        if m.status != 0:  # the tree is meant to be clean: say so rather than time a broken run
            print(f"[tree] x{scale}: halint exited {m.status} on the generated tree: {m.stderr.strip()[:300]}",
                  file=sys.stderr)
    def show(m: Measure) -> str:
        return _s(m) + (" (findings: exit 1)" if m.status == 1 else "")

    def desc(c) -> str:
        return f"{c.hosts} hosts, {c.clusters} clusters, {c.routers} routers, {c.zones} zones ({c.files} files)"

    absolute = Row(f"tree x1: {desc(c1)}", show(one), f"goal: {limit_seconds:g} s", one.seconds / limit_seconds,
                   f"{one.seconds / limit_seconds:.2f} of {limit_seconds:g} s", f"<= {limit_seconds:g} s", 1.0)
    linear = Row(f"tree x2: {desc(c2)}", show(two), f"tree x1: {_s(one)}", two.seconds / one.seconds,
                 f"{two.seconds / one.seconds:.2f}x", "<= 2.2x", 2.2)
    return [absolute, linear]


def row_corpus(hl: Halint, runs: int, work: Path, limit: int | None) -> list[Row]:
    """The shared keepalived corpus (its first ``limit`` files, copied, when given)."""
    corpus = Path(os.environ.get("HALINT_SHARED", ROOT.parent / "shared")) / "corpus" / "keepalived"
    name = "shared corpus, keepalived files"
    if not corpus.is_dir():
        return [Row(name, "n/a", "", None, "n/a", "", None, note=f"skipped: {corpus} is absent")]
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    if limit is not None:
        copy = work / "corpus"
        copy.mkdir()
        for path in files[:limit]:
            shutil.copyfile(path, copy / path.name)
        corpus, files = copy, sorted(copy.iterdir())
    mine = hl.cold([str(corpus)], runs, work)
    keepalived = shutil.which("keepalived")
    ref = None
    if keepalived:
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            for path in files:
                run_once([keepalived, "-t", "-f", str(path)], work)
            samples.append(Sample(time.perf_counter() - start, 0.0, 0, ""))
        ref = median_of(samples)
    return [ratio_row(f"shared corpus, {len(files)} keepalived files", mine, "keepalived -t on each", ref, None,
                      missing="" if keepalived else _missing("keepalived"))]


# -- output ---------------------------------------------------------------------------------


def versions() -> str:
    out = [f"Python {platform.python_version()}"]
    try:
        from halint import __version__
        out.insert(0, f"halint {__version__}")
    except ImportError:
        pass
    for tool, flag in (("keepalived", "-v"), ("named-checkzone", "-v")):
        exe = shutil.which(tool)
        if exe:
            proc = subprocess.run([exe, flag], capture_output=True, text=True)
            first = (proc.stdout or proc.stderr).strip().splitlines()
            if first:
                out.append(first[0].strip() if tool != "named-checkzone" else f"named-checkzone {first[0].strip()}")
    return ", ".join(out)


HEADERS = ("row", "halint", "reference", "ratio", "goal", "verdict")


def cells(row: Row) -> tuple[str, ...]:
    return (row.name, row.mine, row.reference, row.ratio_text, row.goal or "-", row.verdict)


def print_text(rows: list[Row]) -> None:
    table = [HEADERS] + [cells(r) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    for k, line in enumerate(table):
        print("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))


def print_markdown(rows: list[Row]) -> None:
    print("| " + " | ".join(HEADERS) + " |")
    print("|" + "|".join("---" for _ in HEADERS) + "|")
    for row in rows:
        print("| " + " | ".join(c.replace("|", "\\|") for c in cells(row)) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, help="runs per command, median reported (default 5; 1 with --quick)")
    parser.add_argument("--slow-runs", type=int, default=3,
                        help="at most this many runs for the slow rows: zone-1m, tree (default 3)")
    parser.add_argument("--quick", action="store_true", help="small inputs, for a smoke run")
    parser.add_argument("--only", action="append", choices=ROWS, metavar="ROW",
                        help=f"only this row (repeatable): {', '.join(ROWS)}")
    parser.add_argument("--markdown", action="store_true", help="print the table in Markdown")
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 5)
    if runs < 1:
        parser.error("--runs must be at least 1")
    slow = max(1, min(runs, args.slow_runs))
    only = set(args.only or ROWS)
    if args.quick:
        zones = ((2_000, "2,000"), (10_000, "10,000"))
        instances = 50
        tree_sizes = {"hosts": 20, "clusters": 10, "routers": 4, "zones": 2}
    else:
        zones = ((200_000, "200,000"), (1_000_000, "1,000,000"))
        instances = 1000
        tree_sizes = {"hosts": 2000, "clusters": 1000, "routers": 200, "zones": 50}
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="halint-bench-") as tmp:
        work = Path(tmp)
        hl = Halint(work)
        plan = [
            ("hook", lambda: row_hook(hl, runs, work)),
            ("zone-200k", lambda: row_zone(hl, runs, work, *zones[0])),
            ("zone-1m", lambda: row_zone(hl, slow, work, *zones[1])),
            ("keepalived", lambda: row_keepalived(hl, runs, work, instances)),
            ("tree", lambda: row_tree(hl, slow, work, tree_sizes, 10.0)),
            ("corpus", lambda: row_corpus(hl, max(1, runs // 2), work, 5 if args.quick else None)),
        ]
        for key, build in plan:
            if key not in only:
                continue
            print(f"[{key}] ...", file=sys.stderr, flush=True)
            new = build()
            for row in new:
                print(f"[{key}] {row.name}: {row.mine} vs {row.reference} -> {row.verdict}", file=sys.stderr,
                      flush=True)
            rows.extend(new)
        cache_note = "a fresh XDG_CACHE_HOME per run" + (
            " and --no-cache" if hl.has_no_cache else " (halint check has no --no-cache flag yet)")
    gap = "\n" if args.markdown else ""  # separate paragraphs in Markdown
    print(f"halint benchmarks on {cpu()}, {platform.system()} {platform.release()}{gap}")
    print(f"{versions()}{gap}")
    print(f"median of {runs} runs ({slow} for zone-1m and tree){', quick sizes' if args.quick else ''}; "
          f"cold = {cache_note}; warm = a primed XDG_CACHE_HOME")
    print()
    (print_markdown if args.markdown else print_text)(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
