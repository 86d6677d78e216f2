"""One cluster's simulation: start the real keepalived in each peer's namespace, wait for the
election to settle, read who holds the VIPs, make each check fail in turn, and set what the
daemons did beside what the failover calculus predicts.

Convergence: the VIPs are read (``ip -n NS -j addr``) every 0.2 s until every VIP is held by one
and the same namespace (or by none) and that has stayed so for ``2 * advert_int + 1`` s, and not
before the longest a move may take after the change (rise/fall runs, the down timer,
preempt_delay); bounded, and a run that does not settle is reported as such, never waited on.
"""
from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from halint.inventory.failover import Outcome, elect, matrix
from halint.simulate.netns import CommandError, Lab, Runner
from halint.simulate.plan import IFACE, ClusterPlan, PeerPlan
from halint.simulate.rewrite import render, statefile

POLL = 0.2

Observation = tuple[tuple[str, tuple[str, ...]], ...]  #: (VIP, peers holding it) per VIP


class Interrupted(Exception):
    """The simulation was asked to stop (Ctrl-C, SIGTERM)."""


def keepalived_path() -> str | None:
    return shutil.which("keepalived") or next((p for p in ("/usr/sbin/keepalived", "/sbin/keepalived") if os.path.exists(p)), None)


def parse_addresses(text: str) -> set[str]:
    """The addresses (without prefix) in ``ip -j addr`` output."""
    import ipaddress

    out = set()
    for link in json.loads(text or "[]"):
        for info in link.get("addr_info", ()):
            local = info.get("local")
            if local:
                out.add(str(ipaddress.ip_address(local)))
    return out


def holder(observation: Observation) -> str | None:
    """The one peer holding every VIP, None when nobody holds any, else a description."""
    holders = {peers for _, peers in observation}
    if holders == {()}:
        return None
    if len(holders) == 1:
        (peers,) = holders
        if len(peers) == 1:
            return peers[0]
    return "split: " + "; ".join(f"{vip} on {', '.join(peers) or 'nobody'}" for vip, peers in observation)


def settled(observation: Observation) -> bool:
    name = holder(observation)
    return name is None or not name.startswith("split: ")


def converge(observe: Callable[[], Observation], settle: float, stable: float, bound: float,
             clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
             split: bool = False) -> tuple[Observation, bool]:
    """Poll ``observe`` until the observation is settled and unchanged for ``stable`` seconds and
    ``settle`` seconds have passed; give up after ``bound``. Returns (last observation, converged).
    ``split``: a split brain is predicted, so VIPs held by several peers count as settled."""
    start = clock()
    last = observe()
    since = start
    while True:
        now = clock()
        if (split or settled(last)) and now - since >= stable and now - start >= settle:
            return last, True
        if now - start >= bound:
            return last, False
        sleep(POLL)
        current = observe()
        if current != last:
            last, since = current, clock()


@dataclass(frozen=True)
class Step:
    """One scenario: what the calculus predicts and what the daemons did."""

    scenario: str  #: "all checks pass", "chk_nginx fails on web"
    predicted: str  #: a peer, "nobody", or "web or web2" (undecided)
    observed: str
    agree: bool
    why: str = ""  #: the calculus's explanation
    seconds: float = 0.0


@dataclass
class Result:
    plan: ClusterPlan
    steps: list[Step] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None  #: the simulation could not run (or finish)
    notes: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return self.error is None and all(step.agree for step in self.steps)


def _shown(name: str | None) -> str:
    return "nobody" if name is None else name


def _predicted(outcome: Outcome) -> str:
    if outcome.undecided:
        return " or ".join(outcome.undecided)
    return _shown(outcome.holder)


def _agree(outcome: Outcome, observed: str | None, converged: bool) -> bool:
    if not converged:
        return False
    if outcome.undecided:
        return observed in outcome.undecided
    return observed == outcome.holder


class Simulation:
    """The running cluster: namespaces, configs, state files and daemons of one ClusterPlan."""

    def __init__(self, plan: ClusterPlan, lab: Lab, workdir: Path, keepalived: str,
                 stop: threading.Event | None = None, progress: Callable[[str], None] | None = None):
        self.plan, self.lab, self.workdir, self.keepalived = plan, lab, workdir, keepalived
        self.stop_event = stop or threading.Event()
        self.progress = progress or (lambda text: None)
        self.statedir = workdir / "state"

    # -- set-up ---------------------------------------------------------------------------------

    def prepare(self) -> None:
        self.statedir.mkdir(mode=0o700, exist_ok=True)
        self.lab.create([str(p.address) for p in self.plan.peers])
        for peer in self.plan.peers:
            conf = self.workdir / f"p{peer.index}.conf"
            conf.write_text(render(peer, self.statedir, f"{self.lab.prefix}-{peer.index}"), encoding="utf-8")
            for check in peer.checks:
                if check.kind == "interface" and check.device != IFACE:
                    # a veth pair inside the namespace (the dummy module may be missing): halint
                    # sets this end down to fail the check
                    ns = self.lab.namespace(peer.index)
                    self.lab.ip(ns, "link", "add", check.device, "type", "veth", "peer", "name", f"{check.device}p")
                    self.lab.ip(ns, "link", "set", f"{check.device}p", "up")
                self.restore(peer, check.name)

    def argv(self, peer: PeerPlan) -> list[str]:
        base = self.workdir / f"p{peer.index}"
        return [self.keepalived, "-n", "-l", "-D", "-G", "-P", "-f", f"{base}.conf", "-p", f"{base}.pid",
                "-r", f"{base}-vrrp.pid", "-c", f"{base}-checkers.pid", "-b", f"{base}-bfd.pid"]

    def start_all(self) -> None:
        for peer in self.plan.peers:
            self.lab.start(peer.index, self.argv(peer), self.workdir / f"p{peer.index}.log")

    def stop_all(self) -> None:
        for peer in self.plan.peers:
            self.lab.stop(peer.index)

    # -- checks ---------------------------------------------------------------------------------

    def fail(self, peer: PeerPlan, name: str) -> None:
        check = peer.check(name)
        if check.kind == "interface":
            self.lab.ip(self.lab.namespace(peer.index), "link", "set", check.device, "down")
        else:
            statefile(self.statedir, peer, name).unlink(missing_ok=True)

    def restore(self, peer: PeerPlan, name: str) -> None:
        check = peer.check(name)
        if check.kind == "interface":
            self.lab.ip(self.lab.namespace(peer.index), "link", "set", check.device, "up")
        else:
            statefile(self.statedir, peer, name).touch(mode=0o600)

    # -- observation ----------------------------------------------------------------------------

    def observe(self) -> Observation:
        if self.stop_event.is_set():
            raise Interrupted()
        held = {peer.name: parse_addresses(self.lab.ip(self.lab.namespace(peer.index), "-j", "addr", "show", "dev", IFACE))
                for peer in self.plan.peers}
        return tuple((vip, tuple(name for name, addresses in held.items() if vip in addresses)) for vip in self.plan.vips)

    def _sleep(self, seconds: float) -> None:
        if self.stop_event.wait(seconds):
            raise Interrupted()

    def pause(self, seconds: float) -> None:
        self._sleep(seconds)

    def converge(self, checks: int, bound: float | None = None) -> tuple[str | None, bool]:
        observation, done = self.converge_observation(checks, bound)
        return holder(observation), done

    def converge_observation(self, checks: int, bound: float | None = None, split: bool = False) -> tuple[Observation, bool]:
        plan = self.plan
        observation, done = converge(self.observe, plan.settle(checks), plan.stable,
                                     bound if bound is not None else plan.bound(checks), sleep=self._sleep, split=split)
        dead = [p for p in plan.peers if not self.lab.running(p.index)]
        if dead:
            said = "; ".join(f"{p.name}: {self.last_log_line(p)}" for p in dead)
            raise CommandError(f"keepalived exited ({said})")
        return observation, done

    def last_log_line(self, peer: PeerPlan) -> str:
        try:
            lines = (self.workdir / f"p{peer.index}.log").read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return "no log"
        return lines[-1].strip() if lines else "no log"


def simulate(plan: ClusterPlan, runner: Runner, workdir: Path, prefix: str, keepalived: str,
             fails: list[tuple[str, str]] | None = None, stop: threading.Event | None = None,
             progress: Callable[[str], None] | None = None) -> Result:
    """Run every scenario of ``plan``; the namespaces and daemons are gone when this returns."""
    started = time.monotonic()
    result = Result(plan)
    result.notes.extend(p.note for p in plan.peers if p.note)
    result.notes.extend(plan.notes)
    if plan.skipped:
        result.error = f"not simulated: {plan.skipped}"
        return result
    lab = Lab(runner, prefix, len(plan.peers))
    sim = Simulation(plan, lab, workdir, keepalived, stop, progress)
    try:
        sim.prepare()
        _scenarios(sim, result, fails)
    except CommandError as err:
        result.error = str(err)
    finally:
        lab.close()
        result.notes.extend(f"teardown: {e}" for e in lab.errors)
        result.seconds = time.monotonic() - started
    return result


def _scenarios(sim: Simulation, result: Result, fails: list[tuple[str, str]] | None) -> None:
    plan = sim.plan
    peers = plan.calculus_peers
    say = sim.progress
    say(f"{plan.label} ({plan.version}): starting {len(plan.peers)} keepalived")
    t0 = time.monotonic()
    sim.start_all()
    if plan.hearing:
        _split_brain(sim, result, peers, t0)
        return
    healthy, done = sim.converge(plan.rise, plan.startup_bound)
    predicted = matrix(peers, plan.mates).healthy
    result.steps.append(Step("all checks pass", _predicted(predicted), _observed(healthy, done),
                             _agree(predicted, healthy, done), predicted.describe(plan.held), time.monotonic() - t0))
    if not done or healthy is None:
        return
    if fails is None:
        holder_plan = plan.peer(healthy)
        fails = [(c.name, healthy) for c in holder_plan.checks] if holder_plan is not None else []
    current = healthy
    for check, host in fails:
        peer = plan.peer(host)
        if peer is None or peer.check(check) is None:
            why = f"{host} has no vrrp_instance in this version" if peer is None else f"{host} has no check {check} halint can drive"
            result.notes.append(f"--fail {check}@{host}: {why}")
            continue
        say(f"{plan.label} ({plan.version}): {check} fails on {host}")
        t0 = time.monotonic()
        sim.fail(peer, check)
        observed, done = sim.converge(plan.fall)
        outcome = elect(peers, {host: frozenset({check})}, holder=current, mates=plan.mates)
        result.steps.append(Step(f"{check} fails on {host}", _predicted(outcome), _observed(observed, done),
                                 _agree(outcome, observed, done), outcome.describe(plan.held), time.monotonic() - t0))
        sim.restore(peer, check)
        if done and observed == current:
            # the VIP did not move: restoring brings every priority back to the state in which
            # this holder was already stable; wait only for the check to pass again
            sim.pause(plan.rise + 1)
            continue
        back, done = sim.converge(plan.rise)
        if not done or back != healthy:
            say(f"{plan.label} ({plan.version}): restarting (the VIP stayed on {_shown(back)})")
            sim.stop_all()
            sim.start_all()
            back, done = sim.converge(plan.rise, plan.startup_bound)
            if not done:
                result.error = f"after a restart the VIPs did not settle ({_observed(back, done)}): stopped"
                return
            if back != healthy:
                result.notes.append(f"after a restart {_shown(back)} holds the VIP, not {healthy} as at first "
                                    "(equal priorities: the start timing decides); the next steps start from there")
        current = back


def _split_brain(sim: Simulation, result: Result, peers, t0: float) -> None:
    """Peers that do not hear each other: each hearing group elects its own MASTER, which holds
    that group's VIPs; only the healthy election is run (a holder per group, not one holder)."""
    plan = sim.plan
    by_name = {p.name: p for p in peers}
    expected: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {vip: [] for vip in plan.vips}
    said = []
    for names, vips in plan.hearing:
        outcome = elect([by_name[n] for n in names])
        candidates = (outcome.holder,) if outcome.holder is not None else outcome.undecided
        for vip in vips:
            expected.setdefault(vip, []).append((names, candidates))
        said.append(f"{', '.join(names)}: {outcome.describe(plan.held)}")
    observation, done = sim.converge_observation(plan.rise, plan.startup_bound, split=True)
    predicted = "split: " + "; ".join(
        f"{vip} on {', '.join(' or '.join(c) for _, c in groups if c) or 'nobody'}" for vip, groups in expected.items())
    why = f"the peers do not hear each other ({plan.apart}): " + " | ".join(said)
    result.steps.append(Step("all checks pass", predicted, _observed(holder(observation), done),
                             done and _split_agrees(expected, observation), why, time.monotonic() - t0))
    result.notes.append(f"a split brain ({plan.apart}): only the healthy election is simulated")


def _split_agrees(expected: dict, observation: Observation) -> bool:
    """Each VIP held by exactly one of the predicted candidates of each group carrying it, and by
    nobody else."""
    observed = dict(observation)
    for vip, groups in expected.items():
        held = set(observed.get(vip, ()))
        members: set[str] = set()
        for names, candidates in groups:
            mine = held & set(names)
            if (len(mine) != 1 or not mine <= set(candidates)) if candidates else mine:
                return False
            members |= set(names)
        if held - members:
            return False
    return True


def _observed(name: str | None, done: bool) -> str:
    return _shown(name) + ("" if done else " (not settled)")
