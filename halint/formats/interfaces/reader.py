"""Debian's /etc/network/interfaces (ifupdown), read as ifupdown 0.8 reads it, into addresses.

The records (:class:`Interfaces`, :class:`IfaceStanza`, :class:`Address`) are the format's model,
built while reading. Facts from interfaces(5) and ifupdown 0.8.41's config.c, inet.defn, inet6.defn and
archcommon.c (Debian 12):

* a line whose first non-blank character is ``#`` is a comment (no end-of-line comments); a
  line ending in ``\\`` continues on the next one; words are split at blanks;
* stanzas: ``iface NAME FAMILY METHOD [inherits OTHER]``, ``mapping``, ``auto`` /
  ``allow-auto`` / ``allow-CLASS``, ``no-auto-down``, ``no-scripts``, ``source PATTERN`` and
  ``source-directory DIR`` (any word starting ``source-dir``). Option lines belong to the
  last ``iface`` of the same file; anywhere else ifupdown stops with "misplaced option".
* ``source`` paths are shell patterns (wordexp(3): several words, each a glob), relative to
  the directory of the file that holds the line; a pattern that matches nothing is skipped
  silently. ``source-directory`` reads the files of a directory whose names are made only of
  ASCII letters, digits, ``_`` and ``-`` (so ``eth0.cfg`` is *not* read), in byte order.
  A file already read is skipped (that also ends include cycles).
* families: inet, inet6, ipx, can, meta, with their methods; ``post-up`` is ``up`` and
  ``pre-down`` is ``down``. Options other than these commands may not repeat usefully:
  ifupdown joins the values with a newline (we model each ``address`` line, with a note).
* ``address A/N``; ``netmask`` (dotted quad or a number of bits) wins over ``/N``; with
  neither, inet gets the classful mask of A (compute_v4_mask: /8, /16, /24, else /32) and
  inet6 gets /128 (``ip -6 addr add`` with no length). Addresses count for inet static and
  tunnel, inet6 static, tunnel and v4tunnel, and for ``iface NAME`` with no family (ifupdown2
  syntax); other methods ignore ``address`` (a note says so).
* ``up`` / ``post-up`` / ``pre-up`` commands of the form ``ip [-4|-6] addr add A[/N] ... dev
  D [label L]`` add an address on D (or L); ``$IFACE`` is the stanza's interface.

Interface names keep their alias suffix (``eth0:1``); :attr:`Address.device` drops it.
Problems never stop the reader: each is a :class:`Problem` ("error" where ifupdown fails,
"note" for what it does silently or what the reader assumed).
"""
from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import netaddr

from halint.core.fsview import SourceCache, TreeView
from halint.core.problem import Problem, at
from halint.core.source import Source, SourceError, Span

WHITESPACE = " \t\n\v\f\r"  #: C isspace()
_WORD = re.compile(r"[^ \t\n\v\f\r]+")
_DIRECTORY_NAME = re.compile(r"^[a-zA-Z0-9_-]+$")
METHODS = {
    "inet": {"loopback", "static", "manual", "dhcp", "bootp", "tunnel", "ppp", "wvdial", "ipv4ll"},
    "inet6": {"auto", "loopback", "static", "manual", "dhcp", "tunnel", "v4tunnel", "6to4"},
    "ipx": {"static", "dynamic"},
    "can": {"static"},
    "meta": {"none"},
}
#: (family, method) whose ``address`` option configures an address
ADDRESSED = {("inet", "static"), ("inet", "tunnel"), ("inet6", "static"), ("inet6", "tunnel"), ("inet6", "v4tunnel")}
STOPS = " (ifupdown stops reading here)"
_SNIFF_IFACE = re.compile(rb"^[ \t]*iface[ \t]+\S+[ \t]+(?:inet6?|ipx|can)[ \t]+[a-z0-9]+[ \t]*$", re.MULTILINE)
_SNIFF_STANZA = re.compile(rb"^[ \t]*(?:iface|auto|allow-[a-z]+|mapping|source|source-directory)[ \t]+\S", re.MULTILINE)
#: ip(8) options that take an argument, in ``ip [OPTIONS] address add``
_IP_OPTION_ARGS = {"-f", "-family", "-n", "-netns", "-b", "-batch", "-rc", "-rcvbuf", "-l", "-loops"}
_IP_ADD = ("add", "a", "ad", "replace")  #: ``ip address`` commands that add an address (ip matches prefixes)
#: ``ip address add`` keywords that take one argument
_IP_ADDR_ARGS = {
    "peer", "broadcast", "brd", "anycast", "scope", "valid_lft", "preferred_lft", "metric", "proto", "dev", "label",
}


# -- records ------------------------------------------------------------------------------------



@dataclass(frozen=True, slots=True, repr=False)
class Word:
    text: str
    span: Span

    def __repr__(self) -> str:
        return f"Word({self.text!r} at {at(self.span)})"



@dataclass(frozen=True, slots=True, repr=False)
class Option:
    """An option line of an iface stanza (``post-up`` is stored as ``up``, ``pre-down`` as ``down``)."""

    name: str
    keyword: Word  #: the name as written
    words: tuple[Word, ...]  #: the value, split at blanks
    span: Span  #: the whole line

    @property
    def value(self) -> str:
        return " ".join(w.text for w in self.words)

    def __repr__(self) -> str:
        return f"Option({self.name} {self.value!r} at {at(self.span)})"


@dataclass(frozen=True, slots=True, repr=False)
class Address:
    """One configured address: the host address with its prefix (``network.ip`` is the address,
    ``network.cidr`` the subnet)."""

    network: netaddr.IPNetwork
    span: Span  #: the address as written
    interface: str  #: the interface it is configured on, alias suffix kept (eth0:1)
    mask_from: str  #: "prefix" (A/N), "netmask", "classful" (inet, no mask), "default" (/32, /128)
    command: bool = False  #: from an ``up ip addr add`` command rather than ``address``

    @property
    def device(self) -> str:
        """The device without an alias suffix: eth0 for eth0:1."""
        return self.interface.split(":", 1)[0]

    def __repr__(self) -> str:
        return f"Address({self.network} on {self.interface} at {at(self.span)})"


@dataclass(frozen=True, slots=True, repr=False)
class HostAddress:
    address: netaddr.IPAddress
    span: Span

    def __repr__(self) -> str:
        return f"HostAddress({self.address} at {at(self.span)})"


@dataclass(frozen=True, slots=True, repr=False)
class IfaceStanza:
    name: str  #: logical interface name as written (eth0, eth0:1, eth0.10, bond0)
    name_span: Span
    family: str | None  #: inet, inet6, ipx, can, meta; None for ``iface NAME`` (ifupdown2)
    method: str | None
    addresses: tuple[Address, ...]
    gateway: HostAddress | None
    dns_nameservers: tuple[HostAddress, ...]
    options: tuple[Option, ...]  #: every option line, inherited ones first
    inherits: str | None
    span: Span  #: the iface line

    @property
    def device(self) -> str:
        return self.name.split(":", 1)[0]

    def option(self, name: str) -> Option | None:
        for opt in self.options:
            if opt.name == name:
                return opt
        return None

    def __repr__(self) -> str:
        count = len(self.addresses)
        return f"IfaceStanza({self.name} {self.family} {self.method}, {count} addresses at {at(self.span)})"


@dataclass(frozen=True, repr=False)
class Interfaces:
    source: Source  #: the file read
    sources: tuple[Source, ...]  #: that file, then every file it sources, in reading order
    stanzas: tuple[IfaceStanza, ...]
    autos: tuple[Word, ...]  #: interfaces of ``auto`` and ``allow-auto`` lines
    allows: tuple[tuple[str, Word], ...]  #: (class, interface) of other ``allow-CLASS`` lines
    problems: tuple[Problem, ...]

    def addresses(self) -> list[Address]:
        """Every configured address, in file order."""
        return [address for stanza in self.stanzas for address in stanza.addresses]

    def hotplug(self) -> tuple[Word, ...]:
        return tuple(word for cls, word in self.allows if cls == "hotplug")

    def __repr__(self) -> str:
        return f"Interfaces({self.source.path}, {len(self.stanzas)} stanzas, {len(self.problems)} problems)"


# -- sniffing -----------------------------------------------------------------------------------


def interfaces_sniff(path_name: str, head: bytes) -> bool:
    """/etc/network/interfaces by name, a file of an interfaces.d folder with a stanza, or any
    file with an ``iface NAME inet|inet6 METHOD`` line."""
    parts = path_name.replace("\\", "/").split("/")
    if parts[-1] == "interfaces":
        return True
    if "interfaces.d" in parts[:-1] and _SNIFF_STANZA.search(head):
        return True
    return bool(_SNIFF_IFACE.search(head))


# -- lines --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    source: Source
    text: str
    offsets: list[int]  #: source offset of each character of text

    def span(self, i: int, j: int) -> Span:
        if i >= j:
            at = self.offsets[i] if i < len(self.offsets) else (self.offsets[-1] + 1 if self.offsets else 0)
            return Span(self.source, at, at)
        return Span(self.source, self.offsets[i], self.offsets[j - 1] + 1)

    def words(self) -> list[Word]:
        return [Word(m.group(), self.span(m.start(), m.end())) for m in _WORD.finditer(self.text)]


def logical_lines(source: Source):
    """The lines ifupdown's get_line() returns: comments skipped, continuations joined, blanks
    trimmed at both ends (leading blanks of a continuation line are kept, as ifupdown does)."""
    text = source.text
    starts = source.line_starts
    count = len(starts)
    i = 0
    while i < count:
        begin, end = starts[i], (starts[i + 1] - 1 if i + 1 < count else len(text))
        if i == 0:
            begin = source.content_start  # a byte-order mark: ignored, as halint always did
        i += 1
        while begin < end and text[begin] in WHITESPACE:
            begin += 1
        if begin < end and text[begin] == "#":
            continue
        chunks = [(begin, end)]
        while chunks[-1][1] > chunks[-1][0] and text[chunks[-1][1] - 1] == "\\":
            chunks[-1] = (chunks[-1][0], chunks[-1][1] - 1)
            if i >= count:
                break
            begin, end = starts[i], (starts[i + 1] - 1 if i + 1 < count else len(text))
            i += 1
            chunks.append((begin, end))
        offsets = [k for a, b in chunks for k in range(a, b)]
        line = "".join(text[a:b] for a, b in chunks)
        stop = len(line)
        while stop and line[stop - 1] in WHITESPACE:
            stop -= 1
        if stop:
            yield _Line(source, line[:stop], offsets[:stop])


# -- the reader ---------------------------------------------------------------------------------


@dataclass
class _Stanza:
    name: Word
    family: str | None
    method: str | None
    inherits: str | None
    span: Span
    options: list[Option] = field(default_factory=list)


class _Reader:
    def __init__(self, root: Source, view: TreeView, cache: SourceCache):
        self.view = view
        self.cache = cache
        self.sources: list[Source] = [root]
        self.seen: set[Path] = set()
        self.stack: list[Path] = []
        self.stanzas: list[_Stanza] = []
        self.autos: list[Word] = []
        self.allows: list[tuple[str, Word]] = []
        self.problems: list[Problem] = []

    def problem(self, span: Span, message: str, level: str = "error") -> None:
        self.problems.append(Problem(span, message, level))

    def read(self, source: Source) -> None:
        path = Path(os.path.abspath(source.path))
        self.seen.add(path)
        self.stack.append(path)
        here = posixpath.dirname(self.view.host_path(source.path)) or "/"
        state = "none"  # none, iface, mapping, skip (after a bad iface line)
        current: _Stanza | None = None
        for line in logical_lines(source):
            words = line.words()
            first = words[0].text
            span = line.span(0, len(line.text))
            if first == "mapping":
                state = "mapping"
            elif first == "source":
                self.source_files(words[1:], here, span)
                state = "none"
            elif first.startswith("source-dir"):
                self.source_directories(words[1:], here, span)
                state = "none"
            elif first == "iface":
                current = self.iface(words, span)
                state = "iface" if current is not None else "skip"
            elif first == "auto":
                self.autos.extend(words[1:])
                state = "none"
            elif first.startswith("allow-") and len(first) > 6:
                cls = first[6:]
                if cls == "auto":
                    self.autos.extend(words[1:])
                else:
                    self.allows.extend((cls, w) for w in words[1:])
                state = "none"
            elif first in ("no-auto-down", "no-scripts"):
                state = "none"
            elif state == "iface" and current is not None:
                self.option(current, words, span)
            elif state == "mapping":
                if first not in ("script", "map"):
                    self.problem(words[0].span, f"misplaced option `{first}` in a mapping stanza{STOPS}")
            elif state == "none":
                self.problem(words[0].span, f"misplaced option `{first}`: no iface stanza is open here{STOPS}")
        self.stack.pop()

    def iface(self, words: list[Word], span: Span) -> _Stanza | None:
        if len(words) < 2:
            self.problem(span, "too few parameters for iface line")
            return None
        name = words[1]
        rest = [w.text for w in words[2:]]
        family = method = inherits = None
        if not rest:
            message = f"iface {name.text} has no address family and method (ifupdown2 syntax; ifupdown fails)"
            self.problem(name.span, message, "note")
        elif rest[0] == "inherits":
            inherits = rest[1] if len(rest) > 1 else ""
        elif rest[0] not in METHODS:
            known = ", ".join(sorted(METHODS))
            self.problem(words[2].span, f"unknown address family `{rest[0]}` (ifupdown knows {known})")
            return None
        else:
            family = rest[0]
            if len(rest) < 2:
                self.problem(words[2].span, f"iface {name.text} {family} has no method")
                return None
            if rest[1] == "inherits":
                inherits = rest[2] if len(rest) > 2 else ""
            elif rest[1] not in METHODS[family]:
                known = ", ".join(sorted(METHODS[family]))
                self.problem(words[3].span, f"unknown method `{rest[1]}` for {family} (ifupdown knows {known})")
                return None
            else:
                method = rest[1]
                if len(rest) > 2:
                    if rest[2] == "inherits":
                        inherits = rest[3] if len(rest) > 3 else ""
                    else:
                        self.problem(words[4].span, f"extra parameter `{rest[2]}` on the iface line is ignored", "note")
        if inherits == "":
            self.problem(span, "'inherits' keyword is missing a parameter")
            return None
        stanza = _Stanza(name, family, method, inherits, span)
        if inherits is not None:
            parent = next(
                (s for s in self.stanzas if s.name.text == inherits and (family is None or s.family == family)), None
            )
            if parent is None:
                self.problem(span, f"unknown iface to inherit from: {inherits}")
                return None
            stanza.options.extend(parent.options)
            stanza.family = stanza.family or parent.family
            stanza.method = stanza.method or parent.method
        self.stanzas.append(stanza)
        return stanza

    def option(self, stanza: _Stanza, words: list[Word], span: Span) -> None:
        name = words[0].text
        name = {"post-up": "up", "pre-down": "down"}.get(name, name)
        if len(words) < 2:
            self.problem(span, f"option `{words[0].text}` with empty value{STOPS}")
            return
        stanza.options.append(Option(name, words[0], tuple(words[1:]), span))

    def source_files(self, patterns: list[Word], here: str, span: Span) -> None:
        for word in patterns:
            found = self.view.glob(word.text, here)
            for host in found.outside:
                self.problem(word.span, f"source {word.text}: {host} is outside the checked tree; not read", "note")
            if not found.matches and not found.outside and not found.directories:
                self.problem(word.span, f"source {word.text}: no such file (ifupdown skips it)", "note")
            for host in found.directories:
                self.problem(word.span, f"source {word.text}: {host} is a directory (use source-directory)")
            for path in found.matches:
                self.include(path, word)

    def source_directories(self, patterns: list[Word], here: str, span: Span) -> None:
        for word in patterns:
            found = self.view.glob(word.text, here)
            for host in found.outside:
                message = f"source-directory {word.text}: {host} is outside the checked tree; not read"
                self.problem(word.span, message, "note")
            if not found.directories and not found.outside:
                self.problem(word.span, f"source-directory {word.text}: no such directory (ifupdown skips it)", "note")
            for host in found.directories:
                real = self.view.real_path(host, "/")
                try:
                    names = sorted(os.listdir(real), key=lambda n: n.encode("utf-8", "surrogateescape"))
                except OSError as err:
                    self.problem(word.span, f"source-directory {word.text}: cannot list {host}: {err.strerror}")
                    continue
                skipped = [n for n in names if not _DIRECTORY_NAME.match(n)]
                if skipped:
                    self.problem(
                        word.span,
                        f"source-directory {word.text}: not read: {', '.join(skipped)} (only names of letters, digits, "
                        "_ and - are read)",
                        "note",
                    )
                for name in names:
                    path = real / name
                    if not _DIRECTORY_NAME.match(name) or path.is_dir():
                        continue
                    if not self.view.inside(path):
                        message = f"source-directory {word.text}: {name} is outside the checked tree"
                        self.problem(word.span, message, "note")
                        continue
                    self.include(path, word)

    def include(self, path: Path, word: Word) -> None:
        path = Path(os.path.abspath(path))
        host = self.view.host_path(path)
        if path in self.stack:
            self.problem(word.span, f"source cycle: {host} is already being read (ifupdown skips it)", "note")
            return
        if path in self.seen:
            self.problem(word.span, f"{host} was already read (ifupdown skips it)", "note")
            return
        if len(self.stack) >= self.cache.limits.include_depth:
            self.problem(word.span, f"sourced files nested deeper than {self.cache.limits.include_depth} (halint's limit); not read", "limit")
            return
        loaded = self.cache.get(path)
        if isinstance(loaded, SourceError):
            self.problem(word.span, f"cannot read {host}: {loaded}")
            return
        if all(loaded is not s for s in self.sources):
            self.sources.append(loaded)
        self.read(loaded)


# -- addresses ----------------------------------------------------------------------------------


def _ip(text: str, version: int | None = None) -> netaddr.IPAddress | None:
    try:
        address = netaddr.IPAddress(text)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return None
    if version is not None and address.version != version:
        return None
    return address


def _prefix(mask: str, version: int) -> int | None:
    """A mask as ifupdown / ip take it: a number of bits, or (IPv4) a contiguous dotted quad."""
    if version == 4 and "." in mask:
        address = _ip(mask, 4)
        return address.netmask_bits() if address is not None and address.is_netmask() else None
    if mask.isdigit() and mask.isascii():
        bits = int(mask)
        return bits if bits <= (32 if version == 4 else 128) else None
    return None


def _classful(address: netaddr.IPAddress) -> int:
    first = int(address) >> 24
    return 8 if first <= 127 else 16 if first <= 191 else 24 if first <= 223 else 32


class _Addresses:
    """Turns a stanza's options into addresses, gateway and name servers."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems

    def problem(self, span: Span, message: str, level: str = "error") -> None:
        self.problems.append(Problem(span, message, level))

    def stanza(self, st: _Stanza) -> IfaceStanza:
        addresses: list[Address] = []
        address_opts = [o for o in st.options if o.name == "address"]
        applies = st.family is None or (st.family, st.method) in ADDRESSED
        if address_opts and not applies:
            self.problem(
                address_opts[0].span,
                f"`address` is ignored by ifupdown with {st.family} {st.method} "
                "(only static and tunnel methods use it)",
                "note",
            )
        elif address_opts:
            if len(address_opts) > 1 and st.family is not None:
                self.problem(
                    address_opts[1].span,
                    f"a second `address` in iface {st.name.text}: ifupdown joins repeated options (a second iface "
                    f"{st.name.text} {st.family} stanza is the ifupdown way; ifupdown2 accepts this)",
                    "note",
                )
            masks = [o for o in st.options if o.name == "netmask"]
            for opt in address_opts:
                found = self.address(st, opt, masks[0] if masks else None)
                if found is not None:
                    addresses.append(found)
        for opt in st.options:
            if opt.name in ("up", "pre-up"):
                addresses.extend(self.commands(st, opt))
        gateway = None
        gw = next((o for o in st.options if o.name == "gateway"), None)
        if gw is not None and applies:
            version = {"inet": 4, "inet6": 6}.get(st.family or "")
            address = _ip(gw.words[0].text, version) if len(gw.words) == 1 else None
            if address is None:
                self.problem(gw.words[0].span, f"gateway {gw.value} is not an IPv{version or '4/6'} address")
            else:
                gateway = HostAddress(address, gw.words[0].span)
        servers: list[HostAddress] = []
        for opt in st.options:
            if opt.name in ("dns-nameservers", "dns-nameserver"):
                for word in opt.words:
                    address = _ip(word.text)
                    if address is None:
                        self.problem(word.span, f"{opt.keyword.text} {word.text}: not an IP address", "note")
                    else:
                        servers.append(HostAddress(address, word.span))
        return IfaceStanza(
            name=st.name.text,
            name_span=st.name.span,
            family=st.family,
            method=st.method,
            addresses=tuple(addresses),
            gateway=gateway,
            dns_nameservers=tuple(servers),
            options=tuple(st.options),
            inherits=st.inherits,
            span=st.span,
        )

    def address(self, st: _Stanza, opt: Option, netmask: Option | None) -> Address | None:
        word = opt.words[0]
        if len(opt.words) > 1:
            self.problem(opt.span, f"address {opt.value}: one address per line")
            return None
        text, slash, length = word.text.partition("/")
        version = {"inet": 4, "inet6": 6}.get(st.family or "")
        address = _ip(text, version)
        if address is None:
            self.problem(word.span, f"address {word.text}: {text} is not an IPv{version or '4/6'} address")
            return None
        version = address.version
        if netmask is not None:
            mask, mask_from, mask_span = netmask.value, "netmask", netmask.words[0].span
        elif slash:
            mask, mask_from, mask_span = length, "prefix", word.span
        else:
            mask, mask_from, mask_span = "", "default", word.span
        if mask_from == "default":
            if version == 4 and st.family == "inet":
                bits, mask_from = _classful(address), "classful"
                self.problem(
                    word.span,
                    f"address {text} has no netmask: ifupdown assumes the classful /{bits}",
                    "note",
                )
            else:
                bits = 32 if version == 4 else 128
        else:
            bits = _prefix(mask, version)
            if bits is None:
                what = "netmask" if mask_from == "netmask" else "prefix"
                self.problem(mask_span, f"{what} {mask} is not a valid IPv{version} mask")
                return None
        return Address(netaddr.IPNetwork(f"{address}/{bits}"), word.span, st.name.text, mask_from)

    def commands(self, st: _Stanza, opt: Option) -> list[Address]:
        """``ip [-4|-6] a[ddress] add|replace A[/N] ... dev D [label L]`` inside an up command."""
        out: list[Address] = []
        command: list[Word] = []
        for word in opt.words:
            text = word.text
            if text in (";", "&&", "||", "|", "&"):
                out.extend(self.ip_command(st, command))
                command = []
                continue
            if text.endswith(";"):
                command.append(Word(text[:-1], word.span))
                out.extend(self.ip_command(st, command))
                command = []
                continue
            command.append(word)
        out.extend(self.ip_command(st, command))
        return out

    def ip_command(self, st: _Stanza, words: list[Word]) -> list[Address]:
        texts = [w.text for w in words]
        if not texts or posixpath.basename(texts[0]) != "ip":
            return []
        i = 1
        while i < len(texts) and texts[i].startswith("-"):
            i += 2 if texts[i] in _IP_OPTION_ARGS else 1
        if i + 1 >= len(texts) or not "address".startswith(texts[i]) or texts[i + 1] not in _IP_ADD:
            return []
        i += 2
        target: Word | None = None
        dev = label = None
        while i < len(texts):
            key = texts[i]
            if key in _IP_ADDR_ARGS and i + 1 < len(texts):
                value = texts[i + 1].replace("${IFACE}", st.name.text).replace("$IFACE", st.name.text)
                if key == "dev":
                    dev = value
                elif key == "label":
                    label = value
                i += 2
                continue
            if key == "local" and i + 1 < len(texts):
                target = words[i + 1]
                i += 2
                continue
            if target is None and (key[:1].isdigit() or ":" in key):
                target = words[i]
            i += 1
        if target is None or dev is None or "$" in dev:
            return []
        text, slash, length = target.text.partition("/")
        address = _ip(text)
        bits = _prefix(length, address.version) if address is not None and slash else None
        if address is None or (slash and bits is None):
            self.problem(target.span, f"ip addr add {target.text}: not an address with an optional prefix", "note")
            return []
        if bits is None:
            bits, mask_from = (32 if address.version == 4 else 128), "default"
        else:
            mask_from = "prefix"
        return [Address(netaddr.IPNetwork(f"{address}/{bits}"), target.span, label or dev, mask_from, True)]


def parse_interfaces(source: Source, view: TreeView, cache: SourceCache) -> Interfaces:
    """Read one interfaces file (and what it sources) into stanzas and addresses."""
    reader = _Reader(source, view, cache)
    reader.read(source)
    builder = _Addresses(reader.problems)
    stanzas = tuple(builder.stanza(st) for st in reader.stanzas)
    return Interfaces(
        source=source,
        sources=tuple(reader.sources),
        stanzas=stanzas,
        autos=tuple(reader.autos),
        allows=tuple(reader.allows),
        problems=tuple(reader.problems),
    )


__all__ = [
    "Address", "HostAddress", "IfaceStanza", "Interfaces", "Option", "Problem", "Word",
    "interfaces_sniff", "logical_lines", "parse_interfaces",
]
