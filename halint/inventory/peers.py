"""A cluster's nodes as the failover calculus sees them (:class:`~halint.inventory.failover.Peer`),
in either version of the configs: ``intended`` (typos corrected) or ``effective`` (what
keepalived runs: an instance or a vrrp_script under a misspelt keyword does not exist, a
track_script entry naming it tracks nothing).

What a check is: each track_script entry naming a defined vrrp_script (its weight: the entry's,
else the script's, else 0), each track_interface and track_process entry (default weight 0: the
instance goes to FAULT), and the same from the instance's vrrp_sync_group. track_file is left
out: its status is a number read from a file at run time, which a static check cannot know.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from halint.inventory.failover import Check, Mate, Peer
from halint.inventory.model import Cluster, Node, sync_group_of, track_weight
from halint.formats.keepalived.model import (
    KaConfig, TrackEntry, VrrpInstance, ah_in_force, initial_state, strict_mode, vrrp_version,
)

VERSIONS = ("intended", "effective")


@dataclass(frozen=True)
class PeerView:
    """One node in one version, with the Peer the calculus reads."""

    node: Node
    version: str
    instance: VrrpInstance
    config: KaConfig
    peer: Peer


def _config(node: Node, version: str) -> KaConfig:
    return node.unit.intended if version == "intended" else node.unit.effective


def _instance(node: Node, version: str) -> VrrpInstance | None:
    return node.instance if version == "intended" else node.effective


def _checks(config: KaConfig, entries: tuple[TrackEntry, ...], kind: str, via_group: bool) -> list[Check]:
    out = []
    for entry in entries:
        if entry.ignored:
            continue
        if kind == "script":
            script = config.script(entry.name.text)
            if script is None:
                continue  # names no vrrp_script (KA004): tracks nothing
            weight, reverse = track_weight(entry, script)
        else:
            weight, reverse = (entry.weight or 0), bool(entry.reverse)
        out.append(Check(entry.name.text, weight, reverse, kind, via_group))
    return out


def _own_interface(instance: VrrpInstance, checks: list[Check]) -> list[Check]:
    """vrrp.c (2.2.7), vrrp_complete_init: a track_interface entry naming the instance's own
    interface is dropped ("Ignoring track_interface X since own interface"): keepalived tracks
    that interface anyway, going to FAULT when it is down (weight 0), unless dont_track_primary.
    Verified with keepalived 2.2.7 in `halint simulate`."""
    own = instance.interface.text if instance.interface is not None else None
    if own is None:
        return checks
    untracked = any(s.keyword.text == "dont_track_primary" for s in instance.settings)
    out = []
    for check in checks:
        if check.name == own:
            if untracked:
                continue
            check = Check(check.name, 0, False, check.kind, check.via_group)
        out.append(check)
    return out


def _address(node: Node, instance: VrrpInstance, inventory) -> str | None:
    """The primary address keepalived sends adverts from: unicast_src_ip, else the first
    address of the instance's interface (from the host's interfaces file)."""
    if instance.unicast_src_ip is not None and instance.unicast_src_ip.args:
        return instance.unicast_src_ip.args[0].text
    host = inventory.hosts.get(node.host) if inventory is not None else None
    if host is None or instance.interface is None:
        return None
    version = _family(node, instance)
    vips = {ip for ip, _ in node.vips}
    for address in host.addresses:
        if (address.origin == "interfaces" and address.interface == instance.interface.text
                and address.address.version == version and address.address not in vips):
            return str(address.address)
    return None


def _family(node: Node, instance: VrrpInstance) -> int:
    """The address family the instance advertises in: its VIPs', else its unicast peers', else
    IPv4 (a VRRP instance is one family)."""
    if node.vips:
        return node.vips[0][0].version
    for word in instance.unicast_peers:
        try:
            return ipaddress.ip_address(word.text).version
        except ValueError:
            continue
    return 4


def peer_view(node: Node, version: str, inventory=None, name: str | None = None) -> PeerView | None:
    """The node as a Peer in ``version``; None when the instance does not exist in it."""
    instance = _instance(node, version)
    if instance is None:
        return None
    config = _config(node, version)
    group = sync_group_of(config, instance)
    checks = _checks(config, instance.track_scripts, "script", False)
    checks += _own_interface(instance, _checks(config, instance.track_interfaces, "interface", False))
    checks += _checks(config, instance.track_processes, "process", False)
    ignored = None
    if group is not None:
        checks += _checks(config, group.track_scripts, "script", True)
        checks += _checks(config, group.track_interfaces, "interface", True)
        checks += _checks(config, group.track_processes, "process", True)
        if group.tracking_weight is None:
            ignored = f"sync group {group.name.text} without sync_group_tracking_weight"
    peer = Peer(
        name or node.name,
        instance.base_priority,
        tuple(checks),
        nopreempt=instance.nopreempt is not None,
        address=_address(node, instance, inventory),
        weights_ignored=ignored,
        state=initial_state(config, instance)[0],
    )
    return PeerView(node, version, instance, config, peer)


def cluster_views(cluster: Cluster, version: str, inventory=None) -> list[PeerView]:
    """Every node of the cluster that exists in ``version``, named by host (host/instance when a
    host has several instances in the cluster)."""
    hosts = [n.host for n in cluster.nodes]
    views = []
    for node in cluster.nodes:
        name = node.name if hosts.count(node.host) == 1 else f"{node.name}/{node.instance.name.text}"
        view = peer_view(node, version, inventory, name)
        if view is not None:
            views.append(view)
    return views


@dataclass(frozen=True)
class Linked:
    """Another cluster whose instances share a vrrp_sync_group with this cluster's."""

    cluster: Cluster
    views: list[PeerView]  #: that cluster's peers in the version asked for
    linked: frozenset[str]  #: the peers whose instance there is in one sync group with theirs here

    @property
    def mate(self) -> Mate:
        return Mate(self.cluster.label(), tuple(v.peer for v in self.views), self.linked)


def linked_clusters(cluster: Cluster, version: str, inventory, views: list[PeerView] | None = None) -> list[Linked]:
    """The other clusters whose instances share a vrrp_sync_group with this cluster's, peer by
    peer, in ``version`` (a peer is linked when its instance there is a member of the group its
    instance here is in, in the same keepalived configuration). ``views``: this cluster's, when
    the caller has them."""
    if inventory is None or not getattr(inventory, "by_instance", None):
        return []
    if not any(n.config.sync_groups for n in cluster.nodes):
        return []
    wanted: dict[int, list[tuple[str, str]]] = {}  # id(cluster) -> (peer name here, mate instance)
    found: dict[int, Cluster] = {}
    for view in views if views is not None else cluster_views(cluster, version, inventory):
        group = sync_group_of(view.config, view.instance)
        if group is None:
            continue
        for member in group.members:
            if member.text == view.instance.name.text:
                continue
            other = inventory.by_instance.get((id(view.node.unit), member.text))
            if other is None or other is cluster:
                continue
            found[id(other)] = other
            wanted.setdefault(id(other), []).append((view.peer.name, member.text))
    out = []
    for key, other in found.items():
        others = cluster_views(other, version, inventory)
        linked = {v.peer.name for v in others for name, member in wanted[key]
                  if v.peer.name == name and v.instance.name.text == member}
        if linked:
            out.append(Linked(other, others, frozenset(linked)))
    return out


def cluster_mates(cluster: Cluster, version: str, inventory, views: list[PeerView] | None = None) -> tuple[Mate, ...]:
    """The linked clusters (``linked_clusters``) as the failover calculus takes them."""
    return tuple(link.mate for link in linked_clusters(cluster, version, inventory, views))


def advertised_vips(instance: VrrpInstance) -> frozenset[str]:
    """The VIPs an instance's adverts carry, as addresses (2001:DB8::1 is 2001:db8::1): keepalived
    compares them in binary (vrrp_check_packet)."""
    out = set()
    for vip in instance.vips:
        if vip.valid:
            try:
                out.add(str(ipaddress.ip_address(vip.address.text)))
            except ValueError:
                continue
    return frozenset(out)


def _auth(view: PeerView) -> tuple[str, str] | None:
    """The authentication keepalived checks adverts with: PASS (first 8 characters) in VRRPv2
    outside strict mode, AH as ah_in_force keeps it; None otherwise (v3 and strict mode drop it)."""
    config, instance = view.config, view.instance
    kind = instance.auth_type.text if instance.auth_type is not None else None
    secret = instance.auth_pass.text[:8] if instance.auth_pass is not None else ""
    if kind == "AH":
        return ("AH", secret) if ah_in_force(config, instance) else None
    if kind == "PASS" and vrrp_version(config, instance) == 2 and not strict_mode(config, instance):
        return ("PASS", secret)
    return None


def _hearing_key(view: PeerView) -> tuple:
    """What two peers' adverts must share for each to accept the other's (vrrp.c
    vrrp_check_packet, 2.2.7): the VRID, the VRRP version, the VIP list ("expected %u VIPs but
    received %u", "ip address associated with VRID not present in MASTER advert"), the
    authentication, and in VRRPv2 the advert interval ("advertisement interval mismatch")."""
    instance = view.instance
    version = vrrp_version(view.config, instance)
    vrid = int(instance.vrid.value) if instance.vrid is not None else None
    vips = advertised_vips(instance)
    advert = None
    if version == 2:
        advert = format(float(instance.advert_int.value), "g") if instance.advert_int is not None else "1"
    return (vrid, version, vips, _auth(view), advert)


def hearing_groups(views: list[PeerView]) -> list[list[PeerView]]:
    """The cluster's peers split into those that accept each other's adverts. More than one group
    is a split brain: each group elects its own MASTER, and each MASTER holds its VIPs (verified
    with ``halint simulate`` for a VRID, VIP list, auth_pass and advert_int mismatch)."""
    groups: dict[tuple, list[PeerView]] = {}
    for view in views:
        groups.setdefault(_hearing_key(view), []).append(view)
    return list(groups.values())


def apart(groups: list[list[PeerView]]) -> str:
    """What keeps the groups apart: "virtual_router_id 51 vs 52" (never a password)."""
    keys = [_hearing_key(group[0]) for group in groups]
    parts = []
    for index, label in ((0, "virtual_router_id"), (1, "VRRP version"), (4, "advert_int")):
        values = list(dict.fromkeys(str(k[index]) for k in keys if k[index] is not None))
        if len(values) > 1:
            parts.append(f"{label} " + " vs ".join(values))
    if len({k[2] for k in keys}) > 1:
        parts.append("the virtual_ipaddress lists differ")
    if len({k[3] for k in keys}) > 1:
        parts.append("the authentication differs")
    return "; ".join(parts)
