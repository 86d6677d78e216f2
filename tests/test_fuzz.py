"""Fuzz tests for every front end: whatever a file holds, halint gives diagnostics and exit 0 or
1, never a traceback, never exit 2, never a hang; every diagnostic points inside its file.

- Token grammars per format (zone master files, named.conf, IOS running-configs and change
  scripts, interfaces(5), machine-id): random sequences of the format's tokens and lines, written
  into a conventional tree (alone, or in place of a file of examples/leidoscope), run through the
  engine and through the CLI in-process (``--format json`` / ``sarif``). keepalived's lexer and
  front end are fuzzed in test_properties.py; here only its deep nesting and expansion bombs.
- Mutations (test_properties.mutate: delete / duplicate / swap lines, truncate, braces, NUL,
  invalid UTF-8, CR and CRLF mixes) of every file of ../shared/corpus and of examples/leidoscope:
  one seeded sequence per file, deterministic; plus random ones over the leidoscope tree.
- Hostile inputs: nesting 100,000 deep, include chains 200 files deep, include meshes and
  fan-outs, $VAR / ~SEQ / $GENERATE expansion bombs, trees of many files, FIFOs and devices
  where a file is expected. Each runs in a child process (:func:`run_isolated`) with a timeout
  (120 s; 20 s for the special files) and a 4 GiB address-space limit, so that a hang or a
  memory blow-up fails its test instead of stalling the suite or the machine.

Hypothesis runs derandomized (the same examples on every run). ``HALINT_FUZZ_EXAMPLES`` sets
how many examples each property test draws (default 20, a few seconds per test; the hostile
inputs above cost the same whatever it says); for a deeper campaign::

    HALINT_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py -k random

The expansion bombs run under lower ``[limits]`` by default; ``HALINT_FUZZ_FULL=1`` runs them
at halint's default limits (a few minutes more).

Every input that ever failed is kept in tests/data/fuzz-seeds/ (test_fuzz_seeds.py).
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, corpus_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import MUTATIONS, mutate

from halint.cli import main as cli_main
from halint.engine.check import Options, run
from halint.report import json as json_report
from halint.report import sarif as sarif_report
from halint.core.source import Source

EXAMPLES = int(os.environ.get("HALINT_FUZZ_EXAMPLES", "20"))
#: HALINT_FUZZ_FULL=1: the bombs at halint's default limits (minutes); by default they run
#: under a manifest with lower [limits] (same code paths, a tenth of the time)
FULL = os.environ.get("HALINT_FUZZ_FULL", "") not in ("", "0")
SMALL_LIMITS = "[limits]\ngenerate-records = 100000\nincludes = 1000\nsequence-values = 10000\n"
#: the fuzz campaign takes minutes: run with --all (.ci/run does)
pytestmark = pytest.mark.slow

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
LEIDOSCOPE = ROOT / "examples" / "leidoscope"
#: a hostile input must finish within this (seconds) in its child process
TIMEOUT = 120
#: address-space limit of that child process (bytes): a memory bomb fails there, not the machine
MEMORY = 4 * 1024**3
#: a keepalived.conf's place, and one plain instance
KA = "hosts/lb/etc/keepalived/keepalived.conf"
VRRP = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n priority 100\n virtual_ipaddress {\n  10.0.0.9\n }\n}\n"
#: a zone file's place (its origin example.com. from the name) and its folder
DB = "hosts/ns/etc/bind/db.example.com"
BIND = "hosts/ns/etc/bind"


# -- checking one outcome ---------------------------------------------------------------------------


def _span_problem(span, what: str) -> str | None:
    size = len(span.source.text)
    if not 0 <= span.start <= span.end <= size:
        return f"{what}: span {span.start}-{span.end} outside {span.source.path} ({size} characters)"
    return None


def span_problems(outcome) -> list[str]:
    """Every span of every reported diagnostic (primary, related, fix edits) that is not inside
    its file's text."""
    out = []
    for item in outcome.reported:
        diag = item.diagnostic
        places = [(diag.span, diag.code)] + [(r.span, f"{diag.code} related") for r in diag.related]
        if diag.fix is not None:
            places += [(e.span, f"{diag.code} fix edit") for e in diag.fix.edits]
        out += [p for p in (_span_problem(span, what) for span, what in places) if p]
    return out


def check_outcome(outcome) -> None:
    """Spans inside their files, and both machine formats render to JSON with every finding."""
    assert not span_problems(outcome), span_problems(outcome)
    cwd = Path.cwd()
    doc = json.loads(json_report.render(outcome.reported, outcome.files, cwd))
    assert len(doc["diagnostics"]) == len(outcome.reported)
    for item in doc["diagnostics"]:
        assert item["line"] >= 1 and item["column"] >= 1
        assert (item["end_line"], item["end_column"]) >= (item["line"], item["column"])
    sarif = json.loads(sarif_report.render(outcome.reported, outcome.files, cwd, cwd))
    assert len(sarif["runs"][0]["results"]) == len(outcome.reported)


def cli(args: list[str]) -> tuple[int, str, str]:
    """halint.cli.main in this process: (exit code, stdout, stderr). Plain redirection, because
    pytest's capsys cannot be reset between hypothesis examples."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(args)
    out.getvalue().encode("utf-8")  # what a real stdout must take: no lone surrogate
    return code, out.getvalue(), err.getvalue()


def assert_clean_exit(code: int, err: str) -> None:
    assert code in (0, 1), f"exit {code}: {err[-3000:]}"
    assert "internal error" not in err and "Traceback" not in err, err[-3000:]


def write_tree(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def engine_and_cli(files: dict[str, bytes], fmt: str = "json"):
    """Write ``files`` into a fresh tree; run the engine (spans checked, reports rendered) and
    then the CLI on it with ``--format fmt``: exit 0 or 1, as many findings as the engine's."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_tree(root, files)
        outcome = run(Options(paths=[root]))
        check_outcome(outcome)
        code, out, err = cli(["check", "--format", fmt, "--no-color", str(root)])
        assert_clean_exit(code, err)
        doc = json.loads(out)
        found = doc["diagnostics"] if fmt == "json" else doc["runs"][0]["results"]
        assert len(found) == len(outcome.reported)
        assert code == (1 if outcome.reported else 0)
        return outcome


# -- running one tree in a child process -----------------------------------------------------------

#: the child: the CLI (--format json, --debug) with halint.engine.check.run wrapped so that the
#: engine's outcome is checked too (spans inside their files, SARIF renders); one engine run
DRIVER = r"""
import json, sys
from pathlib import Path
import halint.engine.check
from halint.cli import main

folder, result = Path(sys.argv[1]), Path(sys.argv[2])
seen = []
real_run = halint.engine.check.run

def run(options):
    outcome = real_run(options)
    seen.append(outcome)
    return outcome

halint.engine.check.run = run
report = result.with_name("report.json")
code = main(["check", "--debug", "--no-color", "--format", "json", "--output", str(report), str(folder)])
doc = {"exit": code, "codes": [], "messages": [], "bad_spans": [], "sarif_results": None}
if seen:
    outcome = seen[0]
    from halint.report import sarif
    for item in outcome.reported:
        d = item.diagnostic
        doc["codes"].append(d.code)
        doc["messages"].append(f"{d.code} {Path(d.span.source.path).name}: {d.message[:300]}")
        spans = [d.span] + [r.span for r in d.related] + ([e.span for e in d.fix.edits] if d.fix else [])
        for s in spans:
            if not 0 <= s.start <= s.end <= len(s.source.text):
                doc["bad_spans"].append(f"{d.code} {s.source.path} {s.start}-{s.end} of {len(s.source.text)}")
    rendered = json.loads(sarif.render(outcome.reported, outcome.files, Path.cwd(), Path.cwd()))
    doc["sarif_results"] = len(rendered["runs"][0]["results"])
    doc["json_results"] = len(json.loads(report.read_text())["diagnostics"]) if report.exists() else None
result.write_text(json.dumps(doc))
"""


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


class Isolated:
    """What the child process reported: exit code, finding codes and messages, stderr."""

    def __init__(self, doc: dict, stderr: str):
        self.exit = doc["exit"]
        self.codes = doc["codes"]
        self.messages = doc["messages"]
        self.bad_spans = doc["bad_spans"]
        self.sarif_results = doc["sarif_results"]
        self.json_results = doc.get("json_results")
        self.stderr = stderr

    def assert_clean(self, expect: set[str] | None = None, need_finding: bool = True) -> None:
        """Exit 0/1, no traceback, spans inside files, both formats complete, at least one
        finding (unless not ``need_finding``), and (``expect``) one of these codes among them."""
        assert_clean_exit(self.exit, self.stderr)
        assert not self.bad_spans, self.bad_spans
        assert self.json_results == self.sarif_results == len(self.codes)
        if need_finding:
            assert self.codes, "no diagnostic at all"
        if expect:
            assert expect & set(self.codes), (expect, self.messages[:20])


def run_isolated(root: Path, timeout: float = TIMEOUT, cache: bool = False) -> Isolated:
    """Check the tree ``root`` in a child process (the CLI, see DRIVER) within ``timeout``
    seconds and MEMORY bytes of address space; a hang fails the calling test. ``cache``: with
    the result cache on (in a folder of its own), as a user's run has it."""
    result = Path(tempfile.mkdtemp(prefix="halint-fuzz-")) / "result.json"
    env = dict(os.environ)
    if cache:
        env.pop("HALINT_NO_CACHE", None)
        env["XDG_CACHE_HOME"] = str(result.parent / "cache")
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(root), str(result)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
            start_new_session=True, preexec_fn=_limit_memory, cwd=root, env=env,
        )
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            stderr = None
        if stderr is None:
            pytest.fail(f"halint did not finish within {timeout} s on {root}")
        if not result.exists():
            pytest.fail(f"halint's child process died (exit {proc.returncode}): {stderr[-3000:]}")
        return Isolated(json.loads(result.read_text()), stderr)
    finally:
        shutil.rmtree(result.parent, ignore_errors=True)


# -- token grammars ----------------------------------------------------------------------------------


def soup(tokens: list[str], separators: list[str], size: int = 80):
    """Any sequence of the tokens and separators, concatenated."""
    return st.lists(st.sampled_from(tokens + separators), max_size=size).map("".join)


def words(vocabulary: list[str], low: int = 1, high: int = 6):
    return st.lists(st.sampled_from(vocabulary), min_size=low, max_size=high).map(" ".join)


def lines(line, size: int = 30):
    return st.tuples(st.lists(line, max_size=size), st.sampled_from(["\n", "", "\r\n"])).map(
        lambda parts: "\n".join(parts[0]) + parts[1]
    )


def text_of(structured, tokens: list[str], separators: list[str]):
    """Lines built by a format's structure, or a soup of its tokens."""
    return st.one_of(structured, soup(tokens, separators))


#: byte-level damage on top of a drawn text (none most of the time)
damage = st.lists(st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10**6), st.integers(0, 10**6)), max_size=2)


def encoded(text: str, ops: list) -> bytes:
    data = text.encode("utf-8", "surrogatepass")
    return mutate(data, ops) if ops and data else data


# zone master files (RFC 1035 section 5, BIND's $GENERATE)

ZONE_NAMES = [
    "@", "example.com.", "www", "ns1", "mail", "*", "*.wild", "sub.example.com.", "a\\.b", "\\065bc",
    "\\999", "\\", "xn--bcher-kva", "a" * 64, ".", "..", "a..b", "other.org.", "_sip._tcp", "-", "é",
    ".".join(["x" * 60] * 5),
]
ZONE_TTLS = ["3600", "0", "1h2m", "1W", "2d", "4294967295", "2147483648", "99999999999", "1x", "1h1h", "-1"]
ZONE_CLASSES = ["IN", "CH", "HS", "CLASS1", "CLASS65535", "CLASS99999", "ANY", "NONE", "in"]
ZONE_TYPES = [
    "A", "AAAA", "NS", "SOA", "CNAME", "MX", "TXT", "SRV", "PTR", "DNAME", "CAA", "TYPE65534", "TYPE0",
    "TYPE99999", "TYPE1", "RRSIG", "NSEC", "NSEC3", "DS", "DNSKEY", "HINFO", "NAPTR", "SSHFP", "TLSA",
    "HTTPS", "SVCB", "ZONEMD", "LOC", "APL", "WKS", "NULL", "SPF", "OPT", "AXFR", "ANY", "a", "cname",
]
ZONE_RDATA = [
    "10.0.0.1", "10.0.0.256", "::1", "2001:db8::1", "ns1", "ns1.example.com.", "hostmaster.example.com.",
    "2024010101", "2025023199", "10", "0", "65536", "(", ")", "\\#", "\\# 4 0a000001", "\\# 0", "\\# 2 0a",
    "4", "0a000001", '"txt"', '"a b"', '"unterminated', '"esc\\"q"', '"\\200"', "\\", ";comment",
    "; halint: ignore[ZN007]", "; halint: ignore[ZN999]", '0 issue "ca.example"', "1 . alpn=h2",
    "1 2 3 4 5", "3600 1800 604800 86400", "$", "${0,3,d}", "${-1,2,x}", "${1}", "${0,0,n}", "$$",
    "host-$", "@", ".", "1.2.3.4.in-addr.arpa.",
]
ZONE_INCLUDES = ["db.inc", "/etc/bind/db.inc", "db.example.com", "missing.inc", "../../../../../../etc/passwd", "/etc/bind/*"]
GENERATE_RANGES = ["1-10", "0-0", "5-1", "1-", "-1", "a-b", "1-10/0", "1-10/3", "1-300", "0-255/", "2147483647-2147483647"]


def _zone_record():
    owner = st.sampled_from(ZONE_NAMES + ["", " ", "\t"])
    optional = lambda choices: st.sampled_from([""] + choices)  # noqa: E731
    rdata = words(ZONE_RDATA, 0, 8)
    return st.tuples(owner, optional(ZONE_TTLS), optional(ZONE_CLASSES), st.sampled_from(ZONE_TYPES), rdata).map(
        lambda p: f"{p[0]} {p[1]} {p[2]} {p[3]} {p[4]}"
    )


def _zone_directive():
    return st.one_of(
        st.sampled_from(ZONE_NAMES).map(lambda n: f"$ORIGIN {n}"),
        st.sampled_from(ZONE_TTLS).map(lambda t: f"$TTL {t}"),
        st.tuples(st.sampled_from(ZONE_INCLUDES), st.sampled_from(["", "sub", "other.org."])).map(lambda p: f"$INCLUDE {p[0]} {p[1]}"),
        st.tuples(
            st.sampled_from(GENERATE_RANGES), st.sampled_from(["host-$", "$", "${0,3,d}.x", "${-1,2,X}", "$$", "${1,0,n}", "${", "@"]),
            st.sampled_from(["", "3600", "IN", "3600 IN", "CH"]),
            st.sampled_from(["A", "AAAA", "PTR", "CNAME", "TXT", "SOA", "AXFR", "TYPE65534"]),
            st.sampled_from(["10.0.0.$", "host-$.example.com.", "${0,4,x}", "\\# 1 0$", '"t$"', "::$", "$"]),
        ).map(lambda p: f"$GENERATE {p[0]} {p[1]} {p[2]} {p[3]} {p[4]}"),
        st.sampled_from(["$ORIGIN", "$TTL", "$INCLUDE", "$GENERATE", "$origin example.com.", "$BOGUS x", "$"]),
    )


ZONE_TOKENS = ZONE_NAMES + ZONE_TTLS + ZONE_CLASSES + ZONE_TYPES + ZONE_RDATA + GENERATE_RANGES
ZONE_TOKENS += ["$ORIGIN", "$TTL", "$INCLUDE", "$GENERATE"]
ZONE_TEXT = text_of(lines(st.one_of(_zone_record(), _zone_directive())), ZONE_TOKENS, [" ", "\t", "\n", "\r\n", "\n\t", "\n "])
ZONE_MANIFEST = b'[zones."example.com"]\nfiles = ["hosts/ns/etc/bind/db.example.com"]\n'

# named.conf (BIND 9 ARM, "Configuration File Grammar")

NAMED_WORDS = [
    "options", "zone", "view", "key", "acl", "include", "logging", "controls", "masters", "primaries",
    "server", "statistics-channels", "trusted-keys", "managed-keys", "dnssec-policy", "{", "}", ";",
    '"example.com"', '"leidoscope.com"', '"."', '"db.example.com"', '"/etc/bind/db.example.com"',
    '"/etc/bind/zones/db.leidoscope.com"', "IN", "CHAOS", "type", "master", "primary", "secondary", "slave",
    "forward", "hint", "stub", "redirect", "file", "directory", '"/etc/bind"', '"/var/cache/bind"',
    "allow-transfer", "allow-query", "any", "none", "localhost", "localnets", "10.0.0.1", "10.0.0.0/8",
    "2001:db8::/32", "!", "port", "53", "algorithm", "hmac-sha256", "secret", '"c2VjcmV0c2VjcmV0"',
    "also-notify", "notify", "yes", "no", "match-clients", "in-view", "// c", "# c", "/* c */",
    "/* unterminated", '"unterminated', '"esc\\"q"', '""', "in-view", "inet", "allow", "keys",
]
NAMED_INCLUDES = [
    '"/etc/bind/named.conf.local"', '"named.conf.local"', '"/etc/bind/named.conf"', '"/etc/bind/*.local"',
    '"/etc/passwd"', '"../../../../x"', '"/etc/bind/missing.conf"', '"/etc/bind/{a,b}"',
]


def _named_statement():
    zone = st.tuples(
        st.sampled_from(['"example.com"', '"leidoscope.com"', '"."', '"0.0.10.in-addr.arpa"', "example.com", '"x']),
        st.sampled_from(["", "IN", "CH"]), words(NAMED_WORDS, 0, 4),
        st.sampled_from(['"/etc/bind/db.example.com"', '"db.example.com"', '"/etc/bind/zones/db.leidoscope.com"', '"/nonexistent"']),
        st.sampled_from(["master", "primary", "slave", "forward", "hint", "x"]),
    ).map(lambda p: f"zone {p[0]} {p[1]} {{ type {p[4]}; file {p[3]}; {p[2]} }};")
    include = st.sampled_from(NAMED_INCLUDES).map(lambda t: f"include {t};")
    heads = st.sampled_from(["options", 'view "v"', 'key "k"', "acl a", "logging", "controls"])
    block = st.tuples(heads, words(NAMED_WORDS, 0, 10)).map(lambda p: f"{p[0]} {{ {p[1]} }};")
    return st.one_of(zone, include, block, words(NAMED_WORDS, 1, 10))


NAMED_TEXT = text_of(
    lines(st.one_of(_named_statement(), st.lists(_named_statement(), max_size=4).map(lambda body: 'view "v" { ' + " ".join(body) + " };"))),
    NAMED_WORDS + [f"include {t};" for t in NAMED_INCLUDES],
    [" ", "\t", "\n", "\r\n"],
)
SMALL_ZONE = b"$TTL 3600\n@ IN SOA ns1.example.com. admin.example.com. 2024010101 3600 600 1209600 3600\n@ IN NS ns1\nns1 IN A 10.0.0.1\n"
ZONE = SMALL_ZONE.decode()

# Cisco IOS running-configs and change scripts

IOS_ADDRESSES = ["10.0.0.1", "10.0.0.2", "203.0.113.1", "203.0.113.0", "255.255.255.0", "0.0.0.255", "300.1.1.1", "1.2.3", "::1", "0.0.0.0"]
NAT_WORDS = [
    "ip", "nat", "inside", "outside", "source", "destination", "static", "list", "pool", "route-map",
    "interface", "tcp", "udp", "network", "extendable", "no-alias", "no-payload", "overload", "vrf", "RED",
    "redundancy", "1", "mapping-id", "5", "reversible", "add-route", "match-in-vrf", "netmask",
    "prefix-length", "24", "/24", "type", "rotary", "match-host", "80", "8080", "65535", "65536", "0", "-1",
    "Gi0/0", "GigabitEthernet0/1", "Loopback0", "Dialer0", "P", "ACL", "1interface", "address",
] + IOS_ADDRESSES
NAT_LINES = [
    "ip nat inside source static 10.0.0.1 203.0.113.1",
    "ip nat inside source static tcp 10.0.0.1 80 203.0.113.1 80",
    "ip nat inside source static tcp 10.0.0.1 80 203.0.113.1 80 extendable",
    "ip nat inside source static udp 10.0.0.1 53 interface Gi0/0 53",
    "ip nat inside source static network 10.0.0.0 203.0.113.0 /24",
    "ip nat inside source static network 10.0.0.0 203.0.113.0 255.255.255.0 no-alias",
    "ip nat inside source static 10.0.0.1 203.0.113.1 vrf RED redundancy 1 mapping-id 5",
    "ip nat inside source static 10.0.0.1 203.0.113.1 route-map RM reversible",
    "ip nat inside source list 1 pool P overload",
    "ip nat inside source list 1 interface Gi0/0 overload",
    "ip nat inside source route-map RM interface Gi0/0 overload",
    "ip nat outside source static 203.0.113.9 10.0.0.9 add-route",
    "ip nat inside destination list 2 pool P",
    "ip nat pool P 203.0.113.10 203.0.113.20 netmask 255.255.255.0",
    "ip nat pool P 203.0.113.10 203.0.113.20 prefix-length 24",
    "ip nat pool P prefix-length 24 type rotary",
    " address 203.0.113.30 203.0.113.40",
    "ip nat translation timeout 60",
    "ip nat source list 1interface dialer 0",
]
IOS_LINES = NAT_LINES + ["no " + line for line in NAT_LINES[:6]] + [
    "hostname R1", "version 15.7", "!", "interface GigabitEthernet0/0", "interface Gi0/1",
    " ip address 10.0.0.254 255.255.255.0", " ip address 203.0.113.2 255.255.255.0", " ip address dhcp",
    " ip nat inside", " ip nat outside", " no ip nat inside", " no shutdown", " shutdown", " description x y",
    "interface range Gi0/1 - 3", "interface Gi0/1.100", " encapsulation dot1Q 100",
    " standby 1 ip 10.0.0.250", " vrrp 1 ip 10.0.0.250", "no interface Gi0/1",
    "access-list 1 permit 10.0.0.0 0.0.0.255", "ip access-list extended ACL", " permit ip any any",
    "route-map RM permit 10", " match ip address 1", "ip route 0.0.0.0 0.0.0.0 203.0.113.254",
    "banner motd ^C", "banner motd #", "banner login ^Chello^C", "banner exec %", "text of a banner", "^C", "#", "%",
    "router ospf 1", " network 10.0.0.0 0.0.0.255 area 0", "router bgp 65000", " address-family ipv4",
    "  neighbor 10.0.0.2 activate", " exit-address-family", "line vty 0 4", " password x", "end", "exit",
    "R1(config)#", "R1(config-if)#", "R1#conf t", "R1#configure terminal", "R1#show run", "R1#write",
    "Rnet92i(config)#", "% Invalid input detected at '^' marker.",
    "Enter configuration commands, one per line.  End with CNTL/Z.", "Building configuration...",
    "Current configuration : 1234 bytes", "vrf definition RED", "ip vrf RED", "vlan 10", " name x",
]
IOS_PREFIXES = ["R1(config)#", "R1(config-if)#", "R1(config-router)#", "R1#", "Rnet92i(config)#", "R1(config)# "]


def _ios_line():
    indent = st.sampled_from(["", "", " ", "  ", "\t", "   "])
    line = st.one_of(st.sampled_from(IOS_LINES), words(NAT_WORDS, 1, 12))
    prompt = st.sampled_from([""] * 4 + IOS_PREFIXES)
    return st.tuples(prompt, indent, line).map("".join)


IOS_TEXT = text_of(lines(_ios_line(), 40), NAT_WORDS + IOS_LINES, [" ", "\n", "\r\n", "\n ", "\t"])
IOS_HEADS = ["hostname R1\n", "version 15.7\n", "", "Current configuration : 100 bytes\n", "R1#conf t\n"]
ROUTER_R1 = (
    b"hostname R1\n!\ninterface Gi0/0\n ip address 203.0.113.2 255.255.255.0\n ip nat outside\n!\n"
    b"interface Gi0/1\n ip address 10.0.0.254 255.255.255.0\n ip nat inside\n!\n"
    b"ip nat inside source static tcp 10.0.0.1 80 203.0.113.1 80 extendable\n"
    b"ip nat inside source static 10.0.0.2 203.0.113.3\nip nat pool P 203.0.113.10 203.0.113.20 prefix-length 24\nend\n"
)

# interfaces(5) (Debian ifupdown)

IFACE_NAMES = ["eth0", "eth1", "eth0:1", "lo", "bond0", "vlan10", "eth0.100", "br0", "ens3", "-", "a" * 20]
IFACE_WORDS = IFACE_NAMES + [
    "auto", "allow-hotplug", "allow-auto", "iface", "inet", "inet6", "static", "dhcp", "manual", "loopback",
    "address", "netmask", "gateway", "10.0.0.1", "10.0.0.1/24", "10.0.0.1/33", "2001:db8::1/64", "255.255.255.0",
    "255.0.255.0", "24", "300.0.0.1", "source", "source-directory", "interfaces.d", "up", "down", "pre-up",
    "post-up", "ip", "addr", "add", "del", "dev", "route", "-6", "-4", "mapping", "script", "map", "#", "\\",
    "mtu", "1500", "hwaddress", "ether", "bond-slaves", "vlan-raw-device", "label", "broadcast", "scope",
    "dns-nameservers", "8.8.8.8", "no-auto-down", "no-scripts",
]
IFACE_SOURCES = [
    "source interfaces.d/*", "source /etc/network/interfaces.d/*", "source /etc/network/interfaces",
    "source interfaces.d/eth1.cfg", "source /etc/passwd", "source ../../../../x", "source-directory interfaces.d",
    "source-directory /etc/network/interfaces.d", "source-directory /etc/network", "source *", "source",
]


def _iface_line():
    families = st.sampled_from(["inet", "inet6", "ipx", ""])
    methods = st.sampled_from(["static", "dhcp", "manual", "loopback", "auto", ""])
    stanza = st.tuples(st.sampled_from(IFACE_NAMES), families, methods).map(lambda p: f"iface {p[0]} {p[1]} {p[2]}")
    option = st.tuples(st.sampled_from(["    ", "\t", "", " "]), words(IFACE_WORDS, 1, 8)).map("".join)
    up = st.tuples(
        st.sampled_from(["up", "down", "post-up", "pre-down"]), st.sampled_from(["-4 ", "-6 ", ""]),
        st.sampled_from(IOS_ADDRESSES + ["10.0.0.9/24", "2001:db8::9/64"]), st.sampled_from(IFACE_NAMES),
    ).map(lambda p: f"    {p[0]} ip {p[1]}addr add {p[2]} dev {p[3]}")
    auto = st.lists(st.sampled_from(IFACE_NAMES), min_size=1, max_size=3).map(lambda n: "auto " + " ".join(n))
    odd = st.sampled_from(["# comment", "", "\\", "    address 10.0.0.1 \\"])
    return st.one_of(stanza, option, up, auto, st.sampled_from(IFACE_SOURCES), odd)


IFACE_TEXT = text_of(lines(_iface_line(), 30), IFACE_WORDS + IFACE_SOURCES, [" ", "\t", "\n", "\r\n", "\n    ", "\\\n"])

# /etc/machine-id (machine-id(5): 32 lower-case hexadecimal characters and a newline)

MACHINE_ID_TEXT = st.one_of(
    st.text(alphabet="0123456789abcdefABCDEFxyz-\n\r \t", max_size=70),
    st.sampled_from(["0123456789abcdef" * 2 + "\n", "uninitialized\n", "", "\n", "0" * 32, ("0123456789abcdef" * 2 + "\n\n") * 2]),
)

#: per kind: the drawn text, and where it goes in a tree of its own and in examples/leidoscope
GRAMMARS = {
    "zone": (ZONE_TEXT, DB, "hosts/web/etc/bind/zones/db.leidoscope.com"),
    "named": (NAMED_TEXT, "hosts/ns/etc/bind/named.conf", "hosts/web/etc/bind/named.conf.local"),
    "ios-running": (IOS_TEXT, "routers/R1.ios", "routers/Rnet92i.ios"),
    "ios-changes": (IOS_TEXT, "routers/R1.changes.ios", "routers/Rnet92i.changes.ios"),
    "interfaces": (IFACE_TEXT, "hosts/ns/etc/network/interfaces", "hosts/web/etc/network/interfaces"),
    "machine-id": (MACHINE_ID_TEXT, "hosts/ns/etc/machine-id", "hosts/web/etc/machine-id"),
}


def leidoscope_files() -> dict[str, bytes]:
    return {p.relative_to(LEIDOSCOPE).as_posix(): p.read_bytes() for p in sorted(LEIDOSCOPE.rglob("*")) if p.is_file()}


def alone_tree(kind: str, data: bytes, other: bytes, flag: bool, head: str) -> dict[str, bytes]:
    """A tree around one drawn file: its companions (an include target drawn too, the
    running-config a change script applies to, a peer with the same machine-id)."""
    rel = GRAMMARS[kind][1]
    if kind == "zone":
        if flag:  # the manifest names the zone
            return {rel: data, "hosts/ns/etc/bind/db.inc": other, "halint.toml": ZONE_MANIFEST}
        # else a directive makes it a zone file, its origin coming from the file name
        return {rel: b"$TTL 3600\n" + data, "hosts/ns/etc/bind/db.inc": other}
    if kind == "named":
        return {rel: data, "hosts/ns/etc/bind/named.conf.local": other, DB: SMALL_ZONE}
    if kind == "ios-running":
        return {rel: head.encode() + data}
    if kind == "ios-changes":  # a transcript's prompt, or plain commands
        data = (b"R1#conf t\n" if head.startswith("R1#") else b"") + data
        return {rel: data, "routers/R1.ios": ROUTER_R1} if flag else {rel: data}
    if kind == "interfaces":
        return {rel: data, "hosts/ns/etc/network/interfaces.d/eth1.cfg": other}
    return {rel: data, "hosts/peer/etc/machine-id": data} if flag else {rel: data}


@pytest.mark.parametrize("kind", sorted(GRAMMARS))
@FUZZ
@given(data=st.data(), ops=damage, flag=st.booleans(), in_leidoscope=st.booleans(), fmt=st.sampled_from(["json", "sarif"]))
def test_random_tokens_of_every_format(kind, data, ops, flag, in_leidoscope, fmt):
    strategy, _, in_tree = GRAMMARS[kind]
    text = encoded(data.draw(strategy, label="text"), ops)
    if in_leidoscope:
        files = leidoscope_files()
        files[in_tree] = text
    else:
        other = encoded(data.draw(strategy, label="companion"), [])
        head = data.draw(st.sampled_from(IOS_HEADS), label="head")
        files = alone_tree(kind, text, other, flag, head)
    engine_and_cli(files, fmt)


# -- mutations of every corpus file and of examples/leidoscope ----------------------------------------

#: where a corpus file of each folder goes in a conventional tree
CORPUS_PLACE = {
    "keepalived": KA,
    "ios": "routers/R1.ios",
}


def seeded_ops(name: str, count: int = 3) -> list[tuple[str, int, int]]:
    """One mutation sequence per file name, the same on every run (no NUL byte: a file with one
    is HL001 and read no further; the random tests below insert NULs)."""
    rng = random.Random(name)
    kinds = [m for m in MUTATIONS if m != "nul"]
    return [(rng.choice(kinds), rng.randrange(10**6), rng.randrange(10**6)) for _ in range(count)]


def corpus_tree(folder: str, original: Path, data: bytes) -> dict[str, bytes]:
    if folder != "zones":
        return {CORPUS_PLACE[folder]: data}
    from halint.formats.zone.reader import guess_origin

    text = original.read_bytes().decode("utf-8", "replace")
    origin = guess_origin(Source(original, text))[0] or "example.com."
    rel = f"hosts/ns/etc/bind/{original.name}"
    manifest = f"[zones.{json.dumps(origin)}]\nfiles = [{json.dumps(rel)}]\n"
    return {rel: data, "halint.toml": manifest.encode()}


def _corpus_mutation(folder: str, original: Path) -> None:
    data = mutate(original.read_bytes(), seeded_ops(f"{folder}/{original.name}"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_tree(root, corpus_tree(folder, original, data))
        check_outcome(run(Options(paths=[root])))


def _name(param) -> str:
    return param.name if isinstance(param, Path) else str(param)


@pytest.mark.parametrize("original", corpus_files("zones"), ids=_name)
def test_every_corpus_zone_survives_a_seeded_mutation(original):
    _corpus_mutation("zones", original)


@pytest.mark.parametrize("original", corpus_files("ios"), ids=_name)
def test_every_corpus_router_survives_a_seeded_mutation(original):
    _corpus_mutation("ios", original)


@pytest.mark.parametrize("original", corpus_files("keepalived"), ids=_name)
def test_every_corpus_keepalived_survives_a_seeded_mutation(original):
    _corpus_mutation("keepalived", original)


@pytest.fixture(scope="module")
def leidoscope_copy(tmp_path_factory):
    root = tmp_path_factory.mktemp("leidoscope")
    shutil.copytree(LEIDOSCOPE, root, dirs_exist_ok=True)
    (root / "halint.toml").write_text("")  # the tree a file named on the command line belongs to
    return root


#: the configuration files (not the manifest: a damaged halint.toml is a usage error, exit 2,
#: which tests/test_manifest.py covers)
LEIDOSCOPE_FILES = sorted(
    p.relative_to(LEIDOSCOPE).as_posix() for p in LEIDOSCOPE.rglob("*") if p.is_file() and p.name != "halint.toml"
)


def _mutated_leidoscope(root: Path, rel: str, ops) -> None:
    """Mutate one file of the copied tree, check the whole tree (engine, reports, and the CLI
    on the mutated file), put the file back."""
    path = root / rel
    original = (LEIDOSCOPE / rel).read_bytes()
    try:
        path.write_bytes(mutate(original, ops))
        check_outcome(run(Options(paths=[root])))
        code, _, err = cli(["check", "--format", "json", str(path)])
        assert_clean_exit(code, err)
    finally:
        path.write_bytes(original)


@pytest.mark.parametrize("rel", LEIDOSCOPE_FILES)
def test_every_leidoscope_file_survives_a_seeded_mutation(leidoscope_copy, rel):
    _mutated_leidoscope(leidoscope_copy, rel, seeded_ops(rel, 4))


operations = st.lists(st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=6)


@FUZZ
@given(rel=st.sampled_from(LEIDOSCOPE_FILES), ops=operations)
def test_random_mutations_of_the_leidoscope_tree(leidoscope_copy, rel, ops):
    _mutated_leidoscope(leidoscope_copy, rel, ops)


# -- deep nesting and long include chains ----------------------------------------------------------------


def _chain(count: int, name, line) -> dict[str, str]:
    """``count`` files, each naming the next one: name(i) -> text."""
    return {name(i): line(i + 1) for i in range(count)} | {name(count): ""}


def _keepalived_chain() -> dict[str, str]:
    files = _chain(200, lambda i: f"hosts/lb/etc/keepalived/k{i}.conf", lambda n: f"include k{n}.conf\n")
    files[KA] = "include k0.conf\n" + VRRP
    return files


def _named_chain() -> dict[str, str]:
    files = _chain(200, lambda i: f"hosts/ns/etc/bind/n{i}.inc", lambda n: f'include "/etc/bind/n{n}.inc";\n')
    files["hosts/ns/etc/bind/named.conf"] = 'include "/etc/bind/n0.inc";\n'
    return files


def _zone_chain() -> dict[str, str]:
    files = _chain(200, lambda i: f"hosts/ns/etc/bind/z{i}.inc", lambda n: f"$INCLUDE /etc/bind/z{n}.inc\nh{n} IN A 10.0.0.1\n")
    files[DB] = ZONE + "$INCLUDE /etc/bind/z0.inc\n"
    return files


def _interfaces_chain() -> dict[str, str]:
    files = _chain(200, lambda i: f"hosts/ns/etc/network/s{i}", lambda n: f"source /etc/network/s{n}\n")
    files["hosts/ns/etc/network/interfaces"] = "auto eth0\niface eth0 inet static\n address 10.0.0.1/24\nsource /etc/network/s0\n"
    return files


def _interfaces_directory_chain() -> dict[str, str]:
    """source-directory from folder to folder, 200 deep, ending in a loop back to the top."""
    files = {}
    for i in range(200):
        folder = "/".join(f"d{k}" for k in range(i + 1))
        files[f"hosts/ns/etc/network/{folder}/next"] = f"source-directory /etc/network/{folder}/d{i + 1}\nsource-directory /etc/network\n"
    files["hosts/ns/etc/network/interfaces"] = "auto eth0\niface eth0 inet static\n address 10.0.0.1/24\nsource-directory /etc/network/d0\n"
    return files


def _ios_indentation() -> dict[str, str]:
    """A running-config indented one more blank per line, 5,000 lines deep, with NAT rules
    (and no `ip nat inside` interface, so IOS003 always has something to say)."""
    body = "".join(" " * i + ("interface Gi0/%d\n" % i if i % 2 else "router bgp %d\n" % i) for i in range(5000))
    return {"routers/R1.ios": "hostname R1\n" + body + "ip nat inside source static 10.0.0.1 203.0.113.1\n"}


#: the outcome of a hostile input that needs no finding (a named.conf cycle is only a note)
ANY_OUTCOME = frozenset({"any outcome"})

DEEP = {
    # name: (files, codes of which at least one must be reported; None: any finding; ANY_OUTCOME)
    "keepalived-blocks-100000-lines": (lambda: {KA: "a {\n" * 100_000}, {"KA001"}),
    "keepalived-blocks-100000-one-line": (lambda: {KA: "vrrp_instance V " + "a { " * 100_000 + "\n"}, {"KA001"}),
    "keepalived-closing-20000": (lambda: {KA: "vrrp_instance V {\n" + "}\n" * 20_000}, {"KA001"}),
    "keepalived-include-chain-200": (_keepalived_chain, {"KA009", "KA001"}),
    "keepalived-include-self": (lambda: {KA: "include keepalived.conf\n" * 50 + "vrrp_instance V {\n}\n"}, {"KA009"}),
    "named-braces-100000": (lambda: {"hosts/ns/etc/bind/named.conf": "options " + "{" * 100_000 + "\n"}, {"HL001"}),
    "named-blocks-100000": (lambda: {"hosts/ns/etc/bind/named.conf": "view v { " * 100_000 + "\n"}, {"HL001"}),
    "named-include-chain-200": (_named_chain, {"HL001"}),
    "zone-parens-100000": (lambda: {DB: ZONE + "x IN TXT " + "(" * 100_000 + ")" * 100_000 + "\n"}, {"ZN001"}),
    "zone-open-paren-100000": (lambda: {DB: ZONE + "x IN TXT (\n" * 100_000}, {"ZN001"}),
    "zone-include-chain-200": (_zone_chain, {"ZN001"}),
    "ios-indentation-5000": (_ios_indentation, {"IOS003"}),
    "interfaces-source-chain-200": (_interfaces_chain, {"HL001"}),
    "interfaces-source-directory-chain-200": (_interfaces_directory_chain, {"HL001"}),
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_and_long_chains(tmp_path, name):
    make, expect = DEEP[name]
    write_tree(tmp_path, {rel: text.encode() for rel, text in make().items()})
    _assert_finished_cleanly(run_isolated(tmp_path), expect)


# -- expansion bombs and big trees ------------------------------------------------------------------------



def var_doubling(times: int = 40) -> str:
    """$A0=xx, then $A{i+1}=${A{i}}${A{i}}: the last one is 2**(times+1) characters long."""
    out = ["$A0=xx"] + [f"$A{i + 1}=${{A{i}}}${{A{i}}}" for i in range(times)]
    return "\n".join(out) + f"\nglobal_defs {{\n router_id ${{A{times}}}\n}}\n" + VRRP


def generate_flood(lines: int = 50, last: int = 1_000_000) -> str:
    body = "".join(f"$GENERATE 1-{last} h{k}-$ A 10.0.0.1\n" for k in range(lines))
    return ZONE + body


def _many_hosts(count: int = 3000) -> dict[str, str]:
    """``count`` hosts in one VRRP cluster (one VIP, one VRID), each with a zone and an
    interfaces file: pairwise cross-file checks over thousands of peers."""
    files = {}
    for i in range(count):
        files[f"hosts/h{i}/etc/keepalived/keepalived.conf"] = VRRP.replace("priority 100", f"priority {1 + i % 250}")
        files[f"hosts/h{i}/etc/network/interfaces"] = f"auto eth0\niface eth0 inet static\n address 10.0.{i // 250}.{1 + i % 250}/16\n"
    return files


def _mesh(folder: str, line: str, root_rel: str, root_text: str, count: int = 8) -> dict[str, str]:
    """``count`` files f0..f{count-1}.inc in ``folder``, each including all of them (``line``),
    and a root file that does too: every order of visiting them is an include path, count! of
    them, unless a reader remembers what it has been through."""
    files = {f"{folder}/f{i}.inc": line + "\n" for i in range(count)}
    files[root_rel] = root_text + line + "\n"
    return files


def _fan_out(folder: str, line, root_rel: str, root_text: str, leaf: str, depth: int = 12, width: int = 4) -> dict[str, str]:
    """No cycle, only repetition: l{i} includes l{i+1} ``width`` times, ``depth`` levels: the
    leaf is read width**depth times (4**12 = 16.7 million)."""
    files = {f"{folder}/l{i}.inc": (line(i + 1) + "\n") * width for i in range(depth)}
    files[f"{folder}/l{depth}.inc"] = leaf
    files[root_rel] = root_text + line(0) + "\n"
    return files


def _too_many_files() -> dict[str, str]:
    """More files than the manifest's [limits] files allows: HL001 for the first one left out."""
    files = {f"hosts/h{i}/etc/machine-id": f"{i:032x}\n" for i in range(1500)}
    files["halint.toml"] = "[limits]\nfiles = 1000\n"
    return files


BOMBS = {
    "keepalived-var-doubling-40": (lambda: {KA: var_doubling(40)}, {"KA001"}),
    "keepalived-seq-100000000": (lambda: {KA: "global_defs {\n~SEQ(i,1,100000000) router_id r$i\n}\n" + VRRP}, {"KA001"}),
    "keepalived-seq-nested": (lambda: {KA: "global_defs {\n~SEQ(i,1,100000) ~SEQ(j,1,100000) router_id r$i$j\n}\n" + VRRP}, {"KA001"}),
    "keepalived-seq-in-var": (
        lambda: {KA: "$S=~SEQ(i,1,100000) ~SEQ(j,1,100000) ~SEQ(k,1,100000) x\n$S\n" + VRRP}, {"KA001", "KA002"}
    ),
    "zone-generate-100000000": (lambda: {DB: ZONE + "$GENERATE 1-100000000 h$ A 10.0.0.1\n"}, {"ZN001"}),
    "zone-generate-50-lines-of-1000000": (lambda: {DB: generate_flood()}, {"ZN001"}),
    # 100,000 distinct misspelt keywords (1.3 MB): each one's "did you mean" must stay cheap
    "keepalived-100000-unknown-keywords": (
        lambda: {KA: "vrrp_instance V {\n" + "".join(f"priorit{i} 1\n" for i in range(100_000 if FULL else 20_000)) + "}\n"},
        {"KA002"},
    ),
    "tree-3000-hosts-one-cluster": (_many_hosts, None),
    "tree-over-the-file-limit": (_too_many_files, {"HL001"}),
    "keepalived-include-glob-mesh-8": (lambda: _mesh("hosts/lb/etc/keepalived", "include /etc/keepalived/*.inc", KA, VRRP), {"KA009"}),
    "named-include-glob-mesh-8": (lambda: _mesh(BIND, 'include "/etc/bind/*.inc";', "hosts/ns/etc/bind/named.conf", ""), ANY_OUTCOME),
    "zone-include-mesh-8": (
        lambda: _mesh(BIND, "\n".join(f"$INCLUDE /etc/bind/f{i}.inc" for i in range(8)), DB, ZONE),
        {"ZN001"},
    ),
    "keepalived-include-fan-out-4-to-the-12": (
        lambda: _fan_out(
            "hosts/lb/etc/keepalived", lambda n: f"include /etc/keepalived/l{n}.inc", KA, VRRP, 'vrrp_script c {\n script "/bin/true"\n}\n'
        ),
        None,
    ),
    "zone-include-fan-out-4-to-the-12": (
        lambda: _fan_out(BIND, lambda n: f"$INCLUDE /etc/bind/l{n}.inc", DB, ZONE, "x IN A 10.0.0.1\n"),
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_expansion_bombs_finish_with_a_diagnostic(tmp_path, name):
    make, expect = BOMBS[name]
    files = make()
    if not FULL:
        files.setdefault("halint.toml", SMALL_LIMITS)
    write_tree(tmp_path, {rel: text.encode() for rel, text in files.items()})
    _assert_finished_cleanly(run_isolated(tmp_path), expect)


def _assert_finished_cleanly(result: Isolated, expect) -> None:
    if expect is ANY_OUTCOME:
        result.assert_clean(need_finding=False)
    else:
        result.assert_clean(expect)


# -- special files: FIFOs, devices, directories where a file is expected -----------------------------------


def _fifo_named_by(rel: str, text: str, fifo: str):
    """A file ``rel`` holding ``text`` that names ``fifo``, a FIFO nobody writes to: reading
    it would block forever."""

    def make(root: Path) -> None:
        write_tree(root, {rel: text.encode()})
        (root / fifo).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(root / fifo)

    return make


def _link_in_tree(rel: str, target: str, text: dict[str, str] | None = None):
    def make(root: Path) -> None:
        write_tree(root, {k: v.encode() for k, v in (text or {}).items()})
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / rel)

    return make


SPECIAL = {
    # name: (builder, codes of which one must be reported; None: no finding required)
    # with the result cache on, as a user runs halint: it fingerprints every file of the tree
    "result-cache-fifo-in-the-tree": (_fifo_named_by("hosts/ns/etc/machine-id", "0123456789abcdef0123456789abcdef\n", KA), None),
    "result-cache-dev-zero-in-the-tree": (_link_in_tree(KA, "/dev/zero"), None),
    # the front ends, result cache off
    "keepalived-include-fifo": (
        _fifo_named_by(KA, "include /etc/keepalived/pipe.conf\n" + VRRP, "hosts/lb/etc/keepalived/pipe.conf"), {"KA009", "HL001"}
    ),
    "keepalived-include-glob-with-fifo": (
        _fifo_named_by(KA, "include /etc/keepalived/*.conf\n" + VRRP, "hosts/lb/etc/keepalived/pipe.conf"), None
    ),
    "zone-include-fifo": (
        _fifo_named_by(DB, ZONE + "$INCLUDE /etc/bind/pipe\n", "hosts/ns/etc/bind/pipe"),
        {"ZN001", "HL001"},
    ),
    "named-include-fifo": (_fifo_named_by("hosts/ns/etc/bind/named.conf", 'include "/etc/bind/pipe";\n', "hosts/ns/etc/bind/pipe"), None),
    "interfaces-source-fifo": (
        _fifo_named_by("hosts/ns/etc/network/interfaces", "source /etc/network/pipe\n", "hosts/ns/etc/network/pipe"), None
    ),
    "interfaces-source-directory-fifo": (
        _fifo_named_by(
            "hosts/ns/etc/network/interfaces", "source-directory /etc/network/interfaces.d\n", "hosts/ns/etc/network/interfaces.d/pipe"
        ),
        None,
    ),
    "dev-zero-included": (
        _link_in_tree("hosts/lb/etc/keepalived/z.conf", "/dev/zero", {KA: "include /etc/keepalived/z.conf\n" + VRRP}), {"KA009", "HL001"}
    ),
    "symlink-loop-included": (
        lambda root: (
            _link_in_tree("hosts/lb/etc/keepalived/a.conf", "b.conf", {KA: "include /etc/keepalived/a.conf\n" + VRRP})(root),
            os.symlink("a.conf", root / "hosts/lb/etc/keepalived/b.conf"),
        ),
        {"KA009", "HL001"},
    ),
}


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_special_files_neither_block_nor_crash(tmp_path, name):
    """A FIFO, a device or a link loop where a file is expected: read nothing from it (a FIFO
    nobody writes to blocks a reader forever, /dev/zero never ends) and say so."""
    make, expect = SPECIAL[name]
    make(tmp_path)
    cache = name.startswith("result-cache-")
    run_isolated(tmp_path, timeout=20, cache=cache).assert_clean(expect, need_finding=expect is not None)
