"""The IOS front end on the real-world corpus (../shared/corpus/ios, 68 files): every file reads
without a crash and is recognised as a running-config, every ``ip nat`` line is either modelled
or reported (IOS001) and only the two known malformed lines are reported, no keepalived or zone
file is taken for IOS, and the reader's sub-mode structure agrees with ciscoconfparse2's."""
from __future__ import annotations

import re

import pytest
from conftest import corpus_dir

from halint.formats.ios.build import load_router
from halint.formats.ios.build import build
from halint.formats.ios.reader import ios_sniff, read_running, router_name
from halint.rules import REGISTRY
from halint.core.source import read_source

NAT_LINE = re.compile(r"^\s*(?:no\s+)?ip\s+nat\b")
#: the corpus's known malformed NAT lines (SOURCES.md notes): file suffix -> 1-based lines
KNOWN_MALFORMED = {
    "frostbits-security__ccat__example_1.txt": [40],  # ip nat inside source list 1interface dialer 0 overload
    "batfish__batfish__projects_batfish_src_test_resources_org_batfish_grammar_cisco_testconfigs_ios-nat-malformed-pool": [10],
}


def _files():
    return sorted(p for p in corpus_dir("ios").iterdir() if p.is_file())


def test_every_corpus_file_is_a_running_config():
    files = _files()
    assert len(files) == 68
    assert [p.name for p in files if ios_sniff(p.name, p.read_bytes()[:8192]) != "running"] == []


@pytest.mark.parametrize("kind", ["keepalived", "zones"])
def test_no_keepalived_or_zone_file_is_taken_for_ios(kind):
    claimed = [p.name for p in sorted(corpus_dir(kind).iterdir())
               if p.is_file() and ios_sniff(p.name, p.read_bytes()[:8192]) is not None]
    assert claimed == []


def test_every_nat_line_is_modelled_or_reported():
    problems = {}
    for path in _files():
        source = read_source(path)
        reading = read_running(source)
        builder = build(reading.commands)
        handled = {cmd.line for cmd, _ in builder.nat_log}
        nat_lines = [i for i, line in enumerate(source.text.split("\n"), 1) if NAT_LINE.match(line)]
        assert [n for n in nat_lines if n not in handled] == [], path.name
        reported = sorted(p.span.line for p in builder.problems)
        assert set(reported) <= set(nat_lines), path.name
        if reported:
            problems[path.name] = reported
    assert problems == KNOWN_MALFORMED


def test_every_rule_runs_on_every_corpus_router():
    for path in _files():
        source = read_source(path)
        router = load_router(router_name(source) or path.name, source, [])
        assert router.after is router.before
        for code in ("IOS001", "IOS002", "IOS003", "IOS004"):
            for diag in REGISTRY[code].check(router, None):
                assert diag.span.source is source and diag.message


def test_corpus_facts():
    by_suffix = {p.name.split("__")[-1]: p for p in _files()}

    def config(suffix):
        return load_router("x", read_source(by_suffix[suffix]), []).after

    sample01 = config("tests_fixtures_configs_sample_01.ios")
    pat = [r for r in sample01.nat_rules if r.kind == "static"]
    assert [r.describe() for r in pat] == ["tcp 172.16.1.5:22 -> interface Dialer1:1415"]
    assert sample01.interface("Dialer1").nat_outside and sample01.interface("Dialer1").dynamic_address == "negotiated"
    margrave = config("margrave_examples_policies_network_intern.txt")
    assert [(i.name, i.nat_inside, i.nat_outside) for i in margrave.interfaces] == [
        ("in_dmz", False, True), ("in_lan", True, False)]
    genie = config("src_genie_libs_parser_iosxe_tests_ShowRunningConfigVrf_cli_equal_golden_output_output.txt")
    assert len(genie.nat_rules) == 4 and genie.rejected == ()
    assert {r.vrf for r in genie.nat_rules} == {"CUST_A", "CUST_B"}


def _ciscoconfparse2_parents(lines):
    from ciscoconfparse2 import CiscoConfParse

    parsed = CiscoConfParse(lines, syntax="ios", ignore_blank_lines=False)
    parents = {}
    for obj in list(parsed.objs):
        text = obj.text.strip()
        if not text or text.startswith("!"):
            continue
        parent = obj.parent
        parents[obj.linenum + 1] = parent.linenum + 1 if parent is not obj else None
    return parents


@pytest.mark.slow
@pytest.mark.ios_oracle
def test_sub_modes_agree_with_ciscoconfparse2():
    """Same parent line for every command, except banner text (not commands for IOS) and the
    interface sub-commands written without indentation that this reader gives to their
    interface, as IOS does (ciscoconfparse2 reads them as global). Runs where ciscoconfparse2 is
    installed (the ios-oracle extra, in an environment of its own; conftest.py)."""
    compared = 0
    for path in _files():
        if path.stat().st_size > 64_000:
            continue  # ciscoconfparse2 needs seconds for the two machine-generated stress files
        source = read_source(path)
        theirs = _ciscoconfparse2_parents(source.text.replace("\r", "").split("\n"))
        commands = read_running(source).commands
        ours = {c.line: (c.block.line if c.block is not None else None) for c in commands}
        unindented_children = {c.line for c in commands if c.block is not None and c.indent == 0}
        lines = source.text.split("\n")
        for line, parent in theirs.items():
            if line not in ours:
                assert parent is not None and lines[parent - 1].lstrip().lower().startswith("banner"), (path.name, line)
                continue
            if line in unindented_children:
                assert parent is None, (path.name, line)
                continue
            assert ours[line] == parent, (path.name, line)
            compared += 1
        assert set(ours) <= set(theirs), path.name
    assert compared > 5000
