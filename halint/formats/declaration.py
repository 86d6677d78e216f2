"""What a format declares, once: the kinds of files it reads and how discovery recognises them,
how the project loader loads them, the sources it read, its comment syntax (for inline
suppressions), its syntax-error code, and its hooks into the fix loop and compile. Discovery,
the loader, the suppressions, the fix loop and compile iterate :func:`halint.formats.formats`
and name no format.

The hooks take the loaded project (halint.project.loader.Project: the layer above; a format
only uses what that class documents) and import their format's code when called, so that
declaring a format costs nothing until one of its files is seen.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from halint.core.comments import Scanner


@dataclass(frozen=True)
class Claim:
    """One way to recognise a kind of file: ``test(path, first bytes)``; claims of every format
    are tried in ``rank`` order (what a name or place says for sure first, content sniffing from
    the most to the least distinctive syntax last), the first that holds wins."""

    rank: int
    test: Callable[[Path, bytes], bool]


@dataclass(frozen=True)
class Kind:
    name: str  #: "keepalived", "keepalived-fragment", "zone", "ios-running" ...
    claims: tuple[Claim, ...]
    #: what the file's name alone says, for a file whose content cannot be sniffed (binary, so
    #: that it is reported as unreadable instead of skipped); ``hint_rank`` orders the hints
    hint: Callable[[Path], bool] | None = None
    hint_rank: int = 0
    #: an empty file where the layout puts this kind (reported, not skipped)
    empty: Callable[[Path], bool] | None = None
    read: bool = True  #: False: not read on its own (a keepalived fragment, read by its includer)


@dataclass(frozen=True)
class Format:
    name: str  #: the format's name, also the scope of the rules that check its files
    kinds: tuple[Kind, ...]
    comments: Scanner | None  #: where its comments are (halint.core.comments); None: it has none
    #: load(project, entries): ``entries`` maps each of its kinds to [(FileEntry, Source or None)]
    load: Callable[[object, dict[str, list]], None]
    #: what a rule scoped to this format is called with, one call per item
    units: Callable[[object], list]
    #: every file it read (for suppressions and the file count)
    sources: Callable[[object], Iterable]
    syntax_code: str | None = None  #: the finding that says a file cannot be read (never edited by fix)
    #: after the fix loop: (projects, originals, fixed, today) -> [(code, Source, Edit, description)],
    #: the follow-up edits its files need (a zone's serial bump after its records changed)
    after_fix: Callable | None = None
    #: compile: (projects, changed {path: (original, fixed)}, originals, same) -> (the changed
    #: files it writes itself, {path in the tree: bytes}) (routers: a change script, not an edit)
    compile: Callable | None = None
