"""ZN001-ZN008 beyond their documented examples: bad cases (code, line, column, the concrete
values in the message, the fix) and good cases that must stay clean.

Most cases run a rule on a zone read from a small tree; the end-to-end ones go through the
engine (discovery, origin from the file name or named.conf, git base for ZN004)."""
from __future__ import annotations

import datetime
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, check, said, where, write

from halint.core import registry
from halint.engine.check import RuleContext
from halint.core.edits import apply_edits
from halint.core.fsview import SourceCache, TreeView
from halint.formats.zone.model import ZoneUnit
from halint.formats.zone.reader import read_zone
from halint.rules import REGISTRY
from halint.core.source import read_source

TODAY = datetime.date(2025, 11, 25)
HEAD = """\
$TTL 3600
@       IN SOA  ns1.example.com. hostmaster.example.com. (
                2025010101 ; serial
                3600       ; refresh
                900        ; retry
                1209600    ; expire
                300 )      ; negative-caching TTL
        IN NS   ns1
ns1     IN A    192.0.2.1
"""


def zone(tmp_path: Path, body: str, head: str = HEAD, rel: str = "hosts/ns/etc/bind/db.example.com", origin="example.com."):
    path = write(tmp_path, rel, head + textwrap.dedent(body).lstrip("\n"))
    return read_zone(read_source(path), TreeView(tmp_path, tmp_path / "hosts" / "ns"), SourceCache(), origin=origin)


def findings(code: str, unit_or_zone, today=TODAY):
    unit = unit_or_zone if isinstance(unit_or_zone, ZoneUnit) else ZoneUnit(unit_or_zone)
    return list(REGISTRY[code].check(unit, RuleContext(today=today)))


def at(diag) -> tuple[int, int]:
    return diag.span.source.position(diag.span.start)


# -- ZN001 --------------------------------------------------------------------------------------


def test_zn001_through_the_engine(tmp_path):
    write(tmp_path, "hosts/ns/etc/bind/db.example.com", HEAD + "www IN A 10.0.0.1.5\n$INCLUDE parts/missing.inc\n")
    found = check(tmp_path, select=["ZN001"])
    assert [(f.code, f.diagnostic.span.line) for f in found] == [("ZN001", 10), ("ZN001", 11)]
    assert "10.0.0.1.5" in said(found[0]) and "parts/missing.inc: file not found" in said(found[1])


def test_zn001_none_on_a_good_zone(tmp_path):
    assert findings("ZN001", zone(tmp_path, "www IN A 192.0.2.10\n")) == []


# -- ZN002 --------------------------------------------------------------------------------------


def test_zn002_at_the_record_that_completes_the_conflict(tmp_path):
    z = zone(tmp_path, """
        www  IN CNAME web
        web  IN A     192.0.2.11
        www  IN MX    10 mail.example.net.
        www  IN TXT   "hello"
    """)
    [d] = findings("ZN002", z)
    assert at(d) == (12, 1)
    assert "www.example.com. has a CNAME (to web.example.com.) and other data (MX/TXT: MX at line 12, TXT at line 13)" in said(d)
    assert [(r.span.line, r.message) for r in d.related] == [(10, "the CNAME for www.example.com."), (13, "TXT record for www.example.com.")]


def test_zn002_two_cnames(tmp_path):
    z = zone(tmp_path, "a CNAME b\na CNAME c.example.net.\na CNAME B.example.com.\nb A 192.0.2.1\n")
    [d] = findings("ZN002", z)
    assert at(d) == (11, 1) and "second CNAME (to c.example.net.; the first, at line 10, points to b.example.com.)" in said(d)


def test_zn002_dnssec_records_may_share_a_cname_name(tmp_path):
    sig = "CNAME 13 3 3600 20300101000000 20250101000000 1 example.com. YWJj"
    z = zone(tmp_path, f"a CNAME b\na RRSIG {sig}\na NSEC c.example.com. CNAME RRSIG NSEC\nb A 192.0.2.1\n")
    assert z.problems == () and findings("ZN002", z) == []


# -- ZN003 --------------------------------------------------------------------------------------


def test_zn003_targets(tmp_path):
    z = zone(tmp_path, """
        @     IN MX   10 192.0.2.25
        @     IN NS   2001:db8::53.
        _sip._udp IN SRV 0 5 5060 sipalias
        sipalias  IN CNAME sip
        sip   IN A    192.0.2.40
        sub   IN NS   ns.sub
        sub   IN NS   ns.other
        other IN NS   ns.other
        wild  IN NS   x.w
        *.w   IN A    192.0.2.9
        out   IN NS   ns.example.net.
        @     IN MX   0 .
    """)
    found = {at(d)[0]: said(d) for d in findings("ZN003", z)}
    assert set(found) == {10, 11, 12, 15, 17}
    assert "MX record for example.com. points at 192.0.2.25, an IP address" in found[10]
    assert "so it means the name 192.0.2.25.example.com." in found[10]
    assert "points at 2001:db8::53, an IP address" in found[11] and "means the name" not in found[11]
    assert "points at sipalias.example.com., which is a CNAME (to sip.example.com.)" in found[12]
    assert "names ns.sub.example.com., which is in this zone but has no A or AAAA record" in found[15]
    assert "below the delegation sub.example.com." in found[15]
    assert "names ns.other.example.com." in found[17]  # the glue of `other`; for `sub` it is sibling glue


def test_zn003_no_ns_at_the_apex(tmp_path):
    z = zone(tmp_path, "www IN A 192.0.2.1\n", head=HEAD.replace("        IN NS   ns1\n", ""))
    [d] = findings("ZN003", z)
    assert at(d) == (2, 1) and "has no NS record at its origin" in said(d)


def test_zn003_in_zone_name_server_without_address(tmp_path):
    z = zone(tmp_path, "", head=HEAD.replace("ns1     IN A    192.0.2.1\n", ""))
    [d] = findings("ZN003", z)
    assert at(d) == (8, 9) and "ns1.example.com." in said(d) and "BIND refuses the zone" in said(d)


# -- ZN004 --------------------------------------------------------------------------------------


def test_zn004_the_leidoscope_change(tmp_path):
    root = ROOT / "examples" / "leidoscope" / "hosts"
    new = read_source(root / "web" / "etc" / "bind" / "zones" / "db.leidoscope.com")
    old = read_source(root / "web2" / "etc" / "bind" / "zones" / "db.leidoscope.com")
    view = TreeView(root, root / "web")
    unit = ZoneUnit(
        read_zone(new, view, SourceCache(), origin="leidoscope.com."),
        read_zone(old, view, SourceCache(), origin="leidoscope.com."),
        "HEAD",
    )
    [d] = findings("ZN004", unit)
    assert at(d) == (2, 53)
    assert "differs from HEAD (ns1.leidoscope.com. A 10.51.10.11 -> 10.51.10.67 and 2 more changed record sets)" in said(d)
    assert "still 2025110408" in said(d) and "use 2025112500" in said(d)
    assert apply_edits(new.text, list(d.fix.edits)).splitlines()[1].endswith("(2025112500 3600 1800 604800 86400)")


def _unit(tmp_path, old: str, new: str):
    a = zone(tmp_path, old, rel="old/db.example.com")
    b = zone(tmp_path, new, rel="new/db.example.com")
    return ZoneUnit(b, a, "origin/main")


def test_zn004_layout_only_changes_are_not_changes(tmp_path):
    unit = _unit(tmp_path, "www IN A 192.0.2.1\nmail IN A 192.0.2.2\n", "; mail first\nmail A 192.0.2.2\nWWW.example.com. IN A 192.0.2.1\n")
    assert findings("ZN004", unit) == []


def test_zn004_serial_went_backwards(tmp_path):
    a = zone(tmp_path, "www IN A 192.0.2.1\n", rel="old/db.example.com")
    b = zone(tmp_path, "www IN A 192.0.2.1\n", head=HEAD.replace("2025010101", "2024123101"), rel="new/db.example.com")
    [d] = findings("ZN004", ZoneUnit(b, a, "HEAD"))
    assert at(d) == (3, 17)
    assert "went backwards: 2024123101 is lower than 2025010101 in HEAD" in said(d)
    assert d.fix.edits[0].new_text == "2025112500"


def test_zn004_increased_serial_or_no_base_is_fine(tmp_path):
    a = zone(tmp_path, "www IN A 192.0.2.1\n", rel="old/db.example.com")
    b = zone(tmp_path, "www IN A 192.0.2.9\n", head=HEAD.replace("2025010101", "2025010102"), rel="new/db.example.com")
    assert findings("ZN004", ZoneUnit(b, a, "HEAD")) == []
    assert findings("ZN004", ZoneUnit(b)) == []


def test_zn004_counter_serials_add_one(tmp_path):
    head = HEAD.replace("2025010101", "41")
    a = zone(tmp_path, "www IN A 192.0.2.1\n", head=head, rel="old/db.example.com")
    b = zone(tmp_path, "www 60 IN A 192.0.2.1\n", head=head, rel="new/db.example.com")
    [d] = findings("ZN004", ZoneUnit(b, a, None))
    assert "differs from the git base (www.example.com. A TTL 3600 -> 60)" in said(d) and "use 42" in said(d)
    assert d.fix.edits[0].span.text == "41" and d.fix.edits[0].new_text == "42"


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(cwd), "PATH": "/usr/bin:/bin"})


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_zn004_example_with_its_git_base(tmp_path):
    """rules/ZN004: base/ is committed, bad/ is the working copy; the fix gives fixed/."""
    meta = registry.all_rules()["ZN004"]
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "rules" / "ZN004" / "base", repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    shutil.copytree(ROOT / "rules" / "ZN004" / "bad", repo, dirs_exist_ok=True)
    found = [r for r in check(repo, select=["ZN004"]) if r.code == "ZN004"]
    [expect] = meta.expect
    [item] = found
    d = item.diagnostic
    assert d.span.source.path == (repo / expect.path).resolve() and at(d) == (expect.line, expect.column)
    assert all(part in said(d) for part in expect.message_contains)
    fixed = (ROOT / "rules" / "ZN004" / "fixed" / expect.path).read_text(encoding="utf-8")
    assert apply_edits(d.span.source.text, list(d.fix.edits)) == fixed
    shutil.copytree(ROOT / "rules" / "ZN004" / "good", repo, dirs_exist_ok=True)
    assert [r for r in check(repo, select=["ZN004"]) if r.code == "ZN004"] == []


# -- ZN005 --------------------------------------------------------------------------------------


def test_zn005_future_and_impossible_dates(tmp_path):
    future = zone(tmp_path, "", head=HEAD.replace("2025010101", "2052010101"))
    [d] = findings("ZN005", future)
    assert at(d) == (3, 17) and "dated 2052-01-01, later than today (2025-11-25)" in said(d)
    bad = zone(tmp_path, "", head=HEAD.replace("2025010101", "2025130101"), rel="x/db.example.com")
    [d] = findings("ZN005", bad)
    assert "2025-13-01 is not a date" in said(d)
    for serial in ("2025112501", "2025010199", "1742000000", "7"):
        assert findings("ZN005", zone(tmp_path, "", head=HEAD.replace("2025010101", serial), rel=f"s{serial}/db")) == []


# -- ZN006 --------------------------------------------------------------------------------------


def soa_head(refresh, retry, expire, minimum, soa_ttl=""):
    head = HEAD.replace("3600       ; refresh", f"{refresh} ; refresh").replace("900        ; retry", f"{retry} ; retry")
    head = head.replace("1209600    ; expire", f"{expire} ; expire").replace("300 )", f"{minimum} )")
    return head.replace("@       IN SOA", f"@ {soa_ttl} IN SOA") if soa_ttl else head


def test_zn006_each_timer(tmp_path):
    head = soa_head(600, 300, 604800, 172800, soa_ttl=172800)
    found = [said(d) for d in findings("ZN006", zone(tmp_path, "", head=head))]
    assert len(found) == 3
    assert "refresh 600 (10 minutes) is below 1200 (20 minutes), the shortest refresh RFC 1912 2.2 suggests" in found[0]
    assert "expire 604800 (1 week) is outside the 2 to 4 weeks (1209600-2419200) RFC 1912 2.2 suggests" in found[1]
    assert "negative-caching TTL 172800 (2 days)" in found[2] and "RFC 2308 5" in found[2]


def test_zn006_cites_no_seven_times_refresh(tmp_path):
    # issue 15: no source states "expire >= 7 x refresh", and RFC 1912 2.2 allows a refresh of one
    # day or more when the primary sends NOTIFY (RIPE-203 recommends 86400): nothing to report
    head = soa_head(345600, 3600, 2419200, 3600)
    assert findings("ZN006", zone(tmp_path, "", head=head)) == []


def test_zn006_reports_a_short_refresh_once(tmp_path):
    # retry 900 is a fine retry: it is "not lower" only because refresh is too short
    found = findings("ZN006", zone(tmp_path, "", head=soa_head(300, 900, 1209600, 300)))
    [d] = found
    assert at(d) == (4, 17)
    assert "refresh 300 (5 minutes) is below 1200" in said(d) and "retry 900 (15 minutes) is not lower than it" in said(d)


def test_zn006_retry_not_lower_than_refresh(tmp_path):
    [d] = findings("ZN006", zone(tmp_path, "", head=soa_head(7200, 7200, 1209600, 300)))
    assert at(d) == (5, 17)
    assert "retry 7200 (2 hours) is not lower than refresh 7200 (2 hours)" in said(d)
    assert "some fraction of the refresh interval" in said(d)


def test_zn006_expire_not_greater_than_retry(tmp_path):
    [d] = findings("ZN006", zone(tmp_path, "", head=soa_head(3600000, 1814400, 1209600, 300)))
    assert at(d) == (6, 17)
    assert "expire 1209600 (2 weeks) is not greater than retry 1814400 (3 weeks), as RFC 1912 2.2 says it must be" in said(d)
    assert "outside" not in said(d)


def test_zn006_negative_ttl_is_capped_by_the_soa_ttl(tmp_path):
    # RFC 2308 3: the negative answer's TTL is the lower of the SOA minimum and the SOA's own TTL
    assert findings("ZN006", zone(tmp_path, "", head=soa_head(3600, 900, 1209600, 172800))) == []
    [d] = findings("ZN006", zone(tmp_path, "", head=soa_head(3600, 900, 1209600, 172800, soa_ttl=90000), rel="b/db"))
    assert "negative-caching TTL 90000 (25 hours)" in said(d) and "SOA record's TTL 90000 (25 hours)" in said(d)


def test_zn006_clean_with_recommended_timers(tmp_path):
    assert findings("ZN006", zone(tmp_path, "")) == []


# -- ZN007 --------------------------------------------------------------------------------------


def test_zn007_mistakes(tmp_path):
    z = zone(tmp_path, """
        www.example.com  IN A     192.0.2.10
        mail.example.org. IN A    192.0.2.25
        mail.example.org. IN AAAA 2001:db8::25
        ftp              IN CNAME files.example.net
        @                IN MX    10 mx.example.net
        sub              IN NS    ns.partner.example
        alias            IN CNAME www.sub
        ok               IN CNAME ns1
        $ORIGIN example.net.
        stray            IN A     192.0.2.99
    """)
    found = {at(d)[0]: said(d) for d in findings("ZN007", z)}
    assert set(found) == {10, 11, 13, 14, 15, 19}
    assert "the owner `www.example.com` has no trailing dot" in found[10] and "www.example.com.example.com." in found[10]
    assert "mail.example.org. is outside the zone example.com." in found[11] and "1 more record" in found[11]
    assert "the CNAME target `files.example.net` of ftp.example.com." in found[13]
    assert "files.example.net.example.com., which does not exist" in found[13]
    assert "MX target `mx.example.net`" in found[14]
    assert "NS target `ns.partner.example`" in found[15]  # alias -> www.sub is below the delegation sub: not reported
    assert "stray.example.net. is outside the zone example.com. (names on this line are relative to $ORIGIN example.net.)" in found[19]


# -- ZN008 --------------------------------------------------------------------------------------


def test_zn008_ttls_as_the_server_settles_them(tmp_path):
    z = zone(tmp_path, """
        www  300 IN A 192.0.2.10
        www      IN A 192.0.2.11
        www      IN A 192.0.2.12
        mx   60  IN MX 10 mail
        mx   60  IN MX 20 mail2
        mail     IN A 192.0.2.25
    """)
    [d] = findings("ZN008", z)
    assert at(d) == (11, 1)
    assert "www.example.com. A records have different TTLs: 3600 here, 300 at line 10" in said(d)
    assert [(r.span.line, r.message) for r in d.related] == [(10, "www.example.com. A with TTL 300")]


def test_zn008_rrsigs_of_different_types_are_different_sets(tmp_path):
    sig = "{} 13 2 {} 20300101000000 20250101000000 1 example.com. YWJj"
    z = zone(tmp_path, f"www 60 RRSIG {sig.format('A', 60)}\nwww 300 RRSIG {sig.format('TXT', 300)}\nwww 60 A 192.0.2.1\nwww 300 TXT x\n")
    assert findings("ZN008", z) == []


def test_every_zone_rule_is_quiet_on_an_unknown_origin(tmp_path):
    path = write(tmp_path, "zonefile", "www A 192.0.2.1\n")
    unit = ZoneUnit(read_zone(read_source(path), TreeView(tmp_path, tmp_path), SourceCache()))
    for code in [c for c in REGISTRY if c.startswith("ZN")]:
        assert findings(code, unit) == []


def test_an_unread_include_hides_no_ns_and_no_glue_findings(tmp_path):
    """The missing file may hold the NS set and the glue: only ZN001 (at the $INCLUDE) is said."""
    text = "$TTL 300\n@ IN SOA ns1 admin 1 3600 900 1209600 300\n$INCLUDE common/ns.inc\nwww IN A 192.0.2.1\n"
    path = write(tmp_path, "hosts/ns/etc/bind/db.example.com", text)
    found = [(r.code, *r.diagnostic.span.source.position(r.diagnostic.span.start)) for r in check(path, select=["ZN"])]
    assert found == [("ZN001", 3, 10)]
    inc = write(tmp_path, "hosts/ns/etc/bind/common/ns.inc", "@ IN NS ns1\n")
    found = [(r.diagnostic.span.source.path, *where(r)) for r in check(tmp_path, select=["ZN"])]
    assert found == [(inc, "ZN003", 1, 1)]  # now read: ns1 has no address (at the NS record)
