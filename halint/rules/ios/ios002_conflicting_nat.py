"""IOS002 conflicting-nat: a static NAT rule IOS refuses because an earlier rule already maps
its global address and port, or its local address and port without ``extendable`` on both."""
from __future__ import annotations

from halint.core.diagnostic import Related
from halint.formats.ios.model import Rejected, Router
from halint.rules.base import rule
from halint.rules.phrases import file_line


def _where(rejected: Rejected) -> str:
    """"line 19", or "R1.ios line 19" in another file than the rejected rule's."""
    first = rejected.conflicts_with.span
    if first.source is rejected.rule.span.source:
        return f"line {first.line}"
    return file_line(first, None)


def _global(rule) -> str:
    where = f"interface {rule.interface}" if rule.interface else str(rule.global_ip)
    if rule.kind == "network":
        where = f"{rule.global_ip}/{rule.prefix}"
    return f"{where} {rule.protocol}/{rule.global_port}" if rule.protocol and rule.global_port else where


def _local(rule) -> str:
    where = f"{rule.local_ip}/{rule.prefix}" if rule.kind == "network" else str(rule.local_ip)
    where = f"{where} {rule.protocol}/{rule.local_port}" if rule.protocol and rule.local_port else where
    return f"{where} (vrf {rule.vrf})" if rule.vrf else where


@rule("IOS002")
def conflicting_nat(router: Router, ctx):
    for rejected in router.after.rejected:
        rule_, first = rejected.rule, rejected.conflicts_with
        if rejected.reason == "global":
            message = (
                f"static NAT {rule_.describe()} maps global {_global(rule_)}, which {_where(rejected)} already "
                f"maps from {_local(first)}"
            )
            effect = "IOS rejects this rule, so it never takes effect (remove the earlier rule first)"
            there = f"already maps global {_global(first)} from {_local(first)}"
        else:
            missing = [r for r in (first, rule_) if not r.extendable]
            which = "neither rule carries" if len(missing) == 2 else (
                "this rule lacks" if missing[0] is rule_ else f"the rule on {_where(rejected)} lacks")
            message = (
                f"static NAT {rule_.describe()} maps local {_local(rule_)} to a second global ({_global(rule_)}; "
                f"{_where(rejected)} maps it to {_global(first)})"
            )
            effect = f"{which} `extendable`: IOS rejects this rule, so it never takes effect"
            there = f"already maps local {_local(first)} to {_global(first)}"
        ctx.report(message, rule_.span, related=(Related(first.span, there),), note=effect)
