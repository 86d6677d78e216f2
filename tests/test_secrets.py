"""No secret ever reaches an output: a tree full of distinctive secrets (keepalived auth_pass on
peers that disagree, a TSIG key in named.conf, IOS enable secret / user password / SNMP
community) is run through every command and format, and no secret appears in stdout or stderr."""
from __future__ import annotations

import pytest
from conftest import write

from halint.cli import main

SECRETS = ["Zq9Kx7AP", "Zq9Kx7BP", "c2VjcmV0VFNJR0tleQ==", "Mx81SecretIOS", "PlainIOSpw42", "CommStr1ng9"]

KA = """\
vrrp_script chk_nginx {{
    script "/usr/bin/pidof nginx"
    weight -20
}}
vrp_instance VI_1 {{
    state {state}
    interface eth0
    virtual_router_id 51
    priority {prio}
    authentication {{
        auth_type PASS
        auth_pass {secret}
    }}
    virtual_ipaddress {{
        10.0.0.100/24
    }}
    track_script {{
        chk_nginx
    }}
}}
"""

NAMED = """\
key "xfer" {
    algorithm hmac-sha256;
    secret "c2VjcmV0VFNJR0tleQ==";
};
zone "example.org" { type master; file "/etc/bind/db.example.org"; };
"""

ZONE = "$TTL 300\n@ IN SOA ns1 admin 1 3600 900 1209600 300\n@ IN NS ns1\nns1 IN A 10.0.0.1\nwww IN A 10.0.0.1\n"

IOS = """\
hostname R1
enable secret 5 Mx81SecretIOS
username admin privilege 15 password 0 PlainIOSpw42
snmp-server community CommStr1ng9 RO
interface GigabitEthernet0/0
 ip address 10.0.0.254 255.255.255.0
 ip nat inside
interface GigabitEthernet0/1
 ip address 198.51.100.2 255.255.255.0
 ip nat outside
ip nat inside source static tcp 10.0.0.1 80 198.51.100.2 80
"""


@pytest.fixture
def tree(tmp_path):
    # a misspelt auth_type right above auth_pass: its fix's diff context holds the password line
    master = KA.format(state="MASTER", prio=150, secret=SECRETS[0]).replace("auth_type PASS", "auth_typ PASS")
    write(tmp_path, "hosts/a/etc/keepalived/keepalived.conf", master)
    write(tmp_path, "hosts/b/etc/keepalived/keepalived.conf", KA.format(state="BACKUP", prio=100, secret=SECRETS[1]))
    write(tmp_path, "hosts/a/etc/network/interfaces", "auto eth0\niface eth0 inet static\n    address 10.0.0.1/24\n")
    write(tmp_path, "hosts/b/etc/network/interfaces", "auto eth0\niface eth0 inet static\n    address 10.0.0.2/24\n")
    write(tmp_path, "hosts/a/etc/bind/named.conf", NAMED)
    write(tmp_path, "hosts/a/etc/bind/db.example.org", ZONE)
    write(tmp_path, "routers/R1.ios", IOS)
    return tmp_path


COMMANDS = [
    ["check", "{t}", "--verbose"],
    ["check", "{t}", "--format", "json"],
    ["check", "{t}", "--format", "sarif"],
    ["check", "{t}", "--format", "github"],
    ["fix", "{t}", "--diff", "--unsafe-fixes"],
    ["fix", "{t}", "--diff", "--unsafe-fixes", "--format", "json"],
    ["show", "clusters", "{t}"],
    ["show", "clusters", "{t}", "--format", "json"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:1] + c[2:]))
def test_no_secret_in_any_output(tree, capsys, command):
    code = main([part.format(t=tree) for part in command])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert out  # something was printed: the test looks at real output
    for secret in SECRETS:
        assert secret not in out and secret not in err, (secret, command)


def test_the_tree_does_exercise_the_secret_findings(tree, capsys):
    """KA006 on both peers, HA002 between them, and a KA002 fix whose diff context holds the
    auth_pass line: the places a secret could leak are really produced."""
    main(["check", str(tree), "--format", "json"])
    out = capsys.readouterr().out
    for code in ("KA006", "HA002", "KA002"):
        assert f'"{code}"' in out, code
    main(["fix", str(tree), "--diff"])
    diff = capsys.readouterr().out
    assert "auth_pass <redacted>" in diff


def test_compile_and_fix_write_the_configs_themselves(tree, tmp_path, capsys):
    """The secrets stay in the files (they are the configuration), never in what is printed."""
    out_dir = tmp_path.parent / (tmp_path.name + "-out")
    code = main(["compile", str(tree), "-o", str(out_dir)])
    printed = capsys.readouterr()
    assert code in (0, 1), printed.err
    assert SECRETS[0] in (out_dir / "hosts/a/etc/keepalived/keepalived.conf").read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in printed.out and secret not in printed.err
