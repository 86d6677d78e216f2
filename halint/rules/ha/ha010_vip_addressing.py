"""HA010 vip-addressing: a VIP outside every subnet of the interface it is bound to, equal to a
host's own address, or bound to an interface the host does not have.

The interface is the VIP's ``dev``, else the instance's ``interface``. Only hosts whose
interfaces file is in the tree are checked for subnets and interfaces (no file, no finding);
an interface whose stanzas give it no address of the VIP's family (dhcp, manual, auto) has no
known subnet. Link-local VIPs (fe80::/10, 169.254/16) are on-link on every interface.

A VIP equal to a node address or on a missing interface is an error (the rule's severity); a VIP
outside the interface's subnets is a warning (``severity_hint``): keepalived adds it with its
written prefix, else as a /32 (/128), and it works where an upstream router routes it to the
link, so the note says that instead of "unreachable"."""
from __future__ import annotations

from netaddr import IPAddress, IPNetwork

from halint.core.diagnostic import Related
from halint.rules.base import rule
from halint.rules.ha.common_peers import host_name, once_prefix
from halint.rules.phrases import and_list, file_line


def _interfaces(inv, host: str | None) -> set[str] | None:
    """The interface names a host's interfaces files define; None when there is none."""
    files = inv.project.hosts.get(host)
    if files is None or not files.interfaces:
        return None
    names: set[str] = set()
    for interfaces in files.interfaces:
        names.update(s.device for s in interfaces.stanzas)
        names.update(w.text.split(":", 1)[0] for w in interfaces.autos)
        names.update(w.text.split(":", 1)[0] for _, w in interfaces.allows)
    return names


def _own_addresses(inv):
    """address -> [(host, HostAddress)] of every address a host configures as its own."""
    out: dict = {}
    for name, host in inv.hosts.items():
        for address in host.addresses:
            out.setdefault(address.address, []).append((name, address))
    return out


def _vips(instance):
    for vip in instance.vips + instance.excluded_vips:
        if vip.valid:
            try:
                yield IPAddress(vip.address.text), vip
            except Exception:  # noqa: BLE001 - the reader accepted it, netaddr does not
                continue


def _missing_effect(node, vip) -> str:
    """What keepalived 2.2.7 does with an interface that does not exist (vrrp_if.c
    if_get_by_ifname() returns nothing unless dynamic_interfaces is set)."""
    defs = node.config.global_defs
    if defs is not None and defs.get("dynamic_interfaces") is not None:
        return "with dynamic_interfaces, keepalived waits for it and the instance stays in FAULT: the VIP is never configured"
    if vip.dev is not None:
        # vrrp_ipaddress.c parse_ipaddress(): "interface %s for ip address %s doesn't exist", line freed
        return "keepalived drops this VIP line (\"interface ... doesn't exist\"): the VIP is never configured"
    if node.instance.unicast_src_ip is None:
        # vrrp.c vrrp_complete_instance(): no interface and no unicast_src_ip -> false, and
        # vrrp_complete_init() fails: the VRRP process stops with a configuration error
        return ("keepalived rejects the instance (no interface and no unicast_src_ip) and its VRRP process stops: "
                "the host holds no VIP at all")
    return "keepalived reports that the interface doesn't exist and has no interface to add the VIP on"


def _off_subnet_effect(ip: IPAddress, vip, device: str) -> str:
    """What keepalived 2.2.7 does with a VIP outside its interface's subnets, and what reaches it:
    vrrp_ipaddress.c parse_ipaddress() takes the written prefix, else /32 (/128 for IPv6), and
    netlink_ipaddress() adds the address with it; the kernel then makes only that prefix on-link
    on the holder. Verified in network namespaces (keepalived 2.2.7, VIP 192.168.9.9 on
    10.0.0.1/24): added as 192.168.9.9/32; a router with a route to it through the link reached
    it, a neighbour on 10.0.0.0/24 without such a route did not (ENETUNREACH) and reached it
    through that router once it was its gateway."""
    full = 32 if ip.version == 4 else 128
    length = vip.prefix if vip.prefix is not None else full
    added = f"keepalived adds it as {ip}/{length}"
    if vip.prefix is None:
        added += " (no prefix is written)"
    elif length < full:
        net = IPNetwork(f"{ip}/{length}").cidr
        added += f", which makes {net} on-link on the holder"
    announce, resolve = (("gratuitous ARP", "ARP for it") if ip.version == 4 else
                         ("unsolicited neighbour advertisements", "resolve it by neighbour discovery"))
    return (f"{added}, so it is reachable only where an upstream router routes it to this link (keepalived sends "
            f"{announce} for it when it takes it); neighbours on {device}'s subnets do not {resolve}, they send to it "
            "through their gateway")


@rule("HA010")
def check(inv, ctx):
    own = _own_addresses(inv)
    for node in inv.nodes:
        instance = node.instance
        host = inv.hosts.get(node.host)
        names = _interfaces(inv, node.host) if node.host is not None else None
        prefix = once_prefix([node], node.effective is not None)
        where = host_name(node)
        for ip, vip in _vips(instance):
            span = vip.line.span
            iface = vip.dev.text if vip.dev is not None else (instance.interface.text if instance.interface else None)
            device = iface.split(":", 1)[0] if iface else None
            owners = [(h, a) for h, a in own.get(ip, ()) if a.origin == "interfaces" or h != node.host]
            if owners:
                h, a = owners[0]
                whose = "its own" if h == node.host else f"{h or 'another host'}'s own"
                what = "interfaces file" if a.origin == "interfaces" else "unicast_src_ip"
                ctx.report(
                    f"VIP {ip} of `{instance.name.text}` on {where} is {whose} address ({what}, {file_line(a.span, h)})",
                    span,
                    tuple(Related(a.span, f"{ip} configured on {h}") for h, a in owners),
                    note=(f"{prefix}keepalived deletes the VIP when it leaves MASTER, taking that address with it, and "
                          "while MASTER two machines may answer for it"),
                )
                continue
            if names is None or device is None or host is None:
                continue
            if device not in names:
                known = and_list(sorted(names - {"lo"})) or "none but lo"
                ctx.report(
                    f"VIP {ip} of `{instance.name.text}` on {where} is bound to {iface}, an interface {where}'s "
                    f"interfaces file does not define",
                    vip.dev.span if vip.dev is not None else span,
                    (Related(instance.interface.span, f"interface {instance.interface.text}"),) if instance.interface else (),
                    note=f"{prefix}{_missing_effect(node, vip)} ({where}'s interfaces file defines {known})",
                )
                continue
            if ip.is_link_local():
                continue
            nets = [n for n in host.interface_networks(device) if n.version == ip.version]
            if not nets or any(ip in n for n in nets):
                continue
            subnets = and_list([str(n.cidr) for n in nets])
            related = tuple(Related(a.span, f"{device}: {a.network.cidr}") for a in host.addresses
                            if a.origin == "interfaces" and a.interface == device and a.network is not None
                            and a.network.version == ip.version)
            ctx.report(
                f"VIP {ip} of `{instance.name.text}` on {where} is outside every subnet of {device} ({subnets})",
                span,
                related,
                severity_hint="warning",
                note=f"{prefix}{_off_subnet_effect(ip, vip, device)}",
            )
