"""HA001 vrid-mismatch: instances that share a VIP (one VRRP cluster) with different
virtual_router_id. keepalived delivers an advert only to the instance with the advert's VRID
(vrrp_scheduler.c, vrrp_dispatcher_read(): the instance is looked up by VRID), so peers with
different VRIDs never hear each other and each becomes MASTER of the same VIP.

The odd peer is reported at its virtual_router_id, to align with the MASTER by design (else
the majority); the unsafe fix copies that VRID."""
from __future__ import annotations

from halint.core.diagnostic import Edit, Fix, Related, Safety
from halint.rules.base import rule
from halint.rules.ha.common_peers import host_name, once_prefix, reference
from halint.rules.phrases import and_list


def _vrid(instance) -> int | None:
    return int(instance.vrid.value) if instance is not None and instance.vrid is not None else None


@rule("HA001")
def check(inv, ctx):
    for cluster in inv.clusters:
        nodes = [n for n in cluster.nodes if _vrid(n.instance) is not None]
        if len({_vrid(n.instance) for n in nodes}) < 2:
            continue
        ref, why = reference(nodes, lambda n: _vrid(n.instance))
        want = _vrid(ref.instance)
        for node in nodes:
            have = _vrid(node.instance)
            if have == want or node.host == ref.host:
                continue
            effective = node.effective is not None and ref.effective is not None and _vrid(node.effective) != _vrid(ref.effective)
            shared = sorted({ip for ip, _ in node.vips} & {ip for ip, _ in ref.vips}) or sorted(cluster.vips)
            vips = and_list([str(ip) for ip in shared])
            peer, hold = (f"its peer for VIP {vips}", f"both hold {vips}") if vips else ("its peer", cluster.both_hold())
            message = (
                f"virtual_router_id {have} of `{node.instance.name.text}` on {host_name(node)} differs from {want} "
                f"on {host_name(ref)} ({why})"
            )
            note = (
                f"{once_prefix([node, ref], effective)}{host_name(ref)} is {peer}; peers with different VRIDs never "
                f"see each other's adverts, so both become MASTER and {hold}"
            )
            ctx.report(
                message,
                node.instance.vrid.word.span,
                (Related(ref.instance.vrid.word.span, f"{host_name(ref)} uses virtual_router_id {want}"),),
                Fix((Edit(node.instance.vrid.word.span, str(want)),), Safety.UNSAFE,
                    f"set virtual_router_id to {want}, as on {host_name(ref)}"),
                note=note,
            )
