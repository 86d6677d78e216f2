"""KA008 ignored-setting: settings keepalived accepts and then silently discards.

Sources (keepalived/vrrp/vrrp.c, vrrp_complete_instance(), v2.2.7 and 2.4.x): an instance with
priority 255, or in a vrrp_sync_group without sync_group_tracking_weight, drops every weighted
tracked script ("ignoring tracked script X with weights due to address_owner / SYNC group");
nopreempt and preempt_delay are cleared with state MASTER ("nopreempt will not work with initial
state MASTER - clearing") and nopreempt with priority 255; preempt_delay is reset with
nopreempt; a unicast keyword without any unicast_peer falls back to multicast ("A unicast keyword
has been specified without any unicast peers. Defaulting to multicast"); VRRP version 3 ignores
authentication ("VRRP version 3 does not support authentication"), and so does strict mode ("Strict
mode does not support authentication"); a track_interface entry naming
the instance's own interface is dropped ("Ignoring track_interface X since own interface"), the
instance going to FAULT when that interface is down whatever the weight (found by halint simulate).

A file that starts with a UTF-8 byte-order mark: keepalived reads configuration files with
fgets() (lib/parser.c, open_conf_file and read_line, 2.2.7 to 2.4.x: no mark handling), so the
mark is three bytes of the first line and sticks to its first word: "Unknown keyword
'\ufeffvrrp_script'", and `keepalived -t` exits 5. The mark is reported once, at line 1, with
what it costs as keepalived runs the file; the config as intended reads the file without it
(halint.formats.keepalived.evaluate), so nothing else is reported twice.
"""
from __future__ import annotations

from halint.core.diagnostic import Edit, Fix, Safety
from halint.formats.keepalived.model import KaConfig, KaUnit, Setting, Unknown, VrrpInstance, initial_state, strict_mode
from halint.formats.keepalived.parser import Statement
from halint.formats.keepalived.lexer import lex_line
from halint.formats.keepalived.reader import DEF_RE, INCLUDE_RE
from halint.rules.base import rule
from halint.rules.keepalived.common import ignored_effect, named, vrrp_version, whole_line, with_hidden
from halint.core.source import Source, Span

UNICAST_KEYWORDS = ("unicast_src_ip", "check_unicast_src", "old_unicast_checksum")


def _remove(setting: Setting, what: str) -> Fix | None:
    if setting.keyword.expanded is not None:
        return None
    return Fix((Edit(whole_line(setting.span), ""),), Safety.SAFE, f"remove `{what}`")


def _priority_255(instance: VrrpInstance) -> str | None:
    if instance.base_priority != 255:
        return None
    if instance.priority is not None:
        return "priority 255"
    return "state MASTER and no priority (which makes it 255)"


def _sync_group_without_weight(config: KaConfig, instance: VrrpInstance):
    for group in config.sync_groups:
        if any(m.text == instance.name.text for m in group.members) and group.tracking_weight is None:
            return group
    return None


def _state_cleared(instance: VrrpInstance, started: str, why: str, hidden, ctx) -> None:
    name, written = instance.name.text, instance.state_value
    if why == "ah":
        cause = ", because of its AH authentication"
        reason = (
            f"with AH authentication an instance below priority 255 must hear an advert (for AH's "
            f"sequence number) before it takes over (\"Initial state master is incompatible with AH "
            f"authentication - clearing\"); with priority {instance.base_priority} it still becomes "
            f"MASTER when no higher priority advertises"
        )
    else:
        cause = ": in strict mode the initial state follows the priority"
        reason = (
            f"strict mode (vrrp_strict / strict_mode) starts an instance as MASTER only at priority 255, this one "
            f"has {instance.base_priority} (\"State MASTER must match being address owner\")"
        )
    ctx.report(
        f"keepalived starts `{name}` as {started}, not {written}{cause}",
        instance.state.keyword.span,
        fix=_remove(instance.state, f"state {written}"),
        note=with_hidden(reason, hidden),
    )


def _own_interface(instance: VrrpInstance, weights_reported: bool, hidden, ctx):
    """vrrp.c vrrp_complete_instance (2.2.7): a track_interface entry naming the instance's own
    interface is dropped ("Ignoring track_interface X since own interface"; keepalived -t exits 5):
    the instance tracks its own interface anyway (FAULT when it is down, whatever the weight),
    unless dont_track_primary. An unweighted entry without dont_track_primary says what keepalived
    does: not reported."""
    own = instance.interface.text if instance.interface is not None else None
    if own is None:
        return
    untracked = any(s.keyword.text == "dont_track_primary" for s in instance.settings)
    for entry in instance.track_interfaces:
        if entry.ignored or entry.name.text != own or (entry.weight and weights_reported):
            continue
        if untracked:
            effect = f"with dont_track_primary, {own} going down never changes this instance"
        elif entry.weight:
            effect = (f"its weight {entry.weight} is ignored: keepalived tracks the instance's own interface "
                      f"anyway, and {own} going down puts the instance in FAULT")
        else:
            continue
        ctx.report(
            f"keepalived ignores `track_interface {own}` on `{instance.name.text}` because {own} is the instance's "
            "own interface",
            entry.name.span,
            note=with_hidden(f"{effect} (\"Ignoring track_interface {own} since own interface\")", hidden),
        )


def _byte_order_marks(unit: KaUnit, ctx):
    """One finding per file of the configuration that starts with a byte-order mark (files read
    only as intended, through an include that a mark hides, too: one mark never hides another)."""
    as_run: dict[int, Unknown] = {}  # source -> the unknown keyword the mark makes, as keepalived reads it
    for unknown in unit.effective.unknown:
        span = unknown.statement.keyword.span
        if span.start == 0 and span.source.bom:
            as_run.setdefault(id(span.source), unknown)
    hidden: dict[int, Statement] = {}  # source -> the statement the mark hides, as intended
    for applied in unit.intended.applied:
        if applied.corrected is not None and applied.corrected.bom:
            hidden.setdefault(id(applied.statement.keyword.span.source), applied.statement)
    seen: set[int] = set()
    for source in unit.effective.sources + unit.intended.sources:
        if source.bom and id(source) not in seen:
            seen.add(id(source))
            _byte_order_mark(unit, source, as_run.get(id(source)), hidden.get(id(source)), ctx)


def _byte_order_mark(unit: KaUnit, source: Source, unknown: Unknown | None, stmt: Statement | None, ctx) -> None:
    """The finding for the mark of ``source``: what keepalived makes of line 1 (the mark alone
    before a comment or a blank, or glued to the first word) and what that costs: a block
    ignored (``unknown``: the unknown keyword as keepalived reads it; ``stmt``: the statement
    as intended), an include or a definition lost."""
    line = source.line_text(1)[1:]
    lexemes = [x for x in lex_line(line) if x.kind != "WS"]
    first = lexemes[0] if lexemes else None
    message = "the file starts with a UTF-8 byte-order mark (bytes EF BB BF), which keepalived does not strip"
    related = ()
    if first is None or first.kind in ("COMMENT", "CONT"):
        effect = ("keepalived reads the mark alone as an unknown keyword (\"Unknown keyword\": `keepalived -t` "
                  "exits 5); nothing else changes")
    else:
        word = line[first.start : first.end]
        if first.kind in ("LBRACE", "RBRACE"):  # keepalived puts a brace on a line of its own
            what = "the mark is an unknown keyword of its own"
        elif first.start > 0 or first.kind != "WORD":
            what = f"the mark is an unknown keyword of its own, and `{word}` only its argument"
        else:
            what = f"`{word}` with the mark glued to it is an unknown keyword"
        if unknown is None and stmt is None:
            # not a keyword position (a value in a list block), or a file keepalived reads only
            # once another mark is removed
            effect = f"keepalived reads `{word}` with the mark glued to it, a different word"
        elif first.start == 0 and INCLUDE_RE.match(line.strip() + " "):
            effect = f"{what}, so `{line.strip()}` reads no file"
        elif first.start == 0 and DEF_RE.match(line):
            effect = f"{what}, so `${DEF_RE.match(line).group(1)}` is not defined"
        else:
            culprit = unknown.statement if unknown is not None else stmt
            nested = unknown.parent is not None if unknown is not None else False
            ignored, related = ignored_effect(unit.effective, culprit, nested)
            effect = f"{what}, so {ignored}"
            if stmt is not None and culprit.block is not None:
                effect += f": {_consequence(unit, stmt)}"
    ctx.report(
        message,
        Span(source, 0, 1),
        related=related,
        fix=Fix((Edit(Span(source, 0, 1), ""),), Safety.SAFE, "remove the byte-order mark"),
        note=effect,
    )


def _consequence(unit: KaUnit, stmt: Statement) -> str:
    """What keepalived misses when the block of ``stmt`` is not read (the intended config says)."""
    keyword = stmt.keyword.value
    name = stmt.args[0].value if stmt.args else None
    if keyword == "vrrp_script" and name:
        users = [i.name.text for i in unit.intended.instances if any(e.name.text == name for e in i.track_scripts)]
        if users:
            which = ", ".join(f"`{u}`" for u in users)
            return (f"{named(stmt)} is not defined, and {which} track{'s' if len(users) == 1 else ''} no "
                    f"`{name}` (\"track script {name} not found\")")
        return f"{named(stmt)} is not defined"
    if keyword == "vrrp_instance" and name:
        return f"the instance `{name}` does not run"
    return f"{named(stmt)} is not read"


@rule("KA008")
def ignored_setting(unit: KaUnit, ctx):
    _byte_order_marks(unit, ctx)
    config = unit.intended
    for instance in config.instances:
        name = instance.name.text
        hidden = instance.hidden_by
        owner = _priority_255(instance)
        group = _sync_group_without_weight(config, instance)
        if owner or group is not None:
            # the address owner's reason is short enough for the message; the others' are the note's
            if owner == "priority 255":
                because, why = f" because `{name}` has priority 255 (address owner)", ""
            elif owner:
                because, why = f" because `{name}` is the address owner", f"`{name}` has {owner}: "
            else:
                because = f" of `{name}`"
                why = f"`{name}` is in vrrp_sync_group `{group.name.text}`, which has no sync_group_tracking_weight: "
            for entry in instance.track_scripts:
                if entry.ignored:
                    continue
                script = config.script(entry.name.text)
                weight = entry.weight if entry.weight is not None else (
                    int(script.weight.value) if script is not None and script.weight is not None else 0
                )
                if script is None or weight == 0:
                    continue
                ctx.report(
                    f"keepalived drops the tracked script `{entry.name.text}` (weight {weight}){because}",
                    entry.name.span,
                    note=with_hidden(f"{why}a failure of {entry.name.text} never changes this instance", hidden),
                )
            for entry in instance.track_interfaces:
                # vrrp.c: "ignoring IF tracked interface [weight ]due to address owner / SYNC group":
                # the address owner stops tracking it, a sync group member tracks it with weight 0
                if entry.ignored or not entry.weight:
                    continue
                iface = entry.name.text
                if owner:
                    message = f"keepalived drops the tracked interface `{iface}` (weight {entry.weight}){because}"
                    effect = f"{why}{iface} going down never changes this instance"
                else:
                    message = f"keepalived ignores the weight {entry.weight} of the tracked interface `{iface}`{because}"
                    effect = f"{why}{iface} going down puts the instance in FAULT instead"
                ctx.report(message, entry.name.span, note=with_hidden(effect, hidden))
        _own_interface(instance, bool(owner or group is not None), hidden, ctx)
        started, why = initial_state(config, instance)
        if why is not None and instance.state is not None:
            _state_cleared(instance, started, why, hidden, ctx)
        master = started == "MASTER"
        if instance.nopreempt is not None and (master or instance.base_priority == 255):
            # vrrp.c checks priority 255 first: "nopreempt is incompatible with priority 255"
            reason = "priority 255" if instance.priority is not None and instance.base_priority == 255 else "state MASTER"
            ctx.report(
                f"keepalived clears `nopreempt` on `{name}` because of its {reason}",
                instance.nopreempt.keyword.span,
                fix=_remove(instance.nopreempt, "nopreempt"),
                note=with_hidden("the instance preempts anyway", hidden),
            )
        if instance.preempt_delay is not None:
            reason = None
            if master:
                reason = "its state MASTER" if instance.state is not None else "its initial state MASTER (from priority 255)"
            elif instance.nopreempt is not None and instance.base_priority != 255:
                reason = "nopreempt"  # (priority 255 has cleared nopreempt first)
            if reason:
                ctx.report(
                    f"keepalived clears `preempt_delay` on `{name}` because of {reason}",
                    instance.preempt_delay.keyword.span,
                    fix=_remove(instance.preempt_delay, "preempt_delay"),
                    note=with_hidden("", hidden),
                )
        if not instance.unicast_peers:
            for setting in instance.settings:
                if setting.keyword.text in UNICAST_KEYWORDS or (
                    setting.keyword.text == "unicast_peer" and instance.unicast_peer_block is not None
                ):
                    fault = any(s.keyword.text == "unicast_fault_no_peer" for s in instance.settings)
                    effect = "goes to FAULT state" if fault else "falls back to multicast"
                    ctx.report(
                        f"`{setting.keyword.text}` on `{name}` has no effect without any unicast_peer: "
                        f"keepalived {effect}",
                        setting.keyword.span,
                        note=with_hidden("", hidden),
                    )
                    break
        if instance.authentication is not None and (
            strict_mode(config, instance) or vrrp_version(config, instance) == 3
        ):
            # vrrp.c, vrrp_complete_instance() (v2.2.7): strict mode is checked first
            why = (
                "runs in strict mode (vrrp_strict / strict_mode), which allows no authentication"
                if strict_mode(config, instance) else "uses VRRP version 3, which has no authentication"
            )
            ctx.report(
                f"`{name}` {why}",
                instance.authentication.keyword.span,
                note=with_hidden("keepalived ignores its `authentication` block", hidden),
            )
