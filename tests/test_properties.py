"""Properties that hold for any input: the keepalived lexer covers its text exactly, the front
end (read_line model, parser, evaluation) never raises, and neither does the whole engine or
the CLI, whatever bytes a file holds; every diagnostic points inside its file.

Hypothesis runs derandomized with bounded example counts, so the file is deterministic and
takes well under a minute.
"""
from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

import pytest
from conftest import corpus_dir
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from halint.cli import main as cli_main
from halint.engine.check import Options, run
from halint.core.fsview import SourceCache, TreeView
from halint.formats.keepalived.evaluate import evaluate
from halint.formats.keepalived.parser import parse, parse_with_lark
from halint.formats.keepalived.lexer import lex, lex_line
from halint.formats.keepalived.reader import _Text, decomment, preprocess
from halint.formats.keepalived.schema import load_schema
from halint.core.source import Source, Span

KINDS = {"WS", "NL", "WORD", "STRING", "OPEN_STRING", "LBRACE", "RBRACE", "COMMENT", "CONT"}

#: characters that matter to keepalived's reader, and pieces of its syntax
CHARS = list(' \t\r\n"{}#!\\$@~(),=_*?[]/\'\v\f')
SPECIAL = CHARS + ["\r\n", "\\\n", "\\#", '\\"']
PIECES = [
    "vrrp_instance VI_1 ", "global_defs", "virtual_server 10.0.0.1 80 ", "real_server ",
    "priority 100", "state MASTER", "interface eth0", "virtual_ipaddress", "track_script",
    "include ", "includer ", "include *.conf", "include sub/{a,b}.conf", "include ../../x",
    "$A=", "$A", "${A}", "$B=$A x", "$B", "$M=m1 \\", "$M", "${_PWD}", "$_HASH", "${_BANG}",
    "${_RANDOM 1 5}", "$_INSTANCE", "~SEQ(i, 3) ", "~SEQ(i, 5, -2, 1) ", "~SEQx(i, 9, 12) ",
    "~SEQ(i", "~LST(v, a, b) ", "~LST({v, w}, {a, 1}, b) ", "~LST(", "k$i", "k$v$w",
    "@web ", "@^web ", "@", "{", "}", " { ", " } ", '"', '"a b"', "#", "!", "\\", "\n", "\r\n",
    " ", "\t", "x" * 40,
]

texts = st.one_of(
    st.text(alphabet=st.one_of(st.sampled_from(CHARS), st.characters(blacklist_categories=("Cs",))), max_size=300),
    st.lists(st.sampled_from(PIECES + SPECIAL), max_size=60).map("".join),
)

BOUNDED = settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


# -- the lexer ----------------------------------------------------------------------------------


def _assert_cover(text: str, lexemes, base: int = 0) -> None:
    at = base
    for lexeme in lexemes:
        assert lexeme.kind in KINDS
        assert lexeme.start == at, (text, lexemes)
        assert lexeme.end > lexeme.start, (text, lexemes)
        at = lexeme.end
    assert at == base + len(text)
    assert "".join(text[lx.start - base : lx.end - base] for lx in lexemes) == text


@BOUNDED
@given(text=texts, comment_continues=st.booleans())
def test_lexemes_cover_any_text_exactly(text, comment_continues):
    lexemes = lex(text, comment_continues=comment_continues)
    _assert_cover(text, lexemes)
    for lexeme in lexemes:
        piece = text[lexeme.start : lexeme.end]
        if lexeme.kind == "NL":
            assert piece.strip("\r") in ("\n", "")
        else:
            assert "\n" not in piece
        if lexeme.kind in ("LBRACE", "RBRACE"):
            assert piece in "{}"
        if lexeme.kind == "CONT":
            assert piece == "\\"


@BOUNDED
@given(line=texts.map(lambda t: t.replace("\n", "")), base=st.integers(0, 50), comment_continues=st.booleans())
def test_lex_line_covers_one_line(line, base, comment_continues):
    _assert_cover(line, lex_line(line, base, comment_continues), base)


# -- the front end ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """A small tree for include lines to find: files, a folder, an executable file."""
    root = tmp_path_factory.mktemp("tree")
    (root / "a.conf").write_text("$A=from_a\n~SEQ(i, 2) k$i\ninclude b.conf\n")
    (root / "b.conf").write_text("vrrp_instance VI_9 {\n  $A\n}\ninclude a.conf\n")
    (root / "sub").mkdir()
    (root / "sub" / "a.conf").write_text("}\n{\n")
    (root / "sub" / "b.conf").write_bytes(b"k \xff\xfe\n")
    (root / "x").write_text("k x\n")
    os.chmod(root / "x", 0o755)
    return root


@pytest.fixture(scope="module")
def schema():
    return load_schema()


def _valid_span(span: Span) -> None:
    text = span.source.text
    assert 0 <= span.start <= span.end <= len(text), span
    line, column = span.source.position(span.start)
    starts = span.source.line_starts
    assert 1 <= line <= len(starts)
    assert column >= 1
    assert starts[line - 1] + column - 1 == span.start


@BOUNDED
@given(text=texts, config_id=st.sampled_from([None, "web", "lb1"]))
def test_front_end_never_raises(tree, schema, text, config_id):
    # as halint.project.loader.load_keepalived(): preprocess -> parse -> evaluate
    source = Source(tree / "keepalived.conf", text)
    cache = SourceCache()
    cache.put(source)
    pre = preprocess(source, TreeView(tree, tree), cache, config_id)
    parsed = parse(pre)
    # the stack builder builds exactly the tree Lark's LALR parser builds from the grammar
    assert parsed == parse_with_lark(pre)
    evaluate(schema, pre, parsed, source, None, config_id)
    for tok in pre.tokens:
        assert tok.kind in ("WORD", "LBRACE", "RBRACE", "NL")
        _valid_span(tok.span)
        if tok.expanded is not None:
            _valid_span(tok.expanded)
    for problem in pre.problems + parsed.problems:
        assert problem.code in ("KA001", "KA009")
        _valid_span(problem.span)


@BOUNDED
@given(line=texts.map(lambda t: t.replace("\n", "")), comment_continues=st.booleans())
def test_decomment_never_raises(line, comment_continues):
    source = Source(Path("/nonexistent/keepalived.conf"), line)
    out, open_quote = decomment(_Text.physical(source, 0, len(line)), comment_continues)
    assert len(out.text) == len(out.starts) == len(out.ends)
    assert all(0 <= s < e <= len(line) for s, e in zip(out.starts, out.ends))
    assert out.text == out.text.strip(" \t") or out.text.endswith("\\")
    if open_quote is not None:
        assert line[open_quote] == '"'


# -- the whole engine ---------------------------------------------------------------------------


def _check_outcome(outcome) -> None:
    for item in outcome.reported:
        diag = item.diagnostic
        _valid_span(diag.span)
        for related in diag.related:
            _valid_span(related.span)


def _engine_on(data: bytes, name: str = "keepalived.conf"):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        outcome = run(Options(paths=[Path(folder)]))
        _check_outcome(outcome)
        return outcome, path


@settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(st.binary(max_size=400), texts.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_engine_never_raises_on_any_bytes(data):
    _engine_on(data)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(data=st.binary(max_size=200), at=st.integers(0, 200))
def test_a_nul_byte_is_hl001(data, at):
    at = min(at, len(data))
    outcome, path = _engine_on(data[:at] + b"\0" + data[at:])
    codes = [r.diagnostic.code for r in outcome.reported]
    assert "HL001" in codes
    assert any(Path(r.diagnostic.span.source.path).name == path.name for r in outcome.reported if r.diagnostic.code == "HL001")


# -- mutations of the shared corpus ---------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_files():
    return sorted(p for p in corpus_dir("keepalived").iterdir() if p.is_file())


def test_the_stack_builder_equals_lark_on_every_corpus_file(corpus_files, tmp_path):
    for path in corpus_files:
        source = Source(tmp_path / "keepalived.conf", path.read_bytes().decode("utf-8", "replace"))
        cache = SourceCache()
        cache.put(source)
        pre = preprocess(source, TreeView(tmp_path, tmp_path), cache, None)
        parsed = parse(pre)
        assert parsed == parse_with_lark(pre), path.name
        assert parsed.statements or not [t for t in pre.tokens if t.kind == "WORD"], path.name


MUTATIONS = ["delete", "duplicate", "swap", "truncate", "lbrace", "rbrace", "nul", "utf8", "crlf", "cr"]


def mutate(data: bytes, ops: list[tuple[str, int, int]]) -> bytes:
    for op, a, b in ops:
        lines = data.split(b"\n")
        i, j = a % len(lines), b % len(lines)
        at = a % (len(data) + 1)
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "truncate":
            data = data[:at]
            continue
        elif op in ("lbrace", "rbrace", "nul", "utf8"):
            insert = {"lbrace": b"{", "rbrace": b"}", "nul": b"\0", "utf8": b"\xff\xc3("}[op]
            data = data[:at] + insert + data[at:]
            continue
        elif op == "crlf":
            lines = [line + b"\r" if k % 2 == b % 2 else line for k, line in enumerate(lines)]
        elif op == "cr":
            lines[i] = lines[i] + b"\r" + lines[j]
        data = b"\n".join(lines)
    return data


operations = st.lists(st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(choice=st.integers(0, 10**6), ops=operations)
def test_engine_survives_corpus_mutations(corpus_files, choice, ops):
    original = corpus_files[choice % len(corpus_files)]
    data = mutate(original.read_bytes(), ops)
    outcome, _ = _engine_on(data)
    if b"\0" in data:
        assert "HL001" in [r.diagnostic.code for r in outcome.reported]


def test_every_corpus_file_survives_a_fixed_mutation(corpus_files):
    rng = random.Random(2207)
    for original in corpus_files:
        ops = [(rng.choice(MUTATIONS[:6] + MUTATIONS[7:]), rng.randrange(10**6), rng.randrange(10**6)) for _ in range(3)]
        _engine_on(mutate(original.read_bytes(), ops))


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cli_on_a_mutated_file_exits_0_or_1(corpus_files, tmp_path, capsys, fmt):
    original = max(corpus_files, key=lambda p: p.read_bytes().count(b"{"))
    data = mutate(original.read_bytes(), [("rbrace", 200, 0), ("swap", 3, 17), ("utf8", 900, 0), ("crlf", 0, 1), ("delete", 40, 0)])
    path = tmp_path / "keepalived.conf"
    path.write_bytes(data)
    code = cli_main(["check", "--format", fmt, "--no-color", str(path)])
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err
    assert not any(line.startswith("Traceback") for line in captured.err.splitlines())
    assert "internal error" not in captured.err
    assert captured.out


PLAIN_LINES = st.lists(
    st.lists(st.sampled_from(["vrrp_instance", "VI_1", "priority", "100", "{", "}", "10.0.0.1/24", " ", "\t", "  "]),
             max_size=8).map("".join),
    max_size=12,
).map("\n".join)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(PLAIN_LINES)
def test_the_plain_line_fast_path_reads_like_the_full_reader(text):
    """Lines of words, blanks and braces take a fast path; it must give exactly the tokens the
    full reader (decomment, brace splitting, word splitting) gives."""
    from halint.formats.keepalived import reader as keepalived_pre

    def tokens(fast: bool):
        source = Source(Path("/tmp/plain/keepalived.conf"), text)
        view = TreeView(Path("/tmp/plain"), Path("/tmp/plain"))
        pre = keepalived_pre.Preprocessor(view, SourceCache(), None)
        if not fast:
            pre._plain = lambda *_args: False
        out = pre.run(source)
        return [(t.kind, t.value, t.span.start, t.span.end) for t in out.tokens]

    assert tokens(True) == tokens(False)


# -- every front end, through the whole engine ----------------------------------------------------

#: where a file of each kind sits in a conventional tree, and what it starts from
FRONT_ENDS = {
    "zone": ("hosts/ns/etc/bind/db.example.com", "zones"),
    "ios-running": ("routers/R1.ios", "ios"),
    "ios-changes": ("routers/R1.changes.ios", None),
    "named": ("hosts/ns/etc/bind/named.conf", None),
    "interfaces": ("hosts/ns/etc/network/interfaces", None),
    "machine-id": ("hosts/ns/etc/machine-id", None),
}
LEIDOSCOPE = Path(__file__).resolve().parent.parent / "examples" / "leidoscope"
SEEDS = {
    "ios-changes": (LEIDOSCOPE / "routers" / "Rnet92i.changes.ios").read_bytes(),
    "named": (LEIDOSCOPE / "hosts" / "web" / "etc" / "bind" / "named.conf.local").read_bytes(),
    "interfaces": (LEIDOSCOPE / "hosts" / "web2" / "etc" / "network" / "interfaces").read_bytes(),
    "machine-id": b"0123456789abcdef0123456789abcdef\n",
}


def _tree_engine_on(files: dict[str, bytes]):
    with tempfile.TemporaryDirectory() as folder:
        for rel, data in files.items():
            path = Path(folder) / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        outcome = run(Options(paths=[Path(folder)], verbose=True))
        _check_outcome(outcome)
        return outcome


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(FRONT_ENDS)), choice=st.integers(0, 10**6), ops=operations)
def test_every_front_end_survives_mutations(kind, choice, ops):
    rel, folder = FRONT_ENDS[kind]
    if folder is None:
        original = SEEDS[kind]
    else:
        files = sorted(p for p in corpus_dir(folder).iterdir() if p.is_file() and p.stat().st_size < 200_000)
        original = files[choice % len(files)].read_bytes()
    data = mutate(original, ops)
    # the running-config beside its change script, so that scripts are applied to something
    tree = {rel: data}
    if kind == "ios-changes":
        tree["routers/R1.ios"] = (LEIDOSCOPE / "routers" / "Rnet92i.ios").read_bytes()
    outcome = _tree_engine_on(tree)
    if b"\0" in data:
        assert "HL001" in [r.diagnostic.code for r in outcome.reported]


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(FRONT_ENDS)), data=st.one_of(st.binary(max_size=300), texts.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_every_front_end_survives_any_bytes(kind, data):
    _tree_engine_on({FRONT_ENDS[kind][0]: data})
