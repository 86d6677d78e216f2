"""SARIF 2.1.0 output for code scanning (INTERFACE.md, "SARIF output").

One run: ``tool.driver.rules`` holds every rule of rules/ (the catalogue, not only the rules that
fired, so that ``ruleIndex`` is stable), each result points at one repo-relative physical
location (uri relative to the tree root, ``uriBaseId`` ``%SRCROOT%``), regions are 1-based with
``endColumn`` exclusive and columns counted in code points (``columnKind``), related places are
``relatedLocations``.

``partialFingerprints.primaryLocationLineHash`` lets GitHub match an alert across runs: a hash
of the rule id and the whitespace-normalised text of the primary line, plus an occurrence counter
for identical lines in one file, so that it survives edits elsewhere in the file. Secrets never
appear in the output, not even hashed: a value after a secret keyword (``auth_pass``,
``password``, ``secret``, ...) is blanked before hashing, and a finding whose message says it
redacted something is hashed from that (already redacted) message instead of its line. No source
text is copied into the document.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from halint import __version__

from halint.core import registry
from halint.core.diagnostic import Reported, Severity, fingerprint
from halint.report.explain import render as explain_page
from halint.core.registry import RuleMeta
from halint.core.source import Span

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
#: where halint lives; rule pages are docs/rules/<CODE>.md there
REPOSITORY = "https://github.com/halint/halint"
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def help_uri(code: str) -> str:
    return f"{REPOSITORY}/blob/main/docs/rules/{code}.md"


def _help_text(meta: RuleMeta) -> str:
    parts = [meta.summary, meta.what, f"Why it matters: {meta.why}"]
    if meta.fix != "none":
        parts.append(f"Fix ({meta.fix}): {meta.fix_text}")
    parts.append(f"Source: {meta.source}")
    return "\n\n".join(parts)


def rule_descriptor(meta: RuleMeta) -> dict:
    return {
        "id": meta.code,
        "name": meta.slug,
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": meta.what},
        "help": {"text": _help_text(meta), "markdown": explain_page(meta)},
        "helpUri": help_uri(meta.code),
        "defaultConfiguration": {"level": LEVELS[meta.severity]},
        "properties": {"tags": [meta.family, meta.scope], "fix": meta.fix},
    }


def artifact_location(span: Span, root: Path) -> dict:
    """The file's uri relative to ``root`` (``%SRCROOT%``); a file outside it gets a file: uri."""
    path = Path(span.source.path)
    try:
        rel = path.relative_to(root)
    except ValueError:
        return {"uri": path.absolute().as_uri()}
    return {"uri": quote(rel.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def region(span: Span) -> dict:
    line, column = span.source.position(span.start)
    end_line, end_column = span.source.position(max(span.end, span.start))
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def physical_location(span: Span, root: Path) -> dict:
    return {"artifactLocation": artifact_location(span, root), "region": region(span)}


def fingerprints(reported: list[Reported], root: Path) -> list[str]:
    """``primaryLocationLineHash`` of each finding, in order: ``<16 hex>:<occurrence>``, the
    occurrence counting findings of one file with the same material in the order reported."""
    seen: dict[tuple[str, str], int] = {}
    out = []
    for item in reported:
        digest = fingerprint(item.diagnostic)
        key = (artifact_location(item.diagnostic.span, root)["uri"], digest)
        seen[key] = seen.get(key, 0) + 1
        out.append(f"{digest}:{seen[key]}")
    return out


def _result(item: Reported, index: int, fingerprint: str, root: Path) -> dict:
    d = item.diagnostic
    result = {
        "ruleId": d.code,
        "ruleIndex": index,
        "level": LEVELS[item.severity],
        "message": {"text": d.message + (f"\n\n{d.note}" if d.note else "")},
        "locations": [{"physicalLocation": physical_location(d.span, root)}],
        "partialFingerprints": {"primaryLocationLineHash": fingerprint},
    }
    if d.related:
        result["relatedLocations"] = [
            {"id": i, "message": {"text": r.message}, "physicalLocation": physical_location(r.span, root)}
            for i, r in enumerate(d.related)
        ]
    return result


def document(reported: list[Reported], files: int, cwd: Path, root: Path | None = None) -> dict:
    """The SARIF log as a dict (``render`` serialises it)."""
    root = Path(root if root is not None else cwd).absolute()
    metas = list(registry.all_rules().values())
    rules = [rule_descriptor(m) for m in metas]
    index = {m.code: i for i, m in enumerate(metas)}
    for item in reported:  # a code with no rules/ folder still gets a descriptor
        if item.code not in index:
            index[item.code] = len(rules)
            rules.append({"id": item.code, "name": item.slug, "defaultConfiguration": {"level": LEVELS[item.severity]}})
    prints = fingerprints(reported, root)
    results = [_result(item, index[item.code], fp, root) for item, fp in zip(reported, prints)]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "halint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": REPOSITORY,
                        "rules": rules,
                    }
                },
                "invocations": [{"executionSuccessful": True, "properties": {"files": files}}],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render(reported: list[Reported], files: int, cwd: Path, root: Path | None = None) -> str:
    """SARIF 2.1.0 text; uris are relative to ``root`` (the checked tree; default ``cwd``)."""
    return json.dumps(document(reported, files, cwd, root), indent=2, ensure_ascii=False) + "\n"
