"""Generate the rule documentation from rules/: docs/rules/<CODE>.md and the README's rule table.

    python tools/gen_docs.py           write docs/rules/*.md and the table in README.md
    python tools/gen_docs.py --check   write nothing; exit 1 and name what is stale

Each page is ``halint explain CODE`` (halint.report.explain.render); the table (code, slug, severity,
fix, summary) goes between the ``<!-- rules:start -->`` and ``<!-- rules:end -->`` markers of
README.md, nothing else of the README is touched. A page whose rule no longer exists is deleted.
tests/test_docs_rules.py fails when the files on disk differ from what this script writes.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without halint installed
    sys.path.insert(0, str(ROOT))

from halint.core import registry  # noqa: E402
from halint.report.explain import render  # noqa: E402

DOCS = ROOT / "docs" / "rules"
README = ROOT / "README.md"
START = "<!-- rules:start -->"
END = "<!-- rules:end -->"
COMMAND = "python tools/gen_docs.py"


class StaleError(Exception):
    pass


def rule_pages() -> dict[str, str]:
    """File name (``KA002.md``) -> page text, for every rule."""
    return {f"{code}.md": render(meta) for code, meta in registry.all_rules().items()}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def rule_table() -> str:
    """The README's rule table (Markdown), each code linking to its page."""
    lines = [
        "| Code | Slug | Severity | Fix | Summary |",
        "| --- | --- | --- | --- | --- |",
    ]
    for code, meta in registry.all_rules().items():
        fix = meta.fix + (" (conditional)" if meta.fix_when else "")
        lines.append(
            f"| [{code}](docs/rules/{code}.md) | `{meta.slug}` | {meta.severity.label} | {fix} "
            f"| {_cell(meta.summary)} |"
        )
    return "\n".join(lines) + "\n"


def readme_with_table(readme: str, table: str) -> str:
    """README text with the table between the markers (which must each appear once, in order)."""
    if readme.count(START) != 1 or readme.count(END) != 1 or readme.index(START) > readme.index(END):
        raise StaleError(f"README.md must hold `{START}` then `{END}`, once each")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table}{END}{tail}"


def stale(docs: Path = DOCS, readme: Path = README) -> list[str]:
    """What differs from the generated text: ``docs/rules/KA002.md (stale)`` and so on."""
    problems: list[str] = []
    pages = rule_pages()
    for name, text in pages.items():
        path = docs / name
        if not path.is_file():
            problems.append(f"docs/rules/{name} (missing)")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"docs/rules/{name} (stale)")
    if docs.is_dir():
        for path in sorted(docs.glob("*.md")):
            if path.name not in pages:
                problems.append(f"docs/rules/{path.name} (no such rule)")
    current = readme.read_text(encoding="utf-8")
    try:
        if readme_with_table(current, rule_table()) != current:
            problems.append("README.md rule table (stale)")
    except StaleError as err:
        problems.append(str(err))
    return problems


def write(docs: Path = DOCS, readme: Path = README) -> list[Path]:
    """Write every page and the README table; returns the files changed or deleted."""
    current = readme.read_text(encoding="utf-8")
    updated = readme_with_table(current, rule_table())  # no markers: nothing is written
    changed: list[Path] = []
    docs.mkdir(parents=True, exist_ok=True)
    pages = rule_pages()
    for name, text in pages.items():
        path = docs / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            changed.append(path)
    for path in sorted(docs.glob("*.md")):
        if path.name not in pages:
            path.unlink()
            changed.append(path)
    if updated != current:
        readme.write_text(updated, encoding="utf-8", newline="\n")
        changed.append(readme)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when stale")
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = stale()
            for problem in problems:
                print(problem)
            if problems:
                print(f"run `{COMMAND}`", file=sys.stderr)
            return 1 if problems else 0
        for path in write():
            print(f"wrote {path.relative_to(ROOT).as_posix()}")
    except StaleError as err:
        print(f"gen_docs: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
