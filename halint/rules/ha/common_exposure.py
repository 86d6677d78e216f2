"""Helpers shared by the exposure rules (HA008, HA009, HA012, HA013): which cluster node owns an
address, which VIP it serves, which ports a cluster serves, and how to word the typo note and
the related locations. Pure functions over the inventory."""
from __future__ import annotations

from dataclasses import dataclass

from netaddr import IPAddress

from halint.core.diagnostic import Related
from halint.inventory.model import Cluster, HostAddress, Node
from halint.core.source import Span
from halint.rules.phrases import file_line

#: per-host management ports: a NAT rule to a node's own address on one of these is deliberate
#: (reach that very machine), unless the cluster itself tracks a service on that port
MANAGEMENT_PORTS = frozenset({
    ("tcp", 22),  # ssh
    ("udp", 161), ("tcp", 161),  # snmp
    ("tcp", 5666),  # nrpe
    ("tcp", 9100),  # prometheus node_exporter
    ("tcp", 10050),  # zabbix agent
})

#: how a service is named in messages (by process name; by port for web servers)
_LABELS = {
    "vsftpd": "FTP", "proftpd": "FTP", "pure-ftpd": "FTP",
    "named": "DNS", "unbound": "DNS", "pdns_server": "DNS", "knotd": "DNS", "nsd": "DNS", "dnsmasq": "DNS",
    "postgres": "PostgreSQL", "mysqld": "MySQL", "mariadbd": "MariaDB", "sshd": "SSH",
    "postfix": "SMTP", "exim4": "SMTP",
}
_WEB_PORTS = {80: "HTTP", 443: "HTTPS"}


@dataclass(frozen=True)
class Owner:
    """A node address: the cluster, the node (one vrrp_instance on the host that has it) and
    where the address is configured."""

    cluster: Cluster
    node: Node
    address: HostAddress


def owners(inv, ip: IPAddress) -> list[Owner]:
    """The cluster nodes whose host has ``ip`` as its own address (never a VIP)."""
    out = []
    for host, host_address in inv.node_addresses.get(ip, ()):
        for cluster in inv.clusters:
            for node in cluster.nodes:
                if node.host == host:
                    out.append(Owner(cluster, node, host_address))
    return out


def candidate_vips(owner: Owner) -> list[IPAddress]:
    """The VIPs the node serves that could replace its own address: same address family, and
    on the same subnet as that address when some are (sorted)."""
    ip = owner.address.address
    vips = sorted(v for v, _ in owner.node.vips if v.version == ip.version)
    network = owner.address.network
    if network is not None:
        near = [v for v in vips if v in network]
        if near:
            return near
    return vips


def one_vip(owners_: list[Owner]) -> IPAddress | None:
    """The single VIP that replaces a node address, or None when it is ambiguous."""
    found = {v for o in owners_ for v in candidate_vips(o)}
    return next(iter(found)) if len(found) == 1 else None


def peers(cluster: Cluster, node: Node) -> list[str]:
    return sorted({n.host or str(n.unit.path) for n in cluster.nodes if n.host != node.host})


def typo_note(node: Node) -> str:
    """For a node that keepalived does not run because a typo hides its instance."""
    typo = node.instance.hidden_by
    if not node.hidden or typo is None:
        return ""
    where = file_line(typo.word.span, node.host)
    if typo.bom:
        return f" (once the byte-order mark before `{typo.word.text}` ({where}) is removed; keepalived ignores that instance until then)"
    return f" (once `{typo.word.text}` ({where}) is corrected to `{typo.intended}`; keepalived ignores that instance until then)"


def node_related(owner: Owner, vip: IPAddress | None) -> tuple[Related, ...]:
    """Where the node address is configured, and where the node's VIP is."""
    node = owner.node
    out = [Related(owner.address.span, f"{owner.address.address} is {node.name}'s own address ({owner.address.origin})")]
    for ip, v in node.vips:
        if vip is None or ip == vip:
            out.append(Related(v.address.span, f"VIP {ip} of {node.name}'s vrrp_instance {node.instance.name.text}"))
            break
    return tuple(out)


def served_ports(cluster: Cluster) -> dict[tuple[str, int], list[tuple[str, str]]]:
    """(protocol, port) -> [(service, tracking script)] for every service a node tracks."""
    out: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for node in cluster.nodes:
        for tracked in node.tracked:
            if tracked.service is None or tracked.script is None:
                continue
            for port in tracked.service.ports:
                entry = (tracked.service.name, tracked.name)
                if entry not in out.setdefault(port, []):
                    out[port].append(entry)
    return out


def service_label(service: str, port: tuple[str, int]) -> str:
    if service in _LABELS:
        return _LABELS[service]
    if port[1] in _WEB_PORTS and port[0] == "tcp":
        return _WEB_PORTS[port[1]]
    return service


def port_text(protocol: str | None, port: int | None) -> str:
    if protocol is None and port is None:
        return "every port"
    return f"{protocol}/{port}" if port is not None else f"every {protocol} port"


def word_span(span: Span, word: str) -> Span | None:
    """The first occurrence of ``word`` as a whole word inside ``span`` (for a fix's edit)."""
    text = span.source.text
    at = span.start
    while True:
        at = text.find(word, at, span.end)
        if at < 0:
            return None
        before = text[at - 1] if at > 0 else " "
        after = text[at + len(word)] if at + len(word) < len(text) else " "
        if not (before.isalnum() or before in ".:") and not (after.isalnum() or after in ".:"):
            return Span(span.source, at, at + len(word))
        at += len(word)
