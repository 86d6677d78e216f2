"""The benchmark inputs stay honest: the generated HA tree (benchmarks/tree.py) is a correct
configuration that halint checks without a warning or an error, it scales as asked, and
``benchmarks/run.py --quick`` runs every row. No timing is asserted anywhere."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, SHARED, check

BENCH = ROOT / "benchmarks"
SMALL = {"hosts": 20, "clusters": 10, "routers": 4, "zones": 2}


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"halint_bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


tree = _load("tree")


def _serious(reported):
    return [f"{r.diagnostic.code} {r.diagnostic.message}" for r in reported if r.severity.label != "info"]


@pytest.fixture(scope="module")
def small_tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench-tree")
    counts = tree.generate(root, **SMALL)
    return root, counts


def test_generated_tree_has_no_warning_or_error(small_tree):
    root, counts = small_tree
    assert _serious(check(root)) == []
    assert counts.files == sum(1 for p in root.rglob("*") if p.is_file())


def test_generated_tree_has_every_part(small_tree):
    root, _ = small_tree
    hosts = sorted(p.name for p in (root / "hosts").iterdir())
    assert len(hosts) == SMALL["hosts"]
    for host in hosts:
        etc = root / "hosts" / host / "etc"
        assert (etc / "keepalived" / "keepalived.conf").is_file()
        assert (etc / "network" / "interfaces").is_file()
    ids = [(root / "hosts" / h / "etc" / "machine-id").read_text() for h in hosts]
    assert len(set(ids)) == len(ids)
    assert len(list((root / "routers").glob("R[0-9][0-9][0-9].ios"))) == SMALL["routers"]
    assert list((root / "routers").glob("*.changes.ios"))
    zones = {p.name for p in root.glob("hosts/*/etc/bind/zones/db.*")}
    assert len(zones) == SMALL["zones"]
    assert "ip nat inside source static" in (root / "routers" / "R000.ios").read_text()


def test_the_clean_result_is_not_vacuous(small_tree, tmp_path):
    """A record moved from a VIP to a node's own address is found: halint really built the
    clusters, zones and routers of the generated tree."""
    root, _ = small_tree
    copy = tmp_path / "tree"
    shutil.copytree(root, copy)
    zone = sorted(copy.glob("hosts/*/etc/bind/zones/db.*"))[0]
    text = zone.read_text()
    vip_line = next(line for line in text.splitlines()[4:] if line.split()[2] == "A")
    node_line = vip_line.rsplit(".", 1)[0] + ".11"  # the cluster's first node
    zone.write_text(text.replace(vip_line + "\n", node_line + "\n", 1))
    found = _serious(check(copy))
    assert any(f.startswith("HA009 ") for f in found), found


def test_generation_is_seeded(tmp_path):
    sizes = {"hosts": 6, "clusters": 3, "routers": 2, "zones": 1}
    tree.generate(tmp_path / "a", **sizes, seed=5)
    tree.generate(tmp_path / "b", **sizes, seed=5)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)


def test_scale_two_doubles_the_tree(tmp_path):
    args = ["--hosts", "10", "--clusters", "5", "--routers", "2", "--zones", "1"]
    assert tree.main([str(tmp_path / "x1"), *args]) == 0
    assert tree.main([str(tmp_path / "x2"), *args, "--scale", "2"]) == 0
    one = list((tmp_path / "x1" / "hosts").iterdir())
    two = list((tmp_path / "x2" / "hosts").iterdir())
    assert (len(one), len(two)) == (10, 20)
    assert len(list((tmp_path / "x2" / "routers").glob("*[0-9].ios"))) == 4
    assert len({p.name for p in (tmp_path / "x2").glob("hosts/*/etc/bind/zones/db.*")}) == 2


@pytest.mark.parametrize("sizes", [
    {"hosts": 3, "clusters": 2},  # fewer than 2 nodes a cluster
    {"hosts": 2, "clusters": 0},
    {"hosts": 4, "clusters": 2, "routers": -1},
])
def test_impossible_sizes_are_refused(tmp_path, sizes):
    with pytest.raises(ValueError):
        tree.generate(tmp_path, **sizes)


def test_quick_run_prints_every_row():
    proc = subprocess.run([sys.executable, str(BENCH / "run.py"), "--quick", "--markdown"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert "halint benchmarks on " in out and "cores" in out
    rows = {line.split(" | ")[0].lstrip("| "): line for line in out.splitlines() if line.startswith("| ")}
    expected = {
        "hook: examples/leidoscope, cold": None,
        "hook: examples/leidoscope, warm": None,
        "zone, 2,000 records: time": "named-checkzone",
        "zone, 2,000 records: peak memory": "named-checkzone",
        "zone, 10,000 records: time": "named-checkzone",
        "zone, 10,000 records: peak memory": "named-checkzone",
        "keepalived.conf, 50 vrrp_instances + 50 virtual_servers (1262 lines), cold": "keepalived",
        "keepalived.conf, 50 vrrp_instances + 50 virtual_servers (1262 lines), warm": "keepalived",
    }
    for name, tool in expected.items():
        assert name in rows, (name, sorted(rows))
        line = rows[name]
        if tool is not None and shutil.which(tool) is None:
            assert f"skipped: {tool} not found" in line, line
        else:
            assert " s | " in line or " MiB | " in line, line
            assert "| met |" in line or "| missed by " in line or "| no goal |" in line, line
    trees = [name for name in rows if name.startswith("tree x")]
    assert [t.split(":")[0] for t in trees] == ["tree x1", "tree x2"]
    assert "20 hosts" in trees[0] and "40 hosts" in trees[1]
    assert all("findings" not in rows[t] for t in trees), [rows[t] for t in trees]
    corpus = [name for name in rows if name.startswith("shared corpus")]
    assert len(corpus) == 1
    if not (SHARED / "corpus" / "keepalived").is_dir():
        assert "skipped:" in rows[corpus[0]]
