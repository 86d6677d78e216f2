"""The failover calculus (halint/inventory/failover.py): keepalived 2.2.7's priority arithmetic,
election and preemption, each rule checked against hand-computed rows (the arithmetic is in the
comment of each row), the LEIDOSCOPE cluster, and hypothesis properties (ranges, the holder is never
in FAULT, weight-0 failures always move the VIP, the crossing weight is the smallest that works,
and the closed form equals keepalived's incremental updates)."""
from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from halint.inventory.failover import (
    Check,
    Mate,
    Peer,
    adjustment,
    applied,
    effective_priority,
    elect,
    matrix,
)

BOUNDED = settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
SYNC = "sync group G1 without sync_group_tracking_weight"


def peer(base, *checks, **kw):
    return Peer(kw.pop("name", "p"), base, tuple(checks), **kw)


# -- effective priority: the arithmetic, clamping, reverse, weight 0, files ---------------------

PRIORITY_ROWS = [
    # (id, peer, failing, expected)
    ("base only", peer(100), set(), 100),  # 100
    ("positive passing", peer(100, Check("a", 11)), set(), 111),  # 100 + 11
    ("positive failing", peer(100, Check("a", 11)), {"a"}, 100),  # 100 + 0
    ("negative passing", peer(100, Check("a", -20)), set(), 100),  # 100 - 0
    ("negative failing", peer(100, Check("a", -20)), {"a"}, 80),  # 100 - 20
    ("mixed", peer(100, Check("a", 10), Check("b", 5), Check("c", -20), Check("d", -7)), {"b", "c"}, 90),
    # 100 + 10 (a passes) + 0 (b fails) - 20 (c fails) - 0 (d passes) = 90
    ("clamped high", peer(250, Check("a", 10)), set(), 254),  # 250 + 10 = 260 -> 254
    ("clamped low", peer(10, Check("a", -30)), {"a"}, 1),  # 10 - 30 = -20 -> 1
    ("high then back in range", peer(250, Check("a", 10), Check("b", -20)), {"b"}, 240),  # 250+10-20 = 240 (clamp once, at the end)
    ("reverse positive passing", peer(100, Check("a", 10, reverse=True)), set(), 90),  # 100 + 10 * -1
    ("reverse positive failing", peer(100, Check("a", 10, reverse=True)), {"a"}, 100),  # 100 + 0
    ("reverse negative failing", peer(100, Check("a", -10, reverse=True)), {"a"}, 110),  # 100 + (-10) * -1
    ("reverse negative passing", peer(100, Check("a", -10, reverse=True)), set(), 100),  # 100 + 0
    ("weight 0 passing", peer(100, Check("a", 0)), set(), 100),  # 100
    ("weight 0 failing", peer(100, Check("a", 0)), {"a"}, None),  # FAULT
    ("weight 0 reverse passing", peer(100, Check("a", 0, reverse=True)), set(), None),  # FAULT while it passes
    ("weight 0 reverse failing", peer(100, Check("a", 0, reverse=True)), {"a"}, 100),  # up while it fails
    ("fault wins over weights", peer(100, Check("a", 50), Check("b", 0)), {"b"}, None),  # FAULT
    ("interface negative down", peer(100, Check("eth1", -10, kind="interface")), {"eth1"}, 90),  # 100 - 10
    ("process positive up", peer(100, Check("nginx", 15, kind="process")), set(), 115),  # 100 + 15
    ("bfd negative down", peer(100, Check("b1", -5, kind="bfd")), {"b1"}, 95),  # 100 - 5
    ("file holding 0", peer(100, Check("f", -5, kind="file")), set(), 100),  # 100 + 0 * -5
    ("file holding 1, weight -5", peer(100, Check("f", -5, kind="file")), {"f"}, 95),  # 100 + 1 * -5
    ("file holding 1, weight 3", peer(100, Check("f", 3, kind="file")), {"f"}, 103),  # 100 + 1 * 3
    ("file weight -5 reverse", peer(100, Check("f", -5, True, "file")), {"f"}, 105),  # 100 + 1 * -5 * -1
    ("file status -254", peer(100, Check("f", -254, kind="file")), {"f"}, None),  # 1 * -254 <= -254: FAULT
    ("file status capped", peer(1, Check("f", 300, kind="file")), {"f"}, 254),  # 1 + min(300, 253) = 254
    ("file weight 0, non-zero", peer(100, Check("f", 0, kind="file")), {"f"}, None),  # FAULT
    ("file weight 0 reverse, zero", peer(100, Check("f", 0, True, "file")), set(), None),  # FAULT
    ("untracked failure", peer(100, Check("a", -20)), {"other"}, 100),  # a still passes: 100
]


@pytest.mark.parametrize("unit,failing,expected", [r[1:] for r in PRIORITY_ROWS], ids=[r[0] for r in PRIORITY_ROWS])
def test_effective_priority(unit, failing, expected):
    assert effective_priority(unit, frozenset(failing)) == expected


# -- weights ignored: address owner (255) and sync groups without sync_group_tracking_weight ----

IGNORED_ROWS = [
    ("owner, positive", peer(255, Check("a", 10)), {"a"}, 255),  # never changes
    ("owner, negative", peer(255, Check("a", -10)), {"a"}, 255),
    ("owner, weight 0", peer(255, Check("a", 0)), {"a"}, None),  # unweighted still FAULTs
    ("owner, file weight 1", peer(255, Check("f", 1, kind="file")), {"f"}, None),  # weight 1 -> 0: FAULT
    ("owner, file weight 5", peer(255, Check("f", 5, kind="file")), {"f"}, 255),  # dropped
    ("owner, process", peer(255, Check("n", -10, kind="process")), {"n"}, 255),  # kept, but the owner never moves
    ("owner, group weight", peer(255, Check("a", -10, via_group=True)), {"a"}, None),  # group weight cleared: FAULT
    ("sync, script passing", peer(100, Check("a", 10), weights_ignored=SYNC), set(), 100),  # dropped: 100
    ("sync, script failing", peer(100, Check("a", -10), weights_ignored=SYNC), {"a"}, 100),  # dropped: 100
    ("sync, script weight 0", peer(100, Check("a", 0), weights_ignored=SYNC), {"a"}, None),  # FAULT
    ("sync, interface down", peer(100, Check("eth1", -10, kind="interface"), weights_ignored=SYNC), {"eth1"}, None),
    # weight -> 0: FAULT on down
    ("sync, interface reverse up", peer(100, Check("eth1", 10, True, "interface"), weights_ignored=SYNC), set(), None),
    # weight -> 0, reverse kept: FAULT while up
    ("sync, file weight 1", peer(100, Check("f", 1, kind="file"), weights_ignored=SYNC), {"f"}, None),  # -> 0: FAULT
    ("sync, file weight -5", peer(100, Check("f", -5, kind="file"), weights_ignored=SYNC), {"f"}, 100),  # dropped
    ("sync, bfd", peer(100, Check("b", -10, kind="bfd"), weights_ignored=SYNC), {"b"}, 100),  # dropped
    ("sync, process", peer(100, Check("n", -10, kind="process"), weights_ignored=SYNC), {"n"}, 90),  # 2.2.7 keeps it: 100 - 10
    ("sync, group's own script", peer(100, Check("a", -10, via_group=True), weights_ignored=SYNC), {"a"}, 90),  # 100 - 10
]


@pytest.mark.parametrize("unit,failing,expected", [r[1:] for r in IGNORED_ROWS], ids=[r[0] for r in IGNORED_ROWS])
def test_weights_ignored(unit, failing, expected):
    assert effective_priority(unit, frozenset(failing)) == expected


def test_applied_says_what_keepalived_keeps():
    owner = peer(255)
    sync = peer(100, weights_ignored=SYNC)
    assert applied(owner, Check("a", 10)) is None
    assert applied(sync, Check("a", 10)) is None
    assert applied(sync, Check("eth1", 10, kind="interface")) == Check("eth1", 0, kind="interface")
    assert applied(peer(100), Check("a", 10)) == Check("a", 10)
    assert adjustment(Check("a", 10), failing=False) == 10


ORACLE_CONFIG = """\
vrrp_script chk_w {
    script "/bin/true"
    weight 10
}
vrrp_script chk_0 {
    script "/bin/true"
}
vrrp_track_file tf1 {
    file "%(tmp)s/tf1"
}
vrrp_track_file tf5 {
    file "%(tmp)s/tf5"
    weight 5
}
vrrp_track_process tp {
    process halint-no-such-process
    weight 7
}
vrrp_sync_group G1 {
    group {
        VI_S
        VI_T
    }
}
vrrp_instance VI_T {
    interface %(iface)s
    virtual_router_id 201
    priority 100
    virtual_ipaddress {
        192.0.2.201
    }
}
""" + "".join(f"""\
vrrp_instance {name} {{
    {head}
    interface %(iface)s
    virtual_router_id {vrid}
    virtual_ipaddress {{
        192.0.2.{vrid}
    }}
    track_interface {{
        lo weight 5
    }}
    track_script {{
        chk_w
        chk_0
    }}
    track_file {{
        tf1
        tf5
    }}
    track_process {{
        tp
    }}
}}
""" for name, head, vrid in [("VI_S", "priority 100", 202), ("VI_O", "state MASTER", 203), ("VI_P", "priority 90", 204)])
#: what keepalived -t says when vrrp_complete_instance drops a weighted tracker or zeroes its weight
IGNORING = re.compile(
    r"^\((?P<inst>VI_\w+)\) ignoring (?:(?P<if>\S+) tracked interface (?P<ifw>weight )?due"
    r"|tracked script (?P<sc>\S+) with weights|weight from tracked file (?P<f0>\S+) due"
    r"|tracked file (?P<fx>\S+) with weight)"
)
ORACLE_CHECKS = (Check("lo", 5, kind="interface"), Check("chk_w", 10), Check("chk_0", 0),
                 Check("tf1", 1, kind="file"), Check("tf5", 5, kind="file"), Check("tp", 7, kind="process"))


def _verdict(check: Check, kept: Check | None) -> str:
    return "dropped" if kept is None else "zeroed" if kept.weight != check.weight else "kept"


@pytest.mark.slow
def test_weights_ignored_agree_with_keepalived(tmp_path):
    """keepalived -t reports each weighted tracker it drops or turns into FAULT tracking on a sync
    group member (VI_S), on the address owner (VI_O: state MASTER without a priority), and none on
    a plain instance (VI_P); ``applied`` must say the same for every tracker kind."""
    if shutil.which("keepalived") is None:
        pytest.skip("keepalived not installed: .ci/run installs Debian's keepalived (apt-get install keepalived)")
    net = Path("/sys/class/net")
    interfaces = sorted(p.name for p in net.iterdir() if p.name != "lo") if net.is_dir() else []
    if not interfaces:
        pytest.skip("no network interface besides lo: keepalived -t needs one for a vrrp_instance")
    config = tmp_path / "keepalived.conf"
    config.write_text(ORACLE_CONFIG % {"tmp": tmp_path, "iface": interfaces[0]}, encoding="utf-8")
    proc = subprocess.run(["keepalived", "-t", "-f", str(config)], capture_output=True, text=True, timeout=60,
                          errors="replace", start_new_session=True)
    said = {}
    for line in (proc.stderr + proc.stdout).splitlines():
        match = IGNORING.match(line.strip())
        if match:
            name = match["if"] or match["sc"] or match["f0"] or match["fx"]
            zeroed = bool(match["ifw"] or match["f0"])
            said[match["inst"], name] = "zeroed" if zeroed else "dropped"
    assert said, f"keepalived -t reported no ignored tracker:\n{proc.stderr}"
    peers = {"VI_S": Peer("VI_S", 100, ORACLE_CHECKS, weights_ignored=SYNC),
             "VI_O": Peer("VI_O", 255, ORACLE_CHECKS, weights_ignored="priority 255"),
             "VI_P": Peer("VI_P", 90, ORACLE_CHECKS)}
    ours = {(inst, c.name): _verdict(c, applied(p, c)) for inst, p in peers.items() for c in ORACLE_CHECKS}
    theirs = {key: said.get(key, "kept") for key in ours}
    assert ours == theirs


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        Peer("p", 0, ())
    with pytest.raises(ValueError):
        Peer("p", 256, ())
    with pytest.raises(ValueError):
        Check("a", 1, kind="route")
    with pytest.raises(ValueError):
        elect([peer(100, name="a"), peer(90, name="a")])
    with pytest.raises(ValueError):
        elect([peer(100, name="a")], holder="b")


# -- the election (no holder yet) and preemption (a holder) --------------------------------------


def test_initial_election_highest_priority_wins_state_master_alone_does_not():
    # a: state MASTER at 100, b: BACKUP at 150: b discards a's adverts (150 > 100) and takes over
    out = elect([peer(100, name="a", state="MASTER"), peer(150, name="b")])
    assert out.holder == "b" and not out.moved
    assert out.describe() == "b holds the VIP: 150 > a's 100"


def test_initial_election_counts_the_healthy_checks():
    # a: 100 + 11 = 111; b: 105 + 0 = 105 -> a
    out = elect([peer(100, Check("x", 11), name="a"), peer(105, name="b")])
    assert out.holder == "a" and out.priority("a") == 111


TIE_ROWS = [
    # (id, address of a, address of b): whatever the addresses, a tie at the top is undecided
    ("numeric order", "10.0.0.9", "10.0.0.10"),
    ("ipv6", "2001:db8::a", "2001:db8::9"),
    ("one unknown", "10.0.0.1", None),
    ("mixed families", "10.0.0.1", "2001:db8::1"),
]


@pytest.mark.parametrize("addr_a,addr_b", [r[1:] for r in TIE_ROWS], ids=[r[0] for r in TIE_ROWS])
def test_a_tie_is_undecided_whatever_the_addresses(addr_a, addr_b):
    # both at 100: keepalived 2.2.7 gives the VIP to whichever down timer fires first (a BACKUP
    # accepts an equal advert); the address decides only between two MASTERs. halint simulate saw
    # a and b win the same tie in two runs (tests/test_simulate_live.py)
    out = elect([peer(100, name="a", address=addr_a), peer(100, name="b", address=addr_b)])
    assert out.holder is None and out.undecided == ("a", "b") and not out.lost


def test_state_master_does_not_break_a_tie():
    # vrrp_scheduler.c vrrp_init_state: a non-owner's state MASTER keeps the usual down timer
    out = elect([peer(100, name="a", state="MASTER"), peer(100, name="b")])
    assert out.undecided == ("a", "b")


def test_two_address_owners_are_undecided():
    # both take the VIP at once; the first to hear the other reduces its priority
    out = elect([peer(255, name="a"), peer(255, name="b")])
    assert out.undecided == ("a", "b")


def test_a_tie_below_the_top_does_not_matter():
    out = elect([peer(120, name="a"), peer(100, name="b"), peer(100, name="c")])
    assert out.holder == "a" and out.undecided == ()


def test_every_peer_in_fault_loses_the_vip():
    out = elect([peer(100, Check("x", 0), name="a"), peer(90, Check("x", 0), name="b")], {"a": frozenset("x"), "b": frozenset("x")})
    assert out.holder is None and out.lost
    assert out.describe() == "every peer is in FAULT: nobody holds the VIP"


PREEMPT_ROWS = [
    # (id, peers, failing, holder, new holder)
    ("equal priority: holder keeps", [peer(100, Check("x", -5), name="a"), peer(95, name="b", address="10.0.0.9")],
     {"a": {"x"}}, "a", "a"),  # a: 100 - 5 = 95, b 95: not strictly greater
    ("strictly greater takes over", [peer(100, Check("x", -6), name="a"), peer(95, name="b")],
     {"a": {"x"}}, "a", "b"),  # a: 94 < b 95
    ("nopreempt keeps a lower holder", [peer(100, name="a"), peer(120, name="b", nopreempt=True)],
     {}, "a", "a"),  # b 120 > a 100 but nopreempt
    ("nopreempt cleared by state MASTER", [peer(100, name="a"), peer(120, name="b", nopreempt=True, state="MASTER")],
     {}, "a", "b"),
    ("nopreempt cleared at priority 255", [peer(100, name="a"), peer(255, name="b", nopreempt=True)],
     {}, "a", "b"),
    ("holder FAULT beats nopreempt", [peer(100, Check("x", 0), name="a"), peer(90, name="b", nopreempt=True)],
     {"a": {"x"}}, "a", "b"),  # a FAULT: b's down timer expires
    ("holder FAULT: the highest expires first", [peer(130, Check("x", 0), name="a"), peer(120, name="b", nopreempt=True), peer(110, name="c")],
     {"a": {"x"}}, "a", "b"),  # skew (256 - 120) < (256 - 110): b first, c accepts 120 >= 110
    ("a preempting peer passes a nopreempt one", [peer(100, name="a"), peer(120, name="b", nopreempt=True), peer(110, name="c")],
     {}, "a", "c"),  # c 110 > a 100 preempts; b accepts c (nopreempt)
    ("the highest challenger wins", [peer(100, Check("x", -50), name="a"), peer(60, name="b"), peer(70, name="c")],
     {"a": {"x"}}, "a", "c"),  # a: 50; b 60 and c 70 both > 50: c
    ("a challenger's untracked check", [peer(100, Check("x", -50), name="a"), peer(60, Check("y", -30), name="b")],
     {"a": {"x"}, "b": {"x"}}, "a", "b"),  # b does not track x: 60 > a's 50
]


@pytest.mark.parametrize("peers,failing,holder,expected", [r[1:] for r in PREEMPT_ROWS], ids=[r[0] for r in PREEMPT_ROWS])
def test_preemption(peers, failing, holder, expected):
    out = elect(peers, {k: frozenset(v) for k, v in failing.items()}, holder=holder)
    assert out.holder == expected
    assert out.moved == (expected != holder)


def test_tied_challengers_are_undecided():
    # a drops to 50; b and c both at 70 > 50: both discard a's adverts and their timers expire together
    peers = [peer(100, Check("x", -50), name="a"), peer(70, name="b", address="10.0.0.2"), peer(70, name="c", address="10.0.0.3")]
    out = elect(peers, {"a": frozenset("x")}, holder="a")
    assert out.holder is None and out.undecided == ("b", "c") and out.moved
    assert out.describe() == ("the VIP leaves a (50); b and c tie at 70: the new holder is undecided (the first whose "
                              "down timer fires takes the VIP, and a BACKUP never preempts an equal priority)")


def test_a_holder_tied_with_a_challenger_keeps_the_vip():
    out = elect([peer(100, Check("x", -10), name="a"), peer(90, name="b", address="10.0.0.9")], {"a": frozenset("x")}, holder="a")
    assert out.holder == "a" and not out.moved


def test_outcome_sentences():
    keep = elect([peer(100, name="a"), peer(120, name="b", nopreempt=True)], holder="a")
    assert keep.describe() == "a keeps the VIP at 100: b (120) has nopreempt"
    move = elect([peer(100, Check("x", -6), name="a"), peer(95, name="b")], {"a": frozenset("x")}, holder="a")
    assert move.describe() == "the VIP moves from a (94) to b (95)"
    fault = elect([peer(100, Check("x", 0), name="a"), peer(95, name="b")], {"a": frozenset("x")}, holder="a")
    assert fault.describe() == "a goes to FAULT: the VIP moves to b (95)"


OUTCOME_SENTENCES = [
    # (id, peers, failing, holder, sentence)
    ("alone", [peer(100, name="a"), peer(90, Check("x", 0), name="b")], {"b": {"x"}}, None,
     "a holds the VIP at 100: no other peer can"),  # b FAULT
    ("undecided", [peer(100, name="a", address="10.0.0.1"), peer(100, name="b", address="10.0.0.2")], {}, None,
     "a and b tie at 100: the holder is undecided (the first whose down timer fires takes the VIP, and a BACKUP "
     "never preempts an equal priority)"),
    ("keeps", [peer(100, Check("x", -5), name="a"), peer(90, name="b")], {"a": {"x"}}, "a",
     "a keeps the VIP: 95 >= b's 90"),  # 100 - 5 = 95
    ("keeps alone", [peer(100, Check("x", -5), name="a"), peer(90, Check("y", 0), name="b")], {"a": {"x"}, "b": {"y"}}, "a",
     "a keeps the VIP at 95: no other peer can take it"),
]


@pytest.mark.parametrize("peers,failing,holder,sentence", [r[1:] for r in OUTCOME_SENTENCES], ids=[r[0] for r in OUTCOME_SENTENCES])
def test_outcome_sentence_rows(peers, failing, holder, sentence):
    out = elect(peers, {k: frozenset(v) for k, v in failing.items()}, holder=holder)
    assert out.describe() == sentence


# -- the matrix: each check failing alone on the healthy holder ----------------------------------


def leidoscope():
    web = Peer("web", 100, (Check("chk_nginx", 11), Check("chk_vsftpd", 11), Check("chk_bind", 11)),
               address="10.51.10.11", state="MASTER")
    web2 = Peer("web2", 90, (), address="10.51.10.12")
    return web, web2


def test_leidoscope():
    web, web2 = leidoscope()
    # healthy: web 100 + 11 + 11 + 11 = 133 > web2 90
    assert effective_priority(web) == 133
    m = matrix([web, web2])
    assert m.holder == "web"
    assert m.healthy.describe() == "web holds the VIP: 133 > web2's 90"
    # any one failure: 100 + 11 + 11 = 122 >= 90: no failover
    assert [(r.check.name, r.holder_priority, r.challenger, r.challenger_priority, r.moves) for r in m.rows] == [
        ("chk_nginx", 122, "web2", 90, False),
        ("chk_vsftpd", 122, "web2", 90, False),
        ("chk_bind", 122, "web2", 90, False),
    ]
    assert m.rows[0].describe() == "if chk_nginx fails on web, web stays at 122 >= web2's 90: the VIP never moves"
    assert len(m.unreachable) == 3
    # the fix: with the other two passing web sits at 122; 122 - 33 = 89 < 90 crosses the gap
    assert [r.crossing_weight for r in m.rows] == [-33, -33, -33]
    assert m.rows[0].fix_hint() == "weight -33 on web's chk_nginx would cross the gap"
    assert m.describe().splitlines()[1:] == [r.describe() for r in m.rows]
    # even all three failing: 100 > 90
    everything = frozenset({"chk_nginx", "chk_vsftpd", "chk_bind"})
    assert effective_priority(web, everything) == 100
    assert elect([web, web2], {"web": everything}, holder="web").holder == "web"


MATRIX_ROWS = [
    # (id, peers, check, moves, new holder or challenger, holder's priority, crossing weight, sentence)
    ("negative weight crosses", [peer(100, Check("chk", -20), name="web"), peer(90, name="web2")],
     "chk", True, "web2", 80, None,  # 100 - 20 = 80 < 90
     "if chk fails on web, web drops to 80 < web2's 90: the VIP moves to web2"),
    ("weight 0 is FAULT", [peer(100, Check("chk", 0), name="web"), peer(90, name="web2")],
     "chk", True, "web2", None, None,
     "if chk fails on web, web goes to FAULT: the VIP moves to web2 (90)"),
    ("symmetric positive weights", [peer(100, Check("a", 11), Check("b", 11), name="web"), peer(90, Check("a", 11), Check("b", 11), name="web2")],
     "a", True, "web2", 111, None,  # web 100 + 11 = 111 < web2 90 + 22 = 112
     "if a fails on web, web drops to 111 < web2's 112: the VIP moves to web2"),
    ("gap not crossed", [peer(100, Check("chk", -5), name="web"), peer(90, name="web2")],
     "chk", False, "web2", 95, -11,  # 100 - 5 = 95 >= 90; 100 - 11 = 89 < 90
     "if chk fails on web, web stays at 95 >= web2's 90: the VIP never moves"),
    ("nopreempt peer", [peer(100, Check("chk", -20), name="web"), peer(90, name="web2", nopreempt=True)],
     "chk", False, "web2", 80, None,  # 80 < 90 but web2 does not preempt; no weight helps
     "if chk fails on web, web drops to 80 < web2's 90, but web2 has nopreempt: the VIP never moves"),
    ("sync group ignores the weight", [peer(100, Check("chk", -20), name="web", weights_ignored=SYNC), peer(90, name="web2")],
     "chk", False, "web2", 100, None,  # dropped: 100 >= 90; a weight there would be dropped too
     f"if chk fails on web, web stays at 100: weights are ignored there ({SYNC}): the VIP never moves"),
    ("address owner ignores the weight", [peer(255, Check("chk", -100), name="web"), peer(200, name="web2")],
     "chk", False, "web2", 255, None,
     "if chk fails on web, web stays at 255: weights are ignored there (priority 255): the VIP never moves"),
    ("single peer, FAULT", [peer(100, Check("chk", 0), name="web")],
     "chk", True, None, None, None,
     "if chk fails on web, web goes to FAULT and no other peer can hold the VIP: the VIP is lost"),
    ("gap wider than any weight", [peer(254, Check("chk", -1), Check("b", 200), name="web"), peer(2, name="web2")],
     "chk", False, "web2", 254, None,  # rest = 254 + 200 = 454; 454 - 453 < 2 needs weight -453 < -253
     "if chk fails on web, web stays at 254 >= web2's 2: the VIP never moves"),
    ("no other peer", [peer(100, Check("chk", -5), name="web")],
     "chk", False, None, 95, None,
     "if chk fails on web, web stays at 95: no other peer can hold the VIP"),
    ("tied challengers", [peer(100, Check("chk", -50), name="web"), peer(70, name="b"), peer(70, name="c")],
     "chk", True, "b", 50, None,  # 50 < 70 = 70: the VIP leaves web for b or c
     "if chk fails on web, web drops to 50; b and c tie at 70: the new holder is undecided"),
    ("challenger at 1 can never win", [peer(100, Check("chk", -5), name="web"), peer(1, name="web2")],
     "chk", False, "web2", 95, None,  # web's floor is 1, never < 1
     "if chk fails on web, web stays at 95 >= web2's 1: the VIP never moves"),
]


@pytest.mark.parametrize("peers,name,moves,other,mine,crossing,sentence", [r[1:] for r in MATRIX_ROWS], ids=[r[0] for r in MATRIX_ROWS])
def test_matrix_rows(peers, name, moves, other, mine, crossing, sentence):
    (row,) = [r for r in matrix(peers).rows if r.check.name == name]
    assert row.moves == moves
    assert row.challenger == other
    assert row.holder_priority == mine
    assert row.crossing_weight == crossing
    assert row.describe() == sentence


def test_matrix_without_a_healthy_holder_has_no_rows():
    # both at 100: the healthy holder is undecided
    m = matrix([peer(100, Check("a", 0), name="a"), peer(100, name="b", address="10.0.0.1")])
    assert m.holder is None and m.healthy.undecided == ("a", "b") and m.rows == ()


def test_matrix_evaluates_only_the_holders_checks_once_each():
    m = matrix([peer(100, Check("x", -1), Check("x", -2, kind="interface"), name="a"), peer(90, Check("y", -1), name="b")])
    assert [r.check.name for r in m.rows] == ["x"]


# -- properties ----------------------------------------------------------------------------------

NAMES = ["a", "b", "c", "d"]
ADDRESSES = [None, "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.10"]

checks_st = st.builds(
    Check,
    name=st.sampled_from(NAMES),
    weight=st.one_of(st.just(0), st.integers(-254, 254)),
    reverse=st.booleans(),
    kind=st.sampled_from(["script", "script", "interface", "process", "bfd", "file"]),
    via_group=st.booleans(),
)


@st.composite
def peers_st(draw, weights=checks_st, size=(1, 4)):
    count = draw(st.integers(*size))
    out = []
    for i in range(count):
        checks = draw(st.lists(weights, max_size=4, unique_by=lambda c: c.name))
        out.append(Peer(
            f"p{i}", draw(st.one_of(st.integers(1, 255), st.integers(80, 120))), tuple(checks),
            nopreempt=draw(st.booleans()), address=draw(st.sampled_from(ADDRESSES)),
            weights_ignored=draw(st.sampled_from([None, None, SYNC])),
            state=draw(st.sampled_from(["BACKUP", "MASTER"])),
        ))
    return out


failing_st = st.dictionaries(st.sampled_from([f"p{i}" for i in range(4)]), st.frozensets(st.sampled_from(NAMES)))


@BOUNDED
@given(peers_st(), failing_st)
def test_priorities_stay_in_range_or_fault(peers, failing):
    for p in peers:
        prio = effective_priority(p, failing.get(p.name, frozenset()))
        if p.base_priority == 255:
            assert prio in (255, None)
        else:
            assert prio is None or 1 <= prio <= 254


@BOUNDED
@given(peers_st(), failing_st, st.data())
def test_the_holder_is_never_in_fault(peers, failing, data):
    holder = data.draw(st.sampled_from([None] + [p.name for p in peers]))
    out = elect(peers, failing, holder=holder)
    live = [n for n, prio in out.priorities if prio is not None]
    if not live:
        assert out.holder is None and out.lost
        return
    assert out.holder is not None or out.undecided
    if out.holder is not None:
        assert out.priority(out.holder) is not None
    if out.undecided:
        assert all(out.priority(n) is not None for n in out.undecided)


weight0_st = st.builds(Check, name=st.sampled_from(NAMES), weight=st.just(0),
                       kind=st.sampled_from(["script", "interface", "process", "bfd", "file"]))


@BOUNDED
@given(peers_st(weights=weight0_st, size=(2, 4)))
def test_a_weight_0_failure_on_the_holder_always_moves_the_vip(peers):
    m = matrix(peers)
    for row in m.rows:
        others = [n for n, prio in row.outcome.priorities if n != row.holder and prio is not None]
        assert row.holder_priority is None
        if others:
            assert row.moves and row.outcome.holder != row.holder


def _with_weight(peers, holder, name, weight):
    out = []
    for p in peers:
        if p.name == holder:
            checks = tuple(Check(c.name, weight, False, c.kind, c.via_group) if c.name == name else c for c in p.checks)
            p = Peer(p.name, p.base_priority, checks, p.nopreempt, p.address, p.weights_ignored, p.state)
        out.append(p)
    return out


@BOUNDED
@given(peers_st(size=(2, 4)))
def test_the_crossing_weight_is_the_smallest_that_moves_the_vip(peers):
    for row in matrix(peers).rows:
        if row.moves:
            assert row.crossing_weight is None
            continue
        failing = {row.holder: frozenset({row.check.name})}
        if row.crossing_weight is None:
            continue
        assert -253 <= row.crossing_weight <= -1
        moved = elect(_with_weight(peers, row.holder, row.check.name, row.crossing_weight), failing, holder=row.holder)
        assert moved.moved
        if row.crossing_weight < -1:
            weaker = elect(_with_weight(peers, row.holder, row.check.name, row.crossing_weight + 1), failing, holder=row.holder)
            assert not weaker.moved


@BOUNDED
@given(peers_st(size=(2, 4)), failing_st)
def test_the_winner_does_not_depend_on_the_order_of_the_peers(peers, failing):
    results = {elect(order, failing).holder for order in itertools.permutations(peers)}
    assert len(results) == 1


def _incremental(base, checks, history):
    """keepalived's own bookkeeping for weighted track_scripts (vrrp_track.c): the first result
    adds a positive weight if it passes, a negative one if it fails (weight * multiplier); each
    later change adds |weight| * multiplier on recovery and subtracts it on failure
    (process_script_update_priority); the effective priority clamps the total to 1..254
    (vrrp_set_effective_priority)."""
    total = base
    for check, states in zip(checks, history):
        multiplier = -1 if check.reverse else 1
        first, *rest = states
        if first and check.weight > 0 or not first and check.weight < 0:
            total += check.weight * multiplier
        previous = first
        for ok in rest:
            if ok != previous:
                total += abs(check.weight) * multiplier if ok else -abs(check.weight) * multiplier
            previous = ok
    return max(1, min(254, total))


@BOUNDED
@given(st.integers(1, 254), st.data())
def test_the_closed_form_equals_keepalived_incremental_updates(base, data):
    checks = data.draw(st.lists(st.builds(Check, name=st.sampled_from(NAMES), weight=st.integers(-253, 253).filter(bool),
                                          reverse=st.booleans()), max_size=4, unique_by=lambda c: c.name))
    history = [data.draw(st.lists(st.booleans(), min_size=1, max_size=6)) for _ in checks]
    failing = frozenset(c.name for c, states in zip(checks, history) if not states[-1])
    assert effective_priority(Peer("p", base, tuple(checks)), failing) == _incremental(base, checks, history)


# -- sync groups (Mate) ---------------------------------------------------------------------------
# Each verified with halint simulate against keepalived 2.2.7 (tests/test_simulate_live.py).


def _mate(*peers, linked=None, label="VIP 2"):
    return Mate(label, tuple(peers), frozenset(linked if linked is not None else (p.name for p in peers)))


def test_a_check_on_one_member_does_not_move_the_group():
    # sync_group_tracking_weight; chk only on this member: a drops to 90 < b's 100 here, but b's
    # member of VIP 2 accepts a's 150: b's group cannot go MASTER (vrrp_sync_can_goto_master)
    peers = [peer(150, Check("chk", -60), name="a"), peer(100, name="b")]
    m = matrix(peers, [_mate(peer(150, name="a"), peer(100, name="b"))])
    (row,) = m.rows
    assert not row.moves and row.outcome.held == (("b", "VIP 2"),)
    assert row.describe() == ("if chk fails on a, a drops to 90; b (100) would take over, but its sync group would not "
                              "move VIP 2: the VIP never moves")
    assert row.crossing_weight is None  # no weight on this entry alone moves the group


def test_a_check_on_every_member_moves_the_group():
    peers = [peer(150, Check("chk", -60), name="a"), peer(100, name="b")]
    m = matrix(peers, [_mate(peer(150, Check("chk", -60), name="a"), peer(100, name="b"))])
    assert m.rows[0].moves and m.rows[0].outcome.holder == "b"


def test_fault_spreads_through_the_group():
    # vrrp_sync_fault: chk (weight 0) fails on a's member of VIP 2: a's member here goes to FAULT too
    out = elect([peer(150, name="a"), peer(100, name="b")], {"a": frozenset({"chk"})}, holder="a",
                mates=[_mate(peer(150, Check("chk", 0), name="a"), peer(100, name="b"))])
    assert out.holder == "b" and out.priority("a") is None


def test_an_unlinked_peer_is_not_taken_to_fault():
    out = elect([peer(150, name="a"), peer(100, name="b")], {"a": frozenset({"chk"})}, holder="a",
                mates=[_mate(peer(150, Check("chk", 0), name="a"), peer(100, name="b"), linked={"b"})])
    assert out.holder == "a"


def test_crossed_priorities_go_to_the_highest_lowest_member():
    # a: 150 here, 100 there; b: 120 here, 130 there. Started together, b's last member times out
    # first (skew of 256 - 120 < 256 - 100): b holds both VIPs, though a is the highest here
    out = elect([peer(150, name="a"), peer(120, name="b")], mates=[_mate(peer(100, name="a"), peer(130, name="b"))])
    assert out.holder == "b"
    assert out.describe() == ("b holds the VIP at 120: its sync group goes MASTER first, as the lowest priority among "
                              "its members (120) is the highest of any peer's")


def test_equal_lowest_members_are_undecided():
    out = elect([peer(150, name="a"), peer(120, name="b")], mates=[_mate(peer(120, name="a"), peer(130, name="b"))])
    assert out.holder is None and out.undecided == ("a", "b")
