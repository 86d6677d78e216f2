"""The typed model of one Cisco IOS router: its running-config, and the configuration after its
change scripts.

Frozen dataclasses; every element keeps the span of the line it came from, in its own file (a
running-config line or a change-script line). :class:`Router` holds both versions: ``before``
(the running-config alone) and ``after`` (the running-config with every change script applied,
in file-name order). The questions later rules ask have methods: which NAT rules send traffic
to an inside address (:meth:`IosConfig.nat_to`), which outside interface owns a global address
(:meth:`IosConfig.outside_owner`, :meth:`IosConfig.outside_subnet`).

Built by :mod:`halint.formats.ios.build` from the commands :mod:`halint.formats.ios.reader` reads;
:func:`load_router` is the entry point.
"""
from __future__ import annotations

from dataclasses import dataclass

from netaddr import IPAddress, IPNetwork

from halint.formats.ios.reader import Problem
from halint.formats.ios.cli import interface_key
from halint.formats.ios.nat import NatPool, NatRule, NatSetting
from halint.core.source import Source, Span

__all__ = [
    "Address", "ConfigLine", "Interface", "IosConfig", "NatPool", "NatRule", "NatSetting",
    "Problem", "Rejected", "Removal", "Router",
]


@dataclass(frozen=True, slots=True)
class Address:
    """An interface address: ``ip address 10.51.10.254 255.255.0.0 [secondary]``."""

    network: IPNetwork  #: the address with its prefix (``network.ip`` is the address itself)
    secondary: bool
    span: Span

    @property
    def ip(self) -> IPAddress:
        return self.network.ip


@dataclass(frozen=True)
class Interface:
    name: str  #: as the ``interface`` line writes it
    span: Span  #: the ``interface`` line
    addresses: tuple[Address, ...] = ()
    dynamic_address: str | None = None  #: "dhcp", "negotiated", "unnumbered Loopback0"...
    shutdown: bool = False
    nat_inside_span: Span | None = None  #: the ``ip nat inside`` line
    nat_outside_span: Span | None = None  #: the ``ip nat outside`` line
    nat_enable_span: Span | None = None  #: ``ip nat enable`` (NAT virtual interface)
    vrf: str | None = None
    description: str | None = None

    @property
    def nat_inside(self) -> bool:
        return self.nat_inside_span is not None

    @property
    def nat_outside(self) -> bool:
        return self.nat_outside_span is not None

    @property
    def nat_enable(self) -> bool:
        return self.nat_enable_span is not None

    @property
    def key(self) -> str:
        return interface_key(self.name)

    @property
    def primary(self) -> Address | None:
        return next((a for a in self.addresses if not a.secondary), None)

    def has_address(self, address) -> bool:
        ip = IPAddress(address)
        return any(a.ip == ip for a in self.addresses)

    def on_subnet(self, address) -> bool:
        ip = IPAddress(address)
        return any(ip in a.network for a in self.addresses)

    def describe(self) -> str:
        addrs = ", ".join(f"{a.ip}/{a.network.prefixlen}" for a in self.addresses)
        return f"{self.name} ({addrs or self.dynamic_address or 'no address'})"


@dataclass(frozen=True)
class Rejected:
    """A static NAT rule IOS refuses because an earlier one already maps the same global
    (``reason == "global"``) or, without ``extendable`` on both, the same local (``"local"``)."""

    rule: NatRule
    conflicts_with: NatRule
    reason: str


@dataclass(frozen=True)
class Removal:
    """A NAT rule that a ``no`` line removed (in a change script, or a running-config)."""

    rule: NatRule
    span: Span  #: the ``no ...`` line


@dataclass(frozen=True)
class ConfigLine:
    """One line of the resulting configuration, with where it came from."""

    words: tuple[str, ...]
    span: Span
    children: tuple[ConfigLine, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class IosConfig:
    hostname: str | None
    hostname_span: Span | None
    interfaces: tuple[Interface, ...]
    nat_rules: tuple[NatRule, ...]  #: in configuration order, rejected ones excluded
    pools: tuple[NatPool, ...]
    nat_settings: tuple[NatSetting, ...]
    rejected: tuple[Rejected, ...]  #: IOS002
    lines: tuple[ConfigLine, ...]  #: the whole configuration, line by line
    removed: tuple[Removal, ...] = ()  #: NAT rules removed by ``no`` lines, in order

    def interface(self, name: str) -> Interface | None:
        key = interface_key(name)
        return next((i for i in self.interfaces if i.key == key), None)

    @property
    def inside_interfaces(self) -> tuple[Interface, ...]:
        return tuple(i for i in self.interfaces if i.nat_inside)

    @property
    def outside_interfaces(self) -> tuple[Interface, ...]:
        return tuple(i for i in self.interfaces if i.nat_outside)

    @property
    def static_rules(self) -> tuple[NatRule, ...]:
        return tuple(r for r in self.nat_rules if r.is_static)

    def pool(self, name: str) -> NatPool | None:
        return next((p for p in self.pools if p.name == name), None)

    def nat_to(self, address, port: int | None = None, protocol: str | None = None) -> tuple[NatRule, ...]:
        """Static rules that send traffic from outside to inside ``address`` (on ``port`` /
        ``protocol`` when given): ``ip nat inside source static`` (and ``ip nat source static``)
        whose local side is ``address``, or a static network that holds it."""
        return tuple(r for r in self.nat_rules if r.forwards(address, port, protocol))

    def exposures(self, address) -> frozenset[tuple[str | None, int | None]]:
        """What outside traffic reaches inside ``address`` through static rules: (protocol, local
        port) pairs; ``(None, None)`` when a rule forwards every protocol and port."""
        return frozenset((r.protocol, r.local_port) for r in self.nat_to(address))

    def global_address(self, rule: NatRule) -> IPAddress | None:
        """The global address of a rule: its own, or its interface's primary address."""
        if rule.global_ip is not None:
            return rule.global_ip
        if rule.interface is not None:
            iface = self.interface(rule.interface)
            if iface is not None and iface.primary is not None:
                return iface.primary.ip
        return None

    def outside_owner(self, address) -> Interface | None:
        """The ``ip nat outside`` interface that has ``address`` as one of its addresses."""
        return next((i for i in self.outside_interfaces if i.has_address(address)), None)

    def outside_subnet(self, address) -> Interface | None:
        """The ``ip nat outside`` interface on whose subnet ``address`` is (IOS answers ARP for a
        static global address there, unless ``no-alias``)."""
        return next((i for i in self.outside_interfaces if i.on_subnet(address)), None)


@dataclass(frozen=True)
class Router:
    name: str
    running: Source | None
    scripts: tuple[Source, ...]
    before: IosConfig | None  #: the running-config alone (None when there is none)
    after: IosConfig  #: running-config + every change script, in file-name order
    problems: tuple[Problem, ...]  #: IOS001: lines IOS rejects, ``no`` lines that remove nothing
    notes: tuple[str, ...]  #: --verbose lines

    @property
    def sources(self) -> tuple[Source, ...]:
        return ((self.running,) if self.running is not None else ()) + self.scripts

