"""IOS003 nat-without-interfaces: NAT rules, but no interface marked ``ip nat inside`` or none
marked ``ip nat outside`` (``ip nat enable`` for NAT virtual interface rules)."""
from __future__ import annotations

from halint.core.diagnostic import Related
from halint.formats.ios.model import Router
from halint.rules.base import rule


def _count(n: int) -> str:
    return f"{n} NAT rule" + ("s" if n != 1 else "")


@rule("IOS003")
def nat_without_interfaces(router: Router, ctx):
    if router.running is None:
        return  # only change scripts: the router's interfaces are not known
    config = router.after
    classic = [r for r in config.nat_rules if r.direction != "nvi"]
    if classic:
        missing = [flag for flag, have in (("inside", config.inside_interfaces), ("outside", config.outside_interfaces))
                   if not have]
        if missing:
            flags = " nor ".join(f"`ip nat {m}`" for m in missing)
            message = f"{_count(len(classic))} (first: {classic[0].describe()}) but no interface has {flags}"
            related = tuple(
                Related(i.nat_inside_span or i.nat_outside_span or i.span,
                        f"interface {i.name} is `ip nat {'inside' if i.nat_inside else 'outside'}`")
                for i in config.interfaces if i.nat_inside or i.nat_outside
            )[:3]
            ctx.report(message, classic[0].span, related=related, note=(
                "IOS translates only packets that cross from an `ip nat inside` interface to an `ip nat outside` "
                "one, so these rules never apply"
            ))
    nvi = [r for r in config.nat_rules if r.direction == "nvi"]
    if nvi and not any(i.nat_enable for i in config.interfaces):
        message = (
            f"{_count(len(nvi))} for the NAT virtual interface (`ip nat source`, first: {nvi[0].describe()}) but "
            "no interface has `ip nat enable`"
        )
        ctx.report(message, nvi[0].span, note="these rules never apply")
