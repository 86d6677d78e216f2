"""The network of one simulation: a bridge namespace and one namespace per peer, joined by veth
pairs created inside the namespaces (nothing is attached to the host's default namespace or its
interfaces), the keepalived daemons running in them, and their teardown.

Everything the :class:`Lab` creates is recorded before it is created, and :meth:`Lab.close`
undoes it in reverse (daemons killed by process group, namespaces deleted), collecting errors
instead of raising, so it can run from a finally block, after an error or Ctrl-C. The commands
go through a :class:`Runner`, which tests replace with a fake.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


class CommandError(Exception):
    """A command of the simulation failed."""


class Runner:
    """Runs the simulation's commands (``ip``, keepalived) on this machine."""

    def run(self, argv: list[str]) -> str:
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise CommandError(f"{' '.join(argv)}: {err}") from None
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise CommandError(f"{' '.join(argv)}: {detail[-1] if detail else f'exit {done.returncode}'}")
        return done.stdout

    def spawn(self, argv: list[str], log: Path):
        """Start a long-running process in its own session (its process group is its pid)."""
        with open(log, "ab") as out:
            return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)

    def kill(self, process, grace: float = 3.0) -> None:
        """SIGTERM the process group, then SIGKILL it if it has not exited within ``grace``."""
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, grace)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        _reap_group(process.pid, grace)


def _reap_group(pgid: int, grace: float) -> None:
    """keepalived's children stay in its process group: wait until the group is gone."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        except PermissionError:
            return
        time.sleep(0.05)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass
class Lab:
    """One simulated segment: ``<prefix>-br`` holding the bridge, ``<prefix>-<i>`` per peer."""

    runner: Runner
    prefix: str
    peers: int
    namespaces: list[str] = field(default_factory=list)  #: created (or being created), in order
    daemons: dict[int, object] = field(default_factory=dict)  #: peer index -> process
    errors: list[str] = field(default_factory=list)  #: what close() could not undo

    @property
    def bridge(self) -> str:
        return f"{self.prefix}-br"

    def namespace(self, index: int) -> str:
        return f"{self.prefix}-{index}"

    def ip(self, namespace: str, *args: str) -> str:
        return self.runner.run(["ip", "-n", namespace, *args])

    def _add_namespace(self, name: str) -> None:
        self.runner.run(["ip", "netns", "add", name])  # fails when the name exists: never ours to delete
        self.namespaces.append(name)

    def create(self, addresses: list[str]) -> None:
        """The bridge and one namespace per peer with its veth end ``hl0`` carrying ``addresses[i]``
        (address/prefix); loopback up everywhere."""
        from halint.simulate.plan import IFACE

        self._add_namespace(self.bridge)
        self.ip(self.bridge, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0")
        self.ip(self.bridge, "link", "set", "br0", "up")
        for index, address in enumerate(addresses):
            ns = self.namespace(index)
            self._add_namespace(ns)
            self.ip(ns, "link", "set", "lo", "up")
            if ":" in address:  # IPv6: no duplicate address detection (a tentative address cannot send)
                self.runner.run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0",
                                 "net.ipv6.conf.default.accept_dad=0"])
            port = f"p{index}"
            self.ip(self.bridge, "link", "add", port, "type", "veth", "peer", "name", IFACE, "netns", ns)
            self.ip(self.bridge, "link", "set", port, "master", "br0", "up")
            self.ip(ns, "addr", "add", address, "dev", IFACE, *(("nodad",) if ":" in address else ()))
            self.ip(ns, "link", "set", IFACE, "up")

    def start(self, index: int, argv: list[str], log: Path) -> None:
        """Start ``argv`` inside peer ``index``'s namespace."""
        self.stop(index)
        self.daemons[index] = self.runner.spawn(["ip", "netns", "exec", self.namespace(index), *argv], log)

    def stop(self, index: int) -> None:
        process = self.daemons.pop(index, None)
        if process is not None:
            self.runner.kill(process)

    def running(self, index: int) -> bool:
        process = self.daemons.get(index)
        return process is not None and process.poll() is None

    def close(self) -> None:
        """Kill every daemon, delete every namespace (last first). Never raises."""
        for index in list(self.daemons):
            try:
                self.stop(index)
            except Exception as err:  # noqa: BLE001 - teardown goes on whatever happens
                self.errors.append(f"stopping peer {index}: {err}")
        while self.namespaces:
            name = self.namespaces.pop()
            try:
                self.runner.run(["ip", "netns", "del", name])
            except Exception as err:  # noqa: BLE001
                self.errors.append(str(err))

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
