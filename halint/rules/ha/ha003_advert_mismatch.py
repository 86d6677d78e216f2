"""HA003 advert-mismatch: peers of one cluster with different VRRP versions, or (VRRPv2) with
different advert_int.

keepalived drops an advert of another VRRP version (vrrp.c, vrrp_check_packet(): "wrong
version") and, under VRRPv2, one with another advertisement interval ("advertisement interval
mismatch", VRRP_PACKET_DROP, "to prevent concurent VRID running"). Under VRRPv3 a BACKUP
adopts the MASTER's interval (RFC 5798 6.4.2, Master_Adver_Interval): no finding.

The version is keepalived's: the instance's ``version``, else 3 for an IPv6 instance, else
global_defs ``vrrp_version`` (default 2). advert_int defaults to 1 second."""
from __future__ import annotations

from decimal import Decimal

from halint.core.diagnostic import Edit, Fix, Related, Safety
from halint.rules.base import rule
from halint.rules.ha.common_peers import global_flag, host_name, once_prefix, reference, setting, version_of


def _advert(instance) -> Decimal:
    return Decimal(str(instance.advert_int.value)) if instance.advert_int is not None else Decimal(1)


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _version_span(node):
    own = setting(node.instance, "version")
    if own is not None and own.args:
        return own.args[0].span, own
    defs = global_flag(node.config, "vrrp_version")
    if defs is not None and defs.args and node.instance.version is None:
        return defs.args[0].span, None
    return node.instance.name.span, None


@rule("HA003")
def check(inv, ctx):
    for cluster in inv.clusters:
        nodes = list(cluster.nodes)
        hold = cluster.both_hold()
        versions = {version_of(n.config, n.instance) for n in nodes}
        if len(versions) > 1:
            ref, why = reference(nodes, lambda n: version_of(n.config, n.instance))
            want = version_of(ref.config, ref.instance)
            for node in nodes:
                have = version_of(node.config, node.instance)
                if have == want or node.host == ref.host:
                    continue
                effective = (node.effective is not None and ref.effective is not None
                             and version_of(node.unit.effective, node.effective) != version_of(ref.unit.effective, ref.effective))
                span, own = _version_span(node)
                fix = None
                if own is not None:
                    fix = Fix((Edit(span, str(want)),), Safety.UNSAFE, f"set version to {want}, as on {host_name(ref)}")
                message = (
                    f"`{node.instance.name.text}` on {host_name(node)} speaks VRRPv{have} "
                    f"but {host_name(ref)} ({why}) speaks VRRPv{want}"
                )
                note = (f"{once_prefix([node, ref], effective)}keepalived drops adverts of another version, so both "
                        f"become MASTER and {hold}")
                ref_span, _ = _version_span(ref)
                ctx.report(message, span, (Related(ref_span, f"{host_name(ref)} uses VRRPv{want}"),), fix, note=note)
            continue
        if versions != {2}:
            continue
        # a fractional interval is rounded by keepalived under VRRPv2 (KA003 says so): not compared
        nodes = [n for n in nodes if _advert(n.instance) == _advert(n.instance).to_integral_value()]
        if len({_advert(n.instance) for n in nodes}) < 2:
            continue
        ref, why = reference(nodes, lambda n: _advert(n.instance))
        want = _advert(ref.instance)
        for node in nodes:
            have = _advert(node.instance)
            if have == want or node.host == ref.host:
                continue
            effective = node.effective is not None and ref.effective is not None and _advert(node.effective) != _advert(ref.effective)
            if node.instance.advert_int is not None:
                span = node.instance.advert_int.word.span
                fix = Fix((Edit(span, _fmt(want)),), Safety.UNSAFE, f"set advert_int to {_fmt(want)}, as on {host_name(ref)}")
                written = f"advert_int {_fmt(have)}"
            else:
                span, fix, written = node.instance.name.span, None, "the default advert_int 1"
            ref_span = ref.instance.advert_int.word.span if ref.instance.advert_int is not None else ref.instance.name.span
            message = f"`{node.instance.name.text}` on {host_name(node)} uses {written} but {host_name(ref)} ({why}) uses {_fmt(want)}"
            note = (
                f"{once_prefix([node, ref], effective)}under VRRPv2 keepalived drops adverts with another interval "
                f"(\"advertisement interval mismatch\"), so both become MASTER and {hold}"
            )
            ctx.report(message, span, (Related(ref_span, f"{host_name(ref)} uses advert_int {_fmt(want)}"),), fix, note=note)
