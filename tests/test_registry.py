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


# -- registration: the rule.toml files list the rules; each names its module by convention ------


def test_every_rule_folder_has_a_rule_toml():
    folders = [p for p in (ROOT / "rules").iterdir() if p.is_dir() and registry.CODE_RE.match(p.name)]
    assert folders
    assert [f"rules/{p.name}/" for p in folders if not (p / "rule.toml").is_file()] == []


def test_every_rule_has_its_module_and_the_module_declares_its_code():
    from halint.engine import suppress
    from halint.rules import REGISTRY

    rules = registry.all_rules()
    engine = {code for code, meta in rules.items() if meta.engine}
    assert engine == set(suppress.META)
    missing = [meta.module_path for code, meta in rules.items() if code not in engine and not (ROOT / meta.module_path).is_file()]
    assert missing == []
    assert set(REGISTRY) == set(rules) - engine
    for code, impl in REGISTRY.items():
        assert impl.scope == rules[code].scope


def test_no_rule_module_without_its_rule_toml():
    """A module named like a rule (``ka013_deprecated_keyword.py``) is some rule.toml's module."""
    import re

    expected = {meta.module_path for meta in registry.all_rules().values()}
    modules = [
        p.relative_to(ROOT).as_posix() for p in (ROOT / "halint" / "rules").rglob("*.py")
        if re.match(r"^[a-z]{2,3}[0-9]{3}_", p.name)
    ]
    assert modules and [m for m in modules if m not in expected] == []


def test_every_family_has_its_folder():
    for prefix, folder in registry.FAMILIES.items():
        assert (ROOT / "halint" / "rules" / folder / "__init__.py").is_file(), prefix


def test_scopes_are_format_names_tree_or_project():
    from halint.formats import formats

    names = {fmt.name for fmt in formats()}
    assert not names & {"tree", "project"}
    for code, meta in registry.all_rules().items():
        assert meta.scope in names | {"tree", "project"}, code
        if meta.family in ("KA", "ZN", "IOS"):
            assert meta.scope in names, code


def test_the_flags_say_what_the_engine_and_the_fix_loop_use():
    from halint.engine.check import NEEDS_BASE
    from halint.fix.loop import SYNTAX
    from halint.formats import formats

    assert NEEDS_BASE == {"ZN004", "HA013"}
    assert SYNTAX == {"KA001", "ZN001"}
    # each format's syntax-error code is a rule flagged as one, and the other way round
    assert SYNTAX == {fmt.syntax_code for fmt in formats() if fmt.syntax_code}


@pytest.fixture
def fake_rules(monkeypatch, tmp_path):
    """rules/ replaced by ``tmp_path`` (a copy of KA010's folder as KA010) for the registry, and
    an empty REGISTRY, so that registration can be broken on purpose."""
    import shutil

    from halint.rules import base

    shutil.copytree(ROOT / "rules" / "KA010", tmp_path / "KA010")
    monkeypatch.setattr(registry, "rules_root", lambda: tmp_path)
    monkeypatch.setattr(base, "REGISTRY", {})
    registry.all_rules.cache_clear()
    yield tmp_path
    registry.all_rules.cache_clear()


def test_a_folder_without_rule_toml_is_an_error_naming_it(fake_rules):
    (fake_rules / "KA099" / "bad").mkdir(parents=True)
    with pytest.raises(registry.MetadataError, match=r"^rules/KA099/ has no rule.toml"):
        registry.all_rules()


def test_a_rule_toml_without_its_module_is_an_error_naming_it(fake_rules):
    from halint.rules import base

    text = (fake_rules / "KA010" / "rule.toml").read_text(encoding="utf-8")
    (fake_rules / "KA099").mkdir()
    (fake_rules / "KA099" / "rule.toml").write_text(
        text.replace('code = "KA010"', 'code = "KA099"').replace('slug = "unused-script"', 'slug = "no-such-module"'),
        encoding="utf-8",
    )
    with pytest.raises(registry.MetadataError, match=r"rules/KA099/rule.toml: no module halint/rules/keepalived/ka099_no_such_module.py"):
        base.load()


def test_a_module_that_declares_another_code_is_an_error(fake_rules, monkeypatch):
    import sys
    import types

    from halint.rules import base

    text = (fake_rules / "KA010" / "rule.toml").read_text(encoding="utf-8")
    (fake_rules / "KA099").mkdir()
    (fake_rules / "KA099" / "rule.toml").write_text(
        text.replace('code = "KA010"', 'code = "KA099"').replace('slug = "unused-script"', 'slug = "wrong-code"'),
        encoding="utf-8",
    )
    name = "halint.rules.keepalived.ka099_wrong_code"
    monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(base._DECLARED, name, [("KA098", lambda unit, ctx: None)])
    with pytest.raises(registry.MetadataError, match=r"ka099_wrong_code.py declares KA098, not KA099"):
        base.load()


def test_the_command_line_says_a_broken_rules_folder_in_one_line(fake_rules, capsys):
    from halint.cli import main

    (fake_rules / "KA099").mkdir()
    assert main(["rules"]) == 2
    err = capsys.readouterr().err
    assert err == "halint: rules/KA099/ has no rule.toml (each rules/<CODE>/ folder declares one rule)\n"


def test_a_rule_reports_through_its_context_which_stamps_its_code():
    from halint.rules.base import Context

    ctx = Context("KA099")
    span = object()
    ctx.report("a message", span, severity_hint="warning", note="why it matters")
    [diag] = ctx.found
    assert (diag.code, diag.message, diag.span, diag.related, diag.fix, diag.severity_hint, diag.note) == (
        "KA099", "a message", span, (), None, "warning", "why it matters")


def test_a_misspelt_key_is_an_error_not_a_silent_default(fake_rules):
    path = fake_rules / "KA010" / "rule.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('scope = "keepalived"', 'scope = "keepalived"\nneeds-base = true'),
                    encoding="utf-8")
    with pytest.raises(registry.MetadataError, match=r"^rules/KA010/rule.toml: unknown key `needs-base`"):
        registry.all_rules()
