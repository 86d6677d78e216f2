"""HA011 duplicate-identity: two hosts configured with the same address (an interfaces-file
address or a keepalived unicast_src_ip), or with the same /etc/machine-id: a cloned VM whose
identity was not reset (the seed's section 3 and 3.2).

A VIP is not a host address (peers share it by design), nor is the floating address of a
cluster without a VIP (every peer configures it, as the cloud providers' guides say: Hetzner's
"configure-cloud-ha-keepalived" step 1.4; the address notify_master moves at the provider), nor
are loopback, link-local and unspecified addresses. The finding is at each later host (by name), with the first host's line
as related location."""
from __future__ import annotations

from halint.core.diagnostic import Related
from halint.rules.base import rule
from halint.rules.phrases import file_line


def _what(address) -> str:
    return "interfaces file" if address.origin == "interfaces" else "keepalived unicast_src_ip"


def _ignored(ip) -> bool:
    return ip.is_loopback() or ip.is_link_local() or int(ip) == 0


@rule("HA011")
def check(inv, ctx):
    by_address: dict = {}
    floating = {ip for cluster in inv.clusters for ip in cluster.floating}
    for name in sorted((h for h in inv.hosts if h is not None)):
        seen = set()
        for address in inv.hosts[name].addresses:
            ip = address.address
            if ip in inv.by_vip or ip in floating or _ignored(ip) or ip in seen:
                continue
            seen.add(ip)
            by_address.setdefault(ip, []).append((name, address))
    for ip, owners in by_address.items():
        first_host, first = owners[0]
        for host, address in owners[1:]:
            ctx.report(
                f"{ip} is configured on {host} ({_what(address)}) and also on {first_host} ({_what(first)}, "
                f"{file_line(first.span, first_host)})",
                address.span,
                (Related(first.span, f"{ip} on {first_host}"),),
                note="two machines answer for one address, as after cloning a VM without giving the clone its own address",
            )
    by_id: dict = {}
    for name in sorted((h for h in inv.hosts if h is not None)):
        for mid in inv.hosts[name].machine_ids:
            if mid.value is not None:
                by_id.setdefault(mid.value, []).append((name, mid))
                break
    for value, owners in by_id.items():
        first_host, first = owners[0]
        for host, mid in owners[1:]:
            ctx.report(
                f"{host}'s /etc/machine-id is the same as {first_host}'s",
                mid.span,
                (Related(first.span, f"{first_host}'s machine-id"),),
                note=("a cloned VM that kept its original's identity (DHCP client ID, journal, IPv6 stable addresses); "
                      "regenerate it with systemd-machine-id-setup"),
            )
