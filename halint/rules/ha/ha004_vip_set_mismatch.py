"""HA004 vip-set-mismatch: peers of one cluster whose virtual_ipaddress sets differ.

Every advert carries the sender's VIP addresses (no prefix, no device), and a receiver checks
their number and each of its own VIPs against it (vrrp.c, vrrp_check_packet(): "expected %u
VIPs but received %u", "ip address associated with VRID %d not present in MASTER advert");
such an advert is ignored, so the BACKUP takes over while the MASTER runs: both hold the VIPs.
Only addresses of the instance's family are in adverts (the other family's, and
virtual_ipaddress_excluded, are not), so those are not compared; nor is the prefix or ``dev``.

``skip_check_adv_addr`` (or global_defs ``vrrp_skip_check_adv_addr``) does not help, although
RULES.md's wording suggests it: keepalived skips the check only for an advert from the master
it already knows (vrrp_state_backup(): ``check_addr`` unless the flag is set AND the sender is
``master_saddr``), and ``master_saddr`` is recorded only from an advert that passed the check.
The first advert of a master with other VIPs is discarded, so it never becomes the known
master, and every later advert is checked and discarded too. Such peers are reported, saying
so. The unsafe fix makes the odd peer's virtual_ipaddress list the reference peer's addresses."""
from __future__ import annotations

import ipaddress

from halint.core.diagnostic import Edit, Fix, Related, Safety
from halint.rules.base import rule
from halint.rules.ha.common_peers import end_of_line, family, global_flag, host_name, line_indent, once_prefix, reference, setting, truthy
from halint.rules.phrases import and_list
from halint.rules.keepalived.common import whole_line
from halint.core.source import Span


def advertised(instance) -> frozenset:
    """The addresses the instance puts in its adverts."""
    if instance is None:
        return frozenset()
    fam = family(instance)
    out = set()
    for vip in instance.vips:
        if not vip.valid:
            continue
        text = vip.address.text
        if (6 if ":" in text else 4) == fam:
            out.add(_norm(text))
    return frozenset(out)


def _norm(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return text


def skips(config, instance) -> bool:
    own = setting(instance, "skip_check_adv_addr")
    if own is not None:
        return truthy(own)
    return truthy(global_flag(config, "vrrp_skip_check_adv_addr"))


def _block(instance):
    return setting(instance, "virtual_ipaddress")


def _fix(node, ref, missing, extra):
    instance = node.instance
    lines = [v for v in instance.vips if v.valid]
    if not lines:
        return None
    edits = []
    last = lines[-1].line.span
    indent = line_indent(last)
    text = "".join(
        f"{indent}{v.line.span.text}\n" for v in ref.instance.vips if v.valid and _norm(v.address.text) in missing
    )
    if text:
        at = end_of_line(last)
        edits.append(Edit(Span(last.source, at, at), text))
    for vip in lines:
        if _norm(vip.address.text) in extra:
            edits.append(Edit(whole_line(vip.line.span), ""))
    return Fix(tuple(edits), Safety.UNSAFE, f"make the VIPs of `{instance.name.text}` those of {host_name(ref)}")


@rule("HA004")
def check(inv, ctx):
    for cluster in inv.clusters:
        nodes = [n for n in cluster.nodes if advertised(n.instance)]
        if len({advertised(n.instance) for n in nodes}) < 2:
            continue
        ref, why = reference(nodes, lambda n: advertised(n.instance))
        want = advertised(ref.instance)
        for node in nodes:
            have = advertised(node.instance)
            if have == want or node.host == ref.host:
                continue
            effective = (node.effective is not None and ref.effective is not None
                         and advertised(node.effective) != advertised(ref.effective))
            missing = sorted(want - have, key=ipaddress.ip_address)
            extra = sorted(have - want, key=ipaddress.ip_address)
            parts = []
            if missing:
                parts.append(f"lacks {and_list(missing)}")
            if extra:
                parts.append(f"has {and_list(extra)} that {host_name(ref)} does not")
            block = _block(node.instance)
            span = block.keyword.span if block is not None else node.instance.name.span
            ref_block = _block(ref.instance)
            related = (Related(ref_block.keyword.span if ref_block is not None else ref.instance.name.span,
                               f"{host_name(ref)}'s VIPs: {and_list(sorted(want, key=ipaddress.ip_address))}"),)
            message = (
                f"the virtual_ipaddress of `{node.instance.name.text}` on {host_name(node)} {' and '.join(parts)} "
                f"({host_name(ref)} is {why})"
            )
            note = (
                f"{once_prefix([node, ref], effective)}keepalived ignores adverts whose VIPs differ from its own, so the "
                f"BACKUP takes over while the MASTER runs and both hold the VIPs"
            )
            if skips(node.config, node.instance) or skips(ref.config, ref.instance):
                note += (
                    " (skip_check_adv_addr does not prevent this: keepalived still checks the first advert of a master "
                    "it does not know yet, discards it, and so never learns that master)"
                )
            ctx.report(message, span, related, _fix(node, ref, set(missing), set(extra)), note=note)
