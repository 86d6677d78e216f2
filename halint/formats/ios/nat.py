"""The words of one global ``ip nat`` command, read as IOS reads them.

Forms (Cisco IOS IP Addressing Services Command Reference, "NAT Commands": ip nat inside
source, ip nat outside source, ip nat inside destination, ip nat source, ip nat pool; and the
IP Addressing: NAT Configuration Guide):

- ``ip nat {inside|outside} source static [tcp|udp] LOCAL [PORT] {GLOBAL [PORT] | interface IF [PORT]}``
  (``outside`` names the outside global address first), ``... static esp LOCAL interface IF``,
  ``... static network LOCAL GLOBAL {MASK | /LEN}``, each followed by any of ``vrf NAME``,
  ``match-in-vrf``, ``extendable``, ``no-alias``, ``no-payload``, ``add-route``,
  ``redundancy GROUP``, ``mapping-id N``, ``route-map NAME``, ``reversible``, ``forced``;
- ``ip nat {inside|outside} source {list ACL | route-map NAME} {pool NAME | interface IF}``
  with ``overload``, ``vrf NAME``, ``add-route``, ``reversible``, ``no-payload``, ``oer``,
  ``portmap NAME``, ``redundancy GROUP``, ``mapping-id N``, ``egress-interface IF``;
- ``ip nat inside destination list ACL pool NAME``; ``ip nat source ...`` (NAT virtual
  interface, the same forms as ``inside source``);
- ``ip nat pool NAME START END {netmask MASK | prefix-length LEN} [type {rotary|match-host}]``
  (START at most END; the range may span several subnets of the mask),
  or ``ip nat pool NAME {netmask MASK | prefix-length LEN}`` followed by ``address START END``
  lines;
- settings kept as they are: ``ip nat translation ...``, ``log``, ``service``, ``settings``,
  ``stateful``, ``switchover``, ``create``, ``piggyback-support``, ``portmap``, ``route``,
  ``sip-sbc``, ``redundancy``, ``limit``, ``helper``, ``name``.

Keywords may be abbreviated as on the CLI (``ip nat ins so stat``). The result is a
:class:`NatRule`, :class:`NatPool` or :class:`NatSetting`, or a :class:`NatError` naming the
word IOS would stop at.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from netaddr import IPAddress, IPNetwork

from halint.formats.ios.reader import Command
from halint.formats.ios.cli import interface_key, is_negated, keyword
from halint.core.source import Span

#: ``ip nat`` sub-commands that are settings (kept, not interpreted)
SETTINGS = (
    "translation", "log", "service", "settings", "stateful", "switchover", "create",
    "piggyback-support", "portmap", "route", "sip-sbc", "redundancy", "limit", "helper", "name",
)
TOP = ("inside", "outside", "source", "pool", "enable") + SETTINGS
STATIC_FLAGS = ("extendable", "no-alias", "no-payload", "add-route", "match-in-vrf", "reversible", "forced")
STATIC_VALUED = ("vrf", "route-map", "redundancy", "mapping-id")
DYNAMIC_FLAGS = ("overload", "add-route", "reversible", "no-payload", "oer", "match-in-vrf", "extended")
DYNAMIC_VALUED = ("vrf", "redundancy", "mapping-id", "portmap", "egress-interface")

#: port names IOS accepts where a TCP/UDP port number goes
PORT_NAMES = {
    "bgp": 179, "chargen": 19, "cmd": 514, "daytime": 13, "discard": 9, "domain": 53, "echo": 7,
    "exec": 512, "finger": 79, "ftp": 21, "ftp-data": 20, "gopher": 70, "hostname": 101,
    "ident": 113, "irc": 194, "klogin": 543, "kshell": 544, "login": 513, "lpd": 515, "nntp": 119,
    "pim-auto-rp": 496, "pop2": 109, "pop3": 110, "smtp": 25, "sunrpc": 111, "tacacs": 49,
    "talk": 517, "telnet": 23, "time": 37, "uucp": 540, "whois": 43, "www": 80, "biff": 512,
    "bootpc": 68, "bootps": 67, "isakmp": 500, "mobile-ip": 434, "nameserver": 42,
    "netbios-dgm": 138, "netbios-ns": 137, "netbios-ss": 139, "non500-isakmp": 4500, "ntp": 123,
    "rip": 520, "snmp": 161, "snmptrap": 162, "syslog": 514, "tftp": 69, "xdmcp": 177,
}
DOTTED_RE = re.compile(r"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$")


@dataclass(frozen=True, slots=True)
class NatRule:
    """One ``ip nat ... source|destination`` translation.

    ``local_*`` is always the inside (or, for ``outside source``, the outside-local) side: the
    address a packet has on the inside network; ``global_*`` the side it has outside. For
    ``ip nat outside source static A B`` that is global A, local B, as IOS defines it.
    """

    direction: str  #: "inside", "outside", or "nvi" (``ip nat source``: NAT virtual interface)
    target: str  #: "source" or "destination"
    kind: str  #: "static" (one address), "network" (static network) or "dynamic"
    span: Span
    words: tuple[str, ...]  #: the command as written, from ``ip``
    protocol: str | None = None  #: "tcp", "udp", "esp"; None: every protocol
    local_ip: IPAddress | None = None
    local_port: int | None = None
    global_ip: IPAddress | None = None
    global_port: int | None = None
    prefix: int | None = None  #: static network: prefix length of both networks
    interface: str | None = None  #: the global address is this interface's
    list: str | None = None  #: dynamic: access list
    route_map: str | None = None
    pool: str | None = None
    overload: bool = False
    extendable: bool = False
    no_alias: bool = False
    no_payload: bool = False
    add_route: bool = False
    match_in_vrf: bool = False
    reversible: bool = False
    vrf: str | None = None
    redundancy: str | None = None
    options: tuple[str, ...] = ()  #: other accepted words (forced, oer, portmap NAME...)

    @property
    def is_static(self) -> bool:
        return self.kind in ("static", "network")

    @property
    def local_network(self) -> IPNetwork | None:
        if self.local_ip is None:
            return None
        return IPNetwork(f"{self.local_ip}/{self.prefix if self.prefix is not None else 32}")

    @property
    def global_network(self) -> IPNetwork | None:
        if self.global_ip is None:
            return None
        return IPNetwork(f"{self.global_ip}/{self.prefix if self.prefix is not None else 32}")

    def key(self) -> tuple:
        """What identifies this translation: a ``no`` form removes the rule with this key
        (modifiers such as ``extendable``, ``no-alias``, ``route-map`` are not part of it)."""
        if self.is_static:
            return (self.direction, self.target, self.kind, self.protocol, self.local_ip, self.local_port,
                    self.global_ip, _ifkey(self.interface), self.global_port, self.prefix, self.vrf)
        return (self.direction, self.target, "dynamic", self.list, self.route_map, self.pool,
                _ifkey(self.interface), self.vrf)

    def forwards(self, address, port: int | None = None, protocol: str | None = None) -> bool:
        """Whether traffic to ``address`` (and ``protocol``/``port`` when given) arriving from
        outside is sent to it by this rule: an inside-source (or NAT virtual interface) static
        rule whose local side is ``address``; a rule without ports forwards every port."""
        if not self.is_static or self.target != "source" or self.direction == "outside":
            return False
        net = self.local_network
        if net is None or IPAddress(address) not in net:
            return False
        if self.protocol is None or port is None:
            return protocol is None or self.protocol in (None, protocol)
        return self.local_port == port and (protocol is None or protocol == self.protocol)

    def describe(self) -> str:
        """``tcp 10.51.10.11:80 -> 192.168.4.51:80`` (local -> global)."""
        def side(ip, port, iface):
            where = f"interface {iface}" if iface else str(ip)
            if self.kind == "network" and ip is not None:
                where = f"{ip}/{self.prefix}"
            return f"{where}:{port}" if port is not None else where

        if self.kind == "dynamic":
            src = f"list {self.list}" if self.list else f"route-map {self.route_map}"
            dst = f"pool {self.pool}" if self.pool else f"interface {self.interface}"
            return f"{src} -> {dst}" + (" overload" if self.overload else "")
        proto = f"{self.protocol} " if self.protocol else ""
        local = side(self.local_ip, self.local_port, None)
        glob = side(self.global_ip, self.global_port, self.interface)
        return f"{proto}{local} -> {glob}"


@dataclass(frozen=True, slots=True)
class NatPool:
    name: str
    span: Span
    start: IPAddress | None  #: None for the ``address`` sub-mode form until ranges are added
    end: IPAddress | None
    prefix: int  #: from ``prefix-length`` or ``netmask``
    ranges: tuple[tuple[IPAddress, IPAddress, Span], ...] = ()
    type: str | None = None
    options: tuple[str, ...] = ()

    def contains(self, address) -> bool:
        ip = IPAddress(address)
        bounds = [(self.start, self.end)] if self.start is not None else []
        bounds += [(a, b) for a, b, _ in self.ranges]
        return any(a <= ip <= b for a, b in bounds)


@dataclass(frozen=True, slots=True)
class NatSetting:
    """An ``ip nat`` command halint keeps but does not interpret (timeouts, logging...)."""

    words: tuple[str, ...]
    span: Span
    negated: bool = False


@dataclass(frozen=True, slots=True)
class NatError:
    """Why IOS rejects the command, and at which word (None: at the end, a word is missing)."""

    message: str
    index: int | None


class _Fail(Exception):
    def __init__(self, message: str, index: int | None):
        super().__init__(message)
        self.message = message
        self.index = index


def _ifkey(name: str | None) -> str | None:
    return None if name is None else interface_key(name)


def dotted(text: str) -> int | None:
    """The value of a dotted-quad IPv4 address (``10.0.0.1``), None for anything else."""
    if not DOTTED_RE.match(text):
        return None
    value = 0
    for part in text.split("."):
        number = int(part)
        if number > 255:
            return None
        value = value * 256 + number
    return value


def contiguous_prefix(mask: IPAddress) -> int | None:
    value = int(mask)
    inverted = (~value) & 0xFFFFFFFF
    if inverted & (inverted + 1):
        return None
    return 32 - inverted.bit_length()


class _Words:
    def __init__(self, words: tuple[str, ...], start: int):
        self.words = words
        self.i = start

    def more(self) -> bool:
        return self.i < len(self.words)

    def peek(self) -> str | None:
        return self.words[self.i] if self.i < len(self.words) else None

    def take(self, what: str) -> str:
        if self.i >= len(self.words):
            raise _Fail(f"incomplete: {what} is missing", None)
        word = self.words[self.i]
        self.i += 1
        return word

    def kw(self, options: tuple[str, ...], what: str) -> str:
        at = self.i
        word = self.take(what)
        found = keyword(word, options)
        if found is None:
            raise _Fail(_unexpected(word, options, what), at)
        return found

    def ip(self, what: str) -> IPAddress:
        at = self.i
        word = self.take(what)
        if not DOTTED_RE.match(word) or any(int(p) > 255 for p in word.split(".")):
            raise _Fail(f"`{word}` is not an IPv4 address ({what})", at)
        return IPAddress(word)

    def port(self, what: str) -> int:
        at = self.i
        word = self.take(what)
        if word.isdigit():
            value = int(word)
            if 1 <= value <= 65535:
                return value
        elif word.lower() in PORT_NAMES:
            return PORT_NAMES[word.lower()]
        raise _Fail(f"`{word}` is not a port ({what}: 1-65535)", at)

    def name(self, what: str) -> str:
        return self.take(what)

    def interface(self) -> str:
        """An interface name: one word (``Dialer1``), or type and number (``dialer 0``)."""
        first = self.take("the interface name")
        nxt = self.peek()
        if nxt is not None and nxt[:1].isdigit() and not any(c.isdigit() for c in first):
            self.i += 1
            return first + nxt
        return first


def _unexpected(word: str, options, what: str) -> str:
    glued = _glued(word, options)
    if glued:
        return glued
    listed = ", ".join(f"`{o}`" for o in options)
    return f"`{word}` is not valid here: IOS expects {what} ({listed})"


def _glued(word: str, options) -> str | None:
    """``1interface``: a number glued to a keyword (a missing space)."""
    match = re.match(r"^(\d+)([A-Za-z][\w-]*)$", word)
    if match and keyword(match.group(2), tuple(options)):
        return f"`{word}`: a space is missing between `{match.group(1)}` and `{match.group(2)}`"
    return None


def _acl(w: _Words) -> str:
    at = w.i
    name = w.name("the access list")
    if name[:1].isdigit() and not name.isdigit():
        match = re.match(r"^(\d+)([A-Za-z][\w-]*)$", name)
        if match and keyword(match.group(2), ("pool", "interface")):
            raise _Fail(f"`{name}` is not an access list (a named access list cannot start with a digit): "
                        f"a space is missing between `{match.group(1)}` and `{match.group(2)}`", at)
        raise _Fail(f"`{name}` is not an access list: a number, or a name that starts with a letter", at)
    return name


def parse_nat(cmd: Command) -> NatRule | NatPool | NatSetting | NatError:
    """Read a global ``[no] ip nat ...`` command (``cmd.words[0:2]`` is ``ip nat``, after an
    optional ``no``)."""
    negated = is_negated(cmd.words)
    start = 3 if negated else 2
    w = _Words(cmd.words, start)
    try:
        head = w.kw(TOP, "what to configure")
        if head in SETTINGS:
            return NatSetting(cmd.words, cmd.span, negated)
        if head == "pool":
            return _pool(cmd, w, negated)
        if head == "enable":
            raise _Fail("`ip nat enable` is an interface command; here it is outside any interface", start)
        if head == "source":
            direction, target = "nvi", "source"
        else:
            direction = head
            options = ("source", "destination") if head == "inside" else ("source",)
            if w.peek() is None:
                raise _Fail(
                    f"`ip nat {head}` alone is an interface command (under `interface ...`); in global "
                    "configuration IOS rejects it as incomplete", None)
            target = w.kw(options, f"what `ip nat {head}` translates")
        how = w.kw(("static", "list", "route-map"), "a mapping (`static`, `list` or `route-map`)")
        if how == "static":
            return _static(cmd, w, direction, target)
        return _dynamic(cmd, w, direction, target, how)
    except _Fail as fail:
        return NatError(fail.message, fail.index)


def _static(cmd: Command, w: _Words, direction: str, target: str) -> NatRule:
    fields: dict = {}
    kind = "static"
    first_port = second_port = None
    iface = None
    prefix = None
    peek = w.peek()
    proto = keyword(peek, ("tcp", "udp", "esp", "network")) if peek is not None and not peek[:1].isdigit() else None
    if proto is not None:
        w.i += 1
    if proto == "network":
        kind = "network"
        proto = None
    first = w.ip("the local address" if direction != "outside" else "the outside global address")
    if proto in ("tcp", "udp"):
        first_port = w.port("the first port")
    if proto == "esp":
        w.kw(("interface",), "`interface`")
        iface = w.interface()
        second = None
    elif keyword(w.peek() or "", ("interface",), 3) == "interface" and direction != "outside":
        w.i += 1
        iface = w.interface()
        second = None
        if proto in ("tcp", "udp"):
            second_port = w.port("the global port")
    else:
        peek = w.peek()
        if peek is not None and peek[:1].isalpha() and direction != "outside":
            raise _Fail(f"`{peek}` is neither the global address nor `interface`", w.i)
        second = w.ip("the global address" if direction != "outside" else "the outside local address")
        if proto in ("tcp", "udp"):
            second_port = w.port("the second port")
    if kind == "network":
        at = w.i
        mask = w.take("the network mask (`255.255.255.0` or `/24`)")
        if mask.startswith("/") and mask[1:].isdigit() and 0 <= int(mask[1:]) <= 32:
            prefix = int(mask[1:])
        elif keyword(mask, ("prefix-length",), 2) == "prefix-length":
            at = w.i
            length = w.take("the prefix length")
            if not (length.isdigit() and 1 <= int(length) <= 32):
                raise _Fail(f"`{length}` is not a prefix length (1-32)", at)
            prefix = int(length)
        elif DOTTED_RE.match(mask) and all(int(p) <= 255 for p in mask.split(".")):
            prefix = contiguous_prefix(IPAddress(mask))
            if prefix is None:
                raise _Fail(f"`{mask}` is not a network mask (its one bits are not contiguous)", at)
        else:
            raise _Fail(f"`{mask}` is not a network mask (`255.255.255.0` or `/24`)", at)
    flags, valued, other = _options(w, STATIC_FLAGS, STATIC_VALUED)
    if direction == "outside":
        local_ip, local_port, global_ip, global_port = second, second_port, first, first_port
    else:
        local_ip, local_port, global_ip, global_port = first, first_port, second, second_port
    fields.update(
        protocol=proto, local_ip=local_ip, local_port=local_port, global_ip=global_ip,
        global_port=global_port, prefix=prefix, interface=iface,
    )
    return _rule(cmd, direction, target, kind, fields, flags, valued, other)


def _dynamic(cmd: Command, w: _Words, direction: str, target: str, how: str) -> NatRule:
    fields: dict = {}
    if how == "list":
        fields["list"] = _acl(w)
    else:
        fields["route_map"] = w.name("the route-map name")
    if target == "destination":
        # ip nat inside destination list ACL pool NAME
        w.kw(("pool",), "`pool`")
        fields["pool"] = w.name("the pool name")
    else:
        where = w.kw(("pool", "interface"), "where global addresses come from (`pool NAME` or `interface IF`)")
        if where == "pool":
            fields["pool"] = w.name("the pool name")
        else:
            fields["interface"] = w.interface()
    flags, valued, other = _options(w, DYNAMIC_FLAGS, DYNAMIC_VALUED)
    return _rule(cmd, direction, target, "dynamic", fields, flags, valued, other)


def _options(w: _Words, flags_allowed, valued_allowed):
    flags: set[str] = set()
    valued: dict[str, str] = {}
    other: list[str] = []
    allowed = tuple(flags_allowed) + tuple(valued_allowed)
    while w.more():
        at = w.i
        word = w.take("an option")
        found = keyword(word, allowed)
        if found is None:
            glued = _glued(word, allowed)
            raise _Fail(glued or f"`{word}` is not an option IOS accepts here "
                        f"({', '.join('`' + a + '`' for a in allowed)})", at)
        if found in valued_allowed:
            value = w.take(f"the value of `{found}`")
            valued[found] = value
            if found == "redundancy" and keyword(w.peek() or "", ("mapping-id",), 2):
                w.i += 1
                valued["mapping-id"] = w.take("the mapping id")
            if found in ("mapping-id", "portmap", "egress-interface"):
                other += [found, value]
        else:
            flags.add(found)
            if found in ("forced", "oer", "extended"):
                other.append(found)
    return flags, valued, other


def _rule(cmd: Command, direction, target, kind, fields, flags, valued, other) -> NatRule:
    route_map = fields.pop("route_map", None) or valued.get("route-map")
    return NatRule(
        direction=direction, target=target, kind=kind, span=cmd.span,
        words=cmd.words[1:] if is_negated(cmd.words) else cmd.words,
        overload="overload" in flags, extendable="extendable" in flags, no_alias="no-alias" in flags,
        no_payload="no-payload" in flags, add_route="add-route" in flags,
        match_in_vrf="match-in-vrf" in flags, reversible="reversible" in flags,
        vrf=valued.get("vrf"), route_map=route_map,
        redundancy=valued.get("redundancy"), options=tuple(other), **fields,
    )


def _pool(cmd: Command, w: _Words, negated: bool) -> NatPool | NatError:
    name = w.name("the pool name")
    if negated and not w.more():
        return NatPool(name, cmd.span, None, None, 32)
    start = end = None
    peek = w.peek()
    if peek is not None and peek[:1].isdigit():
        start = w.ip("the first address")
        end = w.ip("the last address")
    how = w.kw(("netmask", "prefix-length"), "`netmask MASK` or `prefix-length LEN`")
    at = w.i
    if how == "netmask":
        mask = w.ip("the netmask")
        prefix = contiguous_prefix(mask)
        if prefix is None:
            raise _Fail(f"`{mask}` is not a netmask (its one bits are not contiguous)", at)
    else:
        length = w.take("the prefix length")
        if not (length.isdigit() and 1 <= int(length) <= 32):
            raise _Fail(f"`{length}` is not a prefix length (1-32)", at)
        prefix = int(length)
    pool_type = None
    options: list[str] = []
    while w.more():
        at = w.i
        found = keyword(w.take("an option"), ("type", "add-route", "accounting", "arp-ping"))
        if found is None:
            raise _Fail(f"`{cmd.words[at]}` is not a pool option IOS accepts (`type`, `add-route`, `accounting`, "
                        "`arp-ping`)", at)
        if found == "type":
            pool_type = w.kw(("rotary", "match-host"), "the pool type (`rotary` or `match-host`)")
        elif found == "accounting":
            options += [found, w.take("the accounting list")]
        else:
            options.append(found)
    if start is not None and end is not None:
        check_range(start, end, prefix, cmd, w.i)
    return NatPool(name, cmd.span, start, end, prefix, (), pool_type, tuple(options))


def check_range(start: IPAddress, end: IPAddress, prefix: int, cmd: Command, at: int | None = None) -> None:
    """IOS refuses a pool range whose last address is below its first. (A range may span
    several subnets of the pool's mask: IOS then skips each subnet's network and broadcast
    addresses.)"""
    if end < start:
        raise _Fail(f"pool range {start} - {end}: the last address is lower than the first, so the pool "
                    "holds no address", _index_of(cmd, str(end)))


def _index_of(cmd: Command, word: str) -> int | None:
    for i, w in enumerate(cmd.words):
        if w == word:
            return i
    return None


def pool_range(cmd: Command, prefix: int) -> tuple[IPAddress, IPAddress] | NatError:
    """An ``address START END`` (or ``range``) line in the pool sub-mode."""
    w = _Words(cmd.words, 1)
    try:
        start = w.ip("the first address")
        end = w.ip("the last address")
        if w.more():
            raise _Fail(f"`{w.peek()}` is not valid after the address range", w.i)
        check_range(start, end, prefix, cmd)
    except _Fail as fail:
        return NatError(fail.message, fail.index)
    return start, end
