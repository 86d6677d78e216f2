"""``halint simulate``: the failover calculus checked against the real keepalived.

Each cluster (in the version keepalived runs, and as intended when that differs) is rebuilt in
network namespaces: one per peer with the peer's address on a veth end, joined by a bridge in a
namespace of its own. Each peer runs the real keepalived on a rewritten config (see
:mod:`halint.simulate.rewrite`) whose checks halint drives; every scenario (all checks passing,
then each check of the holder failing alone, or the ``--fail CHECK@HOST`` list) is read back
from the namespaces and set beside the calculus's prediction. Needs root, ``ip`` and keepalived.

Modules: plan (what to simulate, pure), rewrite (the generated keepalived.conf), netns (the
namespaces and daemons, torn down whatever happens), run (scenarios, convergence, observation),
report (predicted vs observed). Only halint.cli imports this package.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from halint.simulate import plan as planning
from halint.simulate.netns import CommandError, Runner
from halint.simulate.plan import ClusterPlan
from halint.simulate.run import Result, keepalived_path, simulate

EXIT_AGREE, EXIT_DISAGREE, EXIT_UNAVAILABLE = 0, 1, 2


class Unavailable(Exception):
    """The simulation cannot run here (one line saying why)."""


def preflight(runner: Runner | None = None, geteuid=None) -> str:
    """The keepalived to run; raises Unavailable when not root, no ``ip``, no keepalived, or
    network namespaces are not permitted."""
    euid = (geteuid or os.geteuid)()
    if euid != 0:
        raise Unavailable("simulate needs root (it creates network namespaces and runs keepalived): run it with sudo")
    if shutil.which("ip") is None:
        raise Unavailable("simulate needs the `ip` command (package iproute2)")
    keepalived = keepalived_path()
    if keepalived is None:
        raise Unavailable("simulate needs keepalived (package keepalived)")
    runner = runner or Runner()
    probe = f"{planning.prefix()}-probe"
    try:
        runner.run(["ip", "netns", "add", probe])
    except CommandError as err:
        raise Unavailable(f"network namespaces are not permitted here ({err})") from None
    try:
        runner.run(["ip", "netns", "del", probe])
    except CommandError:
        pass
    return keepalived


def plans(inventories, cluster: str | None = None) -> list[ClusterPlan]:
    """Every cluster (or the one named) in each version to simulate; clusters linked by sync
    groups are simulated together, in the plan of the first of them."""
    numbers = {id(found): number for number, found, _ in planning.select(inventories, None)}
    out = []
    covered: set[tuple[str, int]] = set()
    for number, found, inventory in planning.select(inventories, cluster):
        for version in planning.versions(found, inventory):
            if (version, number) in covered:
                continue
            plan = planning.plan_cluster(found, number, version, inventory, numbers)
            covered.update((version, n) for n in plan.covers)
            out.append(plan)
    return out


def estimate(plans_: list[ClusterPlan], fails: list | None, jobs: int) -> float:
    """The most the whole run may take, in seconds."""
    times = []
    for p in plans_:
        steps = len(fails) if fails is not None else max((len(peer.checks) for peer in p.peers), default=0)
        times.append(0.0 if p.skipped else p.estimate(steps))
    times.sort(reverse=True)
    lanes = [0.0] * max(1, jobs)
    for t in times:
        lanes[lanes.index(min(lanes))] += t
    return max(lanes)


def run_plans(plans_: list[ClusterPlan], keepalived: str, fails: list[tuple[str, str]] | None = None, jobs: int = 1,
              progress=None, runner: Runner | None = None, keep: Path | None = None) -> list[Result]:
    """Simulate each plan (``jobs`` at a time, each in its own namespaces). On Ctrl-C or SIGTERM
    every simulation stops and tears down before KeyboardInterrupt propagates. ``keep``: a new
    folder to leave the generated configs and keepalived logs in (N/pI.conf, N/pI.log)."""
    runner = runner or Runner()
    stop = threading.Event()
    if keep is not None:
        keep.mkdir(mode=0o700, parents=True)
    workdir = keep if keep is not None else Path(tempfile.mkdtemp(prefix="halint-simulate-"))
    previous = _on_sigterm()
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = []
            for i, p in enumerate(plans_):
                sub = workdir / str(i)
                sub.mkdir(mode=0o700)
                futures.append(pool.submit(simulate, p, runner, sub, planning.prefix(), keepalived, fails, stop, progress))
            try:
                return [f.result() for f in futures]
            except BaseException:
                stop.set()  # the workers stop at their next poll and tear down; the pool waits for them
                raise
    finally:
        _restore_sigterm(previous)
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised as an interrupt so that the same teardown runs; the command line exits
    143 (128 + SIGTERM) for it, 130 for Ctrl-C."""

    signum = signal.SIGTERM


def _raise_interrupt(signum, frame):
    raise Terminated()


def _on_sigterm():
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _raise_interrupt)


def _restore_sigterm(previous) -> None:
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


def parse_fail(text: str) -> tuple[str, str]:
    """CHECK@HOST -> (check, host)."""
    check, at, host = text.rpartition("@")
    if not at or not check or not host:
        raise ValueError(f"--fail {text!r}: expected CHECK@HOST")
    return check, host


def unknown_fail(todo: list[ClusterPlan], check: str, host: str) -> str | None:
    """Why ``--fail CHECK@HOST`` names nothing that can be failed in these clusters, or None."""
    peers = [peer for p in todo for peer in p.peers if peer.name == host]
    if not peers:
        hosts = sorted({peer.name for p in todo for peer in p.peers})
        return f"no host {host} in the clusters simulated (hosts: {', '.join(hosts) or 'none'})"
    if not any(peer.check(check) is not None for peer in peers):
        checks = sorted({c.name for peer in peers for c in peer.checks})
        return f"{host} tracks no check {check} halint can fail (its checks: {', '.join(checks) or 'none'})"
    return None


def main(args) -> int:
    """The ``halint simulate`` command: exit 0 when every scenario agrees, 1 on a disagreement
    (or a simulation that could not finish), 2 when the simulation cannot run here."""
    from halint.engine.check import Options, load_trees
    from halint.inventory.build import build
    from halint.simulate.report import render

    try:
        fails = [parse_fail(text) for text in args.fail] if args.fail else None
    except ValueError as err:
        print(f"halint: {err}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    options = Options(paths=args.paths or [Path(".")], exclude=args.exclude, config=args.config)
    inventories = [build(item.project) for item in load_trees(options, need_base=False)]
    todo = plans(inventories, args.cluster)
    if args.cluster is not None and not todo:
        print(f"halint: no cluster {args.cluster!r} (a VIP, a cluster number or an instance name)", file=sys.stderr)
        return EXIT_UNAVAILABLE
    for check, host in fails or ():
        wrong = unknown_fail(todo, check, host)
        if wrong:  # a typo must not pass as "agrees": the step would never run
            print(f"halint: --fail {check}@{host}: {wrong}", file=sys.stderr)
            return EXIT_UNAVAILABLE
    try:
        keepalived = preflight()
    except Unavailable as err:
        print(f"halint: {err}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    tty = sys.stderr.isatty()
    runnable = [p for p in todo if not p.skipped]
    print(f"halint: simulating {len(runnable)} cluster version{'s' if len(runnable) != 1 else ''} "
          f"with keepalived in network namespaces: at most {estimate(todo, fails, args.jobs):.0f} s", file=sys.stderr)

    def progress(text: str) -> None:
        if tty:
            print(f"halint: {text}", file=sys.stderr)

    if args.keep is not None and (args.keep.exists() or not re.fullmatch(r"[A-Za-z0-9_./@+-]+", os.path.abspath(args.keep))):
        print(f"halint: --keep {args.keep}: must be a new folder with a plain path (letters, digits, _ . / @ + -)",
              file=sys.stderr)
        return EXIT_UNAVAILABLE
    results = run_plans(todo, keepalived, fails, args.jobs, progress, keep=args.keep)
    sys.stdout.write(render(results))
    bad = any(not s.agree for r in results for s in r.steps)
    failed = any(r.error and not r.error.startswith("not simulated") for r in results)
    return EXIT_DISAGREE if bad or failed else EXIT_AGREE
