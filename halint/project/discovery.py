"""Find and classify the files of a configuration tree.

Each format registers a classifier (name first, then content); the first that claims a file
wins. Classification never trusts an extension alone. The host a file belongs to comes from
the conventional layout (INTERFACE.md): the directory after ``hosts/``, else the directory
holding ``etc/``.
"""
from __future__ import annotations

import fnmatch
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from halint.core.limits import DEFAULT
from halint.core.locate import tree_root  # noqa: F401  (re-exported)

SNIFF_BYTES = 8192

#: top-level keywords that make a file keepalived's (``include`` is named.conf's too)
KEEPALIVED_SNIFF = re.compile(
    rb"^[ \t]*(global_defs|vrrp_instance|vrrp_script|vrrp_sync_group|virtual_server|"
    rb"virtual_server_group|vrrp_track_file|vrrp_track_process|static_ipaddress|static_routes|"
    rb"static_rules|garp_group|linkbeat_interfaces|bfd_instance|track_file|track_process|"
    rb"net_namespace|use_pid_dir|instance)\b",
    re.MULTILINE,
)


@dataclass(frozen=True)
class FileEntry:
    path: Path  #: absolute
    kind: str  #: one of KINDS
    host: str | None
    host_root: Path | None


#: why HL001 reports a symbolic link that leads out of the checked tree (after "cannot read this
#: file: "); neither the target's path nor anything of its content is said
OUTSIDE = "it is a symbolic link to a place outside the checked tree, and halint never reads outside the tree"

#: every kind of file halint reads
KINDS = (
    "keepalived", "keepalived-fragment", "named-conf", "interfaces", "machine-id",
    "ios-running", "ios-changes", "zone", "unclassified",
)


@dataclass
class Tree:
    root: Path  #: absolute: the checked tree
    files: list[FileEntry] = field(default_factory=list)
    unreadable: dict[Path, str] = field(default_factory=dict)  #: path -> why (walk errors)
    #: folders below the root that hold a halint.toml: trees of their own, left out of this one
    nested: list[Path] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[FileEntry]:
        return [f for f in self.files if f.kind == kind]


Classifier = Callable[[Path, bytes], bool]


def _is_keepalived_by_name(path: Path, head: bytes) -> bool:
    return path.name.startswith("keepalived.conf")


def _is_keepalived(path: Path, head: bytes) -> bool:
    return bool(KEEPALIVED_SNIFF.search(head))


def _is_keepalived_in_its_folder(path: Path, head: bytes) -> bool:
    return "keepalived" in path.parts[:-1] and _is_keepalived(path, head)


def _is_keepalived_fragment(path: Path, head: bytes) -> bool:
    """A *.conf under a keepalived folder with no top-level block of its own: a piece meant
    to be included (a ``priority`` line, a list of real servers), checked through its includer."""
    name = path.name
    return "keepalived" in path.parts[:-1] and (name.endswith(".conf") or name.endswith(".inc"))


def _is_machine_id(path: Path, head: bytes) -> bool:
    return path.name == "machine-id"


def _is_named(path: Path, head: bytes) -> bool:
    from halint.formats.named.reader import named_sniff

    return named_sniff(path.name, head)


def _is_interfaces(path: Path, head: bytes) -> bool:
    from halint.formats.interfaces.reader import interfaces_sniff

    return interfaces_sniff(_posix_tail(path), head)


def _ios(kind: str) -> Classifier:
    def claims(path: Path, head: bytes) -> bool:
        from halint.formats.ios.reader import ios_sniff

        return ios_sniff(path.name, head) == kind

    return claims


def _is_zone(path: Path, head: bytes) -> bool:
    from halint.formats.zone.reader import zone_sniff

    return zone_sniff(path.name, head)


def _posix_tail(path: Path) -> str:
    """The last three parts of a path (``etc/network/interfaces``): enough for name sniffing."""
    return "/".join(path.parts[-3:])


#: format name -> classifier, in order of precedence: what a file's name or place says for
#: sure first, then content sniffing from the most to the least distinctive syntax (a keepalived
#: keyword such as ``instance`` can begin an indented IOS line, so keepalived's sniff is last)
CLASSIFIERS: list[tuple[str, Classifier]] = [
    ("keepalived", _is_keepalived_by_name),
    ("keepalived", _is_keepalived_in_its_folder),
    ("keepalived-fragment", _is_keepalived_fragment),
    ("machine-id", _is_machine_id),
    ("named-conf", _is_named),
    ("interfaces", _is_interfaces),
    ("ios-changes", _ios("changes")),
    ("ios-running", _ios("running")),
    ("zone", _is_zone),
    ("keepalived", _is_keepalived),
]


#: what a file's name alone says (used only when its content cannot be sniffed)
NAME_HINTS: list[tuple[str, re.Pattern]] = [
    ("keepalived", re.compile(r"^keepalived\.conf")),
    ("named-conf", re.compile(r"^named\.conf")),
    ("machine-id", re.compile(r"^machine-id$")),
    ("interfaces", re.compile(r"^interfaces$")),
    ("ios-changes", re.compile(r"^[^.]+\.[^.]+\.ios$")),
    ("ios-running", re.compile(r"^[^.]+\.(ios|cfg)$")),
    ("zone", re.compile(r"^db\.|\.zone$")),
]


def name_hint(path: Path) -> str | None:
    for kind, pattern in NAME_HINTS:
        if pattern.search(path.name):
            return kind
    return None


def host_of(path: Path, root: Path) -> tuple[str | None, Path | None]:
    """(host name, host root) by the conventional layout, or (None, None)."""
    whole, top = path.parts, root.parts
    if whole[: len(top)] == top:  # path.relative_to(root), without building paths
        parts, base = whole[len(top) : -1], root
    else:
        parts, base = whole[:-1], Path(path.anchor)
    for i, part in enumerate(parts):
        if part == "hosts" and i + 1 < len(parts):
            return parts[i + 1], base.joinpath(*parts[: i + 2])
    for i, part in enumerate(parts):
        if part == "etc" and i > 0:
            return parts[i - 1], base.joinpath(*parts[:i])
    # absolute paths above the checked root: look there too (a file checked alone)
    full = path.parts[:-1]
    for i, part in enumerate(full):
        if part == "hosts" and i + 1 < len(full):
            return full[i + 1], Path(*full[: i + 2])
    for i, part in enumerate(full):
        if part == "etc" and i > 1:
            return full[i - 1], Path(*full[:i])
    return None, None


def classify(path: Path, forced: str | None = None) -> str:
    if forced:
        return forced
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        head = b""
    if head.startswith(b"\xef\xbb\xbf"):
        # a UTF-8 byte-order mark says nothing about the format; the readers model what each
        # daemon makes of it (KA008, ZN001)
        head = head[3:]
    if b"\0" in head:
        # binary: no content to sniff; a file whose name says what it should be is taken
        # anyway, so that it is reported as unreadable (HL001) rather than silently skipped
        return name_hint(path) or "unclassified"
    for kind, claims in CLASSIFIERS:
        if claims(path, head):
            return kind
    if not head.strip():
        # nothing to sniff: an empty file where the layout puts routers is the router file its
        # name says, so that it is reported (halint.project.loader), not skipped
        return router_hint(path) or "unclassified"
    return "unclassified"


#: routers/<name>.<label>.ios is a change script; routers/<name>.ios, .cfg or .conf a
#: running-config (INTERFACE.md, conventional layout)
ROUTER_NAMES = (("ios-changes", re.compile(r"^[^.]+\.[^.]+\.ios$")), ("ios-running", re.compile(r"^[^.]+\.(ios|cfg|conf)$")))


def router_hint(path: Path) -> str | None:
    """What a file's place and name say it is, for a file under a ``routers`` folder."""
    if "routers" not in path.parts[:-1]:
        return None
    for kind, pattern in ROUTER_NAMES:
        if pattern.search(path.name):
            return kind
    return None


#: an exclude pattern and the folder it is relative to (the tree root for --exclude, the
#: manifest's folder for its ``exclude``)
Exclude = tuple[Path, str]


def _excluded(path: Path, patterns: list[Exclude]) -> bool:
    for base, pat in patterns:
        rel = _rel(path, base)
        if fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(rel + "/", pat):
            return True
    return False


def is_excluded(path: Path, patterns: list[Exclude]) -> bool:
    """Whether the walk would leave ``path`` out: the file itself or one of its folders (up to
    each pattern's base) matches an exclude. Used for files named on the command line with
    --force-exclude, which the walk never sees."""
    for base, pat in patterns:
        for candidate in [path, *path.parents]:
            if candidate == base or base not in candidate.parents:
                break
            if _excluded(candidate, [(base, pat)]):
                return True
    return False


def walk(root: Path, paths: list[Path], exclude: list[Exclude] | None = None, manifest=None,
         max_files: int = DEFAULT.files) -> Tree:
    """Every regular file under ``paths`` (files named directly are always taken).

    ``manifest`` (a :class:`halint.project.manifest.Manifest`) names hosts and zone files where the
    layout is not conventional; it wins over the layout and over content sniffing. Past
    ``max_files`` files the walk stops: the first file left out is HL001.
    A folder below ``root`` holding a halint.toml is a tree of its own: left out, and listed in
    ``Tree.nested``. Symbolic links to directories are not followed (no loop can form); a file link that leads
    nowhere (or round in a loop) is skipped. A link that leads out of ``root`` (to
    ~/.git-credentials, /etc/passwd) is never opened, not even to sniff its kind, whether the
    walk finds it or it is named: its lines would end up in the report, and in CI in annotations
    and SARIF. It is HL001 at the link, saying no more than that (:data:`OUTSIDE`). A link
    inside the tree is read (its target is the same file: see :class:`halint.core.fsview.SameFile`)."""
    root = Path(os.path.abspath(root))
    tree = Tree(root)
    exclude = exclude or []
    seen: set[Path] = set()
    left_out: list[Path] = []
    real_root = os.path.realpath(root)

    def leads_out(path) -> bool:
        return not _within(os.path.realpath(path), real_root)

    hosts: dict[Path, tuple[str | None, Path | None]] = {}  # a file's host depends on its folder

    def add(path: Path) -> None:
        if path in seen:
            return
        if len(seen) >= max_files:
            left_out.append(path)
            return
        seen.add(path)
        folder = path.parent
        if folder not in hosts:
            hosts[folder] = host_of(path, root)
        host, host_root = hosts[folder]
        forced = None
        if manifest is not None:
            named_host = manifest.host_of(path)
            if named_host is not None:
                host, host_root = named_host, host_root or manifest.root
            if manifest.origin_of(path) is not None:
                forced = "zone"
        tree.files.append(FileEntry(path, classify(path, forced), host, host_root))

    def on_error(err: OSError) -> None:
        if err.filename:
            tree.unreadable[Path(os.path.abspath(err.filename))] = err.strerror or str(err)

    for start in paths:
        start = Path(os.path.abspath(start))
        if leads_out(start):  # named through a link (the file's own, or a folder's)
            if not start.is_dir():
                tree.unreadable[start] = OUTSIDE
            continue
        if start.is_file():
            add(start)
            continue
        for dirpath, dirnames, filenames in os.walk(start, onerror=on_error, followlinks=False):
            current = Path(dirpath)
            dirnames[:] = [
                name for name in sorted(dirnames)
                if not name.startswith(".") and not (exclude and _excluded(current / name, exclude))
            ]
            # a folder holding halint.toml is a tree of its own (its files belong to it, with
            # its settings): not part of this one; the caller checks it as a tree
            for name in [n for n in dirnames if os.path.isfile(os.path.join(dirpath, n, "halint.toml"))]:
                dirnames.remove(name)
                tree.nested.append(current / name)
            if left_out:
                break
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                full = os.path.join(dirpath, name)
                path = current / name
                if exclude and _excluded(path, exclude):
                    continue
                try:
                    info = os.lstat(full)
                    if stat.S_ISLNK(info.st_mode):
                        if leads_out(full):
                            tree.unreadable[path] = OUTSIDE
                            continue
                        info = os.stat(full)  # one that leads nowhere, or round in a loop, is skipped
                except OSError:
                    continue
                if not stat.S_ISREG(info.st_mode):
                    continue
                add(path)
                if left_out:
                    break
    if left_out:
        tree.unreadable[left_out[0]] = (
            f"not read: the checked paths hold more than {max_files} files (halint's limit, [limits] files); "
            "this one and the files after it are left out"
        )
    return tree


def _within(real: str, real_root: str) -> bool:
    """Whether a resolved path is ``real_root`` or under it (both from os.path.realpath)."""
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
