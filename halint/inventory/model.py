"""The inventory's types: hosts, VRRP nodes and clusters, and the indexes rules look things up in.

A :class:`Node` is one vrrp_instance on one host. Clusters are built from the *intended* version
of each keepalived config (RULES.md, HA preamble: a host whose intended config has an instance
with a VIP is a node of that VIP's cluster), and every node also carries what keepalived really
runs (``effective``: None when a misspelt keyword hides the whole instance), so a rule can say
which version a finding holds for.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from netaddr import IPAddress, IPNetwork

from halint.inventory.services import Service
from halint.formats.keepalived.model import KaConfig, KaUnit, SyncGroup, TrackEntry, Vip, VrrpInstance, VrrpScript
from halint.core.source import Span


def script_reverse(script: VrrpScript | None) -> bool:
    """Whether a vrrp_script's own ``weight N reverse`` reverses it (what an entry inherits)."""
    return bool(script is not None and script.weight is not None and script.weight_reverse)


def track_weight(entry: TrackEntry, script: VrrpScript | None) -> tuple[int, bool]:
    """(weight, reverse) of a track_script entry as keepalived resolves it: the entry's own
    ``weight N [reverse|noreverse]``, else the vrrp_script's, else 0 (vrrp_track.c,
    alloc_track_script(): an entry's weight without reverse/noreverse keeps the script's
    reverse; verified with keepalived 2.2.7 in `halint simulate`)."""
    inherited = script_reverse(script)
    if entry.weight is not None:
        return entry.weight, inherited if entry.reverse is None else entry.reverse
    if script is not None and script.weight is not None:
        return int(script.weight.value), script.weight_reverse
    return 0, False


def sync_group_of(config: KaConfig, instance: VrrpInstance) -> SyncGroup | None:
    """The vrrp_sync_group whose ``group`` lists this instance."""
    return next((g for g in config.sync_groups if any(m.text == instance.name.text for m in g.members)), None)


@dataclass(frozen=True)
class HostAddress:
    """An address configured on a host's interface (interfaces file), or a unicast_src_ip."""

    address: IPAddress
    network: IPNetwork | None  #: with its prefix; None for a unicast_src_ip without one
    interface: str | None  #: eth0 (alias suffix dropped)
    span: Span
    origin: str  #: "interfaces" or "unicast_src_ip"


@dataclass
class Host:
    name: str | None
    addresses: list[HostAddress] = field(default_factory=list)
    machine_ids: list = field(default_factory=list)  #: halint.formats.machine_id.reader.MachineId
    keepalived: list[KaUnit] = field(default_factory=list)
    zones: list = field(default_factory=list)  #: halint.formats.zone.model.ZoneUnit
    named: list = field(default_factory=list)  #: halint.formats.named.model.NamedConf

    def interface_networks(self, name: str | None) -> list[IPNetwork]:
        """Subnets configured on interface ``name`` (eth0, also through aliases eth0:1)."""
        if not name:
            return []
        return [a.network for a in self.addresses if a.origin == "interfaces" and a.interface == name and a.network is not None]

    def has_interface(self, name: str) -> bool:
        return any(a.interface == name for a in self.addresses if a.origin == "interfaces")

    def services(self, nodes: list[Node]) -> set[str]:
        """What this host runs as far as its configs show: the services its tracked checks
        watch (``nodes``: its VRRP nodes), and ``named`` when it holds zones or a named.conf."""
        out = {t.service.name for n in nodes if n.host == self.name for t in n.tracked if t.service is not None}
        if self.zones or self.named:
            out.add("named")
        return out

    @property
    def knows_interfaces(self) -> bool:
        """Whether an interfaces file told halint this host's interfaces at all."""
        return any(a.origin == "interfaces" for a in self.addresses)


@dataclass(frozen=True)
class TrackedScript:
    """One track_script entry of a node, resolved: its script, its weight, what it watches."""

    name: str
    entry_span: Span  #: the entry in track_script
    script: VrrpScript | None  #: None: the name matches no vrrp_script (KA004; tracks nothing)
    weight: int  #: the entry's weight, else the script's, else 0 (keepalived's default)
    reverse: bool
    service: Service | None


@dataclass(frozen=True)
class Node:
    host: str | None
    unit: KaUnit
    instance: VrrpInstance  #: as intended (typos corrected)
    effective: VrrpInstance | None  #: as keepalived runs it; None when a typo hides it
    sync_group: SyncGroup | None  #: intended
    tracked: tuple[TrackedScript, ...]  #: intended track_script entries, resolved
    vips: tuple[tuple[IPAddress, Vip], ...]  #: valid VIP addresses

    @property
    def config(self) -> KaConfig:
        return self.unit.intended

    @property
    def name(self) -> str:
        """``web`` (or ``web/VI_1`` when the host has more than one instance in the cluster)."""
        return self.host or str(self.unit.path)

    @property
    def hidden(self) -> bool:
        return self.effective is None


@dataclass(frozen=True)
class Cluster:
    """VRRP instances that exchange adverts: the peers of one virtual router. They share a VIP;
    or, without any VIP (a cloud floating address that notify_master moves), they have the same
    virtual_router_id on one segment, or are joined by unicast_peer (inventory.build)."""

    index: int
    nodes: tuple[Node, ...]  #: by host name
    vips: frozenset[IPAddress]  #: empty for a cluster without virtual_ipaddress
    segment: IPNetwork | None  #: the subnet the VIPs (or the peers) live on, when an interfaces file says
    #: without a VIP: addresses every peer's interfaces file configures besides the one it sends
    #: adverts from: the floating address notify_master moves (cloud providers' guides have every
    #: peer configure it), which is no node's own address
    floating: frozenset[IPAddress] = frozenset()

    @property
    def hosts(self) -> list[str | None]:
        return [n.host for n in self.nodes]

    @property
    def vrids(self) -> tuple[int, ...]:
        return tuple(sorted({int(n.instance.vrid.value) for n in self.nodes if n.instance.vrid is not None}))

    @property
    def master_by_design(self) -> Node | None:
        """The peer meant to hold the VIP: the highest base priority among `state MASTER`
        instances, else the highest base priority (None when the top is tied)."""
        masters = [n for n in self.nodes if n.instance.state_value == "MASTER"] or list(self.nodes)
        top = max(n.instance.base_priority for n in masters)
        best = [n for n in masters if n.instance.base_priority == top]
        return best[0] if len(best) == 1 else None

    def tracked(self) -> dict[str, tuple[TrackedScript, ...]]:
        """Each peer's tracked checks, by peer name."""
        return {n.name: n.tracked for n in self.nodes}

    def label(self) -> str:
        """How messages name the cluster: "VIP 10.0.0.1", "VIPs ...", or "VRID 51 (no VIP)"."""
        if not self.vips:
            vrids = ", ".join(str(v) for v in self.vrids)
            return f"VRID{'s' if len(self.vrids) > 1 else ''} {vrids} (no VIP)"
        vips = ", ".join(str(v) for v in sorted(self.vips))
        return f"VIP {vips}" if len(self.vips) == 1 else f"VIPs {vips}"

    def role(self) -> str:
        """What the failover calculus's holder holds, in its sentences: "the VIP", or, for a
        cluster without one, "the MASTER role"."""
        return "the VIP" if self.vips else "the MASTER role"

    def held(self) -> str:
        """What the MASTER holds, after "takes" / "keeps": "the VIP 10.0.0.1", or, without a VIP,
        "the MASTER role" (whoever is MASTER runs notify_master, which moves the address)."""
        if not self.vips:
            return "the MASTER role"
        vips = sorted(self.vips)
        if len(vips) == 1:
            return f"the VIP {vips[0]}"
        return "the VIPs " + ", ".join(str(v) for v in vips[:-1]) + f" and {vips[-1]}"

    def both_hold(self) -> str:
        """The effect of a split brain, after "so both become MASTER and ": "both hold 10.0.0.1",
        or "both run notify_master" for a cluster without a VIP."""
        if not self.vips:
            return "both run notify_master"
        return "both hold " + ", ".join(str(v) for v in sorted(self.vips))
