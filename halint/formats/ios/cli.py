"""The IOS CLI's vocabulary: keyword abbreviations, interface names, which mode a command
belongs to (for scripts and configurations written without indentation), and banners.

IOS accepts any unambiguous prefix of a keyword (``int`` for ``interface``, ``ins`` for
``inside``) and is case-insensitive for keywords; interface names are abbreviated the same way
(``Gi0/1`` for ``GigabitEthernet0/1``). A command that is not valid in the current sub-mode is
tried in global configuration mode, which leaves the sub-mode.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from halint.core.source import Source, Span

# -- words and keywords -------------------------------------------------------------------------

WORD_RE = re.compile(r"\S+")


@dataclass(frozen=True, slots=True, eq=False)
class Command:
    """One configuration command: its words, where they are, and the sub-mode it was given in."""

    words: tuple[str, ...]
    start: int  #: offset of the first word in ``source.text``
    end: int  #: offset just after the last word
    source: Source
    block: Command | None = None  #: the header of the sub-mode (``interface Gi0/1``), None: global
    script: bool = False  #: from a change script, not from a running-config
    indent: int = 0

    def under(self, block: Command | None) -> Command:
        """This command, given in the sub-mode ``block``."""
        return Command(self.words, self.start, self.end, self.source, block, self.script, self.indent)

    @property
    def span(self) -> Span:
        return Span(self.source, self.start, self.end)

    @property
    def offsets(self) -> tuple[int, ...]:
        """Start of each word in ``source.text``."""
        return tuple(m.start() for m in WORD_RE.finditer(self.source.text, self.start, self.end))

    def word_span(self, index: int, last: int | None = None) -> Span:
        """The span of word ``index`` (to word ``last`` inclusive); past the end: the last word."""
        offsets = self.offsets
        n = len(self.words)
        i = min(max(index, 0), n - 1)
        j = min(max(last if last is not None else i, i), n - 1)
        return Span(self.source, offsets[i], offsets[j] + len(self.words[j]))

    def end_span(self) -> Span:
        """An empty span just after the last word (where a missing word would go)."""
        return Span(self.source, self.end, self.end)

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def line(self) -> int:
        return self.source.position(self.start)[0]


def keyword(token: str, options: tuple[str, ...] | list[str], minimum: int = 1) -> str | None:
    """The keyword ``token`` stands for: itself, or an unambiguous prefix of one option (IOS
    accepts ``int`` for ``interface``, ``ins`` for ``inside``); case-insensitive."""
    low = token.lower()
    if low in options:
        return low
    if len(low) < minimum:
        return None
    found = [o for o in options if o.startswith(low)]
    return found[0] if len(found) == 1 else None


#: interface types, in the order IOS resolves an abbreviation that several share
INTERFACE_TYPES = (
    "gigabitethernet", "fastethernet", "ethernet", "tengigabitethernet", "twentyfivegige",
    "fortygigabitethernet", "hundredgige", "twogigabitethernet", "fivegigabitethernet",
    "appgigabitethernet", "serial", "loopback", "tunnel", "vlan", "dialer", "port-channel",
    "bvi", "bdi", "virtual-template", "virtual-access", "multilink", "cellular", "atm", "async",
    "group-async", "nvi", "null", "virtual-ppp", "wlan-gigabitethernet", "embedded-service-engine",
    "mgmtethernet", "management", "pos", "overlay", "lisp", "vasileft", "vasiright", "vmi",
)
INTERFACE_ALIASES = {"gi": "gigabitethernet", "fa": "fastethernet", "te": "tengigabitethernet",
                     "e": "ethernet", "eth": "ethernet", "po": "port-channel", "lo": "loopback",
                     "tu": "tunnel", "vl": "vlan", "se": "serial", "di": "dialer", "twe": "twentyfivegige",
                     "fo": "fortygigabitethernet", "hu": "hundredgige", "mgmt": "mgmtethernet"}
IFNAME_RE = re.compile(r"^([A-Za-z][A-Za-z\-]*?)[ \t]*([0-9][0-9/.:]*)$")


def interface_key(name: str) -> str:
    """A name that two spellings of one interface share: ``Gi0/1``, ``gig 0/1`` and
    ``GigabitEthernet0/1`` all give ``gigabitethernet0/1``."""
    text = name.strip()
    match = IFNAME_RE.match(text)
    if not match:
        return text.lower().replace(" ", "")
    kind, number = match.group(1).lower(), match.group(2)
    if kind in INTERFACE_ALIASES:
        kind = INTERFACE_ALIASES[kind]
    elif kind not in INTERFACE_TYPES:
        found = [t for t in INTERFACE_TYPES if t.startswith(kind)]
        if found:
            kind = found[0]
    return kind + number


def interface_name(words: tuple[str, ...]) -> str:
    """The interface an ``interface ...`` header names (``interface dialer 1`` -> ``dialer1``;
    a trailing ``point-to-point`` / ``multipoint`` is not part of the name)."""
    rest = list(words[1:])
    if rest and rest[-1].lower() in ("point-to-point", "multipoint"):
        rest.pop()
    if len(rest) == 2 and rest[1][:1].isdigit() and not any(c.isdigit() for c in rest[0]):
        return rest[0] + rest[1]
    return " ".join(rest)


RANGE_PART_RE = re.compile(r"^([A-Za-z][A-Za-z\-]*)\s*((?:\d+/)*)(\d+)\s*(?:-\s*(\d+))?$")


def range_interfaces(words: tuple[str, ...]) -> list[str] | None:
    """The interfaces ``interface range Gi0/1 - 4 , Gi0/8`` names (None: not such a header, or a
    form halint does not expand, such as a macro)."""
    if len(words) < 3 or keyword(words[0], ("interface",), 3) != "interface" or words[1].lower() != "range":
        return None
    names: list[str] = []
    for part in " ".join(words[2:]).split(","):
        match = RANGE_PART_RE.match(part.strip())
        if match is None:
            return None
        kind, prefix, first, last = match.groups()
        lo, hi = int(first), int(last if last is not None else first)
        if hi < lo or hi - lo > 1024:
            return None
        names.extend(f"{kind}{prefix}{n}" for n in range(lo, hi + 1))
    return names


def is_interface_header(words: tuple[str, ...]) -> bool:
    return len(words) >= 2 and keyword(words[0], ("interface",), 3) == "interface" and words[1].lower() != "range"


def is_negated(words: tuple[str, ...]) -> bool:
    return len(words) > 1 and words[0].lower() == "no"


# -- what mode a command belongs to ---------------------------------------------------------------

#: first words of commands that exist in interface mode only (a plain script may not indent them)
INTERFACE_ONLY = {
    "shutdown", "duplex", "speed", "switchport", "encapsulation", "standby", "vrrp", "bandwidth",
    "mtu", "negotiation", "channel-group", "ppp", "dialer", "pppoe", "tunnel", "service-policy",
    "media-type", "keepalive", "load-interval", "delay", "carrier-delay", "mac-address", "nameif",
    "security-level", "spanning-tree", "storm-control", "cdp", "lldp", "arp", "hold-queue",
    "description", "glbp", "ipv6",
}
INTERFACE_ONLY_IP = {
    "address", "unnumbered", "access-group", "helper-address", "ospf", "mtu", "policy", "proxy-arp",
    "redirects", "unreachables", "directed-broadcast", "virtual-reassembly", "tcp", "nbar",
    "flow", "verify", "pim", "igmp", "route-cache", "dhcp", "split-horizon", "summary-address",
    "authentication", "hello-interval", "hold-time", "mroute-cache", "accounting", "inspect",
    "wccp", "mask-reply", "local-proxy-arp", "sticky-arp", "information-reply",
}
#: first words of global commands (they leave a sub-mode)
GLOBAL_FIRST = {
    "interface", "router", "line", "hostname", "access-list", "route-map", "banner", "crypto",
    "version", "service", "boot", "boot-start-marker", "boot-end-marker", "aaa", "username",
    "enable", "ntp", "logging", "snmp-server", "end", "key", "class-map", "policy-map", "track",
    "vlan", "control-plane", "archive", "license", "alias", "clock", "dial-peer", "voice",
    "object-group", "vrf", "parameter-map", "zone", "zone-pair", "redundancy", "multilink",
    "mpls", "tacacs-server", "radius-server", "radius", "tacacs", "privilege", "scheduler",
    "memory", "call-home", "diagnostic", "platform", "hw-module", "errdisable", "udld", "vtp",
    "system", "event", "kron", "netconf", "restconf", "xconnect", "dot1x", "mac", "monitor",
    "exception", "sdm", "file",
}
GLOBAL_IP = {
    "route", "nat", "access-list", "vrf", "domain", "domain-name", "domain-lookup", "name-server",
    "dhcp", "http", "ssh", "cef", "forward-protocol", "classless", "subnet-zero", "sla",
    "prefix-list", "host", "scp", "ftp", "tftp", "routing", "multicast-routing", "community-list",
    "as-path", "explicit-path", "local", "flow-export", "bgp-community", "default-gateway",
    "source-route", "finger", "bootp", "ips", "inspect", "audit", "auth-proxy", "admission",
    "wccp", "rcmd", "telnet", "tcp", "icmp", "arp", "radius", "tacacs", "options", "gratuitous-arps",
}
#: commands that open a sub-mode when given in global mode (for scripts that do not indent)
SUBMODE_OPENERS = {
    "interface", "router", "line", "route-map", "class-map", "policy-map", "key", "track",
    "control-plane", "archive", "dial-peer", "object-group", "parameter-map", "zone",
    "zone-pair", "redundancy", "crypto", "vlan",
}


def scope(words: tuple[str, ...], block: Command | None) -> str:
    """``"interface"``, ``"global"`` or ``"unknown"``: where ``words`` can be given.

    Only used when indentation does not say (a plain change script, a config written without
    indentation): an interface-only command stays in the interface; a global one leaves it.
    """
    body = words[1:] if is_negated(words) else words
    if not body:
        return "unknown"
    first = body[0].lower()
    if block is not None and is_pool_header(block.words) and first in ("address", "range"):
        return "interface"  # the pool's own sub-mode
    if first == "ip" and len(body) > 1:
        second = body[1].lower()
        if second == "nat":
            rest = [w.lower() for w in body[2:]]
            return "interface" if len(rest) == 1 and rest[0] in ("inside", "outside", "enable") else "global"
        if second == "vrf" and len(body) > 2 and body[2].lower() == "forwarding":
            return "interface"
        if second in INTERFACE_ONLY_IP:
            return "interface"
        if second in GLOBAL_IP:
            return "global"
        return "unknown"
    if first == "vrf" and len(body) > 1 and body[1].lower() == "forwarding":
        return "interface"
    if first in INTERFACE_ONLY or keyword(first, ("shutdown",), 4) == "shutdown":
        return "interface"
    if first in GLOBAL_FIRST or keyword(first, ("interface",), 3) == "interface":
        return "global"
    return "unknown"


def is_pool_header(words: tuple[str, ...]) -> bool:
    """``ip nat pool NAME prefix-length N`` (or ``netmask M``) without addresses: the header of
    the ``address START END`` sub-mode."""
    low = [w.lower() for w in words]
    return len(low) >= 5 and low[:3] == ["ip", "nat", "pool"] and low[4] in ("prefix-length", "netmask")


def opens_submode(words: tuple[str, ...]) -> bool:
    if is_negated(words) or not words:
        return False
    first = words[0].lower()
    if keyword(first, ("interface",), 3) == "interface":
        return True
    if first in SUBMODE_OPENERS:
        return True
    low = [w.lower() for w in words]
    if low[:2] in (["ip", "access-list"], ["ip", "vrf"], ["vrf", "definition"], ["ip", "dhcp"], ["ipv6", "access-list"]):
        return len(low) > 2 and low[:3] != ["ip", "dhcp", "excluded-address"]
    return is_pool_header(words)


# -- banners ------------------------------------------------------------------------------------

BANNER_TYPES = ("motd", "login", "exec", "incoming", "slip-ppp", "prompt-timeout", "config-save")


def banner_delimiter(text: str) -> tuple[str, bool] | None:
    """For a ``banner`` command line: (delimiter, closed on this line), or None."""
    match = re.match(r"\s*banner\s+(\S+)\s*", text, re.IGNORECASE)
    if not match:
        return None
    rest = text[match.end():]
    if match.group(1).lower() not in BANNER_TYPES:
        rest = text[match.start(1):]  # ``banner #text#`` is the motd banner
    if not rest:
        return None
    delim = "^C" if rest.startswith("^C") else rest[0]
    after = rest[len(delim):]
    return delim, delim in after
