"""halint never executes anything a config names (scripts, notify hooks), never resolves a name
and never opens a network connection: statically (which modules may start a process, and only
git; what of `socket` is used) and at run time (every command on a tree whose scripts would
leave a mark, with process creation and the network switched off)."""
from __future__ import annotations

import ast
import os
import socket
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, write

from halint import cli

PACKAGE = ROOT / "halint"
#: the only modules that may start a process, and what they start
PROCESS_MODULES = {"halint/project/gitbase.py", "halint/engine/resultcache.py"}
#: `halint simulate`, and only it, starts `ip` and keepalived (on configs whose every script it
#: has replaced by a check of its own: tests/test_simulate.py); only the CLI imports it
SIMULATE = "halint/simulate/"
#: what of the socket module halint may use: address conversions, no I/O
SOCKET_NAMES = {"inet_pton", "inet_ntop", "AF_INET", "AF_INET6"}
NETWORK_MODULES = {"urllib.request", "http", "http.client", "ssl", "ftplib", "smtplib", "telnetlib", "requests"}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def test_only_git_is_ever_started():
    for rel, tree in _modules():
        imports = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imports |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not imports & NETWORK_MODULES, rel
        assert not imports & {"multiprocessing", "pty", "shlex.os"} or rel in PROCESS_MODULES, rel
        uses_process = "subprocess" in imports or any(
            isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "os"
            and (n.attr in ("system", "popen", "spawnv", "spawnvp", "fork", "posix_spawn") or n.attr.startswith("exec"))
            for n in ast.walk(tree)
        )
        if rel.startswith(SIMULATE):
            continue
        if rel not in PROCESS_MODULES:
            assert not uses_process, f"{rel} may start a process"
            continue
        # names bound to shutil.which("git") stand for git too
        git_names = {
            target.id
            for node in ast.walk(tree) if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call) and ast.unparse(node.value) == "shutil.which('git')"
            for target in node.targets if isinstance(target, ast.Name)
        }
        calls = 0
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("run", "Popen", "check_output"):
                calls += 1
                first = node.args[0] if node.args else None
                assert isinstance(first, ast.List) and first.elts, (rel, node.lineno)
                program = first.elts[0]
                assert (isinstance(program, ast.Constant) and program.value == "git") or (
                    isinstance(program, ast.Name) and program.id in git_names
                ), (rel, node.lineno)
        assert calls, f"{rel} is listed as starting git but does not"


def test_only_the_cli_reaches_simulate():
    for rel, tree in _modules():
        if rel.startswith(SIMULATE) or rel == "halint/cli.py":
            continue
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not any(name.startswith("halint.simulate") for name in names), rel


def test_socket_is_only_used_for_address_conversion():
    for rel, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "socket":
                assert node.attr in SOCKET_NAMES, (rel, node.lineno, node.attr)
            if isinstance(node, ast.ImportFrom) and node.module == "socket":
                assert {a.name for a in node.names} <= SOCKET_NAMES, rel


MARK = "halint-was-here"

#: every place a keepalived.conf names a command, each of which would leave a mark if run
KEEPALIVED = f"""\
global_defs {{
    notify_fifo /tmp/{MARK}.fifo
    notify_fifo_script "/bin/touch {{mark}}/fifo"
    script_user nobody
    enable_script_security
}}
vrrp_script chk {{
    script "/bin/touch {{mark}}/script"
    interval 2
    weight -20
}}
vrrp_instance VI_1 {{
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    virtual_ipaddress {{ 192.0.2.10/24 }}
    track_script {{ chk }}
    notify "/bin/touch {{mark}}/notify"
    notify_master "/bin/sh -c 'touch {{mark}}/master'"
    notify_backup /bin/touch {{mark}}/backup
    notify_fault "/bin/touch {{mark}}/fault"
}}
virtual_server 192.0.2.10 80 {{
    real_server 192.0.2.11 80 {{
        MISC_CHECK {{ misc_path "/bin/touch {{mark}}/misc" }}
    }}
}}
"""
ZONE = """\
$TTL 300
@ SOA ns1.resolve-me.example. hostmaster 2025010101 3600 900 1209600 300
@ NS ns1.resolve-me.example.
@ NS ns2.example.org.
www CNAME www.example.net.
mail MX 10 mx.example.net.
"""


@pytest.fixture
def sealed(monkeypatch):
    """No process but git, no name resolution, no connection."""
    real_popen = subprocess.Popen

    class OnlyGit(real_popen):
        def __init__(self, args, *a, **k):
            if not args or Path(str(args[0])).name != "git":
                raise AssertionError(f"halint started {args!r}")
            super().__init__(args, *a, **k)

    def refuse(*a, **k):
        raise AssertionError("halint tried to run a command or reach the network")

    monkeypatch.setattr(subprocess, "Popen", OnlyGit)
    monkeypatch.setattr(os, "system", refuse)
    monkeypatch.setattr(os, "posix_spawn", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--verbose"], ["check", "--format", "sarif"], ["fix", "--diff", "--unsafe"],
        ["show", "clusters"], ["compile", "--out", "{out}"],
    ],
    ids=["check", "sarif", "fix-diff", "show", "compile"],
)
def test_no_command_of_a_config_ever_runs(tmp_path, capsys, sealed, argv):
    mark = tmp_path / "marks"
    mark.mkdir()
    tree = tmp_path / "tree"
    write(tree, "hosts/lb1/etc/keepalived/keepalived.conf", KEEPALIVED.replace("{mark}", str(mark)))
    write(tree, "hosts/lb2/etc/keepalived/keepalived.conf",
          KEEPALIVED.replace("{mark}", str(mark)).replace("MASTER", "BACKUP").replace("150", "100"))
    write(tree, "hosts/lb1/etc/bind/db.example.com", ZONE)
    write(tree, "routers/R1.ios", "hostname R1\nip host resolve-me.example 192.0.2.99\nip nat inside source static 192.0.2.10 198.51.100.10\n")
    argv = [a.replace("{out}", str(tmp_path / "out")) for a in argv]
    command = argv[:2] if argv[0] == "show" else argv[:1]
    code = cli.main([*command, str(tree), *argv[len(command):]])
    assert code in (0, 1), capsys.readouterr()
    assert list(mark.iterdir()) == []
    assert not Path(f"/tmp/{MARK}.fifo").exists()
