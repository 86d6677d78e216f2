"""KA003 invalid-value: arguments of the wrong type or out of range, checked against the keyword
schema, plus the values inside blocks (virtual IP addresses, track_script weights)."""
from __future__ import annotations

import ipaddress
import re
from decimal import ROUND_FLOOR, Decimal

from halint.core.diagnostic import Edit, Fix, Safety
from halint.formats.keepalived.model import KaUnit
from halint.formats.keepalived.schema import ArgType
from halint.rules.base import rule
from halint.rules.keepalived.common import typo_above, vrrp_version, with_hidden

#: what keepalived does with the rejected value (vrrp_parser.c handlers, v2.2.7 to 2.4.x)
FALLBACK = {
    ("vrrp_instance", "state"): "keepalived compares case-sensitively and treats it as BACKUP",
    ("vrrp_instance", "priority"): "keepalived uses the default priority 100",
    ("vrrp_instance", "virtual_router_id"): "keepalived leaves the instance without a VRID and refuses it",
    ("vrrp_instance", "advert_int"): "keepalived ignores it and keeps its default of 1 second",
    ("vrrp_authentication", "auth_type"): "keepalived ignores it: the instance sends no authentication",
}


def _undefined_reference(text: str) -> str | None:
    match = re.search(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?", text)
    return match.group(0) if match else None


def _case_fix(arg: ArgType, text: str) -> str | None:
    if arg.name != "enum":
        return None
    matches = [c for c in arg.choices if c.lower() == text.lower()]
    return matches[0] if len(matches) == 1 and matches[0] != text else None


@rule("KA003")
def invalid_value(unit: KaUnit, ctx):
    config = unit.intended
    for applied in config.applied:
        spec = applied.spec
        if spec.args is None:
            continue
        stmt = applied.statement
        keyword = stmt.keyword.value if applied.corrected is None else applied.corrected.intended
        hidden = typo_above(config, stmt)
        fallback = FALLBACK.get((applied.context, spec.name))
        for index, arg in enumerate(spec.args):
            if index >= len(stmt.args):
                if not arg.optional:
                    ctx.report(
                        f"`{keyword}` needs a value: {arg.describe()}", stmt.keyword.span, note=with_hidden("", hidden)
                    )
                break
            word = stmt.args[index]
            why = arg.check(word.value)
            if why is None:
                continue
            message = f"`{keyword} {word.value}`: expected {arg.describe()}"
            notes = []
            undefined = _undefined_reference(word.value)
            if undefined:
                host = f" for {config.host}" if config.host else ""
                notes.append(f"`{undefined}` is not defined{host}, so keepalived reads it literally")
            if fallback:
                notes.append(fallback)
            fix = None
            fixed = _case_fix(arg, word.value)
            if fixed is not None and word.expanded is None:
                fix = Fix((Edit(word.span, fixed),), Safety.SAFE, f"write `{fixed}`")
            ctx.report(message, word.span, fix=fix, note=with_hidden("; ".join(notes), hidden))
    for instance in config.instances:
        hidden = instance.hidden_by
        _advert_int(instance, vrrp_version(config, instance), hidden, ctx)
        for vip in instance.vips + instance.excluded_vips:
            text = vip.line.keyword.text
            if not vip.valid:
                ctx.report(
                    f"virtual_ipaddress `{text}` of `{instance.name.text}` is not an IP address with an optional /prefix",
                    vip.line.keyword.span,
                    note=with_hidden("keepalived skips this address", hidden),
                )
            elif "/" in text:
                written = text.partition("/")[2]
                limit = 32 if ":" not in vip.address.text else 128
                if not written:
                    problem = "has an empty prefix length, which keepalived reads as /0 without a warning"
                elif vip.prefix == limit and written.lstrip("+").lstrip("0") != str(limit):
                    # vrrp_ipaddress.c, parse_ipaddress(): "Invalid address prefix len ... - using 32"
                    problem = (
                        f"prefix length `{written}` is not 0 to {limit}: keepalived adds "
                        f"{vip.address.text}/{limit} instead"
                    )
                else:
                    continue
                ctx.report(
                    f"virtual_ipaddress `{text}` of `{instance.name.text}`: {problem}", vip.line.keyword.span,
                    note=with_hidden("", hidden),
                )
        for word in instance.unicast_peers:
            try:
                ipaddress.ip_address(word.text)
            except ValueError:
                ctx.report(
                    f"unicast_peer `{word.text}` of `{instance.name.text}` is not an IP address",
                    word.span,
                    note=with_hidden("", hidden),
                )
        _entry_weights(instance.track_scripts, instance.name.text, hidden, ctx)
    for group in config.sync_groups:
        _entry_weights(group.track_scripts, group.name.text, group.hidden_by, ctx)


def _advert_int(instance, version: int, hidden, ctx):
    """vrrp.c, vrrp_complete_instance(): VRRPv2 sends whole seconds ("must be an integer.
    rounding"); VRRPv3 sends centiseconds below 40.96 s ("is out of range ... Setting to 40.95s")."""
    if instance.advert_int is None:
        return
    value = Decimal(instance.advert_int.value)
    word = instance.advert_int.word
    if version == 2 and value != value.to_integral_value():
        rounded = max(1, int((value + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR)))
        ctx.report(
            f"`advert_int {word.text}` of `{instance.name.text}`: VRRP version 2 advertises whole seconds",
            word.span,
            note=with_hidden(f"keepalived rounds it to {rounded} (peers compare the interval they receive)", hidden),
        )
    elif version == 3 and value >= Decimal("40.96"):
        ctx.report(
            f"`advert_int {word.text}` of `{instance.name.text}`: VRRP version 3 advertises at most 40.95 seconds",
            word.span,
            note=with_hidden("keepalived uses 40.95", hidden),
        )


def _entry_weights(entries, owner: str, hidden, ctx):
    """track_script entries: ``NAME weight N [reverse]`` (vrrp_track.c, alloc_track_script())."""
    for entry in entries:
        if entry.problem is None:
            continue
        if entry.ignored:
            what = entry.problem.removeprefix("ignored: ")
            message = f"track_script entry `{entry.name.text}` of `{owner}`: {what}"
            note = "keepalived ignores the entry"
            span = entry.words[1].span if len(entry.words) > 1 else entry.name.span
        else:
            what = entry.problem.removeprefix("weight: ")
            message = f"track_script entry `{entry.name.text}` of `{owner}`: {what}"
            note = "keepalived uses the vrrp_script's own weight instead" if entry.weight is None else ""
            span = entry.weight_word.span
        ctx.report(message, span, note=with_hidden(note, hidden))
