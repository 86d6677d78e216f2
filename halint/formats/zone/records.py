"""What the zone reader produces: records with their positions, problems, the zone.

These types live beside the reader because their typed views of record data (SOA fields,
targets, canonical form) need dnspython, which only halint/parse may import;
:mod:`halint.formats.zone.model` re-exports them for rules.

A record is a small tuple (owner, TTL, type, rdata text, origin, source, offset, length): no
dnspython object is built while reading, so a zone of a million records stays a few hundred
bytes a record. Typed values are computed on demand, for the few records a rule looks at.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from halint.formats.zone import rdata as rd
from halint.formats.zone.lexer import _scan
from halint.core.source import Source, Span


class Record(NamedTuple):
    owner: str  #: canonical absolute name (see zone_names)
    ttl: int
    rdtype: int
    rdata: str  #: the data's words as written, joined by one space
    origin: str  #: the $ORIGIN in force, for relative names in ``rdata``
    source: Source
    start: int  #: offset of the record's first word (the $GENERATE line for generated records)
    length: int  #: up to the end of its last word

    @property
    def span(self) -> Span:
        return Span(self.source, self.start, self.start + self.length)

    @property
    def type_name(self) -> str:
        return rd.type_name(self.rdtype)

    @property
    def fields(self) -> list[str]:
        return rd.fields(self.rdata)

    @property
    def target(self) -> str | None:
        """The name NS, CNAME, PTR, DNAME, MX or SRV data points at (canonical)."""
        return rd.target_name(self.rdtype, self.rdata, self.origin)

    @property
    def covers(self) -> int | None:
        """For an RRSIG, the type it covers."""
        return rd.rrsig_covers(self.rdata) if self.rdtype == rd.RRSIG else None

    def canonical(self) -> bytes:
        return rd.canonical(self.rdtype, self.rdata, self.origin)

    def field_spans(self) -> list[Span] | None:
        """Where each word of the data is in the file (None for generated records)."""
        words = self.fields
        text = self.source.text
        entry, _ = _scan(text, self.start)
        if entry is None or entry.offsets is None or len(entry.words) < len(words):
            return None
        tail_words = entry.words[-len(words) :]
        tail_offsets = entry.offsets[-len(words) :]
        if tail_words != words:
            return None
        return [Span(self.source, at, at + len(w)) for w, at in zip(tail_words, tail_offsets)]

    def describe(self) -> str:
        return f"{self.owner} {self.type_name} {self.rdata}"


class ZoneProblem(NamedTuple):
    """A reason the zone does not load (ZN001)."""

    span: Span
    message: str


SOA_FIELDS = ("mname", "rname", "serial", "refresh", "retry", "expire", "minimum")


@dataclass(frozen=True)
class Soa:
    record: Record
    mname: str
    rname: str
    serial: int
    refresh: int
    retry: int
    expire: int
    minimum: int

    def span_of(self, field: str) -> Span:
        """Where one SOA field is written (the whole record if it cannot be located)."""
        spans = self.record.field_spans()
        if spans is None or len(spans) != len(SOA_FIELDS):
            return self.record.span
        return spans[SOA_FIELDS.index(field)]

    @property
    def serial_text(self) -> str:
        return self.span_of("serial").text


@dataclass(frozen=True, repr=False)
class Zone:
    """One zone file (with what it $INCLUDEs), read for one origin."""

    source: Source  #: the zone file
    origin: str | None  #: canonical absolute origin, e.g. "leidoscope.com."; None: unknown
    origin_from: str  #: where the origin came from (for --verbose)
    records: tuple[Record, ...] = ()  #: every record the server loads, in file order
    ignored: tuple[Record, ...] = ()  #: records outside the origin (BIND ignores them)
    problems: tuple[ZoneProblem, ...] = ()  #: why it would not load (ZN001)
    sources: tuple[Source, ...] = ()  #: the zone file and every file it $INCLUDEs
    #: False when an $INCLUDE could not be read: what the zone lacks (an NS set, glue, a
    #: changed record) cannot be judged, only what it holds
    complete: bool = True

    def __repr__(self) -> str:
        return f"Zone({self.source.path}, origin={self.origin!r}, {len(self.records)} records)"

    @cached_property
    def apex_soas(self) -> list[Record]:
        return [r for r in self.records if r.rdtype == rd.SOA and r.owner == self.origin]

    @cached_property
    def soa(self) -> Soa | None:
        """The SOA at the apex (the first one when there are several)."""
        for record in self.apex_soas:
            values = rd.soa_values(record.rdata, record.origin)
            if values is not None:
                return Soa(record, *values)
        return None

    @property
    def serial(self) -> int | None:
        return self.soa.serial if self.soa else None

    @cached_property
    def by_owner(self) -> dict[str, list[Record]]:
        """Records grouped by owner (built on first use)."""
        out: dict[str, list[Record]] = {}
        for record in self.records:
            out.setdefault(record.owner, []).append(record)
        return out

    def of_type(self, *rdtypes: int) -> list[Record]:
        wanted = set(rdtypes)
        return [r for r in self.records if r.rdtype in wanted]

    def types_at(self, owner: str) -> set[int]:
        return {r.rdtype for r in self.by_owner.get(owner, ())}
