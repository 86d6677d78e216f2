"""Rule metadata, read from the top-level rules/ folder (shipped as ``halint.ruledata``).

Each rule has one folder ``rules/<CODE>/`` holding ``rule.toml``, the one declaration of the rule
(code, slug, severity, fix, scope, whether it compares with the git base or reports a syntax
error, summary and documentation), and its examples: ``bad/``, ``good/`` and, for fixable rules,
``fixed/`` (each a small configuration tree). ``halint rules``, ``halint explain``, the engine's
severities and the list of rule modules to import (:attr:`RuleMeta.module`, by convention
``halint/rules/<family folder>/<code>_<slug>.py``) all come from here.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from halint.core.diagnostic import Severity
from halint.core.tomlcompat import tomllib

CODE_RE = re.compile(r"^[A-Z]{2,3}[0-9]{3}$")
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FIXES = ("none", "safe", "unsafe")
#: a scope is a format's name (the rule is called once per configuration, zone, router ... of
#: that format: halint.formats), ``tree`` (once, with the inventory of the whole tree) or
#: ``project`` (once, with every file read); halint.rules.base checks the word against the formats
SCOPE_RE = re.compile(r"^[a-z][a-z_]*$")
#: every family of the rule catalogue (RULES.md): its code prefix -> the folder of its modules
#: under halint/rules/ (a new family: a line here and a package halint/rules/<folder>/)
FAMILIES = {"HL": "halint", "KA": "keepalived", "ZN": "zone", "IOS": "ios", "HA": "ha"}
#: the optional flags of rule.toml, false when absent
FLAGS = ("needs_base", "syntax_error", "engine")
REQUIRED = ("code", "slug", "severity", "fix", "scope", "summary", "what", "why", "source")
#: every key rule.toml may hold (a misspelt flag must not be a silent false)
KEYS = (*REQUIRED, "fix_when", "fix_text", "options", "expect", *FLAGS)


class MetadataError(Exception):
    pass


@dataclass(frozen=True)
class Expect:
    """A finding the rule's bad example must produce (the examples are executed in tests)."""

    path: str
    line: int
    column: int
    message_contains: tuple[str, ...]


@dataclass(frozen=True)
class RuleMeta:
    code: str
    slug: str
    severity: Severity
    fix: str  #: "none", "safe" or "unsafe"
    fix_when: str  #: condition on the fix, "" when it always applies
    scope: str  #: a format's name, "tree" or "project" (see SCOPE_RE)
    summary: str
    what: str
    why: str
    fix_text: str
    source: str
    options: str
    expect: tuple[Expect, ...]
    needs_base: bool = False  #: compares with the git base version of the tree (--base)
    syntax_error: bool = False  #: says a file cannot be read: such a file is never fixed
    engine: bool = False  #: made by the engine itself (inline suppressions), not by a rule module

    @property
    def family(self) -> str:
        return self.code[:-3]

    @property
    def module(self) -> str:
        """The module that implements the rule: ``halint.rules.keepalived.ka002_unknown_keyword``
        (none for an engine rule)."""
        return f"halint.rules.{FAMILIES[self.family]}.{self.code.lower()}_{self.slug.replace('-', '_')}"

    @property
    def module_path(self) -> str:
        """The module's file, relative to the repository: ``halint/rules/keepalived/ka002_unknown_keyword.py``."""
        return self.module.replace(".", "/") + ".py"

    def example_files(self, kind: str) -> list[tuple[str, str]]:
        """(relative path, text) of every file of one example tree: bad, good or fixed."""
        folder = rules_root().joinpath(self.code, kind)
        if not folder.is_dir():
            return []
        out: list[tuple[str, str]] = []

        def walk(node, prefix: str) -> None:
            for child in sorted(node.iterdir(), key=lambda c: c.name):
                rel = f"{prefix}{child.name}"
                if rel == "halint.toml":
                    continue  # the marker that makes the example a tree of its own, not an example file
                if child.is_dir():
                    walk(child, rel + "/")
                else:
                    out.append((rel, child.read_bytes().decode("utf-8", "replace")))

        walk(folder, "")
        return out


def _text(table: dict, key: str, code: str, required: bool = True) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise MetadataError(f"rules/{code}/rule.toml: `{key}` must be a non-empty string")
    return value.strip()


def _parse(code: str, table: dict) -> RuleMeta:
    for key in REQUIRED:
        if key not in table:
            raise MetadataError(f"rules/{code}/rule.toml: missing `{key}`")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise MetadataError(f"rules/{code}/rule.toml: unknown key `{unknown[0]}` (the keys: {', '.join(KEYS)})")
    if table["code"] != code or not CODE_RE.match(code):
        raise MetadataError(f"rules/{code}/rule.toml: code {table['code']!r} does not match its folder")
    if not SLUG_RE.match(table["slug"]):
        raise MetadataError(f"rules/{code}/rule.toml: slug {table['slug']!r} is not kebab-case")
    if table["fix"] not in FIXES:
        raise MetadataError(f"rules/{code}/rule.toml: fix must be one of {FIXES}")
    if table["code"][:-3] not in FAMILIES:
        raise MetadataError(
            f"rules/{code}/rule.toml: no family {code[:-3]} (the families are {', '.join(FAMILIES)}:"
            " halint/core/registry.py FAMILIES)"
        )
    if not isinstance(table["scope"], str) or not SCOPE_RE.match(table["scope"]):
        raise MetadataError(f"rules/{code}/rule.toml: scope must be a format's name, `tree` or `project`")
    for flag in FLAGS:
        if not isinstance(table.get(flag, False), bool):
            raise MetadataError(f"rules/{code}/rule.toml: `{flag}` must be true or false")
    expects = []
    for item in table.get("expect", []):
        expects.append(
            Expect(
                path=item["path"],
                line=int(item["line"]),
                column=int(item["column"]),
                message_contains=tuple(item.get("message_contains", ())),
            )
        )
    return RuleMeta(
        code=code,
        slug=table["slug"],
        severity=Severity.parse(table["severity"]),
        fix=table["fix"],
        fix_when=_text(table, "fix_when", code, required=False),
        scope=table["scope"],
        summary=_text(table, "summary", code),
        what=_text(table, "what", code),
        why=_text(table, "why", code),
        fix_text=_text(table, "fix_text", code, required=table["fix"] != "none"),
        source=_text(table, "source", code),
        options=_text(table, "options", code, required=False),
        expect=tuple(expects),
        **{flag: table.get(flag, False) for flag in FLAGS},
    )


def rules_root():
    """The folder holding rules/<CODE>/ (a Traversable: the package ``halint.ruledata``)."""
    return resources.files("halint.ruledata")


@functools.lru_cache(maxsize=None)
def all_rules() -> dict[str, RuleMeta]:
    """Every rule's metadata by code, sorted by code. A folder rules/<CODE>/ without a valid
    rule.toml is a :class:`MetadataError` naming it (the command line says it in one line)."""
    root = rules_root()
    rules: dict[str, RuleMeta] = {}
    slugs: dict[str, str] = {}
    for folder in sorted(root.iterdir(), key=lambda c: c.name):
        if not folder.is_dir() or not CODE_RE.match(folder.name):
            continue
        meta_file = folder.joinpath("rule.toml")
        if not meta_file.is_file():
            raise MetadataError(f"rules/{folder.name}/ has no rule.toml (each rules/<CODE>/ folder declares one rule)")
        try:
            table = tomllib.loads(meta_file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            raise MetadataError(f"rules/{folder.name}/rule.toml: {err}") from None
        meta = _parse(folder.name, table)
        if meta.slug in slugs:
            raise MetadataError(f"slug {meta.slug!r} used by {slugs[meta.slug]} and {meta.code}")
        slugs[meta.slug] = meta.code
        rules[meta.code] = meta
    return rules


def needs_base_codes() -> frozenset[str]:
    """The rules that compare with the git base version of the tree (``needs_base``)."""
    return frozenset(code for code, meta in all_rules().items() if meta.needs_base)


def syntax_error_codes() -> frozenset[str]:
    """The rules that say a file cannot be read (``syntax_error``): the fix loop never edits it."""
    return frozenset(code for code, meta in all_rules().items() if meta.syntax_error)


def resolve(name: str) -> RuleMeta | None:
    """A rule by code (any case) or slug."""
    rules = all_rules()
    if name.upper() in rules:
        return rules[name.upper()]
    for meta in rules.values():
        if meta.slug == name.lower():
            return meta
    return None


def expand_selectors(selectors: list[str]) -> set[str]:
    """Codes named by selectors: a code, a prefix of codes (``HA``, ``KA00``) or a slug.

    Raises :class:`ValueError` for a selector that names nothing.
    """
    rules = all_rules()
    chosen: set[str] = set()
    for raw in selectors:
        sel = raw.strip()
        if not sel:
            continue
        if sel.upper() == "ALL":
            chosen.update(rules)
            continue
        meta = resolve(sel)
        if meta is not None:
            chosen.add(meta.code)
            continue
        prefix = sel.upper()
        matched = {code for code in rules if code.startswith(prefix)}
        if not matched and _future_family(prefix, rules):
            continue  # a family of the catalogue whose front end is not there yet (ZN, IOS, HA)
        if not matched:
            raise ValueError(f"unknown rule code, prefix or slug: {sel!r}")
        chosen.update(matched)
    return chosen


def _future_family(prefix: str, rules) -> bool:
    match = re.fullmatch(r"([A-Z]{2,3})([0-9]{0,3})", prefix)
    if not match or match.group(1) not in FAMILIES:
        return False
    return not any(code.startswith(match.group(1)) for code in rules)
