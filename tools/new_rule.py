"""Write a new rule: its declaration, its module, its examples and its cases, and regenerate the docs.

    python tools/new_rule.py CODE SLUG [--family FOLDER] [--scope SCOPE] [--severity LEVEL]

e.g. ``python tools/new_rule.py KA014 vip-without-interface --family keepalived``. Writes:

    rules/<CODE>/rule.toml                        the one declaration (every field)
    rules/<CODE>/{bad,good,fixed}/                the executed examples (each with its halint.toml marker)
    halint/rules/<family>/<code>_<slug>.py        the module, registered from rule.toml
    tests/cases/<CODE>.toml                       small cases, run by tests/test_rule_cases.py

then runs tools/gen_docs.py (docs/rules/<CODE>.md and the README's rule table). Nothing else is
edited: ``halint rules`` lists the rule and the suite runs its examples and cases at once.

The rule it writes is a working example, a line that ends in spaces or tabs (with a safe fix),
over the files of its scope: replace the check, the text of rule.toml and the examples with the
rule's own. The family (the folder under halint/rules/) follows from the code's prefix;
``--family`` states it (the folder or the prefix). The scope defaults to the one the family's
rules use. A code of a new family needs its prefix in FAMILIES (halint/core/registry.py) and a
package halint/rules/<folder>/ first (CONTRIBUTING.md).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without halint installed
    sys.path.insert(0, str(ROOT))

from halint.core.registry import CODE_RE, FAMILIES, SLUG_RE  # noqa: E402
from halint.core.tomlcompat import tomllib  # noqa: E402

MARKER = """# The example tree of this rule: a tree of its own (halint reads it alone, not the repository
# around it). halint explain shows the other files of this folder.
"""

KEEPALIVED_CONF = """vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    virtual_ipaddress {
        192.0.2.10/24
    }
}
"""

ZONE = """$TTL 3600
@       IN SOA  ns1.example.com. hostmaster.example.com. (
                2025010101 ; serial
                3600       ; refresh
                900        ; retry
                1209600    ; expire
                300 )      ; negative-caching TTL
        IN NS   ns1
ns1     IN A    192.0.2.1
www     IN A    192.0.2.10
"""

ROUTER = """!
version 15.7
hostname R1
!
interface GigabitEthernet0/0
 description LAN web cluster 10.0.0.0/24 (VIP 10.0.0.10)
 ip address 10.0.0.254 255.255.255.0
 ip nat inside
!
interface GigabitEthernet0/1
 description WAN
 ip address 198.51.100.2 255.255.255.0
 ip nat outside
!
ip nat inside source static tcp 10.0.0.10 80 198.51.100.2 80 extendable
ip route 0.0.0.0 0.0.0.0 198.51.100.1
!
end
"""


def _peer(state: str, priority: int) -> str:
    return f"""vrrp_instance VI_WEB {{
    state {state}
    interface eth0
    virtual_router_id 51
    priority {priority}
    advert_int 1
    virtual_ipaddress {{
        10.20.0.10
    }}
}}
"""


def _interfaces(address: str) -> str:
    return f"""auto lo
iface lo inet loopback

auto eth0
iface eth0 inet static
    address {address}
    netmask 255.255.255.0
"""


CLUSTER = {
    "hosts/lb1/etc/keepalived/keepalived.conf": _peer("MASTER", 150),
    "hosts/lb1/etc/network/interfaces": _interfaces("10.20.0.11"),
    "hosts/lb2/etc/keepalived/keepalived.conf": _peer("BACKUP", 100),
    "hosts/lb2/etc/network/interfaces": _interfaces("10.20.0.12"),
}

#: the example check, over the lines of one ``source`` (indented where it goes)
LOOP = """for line in range(1, len(source.line_starts) + 1):
    start, end = source.line_span(line)
    kept = len(source.text[start:end].rstrip(" \\t"))
    if start + kept < end:
        span = Span(source, start + kept, end)
        ctx.report(
            f"this line ends in {end - start - kept} space(s) or tab(s)",
            span,
            fix=Fix((Edit(span, ""),), Safety.SAFE, "remove the spaces and tabs at the end of the line"),
        )"""


def _loop(indent: int) -> str:
    return "\n".join(" " * indent + line for line in LOOP.split("\n"))


#: per scope: what the rule gets (parameter, its import, words for the docs), how it reaches the
#: files it looks at, and the example tree (files, and the file and line the bad example spoils)
TEMPLATES = {
    "keepalived": {
        "param": "unit: KaUnit",
        "import": "from halint.formats.keepalived.model import KaUnit",
        "input": "each keepalived configuration (for each host, with the files it includes)",
        "body": "    for source in unit.effective.sources:\n" + _loop(8),
        "files": {"keepalived.conf": KEEPALIVED_CONF},
        "spoil": ("keepalived.conf", 5),
    },
    "zone": {
        "param": "unit: ZoneUnit",
        "import": "from halint.formats.zone.model import ZoneUnit",
        "input": "each zone file (with the files it includes)",
        "body": "    for source in unit.zone.sources:\n" + _loop(8),
        "files": {"hosts/ns/etc/bind/db.example.com": ZONE},
        "spoil": ("hosts/ns/etc/bind/db.example.com", 10),
    },
    "ios": {
        "param": "router: Router",
        "import": "from halint.formats.ios.model import Router",
        "input": "each router's running-config and change scripts",
        "body": "    for source in router.sources:\n" + _loop(8),
        "files": {"routers/R1.ios": ROUTER},
        "spoil": ("routers/R1.ios", 3),
    },
    "tree": {
        "param": "inv: Inventory",
        "import": "from halint.inventory.build import Inventory",
        "input": "the keepalived configurations of each VRRP cluster's peers (the inventory of the whole tree)",
        "body": (
            "    seen: set[int] = set()\n"
            "    for cluster in inv.clusters:\n"
            "        for node in cluster.nodes:\n"
            "            for source in node.unit.effective.sources:\n"
            "                if id(source) in seen:\n"
            "                    continue\n"
            "                seen.add(id(source))\n" + _loop(16)
        ),
        "files": CLUSTER,
        "spoil": ("hosts/lb1/etc/keepalived/keepalived.conf", 5),
    },
    "project": {
        "param": "project: Project",
        "import": "from halint.project.loader import Project",
        "input": "every file halint reads",
        "body": "    for source in project.all_sources():\n" + _loop(8),
        "files": {"keepalived.conf": KEEPALIVED_CONF},
        "spoil": ("keepalived.conf", 5),
    },
}

MODULE = '''"""{code} {slug}: {summary}

Written by tools/new_rule.py with an example check (a line that ends in spaces or tabs): replace
it with the rule's own. rules/{code}/rule.toml declares the rule (severity, fix, scope, docs),
rules/{code}/bad, good and fixed are its executed examples, tests/cases/{code}.toml its small cases.
"""
from __future__ import annotations

from halint.core.diagnostic import Edit, Fix, Safety
from halint.core.source import Span
{import_}
from halint.rules.base import Context, rule


@rule("{code}")
def check({param}, ctx: Context) -> None:
{body}
'''

RULE_TOML = """code = "{code}"
slug = "{slug}"
severity = "{severity}"
fix = "safe"  # none, safe (applied by `halint fix`) or unsafe (only with --unsafe-fixes)
fix_when = ""  # when the fix exists only in some cases: which ("" when it always does)
scope = "{scope}"  # what the check gets: a format's name (one call per file of it), tree or project
needs_base = false  # true: the rule compares with the git base version of the tree (--base)
syntax_error = false  # true: the rule says a file cannot be read (such a file is never fixed)
engine = false  # true only for the findings the engine makes itself (HL002, HL003)
summary = "{summary}"
what = '''
{what}
'''
why = '''
Whitespace at the end of a line is invisible in review and in a terminal, and an editor that trims
it turns an unrelated change into a diff of that line.
'''
fix_text = '''
Removes the spaces and tabs at the end of the line; nothing else of the file changes.
'''
source = '''
The example check of tools/new_rule.py: it claims nothing about how a daemon reads its files.
Name here, for the rule's own check, the source of each claim it makes (the daemon's source file
and function, the manual page, the RFC, the version checked).
'''
options = ""

[[expect]]
path = "{path}"
line = {line}
column = {column}
message_contains = ["ends in 2 space(s) or tab(s)"]
"""

CASES = """# Small cases of {code} {slug}, run by tests/test_rule_cases.py (its docstring says the format).

[[case]]
name = "a line that ends in spaces"
{bad_files}
expect = [{{path = "{path}", line = {line}, column = {column}, message_contains = ["ends in 2 space(s) or tab(s)"]}}]
fixed = {{{fixed}}}

[[case]]
name = "lines without trailing whitespace are clean"
{good_files}
expect_none = true
"""


class Refused(Exception):
    pass


def _rules(root: Path) -> dict[str, dict]:
    out = {}
    for path in sorted((root / "rules").glob("*/rule.toml")):
        out[path.parent.name] = tomllib.loads(path.read_text(encoding="utf-8"))
    return out


def _family(code: str, family: str | None) -> str:
    prefix = code[:-3]
    if prefix not in FAMILIES:
        raise Refused(
            f"{code}: no family {prefix} yet: add `\"{prefix}\": \"<folder>\"` to FAMILIES in halint/core/registry.py, "
            f"create the package halint/rules/<folder>/ (an __init__.py) and list it in pyproject.toml's packages"
        )
    folder = FAMILIES[prefix]
    if family is not None and family not in (folder, prefix):
        raise Refused(f"{code} belongs to the family {prefix}, whose folder is halint/rules/{folder}/, not {family!r}")
    return folder


def _scope(code: str, scope: str | None, rules: dict[str, dict]) -> str:
    if scope is None:
        used = Counter(t.get("scope") for c, t in rules.items() if c[:-3] == code[:-3] and not t.get("engine"))
        if not used:
            raise Refused(f"no {code[:-3]} rule yet to take the scope from: give --scope ({', '.join(TEMPLATES)})")
        scope = used.most_common(1)[0][0]
    if scope not in TEMPLATES:
        raise Refused(f"no example for the scope {scope!r} in tools/new_rule.py (it has {', '.join(TEMPLATES)})")
    return scope


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _files_table(files: dict[str, str]) -> str:
    """``files."path" = '''...'''`` lines of a [[case]] (a multi-line literal string drops its first newline)."""
    return "\n".join(f"files.{_toml_string(rel)} = '''\n{text}'''" for rel, text in files.items())


def plan(root: Path, code: str, slug: str, family: str | None, scope: str | None, severity: str) -> dict[Path, str]:
    """Every file to write (path -> text); :class:`Refused` when the rule cannot be added as asked."""
    if not CODE_RE.match(code):
        raise Refused(f"{code!r} is not a rule code (two or three capitals and three digits: KA014)")
    if not SLUG_RE.match(slug):
        raise Refused(f"{slug!r} is not a slug (lower-case words joined by -: vip-without-interface)")
    if severity not in ("error", "warning", "info"):
        raise Refused(f"--severity {severity!r}: error, warning or info")
    rules = _rules(root)
    if code in rules or (root / "rules" / code).exists():
        raise Refused(f"rules/{code}/ exists already: codes are forever, take the next free one")
    for other, table in rules.items():
        if table.get("slug") == slug:
            raise Refused(f"the slug {slug!r} is {other}'s")
    folder = _family(code, family)
    scope = _scope(code, scope, rules)
    template = TEMPLATES[scope]
    module = root / "halint" / "rules" / folder / f"{code.lower()}_{slug.replace('-', '_')}.py"
    cases = root / "tests" / "cases" / f"{code}.toml"
    for path in (module, cases):
        if path.exists():
            raise Refused(f"{path.relative_to(root).as_posix()} exists already")
    if not (module.parent / "__init__.py").is_file():
        raise Refused(f"no package halint/rules/{folder}/ (an __init__.py): create it first")

    spoiled, line = template["spoil"]
    good = dict(template["files"])
    lines = good[spoiled].split("\n")
    column = len(lines[line - 1]) + 1
    lines[line - 1] += "  "
    bad = {**good, spoiled: "\n".join(lines)}
    words = slug.replace("-", " ")
    summary = f"{words[0].upper()}{words[1:]} (for now the example check: a line that ends in spaces or tabs)"

    out: dict[Path, str] = {}
    base = root / "rules" / code
    out[base / "rule.toml"] = RULE_TOML.format(
        code=code, slug=slug, severity=severity, scope=scope, summary=summary, what=textwrap.fill(
            f"Reports each line of {template['input']} that ends in spaces or tabs, at the first of them. "
            "This is the example check that tools/new_rule.py writes: replace it, this text and the "
            "examples with the rule's own.", width=99),
        path=spoiled, line=line, column=column,
    )
    for kind, files in (("bad", bad), ("good", good), ("fixed", good)):
        out[base / kind / "halint.toml"] = MARKER
        for rel, text in files.items():
            out[base / kind / rel] = text
    out[module] = MODULE.format(
        code=code, slug=slug, summary=summary, import_=template["import"], param=template["param"], body=template["body"],
    )
    out[cases] = CASES.format(
        code=code, slug=slug, path=spoiled, line=line, column=column, bad_files=_files_table(bad),
        good_files=_files_table(good), fixed=f"{_toml_string(spoiled)} = {_toml_string(good[spoiled])}",
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("code", help="the rule's code, e.g. KA014 (codes are forever: never a retired one)")
    parser.add_argument("slug", help="the bad pattern in kebab-case, e.g. vip-without-interface")
    parser.add_argument("--family", help="the family's folder under halint/rules/ (or its prefix); checked against the code")
    parser.add_argument("--scope", help=f"what the check gets: {', '.join(TEMPLATES)} (default: the family's)")
    parser.add_argument("--severity", default="warning", help="error, warning or info (default: warning)")
    args = parser.parse_args(argv)
    try:
        files = plan(ROOT, args.code, args.slug, args.family, args.scope, args.severity)
    except Refused as err:
        print(f"new_rule: {err}", file=sys.stderr)
        return 2
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path.relative_to(ROOT).as_posix()}")
    docs = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_docs.py")], cwd=ROOT)
    if docs.returncode != 0:
        print("new_rule: tools/gen_docs.py failed: the rule's files are written, the docs are not", file=sys.stderr)
        return 1
    print(
        f"next: write the check in {[p for p in files if p.suffix == '.py'][0].relative_to(ROOT).as_posix()}, "
        f"the text of rules/{args.code}/rule.toml and the examples, then run `python tools/gen_docs.py` and "
        f"`python -m pytest tests/test_rule_examples.py tests/test_rule_cases.py -k {args.code}`"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
