"""How a rule is written and registered.

A rule is one module, ``halint/rules/<family folder>/<code>_<slug>.py`` (the slug with ``_``),
holding one function decorated with ``@rule(CODE)``::

    @rule("KA010")
    def unused_script(unit: KaUnit, ctx: Context) -> None:
        for script in ...:
            ctx.report(f"vrrp_script `{name}` is never tracked", script.name.span)

Everything else about the rule is in its rules/<CODE>/rule.toml, which is also what registers
it: :func:`load` imports the module of every rule the registry lists (no hand-kept import list)
and checks that it declares that code. The scope in rule.toml says what the function is called
with, one call per item: a format's name (``keepalived``: one
:class:`~halint.formats.keepalived.model.KaUnit`, a keepalived.conf for one host with both
versions; ``zone``: one :class:`~halint.formats.zone.model.ZoneUnit`; ``ios``: one
:class:`~halint.formats.ios.model.Router`, a running-config with its change scripts applied),
``tree`` (the :class:`~halint.inventory.build.Inventory` of the whole tree: the cross-file HA
rules) or ``project`` (the whole :class:`~halint.project.loader.Project`).

A rule is pure: it reads its input and reports through ``ctx.report``, which stamps the rule's
code; the engine chooses the severity, applies suppressions and scoping.
"""
from __future__ import annotations

import datetime
import importlib
import inspect
from dataclasses import dataclass
from typing import Callable, Iterable

from halint.core import registry
from halint.core.diagnostic import Diagnostic, Fix, Related
from halint.core.registry import MetadataError
from halint.core.source import Span

#: the scopes that are not a format: the inventory of the whole tree, and the project
TREE_SCOPES = ("tree", "project")


class Context:
    """What a rule's function gets besides its input: the run's date and verbosity, and
    :meth:`report`. One per call of the rule."""

    __slots__ = ("code", "today", "verbose", "found")

    def __init__(self, code: str, run=None) -> None:
        self.code = code
        #: the date the run treats as today (ZN004 / ZN005); the engine reads the clock once
        self.today: datetime.date | None = getattr(run, "today", None)
        self.verbose: bool = getattr(run, "verbose", False)
        self.found: list[Diagnostic] = []

    def report(self, message: str, span: Span, related: Iterable[Related] = (), fix: Fix | None = None,
               severity_hint: str | None = None, *, note: str = "") -> None:
        """A finding of this rule at ``span`` (where the fix belongs): ``message`` says what is
        wrong, with the values; ``note`` the effect and the reasoning; related places in other
        files or lines, an optional fix, and ``severity_hint`` when this finding's level differs
        from the rule's (configuration still wins)."""
        self.found.append(Diagnostic(
            self.code, message, span, related=tuple(related), fix=fix, severity_hint=severity_hint, note=note,
        ))


@dataclass(frozen=True)
class RuleImpl:
    code: str
    scope: str
    #: ``check(item, run_context)``: the rule's diagnostics on one item (the engine's call)
    check: Callable[..., Iterable[Diagnostic]]


#: every registered rule by code (filled by :func:`load`, which ``import halint.rules`` runs)
REGISTRY: dict[str, RuleImpl] = {}

#: module name -> [(code, function)] of every ``@rule`` seen
_DECLARED: dict[str, list[tuple[str, Callable]]] = {}


def rule(code: str):
    """Declare the module's rule function; its code must be the one of the module's folder in
    rules/ (checked when the module is registered)."""

    def declare(func):
        _DECLARED.setdefault(func.__module__, []).append((code, func))
        return func

    return declare


def _stamped(code: str, func: Callable) -> Callable[..., list[Diagnostic]]:
    def check(item, run=None) -> list[Diagnostic]:
        ctx = Context(code, run)
        func(item, ctx)
        return ctx.found

    check.__name__ = getattr(func, "__name__", "check")
    check.__doc__ = func.__doc__
    return check


def _scopes() -> set[str]:
    from halint.formats import formats

    return {fmt.name for fmt in formats()} | set(TREE_SCOPES)


def load() -> dict[str, RuleImpl]:
    """Import the module of every rule of rules/ (except those the engine makes) and register
    it. A rule.toml whose module is missing, a module that declares another code or none, or a
    scope that is no format's name is a :class:`MetadataError` naming the file."""
    scopes = _scopes()
    for code, meta in registry.all_rules().items():
        if code in REGISTRY:
            continue
        if meta.scope not in scopes:
            raise MetadataError(
                f"rules/{code}/rule.toml: scope {meta.scope!r} is no format's name, `tree` or `project`"
                f" ({', '.join(sorted(scopes))})"
            )
        if meta.engine:
            continue
        try:
            importlib.import_module(meta.module)
        except ModuleNotFoundError as err:
            if err.name is None or not meta.module.startswith(err.name):
                raise  # the module exists and imports something missing: a bug of its own
            raise MetadataError(f"rules/{code}/rule.toml: no module {meta.module_path} (the module of {code} `{meta.slug}`)") from None
        declared = _DECLARED.get(meta.module, [])
        codes = [c for c, _ in declared]
        if codes != [code]:
            what = "no rule" if not codes else " and ".join(codes)
            raise MetadataError(f"{meta.module_path} declares {what}, not {code} (@rule(\"{code}\") on its one check function)")
        func = declared[0][1]
        if inspect.isgeneratorfunction(func):
            raise MetadataError(f"{meta.module_path}: the function of {code} yields; it reports with ctx.report(...)")
        REGISTRY[code] = RuleImpl(code, meta.scope, _stamped(code, func))
    return REGISTRY
