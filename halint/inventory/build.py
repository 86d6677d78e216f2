"""Build the :class:`Inventory` from a loaded project: one pass over hosts, keepalived units,
zones and routers, then indexes by address, VIP and host. Linear in the size of the tree."""
from __future__ import annotations

import socket
from dataclasses import dataclass, field
from functools import cached_property

from netaddr import AddrFormatError, IPAddress, IPNetwork

from halint.inventory.model import Cluster, Host, HostAddress, Node, TrackedScript, sync_group_of, track_weight
from halint.inventory.services import recognise
from halint.formats.keepalived.model import KaUnit, VrrpInstance
from halint.formats.zone.model import rdata


@dataclass(repr=False)
class Inventory:
    project: object  #: halint.project.loader.Project
    hosts: dict[str | None, Host] = field(default_factory=dict)
    nodes: list[Node] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    routers: list = field(default_factory=list)  #: halint.formats.ios.model.Router
    #: router name -> the same router as its files are in the git base, when they differ there
    router_bases: dict = field(default_factory=dict)
    project_base_label: str | None = None  #: how messages name the git base ("HEAD")
    by_vrid: dict[int, list[Cluster]] = field(default_factory=dict)
    #: owner name (lowercase, absolute) -> (host holding the zone file, zone unit, record): the
    #: A/AAAA records of ``records``
    records_by_name: dict[str, list[tuple[str | None, object, object]]] = field(default_factory=dict)
    #: each static NAT rule (after change scripts) that sends traffic to a cluster: by one of its
    #: VIPs, or by a node's own address (Node set); (router, rule, cluster, node or None)
    nat_targets: list[tuple[object, object, Cluster, Node | None]] = field(default_factory=list)
    #: a host's own address -> (host, where it is configured); a VIP is never one
    node_addresses: dict[IPAddress, list[tuple[str | None, HostAddress]]] = field(default_factory=dict)
    by_vip: dict[IPAddress, Cluster] = field(default_factory=dict)
    #: (id of the node's KaUnit, vrrp_instance name) -> its cluster (sync group mates' clusters)
    by_instance: dict[tuple[int, str], Cluster] = field(default_factory=dict)
    #: address -> (host holding the zone file, zone unit, record) of every A/AAAA record that
    #: points at a VIP or at a node address (no rule asks about any other address)
    records: dict[IPAddress, list[tuple[str | None, object, object]]] = field(default_factory=dict)

    def clusters_of(self, host: str | None) -> list[Cluster]:
        return [c for c in self.clusters if host in c.hosts]

    def cluster_serving(self, address: IPAddress) -> tuple[Cluster, Node] | None:
        """The cluster one of whose nodes has ``address`` as its own address, and that node."""
        for host, _ in self.node_addresses.get(address, ()):
            if host in self._first_node:
                return self._first_node[host]
        return None

    @cached_property
    def _first_node(self) -> dict[str | None, tuple[Cluster, Node]]:
        """host -> its first (cluster, node), clusters and nodes in order."""
        out: dict[str | None, tuple[Cluster, Node]] = {}
        for cluster in self.clusters:
            for node in cluster.nodes:
                out.setdefault(node.host, (cluster, node))
        return out


def _ip(text: str) -> IPAddress | None:
    try:
        return IPAddress(text)
    except (AddrFormatError, ValueError, TypeError):
        return None


def _known(text: str, known: dict[tuple[int, int], IPAddress]) -> IPAddress | None:
    """The address of ``known`` that ``text`` writes, or None. inet_pton takes the plain forms
    (several times faster than netaddr's parser); anything else goes through netaddr."""
    for family, version in ((socket.AF_INET, 4), (socket.AF_INET6, 6)):
        try:
            return known.get((version, int.from_bytes(socket.inet_pton(family, text), "big")))
        except (OSError, ValueError, TypeError):
            continue
    ip = _ip(text)
    return known.get((ip.version, int(ip))) if ip is not None else None


def _hosts(project) -> dict[str | None, Host]:
    hosts: dict[str | None, Host] = {}
    for name, files in project.hosts.items():
        host = hosts.setdefault(name, Host(name))
        host.machine_ids.extend(files.machine_ids)
        host.named.extend(files.named)
        host.zones.extend(files.zones)
        for interfaces in files.interfaces:
            for address in interfaces.addresses():
                host.addresses.append(HostAddress(address.network.ip, address.network, address.device, address.span, "interfaces"))
    for unit in project.keepalived:
        host = hosts.setdefault(unit.effective.host, Host(unit.effective.host))
        host.keepalived.append(unit)
        for instance in unit.intended.instances:
            setting = instance.unicast_src_ip
            ip = _ip(setting.args[0].text) if setting is not None and setting.args else None
            if ip is not None and not any(a.address == ip for a in host.addresses):
                host.addresses.append(HostAddress(ip, None, instance.interface.text if instance.interface else None, setting.args[0].span, "unicast_src_ip"))
    return hosts


def _tracked(unit: KaUnit, instance: VrrpInstance, overrides) -> tuple[TrackedScript, ...]:
    out = []
    for entry in instance.track_scripts:
        if entry.ignored:
            continue
        script = unit.intended.script(entry.name.text)
        weight, reverse = track_weight(entry, script)
        command = None
        if script is not None and script.script is not None:
            command = " ".join(w.text for w in script.script.args)
        service = recognise(command, entry.name.text, overrides)
        out.append(TrackedScript(entry.name.text, entry.name.span, script, weight, reverse, service))
    return tuple(out)


def _nodes(project, overrides) -> list[Node]:
    """Every vrrp_instance with a virtual_router_id, as intended: with its VIPs, or without any
    (a cloud floating IP moved by notify_master keeps its address out of keepalived)."""
    nodes = []
    for unit in project.keepalived:
        for instance in unit.intended.instances:
            vips = tuple((ip, vip) for vip in instance.vips if vip.valid for ip in [_ip(vip.address.text)] if ip is not None)
            if instance.vrid is None or instance.vrid.value is None:
                continue  # keepalived refuses the instance (KA003/KA004 say why)
            group = sync_group_of(unit.intended, instance)
            effective = unit.effective.instance(instance.name.text)
            nodes.append(Node(unit.effective.host, unit, instance, effective, group, _tracked(unit, instance, overrides), vips))
    return nodes


def _clusters(nodes: list[Node], hosts: dict[str | None, Host]) -> list[Cluster]:
    """The instances that exchange adverts (RULES.md, "A cluster is ..."): those that share a VIP;
    and, for instances without a VIP, those with the same virtual_router_id on the same segment
    (an interface subnet both hosts' interfaces files give), or joined by unicast_peer."""
    parent = list(range(len(nodes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    first_with: dict[IPAddress, int] = {}
    for i, node in enumerate(nodes):
        for ip, _ in node.vips:
            if ip in first_with:
                union(i, first_with[ip])
            else:
                first_with[ip] = i
    first_on: dict[tuple[int, IPNetwork], int] = {}
    for i, node in enumerate(nodes):
        if node.vips:
            continue
        for network in _networks(node, hosts):
            key = (int(node.instance.vrid.value), network)
            if key in first_on:
                union(i, first_on[key])
            else:
                first_on[key] = i
    for i, j in _unicast_links(nodes, hosts):
        union(i, j)
    groups: dict[int, list[Node]] = {}
    for i, node in enumerate(nodes):
        groups.setdefault(find(i), []).append(node)
    clusters = []
    for members in groups.values():
        members.sort(key=lambda n: (n.host or "", n.instance.name.text))
        vips = frozenset(ip for n in members for ip, _ in n.vips)
        if not vips and len(members) < 2:
            continue  # an instance without a VIP and without a known peer: nothing to cross-check
        segment = _segment(members, vips, hosts) if vips else _shared_network(members, hosts)
        clusters.append(Cluster(0, tuple(members), vips, segment))
    clusters.sort(key=_order)
    return [Cluster(i, c.nodes, c.vips, c.segment, _floating(c, hosts)) for i, c in enumerate(clusters)]


def _floating(cluster: Cluster, hosts) -> frozenset[IPAddress]:
    """A cluster without a VIP: the addresses every peer host configures in its interfaces file
    that none of them sends adverts from (unicast_src_ip, else the first address of the
    instance's interface): the floating address its notify scripts move."""
    names = {n.host for n in cluster.nodes}
    if cluster.vips or len(names) < 2 or any(hosts.get(h) is None for h in names):
        return frozenset()
    common = None
    for name in names:
        mine = {a.address for a in hosts[name].addresses if a.origin == "interfaces"}
        common = mine if common is None else common & mine
    sources = set()
    for node in cluster.nodes:
        setting = node.instance.unicast_src_ip
        source = _ip(setting.args[0].text) if setting is not None and setting.args else None
        if source is None:
            iface = node.instance.interface.text if node.instance.interface else None
            source = next((a.address for a in hosts[node.host].addresses if a.origin == "interfaces" and a.interface == iface), None)
        if source is not None:
            sources.add(source)
    return frozenset((common or set()) - sources)


def _order(cluster: Cluster) -> tuple:
    """Clusters with VIPs by their lowest VIP, then those without, by VRID and host."""
    if cluster.vips:
        low = min(cluster.vips)
        return (0, low.version, int(low), ())
    return (1, 0, 0, (cluster.vrids, tuple(n.host or "" for n in cluster.nodes)))


def _networks(node: Node, hosts) -> list[IPNetwork]:
    host = hosts.get(node.host)
    iface = node.instance.interface.text if node.instance.interface else None
    return [n.cidr for n in host.interface_networks(iface)] if host is not None else []


def _shared_network(members: list[Node], hosts) -> IPNetwork | None:
    """The subnet every member's interface is on, when the interfaces files say."""
    shared = None
    for node in members:
        mine = set(_networks(node, hosts))
        shared = mine if shared is None else shared & mine
    return min(shared) if shared else None


def _unicast_links(nodes: list[Node], hosts) -> list[tuple[int, int]]:
    """Pairs of instances joined by unicast_peer: an address in one's list is an address of the
    other's host (its interfaces file, or its unicast_src_ip). Every instance of that host
    sends from those addresses, so the instance it means is the one with the same
    virtual_router_id, else its only instance without a VIP (a pair that disagrees on the VRID
    is still a pair: HA001 says so); several candidates and none with the VRID: no link."""
    owners: dict[IPAddress, set[str | None]] = {}
    for name, host in hosts.items():
        for address in host.addresses:
            owners.setdefault(address.address, set()).add(name)
    by_host: dict[str | None, list[int]] = {}
    for i, node in enumerate(nodes):
        by_host.setdefault(node.host, []).append(i)
    links = []
    for i, node in enumerate(nodes):
        vrid = int(node.instance.vrid.value)
        for word in node.instance.unicast_peers:
            ip = _ip(word.text)
            for host in owners.get(ip, ()) if ip is not None else ():
                if host == node.host:
                    continue
                candidates = [j for j in by_host.get(host, []) if not (nodes[j].vips and node.vips)]
                same = [j for j in candidates if int(nodes[j].instance.vrid.value) == vrid]
                vipless = [j for j in candidates if not nodes[j].vips]
                chosen = same or (vipless if len(vipless) == 1 and not node.vips else [])
                links.extend((i, j) for j in chosen)
    return links


def _segment(members: list[Node], vips: frozenset[IPAddress], hosts) -> IPNetwork | None:
    for node in members:
        host = hosts.get(node.host)
        iface = node.instance.interface.text if node.instance.interface else None
        if host is None or iface is None:
            continue
        for network in host.interface_networks(iface):
            if any(ip in network for ip in vips):
                return network.cidr
    return None


def build(project) -> Inventory:
    manifest = project.manifest
    overrides = dict(manifest.services) if manifest is not None else {}
    hosts = _hosts(project)
    nodes = _nodes(project, overrides)
    inventory = Inventory(project, hosts, nodes, _clusters(nodes, hosts), list(project.routers),
                          dict(project.router_bases), project.base_label)
    floating: set[IPAddress] = set()
    for cluster in inventory.clusters:
        floating.update(cluster.floating)
        for ip in cluster.vips:
            inventory.by_vip[ip] = cluster
        for vrid in cluster.vrids:
            inventory.by_vrid.setdefault(vrid, []).append(cluster)
        for node in cluster.nodes:
            inventory.by_instance.setdefault((id(node.unit), node.instance.name.text), cluster)
    for name, host in hosts.items():
        for address in host.addresses:
            if address.address in inventory.by_vip or address.address in floating:
                continue  # a VIP is never a node address (keepalived adds it; HA010 says when one is configured)
            inventory.node_addresses.setdefault(address.address, []).append((name, address))
    # the addresses records are indexed under, by (version, integer) so that a record's address
    # is looked up without building a netaddr object for each of a zone's million records
    known = {(ip.version, int(ip)): ip for ip in (*inventory.by_vip, *inventory.node_addresses)}
    for name, host in hosts.items():
        for unit in host.zones:
            for record in unit.zone.records:
                if record.rdtype in (rdata.A, rdata.AAAA):
                    ip = _known(record.rdata, known)
                    if ip is not None:
                        inventory.records.setdefault(ip, []).append((name, unit, record))
                        inventory.records_by_name.setdefault(record.owner, []).append((name, unit, record))
    _index_nat(inventory)
    return inventory


def _index_nat(inventory: Inventory) -> None:
    for router in inventory.routers:
        for rule in router.after.nat_rules:
            if not rule.is_static or rule.local_ip is None:
                continue
            cluster = inventory.by_vip.get(rule.local_ip)
            if cluster is not None:
                inventory.nat_targets.append((router, rule, cluster, None))
                continue
            served = inventory.cluster_serving(rule.local_ip)
            if served is not None:
                inventory.nat_targets.append((router, rule, served[0], served[1]))
