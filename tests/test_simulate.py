"""`halint simulate` without root or keepalived: the plan (addresses, checks, names), the rewritten
keepalived.conf, reading `ip -j addr`, convergence, teardown with a fake runner, the CLI's exit 2.
The runs against the real daemon are in test_simulate_live.py."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import ROOT, write

from halint.cli import main
from halint.engine.check import Options, load_trees
from halint.inventory.build import build
from halint.simulate import Unavailable, estimate, parse_fail, plans, preflight
from halint.simulate.netns import CommandError, Lab
from halint.simulate.plan import IFACE, prefix
from halint.simulate.rewrite import render, statefile
from halint.simulate.run import converge, holder, parse_addresses, simulate

SEED = ROOT / "examples" / "leidoscope"


def _plans(path: Path, cluster=None):
    inventories = [build(item.project) for item in load_trees(Options(paths=[path]), need_base=False)]
    return plans(inventories, cluster)


def _conf(tmp_path: Path, host: str, text: str, address: str | None = None) -> None:
    write(tmp_path, f"hosts/{host}/etc/keepalived/keepalived.conf", text)
    if address is not None:
        write(tmp_path, f"hosts/{host}/etc/network/interfaces",
              f"auto eth0\niface eth0 inet static\n    address {address}\n    netmask 255.255.255.0\n")


RICH = """
vrrp_script chk_a {
    script "/usr/local/bin/check a"
    interval 5
    weight -30 reverse
    rise 3
    fall 2
}
vrrp_script chk_b {
    script "pidof b"
    weight 7
}
vrrp_sync_group G1 {
    group {
        VI_9
    }
    sync_group_tracking_weight
    track_script {
        chk_b weight 4
    }
}
vrrp_instance VI_9 {
    state BACKUP
    interface eth0
    virtual_router_id 9
    priority {prio}
    advert_int 2
    nopreempt
    preempt_delay 3
    unicast_src_ip {me}
    unicast_peer {
        {other}
    }
    virtual_ipaddress {
        192.0.2.50/24 dev eth0 label eth0:1
    }
    track_script {
        chk_a
        chk_b weight -12
    }
    track_interface {
        eth0 weight -5
        eth1
    }
    notify_master "/usr/local/bin/notify master"
}
"""


def _rich_tree(tmp_path: Path) -> Path:
    _conf(tmp_path, "n1", RICH.replace("{prio}", "150").replace("{me}", "192.0.2.11").replace("{other}", "192.0.2.12"), "192.0.2.11")
    _conf(tmp_path, "n2", RICH.replace("{prio}", "140").replace("{me}", "192.0.2.12").replace("{other}", "192.0.2.11"))
    return tmp_path


# -- the plan -------------------------------------------------------------------------------------


def test_the_seed_plans_both_versions_with_the_real_addresses():
    effective, intended = _plans(SEED)
    assert (effective.version, intended.version) == ("effective", "intended")
    assert [(p.name, str(p.address)) for p in effective.peers] == [("web2", "10.51.10.12/16")]
    assert [(p.name, str(p.address)) for p in intended.peers] == [("web", "10.51.10.11/16"), ("web2", "10.51.10.12/16")]
    assert [c.name for c in intended.peers[0].checks] == ["chk_nginx", "chk_vsftpd", "chk_bind"]
    assert intended.vips == ("10.51.10.67",) and intended.skipped is None
    # the calculus sees the simulated addresses (tie-breaks), nothing else changes
    assert [p.address for p in intended.calculus_peers] == ["10.51.10.11", "10.51.10.12"]
    assert intended.calculus_peers[0].base_priority == 100


def test_unknown_and_duplicate_addresses_get_free_ones_in_the_segment(tmp_path):
    conf = "vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 5\n priority %d\n virtual_ipaddress {\n 10.9.0.1\n }\n}\n"
    _conf(tmp_path, "a", conf % 100, "10.9.0.2")
    _conf(tmp_path, "b", conf % 90, "10.9.0.2")  # a cloned interfaces file
    _conf(tmp_path, "c", conf % 80)
    [p] = _plans(tmp_path)
    addresses = [str(peer.address.ip) for peer in p.peers]
    assert addresses[0] == "10.9.0.2"
    assert len(set(addresses)) == 3 and "10.9.0.1" not in addresses
    assert all(peer.address.network.prefixlen == 24 for peer in p.peers)
    assert "already used" in p.peers[1].note and "no address for c" in p.peers[2].note


def test_cluster_selection_by_vip_number_or_instance():
    assert len(_plans(SEED, "10.51.10.67")) == 2
    assert len(_plans(SEED, "1")) == 2
    assert len(_plans(SEED, "VI_1")) == 2
    assert _plans(SEED, "10.0.0.1") == [] and _plans(SEED, "2") == []


def test_unsupported_checks_skip_the_cluster(tmp_path):
    conf = ("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 5\n priority %d\n virtual_ipaddress {\n 10.9.0.1\n }\n"
            " track_process {\n nginx weight -20\n }\n}\nvrrp_track_process nginx {\n process nginx\n}\n")
    _conf(tmp_path, "a", conf % 100)
    _conf(tmp_path, "b", conf % 90)
    [p] = _plans(tmp_path)
    assert p.skipped == ("a tracks process nginx, which the simulation cannot drive (keepalived cannot follow "
                         "processes outside the initial network namespace)")


def test_names_are_unique():
    names = {prefix() for _ in range(50)}
    assert len(names) == 50 and all(n.startswith(f"hl{os.getpid()}-") for n in names)
    lab = Lab(None, "hlX-1", 3)
    assert len({lab.bridge, *(lab.namespace(i) for i in range(3))}) == 4


def test_time_bounds_cover_the_slowest_path(tmp_path):
    [p] = _plans(_rich_tree(tmp_path))
    assert (p.advert_int, p.rise, p.fall, p.preempt_delay) == (2.0, 3, 2, 3.0)
    # fall runs + the run in flight + down timer (3 adverts + skew) + preempt_delay + margin
    assert p.settle(p.fall) >= 2 + 4 * 2 + 3
    assert p.bound(p.fall) > p.settle(p.fall) + p.stable
    assert estimate([p], None, 1) >= p.estimate(3) > 0
    assert estimate([p, p], None, 2) == estimate([p], None, 1)


# -- the rewritten config -------------------------------------------------------------------------


def test_the_rewrite_keeps_what_decides_the_election(tmp_path):
    [p] = _plans(_rich_tree(tmp_path))
    n1 = p.peers[0]
    text = render(n1, Path("/run/st"), "hl1-1-0")
    for kept in ("virtual_router_id 9", "priority 150", "advert_int 2", "nopreempt", "preempt_delay 3",
                 "weight -30 reverse", "rise 3", "fall 2", "weight 7", "chk_b weight -12", "chk_b weight 4",
                 "sync_group_tracking_weight", "unicast_src_ip 192.0.2.11", "192.0.2.12", "192.0.2.50/24",
                 f"interface {IFACE}", f"{IFACE} weight -5", "router_id hl1-1-0", "enable_script_security",
                 "script_user root", "state BACKUP"):
        assert kept in text, kept
    for gone in ("notify", "eth0", "label", "/usr/local/bin", "pidof", "interval 5"):
        assert gone not in text, gone
    assert f'script "/usr/bin/test -f {statefile(Path("/run/st"), n1, "chk_a")}"' in text
    assert n1.check("eth1").device not in (None, IFACE, "eth1") and f"{n1.check('eth1').device}\n" in text


def test_priority_is_written_only_when_the_config_writes_it(tmp_path):
    conf = "vrrp_instance VI_1 {\n state MASTER\n interface eth0\n virtual_router_id 5\n%s virtual_ipaddress {\n 10.9.0.1\n }\n}\n"
    _conf(tmp_path, "a", conf % "")
    _conf(tmp_path, "b", conf % " priority 200\n")
    [p] = _plans(tmp_path)
    a, b = (render(peer, tmp_path, "x") for peer in p.peers)
    assert "priority" not in a and "priority 200" in b
    assert p.peers[0].peer.base_priority == 255


def _a_real_interface() -> str | None:
    net = Path("/sys/class/net")
    names = sorted(n.name for n in net.iterdir()) if net.is_dir() else []
    return next((n for n in names if n != "lo"), None)


#: what keepalived -t says about the rich tree's own choices (as it would about the original)
KNOWN_WARNINGS = ("tracked interface hlt", "Non-existent interface specified", "has only 1 virtual router",
                  "preempt_delay is incompatible with nopreempt", "since own interface")


SYNC = ROOT / "tests" / "scenarios" / "sync-group-tracking-weight" / "good"


def test_clusters_linked_by_a_sync_group_are_one_simulation():
    """fw1 and fw2 group VI_EXT (203.0.113.10) and VI_INT (10.30.0.1): one plan runs both
    instances in each namespace, with the group of both; the calculus gets the other as a Mate."""
    [p] = _plans(SYNC)
    assert p.vips == ("10.30.0.1", "203.0.113.10") and p.covers == (2,)
    assert p.label == "VIPs 10.30.0.1, 203.0.113.10 (one sync group)"
    [mate] = p.mates
    assert mate.label == "VIP 203.0.113.10" and mate.linked == {"fw1", "fw2"}
    fw1 = p.peers[0]
    assert [v.instance.name.text for v in fw1.views] == ["VI_INT", "VI_EXT"]
    assert [c.name for c in fw1.checks] == ["chk_conntrackd"]  # one state file: the script is the host's
    text = render(fw1, Path("/run/st"), "x")
    assert "    group {\n        VI_INT\n        VI_EXT\n    }\n" in text
    assert text.count("vrrp_instance ") == 2 and text.count(f"interface {IFACE}") == 2
    assert text.count("vrrp_script ") == 1
    # asking for the second cluster runs the same group
    [q] = _plans(SYNC, "203.0.113.10")
    assert q.vips == ("203.0.113.10", "10.30.0.1")


def test_a_sync_group_linking_only_some_peers_is_not_simulated(tmp_path):
    grouped = ("vrrp_sync_group G {\n group {\n VI_1\n VI_2\n }\n}\n"
               "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n priority %d\n virtual_ipaddress {\n 10.9.0.1\n }\n}\n"
               "vrrp_instance VI_2 {\n interface eth0\n virtual_router_id 2\n priority %d\n virtual_ipaddress {\n 10.9.0.2\n }\n}\n")
    _conf(tmp_path, "a", grouped % (150, 150), "10.9.0.11")
    _conf(tmp_path, "b", grouped.split("vrrp_instance", 1)[0].replace("G {", "H {").replace(" VI_2\n", "")
          + "vrrp_instance" + grouped.split("vrrp_instance", 1)[1] % (100, 100), "10.9.0.12")
    plans_ = _plans(tmp_path)
    assert [p.skipped for p in plans_] == [
        "the sync groups link VIP 10.9.0.2 to this cluster for only some peers: not simulated"]


@pytest.mark.parametrize("tree", ["seed", "rich", "sync"])
def test_keepalived_accepts_the_rewritten_config(tree, tmp_path):
    keepalived = shutil.which("keepalived") or ("/usr/sbin/keepalived" if os.path.exists("/usr/sbin/keepalived") else None)
    if keepalived is None:
        pytest.skip("keepalived is not installed: `keepalived -t` cannot check the rewrite")
    iface = _a_real_interface()
    if iface is None:
        pytest.skip("no network interface besides lo: keepalived -t needs the instance's interface to exist")
    todo = {"seed": lambda: _plans(SEED), "sync": lambda: _plans(SYNC),
            "rich": lambda: _plans(_rich_tree(tmp_path / "tree"))}[tree]()
    for plan in todo:
        for peer in plan.peers:
            text = render(peer, tmp_path, "hl-test").replace(IFACE, iface)
            conf = tmp_path / f"{plan.version}-{peer.index}.conf"
            conf.write_text(text, encoding="utf-8")
            done = subprocess.run([keepalived, "-t", "-f", str(conf)], capture_output=True, text=True, timeout=60)
            said = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
            if tree in ("seed", "sync"):
                assert done.returncode == 0 and said == [], (text, said)
            else:
                assert [line for line in said if not any(w in line for w in KNOWN_WARNINGS)] == [], text
                assert any("ignoring tracked script" in line for line in said) is False


# -- observation and convergence ------------------------------------------------------------------


def test_ip_json_addresses_are_read():
    text = json.dumps([{"ifname": "hl0", "addr_info": [
        {"family": "inet", "local": "10.51.10.11", "prefixlen": 16},
        {"family": "inet", "local": "10.51.10.67", "prefixlen": 32},
        {"family": "inet6", "local": "fe80::1", "prefixlen": 64}]}])
    assert parse_addresses(text) == {"10.51.10.11", "10.51.10.67", "fe80::1"}
    assert parse_addresses("") == set() and parse_addresses("[]") == set()


def test_the_holder_of_an_observation():
    assert holder((("10.0.0.1", ("a",)), ("10.0.0.2", ("a",)))) == "a"
    assert holder((("10.0.0.1", ()),)) is None
    assert holder((("10.0.0.1", ("a", "b")),)).startswith("split: 10.0.0.1 on a, b")
    assert holder((("10.0.0.1", ("a",)), ("10.0.0.2", ("b",)))).startswith("split: ")


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_convergence_waits_for_the_move_and_the_stable_window():
    clock = FakeClock()
    # b takes the VIP at t=4 (after a moment when both hold it), within the settle time
    def observe():
        t = clock.now
        who = ("a",) if t < 3.9 else ("a", "b") if t < 4.1 else ("b",)
        return (("10.0.0.1", who),)

    observation, done = converge(observe, settle=5, stable=3, bound=20, clock=clock, sleep=clock.sleep)
    assert done and holder(observation) == "b" and 7 <= clock.now < 7.6


def test_convergence_waits_the_settle_time_when_nothing_moves():
    clock = FakeClock()
    observation, done = converge(lambda: (("10.0.0.1", ("a",)),), settle=6, stable=3, bound=20, clock=clock, sleep=clock.sleep)
    assert done and holder(observation) == "a" and 6 <= clock.now < 6.5


def test_a_flapping_vip_is_not_converged():
    clock = FakeClock()
    observe = lambda: (("10.0.0.1", ("a",) if int(clock.now) % 2 else ("b",)),)  # noqa: E731
    observation, done = converge(observe, settle=1, stable=3, bound=10, clock=clock, sleep=clock.sleep)
    assert not done and 10 <= clock.now < 10.5


# -- teardown -------------------------------------------------------------------------------------


class FakeProcess:
    def __init__(self, pid):
        self.pid = pid
        self.alive = True

    def poll(self):
        return None if self.alive else 0


class FakeRunner:
    """Records commands; fails the one matching ``fail_on``."""

    def __init__(self, fail_on: str | None = None):
        self.commands: list[list[str]] = []
        self.killed: list[int] = []
        self.fail_on = fail_on

    def run(self, argv):
        self.commands.append(argv)
        if self.fail_on and self.fail_on in " ".join(argv):
            raise CommandError(f"{' '.join(argv)}: RTNETLINK answers: Operation not permitted")
        if "-j" in argv:
            return "[]"
        return ""

    def spawn(self, argv, log):
        self.commands.append(argv)
        return FakeProcess(1000 + len(self.commands))

    def kill(self, process, grace=3.0):
        process.alive = False
        self.killed.append(process.pid)


def _deleted(runner):
    return [c[3] for c in runner.commands if c[:3] == ["ip", "netns", "del"]]


def _added(runner):
    return [c[3] for c in runner.commands if c[:3] == ["ip", "netns", "add"]]


def test_a_failure_while_building_tears_down_what_was_made():
    runner = FakeRunner(fail_on="addr add")
    with pytest.raises(CommandError), Lab(runner, "hlT-1", 2) as lab:
        lab.create(["10.0.0.2/24", "10.0.0.3/24"])
    assert _added(runner) == ["hlT-1-br", "hlT-1-0"]
    assert _deleted(runner) == ["hlT-1-0", "hlT-1-br"]


def test_nothing_touches_the_default_namespace():
    runner = FakeRunner()
    with Lab(runner, "hlT-2", 3) as lab:
        lab.create(["10.0.0.2/24", "10.0.0.3/24", "10.0.0.4/24"])
    for argv in runner.commands:
        assert argv[:2] in (["ip", "-n"], ["ip", "netns"]), argv
    assert sorted(_deleted(runner)) == sorted(_added(runner))


def test_simulate_cleans_up_on_an_error_and_says_it(tmp_path):
    [_, intended] = _plans(SEED)
    runner = FakeRunner(fail_on="link set br0 up")
    result = simulate(intended, runner, tmp_path, "hlT-3", "/usr/sbin/keepalived")
    assert result.error and "Operation not permitted" in result.error and not result.agrees
    assert _deleted(runner) == ["hlT-3-br"]


def test_simulate_cleans_up_when_interrupted(tmp_path):
    [_, intended] = _plans(SEED)
    runner = FakeRunner()
    stop = threading.Event()
    stop.set()
    from halint.simulate.run import Interrupted

    with pytest.raises(Interrupted):
        simulate(intended, runner, tmp_path, "hlT-4", "/usr/sbin/keepalived", stop=stop)
    assert len(runner.killed) == 2  # both daemons
    assert sorted(_deleted(runner)) == sorted(_added(runner)) == ["hlT-4-0", "hlT-4-1", "hlT-4-br"]
    daemons = [c for c in runner.commands if c[:3] == ["ip", "netns", "exec"]]
    assert [c[3] for c in daemons] == ["hlT-4-0", "hlT-4-1"]
    assert all("-f" in c and "-P" in c and "-n" in c for c in daemons)


# -- the command ----------------------------------------------------------------------------------


def test_not_root_is_one_line_and_exit_2(capsys, monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert main(["simulate", str(SEED)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "needs root" in captured.err


def test_namespaces_not_permitted_is_unavailable():
    if shutil.which("ip") is None:
        pytest.skip("no `ip` command: preflight stops before trying a namespace")
    from halint.simulate import run as run_module

    if run_module.keepalived_path() is None:
        pytest.skip("keepalived is not installed: preflight stops before trying a namespace")
    with pytest.raises(Unavailable, match="network namespaces are not permitted"):
        preflight(FakeRunner(fail_on="netns add"), geteuid=lambda: 0)


def test_fail_arguments():
    assert parse_fail("chk_nginx@web") == ("chk_nginx", "web")
    assert parse_fail("a@b@web") == ("a@b", "web")
    with pytest.raises(ValueError):
        parse_fail("chk_nginx")


def test_only_the_cli_imports_the_simulation():
    import ast

    wrong = []
    for path in (ROOT / "halint").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("halint/simulate/") or rel == "halint/cli.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            wrong += [f"{rel} imports {n}" for n in names if n.startswith("halint.simulate")]
    assert wrong == []


def test_the_report_sets_predicted_beside_observed():
    from halint.simulate.report import render as report
    from halint.simulate.run import Result, Step

    [_, intended] = _plans(SEED)
    agree = Result(intended, [Step("all checks pass", "web", "web", True, "web holds the VIP: 133 > web2's 90"),
                              Step("chk_nginx fails on web", "web", "web2", False, "web keeps the VIP: 122 >= web2's 90")],
                   seconds=12.5)
    tie = Result(intended, [Step("all checks pass", "web or web2", "web", True, "web and web2 tie at 133")], error=None)
    text = report([agree, tie])
    assert "cluster 1: VIP 10.51.10.67, as intended (misspelt keywords corrected) (web 10.51.10.11/16, web2 10.51.10.12/16)" in text
    assert "  scenario                predicted  observed\n" in text
    assert "  chk_nginx fails on web  web        web2      DISAGREE\n" in text
    assert "  calculus for `chk_nginx fails on web`: web keeps the VIP: 122 >= web2's 90" in text
    assert "  all checks pass  web or web2  web       agree\n" in text
    assert "calculus for `all checks pass`" not in text  # explained only when they disagree
    assert text.endswith("3 scenarios: 2 agree, 1 disagree\n")
    assert report([]) == "no VRRP cluster to simulate\n"


def test_nothing_a_config_says_reaches_the_generated_config_unchecked(tmp_path):
    conf = ('vrrp_script chk;x {\n script "/bin/rm -rf /"\n weight 10\n}\n'
            'vrrp_instance VI=1|x {\n interface eth0\n virtual_router_id 5\n priority %d\n'
            ' authentication {\n auth_type PASS\n auth_pass s3cr3t-password\n }\n'
            ' unicast_peer {\n notify_master\n 10.9.0.3\n }\n virtual_ipaddress {\n 10.9.0.1\n }\n'
            ' track_script {\n chk;x\n }\n notify_master "/bin/rm -rf /"\n}\n')
    _conf(tmp_path, "a", conf % 100, "10.9.0.2")
    _conf(tmp_path, "b", conf % 90, "10.9.0.3")
    [p] = _plans(tmp_path)
    a, b = (render(peer, tmp_path, "x") for peer in p.peers)
    for text in (a, b):
        assert "rm -rf" not in text and "notify" not in text and "s3cr3t" not in text
        assert "VI=1|x" not in text and 'chk;x' not in text
        assert "        10.9.0.3\n" in text
    scripts_a = [line for line in a.splitlines() if line.startswith("vrrp_script ")]
    assert len(scripts_a) == 1 and scripts_a[0].split()[1] in a.split("track_script {")[1]
    # the same password gives the same stand-in on both peers
    assert [line for line in a.splitlines() if "auth_pass" in line] == [line for line in b.splitlines() if "auth_pass" in line]


def test_a_track_file_is_said_to_be_left_out(tmp_path):
    conf = ("vrrp_track_file state {\n file /run/ka-state\n}\n"
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 5\n priority %d\n"
            " virtual_ipaddress {\n 10.9.0.1\n }\n track_file {\n state weight 0\n }\n}\n")
    _conf(tmp_path, "a", conf % 100, "10.9.0.2")
    _conf(tmp_path, "b", conf % 90, "10.9.0.3")
    [p] = _plans(tmp_path)
    assert p.skipped is None and len(p.notes) == 2
    assert p.notes[0].startswith("a: track_file state is left out")
    assert "track_file" not in render(p.peers[0], tmp_path, "x")
