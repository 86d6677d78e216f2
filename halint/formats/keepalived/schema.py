"""keepalived's vocabulary: which keywords exist in which block, and what arguments they take.

The data is grammars/keepalived-keywords.toml (shipped as ``halint.grammars``); its header cites
where each fact comes from. This module only loads it and checks arguments against it.

Argument types (the ``args`` list of a keyword; absent means "not checked"):

``int(LO,HI)``   base-10 integer in [LO, HI] (keepalived's read_int / read_unsigned)
``dec(LO,HI)``   decimal number, optional fraction, in [LO, HI] (read_decimal_unsigned, timers)
``enum(A|B)``    exactly one of the words, case-sensitive
``ip``, ``ipv4``, ``ipv6``   an address; ``prefix``: an address with an optional ``/len``
``addr``         an address, after which keepalived drops anything from a ``/`` or ``-`` on
``bool``         true, false, on, off, yes or no (check_true_false)
``word``, ``string``   any single argument
a trailing ``?`` marks an optional argument; a final ``...`` allows any further arguments.
"""
from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Mapping

from halint.core.tomlcompat import tomllib

SCHEMA_FILE = "keepalived-keywords.toml"
KINDS = ("value", "block", "list")
TYPE_RE = re.compile(r"^(?P<name>int|dec|enum|ip|ipv4|ipv6|prefix|addr|bool|word|string)(?:\((?P<params>[^)]*)\))?(?P<opt>\?)?$")
BOOL_WORDS = ("true", "false", "on", "off", "yes", "no")


class SchemaError(Exception):
    pass


@dataclass(frozen=True)
class ArgType:
    name: str
    lo: Decimal | None = None
    hi: Decimal | None = None
    choices: tuple[str, ...] = ()
    optional: bool = False

    @classmethod
    def parse(cls, spec: str) -> ArgType:
        match = TYPE_RE.match(spec.strip())
        if not match:
            raise SchemaError(f"bad argument type {spec!r}")
        name, params, opt = match.group("name"), match.group("params"), bool(match.group("opt"))
        if name in ("int", "dec"):
            if params is None:
                raise SchemaError(f"{spec!r}: {name} needs (LO,HI)")
            try:
                lo_text, hi_text = (p.strip() for p in params.split(","))
                lo, hi = Decimal(lo_text), Decimal(hi_text)
            except (ValueError, InvalidOperation):
                raise SchemaError(f"bad range in {spec!r}") from None
            if lo > hi:
                raise SchemaError(f"empty range in {spec!r}")
            return cls(name, lo, hi, optional=opt)
        if name == "enum":
            choices = tuple(c.strip() for c in (params or "").split("|") if c.strip())
            if not choices:
                raise SchemaError(f"{spec!r}: enum needs choices")
            return cls(name, choices=choices, optional=opt)
        if params is not None:
            raise SchemaError(f"{spec!r}: {name} takes no parameters")
        return cls(name, optional=opt)

    def describe(self) -> str:
        if self.name == "int":
            return f"an integer from {self.lo} to {self.hi}"
        if self.name == "dec":
            return f"a number from {self.lo} to {self.hi}"
        if self.name == "enum":
            return " or ".join(self.choices) if len(self.choices) <= 2 else "one of " + ", ".join(self.choices)
        return {
            "ip": "an IP address",
            "addr": "an IP address",
            "ipv4": "an IPv4 address",
            "ipv6": "an IPv6 address",
            "prefix": "an IP address with an optional /prefix",
            "bool": "true/false, on/off or yes/no",
        }.get(self.name, "a value")

    def check(self, text: str) -> str | None:
        """None when ``text`` is valid, else why not (for KA003's message)."""
        if self.name == "int":
            if not re.fullmatch(r"\s*[+-]?[0-9]+", text):
                return "not an integer"
            value = Decimal(int(text))
            return None if self.lo <= value <= self.hi else "out of range"
        if self.name == "dec":
            text = text.lstrip(" \t")  # like strtoull(), keepalived skips leading blanks
            if not re.fullmatch(r"[0-9]+(\.[0-9]*)?|\.[0-9]+", text):
                return "not a number"
            return None if self.lo <= Decimal(text) <= self.hi else "out of range"
        if self.name == "enum":
            return None if text in self.choices else "not allowed"
        if self.name == "addr":
            return _check_address("ip", re.split(r"[/-]", text, maxsplit=1)[0])
        if self.name in ("ip", "ipv4", "ipv6", "prefix"):
            return _check_address(self.name, text)
        if self.name == "bool":
            return None if text in BOOL_WORDS else "not a boolean"
        return None


def _check_address(kind: str, text: str) -> str | None:
    addr, slash, plen = text.partition("/")
    if slash and kind != "prefix":
        return "not an address"
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return "not an address"
    if kind == "ipv4" and ip.version != 4:
        return "not an IPv4 address"
    if kind == "ipv6" and ip.version != 6:
        return "not an IPv6 address"
    if slash:
        limit = 32 if ip.version == 4 else 128
        if not plen.isdigit() or int(plen) > limit:
            return f"prefix length must be 0 to {limit}"
    return None


@dataclass(frozen=True)
class Deprecation:
    """What keepalived itself says of a deprecated keyword (the schema header lists the sources)."""

    use: str  #: the replacement keepalived names (a keyword, or a phrase)
    since: str  #: the first release that says it
    words: str  #: keepalived's message, after its "(Line N) " prefix; {name}: the block's name
    rename: bool  #: ``use`` is a keyword that does exactly the same: replacing the word is safe
    config_test: bool  #: ``keepalived -t`` prints it (False: only the running daemon logs it)

    def said(self, name: str | None = None) -> str:
        """keepalived's words, for the block ``name`` (None: without the "(NAME) " prefix)."""
        if name is None:
            return self.words.replace("({name}) ", "")
        return self.words.replace("{name}", name)


@dataclass(frozen=True)
class KeywordSpec:
    name: str
    context: str
    kind: str  #: "value", "block" (opens a keyword block) or "list" (opens a block of values)
    body: str | None  #: for kind "block": the context of its body
    args: tuple[ArgType, ...] | None
    variadic: bool  #: args ends with "..."
    since: str | None  #: first keepalived version that has it, when newer than 2.2.7
    until: str | None  #: last version that has it, when it was removed
    deprecated: Deprecation | None
    note: str | None

    @property
    def opens_block(self) -> bool:
        return self.kind in ("block", "list")


@dataclass(frozen=True)
class Context:
    name: str
    doc: str
    keywords: Mapping[str, KeywordSpec]


@dataclass(frozen=True)
class Schema:
    contexts: Mapping[str, Context]
    versions: tuple[str, ...]

    def lookup(self, context: str, keyword: str) -> KeywordSpec | None:
        ctx = self.contexts.get(context)
        return ctx.keywords.get(keyword) if ctx else None

    def contexts_having(self, keyword: str) -> list[str]:
        """Contexts in which ``keyword`` is valid (for "not valid in this block" messages)."""
        return list(self._contexts_by_keyword.get(keyword, ()))

    @functools.cached_property
    def _contexts_by_keyword(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for name, ctx in self.contexts.items():
            for keyword in ctx.keywords:
                out.setdefault(keyword, []).append(name)
        return {k: tuple(v) for k, v in out.items()}


def _parse_keyword(context: str, name: str, entry: Mapping) -> KeywordSpec:
    where = f"{context}.{name}"
    unknown = set(entry) - {"kind", "body", "args", "since", "until", "deprecated", "note"}
    if unknown:
        raise SchemaError(f"{where}: unknown fields {sorted(unknown)}")
    kind = entry.get("kind", "value")
    if kind not in KINDS:
        raise SchemaError(f"{where}: kind must be one of {KINDS}")
    body = entry.get("body")
    if (kind == "block") != (body is not None):
        raise SchemaError(f"{where}: `body` is required for kind block and only for it")
    args = None
    variadic = False
    if "args" in entry:
        raw = list(entry["args"])
        if raw and raw[-1] == "...":
            variadic = True
            raw = raw[:-1]
        args = tuple(ArgType.parse(spec) for spec in raw)
        seen_optional = False
        for arg in args:
            if seen_optional and not arg.optional:
                raise SchemaError(f"{where}: a required argument follows an optional one")
            seen_optional = seen_optional or arg.optional
    return KeywordSpec(
        name=name,
        context=context,
        kind=kind,
        body=body,
        args=args,
        variadic=variadic,
        since=entry.get("since"),
        until=entry.get("until"),
        deprecated=_deprecation(where, entry.get("deprecated")),
        note=entry.get("note"),
    )


def _deprecation(where: str, entry) -> Deprecation | None:
    if entry is None:
        return None
    if not isinstance(entry, Mapping) or set(entry) - {"use", "since", "words", "rename", "config_test"}:
        raise SchemaError(f"{where}: deprecated must be a table of use, since, words, rename, config_test")
    for key in ("use", "since", "words"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise SchemaError(f"{where}: deprecated.{key} is required")
    return Deprecation(entry["use"], entry["since"], entry["words"], bool(entry.get("rename", False)),
                       bool(entry.get("config_test", True)))


def parse_schema(text: str) -> Schema:
    data = tomllib.loads(text)
    contexts: dict[str, Context] = {}
    for cname, ctable in data.get("contexts", {}).items():
        keywords = {
            kname: _parse_keyword(cname, kname, entry)
            for kname, entry in ctable.get("keywords", {}).items()
        }
        contexts[cname] = Context(cname, ctable.get("doc", ""), keywords)
    if "top" not in contexts:
        raise SchemaError("no `top` context")
    for ctx in contexts.values():
        for spec in ctx.keywords.values():
            if spec.body is not None and spec.body not in contexts:
                raise SchemaError(f"{ctx.name}.{spec.name}: body {spec.body!r} is not a context")
    versions = tuple(data.get("meta", {}).get("versions", ()))
    return Schema(contexts, versions)


@functools.lru_cache(maxsize=1)
def load_schema() -> Schema:
    text = resources.files("halint.grammars").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return parse_schema(text)
