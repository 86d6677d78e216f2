"""The manifest (halint.toml, or [tool.halint] in pyproject.toml): every key of INTERFACE.md is
honoured, and anything else is exit 2 naming the key and the file."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check, write

from halint import cli
from halint.core.diagnostic import Severity
from halint.project.manifest import ManifestError, find, load

#: a keepalived.conf with one KA006 (auth_pass "1234") and one KA007 (no script security)
KA = """\
vrrp_script chk { script "/usr/bin/true" }
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    authentication { auth_type PASS
        auth_pass 1234 }
    virtual_ipaddress { 10.0.0.10/24 }
    track_script { chk }
}
"""


def codes(found):
    return sorted({r.code for r in found})


def test_every_documented_key_is_read(tmp_path):
    path = write(tmp_path, "halint.toml", """
select = ["KA", "ZN", "IOS", "HA"]
ignore = ["ZN006"]
severity = { KA006 = "error" }
exclude = ["archive/**"]
per-file-ignores = { "routers/lab-*.ios" = ["IOS003"] }
base = "origin/main"
[hosts.web]
files = ["web/keepalived.conf", "web/interfaces"]
[zones."leidoscope.com"]
files = ["dns/db.leidoscope.com"]
[services]
vsftpd = ["tcp/21"]
""")
    m = load(path, tmp_path)
    assert m.select == ("KA", "ZN", "IOS", "HA")
    assert m.ignore == ("ZN006",)
    assert m.severity == {"KA006": Severity.ERROR}
    assert m.exclude == ("archive/**",)
    assert m.per_file_ignores == {"routers/lab-*.ios": frozenset({"IOS003"})}
    assert m.base == "origin/main"
    assert m.host_of(tmp_path / "web" / "interfaces") == "web"
    assert m.origin_of(tmp_path / "dns" / "db.leidoscope.com") == "leidoscope.com."
    assert m.services == {"vsftpd": (("tcp", 21),)}


@pytest.mark.parametrize("text, needle", [
    ("ignroe = ['KA006']\n", "unknown key 'ignroe'"),
    ("[hosts.web]\nfile = ['x']\n", "hosts.web.'file'"),
    ("select = 'KA'\n", "'select' must be a list"),
    ("select = ['KX9']\n", "KX9"),
    ("severity = { KA006 = 'fatal' }\n", "fatal"),
    ("[services]\nvsftpd = ['21']\n", "PROTOCOL/PORT"),
    ("select = [\n", "invalid TOML"),
])
def test_a_bad_manifest_is_exit_2_naming_the_file_and_key(tmp_path, capsys, monkeypatch, text, needle):
    write(tmp_path, "halint.toml", text)
    write(tmp_path, "keepalived.conf", KA)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check", "."]) == 2
    err = capsys.readouterr().err
    assert "halint.toml" in err and needle in err
    assert "Traceback" not in err
    with pytest.raises(ManifestError):
        load(tmp_path / "halint.toml", tmp_path)


def test_pyproject_tool_halint_is_read_and_unknown_keys_rejected(tmp_path):
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n[tool.halint]\nignore = ['KA007']\n")
    write(tmp_path, "hosts/a/etc/keepalived/keepalived.conf", KA)
    assert find(tmp_path / "hosts") == tmp_path / "pyproject.toml"
    assert codes(check(tmp_path)) == ["KA006"]
    write(tmp_path, "pyproject.toml", "[tool.halint]\nignores = ['KA007']\n")
    with pytest.raises(ManifestError, match=r"pyproject.toml \[tool.halint\]: unknown key 'ignores'"):
        load(tmp_path / "pyproject.toml", tmp_path)


def test_a_pyproject_without_tool_halint_is_not_a_manifest(tmp_path):
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    assert find(tmp_path) is None


def test_the_search_stops_at_the_git_work_tree(tmp_path):
    write(tmp_path, "halint.toml", "ignore = ['KA']\n")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    assert find(tmp_path / "repo") is None
    assert find(tmp_path / "other") == tmp_path / "halint.toml"


def test_select_ignore_and_severity_apply(tmp_path):
    write(tmp_path, "hosts/a/etc/keepalived/keepalived.conf", KA)
    assert codes(check(tmp_path)) == ["KA006", "KA007"]
    write(tmp_path, "halint.toml", "select = ['KA006']\n")
    assert codes(check(tmp_path)) == ["KA006"]
    write(tmp_path, "halint.toml", "ignore = ['script-security']\nseverity = { KA006 = 'info' }\n")
    found = check(tmp_path)
    assert codes(found) == ["KA006"] and found[0].severity is Severity.INFO


def test_command_line_select_wins_and_ignore_adds(tmp_path, monkeypatch, capsys):
    write(tmp_path, "hosts/a/etc/keepalived/keepalived.conf", KA)
    write(tmp_path, "halint.toml", "select = ['KA006']\n")
    monkeypatch.chdir(tmp_path)
    cli.main(["check", ".", "--select", "KA007", "--format", "json"])
    assert '"KA007"' in capsys.readouterr().out
    write(tmp_path, "halint.toml", "ignore = ['KA006']\n")
    assert cli.main(["check", ".", "--ignore", "KA007"]) == 0


def test_exclude_and_per_file_ignores_are_relative_to_the_manifest(tmp_path):
    write(tmp_path, "hosts/a/etc/keepalived/keepalived.conf", KA)
    write(tmp_path, "archive/hosts/b/etc/keepalived/keepalived.conf", KA)
    assert len({r.diagnostic.span.source.path for r in check(tmp_path)}) == 2
    write(tmp_path, "halint.toml", 'exclude = ["archive/**"]\nper-file-ignores = { "hosts/a/**" = ["KA007"] }\n')
    found = check(tmp_path)
    assert {Path(r.diagnostic.span.source.path).parts[-5] for r in found} == {"hosts"}
    assert codes(found) == ["KA006"]


def test_config_option_names_the_manifest(tmp_path, monkeypatch, capsys):
    write(tmp_path, "hosts/a/etc/keepalived/keepalived.conf", KA)
    write(tmp_path, "elsewhere/strict.toml", "ignore = ['KA']\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check", ".", "--config", "elsewhere/strict.toml"]) == 0
    assert cli.main(["check", ".", "--config", "missing.toml"]) == 2
    assert "missing.toml" in capsys.readouterr().err


def test_manifest_hosts_give_identity_outside_the_conventional_layout(tmp_path):
    conf = KA.replace("state BACKUP", "@web state BACKUP\n    @other state MASTER")
    write(tmp_path, "web/keepalived.conf", conf)
    write(tmp_path, "halint.toml", '[hosts.web]\nfiles = ["web/keepalived.conf"]\n')
    outcome_hosts = {u.effective.host for u in _project(tmp_path).keepalived}
    assert outcome_hosts == {"web"}


def _project(root):
    from halint.engine.check import Options, run

    return run(Options(paths=[root])).projects[0]


def test_checking_the_manifest_checks_the_whole_tree(tmp_path, monkeypatch, capsys):
    """The pre-commit hook passes halint.toml when it changes: every file's findings may change."""
    write(tmp_path, "hosts/a/etc/keepalived/keepalived.conf", KA)
    write(tmp_path, "halint.toml", "ignore = ['KA007']\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check", "halint.toml", "--format", "json"]) == 1
    assert '"KA006"' in capsys.readouterr().out
