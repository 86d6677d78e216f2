"""The manifest: ``halint.toml`` (keys at top level) or ``[tool.halint]`` in ``pyproject.toml``.

Found at the checked tree's root or the nearest ancestor holding one (as ruff finds its
configuration), or named with ``--config``. Every key of INTERFACE.md is accepted; any other key
is an error naming the key and the file (exit 2), because a misspelt ``ignroe`` that is silently
dropped is exactly the kind of mistake halint exists to catch in other tools' configs. Paths and
globs in the manifest are relative to the directory holding it.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from halint.core.limits import DEFAULT, Limits
from halint.core.locate import find_manifest as find  # noqa: F401  (re-exported: manifest.find)
from halint.core.locate import manifest_at as find_at  # noqa: F401  (re-exported: manifest.find_at)

if TYPE_CHECKING:
    from halint.core.diagnostic import Severity

# registry, Severity and the TOML reader are imported where a manifest is read: finding one is
# on the result cache's path (halint/engine/resultcache.py), which must stay light

KEYS = {
    "select", "ignore", "severity", "severity-threshold", "exclude", "per-file-ignores", "base", "hosts", "zones",
    "services", "limits",
}
TABLE_KEYS = {"hosts": {"files"}, "zones": {"files"}}
SERVICE_PORT = re.compile(r"^(tcp|udp|sctp)/(\d{1,5})$")


class ManifestError(Exception):
    """A manifest that cannot be used: one line naming the file (and the key), exit 2."""


@dataclass(frozen=True)
class Manifest:
    path: Path | None  #: the file it was read from (None: no manifest)
    root: Path  #: the folder its paths are relative to
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    per_file_ignores: dict[str, frozenset[str]] = field(default_factory=dict)  #: glob -> codes
    base: str | None = None
    hosts: dict[str, tuple[Path, ...]] = field(default_factory=dict)  #: host -> absolute files
    zones: dict[str, tuple[Path, ...]] = field(default_factory=dict)  #: origin (absolute) -> files
    services: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    limits: Limits = DEFAULT
    #: the lowest severity that makes the exit code 1 (--severity-threshold wins over it)
    severity_threshold: Severity | None = None

    def host_of(self, path: Path) -> str | None:
        for host, files in self.hosts.items():
            if path in files:
                return host
        return None

    def origin_of(self, path: Path) -> str | None:
        for origin, files in self.zones.items():
            if path in files:
                return origin
        return None


def load(path: Path | None, root: Path, found: bool = True) -> Manifest:
    """Read and validate a manifest (``path`` None: the empty manifest for ``root``). ``found``:
    the manifest was found in the tree (not named by --config), so a link out of it is refused."""
    if path is None:
        return Manifest(None, Path(os.path.abspath(root)))
    from halint.core.tomlcompat import tomllib

    path = Path(os.path.abspath(path))
    if found and os.path.islink(path) and not _within(os.path.realpath(path), os.path.realpath(root)):
        # a committed link to ~/.something: never read (its keys would be echoed in errors)
        raise ManifestError(f"{path}: a symbolic link to a place outside the checked tree: not read")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ManifestError(f"{path}: cannot read the configuration: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise ManifestError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise ManifestError(f"{path}: invalid TOML: {err}") from None
    where = str(path)
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        data = tool.get("halint", {}) if isinstance(tool, dict) else {}
        where += " [tool.halint]"
    if not isinstance(data, dict):
        raise ManifestError(f"{where}: [tool.halint] must be a table")
    return _validate(data, path, where)


def _validate(data: dict, path: Path, where: str) -> Manifest:
    from halint.core import registry
    from halint.core.diagnostic import Severity

    for key in data:
        if key not in KEYS:
            raise ManifestError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(KEYS))})")
    root = path.parent

    def strings(key: str, value, context: str = "") -> tuple[str, ...]:
        name = context or key
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ManifestError(f"{where}: {name!r} must be a list of strings")
        return tuple(value)

    def codes(key: str, value) -> tuple[str, ...]:
        items = strings(key, value)
        try:
            registry.expand_selectors(list(items))
        except ValueError as err:
            raise ManifestError(f"{where}: {key!r}: {err}") from None
        return items

    select = codes("select", data["select"]) if "select" in data else None
    ignore = codes("ignore", data.get("ignore", []))
    severity: dict[str, Severity] = {}
    raw = data.get("severity", {})
    if not isinstance(raw, dict):
        raise ManifestError(f"{where}: 'severity' must be a table of CODE = \"error|warning|info\"")
    for sel, level in raw.items():
        try:
            chosen = registry.expand_selectors([sel])
            parsed = Severity.parse(level) if isinstance(level, str) else None
        except ValueError as err:
            raise ManifestError(f"{where}: 'severity': {err}") from None
        if parsed is None:
            raise ManifestError(f"{where}: 'severity': {sel} must be \"error\", \"warning\" or \"info\"")
        for code in chosen:
            severity[code] = parsed
    exclude = strings("exclude", data.get("exclude", []))
    per_file: dict[str, frozenset[str]] = {}
    raw = data.get("per-file-ignores", {})
    if not isinstance(raw, dict):
        raise ManifestError(f"{where}: 'per-file-ignores' must be a table of GLOB = [CODES]")
    for glob, value in raw.items():
        items = strings("per-file-ignores", value, f"per-file-ignores.{glob}")
        try:
            per_file[glob] = frozenset(registry.expand_selectors(list(items)))
        except ValueError as err:
            raise ManifestError(f"{where}: 'per-file-ignores.{glob}': {err}") from None
    base = data.get("base")
    if base is not None and (not isinstance(base, str) or not base.strip()):
        raise ManifestError(f"{where}: 'base' must be a git reference (a non-empty string)")
    hosts = {name: _files(where, "hosts", name, table, root) for name, table in _tables(where, "hosts", data).items()}
    zones: dict[str, tuple[Path, ...]] = {}
    for name, table in _tables(where, "zones", data).items():
        origin = name if name.endswith(".") else name + "."
        zones[origin.lower()] = _files(where, "zones", name, table, root)
    services: dict[str, tuple[tuple[str, int], ...]] = {}
    raw = data.get("services", {})
    if not isinstance(raw, dict):
        raise ManifestError(f"{where}: 'services' must be a table of PROCESS = [\"tcp/PORT\", ...]")
    for process, value in raw.items():
        ports = []
        for item in strings("services", value, f"services.{process}"):
            match = SERVICE_PORT.match(item.strip().lower())
            if not match or not 1 <= int(match.group(2)) <= 65535:
                raise ManifestError(f"{where}: 'services.{process}': {item!r} is not PROTOCOL/PORT (e.g. \"tcp/21\")")
            ports.append((match.group(1), int(match.group(2))))
        services[process] = tuple(ports)
    threshold = data.get("severity-threshold")
    if threshold is not None:
        try:
            threshold = Severity.parse(threshold) if isinstance(threshold, str) else None
        except ValueError:
            threshold = None
        if threshold is None:
            raise ManifestError(f"{where}: 'severity-threshold' must be \"error\", \"warning\" or \"info\"")
    return Manifest(
        path, root, select, ignore, severity, exclude, per_file, base, hosts, zones, services, _limits(where, data), threshold,
    )


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _limits(where: str, data: dict) -> Limits:
    raw = data.get("limits", {})
    known = Limits.keys()
    if not isinstance(raw, dict):
        raise ManifestError(f"{where}: 'limits' must be a table of NAME = positive integer")
    values = {}
    for key, value in raw.items():
        if key not in known:
            raise ManifestError(f"{where}: unknown key limits.{key!r} (known: {', '.join(sorted(known))})")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ManifestError(f"{where}: 'limits.{key}' must be a positive integer")
        values[known[key]] = value
    return Limits(**values)


def _tables(where: str, key: str, data: dict) -> dict[str, dict]:
    raw = data.get(key, {})
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise ManifestError(f"{where}: '{key}' must hold one table per name ([{key}.NAME])")
    return raw


def _files(where: str, key: str, name: str, table: dict, root: Path) -> tuple[Path, ...]:
    for sub in table:
        if sub not in TABLE_KEYS[key]:
            raise ManifestError(f"{where}: unknown key {key}.{name}.{sub!r} (known: files)")
    files = table.get("files", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise ManifestError(f"{where}: '{key}.{name}.files' must be a list of paths")
    return tuple(Path(os.path.normpath(root / f)) for f in files)
