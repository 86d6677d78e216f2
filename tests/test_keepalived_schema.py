"""Tests of the keepalived keyword schema data (grammars/keepalived-keywords.toml).

Groups:

1. structure: the file loads, every ``body`` names a context, every context is reachable from
   ``top``, no keyword is listed twice in a context;
2. spot checks of argument types that halint's rules rely on;
3. oracle tests against the installed keepalived (Debian 12 ships 2.2.7; skipped when keepalived is
   not installed): for every context a configuration is generated that opens the chain of blocks
   down to that context and uses every keyword of it; ``keepalived -t -f FILE`` must not call any
   keyword without ``since`` unknown, and must call every keyword with ``since`` unknown (which
   proves the ``since`` values);
4. an argument oracle (2.2.7 only): the bounds of every int/dec range and every enum word are
   accepted, and a value just outside a range or a wrong word is reported.

How ``keepalived -t`` reports: the parent process reads the whole file with only global_defs active,
then the checker, VRRP and BFD parsers each read it with their own blocks active; every parser skips
the blocks of the others unread. Each unknown keyword is therefore printed once per parser that reads
its block (bfd_instance keywords three times), as ``(FILE: Line N) Unknown keyword 'X'`` (the
parent omits ``FILE:``). A missing required argument makes keepalived exit at once, which would
hide later unknown keywords, so each generated block ends with a sentinel keyword that must be
reported: that proves the parser read the whole block.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from collections import deque
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from halint.formats.keepalived.schema import SCHEMA_FILE, ArgType, KeywordSpec, Schema, load_schema
from halint.core.tomlcompat import tomllib

SENTINEL = "halint_oracle_sentinel"
LINE_RE = re.compile(r"Line (\d+)\) Unknown keyword '([^']*)'")

# Keywords that exist in 2.2.7 but that Debian's build does not install, or whose acceptance depends
# on something other than the keyword table. (context, keyword) -> reason.
NOT_IN_DEBIAN_BUILD = {
    ("global_defs", "vrrp_ipsets"): "needs _HAVE_LIBIPSET_ (an iptables build with libipset); Debian builds nftables only",
}

# Arguments that make a line well formed where the schema gives no argument types (or where the
# generic value would be rejected in a way that stops the parser). Keyed by (context, keyword) or
# by keyword alone.
SAMPLE_ARGS = {
    ("top", "virtual_server"): "192.0.2.1 80",
    ("top", "virtual_server_group"): "vsg1",
    ("virtual_server", "real_server"): "192.0.2.2 80",
    ("virtual_server", "sorry_server"): "192.0.2.3 80",
    ("virtual_server", "persistence_granularity"): "255.255.255.0",
    ("virtual_server", "protocol"): "TCP",
    "max_auto_priority": "",
    "lvs_timeouts": "tcp 900",
    "lvs_sync_daemon": "eth0",
    "vrrp_garp_extra_if": "5",
    "vrrp_vmac_garp_intvl": "5",
    "garp_extra_if": "5",
    "vmac_garp_intvl": "5",
    "vrrp_iptables": "",
    "vrrp_ipsets": "",
    "vrrp_rt_priority": "1",
    "checker_rt_priority": "1",
    "bfd_rt_priority": "1",
    "vrrp_cpu_affinity": "0",
    "checker_cpu_affinity": "0",
    "bfd_cpu_affinity": "0",
    "notify_fifo": "/nonexistent-halint-oracle/notify.fifo",
    "vrrp_notify_fifo": "/nonexistent-halint-oracle/vrrp.fifo",
    "lvs_notify_fifo": "/nonexistent-halint-oracle/lvs.fifo",
    "vrrp_rx_bufs_policy": "MTU",
    "umask": "022",
    "include_check": "",
    "use_vmac": "",
    "use_ipvlan": "",
    "init_file": "",
    "payload": "00",
    "require_reply": "",
    "status_code": "200",
    "regex_options": "",
    "regex_min_offset": "0",
    "regex_max_offset": "10",
    "regex_stack": "32768 65536",
    "type": "A",
    "config_save_dir": "/tmp",
    "tmp_config_directory": "/tmp",
    "interface": "eth0",
    "default_interface": "eth0",
    "digest": "0123456789abcdef0123456789abcdef",
    "script_user": "root",
    "user": "root",
}

# Keywords kept out of the per-context oracle configurations: with `keepalived -t` the parent enters
# the named network namespace after reading the file and exits if it does not exist, which would
# stop the other parsers. test_oracle_namespace_keywords checks them on their own, with a namespace
# name that does not exist (setns() would only affect the short-lived test process anyway).
SKIP_IN_ORACLE = {
    ("top", "net_namespace"): "keepalived -t exits after the parent's parse when the namespace is missing",
    ("top", "net_namespace_ipvs"): "checked with net_namespace in test_oracle_namespace_keywords",
}

# Values for argument types.
TYPE_SAMPLES = {"ip": "192.0.2.10", "addr": "192.0.2.11", "ipv4": "224.0.0.18", "ipv6": "ff02::12", "prefix": "192.0.2.0/24",
                "bool": "true", "word": "w1", "string": "/bin/true"}


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema()


def reachable_paths(schema: Schema) -> dict[str, list[KeywordSpec]]:
    """For each context reachable from top, the chain of block keywords that opens it (BFS, so the
    shortest chain; keywords without `since` are preferred so 2.2.7 can open the chain)."""
    paths: dict[str, list[KeywordSpec]] = {"top": []}
    queue = deque(["top"])
    while queue:
        ctx = queue.popleft()
        specs = sorted(schema.contexts[ctx].keywords.values(), key=lambda s: s.since is not None)
        for spec in specs:
            if spec.kind == "block" and spec.body not in paths:
                paths[spec.body] = paths[ctx] + [spec]
                queue.append(spec.body)
    return paths


# ---------------------------------------------------------------- 1. structure

def test_schema_loads(schema):
    assert "top" in schema.contexts
    assert schema.versions == ("2.2.0", "2.4.3")
    assert sum(len(c.keywords) for c in schema.contexts.values()) > 400


def test_bodies_name_contexts(schema):
    for ctx in schema.contexts.values():
        for spec in ctx.keywords.values():
            if spec.kind == "block":
                assert spec.body in schema.contexts, f"{ctx.name}.{spec.name}"
            else:
                assert spec.body is None


def test_every_context_reachable_from_top(schema):
    paths = reachable_paths(schema)
    assert set(paths) == set(schema.contexts), set(schema.contexts) - set(paths)


def test_every_context_documented(schema):
    for ctx in schema.contexts.values():
        assert ctx.doc, ctx.name


def test_no_duplicate_keywords_in_a_context():
    """TOML itself rejects a repeated key; this also catches keys that differ only in quoting."""
    text = resources.files("halint.grammars").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    tomllib.loads(text)
    seen: dict[str, set[str]] = {}
    section = None
    for line in text.splitlines():
        m = re.match(r"\[contexts\.([A-Za-z0-9_]+)\.keywords\]", line)
        if m:
            section = m.group(1)
            assert section not in seen, f"context {section} defined twice"
            seen[section] = set()
            continue
        if line.startswith("["):
            section = None
            continue
        m = re.match(r'\s*("([^"]+)"|[A-Za-z0-9_-]+)\s*=', line)
        if section and m:
            name = m.group(2) or m.group(1)
            assert name not in seen[section], f"{section}.{name} listed twice"
            seen[section].add(name)


def test_since_values_are_release_versions(schema):
    versions = {"2.2.8", "2.3.0", "2.3.1", "2.3.2", "2.3.3", "2.3.4", "2.4.0", "2.4.1", "2.4.2", "2.4.3"}
    for ctx in schema.contexts.values():
        for spec in ctx.keywords.values():
            if spec.since is not None:
                assert spec.since in versions, f"{ctx.name}.{spec.name}: since {spec.since}"
            assert spec.until is None, f"{ctx.name}.{spec.name}: nothing was removed in 2.2.0-2.4.3"


def test_keywords_inside_a_new_block_are_new(schema):
    """A context opened only by keywords with `since` cannot hold keywords older than that."""
    paths = reachable_paths(schema)
    for name, chain in paths.items():
        newest = max((version_tuple(s.since) for s in chain if s.since), default=None)
        if newest:
            for spec in schema.contexts[name].keywords.values():
                assert spec.since is not None and version_tuple(spec.since) >= newest, f"{name}.{spec.name}"


# ---------------------------------------------------------------- 2. spot checks

def args(schema, ctx, kw):
    spec = schema.lookup(ctx, kw)
    assert spec is not None, f"{ctx}.{kw} missing"
    return spec.args


def test_vrrp_instance_arguments(schema):
    assert args(schema, "vrrp_instance", "priority") == (ArgType("int", Decimal(1), Decimal(255)),)
    assert args(schema, "vrrp_instance", "virtual_router_id") == (ArgType("int", Decimal(1), Decimal(255)),)
    assert args(schema, "vrrp_instance", "state") == (ArgType("enum", choices=("MASTER", "BACKUP")),)
    assert args(schema, "vrrp_instance", "state")[0].check("master") == "not allowed"  # case-sensitive
    (advert,) = args(schema, "vrrp_instance", "advert_int")
    assert (advert.name, advert.lo, advert.hi) == ("dec", Decimal("0.01"), Decimal(255))
    assert advert.check("0.5") is None and advert.check("0") == "out of range"
    (delay,) = args(schema, "vrrp_instance", "preempt_delay")
    assert (delay.name, delay.lo, delay.hi) == ("dec", Decimal(0), Decimal(1000))
    assert args(schema, "vrrp_instance", "version") == (ArgType("int", Decimal(2), Decimal(3)),)
    assert args(schema, "vrrp_instance", "nopreempt") == ()
    assert args(schema, "vrrp_instance", "preempt") == ()
    assert args(schema, "vrrp_instance", "interface") == (ArgType("word"),)
    assert args(schema, "vrrp_instance", "unicast_src_ip") == (ArgType("addr"),)
    assert args(schema, "vrrp_instance", "mcast_src_ip") == (ArgType("addr"),)


def test_kinds(schema):
    assert schema.lookup("vrrp_instance", "virtual_ipaddress").kind == "list"
    assert schema.lookup("vrrp_instance", "track_script").kind == "list"
    assert schema.lookup("vrrp_instance", "track_interface").kind == "list"
    assert schema.lookup("vrrp_instance", "unicast_peer").kind == "list"
    assert schema.lookup("vrrp_sync_group", "group").kind == "list"
    assert schema.lookup("top", "static_ipaddress").kind == "list"
    auth = schema.lookup("vrrp_instance", "authentication")
    assert (auth.kind, auth.body) == ("block", "vrrp_authentication")
    assert schema.lookup("vrrp_instance", "priority").kind == "value"
    assert schema.lookup("top", "vrrp_instance").args == (ArgType("word"),)
    url = schema.lookup("http_get", "url")
    assert (url.kind, url.body) == ("block", "http_get_url")
    # FILE_CHECK's track_file names a track_file; it is not a block there
    assert schema.lookup("file_check", "track_file").kind == "value"
    assert schema.lookup("top", "track_file").kind == "block"


def test_authentication_arguments(schema):
    assert args(schema, "vrrp_authentication", "auth_type") == (ArgType("enum", choices=("PASS", "AH")),)
    assert args(schema, "vrrp_authentication", "auth_pass") == (ArgType("string"),)


def test_vrrp_script_arguments(schema):
    weight = args(schema, "vrrp_script", "weight")
    assert weight == (ArgType("int", Decimal(-253), Decimal(253)), ArgType("enum", choices=("reverse",), optional=True))
    assert args(schema, "vrrp_script", "rise") == (ArgType("int", Decimal(1), Decimal(2147483647)),)
    assert args(schema, "vrrp_script", "fall") == (ArgType("int", Decimal(1), Decimal(2147483647)),)
    assert args(schema, "vrrp_script", "user") == (ArgType("word"), ArgType("word", optional=True))
    assert args(schema, "vrrp_script", "init_fail") == ()
    # the command is the first (quoted) word only; keepalived ignores further words
    script = schema.lookup("vrrp_script", "script")
    assert script.args == (ArgType("string"),) and not script.variadic
    # notify scripts: COMMAND [USER [GROUP]]
    assert args(schema, "vrrp_instance", "notify_master") == (
        ArgType("string"), ArgType("word", optional=True), ArgType("word", optional=True))
    for kw in ("interval", "timeout"):
        (a,) = args(schema, "vrrp_script", kw)
        assert a.name == "dec" and a.check("2") is None and a.check("0") == "out of range"


def test_trackers_and_groups(schema):
    for ctx in ("vrrp_track_process", "track_file"):
        assert args(schema, ctx, "weight") == (
            ArgType("int", Decimal(-254), Decimal(254)), ArgType("enum", choices=("reverse",), optional=True))
    assert args(schema, "vrrp_sync_group", "sync_group_tracking_weight") == ()
    assert schema.lookup("top", "vrrp_track_file").body == "track_file"
    assert schema.lookup("top", "vrrp_track_file").deprecated


def test_global_defs_arguments(schema):
    assert args(schema, "global_defs", "enable_script_security") == ()
    assert args(schema, "global_defs", "script_user") == (ArgType("word"), ArgType("word", optional=True))
    assert args(schema, "global_defs", "router_id") == (ArgType("word"),)
    assert args(schema, "global_defs", "vrrp_version") == (ArgType("int", Decimal(2), Decimal(3)),)
    assert args(schema, "global_defs", "vrrp_strict") == (ArgType("bool", optional=True),)


def test_new_keywords(schema):
    assert schema.lookup("vrrp_instance", "auth_hmac").since == "2.4.0"
    assert schema.lookup("vrrp_instance", "timer_expired_backup").since == "2.2.8"
    assert schema.lookup("ssl_get", "tls_compliant").since == "2.2.8"
    assert schema.lookup("http_get", "tls_compliant") is None
    assert schema.lookup("vrrp_instance", "priority").since is None


# ---------------------------------------------------------------- 3. oracle

def sample_value(ctx: str, spec: KeywordSpec) -> str:
    for key in ((ctx, spec.name), spec.name):
        if key in SAMPLE_ARGS:
            return SAMPLE_ARGS[key] or ""
    if not spec.args:
        return ""
    words = []
    for arg in spec.args:
        if arg.optional:
            break
        if arg.name in ("int", "dec"):
            words.append(str(max(arg.lo, min(arg.hi, Decimal(1)))))
        elif arg.name == "enum":
            words.append(arg.choices[0])
        else:
            words.append(TYPE_SAMPLES[arg.name])
    return " ".join(words)


def keyword_lines(ctx: str, spec: KeywordSpec, braces: bool = True) -> list[str]:
    line = f"{spec.name} {sample_value(ctx, spec)}".rstrip()
    if spec.opens_block and braces:
        return [line + " {", "}"]
    return [line]


def wrap(schema: Schema, ctx: str, body: list[str]) -> list[str]:
    """Open the chain of blocks from top down to ctx around body."""
    chain = reachable_paths(schema)[ctx]
    opening, closing, parent = [], [], "top"
    for depth, spec in enumerate(chain):
        opening.append("  " * depth + f"{spec.name} {sample_value(parent, spec)}".rstrip() + " {")
        closing.insert(0, "  " * depth + "}")
        parent = spec.body
    indent = "  " * len(chain)
    return opening + [indent + line for line in body] + closing


def run_keepalived(tmp_path: Path, name: str, lines: list[str]) -> tuple[list[tuple[int, str]], str]:
    conf = tmp_path / f"{name}.conf"
    conf.write_text("\n".join(lines) + "\n")
    proc = subprocess.run(
        ["keepalived", "-t", "-f", str(conf)],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
        start_new_session=True,  # keepalived -t may signal its whole process group
    )
    output = proc.stdout + proc.stderr
    return [(int(n), kw) for n, kw in LINE_RE.findall(output)], output


def oracle_contexts(schema: Schema) -> list[str]:
    return sorted(reachable_paths(schema))


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


@pytest.fixture(scope="module")
def keepalived() -> tuple[int, ...]:
    """The installed keepalived's version. The keyword tests work for any release the schema covers
    from 2.2.7 on (keywords with `since` up to that release must be known, later ones unknown); the
    argument and build-exception tests encode facts about Debian 12's 2.2.7 and run only there."""
    if shutil.which("keepalived") is None:
        pytest.skip("keepalived not installed: the oracle tests need keepalived 2.2.7+ (Debian 12: apt-get install keepalived)")
    proc = subprocess.run(["keepalived", "--version"], capture_output=True, text=True, timeout=30)
    match = re.search(r"Keepalived v(\d+\.\d+\.\d+)", proc.stdout + proc.stderr)
    if not match:
        pytest.skip(f"cannot read the keepalived version from: {(proc.stdout + proc.stderr)[:200]!r}")
    version = version_tuple(match.group(1))
    if not (2, 2, 7) <= version <= (2, 4, 3):
        pytest.skip(f"the schema's oracle expectations cover keepalived 2.2.7 to 2.4.3, found {match.group(1)}")
    return version


def known_to(spec: KeywordSpec, version: tuple[int, ...]) -> bool:
    return spec.since is None or version_tuple(spec.since) <= version


def needs_debian_227(version: tuple[int, ...]) -> None:
    if version != (2, 2, 7):
        pytest.skip("this check encodes facts about Debian 12's keepalived 2.2.7 build")


@pytest.mark.slow
@pytest.mark.parametrize("ctx", oracle_contexts(load_schema()))
def test_oracle_known_keywords(keepalived, schema, tmp_path, ctx):
    """Every keyword without `since` (or with a `since` not newer than the installed keepalived) is
    known to keepalived in its context."""
    chain = reachable_paths(schema)[ctx]
    if not all(known_to(s, keepalived) for s in chain):
        pytest.skip(f"{ctx} is only reachable through keywords newer than the installed keepalived")
    body, expected = [], {}
    for spec in schema.contexts[ctx].keywords.values():
        if not known_to(spec, keepalived) or (ctx, spec.name) in NOT_IN_DEBIAN_BUILD or (ctx, spec.name) in SKIP_IN_ORACLE:
            continue
        body.extend(keyword_lines(ctx, spec))
        expected[spec.name] = spec
    body.append(SENTINEL)
    lines = wrap(schema, ctx, body)
    unknown, output = run_keepalived(tmp_path, ctx, lines)
    names = {kw for _, kw in unknown}
    assert SENTINEL in names, f"keepalived did not read {ctx} to its end:\n{output}"
    wrongly_unknown = sorted(names & set(expected))
    assert not wrongly_unknown, f"keepalived {keepalived} does not know these {ctx} keywords: {wrongly_unknown}\n{output}"
    # nothing else may be unknown either: that would mean a cascade from a malformed line
    assert names == {SENTINEL}, output


# Where 2.2.7 and later releases accept different values the schema gives the union (see the
# keyword's note), so 2.2.7 reports some values the schema allows: (context, keyword, case) -> why.
ARG_ORACLE_EXCEPTIONS = {
    ("garp_group", "garp_interval", "hi"): "2.2.x allows at most 2147.483647 s, 2.3.0+ 4294.967295 s",
    ("garp_group", "gna_interval", "hi"): "2.2.x allows at most 2147.483647 s, 2.3.0+ 4294.967295 s",
    ("vrrp_script", "interval", "lo"): "fractions of a second are read from 2.3.2 only",
    ("vrrp_script", "timeout", "lo"): "fractions of a second are read from 2.3.2 only",
    ("global_defs", "vrrp_strict", "bad"): "2.2.x reads no argument (the optional true/false is read from 2.3.0)",
    ("global_defs", "vrrp_skip_check_adv_addr", "bad"): "2.2.x reads no argument (the optional true/false is read from 2.3.0)",
    ("virtual_server", "ip_family", "inet6"): "conflicts with the IPv4 virtual_server address the test uses",
}
# Lines placed before the keywords so that keywords depending on another one are well formed.
ARG_ORACLE_PREAMBLE = {"virtual_server": ["sorry_server 192.0.2.3 80"]}
ERROR_LINE_RE = re.compile(r"Line (\d+)\) (.*)")


def _fmt_number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def argument_cases(spec: KeywordSpec) -> list[tuple[str, str, bool]]:
    """(case label, argument text, keepalived should report an error) for each int, dec, enum and
    bool argument: the bounds and one step beyond them, every enum word, and a wrong word."""
    cases = []
    for i, arg in enumerate(spec.args or ()):
        before = []
        for prev in spec.args[:i]:
            if prev.name in ("int", "dec"):
                before.append(_fmt_number(prev.lo))
            elif prev.name == "enum":
                before.append(prev.choices[0])
            else:
                before.append(TYPE_SAMPLES[prev.name])
        after = [TYPE_SAMPLES.get(nxt.name, "1") for nxt in spec.args[i + 1:] if not nxt.optional]
        step = Decimal(1) if arg.name == "int" else Decimal("0.000001")
        if arg.name in ("int", "dec"):
            values = [("lo", arg.lo, False), ("hi", arg.hi, False), ("above", arg.hi + step, True),
                      ("below", arg.lo - step if arg.lo > 0 else arg.lo - 1, True)]
            values = [(label, _fmt_number(v), bad) for label, v, bad in values]
        elif arg.name == "enum":
            values = [(c, c, False) for c in arg.choices] + [("bad", "halint_bad", True)]
        elif arg.name == "bool":
            values = [("true", "true", False), ("no", "no", False), ("bad", "halint_bad", True)]
        else:
            continue
        for label, text, bad in values:
            cases.append((label, " ".join(before + [text] + after), bad))
    return cases


@pytest.mark.slow
@pytest.mark.parametrize("ctx", oracle_contexts(load_schema()))
def test_oracle_argument_types(keepalived, schema, tmp_path, ctx):
    """keepalived 2.2.7 accepts the bounds of every int/dec range and every enum word of the schema,
    and reports a value just outside a range or a wrong word. keepalived prefixes each message with
    the line number, so many keywords can share one configuration: round r puts the r-th case of
    every keyword of the context in one file."""
    needs_debian_227(keepalived)
    chain = reachable_paths(schema)[ctx]
    if any(s.since for s in chain):
        pytest.skip(f"{ctx} is only reachable through keywords newer than 2.2.7")
    per_kw = {spec.name: argument_cases(spec) for spec in schema.contexts[ctx].keywords.values()
              if not spec.since and (ctx, spec.name) not in NOT_IN_DEBIAN_BUILD}
    per_kw = {kw: cases for kw, cases in per_kw.items() if cases}
    if not per_kw:
        pytest.skip(f"no int/dec/enum/bool arguments in {ctx}")
    preamble = ARG_ORACLE_PREAMBLE.get(ctx, [])
    failures = []
    for rnd in range(max(len(c) for c in per_kw.values())):
        body, where = list(preamble), {}
        for kw, cases in per_kw.items():
            if rnd < len(cases):
                label, text, bad = cases[rnd]
                body.append(f"{kw} {text}")
                where[len(body)] = (kw, label, text, bad)
        body.append(SENTINEL)
        unknown, output = run_keepalived(tmp_path, f"{ctx}-{rnd}", wrap(schema, ctx, body))
        assert SENTINEL in {k for _, k in unknown}, f"keepalived did not read {ctx} to its end:\n{output}"
        errors: dict[int, list[str]] = {}
        for number, message in ERROR_LINE_RE.findall(output):
            if "deprecated" not in message:
                errors.setdefault(int(number) - len(chain), []).append(message)
        for index, (kw, label, text, bad) in where.items():
            if (ctx, kw, label) in ARG_ORACLE_EXCEPTIONS:
                continue
            reported = errors.get(index)
            if bad and not reported:
                failures.append(f"{kw} {text}: accepted by keepalived, but the schema rejects it")
            elif not bad and reported:
                failures.append(f"{kw} {text}: reported by keepalived ({reported}), but the schema allows it")
    assert not failures, "\n".join(failures)


@pytest.mark.slow
def test_oracle_namespace_keywords(keepalived, schema, tmp_path):
    lines = ["net_namespace halint-oracle-no-such-ns", "net_namespace_ipvs halint-oracle-no-such-ns", SENTINEL]
    unknown, output = run_keepalived(tmp_path, "namespaces", lines)
    names = {k for _, k in unknown}
    assert SENTINEL in names, output
    assert names == {SENTINEL}, output
    for kw in ("net_namespace", "net_namespace_ipvs"):
        assert schema.lookup("top", kw) is not None


@pytest.mark.slow
def test_oracle_not_in_debian_build_really_unknown(keepalived, schema, tmp_path):
    """The exceptions above are real (if Debian starts building them, drop the exception)."""
    needs_debian_227(keepalived)
    for (ctx, kw), reason in NOT_IN_DEBIAN_BUILD.items():
        spec = schema.lookup(ctx, kw)
        lines = wrap(schema, ctx, keyword_lines(ctx, spec, braces=False) + [SENTINEL])
        unknown, output = run_keepalived(tmp_path, f"{ctx}-{kw}", lines)
        assert kw in {k for _, k in unknown}, f"{ctx}.{kw} is known to this keepalived ({reason})\n{output}"


@pytest.mark.slow
def test_oracle_new_keywords_unknown(keepalived, schema, tmp_path):
    """Every keyword with a `since` newer than the installed keepalived (with Debian 12: every keyword
    with `since`) is reported as unknown: this proves the `since` values.

    Each is written without a block ("auth_hmac" alone) so that an unknown block keyword cannot
    cascade; keywords of contexts that only a newer keyword opens (auth_hmac's key, mode, ...) are
    checked through their opening keyword only."""
    paths = reachable_paths(schema)
    checked = 0
    for ctx in sorted(paths):
        if not all(known_to(s, keepalived) for s in paths[ctx]):
            continue
        new = [spec for spec in schema.contexts[ctx].keywords.values() if not known_to(spec, keepalived)]
        if not new:
            continue
        body = []
        for spec in new:
            body.extend(keyword_lines(ctx, spec, braces=False))
        body.append(SENTINEL)
        lines = wrap(schema, ctx, body)
        unknown, output = run_keepalived(tmp_path, f"new-{ctx}", lines)
        names = {kw for _, kw in unknown}
        assert SENTINEL in names, f"keepalived did not read {ctx} to its end:\n{output}"
        missing = sorted(spec.name for spec in new if spec.name not in names)
        assert not missing, f"keepalived {keepalived} knows these {ctx} keywords marked `since`: {missing}\n{output}"
        checked += len(new)
    if keepalived < (2, 4, 0):
        assert checked > 0
