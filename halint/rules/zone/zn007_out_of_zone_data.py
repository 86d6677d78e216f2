"""ZN007 out-of-zone-data: records outside the zone's origin, and relative-name mistakes.

- A record whose owner is not the origin or below it: BIND ignores it ("ignoring out-of-zone
  data"), dnspython too. Usually an absolute name of another zone, or a $ORIGIN pointing
  elsewhere.
- A name written without its trailing dot that ends with the origin, so the origin is appended
  twice (``www.example.com`` in example.com means www.example.com.example.com.; RFC 1035 5.1).
- A target (NS, MX, SRV, CNAME, DNAME, PTR) written relative, with more than one label, that
  thereby names something inside this zone that does not exist, and whose last label is not a
  name of the zone either: ``CNAME www.example.net`` in example.com means
  www.example.net.example.com.
"""
from __future__ import annotations

import ipaddress

from halint.formats.zone.model import Record, Zone, ZoneUnit, rdata
from halint.formats.zone.lexer import _scan
from halint.formats.zone.names import NameError_, absolute_name, is_subdomain, parent_names
from halint.rules.base import rule
from halint.rules.zone.common import checked

TARGET_TYPES = (rdata.NS, rdata.MX, rdata.SRV, rdata.CNAME, rdata.DNAME, rdata.PTR)


def _doubled(name: str, origin: str) -> bool:
    """``name`` ends with ``origin`` twice (origin not the root)."""
    if origin == ".":
        return False
    twice = origin[:-1] + "." + origin
    return name.endswith(twice) and (name == twice or name[-len(twice) - 1] == ".")


def _owner_word(record: Record) -> str | None:
    """The owner as written on the record's line (None when the line inherits it)."""
    entry, _ = _scan(record.source.text, record.start)
    if entry is None or not entry.words:
        return None
    word = entry.words[0]
    try:
        if absolute_name(word, record.origin, record.source.encoding) == record.owner:
            return word
    except NameError_:
        return None
    return None


@rule("ZN007")
def check(unit: ZoneUnit, ctx):
    zone = unit.zone
    if not checked(zone):
        return
    origin = zone.origin
    reported: set[str] = set()
    for record in zone.ignored:
        if record.owner in reported:
            continue
        reported.add(record.owner)
        count = sum(1 for r in zone.ignored if r.owner == record.owner)
        via = ""
        if record.origin != origin and not is_subdomain(record.origin, origin):
            via = f" (names on this line are relative to $ORIGIN {record.origin})"
        many = f" and {count - 1} more record{'s' if count > 2 else ''} for that name" if count > 1 else ""
        ctx.report(
            f"{record.owner} is outside the zone {origin}{via}",
            record.span,
            note=f"BIND and dnspython ignore this record{many} (\"ignoring out-of-zone data\")",
        )
    seen: set[str] = set()
    twice = origin[:-1] + "." + origin if origin != "." else None
    for record in zone.records:
        owner = record.owner
        if twice is not None and twice in owner:
            doubled = _doubled(owner, origin)
        elif record.origin == origin:
            continue
        else:
            doubled = False
        if owner in seen or not (doubled or _doubled(owner, record.origin)):
            continue
        word = _owner_word(record)
        if word is None or word.endswith("."):
            continue
        seen.add(owner)
        ctx.report(
            f"the owner `{word}` has no trailing dot: it means {owner}",
            record.span,
            note=f"the origin is appended to a name without one; write `{word}.` or `{_strip(word, record.origin, origin)}`",
        )
    _targets(zone, ctx)


def _is_address(word: str) -> bool:
    try:
        ipaddress.ip_address(word)
    except ValueError:
        return False
    return True


def _strip(word: str, *origins: str) -> str:
    lowered = word.lower()
    for origin in origins:
        suffix = origin[:-1]
        if lowered == suffix:
            return "@"
        if lowered.endswith("." + suffix):
            return word[: len(word) - len(suffix) - 1]
    return word


def _targets(zone: Zone, ctx):
    origin = zone.origin
    by_owner = zone.by_owner
    existing: set[str] | None = None
    delegations = dnames = None
    for record in zone.records:
        if record.rdtype not in TARGET_TYPES:
            continue
        word = rdata.target_word(record.rdtype, record.rdata)
        if word is None or word.endswith(".") or word == "@" or "." not in word.replace("\\.", ""):
            continue
        target = record.target
        if target is None or not is_subdomain(target, origin) or target in by_owner or _is_address(word):
            continue  # (an IP address as a target is ZN003's)
        if existing is None:
            existing = set()
            for owner in by_owner:
                existing.update(parent_names(owner, origin))
            delegations = {r.owner for r in zone.records if r.rdtype == rdata.NS and r.owner != origin}
            dnames = {r.owner for r in zone.records if r.rdtype == rdata.DNAME}
        if target in existing:
            continue
        # the written name's last label is not a name of this zone either (``b.sub`` where sub
        # exists was meant to be in the zone: a dangling name, not a missing dot)
        try:
            top = absolute_name(word.rsplit(".", 1)[-1], record.origin, record.source.encoding)
        except NameError_:
            continue
        if top in existing:
            continue
        above = parent_names(target, origin)[1:]
        if any(name in delegations or name in dnames or ("*." + name if name != "." else "*.") in by_owner for name in above):
            continue
        kind = record.type_name
        if _doubled(target, origin) or _doubled(target, record.origin):
            advice = f"write `{word}.` or `{_strip(word, record.origin, origin)}`"
        else:
            advice = f"if you meant the name {word}., end it with a dot"
        ctx.report(
            f"the {kind} target `{word}` of {record.owner} has no trailing dot",
            record.span,
            note=f"it means {target}, which does not exist in this zone; {advice}",
        )
