"""Command line: argument parsing and exit codes, nothing else.

Exit codes: 0 nothing at or above the severity threshold, 1 findings, 2 usage or internal error
(one line on stderr; a traceback only with --debug).
"""
from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from halint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse's default prints usage too)
        raise _Usage(message)


class _Usage(Exception):
    pass


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="halint", description="Lint high-availability configuration repositories.")
    parser.add_argument("--version", action="version", version=f"halint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = sub.add_parser("check", help="lint files and directories (default: .)")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--output", type=Path, metavar="FILE", help="write the report to FILE")
    check.add_argument("--select", action="append", type=_codes, metavar="CODES",
                       help="only these codes, prefixes or slugs (comma-separated)")
    check.add_argument("--ignore", action="append", type=_codes, metavar="CODES",
                       help="skip these codes, prefixes or slugs (comma-separated)")
    check.add_argument("--severity-threshold", choices=("error", "warning", "info"), default="info",
                       help="lowest severity that makes the exit code 1 (default: info)")
    check.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="skip paths matching GLOB (relative to the checked tree)")
    check.add_argument("--base", metavar="GIT-REF",
                       help="what ZN004 compares with (default: the manifest's base, else HEAD)")
    check.add_argument("--config", type=Path, metavar="FILE",
                       help="use this halint.toml (or pyproject.toml) instead of the one found")
    check.add_argument("--no-color", action="store_true", help="no colour (also NO_COLOR)")
    check.add_argument("--verbose", action="store_true", help="also unclassified files and notes")
    check.add_argument("--quiet", action="store_true", help="print only the summary line")
    check.add_argument("--debug", action="store_true", help="show a traceback on internal errors")

    show = sub.add_parser("show", help="show what halint understood: `show clusters` prints each VRRP failover matrix")
    show.add_argument("what", choices=("clusters",))
    show.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.add_argument("--output", type=Path, metavar="FILE", help="write to FILE")
    show.add_argument("--exclude", action="append", default=[], metavar="GLOB")
    show.add_argument("--config", type=Path, metavar="FILE")
    show.add_argument("--verbose", action="store_true", help="also notes")
    show.add_argument("--debug", action="store_true", help="show a traceback on internal errors")

    sub.add_parser("rules", help="list every rule")
    explain = sub.add_parser("explain", help="a rule's documentation")
    explain.add_argument("rule", metavar="CODE|SLUG")
    return parser


def _flatten(groups) -> list[str] | None:
    if not groups:
        return None
    return [code for group in groups for code in group]


def cmd_check(args) -> int:
    from halint.diagnostic import Severity
    from halint.engine import Options, run
    from halint.report import json as json_report
    from halint.report import text as text_report

    options = Options(
        paths=args.paths or [Path(".")],
        select=_flatten(args.select),
        ignore=_flatten(args.ignore) or [],
        verbose=args.verbose,
        exclude=args.exclude,
        base=args.base,
        config=args.config,
    )
    outcome = run(options)
    cwd = Path.cwd()
    if args.format == "json":
        report = json_report.render(outcome.reported, outcome.files, cwd)
    elif args.quiet:
        report = text_report.summary(outcome.reported, outcome.files) + "\n"
    else:
        to_tty = args.output is None and sys.stdout.isatty()
        color = to_tty and not args.no_color and not os.environ.get("NO_COLOR")
        report = text_report.render(outcome.reported, outcome.files, cwd, color)
    _emit(args, report, outcome.notes)
    threshold = Severity.parse(args.severity_threshold)
    return EXIT_FINDINGS if any(r.severity >= threshold for r in outcome.reported) else EXIT_OK


def _emit(args, report: str, notes: list[str]) -> None:
    """--verbose notes on stderr; the report on stdout or, with --output, into a file."""
    if args.verbose:
        for note in notes:
            print(f"halint: {note}", file=sys.stderr)
    if args.output is not None:
        _write_atomic(args.output, report)
    else:
        sys.stdout.write(report)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.halint-tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise _Usage(f"cannot write {path}: {err.strerror or err}") from None


def cmd_show(args) -> int:
    from halint.engine import Options, load_trees
    from halint.inventory.build import build
    from halint.show import clusters_json, clusters_text

    options = Options(paths=args.paths or [Path(".")], exclude=args.exclude, config=args.config, verbose=args.verbose)
    loaded = load_trees(options, need_base=False)
    inventories = [build(item.project) for item in loaded]
    report = clusters_json(inventories) if args.format == "json" else clusters_text(inventories)
    _emit(args, report, [note for item in loaded for note in item.notes])
    return EXIT_OK


def cmd_rules(args) -> int:
    from halint import registry
    from halint.rules import REGISTRY

    rules = registry.all_rules()
    width = max(len(m.slug) for m in rules.values())
    for meta in rules.values():
        fix = meta.fix + (" (conditional)" if meta.fix_when else "")
        status = "" if meta.code in REGISTRY else "  [not checked yet]"
        print(f"{meta.code}  {meta.slug:<{width}}  {meta.severity.label:<7}  fix: {fix:<18}  {meta.summary}{status}")
    return EXIT_OK


def cmd_explain(args) -> int:
    from halint import registry
    from halint.explain import render

    meta = registry.resolve(args.rule)
    if meta is None:
        raise _Usage(f"no rule {args.rule!r}: `halint rules` lists them")
    sys.stdout.write(render(meta))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return EXIT_ERROR
        handler = {"check": cmd_check, "show": cmd_show, "rules": cmd_rules, "explain": cmd_explain}[args.command]
        return handler(args)
    except _Usage as err:
        print(f"halint: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("halint: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as err:  # noqa: BLE001 - the last line of defence: never a traceback
        from halint.engine import UsageError

        if isinstance(err, UsageError):
            print(f"halint: {err}", file=sys.stderr)
            return EXIT_ERROR
        if debug:
            traceback.print_exc()
        print(f"halint: internal error: {type(err).__name__}: {err} (run with --debug for details)", file=sys.stderr)
        return EXIT_ERROR
