"""How rules are declared: ``@rule(CODE, SCOPE)`` on a pure function yielding diagnostics.

Scopes: ``keepalived`` rules get one :class:`~halint.formats.keepalived.model.KaUnit` (one
keepalived.conf for one host, both versions); ``zone`` rules one
:class:`~halint.formats.zone.model.ZoneUnit` (one zone, with its git base version when there is one);
``router`` rules one :class:`~halint.formats.ios.model.Router` (a running-config with its change scripts
applied); ``project`` rules get the whole :class:`~halint.project.loader.Project`; ``inventory`` rules
(the cross-file HA rules) get the :class:`~halint.inventory.build.Inventory` built from it. Metadata (slug, severity, docs) lives in rules/<CODE>/.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from halint.core.diagnostic import Diagnostic

SCOPES = ("keepalived", "zone", "router", "project", "inventory")


@dataclass(frozen=True)
class RuleImpl:
    code: str
    scope: str
    check: Callable[..., Iterable[Diagnostic]]


REGISTRY: dict[str, RuleImpl] = {}


def rule(code: str, scope: str):
    if scope not in SCOPES:
        raise ValueError(f"unknown rule scope {scope!r}")

    def register(func):
        if code in REGISTRY:
            raise ValueError(f"rule {code} registered twice")
        REGISTRY[code] = RuleImpl(code, scope, func)
        return func

    return register
