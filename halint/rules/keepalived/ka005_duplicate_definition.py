"""KA005 duplicate-definition: one name defined twice, one VRID twice on one interface and
address family (vrrp.c, check_vrid_conflicts(): "duplicate VRID conflict"), one VIP in two
instances of one host."""
from __future__ import annotations

import ipaddress
import re

from halint.core.diagnostic import Related
from halint.formats.keepalived.model import KaConfig, KaUnit, VrrpInstance
from halint.rules.base import rule
from halint.rules.keepalived.common import line_of, with_hidden


def _family(instance: VrrpInstance) -> int:
    for vip in instance.vips:
        if vip.valid:
            return ipaddress.ip_address(vip.address.text).version
    return 4


#: keepalived's default VRRP multicast groups (RFC 5798), unless global_defs sets vrrp_mcast_group4/6
DEFAULT_GROUP = {4: "224.0.0.18", 6: "ff02::12"}


def _address(text: str) -> str:
    """An address as inet_stosockaddr() reads it: anything from a '/' or '-' on is dropped."""
    text = re.split(r"[/-]", text, maxsplit=1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return text


def _group(config: KaConfig, instance: VrrpInstance, family: int) -> str:
    """The multicast group the instance advertises to: instances with different groups do not
    conflict (vrrp.c, check_vrid_conflicts(): "If multicast addresses are different, then no
    conflict")."""
    for setting in reversed(instance.settings):
        if setting.keyword.text == "mcast_dst_ip" and setting.args:
            return _address(setting.args[0].text)
    defs = config.global_defs
    setting = defs.get(f"vrrp_mcast_group{family}") if defs is not None else None
    if setting is not None and setting.args:
        return _address(setting.args[0].text)
    return DEFAULT_GROUP[family]


def _dup_names(items, kind: str, ctx):
    first = {}
    for item in items:
        name = item.name.text
        if name in first:
            other = first[name]
            ctx.report(
                f"{kind} `{name}` is defined twice (first at {line_of(other.name.span, item.name.span)})",
                item.name.span,
                (Related(other.name.span, f"first {kind} {name}"),),
                note=with_hidden("", item.hidden_by),
            )
        else:
            first[name] = item


@rule("KA005")
def duplicate_definition(unit: KaUnit, ctx):
    config = unit.intended
    _dup_names(config.instances, "vrrp_instance", ctx)
    _dup_names(config.scripts, "vrrp_script", ctx)
    seen_vrid: dict[tuple, VrrpInstance] = {}
    for instance in config.instances:
        if instance.vrid is None or instance.interface is None:
            continue
        unicast = bool(instance.unicast_peers)
        if unicast:
            src = instance.unicast_src_ip.args[0].text if instance.unicast_src_ip and instance.unicast_src_ip.args else None
            if src is None:
                continue
            key = ("u", instance.interface.text, _family(instance), int(instance.vrid.value), src)
        else:
            family = _family(instance)
            key = ("m", instance.interface.text, family, int(instance.vrid.value), _group(config, instance, family))
        other = seen_vrid.get(key)
        if other is not None and (not unicast or set(p.text for p in other.unicast_peers) & set(p.text for p in instance.unicast_peers)):
            family = "IPv6" if key[2] == 6 else "IPv4"
            ctx.report(
                f"virtual_router_id {int(instance.vrid.value)} of `{instance.name.text}` is already used by "
                f"`{other.name.text}` on {instance.interface.text} ({family})",
                instance.vrid.word.span,
                (Related(other.vrid.word.span, f"{other.name.text} uses VRID {int(other.vrid.value)} here"),),
                note=with_hidden("keepalived reports a duplicate VRID conflict", instance.hidden_by),
            )
        else:
            seen_vrid.setdefault(key, instance)
    seen_vip: dict[str, tuple[VrrpInstance, object]] = {}
    for instance in config.instances:
        for vip in instance.vips:
            if not vip.valid:
                continue
            ip = ipaddress.ip_address(vip.address.text)
            address = str(ip)
            if ip.is_link_local:  # fe80::/10 and 169.254/16 are per-interface addresses
                where = vip.dev.text if vip.dev is not None else (instance.interface.text if instance.interface else "")
                address = f"{address}%{where}"
            if address in seen_vip and seen_vip[address][0] is not instance:
                other, other_vip = seen_vip[address]
                ctx.report(
                    f"VIP {address} of `{instance.name.text}` is also a VIP of `{other.name.text}` on this host",
                    vip.line.keyword.span,
                    (Related(other_vip.line.keyword.span, f"{address} in {other.name.text}"),),
                    note=with_hidden("both instances add and remove it", instance.hidden_by),
                )
            else:
                seen_vip.setdefault(address, (instance, vip))
