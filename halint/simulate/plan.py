"""What one simulation runs: for a cluster in one version of the configs, the peers (each in its
own network namespace, with the address keepalived will advertise from), the checks halint can
make fail, the timing bounds, and the calculus's Peers with those addresses filled in.

Pure: reads the inventory, never the system. Names are unique per process and run
(``hl<pid>-<run>-<cluster>``), so parallel simulations never collide.
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, replace
from decimal import Decimal

from halint.inventory.failover import Peer
from halint.inventory.model import Cluster
from halint.inventory.peers import PeerView, cluster_views

IFACE = "hl0"  #: the veth end inside each peer's namespace: every instance's interface
UNSUPPORTED_KINDS = ("process", "file", "bfd")  #: checks halint cannot drive (yet)


@dataclass(frozen=True)
class CheckPlan:
    """One check of one peer that halint controls: a vrrp_script (state file) or an interface."""

    name: str  #: the calculus's check name (script or interface name)
    kind: str  #: "script" or "interface"
    device: str | None = None  #: interface checks: the device inside the namespace


@dataclass(frozen=True)
class PeerPlan:
    name: str  #: the calculus's peer name (host, or host/instance)
    index: int
    view: PeerView
    address: ipaddress.IPv4Interface | ipaddress.IPv6Interface  #: on IFACE in the namespace
    checks: tuple[CheckPlan, ...]
    note: str | None = None  #: how the address was chosen when the tree does not say

    @property
    def peer(self) -> Peer:
        """The calculus's Peer, with the simulated address (the tie-break keepalived sees)."""
        return replace(self.view.peer, address=str(self.address.ip))

    def check(self, name: str) -> CheckPlan | None:
        return next((c for c in self.checks if c.name == name), None)


@dataclass(frozen=True)
class ClusterPlan:
    number: int  #: 1-based, as ``halint show clusters`` numbers clusters
    label: str  #: "VIP 10.51.10.67"
    version: str  #: "effective" or "intended"
    vips: tuple[str, ...]
    peers: tuple[PeerPlan, ...]
    advert_int: float
    rise: int  #: the largest rise / fall of any script (interval is 1 s in the simulation)
    fall: int
    preempt_delay: float
    skipped: str | None = None  #: why the cluster cannot be simulated

    @property
    def calculus_peers(self) -> list[Peer]:
        return [p.peer for p in self.peers]

    def peer(self, name: str) -> PeerPlan | None:
        return next((p for p in self.peers if p.name == name), None)

    # -- time bounds (seconds) ----------------------------------------------------------------

    @property
    def stable(self) -> float:
        """How long one holder must be seen unchanged to count as converged."""
        return 2 * self.advert_int + 1

    def settle(self, checks: int) -> float:
        """The longest a VIP move may take after a change: ``checks`` script periods (rise or
        fall runs at interval 1, plus one for the run in flight), the down timer (3 adverts +
        skew <= 1 advert), preempt_delay, and a margin."""
        return checks + 1 + 4 * self.advert_int + self.preempt_delay + 1

    def bound(self, checks: int) -> float:
        """The convergence timeout for one transition."""
        return self.settle(checks) + self.stable + 5

    @property
    def startup_bound(self) -> float:
        return self.bound(self.rise) + 3

    def estimate(self, steps: int) -> float:
        """The most a whole run of ``steps`` failure steps may take (each: fail, restore, and a
        restart when restoring does not bring the holder back)."""
        per_step = self.bound(self.fall) + self.bound(self.rise) + 2 + self.startup_bound
        return self.startup_bound + 5 + steps * per_step


def _number(value, default: float) -> float:
    if value is None:
        return default
    return float(value.value) if isinstance(value.value, Decimal) else float(value.value)


def _setting_number(setting, default: float) -> float:
    if setting is None or not setting.args:
        return default
    try:
        return float(setting.args[0].text)
    except ValueError:
        return default


def _host_interface(view: PeerView, inventory, ip) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface | None:
    """The address with its prefix as the host's interfaces file writes it."""
    host = inventory.hosts.get(view.node.host) if inventory is not None else None
    for address in host.addresses if host is not None else ():
        if str(address.address) == str(ip) and address.network is not None:
            return ipaddress.ip_interface(f"{address.address}/{address.network.prefixlen}")
    return None


def _segment(cluster: Cluster, vips: list) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    if cluster.segment is not None:
        return ipaddress.ip_network(str(cluster.segment), strict=False)
    first = vips[0]
    return ipaddress.ip_network(f"{first}/{24 if first.version == 4 else 64}", strict=False)


def _addresses(cluster: Cluster, views: list[PeerView], inventory) -> list[tuple[object, str | None]]:
    """Each view's address (with prefix) and a note when the tree does not give one."""
    vips = sorted((ipaddress.ip_address(str(v)) for v in cluster.vips), key=lambda a: (a.version, a))
    segment = _segment(cluster, vips)
    taken = set(vips)
    out: list = [None] * len(views)
    for i, view in enumerate(views):
        known = view.peer.address
        if known is None:
            continue
        ip = ipaddress.ip_address(known)
        if ip in taken:
            out[i] = (None, f"{view.peer.name}'s address {ip} is already used")
            continue
        iface = _host_interface(view, inventory, ip)
        if iface is None:
            net = segment if ip in segment else ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 64}", strict=False)
            iface = ipaddress.ip_interface(f"{ip}/{net.prefixlen}")
        taken.add(ip)
        out[i] = (iface, None)
    hosts = segment.hosts()
    for i, view in enumerate(views):
        if out[i] is not None and out[i][0] is not None:
            continue
        why = out[i][1] if out[i] is not None else f"no address for {view.peer.name} in the tree"
        ip = next(h for h in hosts if h not in taken)
        taken.add(ip)
        out[i] = (ipaddress.ip_interface(f"{ip}/{segment.prefixlen}"), f"{why}: simulated with {ip}")
    return out


def _checks(view: PeerView) -> tuple[tuple[CheckPlan, ...], str | None]:
    checks: list[CheckPlan] = []
    instance_iface = view.instance.interface.text if view.instance.interface is not None else None
    for check in view.peer.checks:
        if check.kind in UNSUPPORTED_KINDS:
            return (), f"{view.peer.name} tracks {check.kind} {check.name}, which the simulation cannot drive"
        if any(c.name == check.name for c in checks):
            continue
        if check.kind == "interface":
            device = IFACE if check.name == instance_iface else interface_device(len(checks))
            checks.append(CheckPlan(check.name, "interface", device))
        else:
            checks.append(CheckPlan(check.name, "script"))
    return tuple(checks), None


def interface_device(n: int) -> str:
    """The device standing for a tracked interface (names inside a namespace are free)."""
    return f"hlt{n}"


def plan_cluster(cluster: Cluster, number: int, version: str, inventory) -> ClusterPlan:
    views = cluster_views(cluster, version, inventory)
    vips = tuple(str(v) for v in sorted(cluster.vips))
    addresses = _addresses(cluster, views, inventory) if views else []
    peers, skipped = [], None
    for i, (view, (address, note)) in enumerate(zip(views, addresses)):
        checks, why = _checks(view)
        skipped = skipped or why
        peers.append(PeerPlan(view.peer.name, i, view, address, checks, note))
    if any(ipaddress.ip_address(v).version == 6 for v in vips):
        skipped = skipped or "IPv6 VIPs: keepalived breaks ties on link-local addresses, which the tree does not give"
    adverts = [_number(p.view.instance.advert_int, 1.0) for p in peers] or [1.0]
    rises, falls = [1], [1]
    for p in peers:
        for check in p.view.peer.checks:
            script = p.view.config.script(check.name) if check.kind == "script" else None
            if script is not None:
                rises.append(int(_number(script.rise, 1)))
                falls.append(int(_number(script.fall, 1)))
    delays = [_setting_number(p.view.instance.preempt_delay, 0.0) for p in peers] or [0.0]
    return ClusterPlan(number, cluster.label(), version, vips, tuple(peers), max(adverts), max(rises), max(falls),
                       max(delays), skipped)


def versions(cluster: Cluster, inventory) -> list[str]:
    """"effective" (what keepalived runs), and "intended" too when its peers differ."""
    effective = [v.peer for v in cluster_views(cluster, "effective", inventory)]
    intended = [v.peer for v in cluster_views(cluster, "intended", inventory)]
    return ["effective"] if effective == intended else ["effective", "intended"]


def select(inventories, wanted: str | None) -> list[tuple[int, Cluster, object]]:
    """(number, cluster, inventory) for every cluster, or the one ``wanted`` names: a VIP, the
    number ``halint show clusters`` prints, or a vrrp_instance name."""
    out = []
    number = 0
    for inventory in inventories:
        for cluster in inventory.clusters:
            number += 1
            if wanted is None or _matches(cluster, number, wanted):
                out.append((number, cluster, inventory))
    return out


def _matches(cluster: Cluster, number: int, wanted: str) -> bool:
    if wanted == str(number):
        return True
    try:
        if ipaddress.ip_address(wanted) in {ipaddress.ip_address(str(v)) for v in cluster.vips}:
            return True
    except ValueError:
        pass
    return any(n.instance.name.text == wanted for n in cluster.nodes)


_RUNS = iter(range(1, 1 << 30))


def prefix() -> str:
    """A name prefix no other simulation on this machine uses: ``hl<pid>-<run>``."""
    return f"hl{os.getpid()}-{next(_RUNS)}"
