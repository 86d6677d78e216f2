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

from halint.inventory.failover import Mate, Peer
from halint.inventory.model import Cluster, sync_group_of
from halint.inventory.peers import PeerView, advertised_vips, apart, cluster_views, hearing_groups, linked_clusters

IFACE = "hl0"  #: the veth end inside each peer's namespace: every instance's interface
#: checks halint cannot drive: track_process needs the proc connector, which keepalived 2.2.7 cannot
#: listen to outside the initial network namespace ("Failed to set/clear process event listen -
#: errno 111": the instance stays in FAULT); track_bfd needs a BFD peer
UNSUPPORTED_KINDS = ("process", "file", "bfd")


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
    #: the other members of the instance's vrrp_sync_group (each in a linked cluster), run beside it
    mates: tuple[PeerView, ...] = ()
    #: a cluster without a VIP: the address every peer's generated config carries as its only
    #: VIP, so that the MASTER can be seen (the same on every peer: the election is unchanged)
    witness: str | None = None

    @property
    def views(self) -> tuple[PeerView, ...]:
        return (self.view, *self.mates)

    @property
    def peer(self) -> Peer:
        """The calculus's Peer, with the simulated address (as keepalived advertises from it)."""
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
    mates: tuple[Mate, ...] = ()  #: the clusters linked by sync groups, simulated with this one
    covers: tuple[int, ...] = ()  #: the numbers of those clusters (simulated here, not on their own)
    #: a split brain: the peers (names) that hear each other, with the VIPs they carry; empty
    #: when every peer hears every other
    hearing: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    apart: str = ""  #: what keeps the hearing groups apart
    notes: tuple[str, ...] = ()  #: what the generated configs leave out

    @property
    def held(self) -> str:
        """What the calculus's holder holds, in its sentences."""
        return "the MASTER role" if any(p.witness for p in self.peers) else "the VIP"

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


def _segment(cluster: Cluster, vips: list, views: list[PeerView]) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """The link's subnet: the tree's (interfaces files), else around the first VIP, else around
    the first peer address the tree gives (a cluster without a VIP), else TEST-NET-1."""
    if cluster.segment is not None:
        return ipaddress.ip_network(str(cluster.segment), strict=False)
    known = [ipaddress.ip_address(v.peer.address) for v in views if v.peer.address is not None]
    first = vips[0] if vips else (known[0] if known else ipaddress.ip_address("192.0.2.1"))
    return ipaddress.ip_network(f"{first}/{24 if first.version == 4 else 64}", strict=False)


def witness(cluster: Cluster, views: list[PeerView]) -> str | None:
    """For a cluster without a VIP, an address of its segment that no peer uses: the highest."""
    if cluster.vips:
        return None
    segment = _segment(cluster, [], views)
    taken = {ipaddress.ip_address(v.peer.address) for v in views if v.peer.address is not None}
    last = segment.broadcast_address - 1 if segment.version == 4 else segment.network_address + (1 << 16) - 1
    candidate = last
    while candidate in taken:
        candidate -= 1
    return str(candidate)


def _addresses(cluster: Cluster, views: list[PeerView], inventory, extra: tuple[str, ...] = ()) -> list[tuple[object, str | None]]:
    """Each view's address (with prefix) and a note when the tree does not give one (``extra``:
    addresses already spoken for, the witness VIP)."""
    vips = sorted((ipaddress.ip_address(str(v)) for v in cluster.vips), key=lambda a: (a.version, a))
    segment = _segment(cluster, vips, views)
    taken = set(vips) | {ipaddress.ip_address(a) for a in extra}
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


def _checks(views: tuple[PeerView, ...]) -> tuple[tuple[CheckPlan, ...], str | None]:
    """The checks of one peer's instances (the instance and its sync group mates), one per name:
    a vrrp_script or an interface is the host's, whichever instance tracks it."""
    checks: list[CheckPlan] = []
    own = {v.instance.interface.text for v in views if v.instance.interface is not None}
    for view in views:
        for check in view.peer.checks:
            if check.kind in UNSUPPORTED_KINDS:
                why = (" (keepalived cannot follow processes outside the initial network namespace)"
                       if check.kind == "process" else "")
                return (), f"{view.peer.name} tracks {check.kind} {check.name}, which the simulation cannot drive{why}"
            if any(c.name == check.name for c in checks):
                continue
            if check.kind == "interface":
                mine = view.instance.interface.text if view.instance.interface is not None else None
                if check.name in own and check.name != mine:
                    return (), (f"{view.peer.name}'s {view.instance.name.text} tracks {check.name}, the interface of a sync "
                                "group mate: every instance shares one link in the simulation")
                device = IFACE if check.name in own else interface_device(len(checks))
                checks.append(CheckPlan(check.name, "interface", device))
            else:
                checks.append(CheckPlan(check.name, "script"))
    return tuple(checks), None


def _linked(cluster: Cluster, views: list[PeerView], version: str, inventory) -> tuple[tuple[Mate, ...], dict[str, tuple[PeerView, ...]], list[Cluster], str | None]:
    """The sync-group-linked clusters to run with this one: (mates, each peer's mate views, the
    clusters, why not simulated). Simulated only when every peer's instance is in a sync group
    whose other members are the peers' instances of the same linked clusters."""
    links = linked_clusters(cluster, version, inventory, views)
    if not links:
        return (), {}, [], None
    mates = tuple(link.mate for link in links)
    clusters = [link.cluster for link in links]
    names = {v.peer.name for v in views}
    by_peer: dict[str, list[PeerView]] = {name: [] for name in names}
    for link in links:
        if {v.peer.name for v in link.views} != names or link.linked != names:
            return mates, {}, clusters, (f"the sync groups link {link.cluster.label()} to this cluster for only some "
                                         "peers: not simulated")
        for view in link.views:
            by_peer[view.peer.name].append(view)
    for view in views:
        group = sync_group_of(view.config, view.instance)
        members = {m.text for m in group.members} - {view.instance.name.text} if group is not None else set()
        found = by_peer[view.peer.name]
        if {v.instance.name.text for v in found} != members or len(found) != len(links):
            return mates, {}, clusters, f"{view.peer.name}'s sync group does not cover the linked clusters once each: not simulated"
    return mates, {name: tuple(found) for name, found in by_peer.items()}, clusters, None


def interface_device(n: int) -> str:
    """The device standing for a tracked interface (names inside a namespace are free)."""
    return f"hlt{n}"


def plan_cluster(cluster: Cluster, number: int, version: str, inventory, numbers: dict[int, int] | None = None) -> ClusterPlan:
    """One simulation of ``cluster`` in ``version``, with the clusters its sync groups link it to
    (``numbers``: id(cluster) -> its number, for ``covers``)."""
    views = cluster_views(cluster, version, inventory)
    mates, mate_views, linked, skipped = _linked(cluster, views, version, inventory) if views else ((), {}, [], None)
    vips = tuple(str(v) for v in sorted(cluster.vips))
    vips += tuple(str(v) for other in linked for v in sorted(other.vips))
    seen = witness(cluster, views) if views and not linked else None
    if seen is not None:
        vips = (seen,)
    addresses = _addresses(cluster, views, inventory, vips) if views else []
    peers = []
    for i, (view, (address, note)) in enumerate(zip(views, addresses)):
        extra = mate_views.get(view.peer.name, ())
        checks, why = _checks((view, *extra))
        skipped = skipped or why
        peers.append(PeerPlan(view.peer.name, i, view, address, checks, note, extra, seen))
    if len({ipaddress.ip_address(v).version for v in vips}) > 1:
        skipped = skipped or "IPv4 and IPv6 VIPs in one cluster: the simulation gives each peer one address family"
    adverts, rises, falls, delays = [1.0], [1], [1], [0.0]
    for p in peers:
        for view in p.views:
            adverts.append(_number(view.instance.advert_int, 1.0))
            delays.append(_setting_number(view.instance.preempt_delay, 0.0))
            for check in view.peer.checks:
                script = view.config.script(check.name) if check.kind == "script" else None
                if script is not None:
                    rises.append(int(_number(script.rise, 1)))
                    falls.append(int(_number(script.fall, 1)))
    label = cluster.label() if not linked else "VIPs " + ", ".join(vips) + " (one sync group)"
    if seen is not None:
        label += f": the MASTER is seen by the witness address {seen} halint adds to every peer"
    groups = hearing_groups(views) if views else []
    hearing = ()
    if len(groups) > 1:
        hearing = tuple((tuple(v.peer.name for v in g), (seen,) if seen is not None else tuple(sorted(advertised_vips(g[0].instance))))
                        for g in groups)
        if linked:
            skipped = skipped or "a split brain in a sync group: not simulated"
    covers = tuple(numbers[id(c)] for c in linked if numbers and id(c) in numbers)
    notes = tuple(f"{p.name}: track_file {e.name.text} is left out (its status is a number read at run time, "
                  "which the calculus does not predict)"
                  for p in peers for v in p.views for e in v.instance.track_files if not e.ignored)
    return ClusterPlan(number, label, version, vips, tuple(peers), max(adverts), max(rises), max(falls),
                       max(delays), skipped, mates, covers, hearing, apart(groups) if hearing else "", notes)


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
