"""The fuzz seed corpus: every input that ever crashed or hung halint, kept as a regression test.

tests/data/fuzz-seeds/<kind>/<name> (kind: keepalived, zone, named, ios-running, ios-changes,
interfaces, machine-id; see the README there). Each seed is put where a file of its kind sits in
a conventional tree and checked by the CLI in a child process (test_fuzz.run_isolated: the
engine's outcome checked too, a 120 s timeout, a memory limit): exit 0 or 1, no traceback,
every diagnostic inside its file.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from test_fuzz import ROUTER_R1, ZONE_MANIFEST, run_isolated, write_tree

SEEDS = Path(__file__).resolve().parent / "data" / "fuzz-seeds"
#: a seed's kind -> the tree it is checked in (its own bytes at the kind's conventional place)
PLACES = {
    "keepalived": lambda data: {"hosts/lb/etc/keepalived/keepalived.conf": data},
    "zone": lambda data: {"hosts/ns/etc/bind/db.example.com": data, "halint.toml": ZONE_MANIFEST},
    "named": lambda data: {"hosts/ns/etc/bind/named.conf": data},
    "ios-running": lambda data: {"routers/R1.ios": data},
    "ios-changes": lambda data: {"routers/R1.changes.ios": data, "routers/R1.ios": ROUTER_R1},
    "interfaces": lambda data: {"hosts/ns/etc/network/interfaces": data},
    "machine-id": lambda data: {"hosts/ns/etc/machine-id": data, "hosts/peer/etc/machine-id": data},
}
#: seeds are small: the minimized input, not the campaign's whole file
MAX_SEED_BYTES = 10 * 1024

SEED_FILES = sorted(p for p in SEEDS.rglob("*") if p.is_file() and p.parent != SEEDS)


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_the_seed_corpus_is_there_and_documented():
    assert (SEEDS / "README.md").is_file()
    assert SEED_FILES, f"no seed under {SEEDS}"


@pytest.mark.parametrize("seed", SEED_FILES, ids=_id)
def test_a_seed_is_small_and_of_a_known_kind(seed):
    assert seed.parent.name in PLACES, f"{_id(seed)}: kind folder must be one of {sorted(PLACES)}"
    assert seed.parent.parent == SEEDS, f"{_id(seed)}: seeds sit directly in their kind's folder"
    assert seed.stat().st_size <= MAX_SEED_BYTES, f"{_id(seed)}: {seed.stat().st_size} bytes; minimize it"


@pytest.mark.parametrize("seed", SEED_FILES, ids=_id)
def test_every_seed_gives_diagnostics_not_a_crash(tmp_path, seed):
    write_tree(tmp_path, PLACES[seed.parent.name](seed.read_bytes()))
    run_isolated(tmp_path).assert_clean(need_finding=False)
