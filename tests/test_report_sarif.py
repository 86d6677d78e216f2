"""--format sarif (halint/report/sarif.py): the document validates against the OASIS SARIF 2.1.0
schema (../shared/schemas, and the copy in tests/data/sarif-schema-2.1.0.json taken from
oasis-tcs/sarif-spec sarif-2.1/schema/sarif-schema-2.1.0.json at e0583813964e, so that the test
also runs without ../shared) for the LEIDOSCOPE example and for a tree holding every rule's bad
example; rule descriptors, regions, related locations; fingerprints that survive edits elsewhere
in the file; secrets that appear nowhere, not even hashed."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, SHARED, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from halint.core import registry
from halint.core.diagnostic import Diagnostic, Reported, Severity
from halint.engine.check import Options, run
from halint.report import json as json_report
from halint.report import sarif
from halint.core.source import Source, Span

COPY = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
SHARED_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
LEIDOSCOPE = ROOT / "examples" / "leidoscope"
RULES = registry.all_rules()


def _schema(which: str) -> dict:
    path = COPY if which == "copy" else SHARED_SCHEMA
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared schemas live beside the project (../shared)")
    return json.loads(path.read_text(encoding="utf-8"))


def _validate(doc: dict, which: str) -> None:
    schema = _schema(which)
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def _sarif(*paths: Path, root: Path, verbose: bool = False) -> dict:
    outcome = run(Options(paths=list(paths), verbose=verbose))
    return json.loads(sarif.render(outcome.reported, outcome.files, root, root))


def _results(doc: dict) -> list[dict]:
    return doc["runs"][0]["results"]


def test_the_copy_is_the_shared_schema():
    shared = _schema("shared")
    assert json.loads(COPY.read_text(encoding="utf-8")) == shared


@pytest.mark.parametrize("which", ["copy", "shared"])
def test_leidoscope_validates(which):
    doc = _sarif(LEIDOSCOPE, root=LEIDOSCOPE)
    _validate(doc, which)
    assert len(_results(doc)) > 0


def _every_bad_example(tmp_path: Path) -> list[Path]:
    """rules/<CODE>/bad of every rule, each in its own folder <CODE>/ (ZN004's over its git base)."""
    trees = []
    for code in RULES:
        src = ROOT / "rules" / code / "bad"
        if not src.is_dir():
            continue
        target = tmp_path / code
        base = ROOT / "rules" / code / "base"
        if base.is_dir():
            if shutil.which("git") is None:
                continue
            shutil.copytree(base, target)
            env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                   "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(target),
                   "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
            for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "base"]):
                subprocess.run(["git", *args], cwd=target, check=True, capture_output=True, env=env)
        shutil.copytree(src, target, dirs_exist_ok=True)
        trees.append(target)
    return trees


@pytest.fixture(scope="module")
def every_rule(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("every-rule")
    trees = _every_bad_example(tmp)
    return tmp, trees, _sarif(*trees, root=tmp, verbose=True)  # HL004 shows only with --verbose


@pytest.mark.parametrize("which", ["copy", "shared"])
def test_every_rule_firing_validates(every_rule, which):
    _, _, doc = every_rule
    _validate(doc, which)


def test_every_rule_fires_in_its_own_folder(every_rule):
    tmp, trees, doc = every_rule
    fired = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].split("/")[0])
             for r in _results(doc)}
    from halint.rules import REGISTRY

    missing = [t.name for t in trees if t.name in REGISTRY and (t.name, t.name) not in fired]
    assert missing == []
    assert all("uriBaseId" in r["locations"][0]["physicalLocation"]["artifactLocation"] for r in _results(doc))


def test_rule_descriptors(every_rule):
    _, _, doc = every_rule
    driver = doc["runs"][0]["tool"]["driver"]
    assert driver["name"] == "halint" and driver["version"] and driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    for descriptor in driver["rules"]:
        meta = RULES[descriptor["id"]]
        assert descriptor["name"] == meta.slug
        assert descriptor["shortDescription"]["text"] == meta.summary
        assert descriptor["fullDescription"]["text"] == meta.what
        assert meta.why in descriptor["help"]["text"]
        assert descriptor["help"]["markdown"].startswith(f"# {meta.code} {meta.slug}")
        assert descriptor["helpUri"].endswith(f"/docs/rules/{meta.code}.md")
        assert descriptor["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning", "info": "note"}[meta.severity.label]
    for result in _results(doc):
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["partialFingerprints"]["primaryLocationLineHash"]
    run_ = doc["runs"][0]
    assert run_["columnKind"] == "unicodeCodePoints"
    assert run_["invocations"][0]["executionSuccessful"] is True


def test_results_match_the_json_report():
    """Same findings, same places (1-based, end exclusive) as --format json."""
    outcome = run(Options(paths=[LEIDOSCOPE]))
    plain = json.loads(json_report.render(outcome.reported, outcome.files, LEIDOSCOPE))["diagnostics"]
    doc = json.loads(sarif.render(outcome.reported, outcome.files, LEIDOSCOPE, LEIDOSCOPE))
    assert len(plain) == len(_results(doc))
    for d, r in zip(plain, _results(doc)):
        loc = r["locations"][0]["physicalLocation"]
        # the SARIF message is the finding's message and, after a blank line, its note
        assert (r["ruleId"], r["message"]["text"]) == (d["code"], d["message"] + (f"\n\n{d['note']}" if d["note"] else ""))
        assert loc["artifactLocation"]["uri"] == d["path"]
        assert loc["region"] == {"startLine": d["line"], "startColumn": d["column"],
                                 "endLine": d["end_line"], "endColumn": d["end_column"]}
        related = r.get("relatedLocations", [])
        assert [(x["id"], x["message"]["text"], x["physicalLocation"]["artifactLocation"]["uri"],
                 x["physicalLocation"]["region"]["startLine"]) for x in related] == \
               [(i, x["message"], x["path"], x["line"]) for i, x in enumerate(d["related"])]


def test_cross_file_finding_has_related_locations():
    doc = _sarif(LEIDOSCOPE, root=LEIDOSCOPE)
    cross = [r for r in _results(doc) if any(
        x["physicalLocation"]["artifactLocation"]["uri"] != r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for x in r.get("relatedLocations", []))]
    assert cross, "LEIDOSCOPE has cluster findings (HA) that point at the peer's file"


def test_leidoscope_password_is_not_in_the_results():
    doc = _sarif(LEIDOSCOPE, root=LEIDOSCOPE)
    assert any(r["ruleId"] == "KA006" for r in _results(doc))
    # the rules' own documentation (help) shows KA006's example, whose password is 1234 too
    assert "1234" not in json.dumps(_results(doc))


KEEPALIVED = """\
vrrp_instance VI_1 {{
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    authentication {{
        auth_type PASS
        auth_pass {password}
        {stray}
    }}
    virtual_ipaddress {{
        192.0.2.10/24
    }}
}}
vrp_script chk_a {{
    script "/bin/true"
}}
vrp_script chk_a {{
    script "/bin/true"
}}
"""


def _tree(tmp_path: Path, password: str = "Zq9x", stray: str = "", prefix: str = "", suffix: str = "") -> Path:
    text = prefix + KEEPALIVED.format(password=password, stray=stray) + suffix
    write(tmp_path, "hosts/lb1/etc/keepalived/keepalived.conf", text)
    return tmp_path


def _prints(doc: dict) -> dict[tuple[str, str], str]:
    """(rule, message without line numbers) -> fingerprint."""
    import re

    return {(r["ruleId"], re.sub(r"lines? [0-9-]+", "", r["message"]["text"])):
            r["partialFingerprints"]["primaryLocationLineHash"] for r in _results(doc)}


def test_secret_never_appears_even_hashed(tmp_path):
    a = _sarif(_tree(tmp_path / "a", password="Zq9x", stray="Hx7Kp2"), root=tmp_path / "a")
    b = _sarif(_tree(tmp_path / "b", password="Wm3v", stray="Yt5Rn8"), root=tmp_path / "b")
    text = json.dumps(a)
    assert "Zq9x" not in text and "Hx7Kp2" not in text
    codes = {r["ruleId"] for r in _results(a)}
    assert "KA006" in codes
    # the fingerprints do not depend on the passwords: nothing of them is hashed
    assert _prints(a) == _prints(b)


def test_fingerprints_are_stable_and_distinct(tmp_path):
    tree = _tree(tmp_path)
    first, second = _sarif(tree, root=tree), _sarif(tree, root=tree)
    assert first == second
    ka002 = [r["partialFingerprints"]["primaryLocationLineHash"] for r in _results(first) if r["ruleId"] == "KA002"]
    assert len(ka002) == 2 and ka002[0] != ka002[1]  # identical lines: occurrence 1 and 2
    assert ka002[0].split(":")[0] == ka002[1].split(":")[0]
    assert [p.split(":")[1] for p in ka002] == ["1", "2"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    before=st.lists(st.sampled_from(["# a comment", "", "! another", "global_defs {\n    router_id lb1\n}"]), max_size=3),
    after=st.lists(st.sampled_from(["# trailing", "", "vrrp_script chk_b {\n    script \"/bin/false\"\n}"]), max_size=3),
)
def test_fingerprint_survives_edits_elsewhere(tmp_path_factory, before, after):
    base = _tree(tmp_path_factory.mktemp("base"))
    edited = _tree(tmp_path_factory.mktemp("edited"), prefix="".join(x + "\n" for x in before),
                   suffix="".join(x + "\n" for x in after))
    shift = sum(x.count("\n") + 1 for x in before)

    def at(doc: dict, shift: int) -> dict:
        out = {}
        for r in _results(doc):
            region = r["locations"][0]["physicalLocation"]["region"]
            out[(r["ruleId"], region["startLine"] - shift, region["startColumn"])] = r["partialFingerprints"]["primaryLocationLineHash"]
        return out

    original, changed = at(_sarif(base, root=base), 0), at(_sarif(edited, root=edited), shift)
    assert original
    for key, fingerprint in original.items():
        assert changed.get(key) == fingerprint, key


def test_uris_are_relative_and_encoded(tmp_path):
    write(tmp_path, "my hosts/lb 1/etc/keepalived/keepalived.conf", "vrp_script x {\n}\n")
    doc = _sarif(tmp_path, root=tmp_path)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in _results(doc)}
    assert uris == {"my%20hosts/lb%201/etc/keepalived/keepalived.conf"}
    _validate(doc, "copy")


def test_a_file_outside_the_root_gets_a_file_uri(tmp_path):
    tree = _tree(tmp_path / "tree")
    outcome = run(Options(paths=[tree]))
    doc = json.loads(sarif.render(outcome.reported, outcome.files, tmp_path / "elsewhere", tmp_path / "elsewhere"))
    location = _results(doc)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"].startswith("file:///") and "uriBaseId" not in location
    _validate(doc, "copy")


def test_no_findings_is_a_valid_log(tmp_path):
    doc = json.loads(sarif.render([], 0, tmp_path, tmp_path))
    _validate(doc, "copy")
    assert _results(doc) == [] and len(doc["runs"][0]["tool"]["driver"]["rules"]) == len(RULES)


def _reported(text: str, code: str = "IOS001", message: str = "a finding") -> Reported:
    source = Source(Path("/tree/routers/r1.ios"), text)
    return Reported(Diagnostic(code, message, Span(source, 0, 8)), "slug", Severity.WARNING)


def test_a_value_after_a_secret_keyword_is_not_hashed():
    root = Path("/tree")
    one = sarif.fingerprints([_reported("username admin password 0 cisco123\n")], root)
    other = sarif.fingerprints([_reported("username admin password 0 Other-pw9\n")], root)
    assert one == other
    user = sarif.fingerprints([_reported("username oper password 0 cisco123\n")], root)
    assert user != one  # the text before the keyword still counts
    spaced = sarif.fingerprints([_reported("username   admin password 0 cisco123  \r\n")], root)
    assert spaced == one  # whitespace is normalised
    assert sarif.fingerprints([_reported("username admin password 0 x\n", code="IOS002")], root) != one


def test_cli_writes_a_valid_log(tmp_path, monkeypatch, capsys):
    from halint.cli import main

    monkeypatch.chdir(ROOT)
    out = tmp_path / "halint.sarif"
    assert main(["check", "examples/leidoscope", "--format", "sarif", "--output", str(out)]) == 1
    doc = json.loads(out.read_text(encoding="utf-8"))
    _validate(doc, "copy")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in _results(doc)}
    assert all(u.startswith("examples/leidoscope/hosts/") or u.startswith("examples/leidoscope/routers/") for u in uris), uris
