"""KA001-KA011 beyond their documented examples: bad cases (code, line, column, the concrete
values in the message, the fix) and good cases that must stay clean.

Where a rule claims what keepalived does, a test runs Debian's keepalived 2.2.7 (`keepalived -t
-f FILE`) to confirm it; those tests skip when keepalived is not installed.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import check, said, write

from halint.core.edits import apply_edits
from halint.report.json import render

KEEPALIVED = shutil.which("keepalived")
needs_keepalived = pytest.mark.skipif(KEEPALIVED is None, reason="keepalived is not installed")
LINE = re.compile(r"^\((?:(?P<file>[^()]+): )?Line (?P<line>\d+)\) (?P<msg>.*)$")


def conf(tmp_path: Path, text: str, rel: str = "keepalived.conf") -> Path:
    return write(tmp_path, rel, textwrap.dedent(text).lstrip("\n"))


def ka(tmp_path: Path, text: str, code: str) -> list:
    """Write ``text`` as tmp_path/keepalived.conf and return the findings of ``code``."""
    conf(tmp_path, text)
    return [r for r in check(tmp_path, select=[code]) if r.code == code]


def at(item) -> tuple[int, int]:
    d = item.diagnostic
    return d.span.source.position(d.span.start)


def msg(item) -> str:
    return said(item)


def related(item) -> list[tuple[int, int, str]]:
    return [(*r.span.source.position(r.span.start), r.message) for r in item.diagnostic.related]


def fixed(items) -> str:
    """The text of the (single) file after applying every fix of ``items``."""
    edits = [e for r in items if r.diagnostic.fix is not None for e in r.diagnostic.fix.edits]
    assert edits, "no fix offered"
    sources = {id(e.span.source): e.span.source for e in edits}
    assert len(sources) == 1
    source = next(iter(sources.values()))
    return apply_edits(source.text, edits)


def keepalived_flags(path: Path) -> dict[int, list[str]]:
    """Messages keepalived -t prints per line of ``path`` (every process, deduplicated)."""
    proc = subprocess.run(
        [KEEPALIVED, "-t", "-f", str(path)],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=60,
        start_new_session=True,  # keepalived -t may signal its whole process group
    )
    out: dict[int, list[str]] = {}
    for text in (proc.stderr + proc.stdout).splitlines():
        match = LINE.match(text)
        if match and match["msg"] not in out.get(int(match["line"]), []):
            out.setdefault(int(match["line"]), []).append(match["msg"])
    return out


# A complete, realistic configuration: no KA rule may report anything on it (BACKUP: with AH
# keepalived would start a `state MASTER` below 255 as BACKUP anyway, KA008).
CLEAN = """
global_defs {
  router_id lb1
  enable_script_security
  script_user keepalived_script
}
vrrp_script chk_nginx {
  script "/usr/bin/pgrep nginx"
  interval 2
  weight 20
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  authentication {
    auth_type AH
    auth_pass k3Jx9qLm
  }
  track_script {
    chk_nginx
  }
  virtual_ipaddress {
    10.0.0.1/24
  }
}
"""


@pytest.mark.parametrize("code", [f"KA{n:03}" for n in range(1, 12)])
def test_a_complete_configuration_is_clean(tmp_path, code):
    assert ka(tmp_path, CLEAN, code) == []


# -- KA001 syntax-error ---------------------------------------------------------------------------
# (the small cases, each a position and parts of the message: tests/cases/KA001.toml)


def test_ka001_value_keyword_given_a_block_on_one_line(tmp_path):
    """`priority { 100 }`: keepalived 2.2.7 -t exits 2 ("Configuration line starting `priority`
    is missing a parameter"); where a keyword does not stop keepalived, the block's `}` ends the
    vrrp_instance early."""
    found = ka(tmp_path, """
        vrrp_instance VI_1 {
          state MASTER
          interface eth0
          virtual_router_id 51
          priority { 100 }
          advert_int 1
          virtual_ipaddress {
            10.0.0.1/24
          }
        }
        """, "KA001")
    assert [at(r) for r in found] == [(5, 3)]
    text = msg(found[0])
    assert "`priority` takes a value, not a block" in text
    assert "missing a parameter" in text and "exit code 2" in text
    assert "ends `vrrp_instance VI_1` early" in text and "lines 6-9" in text
    assert related(found[0]) == [(6, 3, "read outside `vrrp_instance VI_1`")]


def test_ka001_value_keyword_with_its_value_and_a_block(tmp_path):
    found = ka(tmp_path, """
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          priority 100 {
          }
          advert_int 1
          virtual_ipaddress {
            10.0.0.1/24
          }
        }
        """, "KA001")
    assert [at(r) for r in found] == [(4, 3)]
    text = msg(found[0])
    assert "`priority` takes a value, not a block" in text and "missing a parameter" not in text
    assert "its `}` ends `vrrp_instance VI_1` early: lines 6-9 are then read outside it and ignored" in text


def test_ka001_block_inside_authentication_ends_the_instance_too(tmp_path):
    """The `}` of `auth_type PASS { }` ends `authentication`; the `}` of authentication then
    ends the vrrp_instance: priority and the VIPs are read at the top level."""
    found = ka(tmp_path, """
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          authentication {
            auth_type PASS {
            }
            auth_pass k3Jx9qLm
          }
          priority 100
          virtual_ipaddress {
            10.0.0.1/24
          }
        }
        """, "KA001")
    assert [at(r) for r in found] == [(5, 5)]
    text = msg(found[0])
    assert "ends `authentication` early: line 7 is then read outside it and ignored" in text
    assert "the `}` of `authentication` then ends `vrrp_instance VI_1` early: lines 9-12" in text
    assert [(line, col) for line, col, _ in related(found[0])] == [(7, 5), (9, 3)]


@needs_keepalived
def test_ka001_keepalived_ends_the_instance_after_a_block_inside_authentication(tmp_path):
    path = conf(tmp_path, """
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          authentication {
            auth_type PASS {
            }
            auth_pass k3Jx9qLm
          }
          priority 100
          virtual_ipaddress {
            10.0.0.1/24
          }
        }
        """)
    flags = keepalived_flags(path)
    assert "Unknown keyword 'auth_pass'" in flags[7]  # read in vrrp_instance
    assert "Unknown keyword 'priority'" in flags[9]  # read at the top level
    assert "Unknown keyword 'virtual_ipaddress'" in flags[10]


def test_ka001_a_block_keyword_with_its_brace_on_the_next_line_is_fine(tmp_path):
    assert ka(tmp_path, """
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          authentication
          {
            auth_type AH
            auth_pass k3Jx9qLm
          }
          virtual_ipaddress
          {
            10.0.0.1/24
          }
        }
        """, "KA001") == []


# -- KA002 unknown-keyword ------------------------------------------------------------------------

SEED = """
vrp_script chk_nginx {
  script "/usr/bin/pgrep nginx"
  interval 2
  weight 11
}
vrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 100
  track_script {
    chk_nginx
  }
  virtual_ipaddress {
    10.0.0.1/24
  }
}
"""


def test_ka002_seed_typos_are_fixed(tmp_path):
    found = ka(tmp_path, SEED, "KA002")
    assert [at(r) for r in found] == [(1, 1), (6, 1)]
    assert "`vrp_script` is not a keepalived keyword (did you mean `vrrp_script`?)" in msg(found[0])
    assert "keepalived ignores its whole block (lines 1-5)" in msg(found[0])
    assert "`vrp_instance` is not a keepalived keyword (did you mean `vrrp_instance`?)" in msg(found[1])
    assert "(lines 6-17)" in msg(found[1])
    assert [r.diagnostic.fix.edits[0].new_text for r in found] == ["vrrp_script", "vrrp_instance"]
    expected = textwrap.dedent(SEED).lstrip("\n").replace("vrp_script", "vrrp_script").replace("vrp_instance", "vrrp_instance")
    assert fixed(found) == expected


def test_ka002_keyword_of_another_block_has_no_fix(tmp_path):
    found = ka(tmp_path, """
        global_defs {
          router_id lb1
          priority 100
        }
        """, "KA002")
    assert [at(r) for r in found] == [(3, 3)]
    assert "`priority` is not valid in `global_defs`" in msg(found[0]) and "`vrrp_instance`" in msg(found[0])
    assert "keepalived ignores this line" in msg(found[0])
    assert found[0].diagnostic.fix is None


def test_ka002_top_level_block_nested_in_an_instance(tmp_path):
    found = ka(tmp_path, """
        vrrp_instance VI_1 {
          interface eth0
          vrrp_script chk {
            script "/bin/true"
          }
          priority 100
        }
        """, "KA002")
    assert [at(r) for r in found] == [(3, 3)]
    assert "`vrrp_script` is not valid in `vrrp_instance`: it belongs in the top level" in msg(found[0])
    assert "line 6 is then read outside it and ignored" in msg(found[0]) and found[0].diagnostic.fix is None


def test_ka002_two_candidates_at_equal_distance_have_no_fix(tmp_path):
    found = ka(tmp_path, """
        static_rutes {
          10.1.0.0/16 via 10.0.0.254
        }
        """, "KA002")
    assert [at(r) for r in found] == [(1, 1)]
    assert "`static_routes` or `static_rules`" in msg(found[0])
    assert found[0].diagnostic.fix is None


def test_ka002_no_candidate_no_fix(tmp_path):
    found = ka(tmp_path, """
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          frobnicate yes
        }
        """, "KA002")
    assert [at(r) for r in found] == [(4, 3)]
    assert "`frobnicate` is not a keepalived keyword of `vrrp_instance`" in msg(found[0])
    assert "did you mean" not in msg(found[0]) and found[0].diagnostic.fix is None


UNKNOWN_BLOCK = """
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 100
  foo_block {
    bar 1
  }
  advert_int 1
  virtual_ipaddress {
    10.0.0.1/24
  }
}
"""


def test_ka002_unknown_block_inside_an_instance_ends_it_early(tmp_path):
    found = ka(tmp_path, UNKNOWN_BLOCK, "KA002")
    assert [at(r) for r in found] == [(6, 3)]
    text = msg(found[0])
    assert "`foo_block` is not a keepalived keyword of `vrrp_instance`" in text
    assert "reads its block's lines as part of `vrrp_instance VI_1`" in text
    assert "its `}` ends `vrrp_instance VI_1` early: lines 9-12 are then read outside it and ignored" in text
    assert related(found[0]) == [(9, 3, "read outside `vrrp_instance VI_1`")]
    assert found[0].diagnostic.fix is None


@needs_keepalived
def test_ka002_keepalived_reads_the_orphaned_lines_at_the_top_level(tmp_path):
    path = conf(tmp_path, UNKNOWN_BLOCK)
    flags = keepalived_flags(path)
    assert "Unknown keyword 'foo_block'" in flags[6]
    assert "Unexpected '{' - ignoring" in flags[6]
    assert "Unknown keyword 'bar'" in flags[7]  # the body, read as vrrp_instance keywords
    # lines 9-12, which halint names, are read at the top level, where they are unknown
    assert "Unknown keyword 'advert_int'" in flags[9]
    assert "Unknown keyword 'virtual_ipaddress'" in flags[10]
    assert "Unknown keyword '10.0.0.1/24'" in flags[11]
    assert 2 not in flags and 5 not in flags  # before the unknown block all is fine


def test_ka002_typo_inside_a_typo_block_is_reported_as_inside_it(tmp_path):
    found = ka(tmp_path, """
        vrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          priorty 100
        }
        """, "KA002")
    assert [at(r) for r in found] == [(1, 1), (4, 3)]
    assert "did you mean `priority`?" in msg(found[1])
    assert "inside `vrp_instance` at line 1, which keepalived ignores until it is corrected to `vrrp_instance`" in msg(found[1])
    assert fixed(found) == "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  priority 100\n}\n"


def test_ka002_root_cause_once_for_an_ignored_block(tmp_path):
    found = ka(tmp_path, """
        vrrp_frobnicator X {
          state MASTER
          priorty 100
          foo { bar }
        }
        """, "KA002")
    assert [at(r) for r in found] == [(1, 1)]
    assert "keepalived ignores its whole block (lines 1-5)" in msg(found[0])


def test_ka002_keyword_from_a_variable_gets_no_fix(tmp_path):
    found = ka(tmp_path, """
        $KW=vrp_script
        $KW chk_nginx {
          script "/usr/bin/pgrep nginx"
        }
        """, "KA002")
    assert [at(r) for r in found] == [(2, 1)]
    assert "`vrp_script`" in msg(found[0]) and "`vrrp_script`" in msg(found[0])
    assert found[0].diagnostic.fix is None


def test_ka002_keywords_newer_than_2_2_7_are_known(tmp_path):
    assert ka(tmp_path, """
        global_defs {
          router_id lb1
          vrrp_delay_after_boot 30
        }
        """, "KA002") == []


def test_ka002_typo_of_a_value_keyword_given_a_block_is_one_finding(tmp_path):
    """`auth_typo { }` is close to `auth_type`, but auth_type takes no block: no fix, and the
    intended config does not turn it into `auth_type {` (no KA001 / KA003 for the same line)."""
    conf(tmp_path, """
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          authentication {
            auth_typo {
            }
            auth_type AH
            auth_pass k3Jx9qLm
          }
          priority 100
          virtual_ipaddress {
            10.0.0.1/24
          }
        }
        """)
    found = [r for r in check(tmp_path) if at(r)[0] == 5]
    assert [(r.code, at(r)) for r in found] == [("KA002", (5, 5))]
    assert found[0].diagnostic.fix is None
    text = msg(found[0])
    assert "did you mean `auth_type`?" in text
    assert "ends `authentication` early: lines 7-8" in text
    assert "then ends `vrrp_instance VI_1` early: lines 10-13 are then read outside it and ignored" in text


def test_ka002_block_typo_inside_an_instance_is_fixed(tmp_path):
    found = ka(tmp_path, """
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          virtual_ipadress {
            10.0.0.1/24
          }
          priority 100
        }
        """, "KA002")
    assert [at(r) for r in found] == [(4, 3)]
    assert "did you mean `virtual_ipaddress`?" in msg(found[0]) and "line 7 is then read outside it" in msg(found[0])
    assert "virtual_ipaddress {" in fixed(found)


def test_ka002_correct_keywords_everywhere_are_clean(tmp_path):
    assert ka(tmp_path, """
        global_defs {
          router_id lb1
          vrrp_version 2
          vrrp_garp_master_delay 5
        }
        vrrp_sync_group G1 {
          group {
            VI_1
          }
        }
        vrrp_instance VI_1 {
          interface eth0
          virtual_router_id 51
          nopreempt
          unicast_src_ip 10.0.0.2
          unicast_peer {
            10.0.0.3
          }
          virtual_ipaddress {
            10.0.0.1/24 dev eth0 label eth0:1
          }
          virtual_ipaddress_excluded {
            10.0.0.9/24
          }
        }
        """, "KA002") == []


# -- KA003 invalid-value --------------------------------------------------------------------------


def instance(body: str, name: str = "VI_1", vrid: int = 51) -> str:
    """A vrrp_instance block (lines 1-4 are fixed: the body starts on line 4)."""
    return (
        f"vrrp_instance {name} {{\n  interface eth0\n  virtual_router_id {vrid}\n"
        + textwrap.indent(textwrap.dedent(body).strip("\n"), "  ")
        + "\n  virtual_ipaddress {\n    10.0.0.1/24\n  }\n}\n"
    )


def test_ka003_state_in_the_wrong_case_is_fixed(tmp_path):
    found = ka(tmp_path, instance("state Master"), "KA003")
    assert [at(r) for r in found] == [(4, 9)]
    assert "`state Master`: expected MASTER or BACKUP" in msg(found[0]) and "treats it as BACKUP" in msg(found[0])
    assert fixed(found) == instance("state MASTER")


def test_ka003_state_slave_has_no_fix(tmp_path):
    found = ka(tmp_path, instance("state SLAVE"), "KA003")
    assert [at(r) for r in found] == [(4, 9)]
    assert "`state SLAVE`" in msg(found[0]) and found[0].diagnostic.fix is None


@pytest.mark.parametrize("value", ["0", "256", "abc"])
def test_ka003_priority_out_of_range(tmp_path, value):
    found = ka(tmp_path, instance(f"priority {value}"), "KA003")
    assert [at(r) for r in found] == [(4, 12)]
    assert f"`priority {value}`: expected an integer from 1 to 255" in msg(found[0])
    assert "default priority 100" in msg(found[0]) and found[0].diagnostic.fix is None


@pytest.mark.parametrize("value", ["0", "256"])
def test_ka003_virtual_router_id_out_of_range(tmp_path, value):
    found = ka(tmp_path, f"vrrp_instance VI_1 {{\n  interface eth0\n  virtual_router_id {value}\n}}\n", "KA003")
    assert [at(r) for r in found] == [(3, 21)]
    assert f"`virtual_router_id {value}`: expected an integer from 1 to 255" in msg(found[0])


@pytest.mark.parametrize("value", ["0", "300"])
def test_ka003_advert_int_out_of_range(tmp_path, value):
    found = ka(tmp_path, instance(f"advert_int {value}"), "KA003")
    assert [at(r) for r in found] == [(4, 14)]
    assert f"`advert_int {value}`: expected a number from 0.01 to 255" in msg(found[0])
    assert "default of 1 second" in msg(found[0])


def test_ka003_auth_type_in_the_wrong_case_is_fixed(tmp_path):
    body = "authentication {\n  auth_type pass\n  auth_pass k3Jx9qLm\n}"
    found = ka(tmp_path, instance(body), "KA003")
    assert [at(r) for r in found] == [(5, 15)]
    assert "`auth_type pass`: expected PASS or AH" in msg(found[0]) and "no authentication" in msg(found[0])
    assert fixed(found) == instance(body.replace("pass\n", "PASS\n"))


def test_ka003_vrrp_script_weight_254(tmp_path):
    found = ka(tmp_path, 'vrrp_script chk {\n  script "/bin/true"\n  weight 254\n}\n', "KA003")
    assert [at(r) for r in found] == [(3, 10)]
    assert "`weight 254`: expected an integer from -253 to 253" in msg(found[0])


def test_ka003_track_script_entry_weight_254_becomes_253(tmp_path):
    text = 'vrrp_script chk {\n  script "/bin/true"\n}\n' + instance("track_script {\n  chk weight 254\n}")
    found = ka(tmp_path, text, "KA003")
    assert [at(r) for r in found] == [(8, 16)]
    assert "track_script entry `chk` of `VI_1`: 254 is out of range; keepalived uses 253" in msg(found[0])


def test_ka003_track_script_entry_with_an_unknown_option_is_ignored(tmp_path):
    text = 'vrrp_script chk_x {\n  script "/bin/true"\n}\n' + instance("track_script {\n  chk_x wieght 10\n}")
    found = ka(tmp_path, text, "KA003")
    assert [at(r) for r in found] == [(8, 11)]
    assert "track_script entry `chk_x` of `VI_1`: unknown option `wieght`" in msg(found[0])
    assert "keepalived ignores the entry" in msg(found[0])


def test_ka003_invalid_vip(tmp_path):
    found = ka(tmp_path, "vrrp_instance VI_1 {\n  virtual_ipaddress {\n    10.0.0.300\n  }\n}\n", "KA003")
    assert [at(r) for r in found] == [(3, 5)]
    assert "virtual_ipaddress `10.0.0.300` of `VI_1` is not an IP address" in msg(found[0])
    assert "keepalived skips this address" in msg(found[0])


def test_ka003_vip_prefix_too_long_becomes_full_length(tmp_path):
    """keepalived 2.2.7: "Invalid address prefix len 33 for address 10.0.0.5/33 - using 32": the
    address is kept (not rejected)."""
    found = ka(tmp_path, "vrrp_instance VI_1 {\n  virtual_ipaddress {\n    10.0.0.5/33\n    fd00::1/129\n  }\n}\n", "KA003")
    assert [at(r) for r in found] == [(3, 5), (4, 5)]
    assert "prefix length `33` is not 0 to 32: keepalived adds 10.0.0.5/32 instead" in msg(found[0])
    assert "prefix length `129` is not 0 to 128: keepalived adds fd00::1/128 instead" in msg(found[1])


def test_ka003_vip_with_an_empty_prefix_is_slash_zero(tmp_path):
    found = ka(tmp_path, "vrrp_instance VI_1 {\n  virtual_ipaddress {\n    10.0.0.5/\n  }\n}\n", "KA003")
    assert [at(r) for r in found] == [(3, 5)]
    assert "empty prefix length" in msg(found[0]) and "/0" in msg(found[0])


def test_ka003_unicast_peer_not_an_address(tmp_path):
    found = ka(tmp_path, instance("unicast_src_ip 10.0.0.2\nunicast_peer {\n  10.0.0.x\n}"), "KA003")
    assert [at(r) for r in found] == [(6, 5)]
    assert "unicast_peer `10.0.0.x` of `VI_1` is not an IP address" in msg(found[0])


def test_ka003_undefined_variable_is_named(tmp_path):
    found = ka(tmp_path, instance("priority $UNDEFINED"), "KA003")
    assert [at(r) for r in found] == [(4, 12)]
    assert "`$UNDEFINED` is not defined" in msg(found[0]) and "reads it literally" in msg(found[0])


def test_ka003_defined_variable_is_expanded(tmp_path):
    assert ka(tmp_path, "$PRIO=150\n" + instance("priority $PRIO"), "KA003") == []


@pytest.mark.parametrize(
    "body",
    [
        "priority 1", "priority 255", "version 3\nadvert_int 0.01", "advert_int 255", "version 3\nadvert_int 0.5",
        "state BACKUP", "state MASTER", "preempt_delay 0", "preempt_delay 1000",
        "authentication {\n  auth_type PASS\n  auth_pass k3Jx9qLm\n}",
        "authentication {\n  auth_type AH\n  auth_pass k3Jx9qLm\n}",
        "unicast_src_ip 10.0.0.2\nunicast_peer {\n  10.0.0.3\n  fd00::3\n}",
    ],
)
def test_ka003_valid_values_at_the_ends_of_their_ranges(tmp_path, body):
    assert ka(tmp_path, instance(body), "KA003") == []


@pytest.mark.parametrize("vrid", [1, 255])
def test_ka003_virtual_router_id_at_both_ends(tmp_path, vrid):
    assert ka(tmp_path, instance("priority 100", vrid=vrid), "KA003") == []


def test_ka003_weights_at_both_ends_and_valid_vips(tmp_path):
    text = (
        'vrrp_script up {\n  script "/bin/true"\n  weight 253\n}\n'
        'vrrp_script down {\n  script "/bin/true"\n  weight -253 reverse\n  rise 1\n  fall 1\n}\n'
        + instance("track_script {\n  up weight -253\n  down weight 253 reverse\n}")
        .replace("10.0.0.1/24\n", "10.0.0.1/24\n    10.0.0.2/32\n    10.0.0.3/0\n    fd00::1/128 dev eth0\n    10.0.0.4/032\n")
    )
    assert ka(tmp_path, text, "KA003") == []


# -- KA004 undefined-reference --------------------------------------------------------------------


def test_ka004_track_script_names_no_vrrp_script(tmp_path):
    found = ka(tmp_path, instance("track_script {\n  chk_none\n}"), "KA004")
    assert [at(r) for r in found] == [(5, 5)]
    assert "track_script entry `chk_none` of `VI_1` names no vrrp_script" in msg(found[0])
    assert "track script chk_none not found" in msg(found[0])


LATE_SCRIPT = instance("track_script {\n  chk_late\n}") + 'vrrp_script chk_late {\n  script "/bin/true"\n}\n'


def test_ka004_vrrp_script_defined_after_the_instance(tmp_path):
    found = ka(tmp_path, LATE_SCRIPT, "KA004")
    assert [at(r) for r in found] == [(5, 5)]
    assert "comes before `vrrp_script chk_late` (line 11)" in msg(found[0])
    assert related(found[0]) == [(11, 13, "vrrp_script chk_late is defined here")]


@needs_keepalived
def test_ka004_keepalived_does_not_find_a_script_defined_later(tmp_path):
    flags = keepalived_flags(conf(tmp_path, LATE_SCRIPT))
    assert "(VI_1) track script chk_late not found, ignoring..." in flags[5]


def test_ka004_sync_group_member_that_is_no_instance(tmp_path):
    found = ka(tmp_path, "vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_9\n  }\n}\n" + instance("priority 100"), "KA004")
    assert [at(r) for r in found] == [(4, 5)]
    assert "vrrp_sync_group `G1` names `VI_9`, which is no vrrp_instance" in msg(found[0])


def test_ka004_sync_group_before_its_instances_is_fine(tmp_path):
    text = (
        "vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_2\n  }\n}\n"
        + instance("priority 100")
        + instance("priority 100", name="VI_2", vrid=52).replace("10.0.0.1/24", "10.0.0.2/24")
    )
    assert ka(tmp_path, text, "KA004") == []


def test_ka004_interface_name_too_long(tmp_path):
    text = "vrrp_instance VI_1 {\n  interface eth0_1234567890ab\n  virtual_router_id 51\n}\n"
    found = ka(tmp_path, text, "KA004")
    assert [at(r) for r in found] == [(2, 13)]
    assert "interface `eth0_1234567890ab` of `VI_1` cannot exist: 17 characters (Linux allows at most 15)" in msg(found[0])


def test_ka004_vip_device_name_too_long(tmp_path):
    text = "vrrp_instance VI_1 {\n  interface eth0\n  virtual_ipaddress {\n    10.0.0.1/24 dev bond0.1234567890\n  }\n}\n"
    found = ka(tmp_path, text, "KA004")
    assert [at(r) for r in found] == [(4, 21)]
    assert "interface `bond0.1234567890` of `VI_1` cannot exist: 16 characters" in msg(found[0])


def test_ka004_interface_name_of_15_characters_is_fine(tmp_path):
    assert ka(tmp_path, "vrrp_instance VI_1 {\n  interface eth0_123456789a\n  virtual_router_id 51\n}\n", "KA004") == []


def test_ka004_virtual_server_group_undefined(tmp_path):
    found = ka(tmp_path, "virtual_server group VSG1 {\n  real_server 10.0.0.2 80 {\n  }\n}\n", "KA004")
    assert [at(r) for r in found] == [(1, 22)]
    assert "`virtual_server group VSG1` names no virtual_server_group" in msg(found[0])


def test_ka004_defined_references_are_clean(tmp_path):
    text = (
        'vrrp_script chk {\n  script "/bin/true"\n}\n'
        "virtual_server_group VSG1 {\n  10.0.0.1 80\n}\n"
        "virtual_server group VSG1 {\n  real_server 10.0.0.2 80 {\n  }\n}\n"
        + instance("track_script {\n  chk weight 10\n}\ntrack_interface {\n  eth1 weight -20\n}")
        + "vrrp_sync_group G1 {\n  group {\n    VI_1\n  }\n  track_script {\n    chk\n  }\n}\n"
    )
    assert ka(tmp_path, text, "KA004") == []


def test_ka004_script_hidden_by_a_typo_is_not_reported_twice(tmp_path):
    """`vrp_script chk` is KA002's: the intended config has the script, so no KA004."""
    assert ka(tmp_path, 'vrp_script chk {\n  script "/bin/true"\n}\n' + instance("track_script {\n  chk\n}"), "KA004") == []


# -- KA005 duplicate-definition -------------------------------------------------------------------


def vi(name: str, vrid: int, vip: str, iface: str = "eth0", extra: str = "") -> str:
    extra = textwrap.indent(textwrap.dedent(extra).strip("\n"), "  ") + "\n" if extra else ""
    return (
        f"vrrp_instance {name} {{\n  interface {iface}\n  virtual_router_id {vrid}\n{extra}"
        f"  virtual_ipaddress {{\n    {vip}\n  }}\n}}\n"
    )


def test_ka005_two_instances_with_one_name(tmp_path):
    found = ka(tmp_path, vi("VI_1", 51, "10.0.0.1/24") + vi("VI_1", 52, "10.0.0.2/24"), "KA005")
    assert [at(r) for r in found] == [(8, 15)]
    assert "vrrp_instance `VI_1` is defined twice (first at line 1)" in msg(found[0])
    assert related(found[0]) == [(1, 15, "first vrrp_instance VI_1")]


def test_ka005_two_scripts_with_one_name(tmp_path):
    text = 'vrrp_script chk {\n  script "/bin/true"\n}\nvrrp_script chk {\n  script "/bin/false"\n}\n'
    found = ka(tmp_path, text, "KA005")
    assert [at(r) for r in found] == [(4, 13)]
    assert "vrrp_script `chk` is defined twice (first at line 1)" in msg(found[0])


def test_ka005_same_vrid_on_one_interface_and_family(tmp_path):
    found = ka(tmp_path, vi("VI_1", 51, "10.0.0.1/24") + vi("VI_2", 51, "10.0.1.1/24"), "KA005")
    assert [at(r) for r in found] == [(10, 21)]
    assert "virtual_router_id 51 of `VI_2` is already used by `VI_1` on eth0 (IPv4)" in msg(found[0])
    assert related(found[0]) == [(3, 21, "VI_1 uses VRID 51 here")]


def test_ka005_same_vrid_on_different_interfaces_is_fine(tmp_path):
    assert ka(tmp_path, vi("VI_1", 51, "10.0.0.1/24") + vi("VI_2", 51, "10.0.1.1/24", "eth1"), "KA005") == []


def test_ka005_same_vrid_ipv4_and_ipv6_is_fine(tmp_path):
    assert ka(tmp_path, vi("VI_1", 51, "10.0.0.1/24") + vi("VI_2", 51, "fd00::1/64"), "KA005") == []


def test_ka005_same_vrid_on_another_multicast_group_is_fine(tmp_path):
    """keepalived 2.2.7 check_vrid_conflicts(): "If multicast addresses are different, then no
    conflict" (verified with -t: no "both use VRID" for this pair)."""
    text = vi("VI_1", 51, "10.0.0.1/24", extra="mcast_dst_ip 224.0.0.19") + vi("VI_2", 51, "10.0.1.1/24")
    assert ka(tmp_path, text, "KA005") == []


def test_ka005_same_vrid_and_same_explicit_group_conflicts(tmp_path):
    text = (
        "global_defs {\n  vrrp_mcast_group4 224.0.0.19\n}\n"
        + vi("VI_1", 51, "10.0.0.1/24", extra="mcast_dst_ip 224.0.0.19")
        + vi("VI_2", 51, "10.0.1.1/24")
    )
    found = ka(tmp_path, text, "KA005")
    assert [at(r) for r in found] == [(14, 21)]


UNICAST = "unicast_src_ip 192.168.0.1\nunicast_peer {{\n  {peer}\n}}"


def test_ka005_unicast_instances_with_disjoint_peers_are_fine(tmp_path):
    text = (
        vi("VI_1", 52, "10.0.2.1/24", extra=UNICAST.format(peer="192.168.0.2"))
        + vi("VI_2", 52, "10.0.3.1/24", extra=UNICAST.format(peer="192.168.0.3"))
    )
    assert ka(tmp_path, text, "KA005") == []


def test_ka005_unicast_instances_with_a_shared_peer_conflict(tmp_path):
    text = (
        vi("VI_1", 52, "10.0.2.1/24", extra=UNICAST.format(peer="192.168.0.2"))
        + vi("VI_2", 52, "10.0.3.1/24", extra=UNICAST.format(peer="192.168.0.2"))
    )
    found = ka(tmp_path, text, "KA005")
    assert [at(r) for r in found] == [(14, 21)]
    assert "virtual_router_id 52 of `VI_2` is already used by `VI_1`" in msg(found[0])


def test_ka005_unicast_and_multicast_are_separate_vrid_spaces(tmp_path):
    text = vi("VI_1", 52, "10.0.2.1/24", extra=UNICAST.format(peer="192.168.0.2")) + vi("VI_2", 52, "10.0.3.1/24")
    assert ka(tmp_path, text, "KA005") == []


def test_ka005_one_vip_in_two_instances(tmp_path):
    found = ka(tmp_path, vi("VI_1", 51, "10.0.0.1/24") + vi("VI_2", 52, "10.0.0.1/32"), "KA005")
    assert [at(r) for r in found] == [(12, 5)]
    assert "VIP 10.0.0.1 of `VI_2` is also a VIP of `VI_1` on this host" in msg(found[0])
    assert related(found[0]) == [(5, 5, "10.0.0.1 in VI_1")]


def test_ka005_vip_with_an_invalid_prefix_is_still_the_same_vip(tmp_path):
    """keepalived keeps 10.0.0.1/33 as 10.0.0.1/32: still a duplicate."""
    found = ka(tmp_path, vi("VI_1", 51, "10.0.0.1/24") + vi("VI_2", 52, "10.0.0.1/33"), "KA005")
    assert [at(r) for r in found] == [(12, 5)]


def test_ka005_link_local_vip_on_two_interfaces_is_fine(tmp_path):
    assert ka(tmp_path, vi("VI_1", 51, "fe80::1/64") + vi("VI_2", 52, "fe80::1/64", "eth1"), "KA005") == []


def test_ka005_link_local_vip_twice_on_one_interface(tmp_path):
    found = ka(tmp_path, vi("VI_1", 51, "fe80::1/64") + vi("VI_2", 52, "fe80::1/64"), "KA005")
    assert [at(r) for r in found] == [(12, 5)]
    assert "fe80::1%eth0" in msg(found[0])


# -- KA006 weak-authentication --------------------------------------------------------------------

PASSWORD = "8642"


def auth(kind: str, password: str, vrid: int = 51) -> str:
    return instance(f"authentication {{\n  auth_type {kind}\n  auth_pass {password}\n}}", vrid=vrid)


def test_ka006_pass_with_four_digits_is_redacted_everywhere(tmp_path):
    conf(tmp_path, auth("PASS", PASSWORD))
    reported = check(tmp_path)
    found = [r for r in reported if r.code == "KA006"]
    assert [at(r) for r in found] == [(6, 5)]
    text = msg(found[0])
    assert "auth_pass (4 characters, redacted) of `VI_1`" in text
    assert "clear text" in text and "shorter than 8 characters" in text and "all digits" in text
    for r in reported:
        assert PASSWORD not in said(r)
        assert all(PASSWORD not in rel.message for rel in r.diagnostic.related)
    assert PASSWORD not in render(reported, 1, tmp_path)
    assert json.loads(render(reported, 1, tmp_path))["diagnostics"]


def test_ka006_password_longer_than_8_is_truncated(tmp_path):
    found = ka(tmp_path, auth("AH", "Zq8rTw3pLm4x"), "KA006")
    assert [at(r) for r in found] == [(6, 5)]
    assert "auth_pass (12 characters, redacted)" in msg(found[0])
    assert "keeps only its first 8 characters, and peers compare only those" in msg(found[0])
    assert "Zq8rTw3p" not in msg(found[0])


def test_ka006_strong_ah_password_is_clean(tmp_path):
    assert ka(tmp_path, auth("AH", "k3Jx9qLm"), "KA006") == []


def test_ka006_password_equal_to_the_vrid(tmp_path):
    found = ka(tmp_path, auth("AH", "51", vrid=51), "KA006")
    assert [at(r) for r in found] == [(6, 5)]
    assert "equals the virtual_router_id" in msg(found[0]) and "2 characters, redacted" in msg(found[0])


def test_ka006_dictionary_word(tmp_path):
    found = ka(tmp_path, auth("AH", "password"), "KA006")
    assert "common word" in msg(found[0]) and "8 characters, redacted" in msg(found[0])


def test_ka006_pass_with_a_strong_password_still_warns_about_clear_text(tmp_path):
    found = ka(tmp_path, auth("PASS", "k3Jx9qLm"), "KA006")
    assert [at(r) for r in found] == [(6, 5)]
    assert "clear text" in msg(found[0]) and "shorter" not in msg(found[0])


def test_ka006_a_hash_starts_a_comment(tmp_path):
    """`auth_pass Xk9#mQ2v` is the 3-character password Xk9 for keepalived."""
    found = ka(tmp_path, auth("AH", "Xk9#mQ2v"), "KA006")
    assert "3 characters, redacted" in msg(found[0])


def test_ka006_no_authentication_is_clean(tmp_path):
    assert ka(tmp_path, instance("priority 100"), "KA006") == []


@pytest.mark.parametrize("where", ["version 3\n", "strict_mode\n", "global_defs {\n  vrrp_strict\n}\n"])
def test_ka006_ignored_authentication_is_not_weak(tmp_path, where):
    """Under VRRPv3 or strict mode keepalived ignores the block and sends no password at all (issue
    15: "auth_type PASS sends it in clear text" was false there); KA008 reports the ignored block."""
    body = "authentication {\n  auth_type PASS\n  auth_pass 8642\n}"
    text = where + instance(body) if where.startswith("global_defs") else instance(where + body)
    assert ka(tmp_path, text, "KA006") == []
    assert "keepalived ignores its `authentication` block" in msg(ka(tmp_path, text, "KA008")[0])


# -- KA007 script-security ------------------------------------------------------------------------


def test_ka007_scripts_without_script_security(tmp_path):
    text = (
        'vrrp_script chk_a {\n  script "/usr/bin/pgrep nginx"\n}\n'
        'vrrp_script chk_b {\n  script "/usr/bin/pgrep sshd"\n}\n'
        + instance('notify_master "/etc/keepalived/master.sh"\ntrack_script {\n  chk_a\n  chk_b\n}', vrid=51)
    )
    found = ka(tmp_path, text, "KA007")
    assert [at(r) for r in found] == [(1, 1)]  # the first script's block
    # the message says what is missing, the note quotes keepalived -t
    assert msg(found[0]).startswith("3 scripts run without keepalived's script security: global_defs has no "
                                    "enable_script_security")
    assert ("(keepalived -t: \"SECURITY VIOLATION - scripts are being executed but script_security not enabled.\")"
            in found[0].diagnostic.note)
    assert [(line, m) for line, _, m in related(found[0])] == [
        (2, "`script` runs `/usr/bin/pgrep nginx`"), (5, "`script` runs `/usr/bin/pgrep sshd`"),
        (10, "`notify_master` runs `/etc/keepalived/master.sh`")]


def test_ka007_secure_configuration_is_clean(tmp_path):
    text = (
        "global_defs {\n  enable_script_security\n  script_user keepalived_script\n}\n"
        'vrrp_script chk_a {\n  script "/usr/bin/pgrep nginx"\n}\n'
        + instance('notify "/etc/keepalived/notify.sh"\ntrack_script {\n  chk_a\n}')
    )
    assert ka(tmp_path, text, "KA007") == []


def test_ka007_bare_command_without_script_user(tmp_path):
    text = 'vrrp_script chk_a {\n  script "pgrep nginx"\n}\n' + instance("track_script {\n  chk_a\n}")
    found = ka(tmp_path, text, "KA007")
    assert [at(r) for r in found] == [(1, 1), (2, 10)]  # one finding per cause, each at its own line
    assert msg(found[1]) == ("`script` runs `pgrep`, a bare command name that keepalived looks up in PATH, as root "
                             "unless a keepalived_script account exists: give its absolute path")


def test_ka007_relative_path_without_script_user(tmp_path):
    text = "global_defs {\n  router_id lb1\n}\n" + instance('notify_backup "scripts/backup.sh"')
    found = ka(tmp_path, text, "KA007")
    assert [at(r) for r in found] == [(4, 1), (7, 17)]  # the missing setting at the script's vrrp_instance
    assert "runs `scripts/backup.sh`, a relative path" in msg(found[1])


def test_ka007_bare_command_with_script_user_has_no_per_script_finding(tmp_path):
    text = "global_defs {\n  enable_script_security\n  script_user nobody\n}\n" + 'vrrp_script chk_a {\n  script "pgrep nginx"\n}\n'
    assert ka(tmp_path, text, "KA007") == []


def test_ka007_bare_command_with_user_in_the_vrrp_script(tmp_path):
    text = "global_defs {\n  enable_script_security\n}\n" + 'vrrp_script chk_a {\n  script "pgrep nginx"\n  user nobody\n}\n'
    assert ka(tmp_path, text, "KA007") == []


def test_ka007_a_notify_script_alone_counts(tmp_path):
    found = ka(tmp_path, instance('notify_master "/etc/keepalived/master.sh"'), "KA007")
    assert [at(r) for r in found] == [(1, 1)]
    assert msg(found[0]).startswith("1 script runs without keepalived's script security")
    assert related(found[0]) == [(4, 3, "`notify_master` runs `/etc/keepalived/master.sh`")]


def test_ka007_no_script_no_finding(tmp_path):
    assert ka(tmp_path, instance("priority 100"), "KA007") == []


def test_ka007_one_finding_per_line(tmp_path):
    """Issue 15: a bare command on the first script's line got the global finding too."""
    text = 'vrrp_script chk_a {\n  script "pidof nginx"\n}\n' + instance('notify_master "pidof"\ntrack_script {\n  chk_a\n}')
    found = ka(tmp_path, text, "KA007")
    lines = [at(r)[0] for r in found]
    assert lines == [1, 2, 7] and len(set(lines)) == len(lines)


def test_ka007_a_vrrp_script_without_any_vrrp_instance_is_not_checked(tmp_path):
    """keepalived's VRRP process checks scripts only when it has an instance (vrrp.c,
    check_vrrp_script_security); the checker process has nothing to run here."""
    text = ('vrrp_script chk_a {\n  script "/usr/bin/pgrep nginx"\n}\n'
            "virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 {\n    TCP_CHECK {\n    }\n  }\n}\n")
    assert ka(tmp_path, text, "KA007") == []


def test_ka007_startup_and_check_scripts_count(tmp_path):
    text = ("global_defs {\n  startup_script /usr/local/bin/up.sh\n}\n"
            "virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 {\n    MISC_CHECK {\n"
            "      misc_path \"/usr/local/bin/chk.sh\"\n    }\n  }\n}\n")
    found = ka(tmp_path, text, "KA007")
    assert [at(r) for r in found] == [(1, 1)]
    assert msg(found[0]).startswith(
        "2 scripts run without keepalived's script security: global_defs has no enable_script_security")
    assert found[0].diagnostic.note.endswith(
        "(keepalived -t: "
        "\"SECURITY VIOLATION - check scripts are being executed but script_security not enabled.\"; "
        "\"SECURITY VIOLATION - start/shutdown scripts are being executed but script_security not enabled.\")")


def test_ka007_a_file_test_is_no_script(tmp_path):
    text = 'vrrp_script chk_a {\n  script "</etc/hosts"\n}\n' + instance("track_script {\n  chk_a\n}")
    assert ka(tmp_path, text, "KA007") == []


def test_ka007_a_notify_script_with_its_own_user_is_not_root(tmp_path):
    text = "global_defs {\n  enable_script_security\n}\n" + instance('notify_master "notify.sh" nobody')
    assert ka(tmp_path, text, "KA007") == []
    text = instance('notify_master "notify.sh" nobody')
    assert [at(r) for r in ka(tmp_path, text, "KA007")] == [(1, 1)]  # only the missing setting


def test_ka007_with_script_security_and_no_script_user_nothing_runs_as_root(tmp_path):
    """With enable_script_security and no script_user keepalived runs scripts as keepalived_script
    or, without that account, drops them: a bare name is not "run as root" there."""
    text = "global_defs {\n  enable_script_security\n}\n" + 'vrrp_script chk_a {\n  script "pgrep nginx"\n}\n'
    assert ka(tmp_path, text, "KA007") == []


def _real_interface() -> str | None:
    names = sorted(p.name for p in Path("/sys/class/net").iterdir()) if Path("/sys/class/net").is_dir() else []
    return next((n for n in names if n != "lo" and not n.startswith(("ifb", "dummy"))), None)


#: configurations (in a vrrp_instance on a real interface where INSTANCE appears) and what
#: keepalived 2.2.7 -t prints about script security; /bin/true exists on every machine
SECURITY_CASES = {
    "notify only": 'INSTANCE(notify_master "/bin/true")',
    "unused vrrp_script": 'vrrp_script chk {\n  script "/bin/true"\n}\nINSTANCE()',
    "vrrp_script, no instance": ('vrrp_script chk {\n  script "/bin/true"\n}\n'
                                 "virtual_server 10.0.0.1 80 {\n  protocol TCP\n  real_server 10.0.0.2 80 {\n"
                                 "    TCP_CHECK {\n    }\n  }\n}"),
    "misc check": ("virtual_server 10.0.0.1 80 {\n  protocol TCP\n  real_server 10.0.0.2 80 {\n"
                   '    MISC_CHECK {\n      misc_path "/bin/true"\n    }\n  }\n}'),
    "notify_up": ('virtual_server 10.0.0.1 80 {\n  protocol TCP\n  real_server 10.0.0.2 80 {\n    notify_up "/bin/true"\n'
                  "    TCP_CHECK {\n    }\n  }\n}"),
    "startup script": "global_defs {\n  startup_script /bin/true\n}\nINSTANCE()",
    "file test": 'vrrp_script chk {\n  script "</etc/hosts"\n}\nINSTANCE(track_script {\n  chk\n})',
    "bare name": 'INSTANCE(notify_master "true")',
    "sync group notify": ('INSTANCE()\nvrrp_sync_group G {\n  group {\n    VI_1\n    VI_2\n  }\n  notify_master "/bin/true"\n}\n'
                          "vrrp_instance VI_2 {\n  interface IFACE\n  virtual_router_id 52\n  virtual_ipaddress {\n    10.0.0.2\n  }\n}"),
    "notify fifo script": "global_defs {\n  notify_fifo /tmp/halint-fifo\n  notify_fifo_script /bin/true\n}\nINSTANCE()",
    "all three": ("global_defs {\n  startup_script /bin/true\n}\nINSTANCE(notify_master \"/bin/true\")\n"
                  "virtual_server 10.0.0.1 80 {\n  protocol TCP\n  real_server 10.0.0.2 80 {\n"
                  '    MISC_CHECK {\n      misc_path "/bin/true"\n    }\n  }\n}'),
    "secure": ("global_defs {\n  enable_script_security\n  script_user root\n}\n"
               'INSTANCE(notify_master "/bin/true")'),
}


@needs_keepalived
@pytest.mark.parametrize("case", list(SECURITY_CASES))
def test_ka007_counts_what_keepalived_checks(tmp_path, case):
    """The missing enable_script_security is reported exactly when keepalived 2.2.7 -t prints a
    SECURITY VIOLATION line, quoting each line it prints (one per process)."""
    iface = _real_interface()
    if iface is None:
        pytest.skip("no network interface other than lo: keepalived's VRRP process would stop before its check")
    text = re.sub(
        r"INSTANCE\(((?:.|\n)*?)\)(?=\n|$)",
        lambda m: (f"vrrp_instance VI_1 {{\n  interface {iface}\n  virtual_router_id 51\n"
                   f"{textwrap.indent(m.group(1), '  ')}\n  virtual_ipaddress {{\n    10.0.0.1\n  }}\n}}"),
        SECURITY_CASES[case],
    ).replace("IFACE", iface) + "\n"
    path = conf(tmp_path, text)
    proc = subprocess.run([KEEPALIVED, "-t", "-f", str(path)], capture_output=True, text=True, errors="replace",
                          timeout=60, start_new_session=True)
    printed = sorted({line for line in (proc.stderr + proc.stdout).splitlines() if line.startswith("SECURITY VIOLATION")})
    found = [r for r in check(tmp_path, select=["KA007"]) if r.code == "KA007" and "script security" in msg(r)]
    assert len(found) <= 1
    quoted = sorted(re.findall(r'"(SECURITY VIOLATION[^"]*)"', msg(found[0]))) if found else []
    assert quoted == printed, (proc.stderr, [msg(r) for r in found])


# -- KA008 ignored-setting ------------------------------------------------------------------------

WEIGHTED = 'vrrp_script chk_w {\n  script "/bin/true"\n  weight 20\n}\nvrrp_script chk_0 {\n  script "/bin/true"\n}\n'


def test_ka008_priority_255_drops_weighted_scripts(tmp_path):
    found = ka(tmp_path, WEIGHTED + instance("priority 255\ntrack_script {\n  chk_w\n  chk_0\n}"), "KA008")
    assert [at(r) for r in found] == [(13, 5)]
    assert "drops the tracked script `chk_w` (weight 20) because `VI_1` has priority 255 (address owner)" in msg(found[0])


def test_ka008_state_master_without_priority_drops_weighted_scripts(tmp_path):
    found = ka(tmp_path, WEIGHTED + instance("state MASTER\ntrack_script {\n  chk_0\n  chk_w weight -30\n}"), "KA008")
    assert [at(r) for r in found] == [(14, 5)]
    assert "`chk_w` (weight -30)" in msg(found[0]) and "state MASTER and no priority" in msg(found[0])


AH = "authentication {\n  auth_type AH\n  auth_pass Xk7pQ2vR\n}"


def test_ka008_ah_starts_a_master_below_255_as_backup_and_keeps_its_nopreempt(tmp_path):
    found = ka(tmp_path, instance(f"state MASTER\npriority 150\nnopreempt\n{AH}"), "KA008")
    # keepalived clears the state first, so nopreempt is not "cleared by state MASTER"
    assert [at(r) for r in found] == [(4, 3)]
    assert "starts `VI_1` as BACKUP, not MASTER" in msg(found[0]) and "AH" in msg(found[0])
    assert fixed(found) == instance(f"priority 150\nnopreempt\n{AH}")


@pytest.mark.parametrize(
    "body",
    [
        f"state MASTER\n{AH}",  # no priority: 255, the address owner starts as MASTER
        f"state MASTER\npriority 255\n{AH}",
        f"state MASTER\npriority 150\n{AH.replace('AH', 'PASS', 1)}",
        f"state MASTER\npriority 150\nversion 3\n{AH}",  # VRRPv3 drops authentication
        f"state MASTER\npriority 150\n{AH.replace('Xk7pQ2vR', '')}",  # no password: no authentication
        f"state BACKUP\npriority 150\n{AH}",
    ],
)
def test_ka008_ah_leaves_these_states_alone(tmp_path, body):
    assert not [r for r in ka(tmp_path, instance(body), "KA008") if "starts `VI_1`" in msg(r)]


def test_ka008_strict_mode_follows_the_priority(tmp_path):
    found = ka(tmp_path, "global_defs {\n  vrrp_strict\n}\n" + instance("state MASTER\npriority 150"), "KA008")
    assert len(found) == 1 and "starts `VI_1` as BACKUP, not MASTER: in strict mode" in msg(found[0])
    found = ka(tmp_path, instance("strict_mode\nstate BACKUP\npriority 255"), "KA008")
    assert len(found) == 1 and "starts `VI_1` as MASTER, not BACKUP" in msg(found[0])
    assert ka(tmp_path, instance("strict_mode off\nstate MASTER\npriority 150"), "KA008") == []
    assert ka(tmp_path, "global_defs {\n  vrrp_strict\n}\n" + instance("state MASTER\npriority 255"), "KA008") == []


def test_ka008_unweighted_scripts_at_255_are_fine(tmp_path):
    text = WEIGHTED + instance("priority 255\ntrack_script {\n  chk_0\n  chk_w weight 0\n}")
    assert ka(tmp_path, text, "KA008") == []


def test_ka008_priority_255_drops_weighted_track_interface(tmp_path):
    """keepalived 2.2.7 -t: "(VI_1) ignoring eth1 tracked interface due to address owner"."""
    found = ka(tmp_path, instance("priority 255\ntrack_interface {\n  eth1 weight -20\n  eth2\n}"), "KA008")
    assert [at(r) for r in found] == [(6, 5)]
    assert "drops the tracked interface `eth1` (weight -20) because `VI_1` has priority 255" in msg(found[0])


def test_ka008_sync_group_zeroes_track_interface_weight(tmp_path):
    """keepalived 2.2.7 -t: "(VI_1) ignoring eth1 tracked interface weight due to SYNC group"."""
    text = instance("priority 100\ntrack_interface {\n  eth1 weight -20\n}") + sync_group()
    found = ka(tmp_path, text, "KA008")
    assert [at(r) for r in found] == [(6, 5)]
    assert "ignores the weight -20 of the tracked interface `eth1`" in msg(found[0])
    assert "vrrp_sync_group `G1`" in msg(found[0]) and "FAULT" in msg(found[0])


def test_ka008_unweighted_track_interface_at_255_is_fine(tmp_path):
    assert ka(tmp_path, instance("priority 255\ntrack_interface {\n  eth1\n  eth2 weight 0\n}"), "KA008") == []


def sync_group(extra: str = "") -> str:
    return "vrrp_sync_group G1 {\n  group {\n    VI_1\n  }\n" + extra + "}\n"


def test_ka008_sync_group_without_tracking_weight_drops_weights(tmp_path):
    text = WEIGHTED + instance("priority 100\ntrack_script {\n  chk_w\n}") + sync_group()
    found = ka(tmp_path, text, "KA008")
    assert [at(r) for r in found] == [(13, 5)]
    assert "`VI_1` is in vrrp_sync_group `G1`, which has no sync_group_tracking_weight" in msg(found[0])


def test_ka008_sync_group_with_tracking_weight_is_fine(tmp_path):
    text = WEIGHTED + instance("priority 100\ntrack_script {\n  chk_w\n}") + sync_group("  sync_group_tracking_weight\n")
    assert ka(tmp_path, text, "KA008") == []


def test_ka008_nopreempt_with_state_master_is_removed(tmp_path):
    text = instance("state MASTER\nnopreempt\npriority 150")
    found = ka(tmp_path, text, "KA008")
    assert [at(r) for r in found] == [(5, 3)]
    assert "clears `nopreempt` on `VI_1` because of its state MASTER" in msg(found[0])
    assert fixed(found) == (
        "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  state MASTER\n  priority 150\n"
        "  virtual_ipaddress {\n    10.0.0.1/24\n  }\n}\n"
    )


def test_ka008_nopreempt_with_priority_255_names_the_priority(tmp_path):
    """keepalived 2.2.7 -t: "(VI_1) nopreempt is incompatible with priority 255. resetting nopreempt"."""
    found = ka(tmp_path, instance("priority 255\nnopreempt"), "KA008")
    assert [at(r) for r in found] == [(5, 3)]
    assert "because of its priority 255" in msg(found[0])


def test_ka008_nopreempt_with_state_backup_is_fine(tmp_path):
    assert ka(tmp_path, instance("state BACKUP\nnopreempt\npriority 100"), "KA008") == []


def test_ka008_preempt_delay_with_nopreempt(tmp_path):
    found = ka(tmp_path, instance("state BACKUP\npriority 100\nnopreempt\npreempt_delay 10"), "KA008")
    assert [at(r) for r in found] == [(7, 3)]
    assert "clears `preempt_delay` on `VI_1` because of nopreempt" in msg(found[0])
    assert "preempt_delay" not in fixed(found)


def test_ka008_preempt_delay_with_state_master(tmp_path):
    found = ka(tmp_path, instance("state MASTER\npriority 150\npreempt_delay 10"), "KA008")
    assert [at(r) for r in found] == [(6, 3)]
    assert "because of its state MASTER" in msg(found[0])


def test_ka008_preempt_delay_kept_when_priority_255_cleared_nopreempt(tmp_path):
    """state BACKUP, priority 255: keepalived resets nopreempt first, so preempt_delay stays
    (2.2.7 -t reports only "nopreempt is incompatible with priority 255")."""
    found = ka(tmp_path, instance("state BACKUP\npriority 255\nnopreempt\npreempt_delay 5"), "KA008")
    assert [at(r) for r in found] == [(6, 3)]
    assert "`nopreempt`" in msg(found[0])


def test_ka008_unicast_src_ip_without_peers(tmp_path):
    found = ka(tmp_path, instance("unicast_src_ip 10.0.0.9"), "KA008")
    assert [at(r) for r in found] == [(4, 3)]
    assert "`unicast_src_ip` on `VI_1` has no effect without any unicast_peer: keepalived falls back to multicast" in msg(found[0])


def test_ka008_unicast_with_peers_is_fine(tmp_path):
    assert ka(tmp_path, instance("unicast_src_ip 10.0.0.9\nunicast_peer {\n  10.0.0.8\n}"), "KA008") == []


def test_ka008_version_3_ignores_authentication(tmp_path):
    found = ka(tmp_path, instance("version 3\nauthentication {\n  auth_type AH\n  auth_pass k3Jx9qLm\n}"), "KA008")
    assert [at(r) for r in found] == [(5, 3)]
    assert "`VI_1` uses VRRP version 3, which has no authentication" in msg(found[0])


def test_ka008_strict_mode_ignores_authentication(tmp_path):
    text = "global_defs {\n  vrrp_strict\n}\n" + instance("authentication {\n  auth_type AH\n  auth_pass k3Jx9qLm\n}")
    found = ka(tmp_path, text, "KA008")
    assert [at(r) for r in found] == [(7, 3)]
    assert "`VI_1` runs in strict mode (vrrp_strict / strict_mode), which allows no authentication" in msg(found[0])
    if KEEPALIVED:
        assert any("Strict mode does not support authentication" in m for m in _all_flags(tmp_path / "keepalived.conf"))


def _all_flags(path):
    proc = subprocess.run([KEEPALIVED, "-t", "-f", str(path)], capture_output=True, text=True, errors="replace",
                          timeout=60, start_new_session=True)
    return (proc.stderr + proc.stdout).splitlines()


def test_ka008_global_version_3_ignores_authentication(tmp_path):
    text = "global_defs {\n  vrrp_version 3\n}\n" + instance("authentication {\n  auth_type AH\n  auth_pass k3Jx9qLm\n}")
    found = ka(tmp_path, text, "KA008")
    assert [at(r) for r in found] == [(7, 3)]


def test_ka008_version_2_with_authentication_is_fine(tmp_path):
    assert ka(tmp_path, instance("version 2\nauthentication {\n  auth_type AH\n  auth_pass k3Jx9qLm\n}"), "KA008") == []


BOM = "\ufeff"  # a UTF-8 byte-order mark, as halint's text holds it (bytes EF BB BF on disk)
SCRIPT_X = 'vrrp_script chk_x {\n  script "/bin/true"\n  weight -60\n}\n'


def models(tmp_path: Path):
    """The (effective, intended) models of tmp_path/keepalived.conf."""
    from halint.engine.check import Options, run

    outcome = run(Options(paths=[tmp_path]))
    [unit] = [u for p in outcome.projects for u in p.keepalived]
    return unit.effective, unit.intended


def test_ka008_byte_order_mark_hides_the_first_block(tmp_path):
    text = BOM + SCRIPT_X + instance("priority 150\ntrack_script {\n  chk_x\n}")
    found = ka(tmp_path, text, "KA008")
    assert [at(r) for r in found] == [(1, 1)]
    # the message says what is in the file, the note what keepalived makes of it
    assert found[0].diagnostic.message == (
        "the file starts with a UTF-8 byte-order mark (bytes EF BB BF), which keepalived does not strip")
    assert found[0].diagnostic.note == (
        "`vrrp_script` with the mark glued to it is an unknown keyword, so keepalived ignores its whole block "
        "(lines 1-4): `vrrp_script chk_x` is not defined, and `VI_1` tracks no `chk_x` (\"track script chk_x not found\")"
    )
    assert found[0].diagnostic.fix.safety.value == "safe"
    assert fixed(found) == text[1:]
    # one root cause, one finding: no KA002 for the spoiled keyword, no KA004/KA010 behind it
    # (KA007: the script runs without enable_script_security, which the example leaves out)
    assert [r.code for r in check(tmp_path) if r.code != "KA007"] == ["KA008"]
    effective, intended = models(tmp_path)
    assert [s.name.text for s in effective.scripts] == [] and [s.name.text for s in intended.scripts] == ["chk_x"]
    assert [u.statement.keyword.value for u in effective.unknown][:1] == [BOM + "vrrp_script"]
    assert intended.unknown == ()


def test_ka008_byte_order_mark_hides_an_instance_and_says_so_behind_it(tmp_path):
    text = BOM + instance("state MASTER\npriority 150\nnopreempt")
    found = ka(tmp_path, text, "KA008")
    assert [at(r) for r in found] == [(1, 1), (6, 3)]
    assert "keepalived ignores its whole block (lines 1-10): the instance `VI_1` does not run" in msg(found[0])
    assert msg(found[1]).endswith(
        "(inside `vrrp_instance` at line 1, which keepalived ignores until the byte-order mark at the start of "
        "keepalived.conf is removed)"
    )
    [ka011] = [r for r in check(tmp_path) if r.code == "KA011"]
    assert "(the vrrp_instance `VI_1` is under a keyword that a byte-order mark hides)" in msg(ka011)
    assert related(ka011) == [(1, 2, "the byte-order mark at the start of the file sticks to `vrrp_instance`: keepalived ignores this block")]


def test_ka008_byte_order_mark_on_a_comment_line_costs_nothing_else(tmp_path):
    text = BOM + "! Configuration File for keepalived\n" + instance("priority 150")
    found = ka(tmp_path, text, "KA008")
    assert [at(r) for r in found] == [(1, 1)]
    assert msg(found[0]).endswith("keepalived reads the mark alone as an unknown keyword (\"Unknown keyword\": "
                                  "`keepalived -t` exits 5); nothing else changes")
    assert fixed(found) == text[1:]
    assert [r.code for r in check(tmp_path)] == ["KA008"]
    effective, _ = models(tmp_path)
    assert [i.name.text for i in effective.instances] == ["VI_1"]


def test_ka008_byte_order_mark_before_a_blank_makes_a_keyword_of_its_own(tmp_path):
    found = ka(tmp_path, BOM + " global_defs {\n  router_id lb1\n}\n" + instance("priority 150"), "KA008")
    assert msg(found[0]).endswith(
        "the mark is an unknown keyword of its own, and `global_defs` only its argument, so keepalived ignores "
        "its whole block (lines 1-3): `global_defs` is not read"
    )
    effective, intended = models(tmp_path)
    assert effective.global_defs is None and intended.global_defs is not None


def test_ka008_byte_order_mark_and_a_typo_behind_it_are_two_findings(tmp_path):
    text = BOM + SCRIPT_X.replace("vrrp_script", "vrp_script") + instance("priority 150\ntrack_script {\n  chk_x\n}")
    conf(tmp_path, text)
    found = [r for r in check(tmp_path) if r.code in ("KA002", "KA008")]
    assert [(r.code, *at(r)) for r in found] == [("KA008", 1, 1), ("KA002", 1, 2)]
    assert "`vrp_script` is not a keepalived keyword (did you mean `vrrp_script`?)" in msg(found[1])
    assert fixed(found) == text[1:].replace("vrp_script", "vrrp_script")


def test_ka008_byte_order_mark_in_an_included_file_and_on_an_include_line(tmp_path):
    conf(tmp_path, BOM + SCRIPT_X, "scripts.conf")
    conf(tmp_path, "include scripts.conf\n" + instance("priority 150\ntrack_script {\n  chk_x\n}"))
    found = [r for r in check(tmp_path) if r.code != "KA007"]
    assert [(r.code, r.diagnostic.span.source.path.name, *at(r)) for r in found] == [("KA008", "scripts.conf", 1, 1)]
    assert "`vrrp_script chk_x` is not defined" in msg(found[0])
    # the mark on the include line: keepalived reads no file, and the config as intended does
    (tmp_path / "scripts.conf").write_text(SCRIPT_X + instance("priority 150"), encoding="utf-8")
    conf(tmp_path, BOM + "include scripts.conf\n")
    found = [r for r in check(tmp_path) if r.code in ("KA008", "KA011")]
    assert [(r.code, *at(r)) for r in found] == [("KA011", 1, 1), ("KA008", 1, 1)]
    assert msg(found[1]).endswith("`include` with the mark glued to it is an unknown keyword, so `include scripts.conf` reads no file")
    assert "(a byte-order mark at the start of a file hides the vrrp_instance `VI_1`: see KA008)" in msg(found[0])
    effective, intended = models(tmp_path)
    assert effective.instances == () and [i.name.text for i in intended.instances] == ["VI_1"]


def test_ka008_byte_order_mark_on_a_comment_line_leaves_every_other_finding_as_it_was(tmp_path):
    # the intended config is read apart from keepalived's reading when a file has a mark: what
    # KA002 says about a nested unknown block (the `}` that ends the instance early) must not change
    body = "! lb1\n" + instance("priority 150\nauthentcation {\n  auth_type PASS\n}\nnopreempt")
    plain = tmp_path / "plain"
    conf(plain, body)
    marked = tmp_path / "marked"
    conf(marked, BOM + body)
    before = [(r.code, *at(r), msg(r), related(r)) for r in check(plain)]
    after = [(r.code, *at(r), msg(r), related(r)) for r in check(marked)]
    assert [x[0] for x in after if x[0] == "KA008" and x[1:3] == (1, 1)] == ["KA008"]
    assert [x for x in after if x[1:3] != (1, 1)] == before
    assert any("its `}` ends `vrrp_instance VI_1` early" in x[3] for x in before if x[0] == "KA002")


def test_ka008_byte_order_mark_on_a_definition(tmp_path):
    found = ka(tmp_path, BOM + "$IF=eth0\n" + instance("priority 150"), "KA008")
    assert msg(found[0]).endswith("`$IF=eth0` with the mark glued to it is an unknown keyword, so `$IF` is not defined")


# -- KA009 include-problem ------------------------------------------------------------------------


def tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        write(tmp_path, rel, text)
    return tmp_path


def ka009(tmp_path: Path) -> list:
    return [r for r in check(tmp_path, select=["KA009"]) if r.code == "KA009"]


def where(item) -> tuple[str, int, int]:
    d = item.diagnostic
    return (Path(d.span.source.path).name, *d.span.source.position(d.span.start))


def test_ka009_plain_include_missing_is_a_warning(tmp_path):
    tree(tmp_path, {"keepalived.conf": "global_defs {\n  router_id lb1\n}\ninclude missing.conf\n" + instance("priority 100")})
    found = ka009(tmp_path)
    assert [where(r) for r in found] == [("keepalived.conf", 4, 9)]
    assert found[0].severity.label == "warning"
    assert "`include missing.conf`: the file does not exist; keepalived silently skips it" in msg(found[0])


def test_ka009_includer_missing_is_an_error(tmp_path):
    tree(tmp_path, {"keepalived.conf": "includer conf.d/*.conf\n" + instance("priority 100")})
    found = ka009(tmp_path)
    assert [where(r) for r in found] == [("keepalived.conf", 1, 10)]
    assert found[0].severity.label == "error"
    assert "`includer conf.d/*.conf`" in msg(found[0]) and "reports an error" in msg(found[0])


def test_ka009_file_that_includes_itself(tmp_path):
    tree(tmp_path, {"keepalived.conf": instance("priority 100") + "include keepalived.conf\n"})
    found = ka009(tmp_path)
    assert [where(r) for r in found] == [("keepalived.conf", 9, 9)]
    assert "include cycle" in msg(found[0]) and "keepalived.conf includes itself" in msg(found[0])
    assert found[0].severity.label == "error"


def test_ka009_cycle_between_two_included_files(tmp_path):
    tree(tmp_path, {
        "keepalived.conf": "include conf.d/a.conf\n",
        "conf.d/a.conf": "include b.conf\n" + instance("priority 100"),
        "conf.d/b.conf": "include a.conf\n",
    })
    found = ka009(tmp_path)
    assert [where(r) for r in found] == [("b.conf", 1, 9)]
    assert "include cycle" in msg(found[0]) and "a.conf" in msg(found[0])


def test_ka009_cycle_through_the_root_file(tmp_path):
    tree(tmp_path, {
        "keepalived.conf": "include conf.d/*.conf\n",
        "conf.d/a.conf": "include ../keepalived.conf\n" + instance("priority 100"),
    })
    found = ka009(tmp_path)
    assert [where(r) for r in found] == [("a.conf", 1, 9)]


def test_ka009_include_outside_the_tree(tmp_path):
    tree(tmp_path / "cfg", {"keepalived.conf": "include ../outside.conf\n" + instance("priority 100")})
    (tmp_path / "outside.conf").write_text("vrrp_script x {\n}\n")
    found = ka009(tmp_path / "cfg")
    assert [where(r) for r in found] == [("keepalived.conf", 1, 9)]
    assert "outside the checked tree" in msg(found[0]) and found[0].severity.label == "error"


def test_ka009_includes_that_resolve_are_clean(tmp_path):
    tree(tmp_path, {
        "keepalived.conf": "global_defs {\n  router_id lb1\n}\ninclude conf.d/*.conf\nincluder vi_2.inc\n",
        "conf.d/vi_1.conf": instance("priority 100"),
        "vi_2.inc": instance("priority 100", name="VI_2", vrid=52).replace("10.0.0.1/24", "10.0.0.2/24"),
    })
    assert ka009(tmp_path) == []


# -- KA010 unused-script --------------------------------------------------------------------------


def test_ka010_unused_script(tmp_path):
    found = ka(tmp_path, 'vrrp_script chk_haproxy {\n  script "/bin/true"\n}\n' + instance("priority 100"), "KA010")
    assert [at(r) for r in found] == [(1, 13)]
    assert "vrrp_script `chk_haproxy` is tracked by no vrrp_instance or vrrp_sync_group" in msg(found[0])


def test_ka010_script_used_only_by_a_sync_group_is_fine(tmp_path):
    text = (
        'vrrp_script chk {\n  script "/bin/true"\n}\n'
        + instance("priority 100")
        + sync_group("  track_script {\n    chk\n  }\n")
    )
    assert ka(tmp_path, text, "KA010") == []


def test_ka010_script_tracked_by_an_instance_is_fine(tmp_path):
    assert ka(tmp_path, 'vrrp_script chk {\n  script "/bin/true"\n}\n' + instance("track_script {\n  chk weight 5\n}"), "KA010") == []


def test_ka010_script_tracked_only_by_an_ignored_entry_is_unused(tmp_path):
    text = 'vrrp_script chk {\n  script "/bin/true"\n}\n' + instance("track_script {\n  chk wieght 5\n}")
    found = ka(tmp_path, text, "KA010")
    assert [at(r) for r in found] == [(1, 13)]


def test_ka010_script_under_a_typo_says_so(tmp_path):
    found = ka(tmp_path, 'vrp_script chk {\n  script "/bin/true"\n}\n', "KA010")
    assert [at(r) for r in found] == [(1, 12)]
    assert "inside `vrp_script` at line 1" in msg(found[0])


# -- KA011 no-vrrp-instance -----------------------------------------------------------------------


def test_ka011_only_typo_instances(tmp_path):
    found = ka(tmp_path, SEED, "KA011")
    assert [at(r) for r in found] == [(1, 1)]
    assert "no effective vrrp_instance" in msg(found[0]) and "`VI_1` is under a misspelt keyword" in msg(found[0])
    assert related(found[0]) == [(6, 1, "`vrp_instance` is not `vrrp_instance`: keepalived ignores this block")]


def test_ka011_instance_swallowed_by_an_unclosed_block(tmp_path):
    text = 'vrrp_script chk {\n  script "/bin/true"\n' + instance("priority 100")
    found = ka(tmp_path, text, "KA011")
    assert [at(r) for r in found] == [(1, 1)]


def test_ka011_empty_configuration(tmp_path):
    found = ka(tmp_path, "global_defs {\n  router_id lb1\n}\n", "KA011")
    assert [at(r) for r in found] == [(1, 1)]


def test_ka011_include_that_brings_nothing_is_named(tmp_path):
    found = ka(tmp_path, "global_defs {\n  router_id lb1\n}\ninclude conf.d/*.conf\n", "KA011")
    assert [at(r) for r in found] == [(1, 1)]
    assert "`include conf.d/*.conf` brings in no file here" in msg(found[0])
    assert related(found[0]) == [(4, 9, "this include matches no file in the checked tree")]


def test_ka011_static_ipaddress_only_is_fine(tmp_path):
    assert ka(tmp_path, "static_ipaddress {\n  10.0.0.9/24 dev eth0\n}\n", "KA011") == []


def test_ka011_virtual_server_without_instance_is_fine(tmp_path):
    text = "virtual_server 10.0.0.1 80 {\n  lb_algo rr\n  real_server 10.0.0.2 80 {\n    weight 1\n  }\n}\n"
    assert ka(tmp_path, text, "KA011") == []


def test_ka011_instance_for_another_host(tmp_path):
    body = instance("priority 100")
    filtered = "".join(f"@web2 {line}\n" for line in body.splitlines())
    write(tmp_path, "hosts/web/etc/keepalived/keepalived.conf", "global_defs {\n  router_id web\n}\n" + filtered)
    write(tmp_path, "hosts/web2/etc/keepalived/keepalived.conf", "global_defs {\n  router_id web2\n}\n" + filtered)
    found = [r for r in check(tmp_path, select=["KA011"]) if r.code == "KA011"]
    assert [(Path(r.diagnostic.span.source.path).parts[-4], *at(r)) for r in found] == [("web", 1, 1)]
    assert msg(found[0]).startswith("on web, no effective vrrp_instance")


def test_ka011_instance_for_this_host_is_fine(tmp_path):
    body = instance("priority 100")
    write(tmp_path, "hosts/web/etc/keepalived/keepalived.conf", "".join(f"@web {line}\n" for line in body.splitlines()))
    assert [r for r in check(tmp_path, select=["KA011"]) if r.code == "KA011"] == []


def test_ka003_fractional_advert_int_under_vrrp_v2_is_rounded(tmp_path):
    """vrrp.c (2.2.7): "VRRPv2 advertisement interval 1.500000s must be an integer. rounding"."""
    found = ka(tmp_path, instance("advert_int 1.5"), "KA003")
    assert len(found) == 1
    assert "keepalived rounds it to 2" in msg(found[0])


def test_ka003_fractional_advert_int_under_vrrp_v3_is_fine(tmp_path):
    assert ka(tmp_path, instance("version 3\nadvert_int 0.5"), "KA003") == []
    text = "global_defs {\n  vrrp_version 3\n}\n" + instance("advert_int 0.5")
    assert ka(tmp_path, text, "KA003") == []


def test_ka003_long_advert_int_under_vrrp_v3_is_capped(tmp_path):
    found = ka(tmp_path, instance("version 3\nadvert_int 60"), "KA003")
    assert len(found) == 1 and "keepalived uses 40.95" in msg(found[0])


def test_an_ipv6_instance_is_vrrp_v3_by_default(tmp_path):
    """vrrp.c (2.2.7), vrrp_complete_instance(): with no `version`, an IPv6 instance uses VRRPv3."""
    body = (
        "vrrp_instance V6 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 7\n  priority 100\n"
        "  advert_int 0.5\n  authentication {\n    auth_type PASS\n    auth_pass k3Jx9qLm\n  }\n"
        "  virtual_ipaddress {\n    2001:db8::10/64\n  }\n}\n"
    )
    assert ka(tmp_path, body, "KA003") == []
    found = ka(tmp_path, body, "KA008")
    assert len(found) == 1 and "uses VRRP version 3, which has no authentication" in msg(found[0])


def test_ka008_tracking_the_own_interface_with_a_weight(tmp_path):
    """keepalived 2.2.7 -t (exit 5): "(VI_1) Ignoring track_interface eth0 since own interface";
    halint simulate: the instance goes to FAULT when eth0 is down, whatever the weight."""
    found = ka(tmp_path, instance("priority 100\ntrack_interface {\n  eth0 weight -10\n  eth1 weight -10\n}"), "KA008")
    assert [at(r) for r in found] == [(6, 5)]
    assert "ignores `track_interface eth0` on `VI_1` because eth0 is the instance's own interface" in msg(found[0])
    assert "its weight -10 is ignored" in msg(found[0]) and "FAULT" in msg(found[0])


def test_ka008_tracking_the_own_interface_with_dont_track_primary(tmp_path):
    found = ka(tmp_path, instance("priority 100\ndont_track_primary\ntrack_interface {\n  eth0\n}"), "KA008")
    assert len(found) == 1 and "with dont_track_primary, eth0 going down never changes this instance" in msg(found[0])


def test_ka008_an_unweighted_own_interface_entry_says_what_keepalived_does(tmp_path):
    assert ka(tmp_path, instance("priority 100\ntrack_interface {\n  eth0\n}"), "KA008") == []
