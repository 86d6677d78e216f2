"""The DNS zone front end: a zone file (and what it $INCLUDEs) read as BIND loads it.

BIND's master-file loader (lib/dns/master.c, load_text(), 9.18) is the reference for what a
file means: owner names (``@``, relative, absolute, a blank at the line start repeats the
previous owner), ``[TTL] [class] type`` in either order, ``$ORIGIN``, ``$TTL``, ``$INCLUDE``
(its own origin and owner; TTLs carry on across it), ``$GENERATE`` with BIND's ``${offset,
width, base}`` modifiers, ``$DATE``; a record without TTL takes ``$TTL``, else the previous
record's TTL, else (SOA only) the SOA minimum. Record data is checked by
:mod:`halint.formats.zone.rdata` (dnspython semantics, with a cheap path for the common types).

What BIND refuses to load becomes a :class:`~halint.formats.zone.records.ZoneProblem` (ZN001)
at the record or directive that causes it; what it ignores (data outside the origin) is kept
apart in ``Zone.ignored`` (ZN007). Semantic checks with rules of their own (CNAME and other
data, NS targets) are left to those rules.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from halint.core.fsview import SourceCache, TreeView
from halint.formats.zone import rdata as rd
from halint.formats.zone.lexer import _SLOW, Entry, _scan, entries, joined, unquote, word_offsets
from halint.formats.zone.names import (
    MAX_SANE_TTL,
    NameError_,
    absolute_name,
    class_name,
    is_subdomain,
    parse_class,
    parse_ttl,
    wire_length,
)
from halint.formats.zone.records import Record, Soa, Zone, ZoneProblem
from halint.core.source import Source, SourceError, Span

__all__ = ["read_zone", "zone_sniff", "guess_origin", "origin_from_file_name", "Record", "Soa", "Zone", "ZoneProblem"]

IN = 1
INT_MAX = 2**31 - 1

_new_record = tuple.__new__
#: the owner after a line whose owner name is invalid: blank-led lines after it are dropped
#: without more problems (the name's problem is reported once)
BAD_OWNER = ""
#: types the inline path handles (each has a cheap check in zone_rdata)
_FAST_TYPES = {name: getattr(rd, name) for name in ("A", "AAAA", "NS", "CNAME", "PTR", "MX", "TXT", "SRV", "DNAME")}
_FAST_LINE = re.compile(
    r"""
    ([A-Za-z0-9_*-]+(?:\.[A-Za-z0-9_*-]+)*\.?)?          # 1 owner (none: a blank-led line)
    ([ \t]+)                                              # 2
    (?:(\d{1,10})[ \t]+(?:[Ii][Nn][ \t]+)?                # 3 TTL [IN]
      |[Ii][Nn][ \t]+(?:(\d{1,10})[ \t]+)?)?               # 4 IN [TTL]
    ((?i:AAAA|A|NS|CNAME|PTR|MX|TXT|SRV|DNAME))[ \t]+     # 5 type
    ((?:[^\s;"()\\]+|"[^"\\\n\r]*")(?:[ \t]+(?:[^\s;"()\\]+|"[^"\\\n\r]*"))*)  # 6 data
    [ \t\r]*(?:;[^\n]*)?$
    """,
    re.VERBOSE,
)
_IPV4 = rd.IPV4.match


def _never(*_args):
    return None


def _plain_owner(word: str, origin: str, suffix: str) -> str | None:
    """Canonical name of an owner the inline path matched (letters, digits, ``_*-`` and dots),
    or None to let the general path decide (and report)."""
    if len(word) > 63 and max(len(label) for label in word.split(".")) > 63:
        return None
    if word.endswith("."):
        full = word.lower()
    else:
        full = word.lower() + suffix
    if len(full) > 253 and wire_length(full) > 255:
        return None
    return full


# -- discovery --------------------------------------------------------------------------------

_DIRECTIVE_SNIFF = re.compile(rb"^\$(?:ORIGIN|TTL|INCLUDE|GENERATE)[ \t]", re.IGNORECASE | re.MULTILINE)
#: an SOA record: owner (or a blank), up to two TTL/class words, SOA, two names and a number,
#: with blanks, parentheses and comments between them (each separator step is one character or
#: one whole comment, so the match stays linear)
_SEP = rb"(?:[\s(]|;[^\n]*\n)+"
_SOA_SNIFF = re.compile(
    rb"^\S*[ \t]+(?:(?:\d+[wdhms\d]*|IN|CH|HS|CLASS\d+)[ \t]+){0,2}SOA" + _SEP + rb"[^\s();]+" + _SEP + rb"[^\s();]+" + _SEP + rb"\d",
    re.IGNORECASE | re.MULTILINE,
)


def zone_sniff(path_name: str, head: bytes) -> bool:
    """A cheap look at a file's first bytes: a zone-file directive at a line start, or an SOA
    record. Used by discovery after the keepalived, named.conf and IOS classifiers."""
    return bool(_DIRECTIVE_SNIFF.search(head) or _SOA_SNIFF.search(head))


# -- the origin -------------------------------------------------------------------------------

_FILE_NAME = (re.compile(r"^db\.(.+)$"), re.compile(r"^(.+)\.zone$"), re.compile(r"^(.+)\.db$"))
_REVERSE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){0,2}$")


def origin_from_file_name(name: str) -> tuple[str, str] | None:
    """(origin, how) from a conventional file name: ``db.NAME``, ``NAME.zone``, ``NAME.db``.
    ``db.192.168.1`` (Debian's naming of reverse zones) is read as 1.168.192.in-addr.arpa."""
    for pattern in _FILE_NAME:
        match = pattern.match(name)
        if not match:
            continue
        stem = match.group(1).rstrip(".")
        if _REVERSE.match(stem) and pattern is _FILE_NAME[0]:
            reverse = ".".join(reversed(stem.split("."))) + ".in-addr.arpa."
            return reverse, f"file name {name} (a reverse zone: {reverse})"
        try:
            origin = absolute_name(stem + ".", None)
        except NameError_:
            continue
        return origin, f"file name {name}"
    return None


def guess_origin(source: Source) -> tuple[str | None, str]:
    """The origin of a zone file read on its own: the SOA owner when it can be resolved (an
    absolute owner, or one relative to a $ORIGIN above it; a zone's SOA is at its apex), else
    a $ORIGIN above the first record, else the file name."""
    text = source.text
    current: str | None = None
    top: tuple[str, int] | None = None
    seen_record = False
    owner_word: str | None = None
    owner_at = 0
    # as intended: a byte-order mark, which BIND makes part of the first word, is not read here
    for count, entry in enumerate(entries(text, source.content_start)):
        if count > 5000:
            break
        if entry.error is not None:
            continue
        words = entry.words
        if not entry.initial_ws and words[0].startswith("$"):
            if words[0].upper() == "$ORIGIN" and len(words) > 1:
                try:
                    current = absolute_name(unquote(words[1]), current)
                except NameError_:
                    continue
                if not seen_record and top is None:
                    top = (current, source.position(entry.start)[0])
            continue
        seen_record = True
        index = 0
        if not entry.initial_ws:
            owner_word, owner_at = unquote(words[0]), entry.start
            index = 1
        for _ in range(3):
            if index < len(words) and (parse_class(words[index]) is not None or parse_ttl(words[index]) is not None):
                index += 1
        if index < len(words) and words[index].upper() == "SOA":
            if owner_word is not None:
                try:
                    owner = absolute_name(owner_word, current)
                except NameError_:
                    break
                if top is not None and owner == top[0]:
                    return owner, f"$ORIGIN at line {top[1]}"
                return owner, f"SOA owner at line {source.position(owner_at)[0]}"
            break
    if top is not None:
        return top[0], f"$ORIGIN at line {top[1]}"
    guessed = origin_from_file_name(Path(source.path).name)
    if guessed is not None:
        return guessed
    return None, "no origin: no manifest entry or named.conf zone names this file, it has no $ORIGIN or absolute SOA owner, and its name is not db.NAME, NAME.zone or NAME.db"


# -- the reader -------------------------------------------------------------------------------


def read_zone(
    source: Source,
    view: TreeView,
    cache: SourceCache,
    *,
    origin: str | None = None,
    origin_from: str | None = None,
) -> Zone:
    """Read a zone file for ``origin`` (absolute name text), or for the origin guessed from the
    file when None is given (:func:`guess_origin`). Never raises for bad input."""
    if origin is not None:
        text = origin if origin.endswith(".") else origin + "."
        try:
            canonical = absolute_name(text, None)
        except NameError_ as err:
            problem = ZoneProblem(Span(source, 0, 0), f"the zone's origin `{origin}` is not a valid name: {err}")
            return Zone(source, None, origin_from or "given", (), (), (problem,), (source,))
        how = origin_from or "given"
    else:
        canonical, how = guess_origin(source)
        if canonical is None:
            return Zone(source, None, how, (), (), (), (source,))
    reader = _Reader(view, cache, canonical)
    reader.read(source)
    return reader.zone(source, how)


class _Reader:
    def __init__(self, view: TreeView, cache: SourceCache, origin: str):
        self.view = view
        self.cache = cache
        self.zone_origin = origin
        self.records: list[Record] = []
        self.ignored: list[Record] = []
        self.problems: list[ZoneProblem] = []
        self.sources: list[Source] = []
        self.stack: list[Path] = []
        # lctx-wide in BIND: these carry on into and out of $INCLUDEd files
        self.ttl = 0
        self.ttl_known = False
        self.default_ttl = 0
        self.default_ttl_known = False
        self.fast = True  #: use the inline path for plain lines (tests turn it off to compare)
        self.complete = True  #: every $INCLUDE was read
        #: records the $GENERATE lines may still produce (limits.generate_records; BIND has no
        #: limit, but a typo such as 0-2000000000 would otherwise hang the check)
        self.generate_left = cache.limits.generate_records
        self.include_reads = 0  #: files read through $INCLUDE so far (limits.includes)

    # -- results ------------------------------------------------------------------------------

    def zone(self, source: Source, how: str) -> Zone:
        self._zone_checks(source)
        self.problems.sort(key=lambda p: (self.sources.index(p.span.source) if p.span.source in self.sources else 0, p.span.start))
        return Zone(
            source, self.zone_origin, how, tuple(self.records), tuple(self.ignored), tuple(self.problems),
            tuple(self.sources), self.complete,
        )

    def problem(self, source: Source, start: int, end: int, message: str) -> None:
        self.problems.append(ZoneProblem(Span(source, start, end), message))

    def _zone_checks(self, source: Source) -> None:
        origin = self.zone_origin
        soas = [r for r in self.records if r.rdtype == rd.SOA]
        if not soas:
            first = self.records[0].span if self.records else Span(source, 0, 0)
            empty = "the file is empty, so " if not source.text[source.content_start :].strip() else ""
            self.problems.append(
                ZoneProblem(first, f"{empty}the zone has no SOA record at its origin {origin} (BIND: \"has 0 SOA records\")")
            )
        else:
            self._singletons(soas, "SOA", "a zone has exactly one SOA record")
        dnames: dict[str, list[Record]] = {}
        for record in self.records:
            if record.rdtype == rd.DNAME:
                dnames.setdefault(record.owner, []).append(record)
        for group in dnames.values():
            if len(group) > 1:
                self._singletons(group, "DNAME", "a name has at most one DNAME record")

    def _singletons(self, group: list[Record], what: str, why: str) -> None:
        first = group[0]
        key = first.canonical()
        for other in group[1:]:
            if other.canonical() != key:
                line = first.span.line
                where = f"line {line}" if other.source is first.source else f"{first.source.path.name}:{line}"
                self.problems.append(
                    ZoneProblem(
                        other.span,
                        f"a second {what} record for {other.owner} (the first is at {where}); {why}, and BIND "
                        f"refuses the zone (\"multiple RRs of singleton type\")",
                    )
                )

    # -- files --------------------------------------------------------------------------------

    def read(self, source: Source, origin: str | None = None, current: str | None = None) -> None:
        """Read one file. Lines of the common shape (a plain owner or a blank, an optional TTL
        and IN, a frequent type, plain data that the cheap check accepts, inside the zone) are
        handled inline, matched by one regular expression; every other line, and anything
        unusual about those, goes through :meth:`entry`, which alone decides (a test proves
        both ways give the same zone)."""
        origin = origin or self.zone_origin
        self.sources.append(source)
        self.stack.append(Path(os.path.abspath(source.path)))
        text = source.text
        size = len(text)
        find = text.find
        slow = _SLOW.search
        match = _FAST_LINE.match if self.fast else _never
        append = self.records.append
        zone_origin = self.zone_origin
        inside = is_subdomain(origin, zone_origin)
        suffix = "." + origin if origin != "." else "."
        last_word = last_owner = None
        pos = 0
        try:
            while pos < size:
                nl = find("\n", pos)
                stop = size if nl == -1 else nl
                m = match(text, pos, stop)
                if m is not None:
                    word, ttl_a, ttl_b, type_word, rdata = m.group(1, 3, 4, 5, 6)
                    record = None
                    if word is None:
                        owner = current
                        start = m.end(2)
                        ok = bool(owner) and is_subdomain(owner, zone_origin)
                    else:
                        start = pos
                        if word == last_word:
                            owner = last_owner
                        else:
                            owner = _plain_owner(word, origin, suffix)
                            last_word, last_owner = word, owner
                        ok = owner is not None and (inside and not word.endswith(".") or is_subdomain(owner, zone_origin))
                    if ok:
                        record = self._fast(source, owner, ttl_a or ttl_b, type_word, rdata, origin, start, m.end(6))
                    if record is not None:
                        current = owner
                        append(record)
                        pos = stop + 1
                        continue
                line = text[pos:stop]
                if not line.isascii() or slow(line):
                    entry, pos = _scan(text, pos)
                    if entry is not None:
                        if entry.start == 0 and source.bom:
                            origin, current = self.bom_entry(source, entry, origin, current)
                        else:
                            origin, current = self.entry(source, entry, origin, current)
                        inside = is_subdomain(origin, zone_origin)
                        suffix = "." + origin if origin != "." else "."
                        last_word = None
                    continue
                pos = stop + 1
                cut = line.find(";")
                part = line if cut == -1 else line[:cut]
                words = part.split()
                if not words:
                    continue
                lead = len(part) - len(part.lstrip())
                start = stop - len(line) + lead
                entry = Entry(start - lead, start, start - lead + len(part.rstrip()), lead > 0 and part[0] in " \t", words, None, None)
                origin, current = self.entry(source, entry, origin, current)
                inside = is_subdomain(origin, zone_origin)
                suffix = "." + origin if origin != "." else "."
                last_word = None
        finally:
            self.stack.pop()

    def _fast(self, source, owner, ttl_word, type_word, rdata, origin, start, end) -> Record | None:
        """The record of a line of the common shape, or None to take the general path."""
        rdtype = _FAST_TYPES.get(type_word) or _FAST_TYPES.get(type_word.upper())
        if len(rdata) > rd.LONG_RDATA:
            return None
        if rdtype == rd.A:
            if not _IPV4(rdata):
                return None
        else:
            if "\t" in rdata or "  " in rdata:
                if '"' in rdata:
                    return None
                rdata = " ".join(rdata.split())
            if rdtype == rd.NS and owner.startswith("*.") or not rd.fast_ok(rdtype, rdata, origin):
                return None
        if ttl_word is not None:
            ttl = int(ttl_word)
            if ttl > MAX_SANE_TTL:
                return None
            self.ttl = ttl
            self.ttl_known = True
        elif self.default_ttl_known:
            self.ttl = self.default_ttl
        elif not self.ttl_known:
            return None
        return _new_record(Record, (owner, self.ttl, rdtype, rdata, origin, source, start, end - start))

    def bom_entry(self, source: Source, entry: Entry, origin: str, current: str | None) -> tuple[str, str | None]:
        """The first line of a file that starts with a UTF-8 byte-order mark. BIND does not strip
        the mark (lib/dns/master.c reads bytes through isc_lex; checked with named-checkzone 9.18):
        it is part of the first word, so ``$TTL`` or ``$ORIGIN`` is no directive, ``@`` no apex
        and a comment line an owner name with no record, and BIND refuses the zone. A plain name
        (``www``) becomes the owner ``\\239\\187\\191www``: BIND loads that record under it, and named
        refuses the zone only where check-names applies to the owner (A and AAAA records, which
        must be host names: ``check-names primary fail`` is named's default)."""
        problems, records = len(self.problems), len(self.records)
        origin, current = self.entry(source, entry, origin, current)
        word = entry.words[0] if entry.words else ""
        written = word[1:] if word.startswith("\ufeff") else word
        first = f"as part of the first word, `{written}`" if written else "as a word of its own, an owner name"
        head = f"the file starts with a UTF-8 byte-order mark (bytes EF BB BF), which BIND reads {first}"
        if len(self.problems) > problems:
            if not written or written[0] in "$@\"":  # else the name is just longer: not the cause
                for i in range(problems, len(self.problems)):
                    span, message = self.problems[i]
                    self.problems[i] = ZoneProblem(span, f"{head}: {message}; remove the mark")
        elif len(self.records) > records:
            record = self.records[records]
            if record.rdtype in (rd.A, rd.AAAA):
                self.problem(
                    source, 0, entry.start + len(word),
                    f"{head}: the owner becomes {record.owner}, which is no host name, and named refuses the "
                    f"zone (check-names: `fail` by default for a primary zone; named-checkzone only warns); "
                    "remove the mark",
                )
        return origin, current

    def entry(self, source: Source, entry: Entry, origin: str, current: str | None) -> tuple[str, str | None]:
        """One logical line, the general way; returns the origin and owner in force after it."""
        if entry.error is not None:
            start, end, message = entry.error
            self.problem(source, start, end, message)
            return origin, current
        words = entry.words
        if entry.initial_ws:
            if current == BAD_OWNER:
                return origin, current
            if current is None:
                self.problem(
                    source, entry.start, entry.end,
                    "the line starts with a blank, so it repeats the previous owner name, but there is none",
                )
                return origin, current
            self.record(source, entry, current, 0, origin)
            return origin, current
        first = words[0]
        if first[0] == "$":
            return self.directive(source, entry, origin, current)
        try:
            owner = absolute_name(unquote(first), origin, source.encoding)
        except NameError_ as err:
            self.problem(source, entry.start, entry.start + len(first), f"bad owner name: {err}")
            return origin, BAD_OWNER
        self.record(source, entry, owner, 1, origin)
        return origin, owner

    # -- records ------------------------------------------------------------------------------

    def _word_span(self, source: Source, entry: Entry, index: int) -> tuple[int, int]:
        offsets = word_offsets(source.text, entry)
        if index < len(offsets):
            return offsets[index], offsets[index] + len(entry.words[index])
        return entry.start, entry.end

    def _ttl_class_type(self, source: Source, entry: Entry, index: int, owner: str):
        """BIND's ``[class] [TTL] [class] type``: (ttl or None, class or None, type, index of
        the type word), or None after reporting a problem."""
        words = entry.words
        n = len(words)
        rdclass = None
        ttl = None
        if index < n:
            rdclass = parse_class(words[index])
            if rdclass is not None:
                index += 1
        if index < n:
            ttl = parse_ttl(words[index])
            if ttl is not None:
                index += 1
        if rdclass is None and index < n:
            rdclass = parse_class(words[index])
            if rdclass is not None:
                index += 1
        if index >= n:
            self.problem(source, entry.start, entry.end, f"the record for {owner} has no type")
            return None
        word = words[index]
        rdtype = rd.rdtype_of(word)
        if rdtype is None:
            start, end = self._word_span(source, entry, index)
            self.problem(source, start, end, f"unknown record type `{word}`")
            return None
        if rdclass is not None and rdclass != IN:
            start, end = self._word_span(source, entry, index - 1)
            self.problem(source, start, end, f"class {class_name(rdclass)} in a zone of class IN")
            return None
        return ttl, rdtype, index

    def record(self, source: Source, entry: Entry, owner: str, index: int, origin: str) -> None:
        parsed = self._ttl_class_type(source, entry, index, owner)
        if parsed is None:
            return
        ttl, rdtype, index = parsed
        words = entry.words
        if rd.is_meta(rdtype) or rd.is_obsolete(rdtype):
            start, end = self._word_span(source, entry, index)
            why = "a meta type, only meaningful in queries" if rd.is_meta(rdtype) else "obsolete (RFC 1123 5.2.4)"
            self.problem(source, start, end, f"type {rd.type_name(rdtype)} cannot be loaded from a zone file: {why}")
            return
        rdata = joined(entry, index + 1) if index + 1 < len(words) else ""
        length = entry.end - entry.start
        self.add(source, entry.start, length, owner, ttl, rdtype, rdata, origin, entry, index + 1)

    def add(self, source, start, length, owner, ttl, rdtype, rdata, origin, entry=None, data_index=0) -> bool:
        """Check and store one record; False when it is refused (a problem was recorded)."""
        error = rd.check(rdtype, rdata, origin)
        if error is not None:
            at, end = start, start + length
            if entry is not None and rdata:
                offsets = word_offsets(source.text, entry)
                if data_index < len(offsets):
                    at = offsets[data_index]
            self.problem(source, at, end, f"bad {rd.type_name(rdtype)} data `{_short(rdata)}` for {owner}: {error}")
            return False
        if not is_subdomain(owner, self.zone_origin):
            self.ignored.append(_new_record(Record, (owner, ttl if ttl is not None else self.ttl, rdtype, rdata, origin, source, start, length)))
            return True
        if rdtype == rd.SOA and owner != self.zone_origin:
            self.problem(
                source, start, start + length,
                f"SOA record for {owner}, which is not the zone's origin {self.zone_origin}; an SOA belongs at "
                f"the top of its zone, and BIND refuses this one",
            )
            return False
        if rdtype == rd.DS and owner == self.zone_origin:
            self.problem(
                source, start, start + length,
                f"DS record at the zone's origin {owner}: DS records belong in the parent zone, and BIND refuses them here",
            )
            return False
        if rdtype == rd.NS and (owner == "*." or owner.startswith("*.")):
            self.problem(source, start, start + length, f"NS records cannot be owned by the wildcard name {owner}")
            return False
        # the TTL, as BIND settles it (master.c, load_text())
        if ttl is not None:
            self.ttl = ttl if ttl <= MAX_SANE_TTL else 0
            self.ttl_known = True
        elif not self.ttl_known and not self.default_ttl_known:
            if rdtype == rd.SOA:
                values = rd.soa_values(rdata, origin)
                minimum = values[6] if values else 0
                self.ttl = minimum if minimum <= MAX_SANE_TTL else 0
                self.default_ttl = self.ttl
                self.default_ttl_known = True
            else:
                self.problem(
                    source, start, start + length,
                    f"no TTL for {owner} {rd.type_name(rdtype)}: the record has none and no $TTL or earlier "
                    f"record sets one, so BIND refuses the zone",
                )
                return False
        elif self.default_ttl_known:
            self.ttl = self.default_ttl
        self.records.append(_new_record(Record, (owner, self.ttl, rdtype, rdata, origin, source, start, length)))
        return True

    # -- directives ---------------------------------------------------------------------------

    def directive(self, source: Source, entry: Entry, origin: str, current: str | None) -> tuple[str, str | None]:
        words = entry.words
        name = words[0].upper()
        if name == "$TTL":
            if len(words) < 2:
                self.problem(source, entry.start, entry.end, "$TTL without a value")
            else:
                value = parse_ttl(words[1])
                if value is None:
                    start, end = self._word_span(source, entry, 1)
                    self.problem(source, start, end, f"bad $TTL value `{words[1]}`")
                else:
                    self.ttl = self.default_ttl = value if value <= MAX_SANE_TTL else 0
                    self.default_ttl_known = True
                    self._extra(source, entry, 2)
            return origin, current
        if name == "$ORIGIN":
            if len(words) < 2:
                self.problem(source, entry.start, entry.end, "$ORIGIN without a name")
                return origin, current
            try:
                new = absolute_name(unquote(words[1]), origin, source.encoding)
            except NameError_ as err:
                start, end = self._word_span(source, entry, 1)
                self.problem(source, start, end, f"bad $ORIGIN name: {err}")
                return origin, current
            self._extra(source, entry, 2)
            return new, current
        if name == "$INCLUDE":
            self.include(source, entry, origin, current)
            return origin, current
        if name == "$GENERATE":
            self.generate(source, entry, origin)
            return origin, current
        if name == "$DATE":
            if len(words) < 2 or not re.fullmatch(r"\d{14}", words[1]):
                self.problem(source, entry.start, entry.end, "$DATE needs a time as YYYYMMDDHHMMSS")
            return origin, current
        start, end = self._word_span(source, entry, 0)
        self.problem(source, start, end, f"unknown directive `{words[0]}` ($ORIGIN, $TTL, $INCLUDE, $GENERATE or $DATE)")
        return origin, current

    def _extra(self, source: Source, entry: Entry, index: int) -> None:
        if len(entry.words) > index:
            start, _ = self._word_span(source, entry, index)
            self.problem(source, start, entry.end, f"unexpected text after {entry.words[0]}: `{' '.join(entry.words[index:])}`")

    def include(self, source: Source, entry: Entry, origin: str, current: str | None) -> None:
        words = entry.words
        if len(words) < 2:
            self.problem(source, entry.start, entry.end, "$INCLUDE without a file name")
            self.complete = False
            return
        file_start, file_end = self._word_span(source, entry, 1)
        target = unquote(words[1])
        new_origin = origin
        if len(words) > 2:
            try:
                new_origin = absolute_name(unquote(words[2]), origin, source.encoding)
            except NameError_ as err:
                start, end = self._word_span(source, entry, 2)
                self.problem(source, start, end, f"bad origin in $INCLUDE: {err}")
                self.complete = False
                return
            self._extra(source, entry, 3)
        if target.startswith("/"):
            real = self.view.real_path(target, "/")
        else:
            base = Path(os.path.abspath(self.sources[0].path)).parent
            real = Path(os.path.normpath(base / target))
        if not self.view.inside(real):
            self.problem(source, file_start, file_end, f"$INCLUDE {target}: resolves outside the checked tree (not read)")
            self.complete = False
            return
        key = Path(os.path.abspath(real))
        if key in self.stack:
            self.problem(source, file_start, file_end, f"$INCLUDE {target}: include cycle (the file is already being read)")
            self.complete = False
            return
        if len(self.stack) >= self.cache.limits.include_depth:
            most = self.cache.limits.include_depth
            self.problem(source, file_start, file_end, f"$INCLUDE {target}: more than {most} nested includes (halint's limit; not read)")
            self.complete = False
            return
        if self.include_reads >= self.cache.limits.includes:
            if self.include_reads == self.cache.limits.includes:  # said once
                self.problem(
                    source, file_start, file_end,
                    f"$INCLUDE {target}: more than {self.cache.limits.includes} files read through $INCLUDE, "
                    "re-reads counted (halint's limit, [limits] includes); not read from here on",
                )
                self.include_reads += 1
            self.complete = False
            return
        self.include_reads += 1
        loaded = self.cache.get(real)
        if isinstance(loaded, SourceError):
            reason = "file not found" if str(loaded) == "no such file" else str(loaded)
            self.problem(source, file_start, file_end, f"$INCLUDE {target}: {reason}; BIND refuses to load the zone")
            self.complete = False
            return
        self.read(loaded, new_origin, current)

    def generate(self, source: Source, entry: Entry, origin: str) -> None:
        """``$GENERATE range lhs [class] [TTL] [class] type rhs`` (master.c, generate())."""
        words = entry.words
        span = (entry.start, entry.end)
        if len(words) < 5:
            self.problem(source, *span, "$GENERATE needs a range, an owner pattern, a type and a data pattern")
            return
        bounds = _generate_range(words[1])
        if bounds is None:
            start, end = self._word_span(source, entry, 1)
            self.problem(source, start, end, f"$GENERATE: invalid range `{words[1]}` (start-stop[/step], 0 <= start <= stop)")
            return
        lhs = words[2]
        index = 3
        rdclass = parse_class(words[index])
        if rdclass is not None:
            index += 1
        ttl = parse_ttl(words[index]) if index < len(words) else None
        if ttl is not None:
            index += 1
        if rdclass is None and index < len(words):
            rdclass = parse_class(words[index])
            if rdclass is not None:
                index += 1
        if index + 2 != len(words):
            self.problem(source, *span, "$GENERATE: expected `range lhs [class] [ttl] type rhs`")
            return
        rdtype = rd.rdtype_of(words[index])
        if rdtype is None:
            start, end = self._word_span(source, entry, index)
            self.problem(source, start, end, f"$GENERATE: unknown record type `{words[index]}`")
            return
        if rd.is_meta(rdtype):
            start, end = self._word_span(source, entry, index)
            self.problem(source, start, end, f"$GENERATE: meta type {rd.type_name(rdtype)}")
            return
        if rdclass is not None and rdclass != IN:
            self.problem(source, *span, f"$GENERATE: class {class_name(rdclass)} in a zone of class IN")
            return
        rhs = unquote(words[index + 1])
        if ttl is not None:
            self.ttl = ttl if ttl <= MAX_SANE_TTL else 0
            self.ttl_known = True
        elif not self.ttl_known and not self.default_ttl_known:
            self.problem(source, *span, "$GENERATE: no TTL (no $TTL, and no earlier record sets one)")
            return
        elif self.default_ttl_known:
            self.ttl = self.default_ttl
        start_i, stop_i, step = bounds
        wanted = len(range(start_i, stop_i + 1, step))
        if wanted > self.generate_left:
            most = self.cache.limits.generate_records
            self.problem(
                source, *span,
                f"$GENERATE {start_i}-{stop_i}: {wanted} records would take this zone's $GENERATE lines past "
                f"{most} records (halint's limit, [limits] generate-records); BIND would load them, halint "
                f"reads the first {self.generate_left} and no more",
            )
            self.complete = False
        for count, i in enumerate(range(start_i, stop_i + 1, step)):
            if self.generate_left <= 0:
                break
            self.generate_left -= 1
            try:
                name_text = genname(lhs, i)
                data_text = genname(rhs, i)
                owner = absolute_name(name_text, origin, source.encoding)
            except (GenerateError, NameError_) as err:
                self.problem(source, *span, f"$GENERATE at {i}: {err}")
                return
            scanned, _ = _scan(data_text, 0) if data_text else (None, 0)
            rdata = joined(scanned, 0) if scanned is not None and scanned.words else ""
            ttl_now = self.ttl
            if not self.add(source, entry.start, entry.end - entry.start, owner, ttl_now, rdtype, rdata, origin):
                return


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


_RANGE = re.compile(r"^\s*([+-]?\d+)-\s*([+-]?\d+)(?:(/)(?:\s*([+-]?\d+))?)?")


def _generate_range(text: str) -> tuple[int, int, int] | None:
    """sscanf(range, "%d-%d%1[/]%d") as BIND's generate() reads it."""
    match = _RANGE.match(text)
    if not match:
        return None
    start, stop = int(match.group(1)), int(match.group(2))
    slash, step_text = match.group(3), match.group(4)
    if slash and step_text is None:
        return None  # n == 3
    step = int(step_text) if step_text is not None else 1
    if start < 0 or stop < 0 or step < 1 or stop < start or start > INT_MAX or stop > INT_MAX:
        return None
    return start, stop, step


class GenerateError(ValueError):
    pass


_MOD_DELTA = re.compile(r"\{\s*([+-]?\d+)([,}])?")
_MOD_WIDTH = re.compile(r"\s*([+-]?\d+)([,}])?")
_MOD_MODE = re.compile(r"([doxXnN])(\})?")


def genname(pattern: str, it: int) -> str:
    """One $GENERATE expansion (master.c, genname()): ``$`` is the iterator, ``$$`` a literal
    dollar, ``${offset[,width[,base]]}`` with base d, o, x, X, n or N (nibbles, for ip6.arpa);
    ``\\X`` is copied as is."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch != "$":
            out.append(ch)
            i += 1
            continue
        i += 1
        if i < n and pattern[i] == "$":
            out.append("$")
            i += 1
            continue
        delta, width, mode = 0, 0, "d"
        if i < n and pattern[i] == "{":
            delta, width, mode = _modifier(pattern, i)
            close = pattern.find("}", i)
            i = n if close == -1 else close + 1
        if it > 0 and delta > INT_MAX - it:
            raise GenerateError("offset out of range")
        value = it + delta
        if mode in "nN":
            text = _nibbles(value & 0xFFFFFFFF, width, mode)
        elif mode == "d":
            text = f"{value:0{width}d}" if width else str(value)
        else:
            unsigned = value & 0xFFFFFFFF
            text = format(unsigned, mode).zfill(width) if width else format(unsigned, mode)
        if len(text) >= 128:
            raise GenerateError("modifier produces too long a value")
        out.append(text)
    return "".join(out)


def _modifier(pattern: str, at: int) -> tuple[int, int, str]:
    """``{%d%1[,}]%u%1[,}]%1[doxXnN]%1[}]`` with BIND's cases."""
    m1 = _MOD_DELTA.match(pattern, at)
    if not m1 or m1.group(2) is None:
        raise GenerateError(f"bad modifier in `{pattern}`")
    delta = int(m1.group(1))
    if m1.group(2) == "}":
        return delta, 0, "d"
    m2 = _MOD_WIDTH.match(pattern, m1.end())
    if not m2 or m2.group(2) is None:
        raise GenerateError(f"bad modifier in `{pattern}`")
    width = int(m2.group(1)) & 0xFFFFFFFF
    if width > 100:
        raise GenerateError(f"modifier width too large in `{pattern}`")
    if m2.group(2) == "}":
        return delta, width, "d"
    m3 = _MOD_MODE.match(pattern, m2.end())
    if not m3 or m3.group(2) is None:
        raise GenerateError(f"bad modifier in `{pattern}`")
    return delta, width, m3.group(1)


def _nibbles(value: int, width: int, mode: str) -> str:
    digits = "0123456789abcdef" if mode == "n" else "0123456789ABCDEF"
    out: list[str] = []
    while True:
        out.append(digits[value & 0xF])
        value >>= 4
        if width > 0:
            width -= 1
        if width > 0 or value != 0:
            out.append(".")
            if width > 0:
                width -= 1
        if not (value != 0 or width > 0):
            break
    return "".join(out)
