"""halint's zone reader against the real BIND: every zone of the shared corpus is checked by
``named-checkzone`` (9.18) and by halint's ZN rules with the same origin.

- A zone BIND loads gets no ZN001 from halint.
- A zone BIND refuses for a syntax reason (anything but the semantic checks below) gets ZN001.
- A zone BIND refuses for a semantic reason gets the rule that covers it: "CNAME and other data"
  ZN002, "has no NS records" and an apex NS "has no address records" ZN003, "multiple RRs of
  singleton type" ZN002 (two CNAMEs) or ZN001 (two SOAs).

The origin is the one halint would guess (the SOA owner, a $ORIGIN at the top, else the file
name, taken from the file's original path in the corpus's SOURCES.md); "example." when none.
named-checkzone runs with ``-i local`` (no lookups of names outside the zone: the check must not
depend on the network) from an empty folder (the corpus is flattened, so a relative $INCLUDE
finds nothing, for BIND as for halint).
"""
from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SHARED, corpus_dir, corpus_files

from halint.engine.check import RuleContext
from halint.core.fsview import SourceCache, TreeView
from halint.formats.zone.model import ZoneUnit
from halint.formats.zone.reader import guess_origin, origin_from_file_name, read_zone
from halint.rules import REGISTRY
from halint.core.source import read_source

CHECKZONE = shutil.which("named-checkzone")
pytestmark = pytest.mark.skipif(CHECKZONE is None, reason="named-checkzone (bind9-utils) is not installed")

#: files where halint (dnspython's semantics) and BIND 9.18 disagree on purpose, and why
EXCEPTIONS = {
    "isc-projects__bind9__bin_tests_system_nsupdate_ns1_example1.db": (
        "GPOS with three empty strings: BIND accepts it, dnspython requires numbers (ZN001)"
    ),
    "isc-projects__bind9__bin_tests_system_tsig_ns1_example.db": (
        "GPOS with three empty strings: BIND accepts it, dnspython requires numbers (ZN001)"
    ),
}
# dnspython's own test zones (rthalley__dnspython__tests_example, and example1.good, its output)
# were here: BIND refuses their SVCB key name ohttp, and so does halint now (halint.formats.zone.svcb);
# BIND also refuses their NAPTR regexp "blegh" and NSEC3 next hash "alkmaao", which halint
# (dnspython) accepts, a difference that the file's verdict no longer shows.

#: lines of named-checkzone's output that do not make a zone fail to load
WARNINGS = (
    "signature has expired", "check-names", "non-terminal wildcard", "deprecated", "does not end with newline",
    "ignoring out-of-zone data", "using RFC1035 TTL semantics", "using SOA MINTTL", "TTL set to prior TTL",
    "> MAXTTL", "old style DNSSEC", "is a CNAME (illegal)", "unsupported nsec3 hash algorithm",
    "all DNSKEY algorithms", "loaded serial", "not loaded due to errors", "is below a DNAME",
)
SEMANTIC = (
    ("CNAME and other data", {"ZN002"}),
    ("multiple RRs of singleton type", {"ZN001", "ZN002"}),
    ("has no NS records", {"ZN003"}),
)
APEX_NS = re.compile(r"^zone \S+: NS '[^']+' has no address records")
OTHER_TARGET = re.compile(r"/(MX|SRV|NS) '[^']+' has no (REQUIRED GLUE |SIBLING GLUE )?address records")
FAILED = re.compile(r"loading from master file .* failed: (.*)$")
TODAY = datetime.date(2025, 11, 25)


def _original_names() -> dict[str, str]:
    sources = SHARED / "corpus" / "SOURCES.md"
    if not sources.is_file():
        return {}
    rows = re.findall(r"^\| `([^`]+)` \| [^|]+ \| `([^`]+)`", sources.read_text(encoding="utf-8"), re.MULTILINE)
    return {flat: os.path.basename(path) for flat, path in rows}


def _origin(path: Path, originals: dict[str, str]) -> str:
    origin, how = guess_origin(read_source(path))
    if origin is None or how.startswith("file name"):
        guessed = origin_from_file_name(originals.get(path.name, path.name))
        if guessed is not None:
            origin = guessed[0]
    return origin or "example."


def bind_verdict(output: str, returncode: int) -> tuple[bool, list[str], list[set[str]]]:
    """(loaded, lines that make it a syntax rejection, one set of acceptable codes per semantic
    reason) from named-checkzone's output."""
    syntax: list[str] = []
    semantic: list[set[str]] = []
    for line in output.splitlines():
        line = line.strip()
        if not line or line == "OK" or any(w in line for w in WARNINGS) or OTHER_TARGET.search(line):
            continue
        codes = next((c for text, c in SEMANTIC if text in line), None)
        if codes is not None:
            semantic.append(codes)
            continue
        if APEX_NS.match(line):
            semantic.append({"ZN003"})
            continue
        failed = FAILED.search(line)
        if failed and any(text in failed.group(1) for text, _ in SEMANTIC):
            continue
        syntax.append(line)
    return returncode == 0, syntax, semantic


def halint_codes(path: Path, origin: str) -> tuple[set[str], list[str]]:
    source = read_source(path)
    zone = read_zone(source, TreeView(path.parent, path.parent), SourceCache(), origin=origin, origin_from="test")
    unit = ZoneUnit(zone)
    ctx = RuleContext(today=TODAY)
    codes: set[str] = set()
    for code, impl in REGISTRY.items():
        if code.startswith("ZN"):
            for diag in impl.check(unit, ctx):
                codes.add(code)
    return codes, [f"{p.span.line}: {p.message}" for p in zone.problems]


def _corpus() -> list[Path]:
    root = SHARED / "corpus" / "zones"
    return sorted(root.iterdir()) if root.is_dir() else []


@pytest.mark.parametrize("path", corpus_files("zones"), ids=lambda p: p.name[:80])
def test_halint_agrees_with_named_checkzone(path, tmp_path):
    corpus_dir("zones")
    origin = _origin(path, _original_names())
    done = subprocess.run(
        [CHECKZONE, "-i", "local", origin, str(path)], cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    output = (done.stdout + done.stderr).replace(str(path), path.name)
    loaded, syntax, semantic = bind_verdict(output, done.returncode)
    codes, problems = halint_codes(path, origin)
    if path.name in EXCEPTIONS:
        agree = ("ZN001" in codes) == (not loaded)
        assert not agree, f"{path.name} no longer differs from BIND: remove it from EXCEPTIONS"
        pytest.skip(f"known difference: {EXCEPTIONS[path.name]}")
    if loaded:
        assert "ZN001" not in codes, f"BIND loads {path.name} ({origin}), halint says:\n" + "\n".join(problems[:10])
        return
    if syntax:
        assert "ZN001" in codes, f"BIND refuses {path.name} ({origin}):\n{output}\nhalint reports no ZN001"
    for wanted in semantic:
        assert wanted & codes, f"BIND refuses {path.name} ({origin}) for {wanted}:\n{output}\nhalint: {sorted(codes)}"


def test_the_corpus_covers_both_verdicts():
    """The differential means something only if the corpus has zones BIND loads and zones it
    refuses, for syntax and for semantic reasons."""
    corpus_dir("zones")
    if CHECKZONE is None:
        pytest.skip("named-checkzone is not installed")
    names = {p.name for p in _corpus()}
    assert "isc-projects__bind9__bin_tests_system_checkzone_zones_good1.db" in names
    assert "isc-projects__bind9__bin_tests_system_checkzone_zones_bad-generate-garbage.db" in names
    assert "NLnetLabs__ldns__test_14-read-zone.tpkg_14-read-zone.db" in names  # CNAME and other data
    assert set(EXCEPTIONS) <= names


def test_the_verdict_reader():
    out = (
        "dns_master_load: f:15: email.example.com: multiple RRs of singleton type\n"
        "zone example.com/IN: loading from master file f failed: multiple RRs of singleton type\n"
        "zone example.com/IN: not loaded due to errors.\n"
    )
    assert bind_verdict(out, 1) == (False, [], [{"ZN001", "ZN002"}, {"ZN001", "ZN002"}])
    out = "zone huge.example/IN: NS 'ns0.xname.org.huge.example' has no address records (A or AAAA)\n"
    assert bind_verdict(out, 1) == (False, [], [{"ZN003"}])
    out = "dns_rdata_fromtext: f:11: syntax error\nzone x/IN: loading from master file f failed: syntax error\n"
    loaded, syntax, semantic = bind_verdict(out, 1)
    assert not loaded and len(syntax) == 2 and semantic == []
    out = "zone x/IN: x/MX 'mail.x' has no address records (A or AAAA)\nzone x/IN: loaded serial 1\nOK\n"
    assert bind_verdict(out, 0) == (True, [], [])


# -- a UTF-8 byte-order mark ----------------------------------------------------------------------

BOM_BODY = (
    "@ 60 IN SOA ns1.example.com. hostmaster.example.com. 1 3600 900 1209600 300\n"
    "@ 60 IN NS ns1.example.com.\nns1 60 IN A 192.0.2.1\n"
)


@pytest.mark.parametrize(
    "first",
    ["$TTL 60\n", "; comment\n", "\n", " $TTL 60\n", "", "www 60 IN A 192.0.2.7\n", "www 60 IN TXT hello\n",
     "$ORIGIN example.com.\n"],
    ids=["ttl", "comment", "empty-line", "blank-ttl", "soa", "a-record", "txt-record", "origin"],
)
def test_a_byte_order_mark_is_refused_or_loaded_as_bind_does(first, tmp_path):
    """BIND does not strip a UTF-8 byte-order mark: it is part of the first word. Whatever that
    word is, halint refuses the zone (ZN001) exactly when named does (named-checkzone with
    ``-k fail``, named's own check-names default for a primary zone), and a zone BIND loads has
    the owner names BIND gives it (``-D`` dumps them)."""
    path = tmp_path / "db.example.com"
    path.write_bytes(b"\xef\xbb\xbf" + (first + BOM_BODY).encode())
    done = subprocess.run(
        [CHECKZONE, "-D", "-i", "local", "-k", "fail", "example.com", str(path)],
        cwd=tmp_path, capture_output=True, text=True, errors="replace", timeout=60,
    )
    codes, problems = halint_codes(path, "example.com.")
    assert ("ZN001" in codes) == (done.returncode != 0), f"{done.stdout}{done.stderr}\nhalint: {problems}"
    if done.returncode != 0:
        assert any("byte-order mark" in p for p in problems)
        return
    dumped = {line.split()[0] for line in done.stdout.splitlines() if "\tIN\t" in line or " IN " in line}
    zone = read_zone(read_source(path), TreeView(tmp_path, tmp_path), SourceCache(), origin="example.com.")
    assert {r.owner for r in zone.records} == dumped
