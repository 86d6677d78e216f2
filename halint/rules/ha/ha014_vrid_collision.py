"""HA014 vrid-collision: two different clusters (different VIP sets) use the same
virtual_router_id on the same network segment and address family.

keepalived.conf(5), virtual_router_id: it "is important not to duplicate a virtual_router_id
on the same network interface" (a VRRP segment carries one virtual router per VRID: RFC 5798
5.2.3), except for instances with different multicast groups (mcast_dst_ip) or unicast
instances whose peers do not overlap (vrrp.c, check_vrid_conflicts()). Each cluster then
receives the other's adverts, which keepalived rejects and logs at every advert ("ip address
associated with VRID not present in MASTER advert"); both clusters' MASTERs stand for one
virtual router, whose virtual MAC 00-00-5E-00-01-{VRID} (RFC 5798 7.3) they share.

The segment of a node is what the tree says: the subnets of its interface (interfaces files),
the subnet a VIP is written with (``10.0.0.5/24``); clusters whose segments are unknown are not
compared. Two instances of one host are KA005's (keepalived refuses to start)."""
from __future__ import annotations

import ipaddress

from netaddr import IPNetwork

from halint.core.diagnostic import Related
from halint.rules.base import rule
from halint.rules.ha.common_peers import family, global_flag, host_name, once_prefix, setting
from halint.rules.phrases import and_list

DEFAULT_GROUP = {4: "224.0.0.18", 6: "ff02::12"}


def _addr(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.split("/", 1)[0]))
    except ValueError:
        return None


def _mode(node, instance) -> tuple:
    """("unicast", addresses) or ("multicast", group) as keepalived sends the adverts."""
    fam = family(instance)
    if instance.unicast_peers:
        peers = {a for a in (_addr(p.text) for p in instance.unicast_peers) if a}
        src = instance.unicast_src_ip
        if src is not None and src.args and _addr(src.args[0].text):
            peers.add(_addr(src.args[0].text))
        return ("unicast", frozenset(peers))
    own = setting(instance, "mcast_dst_ip")
    if own is not None and own.args and _addr(own.args[0].text):
        return ("multicast", _addr(own.args[0].text))
    group = global_flag(node.config, f"vrrp_mcast_group{fam}")
    if group is not None and group.args and _addr(group.args[0].text):
        return ("multicast", _addr(group.args[0].text))
    return ("multicast", DEFAULT_GROUP[fam])


def segments(inv, node) -> list[IPNetwork]:
    instance = node.instance
    fam = family(instance)
    nets = []
    host = inv.hosts.get(node.host)
    iface = instance.interface.text if instance.interface is not None else None
    if host is not None:
        nets.extend(n.cidr for n in host.interface_networks(iface) if n.version == fam)
    for vip in instance.vips:
        if vip.valid and vip.prefix is not None and vip.prefix < (32 if fam == 4 else 128):
            try:
                net = IPNetwork(f"{vip.address.text}/{vip.prefix}").cidr
            except Exception:  # noqa: BLE001 - an address the reader accepted but netaddr does not
                continue
            if net.version == fam:
                nets.append(net)
    return nets


def _overlap(a: list[IPNetwork], b: list[IPNetwork]) -> IPNetwork | None:
    for x in a:
        for y in b:
            if x.first <= y.last and y.first <= x.last:
                return x if x.size >= y.size else y
    return None


def _collide(inv, n1, n2) -> tuple[str, str] | None:
    """The segment (or peer addresses) two nodes of different clusters share, with the multicast
    group they share ("" for unicast), or None."""
    i1, i2 = n1.instance, n2.instance
    if i1.vrid is None or i2.vrid is None or int(i1.vrid.value) != int(i2.vrid.value):
        return None
    if family(i1) != family(i2) or n1.host == n2.host:
        return None
    m1, m2 = _mode(n1, i1), _mode(n2, i2)
    if m1[0] != m2[0]:
        return None
    if m1[0] == "unicast":
        common = m1[1] & m2[1]
        return (f"unicast peers {and_list(sorted(common, key=ipaddress.ip_address))}", "") if common else None
    if m1[1] != m2[1]:
        return None
    net = _overlap(segments(inv, n1), segments(inv, n2))
    return (f"segment {net}", f"multicast group {m1[1]}") if net is not None else None


def _keys(cluster) -> set[tuple[int, int]]:
    """(VRID, address family) of the cluster's nodes: only clusters sharing one can collide."""
    return {(int(n.instance.vrid.value), family(n.instance)) for n in cluster.nodes if n.instance.vrid is not None}


@rule("HA014")
def check(inv, ctx):
    clusters = inv.clusters
    by_key: dict[tuple[int, int], list[int]] = {}
    for index, cluster in enumerate(clusters):
        for key in _keys(cluster):
            by_key.setdefault(key, []).append(index)
    for j, later in enumerate(clusters):
        candidates = sorted({i for key in _keys(later) for i in by_key[key] if i < j})
        for earlier in (clusters[i] for i in candidates):
            hit = None
            for n2 in later.nodes:
                for n1 in earlier.nodes:
                    where = _collide(inv, n1, n2)
                    if where is not None:
                        hit = (n1, n2, where)
                        break
                if hit:
                    break
            if hit is None:
                continue
            n1, n2, (where, group) = hit
            vrid = int(n2.instance.vrid.value)
            fam = "IPv6" if family(n2.instance) == 6 else "IPv4"
            effective = (n1.effective is not None and n2.effective is not None
                         and n1.effective.vrid is not None and n2.effective.vrid is not None
                         and int(n1.effective.vrid.value) == int(n2.effective.vrid.value))
            message = (
                f"virtual_router_id {vrid} of `{n2.instance.name.text}` on {and_list(sorted({host_name(n) for n in later.nodes}))} "
                f"is also used by `{n1.instance.name.text}` on {and_list(sorted({host_name(n) for n in earlier.nodes}))}, "
                f"on {where}"
            )
            note = (
                f"{once_prefix([n1, n2], effective)}the two are different clusters ({later.label()}, {earlier.label()}), "
                f"{fam}{', ' + group if group else ''}; each cluster receives the other's adverts for VRID {vrid} and "
                f"keepalived rejects and logs every one; a VRID names one virtual router on a segment (RFC 5798), "
                f"and both MASTERs stand for it"
            )
            related = tuple(Related(n.instance.vrid.word.span, f"{host_name(n)}: virtual_router_id {vrid} for {earlier.label()}")
                            for n in earlier.nodes if n.instance.vrid is not None and int(n.instance.vrid.value) == vrid)
            ctx.report(message, n2.instance.vrid.word.span, related, note=note)
