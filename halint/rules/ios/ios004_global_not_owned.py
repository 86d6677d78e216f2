"""IOS004 global-not-owned: a static inside NAT rule whose global address is neither an address
of an ``ip nat outside`` interface nor on one of their subnets."""
from __future__ import annotations

from netaddr import IPAddress

from halint.core.diagnostic import Related
from halint.formats.ios.model import Router
from halint.rules.base import rule


@rule("IOS004")
def global_not_owned(router: Router, ctx):
    if router.running is None:
        return  # only change scripts: the router's interfaces are not known
    config = router.after
    outside = config.outside_interfaces
    if not outside or any(i.dynamic_address or not i.addresses for i in outside):
        return  # IOS003's case, or an outside address halint cannot know (dhcp, negotiated, none written)
    for nat in config.static_rules:
        if nat.direction != "inside" or nat.target != "source" or nat.global_ip is None:
            continue
        net = nat.global_network
        first, last = IPAddress(net.first), IPAddress(net.last)
        if nat.kind == "static":
            first = last = nat.global_ip
        if config.outside_owner(first) is not None:
            continue
        owner = config.outside_subnet(first)
        if owner is not None and owner.on_subnet(last):
            continue
        what = f"{nat.global_ip}/{nat.prefix}" if nat.kind == "network" else str(nat.global_ip)
        subnets = "; ".join(
            f"{i.name} " + ", ".join(f"{a.ip}/{a.network.prefixlen}" for a in i.addresses) for i in outside[:3]
        )
        message = (
            f"global address {what} of static NAT {nat.describe()} is neither an address of an outside interface "
            f"nor on an outside subnet"
        )
        note = (
            f"the router does not answer ARP for it (outside: {subnets}), so it is reachable only if the upstream "
            f"router routes {what} to this router"
        )
        related = tuple(Related(a.span, f"outside interface {i.name}: {a.ip}/{a.network.prefixlen}")
                        for i in outside[:3] for a in i.addresses[:1])
        ctx.report(message, nat.span, related=related, note=note)
