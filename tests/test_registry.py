"""The rule catalogue: every code of RULES.md is registered with its slug, severity and
fix safety; codes and slugs are unique; metadata is complete."""
from __future__ import annotations

import re

import pytest
from conftest import ROOT, SHARED

from halint.core import registry

ROW = re.compile(r"^\| (?P<code>[A-Z]{2,3}\d{3}) \| (?P<slug>[a-z0-9-]+) \| (?P<sev>\w+) \| (?P<fix>[^|]+) \|", re.MULTILINE)


#: a copy of ../shared/spec/RULES.md, so that this check runs without the shared folder too
CATALOGUE = ROOT / "tests" / "data" / "RULES.md"


def _catalogue() -> dict[str, dict]:
    return {m["code"]: m.groupdict() for m in ROW.finditer(CATALOGUE.read_text(encoding="utf-8"))}


def test_the_catalogue_copy_is_current():
    spec = SHARED / "spec" / "RULES.md"
    if not spec.is_file():
        pytest.skip(f"{spec} is absent: the product spec lives beside the project (../shared)")
    assert CATALOGUE.read_text(encoding="utf-8") == spec.read_text(encoding="utf-8"), (
        "tests/data/RULES.md differs from ../shared/spec/RULES.md: copy the spec again"
    )


#: rows the spec gained in December whose rules belong to issues still open: each must be
#: registered by the issue named, and leaves this table when it is (the test fails on a code
#: that is registered and still listed, and on a missing code that is not listed)
PENDING = {
    "KA012": "issue 17",
    "HA015": "issue 18", "HA016": "issue 18", "HA017": "issue 18", "HA018": "issue 17",
    "HA019": "issue 18", "HA020": "issue 18",
}


def test_pending_codes_are_in_the_catalogue_and_not_yet_registered():
    rules = registry.all_rules()
    assert set(PENDING) <= set(_catalogue())
    assert [code for code in PENDING if code in rules] == [], "registered: take it out of PENDING"


@pytest.mark.parametrize("family", ["KA", "HL", "ZN", "IOS", "HA"])
def test_every_code_of_the_family_is_registered(family):
    spec = {c: row for c, row in _catalogue().items() if c.startswith(family)}
    assert spec, f"no {family} rows found in RULES.md"
    rules = registry.all_rules()
    for code, row in spec.items():
        if code in PENDING:
            continue
        assert code in rules, f"{code} is not registered"
        meta = rules[code]
        assert meta.slug == row["slug"]
        assert meta.severity.label == row["sev"]
        assert meta.fix == row["fix"].split()[0], f"{code}: fix {meta.fix} vs {row['fix']}"


def test_codes_and_slugs_are_unique_and_well_formed():
    rules = registry.all_rules()
    slugs = [m.slug for m in rules.values()]
    assert len(set(slugs)) == len(slugs)
    for code, meta in rules.items():
        assert registry.CODE_RE.match(code)
        assert registry.SLUG_RE.match(meta.slug)
        assert meta.summary and meta.what and meta.why and meta.source
        assert meta.example_files("bad"), f"{code} has no bad example"
        assert meta.example_files("good"), f"{code} has no good example"
        if meta.fix != "none":
            assert meta.fix_text


def test_resolve_by_code_or_slug():
    assert registry.resolve("ka002").code == "KA002"
    assert registry.resolve("unknown-keyword").code == "KA002"
    assert registry.resolve("nope") is None


def test_selectors_expand_prefixes_and_slugs():
    assert registry.expand_selectors(["KA00"]) == {f"KA00{i}" for i in range(1, 10)}
    assert registry.expand_selectors(["weak-authentication", "HL001"]) == {"KA006", "HL001"}
    with pytest.raises(ValueError):
        registry.expand_selectors(["KX9"])
