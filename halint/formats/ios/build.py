"""Apply IOS commands in order, as the router does, and freeze the result into an
:class:`~halint.formats.ios.model.IosConfig`.

A running-config is applied to an empty configuration; each change script is applied on top.
What a command does:

- ``interface X`` opens (creates) the interface; its sub-mode commands set addresses
  (``ip address A M`` replaces the primary, ``secondary`` adds one, ``no ip address`` removes
  them all), ``shutdown``, ``ip nat inside|outside|enable``, ``[ip] vrf forwarding X`` (which,
  as IOS does, removes the interface's addresses), ``description``;
- ``ip nat ...`` commands are read by :func:`halint.formats.ios.nat.parse_nat`; a ``no`` form
  removes the rule with the same key (protocol, addresses, ports, interface, VRF; modifiers such
  as ``extendable`` may be left out, as IOS allows); a static rule that maps a global address
  already mapped from another local, or a local already mapped to another global without
  ``extendable`` on both, is refused (IOS002) and does not take effect;
- anything else is kept as a line of the configuration (``no X`` removes the lines that start
  with X).

Problems (IOS001): an ``ip nat`` command IOS rejects; in a change script, a ``no`` NAT command
that removes nothing, and ``no ip nat pool`` for a pool that a rule still uses.
"""
from __future__ import annotations

from dataclasses import replace

from netaddr import IPAddress, IPNetwork

from halint.formats.ios.model import Address, ConfigLine, Interface, IosConfig, Rejected, Removal, Router
from halint.formats.ios.reader import Command, Problem, Reading, read_running, read_script
from halint.formats.ios.cli import (
    interface_key,
    interface_name,
    is_interface_header,
    is_negated,
    is_pool_header,
    keyword,
    range_interfaces,
)
from halint.formats.ios.nat import NatError, NatPool, NatRule, NatSetting, dotted, parse_nat, pool_range
from halint.core.source import Source


class _Line:
    __slots__ = ("words", "span", "children", "dead")

    def __init__(self, cmd: Command):
        self.words = cmd.words
        self.span = cmd.span
        self.children: list[_Line] = []
        self.dead = False  #: removed (lines are dropped when the configuration is frozen)

    def freeze(self) -> ConfigLine:
        return ConfigLine(self.words, self.span, tuple(c.freeze() for c in self.children if not c.dead))


class _Iface:
    def __init__(self, name: str, cmd: Command, line: _Line):
        self.name = name
        self.key = interface_key(name)
        self.span = cmd.span
        self.line = line
        self.addresses: list[Address] = []
        self.dynamic: str | None = None
        self.shutdown = False
        self.nat = {"inside": None, "outside": None, "enable": None}
        self.vrf: str | None = None
        self.description: str | None = None

    def freeze(self) -> Interface:
        return Interface(
            self.name, self.span, tuple(self.addresses), self.dynamic, self.shutdown,
            self.nat["inside"], self.nat["outside"], self.nat["enable"], self.vrf, self.description,
        )


def _low(words) -> list[str]:
    return [w.lower() for w in words]


def _is_nat(body: tuple[str, ...]) -> bool:
    return len(body) >= 2 and body[0].lower() == "ip" and keyword(body[1], ("nat",), 3) == "nat"


def _interface_nat(body: tuple[str, ...]) -> str | None:
    """``ip nat inside|outside|enable`` (nothing more): the interface command."""
    if len(body) != 3 or not _is_nat(body):
        return None
    return keyword(body[2], ("inside", "outside", "enable"), 2)


def _words_match(line_words, prefix_words) -> bool:
    """``no X`` removes a line that starts with X (keywords may be abbreviated in X)."""
    if len(prefix_words) > len(line_words):
        return False
    for have, want in zip(line_words, prefix_words):
        h, w = have.lower(), want.lower()
        if h == w:
            continue
        if w.isalpha() and len(w) >= 2 and h.startswith(w):
            continue
        return False
    return True


class Builder:
    def __init__(self) -> None:
        self.hostname: str | None = None
        self.hostname_span = None
        self.ifaces: dict[str, _Iface] = {}
        self.rules: dict[tuple, NatRule] = {}  #: by :meth:`NatRule.key`, in configuration order
        self.rule_lines: dict[int, _Line] = {}
        #: static rules by (direction, target, global side) and (direction, target, local side),
        #: and every rule by the addresses it names: IOS002 and IOS001 look there, not at all rules
        self.by_global: dict[tuple, list[NatRule]] = {}
        self.by_local: dict[tuple, list[NatRule]] = {}
        self.by_ip: dict[object, list[NatRule]] = {}
        self.pools: dict[str, NatPool] = {}
        self.pool_lines: dict[str, _Line] = {}
        self.settings: list[NatSetting] = []
        self.rejected: list[Rejected] = []
        self.removed: list[Removal] = []
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.lines: list[_Line] = []
        self.headers: dict[int, _Line] = {}  #: id(block header Command) -> its line
        self.iface_of: dict[int, _Iface] = {}  #: id(interface header Command) -> the interface
        #: every ``ip nat`` command and how it was read: "NatRule", "NatPool", "NatSetting",
        #: "pool range", "interface" (``ip nat inside|outside|enable``) or "problem" (IOS001)
        self.nat_log: list[tuple[Command, str]] = []

    # -- entry -----------------------------------------------------------------------------------

    def apply(self, cmd: Command) -> None:
        words = cmd.words
        neg = is_negated(words)
        body = words[1:] if neg else words
        if not body:
            return
        block = cmd.block
        ifaces = self.ifaces_of(block) if block is not None else None
        if _is_nat(body):
            if ifaces is not None and _interface_nat(body):
                for iface in ifaces:
                    self.interface_command(cmd, iface, neg, body)
            else:
                self.global_nat(cmd, neg)
            return
        if block is not None:
            if ifaces is not None:
                for iface in ifaces:
                    self.interface_command(cmd, iface, neg, body)
            elif is_pool_header(block.words) and keyword(body[0], ("address", "range")) and not neg:
                self.pool_range(cmd, block)
            else:
                self.child_line(cmd, block, neg)
            return
        if is_interface_header(body):
            self.interface_header(cmd, neg, body)
            return
        if range_interfaces(body) is not None and not neg:
            self.ifaces_of(cmd)  # ``interface range``: IOS shows each interface, not the range
            return
        if body[0].lower() == "hostname" and (len(body) == 2 or neg):
            self.hostname, self.hostname_span = (None, None) if neg else (body[1], cmd.span)
            self.generic(self.lines, cmd, neg, single=("hostname",))
            return
        if body[0].lower() == "end" and len(body) == 1:
            return
        line = self.generic(self.lines, cmd, neg)
        if line is not None:
            self.headers[id(cmd)] = line

    def problem(self, span, message: str, related=()) -> None:
        self.problems.append(Problem(span, message, tuple(related)))

    # -- generic lines ---------------------------------------------------------------------------

    def generic(self, lines: list[_Line], cmd: Command, neg: bool, single: tuple[str, ...] = ()) -> _Line | None:
        """Keep ``cmd`` as a line of ``lines``: a running-config line as it is; a change-script
        line replaces its ``no`` form (``shutdown`` after ``no shutdown``), a ``no X`` removes
        the lines starting with X; ``single`` names a command that has one value only."""
        if not cmd.script:
            line = _Line(cmd)
            lines.append(line)
            return line
        if neg:
            target = cmd.words[1:]
            kept = [l for l in lines if not _words_match(l.words, target)]
            lines[:] = kept
            return None
        low = _low(cmd.words)
        for line in lines:
            if _low(line.words) == low:
                return line
        lines[:] = [
            l for l in lines
            if not (_low(l.words[1:]) == low and l.words[0].lower() == "no")
            and not (single and _words_match(l.words, single))
        ]
        line = _Line(cmd)
        lines.append(line)
        return line

    def header_line(self, block: Command) -> _Line:
        line = self.headers.get(id(block))
        if line is None:
            line = _Line(block)
            self.lines.append(line)
            self.headers[id(block)] = line
        return line

    def child_line(self, cmd: Command, block: Command, neg: bool) -> None:
        parent = self.header_line(block)
        line = self.generic(parent.children, cmd, neg)
        if line is not None:
            self.headers[id(cmd)] = line

    # -- interfaces ------------------------------------------------------------------------------

    def ifaces_of(self, header: Command) -> list[_Iface] | None:
        """The interfaces a sub-mode header names (one, or an ``interface range``), or None."""
        if is_interface_header(header.words):
            return [self.iface_for(header)]
        names = range_interfaces(header.words)
        if names is None:
            return None
        return [self.iface_for(header, name) for name in names]

    def iface_for(self, header: Command, name: str | None = None) -> _Iface:
        if name is not None:
            key = interface_key(name)
            iface = self.ifaces.get(key)
            if iface is None:
                line = _Line(header)
                line.words = ("interface", name)
                self.lines.append(line)
                iface = self.ifaces[key] = _Iface(name, header, line)
            return iface
        known = self.iface_of.get(id(header))
        if known is not None and known is self.ifaces.get(known.key):
            return known
        name = interface_name(header.words)
        key = interface_key(name)
        iface = self.ifaces.get(key)
        if iface is None:
            iface = self.ifaces[key] = _Iface(name, header, self.header_line(header))
        self.headers[id(header)] = iface.line
        self.iface_of[id(header)] = iface
        return iface

    def interface_header(self, cmd: Command, neg: bool, body: tuple[str, ...]) -> None:
        if neg:
            key = interface_key(interface_name(body))
            iface = self.ifaces.pop(key, None)
            if iface is not None:
                iface.line.dead = True
            return
        key = interface_key(interface_name(body))
        if key in self.ifaces:
            self.headers[id(cmd)] = self.ifaces[key].line
            self.iface_of[id(cmd)] = self.ifaces[key]
            return
        name = interface_name(body)
        line = _Line(cmd)
        self.lines.append(line)
        self.headers[id(cmd)] = line
        self.ifaces[key] = self.iface_of[id(cmd)] = _Iface(name, cmd, line)
        if cmd.script:
            self.notes.append(
                f"{cmd.source.display()}:{cmd.line}: interface {name} is not in the running-config; IOS creates "
                "only logical interfaces (Loopback, Tunnel, Vlan, sub-interfaces...) this way"
            )

    def interface_command(self, cmd: Command, iface: _Iface, neg: bool, body: tuple[str, ...]) -> None:
        low = _low(body)
        first = keyword(low[0], ("ip", "shutdown", "vrf", "description"), 2) or low[0]
        second = low[1] if len(low) > 1 else ""
        single: tuple[str, ...] = ()
        if first == "shutdown" and len(low) == 1:
            iface.shutdown = not neg
        elif first == "description":
            iface.description = None if neg else " ".join(body[1:])
            single = ("description",)
        elif first == "ip" and keyword(second, ("address",), 3) == "address":
            if not self.ip_address(iface, cmd, neg, body):
                return
            if not neg and not (len(low) > 4 and keyword(low[4], ("secondary",), 3)):
                single = ("ip", "address")
        elif first == "ip" and keyword(second, ("unnumbered",), 3):
            iface.dynamic = None if neg else f"unnumbered {' '.join(body[2:])}"
            if not neg:
                iface.addresses = []
        elif (first == "vrf" and keyword(second, ("forwarding",), 3)) or (
            first == "ip" and second == "vrf" and len(low) > 2 and keyword(low[2], ("forwarding",), 3)
        ):
            vrf = None if neg else (body[-1] if len(body) >= 3 else None)
            if cmd.script and vrf != iface.vrf and iface.addresses:
                self.notes.append(
                    f"{cmd.source.display()}:{cmd.line}: `{cmd.text}` removes the addresses of {iface.name} (IOS does)"
                )
                iface.addresses = []
                iface.line.children = [c for c in iface.line.children if not _words_match(c.words, ("ip", "address"))]
            iface.vrf = vrf
            single = ("vrf",) if first == "vrf" else ("ip", "vrf")
        elif _is_nat(body):
            which = _interface_nat(body)
            if which is None:  # only ``ip nat inside|outside|enable`` reach here
                return
            self.nat_log.append((cmd, "interface"))
            if neg:
                if iface.nat[which] is None and cmd.script:
                    self.problem(cmd.span, f"`{cmd.text}` removes nothing: interface {iface.name} has no `ip nat {which}`")
                iface.nat[which] = None
            else:
                iface.nat[which] = cmd.span
        self.generic(iface.line.children, cmd, neg, single)

    def ip_address(self, iface: _Iface, cmd: Command, neg: bool, body: tuple[str, ...]) -> bool:
        args = body[2:]
        if not args:
            if neg:
                iface.addresses = []
                iface.dynamic = None
                return True
            return False
        kind = keyword(args[0], ("dhcp", "negotiated", "pool"), 3)
        if kind is not None:
            iface.dynamic = None if neg else " ".join(args)
            if not neg:
                iface.addresses = []
            return True
        value = dotted(args[0])
        mask = dotted(args[1]) if len(args) > 1 else None
        if value is None or mask is None:
            self.notes.append(f"{cmd.source.display()}:{cmd.line}: `{cmd.text}` is not an address halint reads")
            return False
        prefix = _prefix_of(mask)
        if prefix is None:
            self.notes.append(f"{cmd.source.display()}:{cmd.line}: `{cmd.text}`: {args[1]} is not a netmask")
            return False
        ip = IPAddress(value)
        secondary = len(args) > 2 and keyword(args[2], ("secondary",), 3) == "secondary"
        network = IPNetwork((value, prefix))
        if neg:
            iface.addresses = [a for a in iface.addresses if not (a.ip == ip and a.secondary == secondary)]
            return True
        if secondary:
            iface.addresses = [a for a in iface.addresses if a.ip != ip] + [Address(network, True, cmd.span)]
        else:
            iface.addresses = [Address(network, False, cmd.span)] + [
                a for a in iface.addresses if a.secondary and a.ip != ip
            ]
            iface.dynamic = None
        return True

    # -- NAT -------------------------------------------------------------------------------------

    def global_nat(self, cmd: Command, neg: bool) -> None:
        result = parse_nat(cmd)
        if isinstance(result, NatError):
            span = cmd.word_span(result.index) if result.index is not None else cmd.end_span()
            self.problem(span, f"{result.message}; IOS rejects `{cmd.text}`")
            self.nat_log.append((cmd, "problem"))
            return
        self.nat_log.append((cmd, type(result).__name__))
        if isinstance(result, NatSetting):
            kept = self.settings
            if neg and cmd.script:
                kept = [s for s in self.settings if not _words_match(s.words, cmd.words[1:])]
            if not neg or len(kept) == len(self.settings):
                kept.append(result)  # ``no ip nat service ...`` turns a default off: IOS shows it
            self.settings = kept
            self.generic(self.lines, cmd, neg)
            return
        if isinstance(result, NatPool):
            self.nat_pool(cmd, neg, result)
            return
        if neg:
            self.remove_rule(cmd, result)
        else:
            self.add_rule(cmd, result)

    def add_rule(self, cmd: Command, rule: NatRule) -> None:
        key = rule.key()
        old = self.rules.get(key)
        if old is not None:
            self.unindex(old)
            self.rules[key] = rule  # the same translation given again: its modifiers change
            self.index(rule)
            line = self.rule_lines.pop(id(old), None)
            if line is not None:
                line.words, line.span = cmd.words, cmd.span
                self.rule_lines[id(rule)] = line
            return
        if rule.is_static:
            clash = self.conflict(rule)
            if clash is not None:
                self.rejected.append(Rejected(rule, clash[0], clash[1]))
                return
        self.rules[key] = rule
        self.index(rule)
        line = _Line(cmd)
        self.lines.append(line)
        self.rule_lines[id(rule)] = line

    def index(self, rule: NatRule) -> None:
        if rule.is_static:
            self.by_global.setdefault(_global_key(rule), []).append(rule)
            self.by_local.setdefault(_local_key(rule), []).append(rule)
        for ip in {rule.local_ip, rule.global_ip} - {None}:
            self.by_ip.setdefault(ip, []).append(rule)

    def unindex(self, rule: NatRule) -> None:
        buckets = [self.by_ip.get(ip, []) for ip in {rule.local_ip, rule.global_ip} - {None}]
        if rule.is_static:
            buckets += [self.by_global.get(_global_key(rule), []), self.by_local.get(_local_key(rule), [])]
        for bucket in buckets:
            bucket[:] = [r for r in bucket if r is not rule]

    def conflict(self, rule: NatRule) -> tuple[NatRule, str] | None:
        lkey = _local_key(rule)
        for old in self.by_global.get(_global_key(rule), ()):
            if _local_key(old) != lkey:
                return old, "global"
        for old in self.by_local.get(lkey, ()):
            if _global_side(old) != _global_side(rule) and not (old.extendable and rule.extendable):
                return old, "local"
        return None

    def remove_rule(self, cmd: Command, rule: NatRule) -> None:
        old = self.rules.pop(rule.key(), None)
        if old is not None:
            self.unindex(old)
            self.removed.append(Removal(old, cmd.span))
            line = self.rule_lines.pop(id(old), None)
            if line is not None:
                line.dead = True
            return
        if not cmd.script:
            return
        if rule.kind == "dynamic":
            near = [r for r in self.rules.values()
                    if r.kind == "dynamic" and (r.list, r.route_map) == (rule.list, rule.route_map)][:3]
        else:
            seen: dict[int, NatRule] = {}
            for ip in (rule.local_ip, rule.global_ip):
                for r in self.by_ip.get(ip, ()) if ip is not None else ():
                    if r.is_static:
                        seen.setdefault(id(r), r)
            near = sorted(seen.values(), key=lambda r: (str(r.span.source.path), r.span.start))[:3]
        related = tuple((r.span, f"existing rule: {r.describe()}") for r in near)
        what = f"no {rule.direction if rule.direction != 'nvi' else 'NVI'} {rule.target} {rule.kind} rule {rule.describe()}"
        if rule.vrf:
            what += f" in vrf {rule.vrf}"
        self.problem(cmd.span, f"`{cmd.text}` removes nothing: the configuration has {what}", related)

    def nat_pool(self, cmd: Command, neg: bool, pool: NatPool) -> None:
        if neg:
            if pool.name not in self.pools:
                if cmd.script:
                    self.problem(cmd.span, f"`{cmd.text}` removes nothing: no NAT pool is named {pool.name}")
                return
            users = [r for r in self.rules.values() if r.pool == pool.name]
            if users and cmd.script:
                self.problem(
                    cmd.span,
                    f"`{cmd.text}`: pool {pool.name} is in use by {len(users)} NAT rule(s); IOS refuses to "
                    "remove it (%Pool in use, cannot destroy) until they are removed",
                    tuple((r.span, f"uses pool {pool.name}") for r in users[:3]),
                )
                return
            del self.pools[pool.name]
            line = self.pool_lines.pop(pool.name, None)
            if line is not None:
                line.dead = True
            return
        old_line = self.pool_lines.get(pool.name)
        self.pools[pool.name] = pool
        if old_line is not None and not old_line.dead:
            old_line.words, old_line.span, old_line.children = cmd.words, cmd.span, []
            line = old_line
        else:
            line = _Line(cmd)
            self.lines.append(line)
        self.pool_lines[pool.name] = line
        self.headers[id(cmd)] = line

    def pool_range(self, cmd: Command, block: Command) -> None:
        name = block.words[3]
        pool = self.pools.get(name)
        if pool is None:
            return
        result = pool_range(cmd, pool.prefix)
        self.nat_log.append((cmd, "pool range" if not isinstance(result, NatError) else "problem"))
        if isinstance(result, NatError):
            span = cmd.word_span(result.index) if result.index is not None else cmd.end_span()
            self.problem(span, f"{result.message}; IOS rejects `{cmd.text}` in pool {name}")
            return
        self.pools[name] = replace(pool, ranges=pool.ranges + ((result[0], result[1], cmd.span),))
        self.child_line(cmd, block, False)

    # -- result ----------------------------------------------------------------------------------

    def freeze(self) -> IosConfig:
        return IosConfig(
            hostname=self.hostname,
            hostname_span=self.hostname_span,
            interfaces=tuple(i.freeze() for i in self.ifaces.values()),
            nat_rules=tuple(self.rules.values()),
            pools=tuple(self.pools.values()),
            nat_settings=tuple(self.settings),
            rejected=tuple(self.rejected),
            lines=tuple(line.freeze() for line in self.lines if not line.dead),
            removed=tuple(self.removed),
        )


def _prefix_of(mask: int) -> int | None:
    inverted = (~mask) & 0xFFFFFFFF
    if inverted & (inverted + 1):
        return None
    return 32 - inverted.bit_length()


def _global_side(rule: NatRule):
    return (rule.global_ip, interface_key(rule.interface) if rule.interface else None)


def _global_key(rule: NatRule) -> tuple:
    """The global side of a static rule: with ``match-in-vrf`` it is in the rule's VRF."""
    scope = rule.vrf if rule.match_in_vrf else None
    return (rule.direction, rule.target, scope, _global_side(rule), rule.protocol, rule.global_port, rule.prefix)


def _local_key(rule: NatRule) -> tuple:
    return (rule.direction, rule.target, rule.vrf, rule.local_ip, rule.protocol, rule.local_port, rule.prefix)


def build(commands: list[Command]) -> Builder:
    builder = Builder()
    for cmd in commands:
        builder.apply(cmd)
    return builder


def load_router(name: str, running: Source | None, scripts: list[Source]) -> Router:
    """Read a router's running-config (None when only change scripts exist: they then apply to
    an empty configuration) and its change scripts (already in file-name order)."""
    notes: list[str] = []
    problems: list[Problem] = []
    readings: list[Reading] = []
    before = None
    builder = Builder()
    commands: list[Command] = []
    if running is not None:
        reading = read_running(running)
        readings.append(reading)
        commands = list(reading.commands)
        builder = build(commands)
        before = builder.freeze()
    else:
        notes.append("no running-config; its change scripts apply to an empty configuration")
    for source in scripts:
        reading = read_script(source)
        readings.append(reading)
        if reading.prompt_name is not None and reading.prompt_name != name:
            notes.append(f"{source.display()}: its prompts name {reading.prompt_name}, applied to router {name}")
        commands.extend(reading.commands)
    if scripts:
        builder = build(commands)
    after = builder.freeze() if scripts or before is None else before
    for reading in readings:
        problems.extend(reading.problems)
        notes.extend(reading.notes)
    problems.extend(builder.problems)
    notes.extend(builder.notes)
    problems.sort(key=lambda p: (str(p.span.source.path), p.span.start))
    return Router(name, running, tuple(scripts), before, after, tuple(problems), tuple(notes))
