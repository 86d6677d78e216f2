"""Command line: argument parsing and exit codes, nothing else.

Exit codes: 0 nothing at or above the severity threshold, 1 findings, 2 usage or internal error
(one line on stderr; a traceback only with --debug), 130 interrupted (Ctrl-C). --verbose and
--quiet never change the exit code.
"""
from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import traceback
from pathlib import Path

from halint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  #: 128 + SIGINT, as shells report a command stopped by Ctrl-C
EXIT_TERMINATED = 143  #: 128 + SIGTERM


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

    def common(cmd) -> None:
        cmd.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        cmd.add_argument("--format", choices=("text", "concise", "json", "sarif", "github"), default="text",
                         help="text (default), concise (one line per finding), json, sarif (SARIF 2.1.0) "
                              "or github (workflow annotations)")
        cmd.add_argument("--output", type=Path, metavar="FILE", help="write the report to FILE")
        cmd.add_argument("--select", action="append", type=_codes, metavar="CODES",
                         help="only these codes, prefixes or slugs (comma-separated)")
        cmd.add_argument("--ignore", action="append", type=_codes, metavar="CODES",
                         help="skip these codes, prefixes or slugs (comma-separated)")
        cmd.add_argument("--severity-threshold", choices=("error", "warning", "info"),
                         help="lowest severity that makes the exit code 1 (default: the manifest's "
                              "severity-threshold, else info)")
        cmd.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                         help="skip paths matching GLOB (relative to the checked tree)")
        cmd.add_argument("--force-exclude", action="store_true",
                         help="leave out files named on the command line that an exclude matches "
                              "(the pre-commit hooks pass every staged file)")
        cmd.add_argument("--base", metavar="GIT-REF",
                         help="what ZN004, HA013 and --new-only compare with (default: the manifest's "
                              "base; in a pre-commit run HEAD; in a GitHub pull request the merge-base "
                              "with origin/$GITHUB_BASE_REF; in a GitLab merge request "
                              "$CI_MERGE_REQUEST_DIFF_BASE_SHA; else HEAD)")
        cmd.add_argument("--config", type=Path, metavar="FILE",
                         help="use this halint.toml (or pyproject.toml) instead of the one found")
        cmd.add_argument("--no-color", action="store_true", help="no colour (also NO_COLOR)")
        cmd.add_argument("--verbose", action="store_true", help="also unclassified files and notes")
        cmd.add_argument("--quiet", action="store_true", help="print only the summary line")
        cmd.add_argument("--debug", action="store_true", help="show a traceback on internal errors")

    check = sub.add_parser("check", help="lint files and directories (default: .)")
    common(check)
    check.add_argument("--no-cache", action="store_true",
                       help="neither read nor write the result cache (also HALINT_NO_CACHE=1)")
    check.add_argument("--new-only", action="store_true",
                       help="report only findings that the git base's version of the tree does not "
                            "already have (matched by code, file and fingerprint, not by line)")
    fix = sub.add_parser("fix", help="apply fixes in place (safe ones; unsafe ones with --unsafe-fixes)")
    common(fix)
    fix.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    fix.add_argument("--diff", action="store_true", help="print a unified diff instead of writing (exit 1 when there is one)")
    compile_ = sub.add_parser("compile", help="write the corrected tree to DIR, never touching the input")
    common(compile_)
    compile_.add_argument("-o", "--out", type=Path, required=True, metavar="DIR", help="where to write the corrected tree")
    compile_.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    compile_.add_argument("--force", action="store_true", help="write into a DIR that is not empty")

    show = sub.add_parser("show", help="show what halint understood: `show clusters` prints each VRRP failover matrix")
    show.add_argument("what", choices=("clusters",))
    show.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.add_argument("--output", type=Path, metavar="FILE", help="write to FILE")
    show.add_argument("--exclude", action="append", default=[], metavar="GLOB")
    show.add_argument("--config", type=Path, metavar="FILE")
    show.add_argument("--verbose", action="store_true", help="also notes")
    show.add_argument("--debug", action="store_true", help="show a traceback on internal errors")

    simulate = sub.add_parser("simulate", help="run each VRRP cluster in the real keepalived (network namespaces, "
                              "needs root) and compare who holds the VIP with `show clusters`")
    simulate.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    simulate.add_argument("--cluster", metavar="VIP|NAME", help="only this cluster: a VIP, its number or an instance name")
    simulate.add_argument("--fail", action="append", metavar="CHECK@HOST",
                          help="fail these checks one at a time (default: each check of the holder)")
    simulate.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1), metavar="N",
                          help="clusters simulated at once, each in its own namespaces (default: CPUs, at most 4)")
    simulate.add_argument("--keep", type=Path, metavar="DIR",
                          help="write the generated keepalived configs and the daemons' logs into DIR (new)")
    simulate.add_argument("--exclude", action="append", default=[], metavar="GLOB")
    simulate.add_argument("--config", type=Path, metavar="FILE")
    simulate.add_argument("--debug", action="store_true", help="show a traceback on internal errors")

    sub.add_parser("rules", help="list every rule")
    explain = sub.add_parser("explain", help="a rule's documentation")
    explain.add_argument("rule", metavar="CODE|SLUG")
    return parser


def _flatten(groups) -> list[str] | None:
    if not groups:
        return None
    return [code for group in groups for code in group]


def _options(args):
    from halint.core.diagnostic import Severity
    from halint.engine.check import Options

    return Options(
        paths=args.paths or [Path(".")],
        select=_flatten(args.select),
        ignore=_flatten(args.ignore) or [],
        verbose=args.verbose,
        exclude=args.exclude,
        base=args.base,
        config=args.config,
        force_exclude=args.force_exclude,
        new_only=getattr(args, "new_only", False),
        threshold=Severity.parse(args.severity_threshold) if args.severity_threshold else None,
    )


#: what the default git base depends on besides the files (halint/project/gitbase.py)
BASE_ENVIRONMENT = ("PRE_COMMIT", "GITHUB_BASE_REF", "CI_MERGE_REQUEST_DIFF_BASE_SHA")


def cmd_check(args) -> int:
    from halint.engine import resultcache

    color = _color(args)
    cache_key = None
    if not resultcache.disabled(args.no_cache):
        settings = {
            "paths": [os.path.abspath(p) for p in args.paths or [Path(".")]], "format": args.format,
            "select": args.select, "ignore": args.ignore, "threshold": args.severity_threshold,
            "exclude": args.exclude, "base": args.base, "verbose": args.verbose, "quiet": args.quiet,
            "color": color, "today": _today().isoformat(), "new_only": args.new_only,
            "force_exclude": args.force_exclude, "environment": {k: os.environ.get(k, "") for k in BASE_ENVIRONMENT},
        }
        cache_key = resultcache.key(settings, [Path(p) for p in settings["paths"]], args.config)
        hit = resultcache.get(cache_key) if cache_key else None
        if hit is not None:
            _emit(args, hit.report, list(hit.notes), list(hit.warnings))
            return hit.code
    from halint.engine.check import run

    outcome = run(_options(args))
    report, code = _render(args, outcome)
    _emit(args, report, outcome.notes, outcome.warnings)
    if cache_key:
        resultcache.put(cache_key, resultcache.Result(report, tuple(outcome.notes), code, tuple(outcome.warnings)))
    return code


def _today():
    import datetime

    return datetime.date.today()


def _color(args) -> bool:
    to_tty = args.format == "text" and args.output is None and sys.stdout.isatty()
    return to_tty and not args.no_color and not os.environ.get("NO_COLOR")


def _report(args, outcome, prefix: str = "", fixes=None) -> int:
    report, code = _render(args, outcome, "" if args.quiet else prefix, fixes)
    _emit(args, report, outcome.notes, outcome.warnings)
    return code


def _render(args, outcome, prefix: str = "", fixes=None) -> tuple[str, int]:
    """The report's text and the exit code."""
    from halint.report import json as json_report
    from halint.report import text as text_report

    cwd = Path.cwd()
    if args.format == "json":
        report = json_report.render(outcome.reported, outcome.files, cwd, fixes)
    elif args.format == "sarif":
        from halint.report import sarif

        # uris relative to the current folder, as in every other format: CI runs from the
        # repository root, where code scanning resolves them
        report = sarif.render(outcome.reported, outcome.files, cwd, cwd)
    elif args.format == "github":
        from halint.report import github

        report = github.render(outcome.reported, cwd)
    elif args.quiet:
        report = text_report.summary(outcome.reported, outcome.files) + "\n"
    elif args.format == "concise":
        report = text_report.concise(outcome.reported, outcome.files, cwd)
    else:
        report = text_report.render(outcome.reported, outcome.files, cwd, _color(args))
    if args.format in ("text", "concise"):
        report = prefix + report
    return report, EXIT_FINDINGS if outcome.failed() else EXIT_OK


def cmd_fix(args) -> int:
    from halint.engine.check import Scope
    from halint.fix.loop import ChangedOnDisk, NoConvergence, fix_tree, write_in_place
    from halint.fix.writes import CannotWrite, check_writable

    options = _options(args)
    try:
        # a fix edits only what the paths given cover (the whole tree is read for context)
        result = fix_tree(options, unsafe=args.unsafe_fixes, only=Scope.of(options.paths))
    except NoConvergence as err:
        raise _Usage(str(err)) from None
    changed = result.changed()
    if args.diff:
        diff = _unified_diff(changed)
        if args.output is not None:
            _write_atomic(args.output, diff)
        else:
            sys.stdout.write(diff)
        return EXIT_FINDINGS if changed else EXIT_OK
    try:
        if args.output is not None:  # the report too, or nothing: known before any fix is written
            check_writable(args.output)
        write_in_place(changed)
    except (ChangedOnDisk, CannotWrite) as err:
        raise _Usage(str(err)) from None
    return _report(args, result.final, _fix_lines(result, "fixed"), _fix_json(result))


def cmd_compile(args) -> int:
    from halint.fix.compile import CompileError, compile_tree
    from halint.fix.loop import NoConvergence

    try:
        result, written = compile_tree(_options(args), args.out, unsafe=args.unsafe_fixes, force=args.force)
    except (NoConvergence, CompileError) as err:
        raise _Usage(str(err)) from None
    from halint.engine.check import run, tree_root

    lines = _fix_lines(result, "fixed").replace("what remains:", "the compiled tree:")
    lines += "".join(f"wrote {_shown(p)}\n" for p in written)
    # what remains is read back from DIR: the check of the compiled tree, as a user will run it,
    # with the comparisons (ZN004, HA013) made against the SOURCE tree's git base: DIR has none
    options = _options(args)
    source = tree_root(options.paths[0])
    out = Path(os.path.abspath(args.out))
    options.paths = [out]
    options.exclude = []
    options.base_root, options.base_alias = source, (out, source)
    return _report(args, run(options), lines, _fix_json(result, written))


def _shown(path: Path) -> str:
    from halint.core.source import display_path

    return display_path(path)


def _fix_lines(result, verb: str) -> str:
    out = [f"{verb}: {_shown(a.path)}:{a.line}: {a.code} {a.description}" for a in result.applied]
    out += [f"not fixed: {_shown(s.path)}:{s.line}: {s.code} {s.description} ({s.reason})" for s in result.skipped]
    if out:
        out.append(f"{len(result.applied)} fix{'es' if len(result.applied) != 1 else ''} applied; what remains:")
    return "\n".join(out) + ("\n" if out else "")


def _fix_json(result, written=()) -> dict:
    def record(r):
        item = {"code": r.code, "path": _shown(r.path), "line": r.line, "description": r.description, "safety": r.safety}
        if r.reason:
            item["reason"] = r.reason
        return item

    doc = {"applied": [record(a) for a in result.applied], "skipped": [record(s) for s in result.skipped]}
    if written:
        doc["written"] = [_shown(p) for p in written]
    return doc


def _unified_diff(changed) -> str:
    """The diff of every changed file, with secret values redacted (context lines too)."""
    import difflib

    from halint.core.secrets import redact

    out = []
    for path, (original, fixed) in sorted(changed.items()):
        name = _shown(path)
        diff = difflib.unified_diff(original.text.splitlines(True), fixed.text.splitlines(True), f"a/{name}", f"b/{name}")
        out.extend(line if line.startswith(("---", "+++", "@@")) else redact(line) for line in diff)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)


def _emit(args, report: str, notes: list[str], warnings: list[str] = ()) -> None:
    """Warnings (a comparison that could not run, a path with nothing to check) on stderr
    unless --quiet; --verbose notes too; the report on stdout or, with --output, into a file."""
    if not getattr(args, "quiet", False):
        for warning in warnings:
            print(f"halint: {warning}", file=sys.stderr)
    if args.verbose:
        for note in notes:
            print(f"halint: {note}", file=sys.stderr)
    if args.output is not None:
        _write_atomic(args.output, report)
    else:
        sys.stdout.write(report)


def _write_atomic(path: Path, text: str) -> None:
    """--output FILE: the whole report or nothing (halint.fix.writes), one line when it cannot be."""
    from halint.fix.writes import CannotWrite, write_files

    try:
        write_files({path: text.encode("utf-8")})
    except CannotWrite as err:
        raise _Usage(str(err)) from None


def cmd_show(args) -> int:
    from halint.engine.check import Options, load_trees
    from halint.inventory.build import build
    from halint.report.clusters import clusters_json, clusters_text

    options = Options(paths=args.paths or [Path(".")], exclude=args.exclude, config=args.config, verbose=args.verbose)
    loaded = load_trees(options, need_base=False)
    inventories = [build(item.project) for item in loaded]
    # a path inside a tree shows the clusters that its files take part in (the whole tree is read)
    shown = {
        id(cluster) for item, inventory in zip(loaded, inventories) for cluster in inventory.clusters
        if item.scope is None or any(item.scope.covers(src.path) for node in cluster.nodes for src in node.unit.effective.sources)
    }

    def keep(cluster) -> bool:
        return id(cluster) in shown

    report = clusters_json(inventories, keep) if args.format == "json" else clusters_text(inventories, keep=keep)
    _emit(args, report, [note for item in loaded for note in item.notes])
    return EXIT_OK


def cmd_simulate(args) -> int:
    from halint.simulate import main as simulate

    return simulate(args)


def cmd_rules(args) -> int:
    from halint.core import registry
    from halint.engine import suppress
    from halint.rules import REGISTRY

    rules = registry.all_rules()
    width = max(len(m.slug) for m in rules.values())
    for meta in rules.values():
        fix = meta.fix + (" (conditional)" if meta.fix_when else "")
        status = "" if meta.code in REGISTRY or meta.code in suppress.META else "  [not checked yet]"
        print(f"{meta.code}  {meta.slug:<{width}}  {meta.severity.label:<7}  fix: {fix:<18}  {meta.summary}{status}")
    return EXIT_OK


def cmd_explain(args) -> int:
    from halint.core import registry
    from halint.report.explain import render

    meta = registry.resolve(args.rule)
    if meta is None:
        raise _Usage(f"no rule {args.rule!r}: `halint rules` lists them")
    sys.stdout.write(render(meta))
    return EXIT_OK


def _parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """parse_args, with PATHs allowed after options too (``halint show clusters --format json
    configs/``): argparse fills a ``nargs="*"`` positional once, so later paths come back as
    extras; they join ``paths``, and anything else is the usual usage error."""
    args, extras = parser.parse_known_args(argv)
    paths = getattr(args, "paths", None)
    if extras and paths is not None and "--" not in extras and not any(e.startswith("-") and e != "-" for e in extras):
        args.paths = [*paths, *(Path(e) for e in extras)]
        return args
    if extras:
        parser.parse_args(argv)  # raises _Usage with argparse's own message
    return args


def main(argv: list[str] | None = None) -> int:
    # a run is a short-lived process whose data lives until it exits: the cyclic garbage
    # collector only costs time there (measured: 3.7 s of 11.8 s on the generated 2,000-host
    # tree of benchmarks/tree.py, with the same peak memory without it)
    if argv is None:
        gc.disable()
    parser = build_parser()
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        args = _parse(parser, argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return EXIT_ERROR
        handler = {"check": cmd_check, "fix": cmd_fix, "compile": cmd_compile, "show": cmd_show,
                   "simulate": cmd_simulate, "rules": cmd_rules, "explain": cmd_explain}[args.command]
        return handler(args)
    except _Usage as err:
        print(f"halint: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt as err:
        if getattr(err, "signum", None) == signal.SIGTERM:  # halint simulate's SIGTERM
            print("halint: terminated", file=sys.stderr)
            return EXIT_TERMINATED
        print("halint: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as err:  # noqa: BLE001 - the last line of defence: never a traceback
        from halint.core.registry import MetadataError

        if isinstance(err, MetadataError):  # rules/ itself is broken (a rule.toml, a rule's module)
            print(f"halint: {err}", file=sys.stderr)
            return EXIT_ERROR
        from halint.engine.check import UsageError

        if isinstance(err, UsageError):
            print(f"halint: {err}", file=sys.stderr)
            return EXIT_ERROR
        if debug:
            traceback.print_exc()
        print(f"halint: internal error: {type(err).__name__}: {err} (run with --debug for details)", file=sys.stderr)
        return EXIT_ERROR
