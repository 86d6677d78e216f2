"""keepalived's reader as halint models it: halint/formats/keepalived/reader.py (read_line()) and
halint/formats/keepalived/parser.py (the statement tree), on small configurations written to tmp_path.

Every fact tested here is keepalived 2.2.7's (lib/parser.c: read_line, decomment, replace_param,
find_definition, check_definition, add_seq, add_lst, check_include, open_glob_file,
alloc_strvec_r). The tests at the end compare halint with the real keepalived (`keepalived -t`)
on configurations engineered so that every line keepalived reads is an unknown keyword at the
top level: keepalived then names each line it reads ("Unknown keyword 'x'"), which shows its
line splitting and its expansions.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import write

from halint.core.fsview import SourceCache, TreeView
from halint.formats.keepalived.parser import ParseResult, Statement, parse
from halint.formats.keepalived.reader import Preprocessed, Problem, Token, preprocess
from halint.core.source import SourceError

# -- helpers ------------------------------------------------------------------------------------


@dataclass
class Read:
    pre: Preprocessed
    parsed: ParseResult

    @property
    def statements(self) -> tuple[Statement, ...]:
        return self.parsed.statements

    @property
    def problems(self) -> list[Problem]:
        return self.pre.problems + self.parsed.problems

    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def lines(self) -> list[list[str]]:
        """The logical lines keepalived's read_line() returns: word values, braces as such."""
        return [[t.value for t in line] for line in self.token_lines()]

    def token_lines(self) -> list[list[Token]]:
        out: list[list[Token]] = []
        current: list[Token] = []
        for tok in self.pre.tokens:
            if tok.kind == "NL":
                if current:
                    out.append(current)
                current = []
            else:
                current.append(tok)
        if current:
            out.append(current)
        return out

    def words(self) -> list[Token]:
        return [t for t in self.pre.tokens if t.kind == "WORD"]

    def word(self, value: str) -> Token:
        found = [t for t in self.words() if t.value == value]
        assert found, f"no word {value!r} in {[t.value for t in self.words()]}"
        return found[0]


def read(tmp_path: Path, text: str | bytes, *, rel: str = "keepalived.conf", config_id: str | None = None,
         host_root: Path | None = None, files: dict[str, str | bytes] | None = None) -> Read:
    """Preprocess and parse ``rel`` as halint.project.loader.load_keepalived() does."""
    for name, body in (files or {}).items():
        write(tmp_path, name, body)
    path = write(tmp_path, rel, text)
    cache = SourceCache()
    source = cache.get(path)
    assert not isinstance(source, SourceError), source
    view = TreeView(tmp_path, host_root or tmp_path)
    pre = preprocess(source, view, cache, config_id)
    return Read(pre, parse(pre))


def pos(item) -> tuple[int, int]:
    """(line, column) where a token, problem or span starts."""
    span = getattr(item, "span", item)
    return span.source.position(span.start)


def end(item) -> tuple[int, int]:
    span = getattr(item, "span", item)
    return span.source.position(span.end)


def shape(statements) -> list:
    """A statement tree as nested lists: [keyword, args..., [block...]]."""
    out = []
    for stmt in statements:
        entry: list = [t.value for t in stmt.words]
        if stmt.block is not None:
            entry.append(shape(stmt.block.statements))
        out.append(entry)
    return out


def problem(result: Read, code: str, text: str) -> Problem:
    found = [p for p in result.problems if p.code == code and text in p.message]
    assert found, f"no {code} mentioning {text!r} in {[(p.code, p.message) for p in result.problems]}"
    return found[0]


# -- comments -----------------------------------------------------------------------------------


def test_hash_and_bang_comments_at_line_start(tmp_path):
    r = read(tmp_path, "# a comment\n! another\n   # indented\nrouter_id r1\n")
    assert r.lines() == [["router_id", "r1"]]
    assert pos(r.word("router_id")) == (4, 1)
    assert r.problems == []


def test_comments_after_a_statement(tmp_path):
    r = read(tmp_path, "priority 100 # the master\nstate BACKUP! no blank needed\nnopreempt#\n")
    assert r.lines() == [["priority", "100"], ["state", "BACKUP"], ["nopreempt"]]
    assert pos(r.word("BACKUP")) == (2, 7)


def test_comment_characters_inside_double_quotes_are_text(tmp_path):
    r = read(tmp_path, 'notify "/bin/echo # not ! a comment" # a comment\n')
    assert r.lines() == [["notify", "/bin/echo # not ! a comment"]]
    word = r.words()[1]
    assert word.quoted
    assert pos(word) == (1, 8)
    assert end(word) == (1, 37)  # the span covers the quotes


def test_escaped_hash_and_bang_are_literal(tmp_path):
    r = read(tmp_path, "auth_pass ab\\#cd \\!x # comment\n")
    assert r.lines() == [["auth_pass", "ab#cd", "!x"]]
    word = r.word("ab#cd")
    assert pos(word) == (1, 11)
    assert end(word) == (1, 17)  # `ab\#cd`: the backslash inside is part of the span
    assert pos(r.word("!x")) == (1, 19)  # a span covers the characters kept: `!x`


def test_crlf_line_ends(tmp_path):
    r = read(tmp_path, b"vrrp_instance VI_1 {\r\n    state MASTER\r\n}\r\n")
    assert shape(r.statements) == [["vrrp_instance", "VI_1", [["state", "MASTER"]]]]
    master = r.word("MASTER")
    assert pos(master) == (2, 11)
    assert master.span.text == "MASTER"  # no \r in the word or its span
    assert r.problems == []


def test_file_without_final_newline(tmp_path):
    r = read(tmp_path, "global_defs {\n  router_id r1\n}")
    assert shape(r.statements) == [["global_defs", [["router_id", "r1"]]]]
    close = r.statements[0].block.close
    assert close is not None and pos(close) == (3, 1)
    assert r.problems == []


def test_tabs_separate_words_and_columns_count_characters(tmp_path):
    r = read(tmp_path, "\tpriority\t\t150\t\n")
    assert r.lines() == [["priority", "150"]]
    assert pos(r.word("priority")) == (1, 2)
    assert pos(r.word("150")) == (1, 12)


def test_latin1_bytes_decode(tmp_path):
    r = read(tmp_path, b"router_id caf\xe9 x # \xe9t\xe9\n")
    assert r.pre.sources[0].encoding == "latin-1"
    assert r.lines() == [["router_id", "caf\u00e9", "x"]]
    assert pos(r.word("x")) == (1, 16)


def test_a_byte_order_mark_sticks_to_the_first_word_unless_skipped(tmp_path):
    # keepalived reads the mark (bytes EF BB BF) with fgets() like any byte of the first line,
    # in the main file and in included ones; the intended reading skips it
    data = b"\xef\xbb\xbfinclude more.conf\nvrrp_script a {\n}\n"
    r = read(tmp_path, data, files={"more.conf": b"\xef\xbb\xbfvrrp_script b {\n}\n"})
    source = r.pre.sources[0]
    assert source.bom and source.text.startswith("\ufeffinclude") and source.encode(source.text) == data
    assert r.lines()[0] == ["\ufeffinclude", "more.conf"] and pos(r.word("\ufeffinclude")) == (1, 1)
    assert r.pre.inclusions == [] and len(r.pre.sources) == 1
    cache = SourceCache()
    plain = preprocess(cache.get(tmp_path / "keepalived.conf"), TreeView(tmp_path, tmp_path), cache, None, skip_bom=True)
    lines = Read(plain, parse(plain)).lines()
    assert lines == [["vrrp_script", "b"], ["{"], ["}"], ["vrrp_script", "a"], ["{"], ["}"]]
    assert [pos(t) for t in plain.tokens if t.value == "vrrp_script"] == [(1, 2), (2, 1)]


def test_a_byte_order_mark_before_latin1_bytes_stays_three_bytes(tmp_path):
    data = b"\xef\xbb\xbf# caf\xe9\nrouter_id x\n"
    r = read(tmp_path, data)
    source = r.pre.sources[0]
    assert source.encoding == "latin-1" and source.text == "\ufeff# caf\u00e9\nrouter_id x\n"
    assert source.encode(source.text) == data and source.encode(source.text[1:]) == data[3:]
    assert r.lines() == [["\ufeff"], ["router_id", "x"]]


def test_vertical_tab_form_feed_and_lone_cr_separate_words(tmp_path):
    # alloc_strvec_r() splits at WHITE_SPACE (" \t\f\n\r\v"), decomment() only trims blanks
    r = read(tmp_path, "k1\va\nk2\fb\n\fk3\nk4\rk5\n")
    assert r.lines() == [["k1", "a"], ["k2", "b"], ["k3"], ["k4", "k5"]]
    assert pos(r.word("k3")) == (3, 2)
    assert pos(r.word("k5")) == (4, 4)


# -- quotes -------------------------------------------------------------------------------------


def test_quoted_script_is_one_word(tmp_path):
    r = read(tmp_path, 'vrrp_script chk {\n  script "/bin/check x"\n}\n')
    assert shape(r.statements) == [["vrrp_script", "chk", [["script", "/bin/check x"]]]]
    word = r.word("/bin/check x")
    assert word.quoted
    assert pos(word) == (2, 10)
    assert word.span.text == '"/bin/check x"'


def test_quote_inside_a_word_starts_a_new_word(tmp_path):
    r = read(tmp_path, 'k1 a"b c"d\n')
    assert r.lines() == [["k1", "a", "b c", "d"]]


def test_unterminated_quote_is_ka001_at_the_quote(tmp_path):
    r = read(tmp_path, 'script "/bin/check x\nrouter_id r1\n')
    p = problem(r, "KA001", "unterminated quote")
    assert pos(p) == (1, 8)
    assert len(r.problems) == 1
    assert r.lines() == [["script"], ["router_id", "r1"]]  # the rest of the file is read


def test_escaped_quote_closes_for_word_splitting(tmp_path):
    # decomment() skips `\"`, alloc_strvec_r() does not: keepalived reports "Unmatched quote"
    r = read(tmp_path, '"k\\"x" z\nnext\n')
    assert r.lines() == [["k\\", "x"], ["next"]]
    p = problem(r, "KA001", "unterminated quote")
    assert pos(p) == (1, 6)


# -- braces -------------------------------------------------------------------------------------


def test_one_line_block_gives_the_same_tree_as_the_multi_line_form(tmp_path):
    one = read(tmp_path, "vrrp_instance VI { track_script { chk_a chk_b } priority 1 }\n", rel="one.conf")
    many = read(
        tmp_path,
        "vrrp_instance VI {\n  track_script {\n    chk_a chk_b\n  }\n  priority 1\n}\n",
        rel="many.conf",
    )
    expected = [["vrrp_instance", "VI", [["track_script", [["chk_a", "chk_b"]]], ["priority", "1"]]]]
    assert shape(one.statements) == shape(many.statements) == expected
    assert one.problems == many.problems == []
    assert pos(one.word("chk_b")) == (1, 41)
    assert pos(one.statements[0].block.statements[0].block.close) == (1, 47)


def test_brace_on_the_next_line_attaches_to_the_keyword(tmp_path):
    r = read(tmp_path, "global_defs\n{\n  router_id r1\n}\n")
    assert shape(r.statements) == [["global_defs", [["router_id", "r1"]]]]
    assert pos(r.statements[0].block.open) == (2, 1)
    assert r.problems == []


def test_braces_inside_quotes_do_not_split(tmp_path):
    r = read(tmp_path, 'notify "/bin/x {a}" y\n')
    assert r.lines() == [["notify", "/bin/x {a}", "y"]]


def test_extra_closing_brace_is_ka001_and_the_rest_is_kept(tmp_path):
    r = read(tmp_path, "global_defs {\n  router_id r1\n}\n}\nvrrp_script chk {\n  interval 2\n}\n")
    p = problem(r, "KA001", "extra `}`")
    assert pos(p) == (4, 1)
    assert shape(r.statements) == [
        ["global_defs", [["router_id", "r1"]]],
        ["vrrp_script", "chk", [["interval", "2"]]],
    ]


def test_unclosed_block_is_ka001_at_its_keyword(tmp_path):
    r = read(tmp_path, "global_defs {\n  router_id r1\nvrrp_script chk {\n  interval 2\n}\n")
    p = problem(r, "KA001", "never closed")
    assert pos(p) == (1, 1)
    assert "global_defs" in p.message
    assert shape(r.statements) == [["global_defs", [["router_id", "r1"], ["vrrp_script", "chk", [["interval", "2"]]]]]]
    assert r.statements[0].block.close is None


def test_stray_opening_brace_is_ka001_and_ignored(tmp_path):
    r = read(tmp_path, "{\nglobal_defs {\n  router_id r1\n}\n")
    p = problem(r, "KA001", "follows no keyword")
    assert pos(p) == (1, 1)
    assert shape(r.statements) == [["global_defs", [["router_id", "r1"]]]]


def test_closing_brace_inside_a_word_splits_it(tmp_path):
    r = read(tmp_path, "k1 a}b\nk2\n")
    assert r.lines() == [["k1", "a"], ["}"], ["b"], ["k2"]]
    assert pos(problem(r, "KA001", "extra `}`")) == (1, 5)
    assert pos(r.word("b")) == (1, 6)


# -- @host lines --------------------------------------------------------------------------------


CONDITIONAL = "@web priority 150\n@web2 priority 90\n@^web state BACKUP\n@^web2 state MASTER\nnopreempt\n"


def test_conditional_lines_with_a_config_id(tmp_path):
    r = read(tmp_path, CONDITIONAL, config_id="web")
    assert r.lines() == [["priority", "150"], ["state", "MASTER"], ["nopreempt"]]
    assert pos(r.word("priority")) == (1, 6)  # `@web ` is stripped, positions stay
    assert pos(r.word("MASTER")) == (4, 14)
    assert r.pre.conditional_lines == 4


def test_conditional_lines_without_a_config_id(tmp_path):
    r = read(tmp_path, CONDITIONAL, config_id=None)
    assert r.lines() == [["state", "BACKUP"], ["state", "MASTER"], ["nopreempt"]]


def test_conditional_line_with_nothing_after_the_id_is_dropped(tmp_path):
    r = read(tmp_path, "@web\n@web\tpriority 1\n", config_id="web")
    assert r.lines() == [["priority", "1"]]


# -- $NAME definitions ----------------------------------------------------------------------------


def test_definition_and_use(tmp_path):
    r = read(tmp_path, "$PRIO=150\npriority $PRIO\n")
    assert r.lines() == [["priority", "150"]]
    word = r.word("150")
    assert word.expanded is not None
    assert word.expanded.text == "$PRIO"
    assert pos(word) == (2, 10)  # the reference on the using line, not the definition
    assert word.span == word.expanded
    assert r.word("priority").expanded is None


def test_braced_reference_inside_a_word(tmp_path):
    r = read(tmp_path, "$IF=0\ninterface eth${IF}.10\n")
    assert r.lines() == [["interface", "eth0.10"]]
    word = r.word("eth0.10")
    assert word.expanded.text == "${IF}"
    assert pos(word.expanded) == (2, 14)
    assert word.span.text == "eth${IF}.10"  # the word's span covers its whole written form


def test_nested_definitions_resolve_at_use(tmp_path):
    r = read(tmp_path, "$A=$B\n$B=inner $C\n$C=leaf\nk $A\n")
    assert r.lines() == [["k", "inner", "leaf"]]
    assert all(w.expanded.text == "$A" for w in r.words()[1:])


def test_undefined_reference_stays_literal(tmp_path):
    r = read(tmp_path, "k $UNDEFINED ${ALSO}x\n")
    # the braces of an undefined `${ALSO}` are braces for keepalived
    assert r.lines() == [["k", "$UNDEFINED", "$"], ["{"], ["ALSO"], ["}"], ["x"]]
    assert r.word("$UNDEFINED").expanded is None


def test_reference_needs_a_terminator(tmp_path):
    # find_definition(): `$NAME` ends at a blank, `,`, `)` or the end of the line
    r = read(tmp_path, "$V=x\nk $V.y $V,z ($V)\n")
    assert r.lines() == [["k", "$V.y", "x,z", "(x)"]]


def test_definition_may_be_redefined(tmp_path):
    r = read(tmp_path, "$V=one\nk $V\n$V=two\nk $V\n")
    assert r.lines() == [["k", "one"], ["k", "two"]]


def test_multi_line_definition_gives_several_lines(tmp_path):
    text = "$ADDRS=10.0.0.1/24 \\\n    10.0.0.2/24 dev eth1 \\\n    10.0.0.3/24\nvirtual_ipaddress {\n  $ADDRS\n}\n"
    r = read(tmp_path, text)
    assert shape(r.statements) == [
        ["virtual_ipaddress", [["10.0.0.1/24"], ["10.0.0.2/24", "dev", "eth1"], ["10.0.0.3/24"]]]
    ]
    for word in r.words()[1:]:
        assert word.expanded.text == "$ADDRS"
        assert pos(word) == (5, 3)


def test_multi_line_definition_only_expands_alone_at_the_end(tmp_path):
    r = read(tmp_path, "$M=a \\\n b\nk $M\n$M k\n")
    assert r.lines() == [["k", "a"], ["b"], ["$M", "k"]]


def test_empty_multi_line_definition_becomes_a_plain_one(tmp_path):
    # read_line(): a multi-line definition that got no text before its last line is a plain one
    r = read(tmp_path, "$E=\\\n\n$E k\n$F=\\\nfoo\n$F k2\n")
    assert r.lines() == [["k"], ["foo", "k2"]]


def test_self_referencing_definition_is_ka001_without_hanging(tmp_path):
    r = read(tmp_path, "$A=$A x\nrouter_id $A\nnext\n")
    p = problem(r, "KA001", "`$A`")
    assert pos(p) == (2, 11)
    # keepalived stops replacing at its line limit and reads the line as it stands
    first = r.lines()[0]
    assert first[:2] == ["router_id", "$A"] and set(first[2:]) == {"x"}
    assert sum(len(w) + 1 for w in first) < 1024
    assert r.lines()[-1] == ["next"]


def test_same_length_self_reference_is_ka001_without_hanging(tmp_path):
    # keepalived itself loops forever on this one
    r = read(tmp_path, "$A=$A\nk $A\nnext\n")
    assert "without end" in problem(r, "KA001", "`$A`").message
    assert r.lines()[-1] == ["next"]


def test_hash_definition_starts_a_comment_after_expansion(tmp_path):
    r = read(tmp_path, "k1 a $_HASH b c\n${_HASH}k2\nk3 \\$_HASH\n")
    # decomment() runs again after the replacement; `\\#` is then an escaped `#`
    assert r.lines() == [["k1", "a"], ["k3", "#"]]


def test_bang_definition(tmp_path):
    r = read(tmp_path, "k1 a${_BANG}b\n")
    assert r.lines() == [["k1", "a"]]


def test_pwd_is_the_including_file_directory_as_a_host_path(tmp_path):
    host = tmp_path / "hosts" / "web"
    r = read(
        tmp_path,
        "include conf.d/a.conf\nk0 ${_PWD}\n",
        rel="hosts/web/etc/keepalived/keepalived.conf",
        host_root=host,
        files={"hosts/web/etc/keepalived/conf.d/a.conf": "k1 ${_PWD}\nk2 $_PWD/x\n"},
    )
    assert r.lines() == [
        ["k1", "/etc/keepalived/conf.d"],
        ["k2", "$_PWD/x"],  # `$_PWD/` has no terminator: not a reference
        ["k0", "/etc/keepalived"],
    ]


def test_instance_definition_is_the_config_id(tmp_path):
    r = read(tmp_path, "router_id ${_INSTANCE}-1 $_INSTANCE\n", config_id="lb1")
    assert r.lines() == [["router_id", "lb1-1", "lb1"]]


def test_braced_reference_parameters_are_digits_and_spaces_only(tmp_path):
    # `${X }` replaces len(X) + 3 characters from the `$`: the `}` stays
    r = read(tmp_path, "$X=kx\n${X }y\n${X\t}\n${_RANDOM 1 3}\n")
    lines = r.lines()
    assert lines[:3] == [["kx"], ["}"], ["y"]]
    assert lines[3:6] == [["$"], ["{"], ["X"]]
    assert lines[-1][0] in {"1", "2", "3"}


# -- ~SEQ and ~LST --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "values"),
    [
        ("~SEQ(i, 3) k$i", ["1", "2", "3"]),
        ("~SEQ(i, 0) k$i", ["1", "0"]),
        ("~SEQ(i, -2) k$i", ["-1", "-2"]),
        ("~SEQ(i, 2, 4) k$i", ["2", "3", "4"]),
        ("~SEQ(i, 4, 2) k$i", ["4", "3", "2"]),
        ("~SEQ(i, 1, 2, 7) k$i", ["1", "3", "5", "7"]),
        ("~SEQ(i, 5, -2, 1) k$i", ["5", "3", "1"]),
        ("~SEQ(i, 0x3) k$i", ["1", "2", "3"]),
        ("~SEQ ( i , 2 )k$i", ["1", "2"]),
        ("~SEQx(i, 9, 12) k$i", ["9", "a", "b", "c"]),
    ],
)
def test_seq_forms(tmp_path, line, values):
    r = read(tmp_path, line + "\n")
    assert r.lines() == [["k" + v] for v in values]
    assert r.problems == []


def test_seq_parameters_may_be_definitions(tmp_path):
    r = read(tmp_path, "$FIRST=2\n$LAST=4\n~SEQ(n, $FIRST, $LAST) k$n\n")
    assert r.lines() == [["k2"], ["k3"], ["k4"]]


def test_seq_template_with_expansions_and_blocks(tmp_path):
    text = "$IF=eth1\n~SEQ(i, 1, 2) vrrp_instance VI_$i { interface $IF virtual_router_id 5$i }\n"
    r = read(tmp_path, text)
    assert shape(r.statements) == [
        ["vrrp_instance", "VI_1", [["interface", "eth1", "virtual_router_id", "51"]]],
        ["vrrp_instance", "VI_2", [["interface", "eth1", "virtual_router_id", "52"]]],
    ]
    assert r.problems == []
    # every copy points at the template on line 2
    assert {pos(s.keyword) for s in r.statements} == {(2, 15)}
    assert r.statements[1].words[1].expanded.text == "$i"


def test_seq_variable_stays_defined_afterwards(tmp_path):
    r = read(tmp_path, "~SEQ(i, 2) k$i\nlast $i\n")
    assert r.lines() == [["k1"], ["k2"], ["last", "2"]]


def test_nested_seq(tmp_path):
    r = read(tmp_path, "~SEQ(i, 2) ~SEQ(j, 2) k${i}$j k$i$j\n")
    # `$i$j`: `$i` has no terminator, so only `$j` is replaced
    assert r.lines() == [["k11", "k$i1"], ["k12", "k$i2"], ["k21", "k$i1"], ["k22", "k$i2"]]


@pytest.mark.parametrize(
    "line",
    [
        "~SEQ(i, 1, 0, 4) k$i",  # step 0
        "~SEQ(i, 1, -1, 4) k$i",  # wrong direction
        "~SEQ(i) k$i",  # no numbers
        "~SEQ(i, 1, 2, 3, 4) k$i",  # too many numbers
        "~SEQ(i, a) k$i",  # not a number
        "~SEQ(i, 2 k$i",  # no `)`
        "~SEQ i, 2) k$i",  # no `(`
        "~SEQx(i, -1, 2) k$i",  # ~SEQx is for positive numbers
    ],
)
def test_invalid_seq_is_ka001(tmp_path, line):
    r = read(tmp_path, line + "\nnext\n")
    p = problem(r, "KA001", "invalid ~SEQ")
    assert pos(p) == (1, 1)
    assert r.lines() == [["next"]]


def test_lst_with_one_variable(tmp_path):
    r = read(tmp_path, "~LST(v, a, b, c) k$v\n")
    assert r.lines() == [["ka"], ["kb"], ["kc"]]
    assert {pos(w) for w in r.words()} == {(1, 18)}


def test_lst_with_several_variables(tmp_path):
    r = read(tmp_path, "~LST({ip, prio}, {10.0.0.1, 150}, {10.0.0.2}, 10.0.0.3) peer $ip ${prio}.\n")
    # a set with fewer values than names leaves the rest blank
    assert r.lines() == [["peer", "10.0.0.1", "150."], ["peer", "10.0.0.2", "."], ["peer", "10.0.0.3", "."]]


@pytest.mark.parametrize(
    "line",
    [
        "~LST(v) k$v",  # no values
        "~LST(v, a b) k$v",  # a value ends at a blank
        "~LST({v, w}, {a, 1}, {b, 2, 3}) k$v",  # too many values in a set
        "~LST v, a) k$v",  # no `(`
    ],
)
def test_invalid_lst_is_ka001(tmp_path, line):
    r = read(tmp_path, line + "\nnext\n")
    p = problem(r, "KA001", "invalid ~LST")
    assert pos(p) == (1, 1)
    assert r.lines() == [["next"]]


# -- include --------------------------------------------------------------------------------------


def test_include_is_relative_to_the_including_file(tmp_path):
    r = read(
        tmp_path,
        "k0\ninclude sub/x.conf\nk3\n",
        files={"sub/x.conf": "k1\ninclude inner/y.conf\n", "sub/inner/y.conf": "k2\n", "inner/y.conf": "wrong\n"},
    )
    assert r.lines() == [["k0"], ["k1"], ["k2"], ["k3"]]
    assert [Path(s.path).relative_to(tmp_path).as_posix() for s in r.pre.sources] == [
        "keepalived.conf",
        "sub/x.conf",
        "sub/inner/y.conf",
    ]
    assert r.problems == []


def test_absolute_include_maps_under_the_host_root(tmp_path):
    host = tmp_path / "hosts" / "web"
    r = read(
        tmp_path,
        "global_defs {\n  router_id web\n}\ninclude /etc/keepalived/conf.d/*.conf\n",
        rel="hosts/web/etc/keepalived/keepalived.conf",
        host_root=host,
        files={
            "hosts/web/etc/keepalived/conf.d/vi_1.conf": "vrrp_instance VI_1 {\n  priority 150\n}\n",
            "hosts/web/etc/keepalived/conf.d/notes.txt": "not included\n",
            "etc/keepalived/conf.d/other.conf": "vrrp_instance WRONG {\n}\n",
        },
    )
    assert shape(r.statements) == [
        ["global_defs", [["router_id", "web"]]],
        ["vrrp_instance", "VI_1", [["priority", "150"]]],
    ]
    included = r.statements[1].keyword
    assert included.span.source is r.pre.sources[1]
    assert included.span.source.path == host / "etc/keepalived/conf.d/vi_1.conf"
    assert pos(included) == (1, 1)
    (inclusion,) = r.pre.inclusions
    assert inclusion.directive == "include"
    assert inclusion.pattern == "/etc/keepalived/conf.d/*.conf"
    assert inclusion.files == (host / "etc/keepalived/conf.d/vi_1.conf",)


def test_glob_matches_are_read_in_sorted_order(tmp_path):
    files = {f"d/{name}.conf": f"k_{name}\n" for name in ["b", "a", "c", "B", "a-b", "a.b"]}
    r = read(tmp_path, "include d/*.conf\n", files=files)
    # glob(3) sorts whole names in byte order (keepalived runs in the C locale)
    assert r.lines() == [["k_B"], ["k_a-b"], ["k_a.b"], ["k_a"], ["k_b"], ["k_c"]]


def test_glob_order_compares_whole_paths(tmp_path):
    files = {"sub/x.conf": "k_sub\n", "sub-a/x.conf": "k_sub_a\n", "sub0/x.conf": "k_sub0\n"}
    r = read(tmp_path, "include sub*/x.conf\n", files=files)
    # "sub-a/" < "sub/" < "sub0/" byte by byte ('-' < '/' < '0')
    assert r.lines() == [["k_sub_a"], ["k_sub"], ["k_sub0"]]


def test_csh_braces_keep_their_order(tmp_path):
    files = {"d/b.conf": "k_b\n", "d/a.conf": "k_a\n", "d/c.conf": "k_c\n"}
    r = read(tmp_path, "include d/{b,a}.conf\n", files=files)
    assert r.lines() == [["k_b"], ["k_a"]]


def test_include_pattern_from_a_definition(tmp_path):
    r = read(tmp_path, "$F=a.conf\ninclude $F\n", files={"a.conf": "k_a\n"})
    assert r.lines() == [["k_a"]]
    assert r.pre.inclusions[0].pattern == "$F"  # as written


@pytest.mark.parametrize(
    ("directive", "hint"),
    [("include", "warning"), ("includer", "error"), ("includem", "error"), ("includea", "error")],
)
def test_missing_include_is_ka009(tmp_path, directive, hint):
    r = read(tmp_path, f"k1\n{directive} missing.conf\nk2\n")
    p = problem(r, "KA009", "does not exist")
    assert p.severity_hint == hint
    assert pos(p) == (2, len(directive) + 2)
    assert r.lines() == [["k1"], ["k2"]]


def test_include_cycle_is_ka009(tmp_path):
    r = read(tmp_path, "k0\ninclude b.conf\n", rel="a.conf", files={"b.conf": "k1\ninclude a.conf\nk2\n"})
    p = problem(r, "KA009", "cycle")
    assert p.span.source.path == tmp_path / "b.conf"
    assert pos(p) == (2, 9)
    assert r.lines() == [["k0"], ["k1"], ["k2"]]


def test_include_outside_the_checked_tree_is_ka009(tmp_path):
    tree = tmp_path / "tree"
    (tmp_path / "secret.conf").write_text("k_secret\n")
    r = read(
        tree,
        "include ../../../../../secret.conf\ninclude /etc/../../../../secret.conf\nk1\n",
        rel="hosts/web/etc/keepalived/keepalived.conf",
        host_root=tree / "hosts" / "web",
    )
    problems = [p for p in r.problems if "outside the checked tree" in p.message]
    assert [pos(p) for p in problems] == [(1, 9), (2, 9)]
    assert all(p.code == "KA009" and p.severity_hint == "error" for p in problems)
    assert r.lines() == [["k1"]]
    assert len(r.pre.sources) == 1


def test_executable_include_is_skipped(tmp_path):
    script = write(tmp_path, "x.conf", "k_x\n")
    os.chmod(script, 0o755)
    r = read(tmp_path, "include x.conf\nk1\n")
    assert "executable" in problem(r, "KA009", "x.conf").message
    assert r.lines() == [["k1"]]


def test_include_matching_a_directory_is_ka009(tmp_path):
    r = read(tmp_path, "include sub\ninclude sub/*\n", files={"sub/a.conf": "k_a\n", "sub/d/x": "k_x\n"})
    messages = [p.message for p in r.problems if p.code == "KA009"]
    assert len(messages) == 2 and all("directory" in m for m in messages)
    assert r.lines() == [["k_a"]]


def test_tokens_from_an_included_file_carry_its_source(tmp_path):
    r = read(tmp_path, "k0\ninclude a.conf\nk3\n", files={"a.conf": "\n  k1 x\nk2\n"})
    sources = {t.value: t.span.source for t in r.words()}
    main, included = r.pre.sources
    assert sources["k0"] is main and sources["k3"] is main
    assert sources["k1"] is included and sources["x"] is included
    assert pos(r.word("k1")) == (2, 3)
    assert pos(r.word("k3")) == (3, 1)


def test_a_file_included_twice_is_read_twice(tmp_path):
    r = read(tmp_path, "include a.conf\ninclude a.conf\n", files={"a.conf": "k_a\n"})
    assert r.lines() == [["k_a"], ["k_a"]]
    first, second = r.words()
    assert first.span.source is second.span.source  # one Source per file (SourceCache)
    assert r.problems == []


def test_include_inside_a_block(tmp_path):
    r = read(tmp_path, "virtual_ipaddress {\n  include addrs.conf\n}\n", files={"addrs.conf": "10.0.0.1/24\n10.0.0.2/24\n"})
    assert shape(r.statements) == [["virtual_ipaddress", [["10.0.0.1/24"], ["10.0.0.2/24"]]]]


def test_definitions_from_an_included_file_apply_afterwards(tmp_path):
    r = read(tmp_path, "include defs.conf\nrouter_id $RID\n", files={"defs.conf": "$RID=lb1\n"})
    assert r.lines() == [["router_id", "lb1"]]


# -- lines as fgets() reads them --------------------------------------------------------------------


def test_comment_ending_in_backslash_leaves_a_backslash_line(tmp_path):
    # keepalived 2.2.7: decomment() keeps a final `\` even after a comment
    r = read(tmp_path, "k1\n# old \\\nk2\n")
    assert r.lines() == [["k1"], ["\\"], ["k2"]]
    assert pos(r.word("\\")) == (2, 7)


def test_backslash_at_the_end_of_a_line_stays_in_the_last_word(tmp_path):
    r = read(tmp_path, "k1 a \\\nk2\n")
    assert r.lines() == [["k1", "a\\"], ["k2"]]


def test_overlong_line_is_read_in_pieces(tmp_path):
    # fgets(buf, 1024): at most 1023 bytes at a time; the rest is another line
    r = read(tmp_path, "k0\nk1" + " " * 1100 + "k3 x\nk4\n")
    assert r.lines() == [["k0"], ["k1"], ["k3", "x"], ["k4"]]
    assert pos(problem(r, "KA001", "1023 bytes")) == (2, 1)
    assert pos(r.word("k3")) == (2, 1103)


def test_line_of_1023_bytes_is_read_whole(tmp_path):
    r = read(tmp_path, "k1 " + "a" * 1020 + "\nk2\n")
    assert [w[0] for w in r.lines()] == ["k1", "k2"]
    assert r.problems == []


# -- against keepalived itself ----------------------------------------------------------------------

KEEPALIVED = shutil.which("keepalived")
needs_keepalived = pytest.mark.skipif(
    KEEPALIVED is None, reason="keepalived is not installed (Debian: apt-get install keepalived)"
)
REPORT = re.compile(r"^\((?:(?P<file>[^()]+): )?Line (?P<line>\d+)\) (?P<msg>.*)$")
UNKNOWN = re.compile(r"^Unknown keyword '(?P<kw>.*)'$", re.DOTALL)


def keepalived_reports(path: Path, *args: str) -> list[tuple[str | None, int, str]]:
    """What the parent process of `keepalived -t` reports, in order: (file, line, message).
    It names the file only when more than one file is read; the other processes always do."""
    proc = subprocess.run(
        [KEEPALIVED, "-t", *args, "-f", str(path)],
        capture_output=True,
        timeout=60,
        start_new_session=True,  # keepalived -t may signal its process group
    )
    out = []
    for raw in proc.stderr.decode("latin-1").split("\n"):
        match = REPORT.match(raw)
        if match:
            out.append((match["file"], int(match["line"]), match["msg"]))
    return out


def keepalived_lines(path: Path, *args: str) -> list[tuple[int, str]]:
    """(line, keyword) of every line the parent process read (single-file configurations)."""
    out = []
    for file, line, msg in keepalived_reports(path, *args):
        unknown = UNKNOWN.match(msg)
        if file is None and unknown:
            out.append((line, unknown["kw"]))
    return out


def halint_lines(result: Read) -> list[tuple[int, str]]:
    """(line, first word) of every line halint's reader returns; a `{` alone is left out:
    keepalived reports it as "Unexpected '{'" after an unknown keyword, not as a keyword."""
    return [(line[0].span.line, line[0].value) for line in result.token_lines() if line[0].kind != "LBRACE"]


ORACLE_CASES = {
    "comments and quotes": '# c\nk1 a # x\n! c\nk2 "a # b"\n"k3 x" y\nk4\\#x\n  k5\t"#"!\n',
    "crlf, tabs and other white space": "k1\r\n\tk2\t\r\nk3\va\nk4\fb\n\fk5\nk6\rk7\n",
    "definitions": "$IF=eth0\nk${IF}1 x\n$A=$B\n$B=kb\n$A\n$UNDEF\n$V=x\nk$V.y\n$V k2\n",
    "multi-line definitions": "$M=m1 a \\\n  m2 b \\\n  m3\n$M\nk $M\n$E=\\\n\n$E e1\n$F=\\\nfoo\n$F f1\n",
    "hash and bang definitions": "$_HASH x\nk1\n${_HASH}k\nk2 $_HASH y\n${_BANG} z\nk3\n",
    "braced references": "$X=kx\n${X }y\n${X\t}\nz\n${_RANDOM a}\nw\n",
    "self reference": "$A=kv $A\nk $A, x\n$B=x ${B}\n$B\nend\n",
    "seq": (
        "~SEQ(i, 3) s$i\n~SEQ(i, 2, 4) t$i\n~SEQ(i, 1, 2, 7) u$i\n~SEQ(i, 5, -2, 1) v$i\n"
        "~SEQx(i, 9, 12) w$i\n$S=2\n$E=3\n~SEQ(i, $S, $E) x$i\n~SEQ(i, 2) ~SEQ(j, 2) y$i$j\n"
        "~SEQ(i, 0) z$i\n~SEQ(i, 1, 0, 4) bad$i\nend\n"
    ),
    "lst": (
        "~LST(v, a, b, c) k$v\n~LST({v, w}, {a, 1}, {b}, c) ${v}k$w\n~LST(v, a b) bad$v\n"
        "~LST({v,w},{a,1},{b,2,3}) bad$v\nend\n"
    ),
    "comment continuation": "k1\n# old \\\nk2\nk3 # c \\\\\nk4\n",
    "long lines": "k0\nk1" + " " * 1100 + "k3 x\nk4\n" + "k5 " + "a" * 1020 + "\nk6\n",
    "escaped quote": '"k\\"x" z\nk2 "a\\" b" c\nend\n',
}


@needs_keepalived
@pytest.mark.parametrize("name", sorted(ORACLE_CASES))
def test_lines_match_keepalived(tmp_path, name):
    text = ORACLE_CASES[name]
    result = read(tmp_path, text)
    path = tmp_path / "keepalived.conf"
    theirs = keepalived_lines(path)
    ours = halint_lines(result)
    if name == "long lines":
        # keepalived counts a line when it reads its `\n`: a piece read before that is reported
        # one line early; halint reports the line the text is on
        assert [kw for _, kw in ours] == [kw for _, kw in theirs]
        return
    assert ours == theirs


@needs_keepalived
def test_conditional_lines_match_keepalived(tmp_path):
    result = read(tmp_path, CONDITIONAL + "@web\tk5\n@ k6\n@^ k7\n$_INSTANCE\n${_INSTANCE}x\n", config_id="web")
    assert halint_lines(result) == keepalived_lines(tmp_path / "keepalived.conf", "-i", "web")


@needs_keepalived
def test_backslash_comment_continuation_matches_keepalived(tmp_path):
    result = read(tmp_path, "k1\n# old \\\nk2\n")
    assert halint_lines(result) == [(1, "k1"), (2, "\\"), (3, "k2")]
    assert keepalived_lines(tmp_path / "keepalived.conf") == [(1, "k1"), (2, "\\"), (3, "k2")]


@needs_keepalived
def test_unmatched_quote_is_reported_by_keepalived_too(tmp_path):
    read(tmp_path, '"k\\"x" z\n')
    messages = [msg for _, line, msg in keepalived_reports(tmp_path / "keepalived.conf") if line == 1]
    assert any(msg.startswith("Unmatched quote") for msg in messages)


@needs_keepalived
def test_include_order_matches_keepalived(tmp_path):
    files = {
        "d/b.conf": "k_b\n",
        "d/a.conf": "k_a\ninclude ../e/{y,x}.conf\n",
        "e/x.conf": "k_x\n",
        "e/y.conf": "k_y\n",
        "sub/x.conf": "k_sub\n",
        "sub-a/x.conf": "k_sub_a\n",
    }
    result = read(tmp_path, "k0\ninclude d/*.conf\ninclude sub*/x.conf\nk1\n", files=files)
    ours = [(Path(s.keyword.span.source.path).name, s.keyword.span.line, s.keyword.value) for s in result.statements]
    reports = keepalived_reports(tmp_path / "keepalived.conf")
    theirs = []
    for file, line, msg in reports:
        unknown = UNKNOWN.match(msg)
        if unknown:
            theirs.append((Path(file).name if file else "keepalived.conf", line, unknown["kw"]))
    # every process reads the same lines: the first len(ours) reports are the parent's
    assert len(theirs) % len(ours) == 0
    assert theirs[: len(ours)] == ours
