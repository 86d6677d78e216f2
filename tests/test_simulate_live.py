"""`halint simulate` against the real keepalived in network namespaces (marked ``live``): the
seed in both versions, every tree of tests/scenarios (IPv4 and IPv6, 2-4 peers, sync groups, split
brains), and generated clusters of 2-3 peers (hypothesis, derandomized) over priorities with and
without ``priority``, positive, negative and zero weights, reverse, per-entry weight overrides,
rise/fall, nopreempt, preempt_delay, sync groups of one or two instances with and without
sync_group_tracking_weight (checks on either member or on the group), and equal priorities.

Every cluster is simulated in ONE batch, HALINT_LIVE_JOBS (default 8) at a time, each in its own
namespaces; the tests then read their part of it. HALINT_LIVE_EXAMPLES sets how many clusters
are generated (default 10; 50 or more on demand, at most 150).

Every disagreement is a finding about the failover calculus: it is fixed and the case kept here
as a regression test (FINDINGS). Skips with the reason when not root, without `ip` or keepalived,
or when network namespaces are not permitted.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT, write
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from halint.engine.check import Options, load_trees
from halint.inventory.build import build

pytestmark = pytest.mark.live

SEED = ROOT / "examples" / "leidoscope"
SCENARIOS = ROOT / "tests" / "scenarios"
EXAMPLES = min(int(os.environ.get("HALINT_LIVE_EXAMPLES", "10")), 150)  #: VRIDs index and 100 + index
JOBS = int(os.environ.get("HALINT_LIVE_JOBS", "8"))

#: every tree of tests/scenarios (2-4 peers; the bad ones include split brains: a VRID, VIP list
#: or advert_int that differs)
TREES = sorted(f"{d.parent.name}/{d.name}" for d in SCENARIOS.glob("*/*") if (d / "hosts").is_dir())


# -- generated clusters ---------------------------------------------------------------------------

WEIGHTS = st.one_of(st.sampled_from([None, 0, 10, -10, 60, -60, 253, -253]), st.integers(-253, 253))
#: None: no `priority` line (255 with state MASTER, else 100); ties and the ends of the range often
PRIORITIES = st.one_of(st.sampled_from([None, 1, 90, 100, 100, 150, 254, 255]), st.integers(1, 254), st.integers(80, 120))


def _instance(draw, suffix: str, vip: str) -> list[str]:
    state = draw(st.sampled_from(["MASTER", "BACKUP"]))
    priority = draw(PRIORITIES)
    lines = [f"vrrp_instance VI_{suffix} {{", f"    state {state}", "    interface eth0", f"    virtual_router_id {suffix}"]
    if priority is not None:
        lines.append(f"    priority {priority}")
    lines.append("    advert_int 1")
    if draw(st.booleans()):
        lines.append("    nopreempt")
    if draw(st.sampled_from([False, False, False, True])):
        lines.append("    preempt_delay 2")  # delays a takeover, never changes who ends up MASTER
    return lines + ["    virtual_ipaddress {", f"        {vip}", "    }"]


def _track(entries: list[str], indent: str = "    ") -> list[str]:
    return [f"{indent}track_script {{", *(f"{indent}    {e}" for e in entries), f"{indent}}}"] if entries else []


@st.composite
def peer_config(draw, group: str | None, members: int) -> str:
    """One peer's keepalived.conf, with @VRID@ / @VIP@ (and @VRID2@ / @VIP2@ for the second
    member of a sync group) left to fill in. Each script is tracked by one instance or by the
    sync group's own track_script block."""
    instances = [_instance(draw, "@VRID@", "@VIP@")]
    if members == 2:
        instances.append(_instance(draw, "@VRID2@", "@VIP2@"))
    places = list(range(members)) + (["group"] if group is not None else [])
    defs, entries = [], {place: [] for place in places}
    for n in range(draw(st.integers(0, 2))):
        weight = draw(WEIGHTS)
        body = [f'    script "/usr/bin/pidof svc{n}"', "    interval 2"]
        if weight is not None:
            body.append(f"    weight {weight}" + (" reverse" if draw(st.booleans()) else ""))
        body += [f"    rise {draw(st.integers(1, 2))}", f"    fall {draw(st.integers(1, 2))}"]
        defs.append("\n".join([f"vrrp_script chk_{n} {{", *body, "}"]))
        override = draw(st.one_of(st.none(), WEIGHTS.filter(lambda w: w is not None)))
        # a bare `weight N` keeps the script's reverse in keepalived 2.2.7 (test_an_override_*)
        reverse = draw(st.sampled_from(["", " reverse", " noreverse"]))
        entries[draw(st.sampled_from(places))].append(f"chk_{n}" + ("" if override is None else f" weight {override}{reverse}"))
    blocks = ["\n".join(lines + _track(entries[i]) + ["}"]) for i, lines in enumerate(instances)]
    text = "\n\n".join(defs + blocks) + "\n"
    if group is not None:
        names = ["VI_@VRID@"] + (["VI_@VRID2@"] if members == 2 else [])
        body = ["    group {", *(f"        {n}" for n in names), "    }"]
        body += ["    sync_group_tracking_weight"] if group == "weight" else []
        body += _track(entries["group"])
        text += "\nvrrp_sync_group G@VRID@ {\n" + "\n".join(body) + "\n}\n"
    return text


@st.composite
def cluster_templates(draw) -> tuple[str, ...]:
    """2 peers, or 3 (one in four: the namespaces are then joined by a bridge); a sync group of
    one instance, or of two (two VIPs and VRIDs: the group moves as one)."""
    group = draw(st.sampled_from([None, None, "weight", "plain"]))
    members = draw(st.sampled_from([1, 2])) if group is not None else 1
    count = draw(st.sampled_from([2, 2, 2, 3]))
    return tuple(draw(peer_config(group, members)) for _ in range(count))


def generated(count: int) -> list[tuple[str, ...]]:
    """``count`` clusters drawn by hypothesis (derandomized: the same ones every run)."""
    drawn: list[tuple[str, str]] = []

    @settings(max_examples=2 * count + 5, derandomize=True, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(cluster_templates())
    def collect(templates):
        if len(drawn) < count and templates not in drawn:
            drawn.append(templates)

    collect()
    return drawn


def cluster_hosts(templates: tuple[str, ...], index: int) -> dict[str, tuple[str, str]]:
    """Peers a<index>, b<index> (, c<index>) on 10.77.<index>.0/24 (.11, .12, .13) sharing VIP
    10.77.<index>.100 (VRID index) and, with a two-member sync group, 10.77.<index>.101 (VRID
    100 + index)."""
    net = f"10.77.{index}"

    def fill(text: str) -> str:
        return (text.replace("@VRID2@", str(100 + index)).replace("@VIP2@", f"{net}.101")
                .replace("@VRID@", str(index)).replace("@VIP@", f"{net}.100"))

    return {f"{side}{index}": (fill(text), f"{net}.{11 + i}") for i, (side, text) in enumerate(zip("abc", templates))}


def write_tree(root: Path, hosts: dict) -> Path:
    for host, (conf, address) in hosts.items():
        write(root, f"hosts/{host}/etc/keepalived/keepalived.conf", conf)
        write(root, f"hosts/{host}/etc/network/interfaces",
              f"auto eth0\niface eth0 inet static\n    address {address}\n    netmask 255.255.255.0\n")
    return root


# -- the findings (each a regression test now) -------------------------------------------------

TIE = """vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 61
    priority 100
    advert_int 1
    virtual_ipaddress {
        10.78.0.100
    }
}
"""
#: two address owners: the first to hear the other logs "CONFIGURATION ERROR: local instance and
#: a remote instance are both configured as address owner, please fix - reducing local priority"
OWNERS = TIE.replace("    priority 100\n", "").replace("state BACKUP", "state MASTER").replace("10.78.0", "10.79.0")
#: the vrrp_script says `weight 50 reverse`, the track_script entry `weight 30`: keepalived 2.2.7
#: keeps the script's reverse (a passes at 100 - 30 = 70 < b's 90: b holds the VIP); found here,
#: the calculus read the entry as +30 (a at 130) until it was fixed
INHERITED = TIE.replace("    track_script", "").replace("vrrp_instance", """vrrp_script chk {
    script "/usr/bin/pidof svc"
    weight 50 reverse
}

vrrp_instance""").replace("    }\n}\n", "    }\n    track_script {\n        chk weight 30\n    }\n}\n").replace("10.78.0", "10.80.0")
INHERITED_B = TIE.replace("priority 100", "priority 90").replace("10.78.0", "10.80.0")
#: track_interface on the instance's own interface: keepalived 2.2.7 ignores the entry ("Ignoring
#: track_interface eth0 since own interface") and the instance goes to FAULT whenever that interface
#: is down, whatever the weight; found here, the calculus lowered a from 120 to 110 >= b's 100 (a
#: kept the VIP) until it was fixed
OWN = TIE.replace("priority 100", "priority 120").replace("    }\n}\n", "    }\n    track_interface {\n        eth0 weight -10\n    }\n}\n").replace("10.78.0", "10.81.0")


def _synced(net: str, first: int, second: int, track: str = "", group_track: bool = False) -> str:
    """Two instances in one sync group (with sync_group_tracking_weight); ``track`` goes in the
    first; ``group_track``: chk in the group's own track_script block, without the option."""
    def instance(n: int, prio: int, extra: str) -> str:
        return (f"vrrp_instance VI_{n} {{\n    state BACKUP\n    interface eth0\n    virtual_router_id {n}\n"
                f"    priority {prio}\n    advert_int 1\n    virtual_ipaddress {{\n        {net}.{n}\n    }}\n{extra}}}\n")
    script = 'vrrp_script chk {\n    script "/usr/bin/pidof svc"\n    weight -60\n}\n\n' if track or group_track else ""
    option = "    track_script {\n        chk\n    }\n" if group_track else "    sync_group_tracking_weight\n"
    group = "vrrp_sync_group G {\n    group {\n        VI_101\n        VI_102\n    }\n" + option + "}\n"
    return script + group + "\n" + instance(101, first, track) + "\n" + instance(102, second, "")


#: a sync group whose first member alone tracks chk: when chk fails on a, a's first member drops to
#: 90 < b's 100, but b's second member still hears a's 150 and does not want MASTER, so b's group
#: cannot go MASTER (vrrp_sync_can_goto_master): the VIPs stay on a. The calculus moved the first VIP
#: to b until sync groups were modelled
ONE_MEMBER = (_synced("10.82.0", 150, 150, "    track_script {\n        chk\n    }\n"), _synced("10.82.0", 100, 100))
#: crossed priorities (a 150/100, b 120/130): b's last member times out first (its lowest priority
#: is the higher), so b holds both VIPs, though a has the top priority of the first
CROSSED = (_synced("10.83.0", 150, 100), _synced("10.83.0", 120, 130))


def _auth(net: str, secret: str, advert: int = 1) -> str:
    """PASS authentication (VRRPv2) with ``secret`` and ``advert`` seconds between adverts."""
    return TIE.replace("10.78.0", net).replace("    advert_int 1\n", f"    advert_int {advert}\n    authentication {{\n"
                                                 f"        auth_type PASS\n        auth_pass {secret}\n    }}\n")


#: what HA006 advises for ONE_MEMBER: the group's own track_script keeps its weight (even without
#: sync_group_tracking_weight) and applies it to every member, so the group moves
GROUP_TRACK = (_synced("10.84.0", 150, 150, group_track=True), _synced("10.84.0", 100, 100, group_track=True))
#: a sync group member with state MASTER and priority 90 against a nopreempt BACKUP at 100: if its
#: first down timer were shorter (vrrp_init_state has such a path for sync groups) it would take
#: the VIPs first and keep them; keepalived 2.2.7 times both out after 3 adverts, and b holds them
STATE_MASTER = (_synced("10.87.0", 90, 90).replace("state BACKUP", "state MASTER"),
                _synced("10.87.0", 100, 100).replace("    advert_int 1\n", "    advert_int 1\n    nopreempt\n"))
#: clusters without a VIP (issue 15): a multicast pair joined by its VRID on one subnet, tied at
#: 100; a unicast pair whose VRIDs differ. The simulation sees the MASTER by a witness address.
NO_VIP_TIE = TIE.replace("10.78.0", "10.88.0").replace("    virtual_ipaddress {\n        10.88.0.100\n    }\n", "")


def _unicast(net: str, vrid: int, me: str, peer: str) -> str:
    return (NO_VIP_TIE.replace("10.88.0", net).replace("virtual_router_id 61", f"virtual_router_id {vrid}")
            .replace("    advert_int 1\n", f"    advert_int 1\n    unicast_src_ip {net}.{me}\n    unicast_peer {{\n"
                     f"        {net}.{peer}\n    }}\n"))


FINDINGS = {"priority-100-tie": (TIE, "10.78.0"), "two-address-owners": (OWNERS, "10.79.0"),
            "no-vip-tie": (NO_VIP_TIE, "10.88.0"),
            "no-vip-vrid-differs": ((_unicast("10.89.0", 61, "11", "12"), _unicast("10.89.0", 62, "12", "11")), "10.89.0"),
            "override-keeps-reverse": ((INHERITED, INHERITED_B), "10.80.0"),
            "own-interface-tracked": ((OWN, TIE.replace("10.78.0", "10.81.0")), "10.81.0"),
            "sync-group-one-member-tracks": (ONE_MEMBER, "10.82.0"), "sync-group-crossed": (CROSSED, "10.83.0"),
            "sync-group-own-track": (GROUP_TRACK, "10.84.0"), "sync-group-state-master": (STATE_MASTER, "10.87.0"),
            "auth-pass-differs": ((_auth("10.85.0", "secret-1"), _auth("10.85.0", "secret-2")), "10.85.0"),
            "advert-int-differs": ((_auth("10.86.0", "same", 1), _auth("10.86.0", "same", 2)), "10.86.0")}


# -- the batch ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keepalived():
    from halint.simulate import Unavailable, preflight

    try:
        return preflight()
    except Unavailable as err:
        pytest.skip(str(err))


@pytest.fixture(scope="module")
def batch(keepalived, tmp_path_factory):
    """{group: [Result]} for "seed", each tree, "generated" (and the hosts written) and each finding."""
    from halint.simulate import plans, run_plans

    groups: dict[str, list] = {}

    def add(name: str, path: Path) -> None:
        inventories = [build(item.project) for item in load_trees(Options(paths=[path]), need_base=False)]
        groups[name] = plans(inventories)

    add("seed", SEED)
    for tree in TREES:
        if (SCENARIOS / tree).is_dir():
            add(tree, SCENARIOS / tree)
    hosts: dict = {}
    for index, templates in enumerate(generated(EXAMPLES), start=1):
        hosts.update(cluster_hosts(templates, index))
    add("generated", write_tree(tmp_path_factory.mktemp("generated"), hosts))
    for name, (conf, net) in FINDINGS.items():
        conf_a, conf_b = conf if isinstance(conf, tuple) else (conf, conf)
        add(name, write_tree(tmp_path_factory.mktemp(name), {"a": (conf_a, f"{net}.11"), "b": (conf_b, f"{net}.12")}))
    order = [(name, p) for name, group in groups.items() for p in group]
    # the longest first: more checks mean more steps
    order.sort(key=lambda item: -max((len(peer.checks) for peer in item[1].peers), default=0))
    results = run_plans([p for _, p in order], keepalived, jobs=JOBS)
    out: dict[str, list] = {name: [] for name in groups}
    for (name, _), result in zip(order, results):
        out[name].append(result)
    out["hosts"] = hosts
    return out


def _problems(results) -> list[str]:
    """Every disagreement (or failed run)."""
    out = []
    for result in results:
        where = f"{result.plan.label} ({result.plan.version})"
        if result.error and not result.error.startswith("not simulated"):
            out.append(f"{where}: {result.error}")
        for step in result.steps:
            if not step.agree:
                out.append(f"{where}: {step.scenario}: predicted {step.predicted}, observed {step.observed} ({step.why})")
    return out


def test_the_seed_agrees_in_both_versions(batch):
    effective, intended = sorted(batch["seed"], key=lambda r: r.plan.version)
    assert [(s.scenario, s.predicted, s.observed) for s in effective.steps] == [("all checks pass", "web2", "web2")]
    assert [(s.scenario, s.predicted, s.observed) for s in intended.steps] == [
        ("all checks pass", "web", "web"), ("chk_nginx fails on web", "web", "web"),
        ("chk_vsftpd fails on web", "web", "web"), ("chk_bind fails on web", "web", "web")]
    assert _problems(batch["seed"]) == []


def test_the_command_prints_the_seed_side_by_side(batch, monkeypatch, capsys):
    """The CLI on the seed, with the batch's results (the daemons already ran above)."""
    import halint.simulate as simulate
    from halint.cli import main

    results = sorted(batch["seed"], key=lambda r: r.plan.version)
    monkeypatch.setattr(simulate, "run_plans", lambda plans_, *a, **k: [
        next(r for r in results if r.plan.version == p.version) for p in plans_])
    assert main(["simulate", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "cluster 1: VIP 10.51.10.67, as keepalived runs it (web2 10.51.10.12/16)" in out
    assert "cluster 1: VIP 10.51.10.67, as intended (misspelt keywords corrected) (web 10.51.10.11/16, web2 10.51.10.12/16)" in out
    assert "  chk_nginx fails on web   web        web       agree" in out
    assert out.endswith("5 scenarios: 5 agree, 0 disagree\n")


def test_scenario_trees_agree(batch):
    results = [r for tree in TREES for r in batch.get(tree, [])]
    assert len(TREES) >= 30 and len(results) >= 30, "the scenario trees were not found"
    assert [r.plan.label for r in results if r.error] == []  # every one simulated (IPv6 too)
    assert any(r.plan.hearing for r in results), "no split brain among the bad trees"
    assert _problems(results) == []


def test_generated_clusters_agree(batch):
    results = batch["generated"]
    assert len(results) == EXAMPLES > 0
    assert any(len(r.plan.peers) == 3 for r in results) or EXAMPLES < 8, "no 3-peer cluster was generated"
    assert any(r.plan.mates for r in results) or EXAMPLES < 8, "no two-member sync group was generated"
    problems = _problems(results)
    names = {name for problem in problems for name in batch["hosts"] if f"10.77.{name[1:]}.100" in problem.split(":")[0]}
    configs = "\n".join(f"--- {name} ({batch['hosts'][name][1]})\n{batch['hosts'][name][0]}" for name in sorted(names))
    assert problems == [], "\n".join(problems) + "\n" + configs


@pytest.mark.parametrize("finding", ["priority-100-tie", "two-address-owners", "no-vip-tie"])
def test_a_tie_is_undecided(batch, finding):
    """Regression: the calculus gave equal priorities to the higher address (b); keepalived 2.2.7
    gives the VIP to whichever peer's down timer fires first (a BACKUP accepts an equal advert; two
    owners: the first to hear the other reduces its priority). Both a and b were seen winning."""
    [result] = batch[finding]
    step = result.steps[0]
    assert (step.predicted, step.agree) == ("a or b", True), f"observed {step.observed}"


def _namespaces(pid: int) -> list[str]:
    import subprocess

    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in listed.splitlines() if line.startswith(f"hl{pid}-")]


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_an_interrupted_run_tears_everything_down(keepalived, signame):
    import signal
    import subprocess
    import sys
    import time

    process = subprocess.Popen([sys.executable, "-m", "halint", "simulate", str(SEED)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while len(_namespaces(process.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _namespaces(process.pid), "the simulation never created its namespaces"
        time.sleep(1)  # the daemons are starting
        process.send_signal(getattr(signal, signame))
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    # 128 + the signal, as shells report it
    expected = (130, "halint: interrupted\n") if signame == "SIGINT" else (143, "halint: terminated\n")
    assert process.returncode == expected[0] and err.endswith(expected[1])
    assert _namespaces(process.pid) == []


def test_an_override_without_reverse_keeps_the_scripts_reverse(batch):
    """Regression: keepalived 2.2.7 keeps the vrrp_script's `reverse` when a track_script entry
    gives `weight N` without `reverse`/`noreverse` (a at 100 - 30 = 70 < b's 90)."""
    [result] = batch["override-keeps-reverse"]
    step = result.steps[0]
    assert (step.observed, step.predicted, step.agree) == ("b", "b", True), step.why


def test_tracking_the_own_interface_is_fault_whatever_the_weight(batch):
    """Regression: keepalived 2.2.7 ignores a track_interface entry naming the instance's own
    interface and goes to FAULT when that interface is down, whatever the weight."""
    [result] = batch["own-interface-tracked"]
    healthy, failing = result.steps
    assert (healthy.observed, healthy.agree) == ("a", True)
    assert (failing.scenario, failing.observed, failing.predicted, failing.agree) == ("eth0 fails on a", "b", "b", True), failing.why


def test_a_check_on_one_sync_group_member_does_not_move_the_group(batch):
    """Regression: a check tracked by one member of a sync group cannot move the group when the
    other member's peer does not want MASTER (vrrp_sync_can_goto_master)."""
    [result] = batch["sync-group-one-member-tracks"]
    healthy, failing = result.steps
    assert (healthy.observed, healthy.agree) == ("a", True)
    assert (failing.scenario, failing.predicted, failing.observed, failing.agree) == ("chk fails on a", "a", "a", True), failing.why


def test_the_sync_groups_own_track_script_moves_every_vip(batch):
    [result] = batch["sync-group-own-track"]
    healthy, failing = result.steps
    assert (healthy.observed, healthy.agree) == ("a", True)
    assert (failing.scenario, failing.predicted, failing.observed, failing.agree) == ("chk fails on a", "b", "b", True), failing.why


def test_crossed_sync_group_priorities_go_to_the_highest_lowest_member(batch):
    [result] = batch["sync-group-crossed"]
    [healthy] = result.steps
    assert (healthy.predicted, healthy.observed, healthy.agree) == ("b", "b", True), healthy.why


@pytest.mark.parametrize("finding", ["auth-pass-differs", "advert-int-differs", "no-vip-vrid-differs"])
def test_peers_that_reject_each_others_adverts_both_hold_the_vip(batch, finding):
    """A different auth_pass (its first 8 characters) or, in VRRPv2, advert_int: each peer discards
    the other's adverts (vrrp_check_packet), so both are MASTER."""
    [result] = batch[finding]
    [step] = result.steps
    assert result.plan.hearing and step.agree and step.observed.startswith("split: "), (step.predicted, step.observed)


def test_a_sync_group_state_master_does_not_start_first(batch):
    [result] = batch["sync-group-state-master"]
    [healthy] = result.steps
    assert (healthy.predicted, healthy.observed, healthy.agree) == ("b", "b", True), healthy.why
