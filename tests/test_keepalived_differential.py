"""Differential test against the real keepalived (Debian's 2.2.7, `keepalived -t -f FILE`).

For every configuration in ../shared/corpus/keepalived (include fragments aside):

* every line keepalived flags ("Unknown keyword", "Unexpected '{'") is explained by halint: a
  KA002 at that line, or a line inside the block of a KA002 / KA001 finding, or a line that
  keepalived reads one level up because such a block's `}` ended its parent early;
* every KA002 that halint reports is a line keepalived flags too;
* a file keepalived reads to the end without any such complaint gets no KA001 or KA002.

keepalived -t reads a configuration in three processes (parent, VRRP, checker) and each
reports what it owns. To know that they all read the whole file, the test runs keepalived on a
copy that ends with a sentinel keyword after a blank line (line numbers unchanged): each
process that reaches the end reports it. When a process is missing (a network namespace that
does not exist on this machine keeps the VRRP and checker processes from starting), only the
top level is compared for that file.

Keywords newer than 2.2.7 (halint knows keepalived up to 2.4.3) and keywords missing from
Debian's build are listed below: keepalived 2.2.7 calls them unknown, halint does not.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SHARED, corpus_dir

from halint.engine.check import Options, run
from halint.formats.keepalived.schema import load_schema

#: keywords keepalived 2.2.7 does not know yet (version that introduced them)
NEWER_THAN_2_2_7 = {
    "active_key": "2.4.0", "anti_replay": "2.4.0", "auth_hmac": "2.4.0",
    "dbus_no_interface_name": "2.3.0", "iproute_etc_dir": "2.3.2", "iproute_usr_dir": "2.3.2",
    "json_dump_file": "2.3.3", "json_version": "2.2.8", "key": "2.4.0", "mode": "2.4.0",
    "multihop": "2.2.8", "no_virtual_ipaddress": "2.2.8", "owner_ignore_adverts": "2.3.3",
    "snmp_rs_stats_update_interval": "2.3.0", "snmp_vs_stats_update_interval": "2.3.0",
    "state_dump_file": "2.3.3", "stats_dump_file": "2.3.3", "thread_timer_expired": "2.3.2",
    "time_window": "2.4.0", "timer_expired_backup": "2.2.8", "tls_compliant": "2.2.8",
    "use_symlink_paths": "2.3.0", "v3_checksum_as_v2": "2.2.8", "vrrp_delay_after_boot": "2.4.0",
    "vrrp_owner_ignore_adverts": "2.3.3",
}
#: keywords that exist in 2.2.7 but not in Debian's build of it
NOT_IN_DEBIAN_BUILD = {"vrrp_ipsets": "Debian builds keepalived with nftables and without libipset"}

LINE = re.compile(r"^\((?:(?P<file>[^()]+): )?Line (?P<line>\d+)\) (?P<msg>.*)$")
UNKNOWN = re.compile(r"Unknown keyword '(?P<kw>.*)'$")


def test_the_newer_keyword_list_matches_the_schema():
    schema = load_schema()
    since = {k.name: k.since for c in schema.contexts.values() for k in c.keywords.values() if k.since}
    assert since == NEWER_THAN_2_2_7


def _fragments() -> set[str]:
    sources = (SHARED / "corpus" / "SOURCES.md").read_text(encoding="utf-8")
    return {m.group(1) for m in re.finditer(r"^\| `([^`]+)` \|.*include fragment", sources, re.MULTILINE)}


SENTINEL = "halint_differential_sentinel"
ALL_PROCESSES = 4  #: the sentinel's reports when every process reads to the end (see below)


def _keepalived(copy: Path, name: str) -> tuple[dict[int, list[str]], int]:
    """Lines keepalived flags (line -> messages) in a sentinel-terminated copy of the file
    ``name``, and how many times it reported the sentinel (once by the first read, then once per
    process: 4 when every process read the whole file)."""
    proc = subprocess.run(
        ["keepalived", "-t", "-f", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
        errors="replace",
        start_new_session=True,  # keepalived -t may signal its whole process group
    )
    flagged: dict[int, list[str]] = {}
    sentinel = 0
    for text in (proc.stderr + proc.stdout).splitlines():
        match = LINE.match(text)
        if not match or (match["file"] and Path(match["file"]).name != name):
            continue
        message = match["msg"]
        if SENTINEL in message:
            sentinel += 1
            continue
        if UNKNOWN.match(message) or message.startswith("Unexpected '{'"):
            flagged.setdefault(int(match["line"]), []).append(message)
    return flagged, sentinel


def _lines(span) -> range:
    first = span.source.position(span.start)[0]
    last = span.source.position(max(span.start, span.end - 1))[0]
    return range(first, last + 1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    if shutil.which("keepalived") is None:
        pytest.skip("keepalived not installed: .ci/run installs Debian's keepalived (apt-get install keepalived)")
    folder = corpus_dir("keepalived")
    outcome = run(Options(paths=[folder]))
    fragments = _fragments()
    copies = tmp_path_factory.mktemp("keepalived-corpus")
    results = {}
    for path in sorted(folder.iterdir()):
        if path.name in fragments:
            continue
        copy = copies / path.name
        copy.write_bytes(path.read_bytes() + f"\n\n{SENTINEL}\n".encode())
        results[path] = _keepalived(copy, path.name)
    assert len(results) >= 100
    return outcome, results


def _explained(outcome, path: Path, top_only: bool = False) -> tuple[set[int], dict[int, list[str]]]:
    """Lines halint accounts for in ``path``, and its KA002 findings by line (only those at the
    top level with ``top_only``)."""
    covered: set[int] = set()
    ka002: dict[int, list[str]] = {}
    nested: set[int] = set()
    for project in outcome.projects:
        for unit in project.keepalived:
            if Path(unit.root.path) == path:
                nested = {u.statement.span.line for u in unit.intended.unknown if u.context != "top"}
    for item in outcome.reported:
        d = item.diagnostic
        if Path(d.span.source.path) != path or d.code not in ("KA001", "KA002"):
            continue
        line = d.span.source.position(d.span.start)[0]
        covered.add(line)
        if d.code == "KA002" and not (top_only and line in nested):
            ka002.setdefault(line, []).append(d.message)
    for project in outcome.projects:
        for unit in project.keepalived:
            if Path(unit.root.path) != path:
                continue
            for unknown in unit.intended.unknown:
                covered.update(_lines(unknown.statement.span))
            for misuse in unit.intended.misuse:
                covered.update(_lines(misuse.statement.span))
            for cut in unit.effective.cuts:
                for stmt in cut.orphaned:
                    covered.update(_lines(stmt.span))
                owner_end = cut.owner.block.close
                if owner_end is not None:  # the owner's own `}` is then an extra one
                    covered.add(owner_end.span.line)
    return covered, ka002


def test_every_keyword_keepalived_rejects_is_reported(corpus):
    outcome, results = corpus
    misses = []
    for path, (flagged, _) in results.items():
        covered, _ = _explained(outcome, path)
        for line, messages in sorted(flagged.items()):
            keywords = {m.group("kw") for m in map(UNKNOWN.match, messages) if m}
            if keywords and keywords <= set(NEWER_THAN_2_2_7) | set(NOT_IN_DEBIAN_BUILD):
                continue
            if line not in covered:
                misses.append(f"{path.name}:{line}: {messages}")
    assert not misses, f"{len(misses)} lines keepalived flags are not reported: {misses[:20]}"


def test_halint_reports_no_unknown_keyword_that_keepalived_accepts(corpus):
    outcome, results = corpus
    extra = []
    compared = 0
    for path, (flagged, sentinel) in results.items():
        if sentinel == 0:
            continue  # keepalived stopped before the end (checked: no file of the corpus today)
        compared += 1
        _, ka002 = _explained(outcome, path, top_only=sentinel < ALL_PROCESSES)
        for line, messages in sorted(ka002.items()):
            if line not in flagged:
                extra.append(f"{path.name}:{line}: {messages}")
    assert compared >= 95
    assert not extra, f"{len(extra)} KA002 findings keepalived does not share: {extra[:20]}"


def test_files_keepalived_accepts_have_no_syntax_findings(corpus):
    outcome, results = corpus
    extra = []
    accepted = [p for p, (flagged, sentinel) in results.items() if not flagged and sentinel >= ALL_PROCESSES]
    assert len(accepted) >= 60
    for item in outcome.reported:
        d = item.diagnostic
        if d.code in ("KA001", "KA002") and Path(d.span.source.path) in accepted:
            extra.append(f"{Path(d.span.source.path).name}:{d.span.line}: {d.code} {d.message}")
    assert not extra, f"{len(extra)} syntax findings on files keepalived accepts: {extra[:20]}"


# -- a UTF-8 byte-order mark ----------------------------------------------------------------------

BOM = "\ufeff"
BOM_INSTANCE = (
    "vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    virtual_router_id 51\n    priority 100\n"
    "    virtual_ipaddress {\n        10.0.0.10\n    }\n    track_script {\n        chk_x\n    }\n}\n"
    "global_defs {\n    enable_script_security\n    script_user root\n}\n"
)
BOM_SCRIPT = 'vrrp_script chk_x {\n    script "/bin/true"\n    interval 2\n}\n'
#: case -> (files, the file with the mark, what keepalived says about its line 1, whether
#: keepalived then knows chk_x, whether it runs VI_1)
BOM_CASES = {
    "keyword": ({"keepalived.conf": BOM + BOM_SCRIPT + BOM_INSTANCE}, "keepalived.conf", BOM + "vrrp_script", False, True),
    "comment": ({"keepalived.conf": BOM + "! Configuration File\n" + BOM_SCRIPT + BOM_INSTANCE}, "keepalived.conf", BOM, True, True),
    "included": (
        {"keepalived.conf": "include scripts.conf\n" + BOM_INSTANCE, "scripts.conf": BOM + BOM_SCRIPT},
        "scripts.conf", BOM + "vrrp_script", False, True,
    ),
    "include line": (
        {"keepalived.conf": BOM + "include rest.conf\n", "rest.conf": BOM_SCRIPT + BOM_INSTANCE},
        "keepalived.conf", BOM + "include", False, False,
    ),
}


@pytest.mark.parametrize("case", list(BOM_CASES))
def test_a_byte_order_mark_is_read_as_keepalived_reads_it(case, tmp_path):
    """keepalived 2.2.7 does not strip a UTF-8 byte-order mark (lib/parser.c reads each file
    with fgets()): the mark sticks to the first word of its file. halint reports it once, as
    KA008 at line 1 (no KA002 there), and its as-run model misses what keepalived misses."""
    if shutil.which("keepalived") is None:
        pytest.skip("keepalived not installed: .ci/run installs Debian's keepalived (apt-get install keepalived)")
    files, marked, first_word, knows_script, runs_instance = BOM_CASES[case]
    tree, clean = tmp_path / "marked", tmp_path / "clean"
    tree.mkdir()
    clean.mkdir()
    for name, text in files.items():
        (tree / name).write_text(text, encoding="utf-8")
        (clean / name).write_text(text.replace(BOM, ""), encoding="utf-8")

    def keepalived(folder: Path) -> tuple[int, dict[tuple[str, int], set[str]]]:
        proc = subprocess.run(
            ["keepalived", "-t", "-f", str(folder / "keepalived.conf")],
            capture_output=True, text=True, errors="replace", timeout=60, start_new_session=True,
        )
        said: dict[tuple[str, int], set[str]] = {}
        for text in (proc.stderr + proc.stdout).splitlines():
            match = LINE.match(text)
            if match:
                name = Path(match["file"]).name if match["file"] else "keepalived.conf"
                said.setdefault((name, int(match["line"])), set()).add(match["msg"])
        return proc.returncode, said

    clean_code, clean_said = keepalived(clean)
    assert not any(m.startswith("Unknown keyword") for ms in clean_said.values() for m in ms)
    code, said = keepalived(tree)
    if clean_code == 0:  # (an interface eth0 on this machine): the mark alone fails the check
        assert code == 5  # "Unknown keyword" is a configuration error for keepalived -t
    assert f"Unknown keyword '{first_word}'" in said[(marked, 1)]
    missing_script = any("track script chk_x not found" in m for ms in said.values() for m in ms)
    assert missing_script == (runs_instance and not knows_script)

    outcome = run(Options(paths=[tree]))
    at_line_1 = [
        r.code for r in outcome.reported
        if Path(r.diagnostic.span.source.path).name == marked and r.diagnostic.span.line == 1
    ]
    assert at_line_1.count("KA008") == 1 and "KA002" not in at_line_1
    [unit] = [u for p in outcome.projects for u in p.keepalived]
    effective, intended = unit.effective, unit.intended
    assert [s.name.text for s in effective.scripts] == (["chk_x"] if knows_script else [])
    assert [i.name.text for i in effective.instances] == (["VI_1"] if runs_instance else [])
    assert [s.name.text for s in intended.scripts] == ["chk_x"] and [i.name.text for i in intended.instances] == ["VI_1"]
