"""KA013 deprecated-keyword, and KA002's advice for a deprecated name written where it is not
valid (issue 15: KA002 sent `nb_get_retry` into HTTP_GET; keepalived's advice is `retry`).

The differential tests run Debian's keepalived 2.2.7 (`keepalived -t -f FILE`): every deprecation
halint reports is one keepalived prints, at the same line, in the words halint quotes; and every
deprecation keepalived prints for a keyword is reported. They skip when keepalived is missing.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import SHARED, check, said, write

from halint.core.edits import apply_edits
from halint.formats.keepalived.schema import load_schema

KEEPALIVED = shutil.which("keepalived")
needs_keepalived = pytest.mark.skipif(
    KEEPALIVED is None, reason="keepalived not installed: .ci/run installs Debian's keepalived (apt-get install keepalived)")
LINE = re.compile(r"^\((?:(?P<file>[^()]+): )?Line (?P<line>\d+)\) (?P<msg>.*)$")
QUOTED = re.compile(r'\(keepalived -t: "(?P<words>.*)"\)$')


def conf(tmp_path: Path, text: str) -> Path:
    return write(tmp_path, "keepalived.conf", textwrap.dedent(text).lstrip("\n"))


def found(tmp_path: Path, text: str, code: str) -> list:
    conf(tmp_path, text)
    return [r for r in check(tmp_path, select=[code]) if r.code == code]


def at(item) -> tuple[int, int]:
    d = item.diagnostic
    return d.span.source.position(d.span.start)


def msg(item) -> str:
    return said(item)


def fixed(item) -> str:
    fix = item.diagnostic.fix
    assert fix is not None, "no fix offered"
    return apply_edits(item.diagnostic.span.source.text, list(fix.edits))


def interface() -> str:
    """A network interface of this machine other than lo (keepalived's VRRP process stops on a
    missing one before it reaches the sync groups)."""
    names = sorted(p.name for p in Path("/sys/class/net").iterdir()) if Path("/sys/class/net").is_dir() else []
    name = next((n for n in names if n != "lo" and not n.startswith(("ifb", "dummy"))), None)
    if name is None:
        pytest.skip("no network interface other than lo here: keepalived would stop before the sync groups")
    return name


def keepalived(path: Path) -> tuple[dict[int, list[str]], list[str]]:
    """What keepalived -t prints: messages by line of ``path`` (each once, in order, every
    process), and the lines without a line number."""
    proc = subprocess.run([KEEPALIVED, "-t", "-f", str(path)], capture_output=True, text=True, errors="replace",
                          timeout=60, start_new_session=True)  # keepalived -t may signal its whole process group
    by_line: dict[int, list[str]] = {}
    other: list[str] = []
    for text in (proc.stderr + proc.stdout).splitlines():
        match = LINE.match(text)
        if match is None:
            other.append(text)
        elif not match["file"] or Path(match["file"]).name == path.name:
            said = by_line.setdefault(int(match["line"]), [])
            if match["msg"] not in said:
                said.append(match["msg"])
    return by_line, other


# -- KA013: deprecated keywords -------------------------------------------------------------------


HTTP = """
virtual_server 192.0.2.10 80 {
    protocol TCP
    real_server 192.0.2.21 80 {
        HTTP_GET {
            url {
                path /health
                status_code 200
            }
            nb_get_retry 3
        }
    }
}
"""


def test_nb_get_retry_is_renamed_retry(tmp_path):
    [item] = found(tmp_path, HTTP, "KA013")
    assert at(item) == (9, 13)
    # the message says what to write instead, the note quotes keepalived -t
    assert item.diagnostic.message == "`nb_get_retry` is deprecated since keepalived 2.0.15: use `retry`, which does the same"
    assert item.diagnostic.note.endswith("(keepalived -t: \"nb_get_retry is deprecated - please use 'retry'\")")
    assert item.diagnostic.fix.safety.value == "safe"
    assert "            retry 3\n" in fixed(item)
    assert [r.code for r in check(tmp_path)] == ["KA013"]  # not KA002 as well


def test_the_fix_is_applied_by_halint_fix(tmp_path):
    from halint import cli

    path = conf(tmp_path, HTTP)
    assert cli.main(["fix", str(tmp_path), "--quiet"]) in (0, 1)
    assert "nb_get_retry" not in path.read_text() and "retry 3" in path.read_text()
    assert [r.code for r in check(tmp_path) if r.code == "KA013"] == []


def test_global_tracking_names_its_group_and_its_equivalent(tmp_path):
    text = """
    vrrp_instance VI_1 {
        interface eth0
        virtual_router_id 51
        virtual_ipaddress {
            10.0.0.1
        }
    }
    vrrp_instance VI_2 {
        interface eth0
        virtual_router_id 52
        virtual_ipaddress {
            10.0.0.2
        }
    }
    vrrp_sync_group G1 {
        group {
            VI_1
            VI_2
        }
        global_tracking
    }
    """
    [item] = found(tmp_path, text, "KA013")
    assert at(item) == (20, 5)
    assert item.diagnostic.message == (
        "`global_tracking` is deprecated since keepalived 2.0.0: use `sync_group_tracking_weight`, which does the "
        "same")
    assert item.diagnostic.note.endswith(
        "(keepalived -t: \"(G1) global_tracking is deprecated. Use track_interface/script/file on the sync group\")")
    assert "    sync_group_tracking_weight\n" in fixed(item)


def test_a_keyword_moved_elsewhere_has_no_fix(tmp_path):
    text = """
    vrrp_instance VI_1 {
        interface eth0
        virtual_router_id 51
        lvs_sync_daemon_interface eth0
        virtual_ipaddress {
            10.0.0.1
        }
    }
    """
    [item] = found(tmp_path, text, "KA013")
    assert at(item) == (4, 5) and item.diagnostic.fix is None
    assert item.diagnostic.message == (
        "`lvs_sync_daemon_interface` is deprecated since keepalived 1.2.20: use lvs_sync_daemon in global_defs")
    assert item.diagnostic.note.endswith(
        "(keepalived -t: \"(VI_1) Specifying lvs_sync_daemon_interface against a vrrp is deprecated. Please use "
        "global lvs_sync_daemon\")")


def test_a_deprecation_newer_than_2_2_7_names_its_release(tmp_path):
    """thread_timer_expired exists from 2.3.2 on, as a deprecated synonym (2.2.7 calls it unknown)."""
    text = "vrrp_instance VI_1 {\n    interface eth0\n    thread_timer_expired\n}\n"
    [item] = found(tmp_path, text, "KA013")
    assert item.diagnostic.message == (
        "`thread_timer_expired` is deprecated since keepalived 2.3.2: use `timer_expired_backup`, which does the same")
    assert item.diagnostic.note.endswith(
        "(keepalived -t: \"(VI_1) thread_timer_expired - please replace with keyword 'timer_expired_backup'\")")
    assert "    timer_expired_backup\n" in fixed(item)


def test_the_schema_rejects_a_deprecation_without_keepalived_words():
    from halint.formats.keepalived.schema import SchemaError, parse_schema

    with pytest.raises(SchemaError, match="deprecated.words is required"):
        parse_schema('[contexts.top.keywords]\nold = { deprecated = { use = "new", since = "2.0.0" } }\n')


@pytest.mark.parametrize("keyword", ["lvs_process_name foo", "vrrp_rlimit_rtime 10000", "checker_rlimit_rtime 10000",
                                     "bfd_rlimit_rtime 10000"])
def test_what_only_the_running_daemon_logs_is_not_reported(tmp_path, keyword):
    """keepalived -t drops log_message() (lib/logger.c): it never says these are deprecated."""
    assert found(tmp_path, f"global_defs {{\n    {keyword}\n}}\n", "KA013") == []


def test_a_deprecated_keyword_under_a_misspelt_block_is_left_to_ka002(tmp_path):
    text = HTTP.replace("virtual_server", "virtual_sever")
    assert found(tmp_path, text, "KA013") == []
    assert "KA002" in [r.code for r in check(tmp_path)]


def test_a_keyword_from_a_variable_gets_no_fix(tmp_path):
    text = "$KW=nb_get_retry\n" + textwrap.dedent(HTTP).lstrip("\n").replace("nb_get_retry 3", "$KW 3")
    [item] = found(tmp_path, text, "KA013")
    assert item.diagnostic.fix is None


# -- KA013: a sync group with one member ---------------------------------------------------------


def sync(groups: str, instances=("VI_1", "VI_2")) -> str:
    out = ""
    for n, name in enumerate(instances, start=1):
        out += (f"vrrp_instance {name} {{\n    interface IFACE\n    virtual_router_id {50 + n}\n"
                f"    virtual_ipaddress {{\n        10.0.0.{n}\n    }}\n}}\n")
    return out + textwrap.dedent(groups).lstrip("\n")


ONE = """
vrrp_sync_group G1 {
    group {
        VI_1
    }
}
"""
#: case -> (groups, the groups halint reports as single-member, with their line)
SYNC_CASES = {
    "one member": (ONE, {"G1": 15}),
    "two members": ("vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\n", {}),
    "one member and an undefined name (KA004)": (
        "vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_9\n    }\n}\n", {}),
    "the second member is taken by an earlier group": (
        "vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\n"
        "vrrp_sync_group G2 {\n    group {\n        VI_2\n        VI_3\n    }\n}\n", {"G2": 28}),
    "one member listed twice": ("vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_1\n    }\n}\n", {"G1": 15}),
}


@pytest.mark.parametrize("case", list(SYNC_CASES))
def test_single_member_sync_groups(tmp_path, case):
    groups, expected = SYNC_CASES[case]
    instances = ("VI_1", "VI_2", "VI_3") if "G2" in groups else ("VI_1", "VI_2")
    items = found(tmp_path, sync(groups, instances).replace("IFACE", "eth0"), "KA013")
    assert {m.group(1): at(r)[0] for r in items for m in [re.match(r"vrrp_sync_group `(\w+)`", msg(r))]} == expected
    for item in items:
        name = re.match(r"vrrp_sync_group `(\w+)`", msg(item)).group(1)
        assert f"Sync group {name} has only 1 virtual router(s) - this probably isn't what you want" in msg(item)
        assert item.diagnostic.fix is None


def test_the_taken_member_is_named(tmp_path):
    groups, _ = SYNC_CASES["the second member is taken by an earlier group"]
    [item] = found(tmp_path, sync(groups, ("VI_1", "VI_2", "VI_3")).replace("IFACE", "eth0"), "KA013")
    assert msg(item).startswith("vrrp_sync_group `G2` has one member, `VI_3`:")
    assert msg(item).endswith("keepalived ignores `VI_2` here: an instance can be in one sync group only")
    assert [(r.span.line, r.message) for r in item.diagnostic.related] == [(30, "`VI_2` is already in `G1`")]


@needs_keepalived
@pytest.mark.parametrize("case", list(SYNC_CASES))
def test_single_member_groups_are_the_ones_keepalived_warns_about(tmp_path, case):
    groups, expected = SYNC_CASES[case]
    instances = ("VI_1", "VI_2", "VI_3") if "G2" in groups else ("VI_1", "VI_2")
    path = conf(tmp_path, sync(groups, instances).replace("IFACE", interface()))
    _, other = keepalived(path)
    warned = {m.group(1) for line in other
              for m in [re.fullmatch(r"Sync group (\S+) has only 1 virtual router\(s\) - this probably isn't what you want", line)] if m}
    reported = {re.match(r"vrrp_sync_group `(\w+)`", msg(r)).group(1) for r in found(tmp_path, path.read_text(), "KA013")}
    assert reported <= warned, other
    if "undefined" not in case:  # there KA004 names the cause
        assert reported == warned, other


# -- KA002: a deprecated name where it is not valid ---------------------------------------------


TCP = """
virtual_server 192.0.2.10 80 {
    protocol TCP
    real_server 192.0.2.21 80 {
        TCP_CHECK {
            connect_timeout 3
            nb_get_retry 3
        }
    }
}
"""


def test_ka002_names_keepalived_replacement_not_the_deprecated_home(tmp_path):
    [item] = found(tmp_path, TCP, "KA002")
    assert at(item) == (6, 13)
    assert msg(item).startswith("`nb_get_retry` is not a keyword of `tcp_check`: use `retry`")
    assert ("(where it is valid, keepalived says \"nb_get_retry is deprecated - please use 'retry'\")"
            in item.diagnostic.note)
    assert "http_get" not in msg(item) and "belongs" not in msg(item)
    assert "            retry 3\n" in fixed(item)
    assert found(tmp_path, TCP, "KA013") == []  # keepalived calls it unknown there, not deprecated


@needs_keepalived
def test_ka002_fix_is_what_keepalived_accepts(tmp_path):
    path = conf(tmp_path, TCP)
    by_line, _ = keepalived(path)
    assert "Unknown keyword 'nb_get_retry'" in by_line[6]
    [item] = found(tmp_path, TCP, "KA002")
    path.write_text(fixed(item))
    by_line, _ = keepalived(path)
    assert 6 not in by_line


def test_ka002_a_rename_whose_name_lives_in_another_block(tmp_path):
    text = "vrrp_instance VI_1 {\n    interface eth0\n    checker_rlimit_rtime 1000\n}\n"
    [item] = found(tmp_path, text, "KA002")
    assert msg(item).startswith(
        "`checker_rlimit_rtime` is not valid in `vrrp_instance`: its current name `checker_rlimit_rttime` belongs in "
        "`global_defs`")
    assert ("(where it is valid, keepalived says \"Keyword 'checker_rlimit_rtime' is deprecated - please "
            "use 'checker_rlimit_rttime'\")" in item.diagnostic.note)
    assert item.diagnostic.fix is None


def test_ka002_a_deprecated_keyword_of_another_block_is_not_sent_there(tmp_path):
    text = "global_defs {\n    lvs_sync_daemon_interface eth0\n}\n"
    [item] = found(tmp_path, text, "KA002")
    assert msg(item).startswith(
        "`lvs_sync_daemon_interface` is not valid in `global_defs`: it is a deprecated keyword of `vrrp_instance`")
    assert ("(where it is valid, keepalived says \"Specifying lvs_sync_daemon_interface against a vrrp is deprecated. "
            "Please use global lvs_sync_daemon\")" in item.diagnostic.note)
    assert "belongs" not in msg(item) and item.diagnostic.fix is None


def test_ka002_a_keyword_valid_elsewhere_both_ways_is_sent_where_it_is_current(tmp_path):
    """linkbeat_use_polling: deprecated in a vrrp_instance, current at the top level."""
    [item] = found(tmp_path, "global_defs {\n    linkbeat_use_polling\n}\n", "KA002")
    assert "it belongs in the top level" in msg(item) and "vrrp_instance" not in msg(item)


# -- against keepalived 2.2.7 ---------------------------------------------------------------------


#: one line per keyword keepalived -t reports as deprecated (keywords it knows: no `since`), in the
#: block it belongs to, and the ones only the daemon logs
ALL = """
global_defs {
    vrrp_vmac_garp_intvl 100
    lvs_process_name lb
    vrrp_rlimit_rtime 10000
    checker_rlimit_rtime 10000
    bfd_rlimit_rtime 10000
}
vrrp_track_file tf1 {
    file "/tmp/halint-track"
}
vrrp_instance VI_1 {
    state BACKUP
    interface IFACE
    virtual_router_id 51
    priority 100
    use_vmac
    vmac_garp_intvl 100
    linkbeat_use_polling
    lvs_sync_daemon_interface IFACE
    virtual_ipaddress {
        10.0.0.10
    }
}
vrrp_instance VI_2 {
    state BACKUP
    interface IFACE
    virtual_router_id 52
    priority 100
    virtual_ipaddress {
        10.0.0.11
    }
}
vrrp_sync_group G1 {
    group {
        VI_1
        VI_2
    }
    global_tracking
}
virtual_server 10.0.0.10 80 {
    protocol TCP
    real_server 10.0.0.1 80 {
        HTTP_GET {
            url {
                path /
                status_code 200
            }
            nb_get_retry 3
        }
        SSL_GET {
            url {
                path /
                status_code 200
            }
            nb_get_retry 3
        }
        SMTP_CHECK {
            host {
                connect_ip 10.0.0.1
            }
        }
    }
}
"""


def test_the_configuration_covers_every_deprecated_keyword_of_the_schema():
    schema = load_schema()
    deprecated = {(c.name, k.name) for c in schema.contexts.values() for k in c.keywords.values()
                  if k.deprecated is not None and not k.since}
    words = {line.split()[0] for line in ALL.splitlines() if line.strip()}
    assert {k for _, k in deprecated} <= words


def _compare(path: Path, items) -> list[str]:
    """Every KA013 keyword finding is a line where keepalived prints the words quoted, and every
    line where keepalived prints "deprecated" has one."""
    by_line, _ = keepalived(path)
    problems = []
    mine = {}
    for item in items:
        if item.diagnostic.span.source.path.name != path.name or msg(item).startswith("vrrp_sync_group"):
            continue
        line = item.diagnostic.span.line
        mine[line] = QUOTED.search(msg(item))["words"]
        said = " ".join(m.strip() for m in by_line.get(line, []))
        if mine[line] not in said:
            problems.append(f"{path.name}:{line}: halint quotes {mine[line]!r}, keepalived said {by_line.get(line)}")
    for line, messages in by_line.items():
        if any("deprecated" in m for m in messages) and line not in mine:
            problems.append(f"{path.name}:{line}: keepalived said {messages}, halint nothing")
    return problems


@needs_keepalived
def test_every_deprecation_is_one_keepalived_prints(tmp_path):
    path = conf(tmp_path, ALL.replace("IFACE", interface()))
    items = found(tmp_path, path.read_text(), "KA013")
    assert len(items) == 7  # every line that -t reports; none of the daemon-only ones
    assert _compare(path, items) == []


def _corpus_files() -> list[Path]:
    folder = SHARED / "corpus" / "keepalived"
    if not folder.is_dir():
        return []
    words = {k.name for c in load_schema().contexts.values() for k in c.keywords.values() if k.deprecated}
    return [p for p in sorted(folder.iterdir())
            if p.is_file() and words & set(p.read_text(encoding="utf-8", errors="replace").split())]


@needs_keepalived
def test_every_deprecation_in_the_corpus_is_one_keepalived_prints(tmp_path):
    files = _corpus_files()
    if not files:
        pytest.skip(f"no keepalived corpus at {SHARED / 'corpus' / 'keepalived'}")
    problems, reported = [], 0
    for src in files:
        folder = tmp_path / src.name.replace(".", "_")
        folder.mkdir()
        copy = folder / "keepalived.conf"
        shutil.copyfile(src, copy)
        items = [r for r in check(folder, select=["KA013"]) if r.code == "KA013"]
        reported += len(items)
        problems += [p.replace("keepalived.conf", src.name) for p in _compare(copy, items)]
    assert reported >= 4  # lvs_syncd (the keepalived sample), 1191 (twice), 955p
    assert problems == []


@needs_keepalived
def test_keepalived_t_fails_on_a_deprecation_alone(tmp_path):
    """The claim of KA013's documentation: each report makes keepalived -t exit 5."""
    from conftest import ROOT

    iface = interface()
    codes = {}
    for kind in ("good", "fixed", "bad"):
        text = (ROOT / "rules" / "KA013" / kind / "keepalived.conf").read_text().replace("eth0", iface)
        path = write(tmp_path / kind, "keepalived.conf", text)
        codes[kind] = subprocess.run([KEEPALIVED, "-t", "-f", str(path)], capture_output=True, timeout=60,
                                     start_new_session=True).returncode
    assert codes == {"good": 0, "fixed": 5, "bad": 5}
