"""ZN006 soa-timers: SOA timers outside RFC 1912 2.2 recommendations.

refresh 1200-43200 seconds (20 minutes to 12 hours); retry lower than refresh; expire at least
7 x refresh and 1209600-2419200 seconds (2 to 4 weeks); the negative-caching TTL (the SOA
minimum, RFC 2308 4) at most 86400 (1 day, RFC 2308 5).
"""
from __future__ import annotations

from halint.diagnostic import Diagnostic
from halint.model.zone import ZoneUnit
from halint.rules.base import rule
from halint.rules.zone.common import checked, ttl_text


@rule("ZN006", "zone")
def check(unit: ZoneUnit, ctx):
    zone = unit.zone
    if not checked(zone) or zone.soa is None:
        return
    soa = zone.soa
    if not 1200 <= soa.refresh <= 43200:
        yield Diagnostic(
            "ZN006",
            f"SOA refresh {ttl_text(soa.refresh)} is outside 1200-43200 seconds (20 minutes to 12 hours, RFC 1912 2.2): "
            + ("secondaries poll the primary very often" if soa.refresh < 1200 else "secondaries notice changes late when a NOTIFY is lost"),
            soa.span_of("refresh"),
        )
    if soa.retry >= soa.refresh:
        yield Diagnostic(
            "ZN006",
            f"SOA retry {ttl_text(soa.retry)} is not lower than refresh {ttl_text(soa.refresh)} (RFC 1912 2.2): a "
            f"secondary whose refresh failed should retry sooner than its regular refresh",
            soa.span_of("retry"),
        )
    problems = []
    if soa.expire < 7 * soa.refresh:
        problems.append(f"less than 7 x refresh ({7 * soa.refresh})")
    if not 1209600 <= soa.expire <= 2419200:
        problems.append("outside 1209600-2419200 seconds (2 to 4 weeks)")
    if problems:
        consequence = (
            "secondaries stop answering for the zone soon after they lose the primary"
            if soa.expire < 1209600 or soa.expire < 7 * soa.refresh
            else "secondaries keep serving stale data for long after they lose the primary"
        )
        yield Diagnostic(
            "ZN006",
            f"SOA expire {ttl_text(soa.expire)} is {' and '.join(problems)} (RFC 1912 2.2): {consequence}",
            soa.span_of("expire"),
        )
    if soa.minimum > 86400:
        yield Diagnostic(
            "ZN006",
            f"SOA minimum (negative-caching TTL) {ttl_text(soa.minimum)} is over 86400 (1 day, RFC 2308 5): "
            f"resolvers remember that a name does not exist for that long, so a new name stays invisible",
            soa.span_of("minimum"),
        )
