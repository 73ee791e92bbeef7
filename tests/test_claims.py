"""Claim files: TOML format, signal specifications, errors, Python claim modules."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symconv.errors import ClaimFileError, InputLimitError
from symconv.lang.claims import (
    claim_files,
    claim_from_text,
    load_claims,
    load_python,
    load_toml,
    parse_signal,
    parse_signal_option,
    parse_toml,
)
from symconv.prove import TIER_NAMES, Verdict, run_tiers
from tests.sample_claims import PY_FLIP_MODULE

GOOD = '''
# a comment
[[claim]]
name = "flip-equivalence"
statement = "conv(F, I) == corr(flip(F), I)"
signals = { F = "3x3", I = "5x5" }
expect = "holds"
tiers = ["exact"]
budget = 30

[[claim]]
name = "conv-is-corr"
statement = "conv(F, I) == corr(F, I)"
signals = { F = ["3x3", "5x5"], I = "5x5" }
expect = "fails"
sizes = { I = "64x64" }
'''


def test_loads_claims_with_lines_and_defaults() -> None:
    first, second = parse_toml(GOOD, "x.toml")
    assert (first.name, first.line, first.expect, first.tiers, first.budget) == (
        "flip-equivalence", 3, "holds", ("exact",), 30.0)
    assert first.where == "x.toml:3"
    assert second.line == 11
    assert second.tiers == TIER_NAMES
    assert [s.shape for s in second.signals["F"]] == [(3, 3), (5, 5)]
    assert len(second.assignments()) == 2
    assert second.random_sizes == {"I": (64, 64)}


def test_signal_forms() -> None:
    (shape,) = parse_signal("2x3x4")
    assert shape.shape == (2, 3, 4) and shape.is_symbolic
    (literal,) = parse_signal([[1, 0.5], ["1/3", -2]])
    assert literal.shape == (2, 2)
    assert literal.literal == ((Fraction(1), Fraction(1, 2)), (Fraction(1, 3), Fraction(-2)))
    built = literal.build("L")
    assert built.origin == (-1, -1)
    (kernel,) = parse_signal("sobel_x")
    assert kernel.kernel == "sobel_x" and kernel.shape == (3, 3)
    (table,) = parse_signal({"shape": "4", "real": False, "origin": [0]})
    assert not table.real and table.origin == (0,)
    signal = table.build("z")
    assert signal.origin == (0,)
    assert all(g.kind == "c" for g in signal.generators())


@pytest.mark.parametrize(("value", "fragment"), [
    ("3y3", "neither a shape"),
    ("gausian5", r"\(did you mean 'gaussian5'\?\)"),
    ("sobel", r"\(did you mean 'sobel_x' or 'sobel_y'\?\)"),
    ("0x3", "zero size"),
    ([[1, 2], [3]], "ragged"),
    ([], "empty"),
    ({"shape": "3", "literal": [1]}, "exactly one of"),
    ({"shape": "3", "colour": 1}, "unknown signal key"),
    ({"literal": [1, 2], "real": False}, "symbolic signals only"),
    ({"shape": "3", "origin": [0, 0]}, "list of 1 integers"),
    ([True, 1], "not a number"),
    ([["1/0"]], "fraction"),
    (3, "not a shape"),
])
def test_bad_signals(value: object, fragment: str) -> None:
    with pytest.raises(ClaimFileError, match=fragment):
        parse_signal(value)


def _claim(**overrides: object) -> str:
    fields = {"name": '"c"', "statement": '"conv(F, I) == conv(I, F)"',
              "signals": '{ F = "3", I = "4" }', "expect": '"holds"'}
    fields.update({k: str(v) for k, v in overrides.items()})
    body = "\n".join(f"{k} = {v}" for k, v in fields.items() if v != "DROP")
    return f"\n\n[[claim]]\n{body}\n"


@pytest.mark.parametrize(("overrides", "fragment"), [
    ({"name": "DROP"}, "claim #1 needs a non-empty string 'name'"),
    ({"expect": '"maybe"'}, "claim 'c': expect = 'maybe'"),
    ({"statement": "DROP"}, "claim 'c': missing key 'statement'"),
    ({"statement": '"conv(F, G) == F"'}, "'G', which is not declared"),
    ({"statement": '"conv(F, I) = F"'}, "column"),
    ({"statement": '"F.x == F"'}, "column 1: attribute access"),
    ({"statement": '"conv(F, I) == sum(F)"'}, "differ in kind"),
    ({"statement": '"trace(F) == sum(F)"'}, "expected a 2D signal"),
    ({"statement": '"shift(F, 1, 2) == F"'}, "needs 1 integers"),
    ({"statement": '"conv(F, I, mode=\\"middle\\") == F"'}, "unknown mode 'middle'"),
    ({"statement": '"F @ I == F"'}, "expected two 2D signals"),
    ({"statement": '"F / F == F"'}, "divided by a number"),
    ({"statement": '"flip(F, 1) == F"'}, "axis 1 does not exist"),
    ({"tiers": '["magic"]'}, "tiers"),
    ({"tiers": '["exact", "rnadom"]'}, "(did you mean 'random'?); expected a non-empty list"),
    ({"statement": '""'}, "the statement is empty"),
    ({"budget": "-1"}, "budget = -1"),
    # a budget becomes an interval timer: 1e12 s was an OverflowError ("internal error")
    ({"budget": "1e12"}, "at most 1000000"),
    ({"sizes": '{ Q = "3" }'}, "not a declared signal"),
    ({"colour": '"red"'}, "unknown key 'colour'"),
    ({"asume": '["len(F) <= 3"]'}, "unknown key 'asume' (did you mean 'assume'?)"),
    ({"signals": '{ conv = "3" }'}, "not a usable name"),
    ({"signals": '{ F = "3", I = "4x4" }'}, "equal dimensions"),
])
def test_claim_errors_name_file_line_and_claim(overrides: dict[str, str], fragment: str) -> None:
    with pytest.raises(ClaimFileError) as info:
        parse_toml(_claim(**overrides), "bad.toml")
    message = str(info.value)
    assert message.startswith("bad.toml:3:"), message
    assert fragment in message
    assert "\n" not in message


def test_duplicate_names_and_top_level_keys() -> None:
    with pytest.raises(ClaimFileError, match="duplicate claim name"):
        parse_toml(_claim() + _claim())
    with pytest.raises(ClaimFileError, match="unknown top-level key 'title'"):
        parse_toml('title = "x"\n' + _claim())
    with pytest.raises(ClaimFileError, match="invalid TOML"):
        parse_toml("[[claim]\n")


def test_signal_option() -> None:
    assert parse_signal_option("F=3x3, I=sobel_x") == {"F": "3x3", "I": "sobel_x"}
    with pytest.raises(ClaimFileError, match="NAME=SHAPE"):
        parse_signal_option("F3x3")
    # a literal keeps its commas, and reads as a claim file's literal does
    assert parse_signal_option('k=[[1, 2], [3, "1/3"]],I=4x4') == {
        "k": {"literal": [[1, 2], [3, "1/3"]]}, "I": "4x4"}
    with pytest.raises(ClaimFileError, match=r"--signals k='\[\[1, 2\],I=4' is not a literal"):
        parse_signal_option("k=[[1, 2],I=4")


_FRAGMENTS = ["[[claim]]", "name = \"a\"", "statement = \"conv(F, I) == conv(I, F)\"",
              "signals = { F = \"3\", I = \"4\" }", "expect = \"holds\"", "expect = 3",
              "statement = \"F.x == F\"", "signals = { F = [[1, 2], [3]] }", "budget = 0",
              "tiers = []", "= =", "[claim]", "name = \"a", "sizes = { F = \"10\" }", "x = 1"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=8))
def test_malformed_files_give_one_line_errors(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        claims = parse_toml(text, "h.toml")
    except ClaimFileError as exc:
        assert str(exc).startswith("h.toml")
        assert "\n" not in str(exc)
        return
    assert all(c.source == "h.toml" for c in claims)


def test_folders_are_searched_for_claim_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.toml").write_text(_claim())
    (tmp_path / "pyproject.toml").write_text("[tool.x]\ny = 1\n")  # not a claim file
    found = list(claim_files([tmp_path]))
    assert found == [tmp_path / "sub" / "a.toml"]
    assert [c.name for c in load_claims([tmp_path])] == ["c"]
    with pytest.raises(ClaimFileError, match="no such file"):
        list(claim_files([tmp_path / "missing"]))


def test_one_path_alone_is_a_list_of_one(tmp_path: Path) -> None:
    """load_claims("proofs/a.toml") reads that file (not the paths "p", "r", ...)."""
    (tmp_path / "a.toml").write_text(_claim())
    for one in (tmp_path / "a.toml", str(tmp_path / "a.toml"), str(tmp_path)):
        assert [c.name for c in load_claims(one)] == ["c"]



def test_a_claim_file_with_a_bad_byte_in_a_folder_is_an_error_not_skipped(
        tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text(_claim())
    (tmp_path / "latin1.toml").write_bytes(_claim().replace('"c"', '"caf\xe9"').encode("latin-1"))
    assert list(claim_files([tmp_path])) == [tmp_path / "good.toml", tmp_path / "latin1.toml"]
    line = 1 + _claim().split('"c"')[0].count("\n")
    with pytest.raises(ClaimFileError, match=rf"latin1\.toml:{line}: byte 0xe9 at column \d+ "
                       "is not UTF-8; a claim file must be UTF-8"):
        load_claims([tmp_path])


def test_a_utf8_byte_order_mark_is_accepted_and_utf16_is_named(tmp_path: Path) -> None:
    """Editors on Windows write a byte-order mark; tomllib alone calls it an invalid
    statement at line 1.  UTF-16 is collected (not skipped) and refused by name."""
    (tmp_path / "bom.toml").write_bytes(b"\xef\xbb\xbf" + _claim().encode("utf-8"))
    (tmp_path / "wide.toml").write_bytes(_claim().encode("utf-16"))
    assert list(claim_files([tmp_path])) == [tmp_path / "bom.toml", tmp_path / "wide.toml"]
    assert [c.name for c in load_toml(tmp_path / "bom.toml")] == ["c"]
    with pytest.raises(ClaimFileError, match=r"wide\.toml: UTF-16 text; a claim file must be"):
        load_toml(tmp_path / "wide.toml")


def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    """Reading a FIFO blocks until a writer comes: in a folder it is passed over, named
    on its own it is refused."""
    os.mkfifo(tmp_path / "pipe.toml")
    (tmp_path / "good.toml").write_text(_claim())
    assert list(claim_files([tmp_path])) == [tmp_path / "good.toml"]
    with pytest.raises(ClaimFileError, match=r"pipe\.toml: not a regular file"):
        list(claim_files([tmp_path / "pipe.toml"]))


PYTHON_CLAIMS = PY_FLIP_MODULE + '''

@python_claim("py-wrong", {"a": "3"}, expect="fails")
def wrong(a):
    return conv(a, a), corr(a, a)
'''


def test_python_claim_modules(tmp_path: Path) -> None:
    path = tmp_path / "extra.py"
    path.write_text(PYTHON_CLAIMS)
    claims = load_python(path)
    assert [c.name for c in claims] == ["py-flip", "py-wrong"]
    assert claims[0].line == 6
    results = [run_tiers(c) for c in claims]
    assert [r.verdict for r in results] == [Verdict.VERIFIED, Verdict.REFUTED]
    assert results[1].counterexample is not None
    with pytest.raises(ClaimFileError, match="--allow-python"):
        load_claims([path])
    assert len(load_claims([tmp_path], python=True)) == 2


def test_python_module_import_errors_are_claim_errors(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("raise RuntimeError('boom')\n")
    with pytest.raises(ClaimFileError, match="importing failed: RuntimeError: boom"):
        load_python(path)


def test_claim_from_text() -> None:
    claim = claim_from_text("conv(F, I) != corr(F, I)", {"F": "emboss", "I": "4x4"})
    assert claim.statement is not None and claim.statement.op == "!="
    assert claim.signals["F"][0].kernel == "emboss"


def test_signal_option_rejects_a_name_given_twice() -> None:
    with pytest.raises(ClaimFileError, match="gives F twice"):
        parse_signal_option("F=3,F=4")


# --- look-alike names and hostile claim files ---------------------------------------------


@pytest.mark.parametrize(("statement", "signals", "fragment"), [
    # the issue's two false claims that came out PROVED
    ("sum(\uff26) == sum(F)", {"F": "1", "\uff26": "2"}, "U+FF26 FULLWIDTH LATIN CAPITAL"),
    ("\ufb01 == fi", {"fi": "1", "\ufb01": "3"}, "U+FB01 LATIN SMALL LIGATURE FI"),
    # an ASCII statement cannot reach a look-alike declaration either
    ("sum(F) == sum(F)", {"F": "1", "\uff26": "2"},
     "signals 'F' and '\uff26' collide: Python reads both as 'F'"),
    ("fi == fi", {"\ufb01": "3", "fi": "1"}, "collide"),
    ("F == F", {"F": "3", "\u0406": "3"}, "U+0406 CYRILLIC CAPITAL LETTER BYELORUSSIAN"),
    ("F == F", {"F": "3", "G": "3"}, "signal 'G' is declared but the statement does not use it"),
    ("F == F", {"F": "3", "if": "3"}, "'if' is not a usable name"),
])
def test_look_alike_and_unreachable_declarations_are_errors(
        statement: str, signals: dict[str, str], fragment: str) -> None:
    with pytest.raises(ClaimFileError) as info:
        claim_from_text(statement, signals)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_look_alike_names_in_a_claim_file(tmp_path: Path) -> None:
    path = tmp_path / "lookalike.toml"
    path.write_text('[[claim]]\nname = "x"\nstatement = "sum(F) == sum(F)"\n'
                    'signals = { F = "1", "\uff26" = "2" }\nexpect = "holds"\n',
                    encoding="utf-8")
    with pytest.raises(ClaimFileError, match=r"lookalike\.toml:1: claim 'x': signals 'F' and"):
        load_claims([path])


def _literal_claim(literal: str, statement: str = "F == F") -> str:
    return (f'[[claim]]\nname = "n"\nstatement = "{statement}"\n'
            f'signals = {{ F = {{ literal = {literal} }} }}\nexpect = "holds"\n')


@pytest.mark.parametrize(("text", "limit"), [
    (_literal_claim("[" * 1000 + "1" + "]" * 1000), "nested too deeply for the TOML parser"),
    ('[[claim]]\nname = "n"\nx = ' + "{a = " * 1000 + "1" + "}" * 1000,
     "nested too deeply for the TOML parser"),
    (_literal_claim("[" * 70 + "1" + "]" * 70), "nested more than 8 levels deep"),
    (_literal_claim('["1e1000000000"]'), "has 1000000001 digits"),
    (_literal_claim("[1e300]"), "has 301 digits"),
    (_literal_claim("[" + "9" * 101 + "]"), "more than 100 digits"),
    (_literal_claim("[" + "9" * 5000 + "]"), "Exceeds the limit (4300 digits)"),
    (_literal_claim("[" + ", ".join(["[" + ", ".join(["1"] * 300) + "]"] * 300) + "]"),
     "literal of shape (300, 300) has 90000 entries; the literal size limit is 65536"),
    ('[[claim]]\nname = "n"\nstatement = "F == F"\nsignals = { F = "'
     + "x".join(["1"] * 100) + '" }\nexpect = "holds"\n', "has 100 axes; the limit is 8 axes"),
    ('[[claim]]\nname = "n"\nstatement = "F == F"\nsignals = { F = "'
     + "9" * 5000 + '" }\nexpect = "holds"\n', "beyond 4000000 entries"),
    ('[[claim]]\nname = "n"\nstatement = "F == F"\nsignals = { F = ['
     + ", ".join(['"3"'] * 17) + '] }\nexpect = "holds"\n', "17 shapes for one signal"),
    ('[[claim]]\nname = "n"\nstatement = "F + G + H == F"\nsignals = { F = ["2", "3", "4", "5"]'
     ', G = ["2", "3", "4", "5"], H = ["2", "3", "4", "5", "6"] }\nexpect = "holds"\n',
     "the declared shapes make 80 combinations; the limit is 64"),
])
def test_hostile_claim_files_stop_at_a_named_limit(text: str, limit: str) -> None:
    with pytest.raises(InputLimitError) as info:
        parse_toml(text, "hostile.toml")
    message = str(info.value)
    assert message.startswith("hostile.toml") and limit in message and "\n" not in message


def test_literals_and_shapes_at_the_limits_load() -> None:
    claims = parse_toml(_literal_claim("[" * 8 + "1" + "]" * 8)
                        + _literal_claim("[" + "9" * 100 + "]").replace('"n"', '"m"'))
    assert claims[0].signals["F"][0].shape == (1,) * 8
    assert claims[1].signals["F"][0].literal == (Fraction("9" * 100),)
    assert parse_signal("1x1x1x1x1x1x1x2")[0].shape == (1,) * 7 + (2,)


# --- free integers and assumptions ---------------------------------------------------------

PADDED = '''
[[claim]]
name = "padded"
statement = "circconv(zeropad(a, N), zeropad(b, N)) == zeropad(conv(a, b), N)"
signals = { a = { shape = "3", origin = [0] }, b = ["4", "5"] }
integers = { N = 9 }
assume = ["N >= len(a) + len(b) - 1"]
expect = "holds"
'''


def test_a_claim_reads_its_integers_at_their_declared_values() -> None:
    [claim] = parse_toml(PADDED)
    assert claim.text == "circconv(zeropad(a, N), zeropad(b, N)) == zeropad(conv(a, b), N)"
    assert claim.statement is not None and claim.free_statement is not None
    assert claim.statement.text == "circconv(zeropad(a, 9), zeropad(b, 9)) == zeropad(conv(a, b), 9)"
    assert claim.symbolic_statement is claim.free_statement
    assert claim.integers == {"N": 9}
    assert [a.text for a in claim.assumptions] == ["N >= len(a) + len(b) - 1"]
    base = claim.assignments()[0]
    assert claim.admits(base)
    assert not claim.admits({**base, "b": base["b"].resized((8,))})  # 3 + 8 - 1 > 9
    # one assumption may be a string alone; a claim without integers keeps one statement
    [alone] = parse_toml(PADDED.replace('["N >= len(a) + len(b) - 1"]', '"N >= len(a)"'))
    assert [a.text for a in alone.assumptions] == ["N >= len(a)"]
    plain = claim_from_text("conv(a, b) == conv(b, a)", {"a": "3", "b": "4"}, assume=["len(a) <= 5"])
    assert plain.symbolic_statement is plain.statement and plain.free_statement is None


@pytest.mark.parametrize(("old", "new", "fragment"), [
    ("integers = { N = 9 }", "integers = { N = 6 }",
     "the declared sizes a=3, b=5, N=6 do not satisfy the assumption N >= len(a) + len(b) - 1"),
    ("integers = { N = 9 }", "integers = { N = 0 }", "integers.N = 0; expected an integer from 1"),
    ("integers = { N = 9 }", "integers = { N = 9, M = 2 }", "integer 'M' is declared but the statement"),
    ("integers = { N = 9 }", "integers = { N = 9, a = 2 }",
     "'a' is declared both in signals and in integers"),
    ("integers = { N = 9 }", "", "statement uses 'N', which is not declared in signals (a, b)"),
    ('assume = ["N >= len(a) + len(b) - 1"]', 'assume = ["N >= len(c)"]',
     "'c', which is not a declared signal"),
    ('assume = ["N >= len(a) + len(b) - 1"]', "assume = 3", "assume = 3; expected a list of comparisons"),
    ('assume = ["N >= len(a) + len(b) - 1"]', 'assume = ["N >= len(a)", "N < 0"]',
     "do not satisfy the assumption N < 0"),
    ("zeropad(conv(a, b), N)", "zeropad(conv(a, b), b)", "zeropad() size b is a signal"),
])
def test_integer_and_assumption_errors_are_one_line(old: str, new: str, fragment: str) -> None:
    assert old in PADDED
    with pytest.raises(ClaimFileError) as info:
        parse_toml(PADDED.replace(old, new), "bad.toml")
    message = str(info.value)
    assert message.startswith("bad.toml:2: claim 'padded':"), message
    assert fragment in message
    assert "\n" not in message


def test_the_declared_integers_meet_the_statement_limits() -> None:
    """zeropad(F, N, N) with N = 10^6 asks for 10^12 entries: refused at load, as a
    statement with those numbers written out would be."""
    text = ('[[claim]]\nname = "huge"\nstatement = "zeropad(F, N, N) == zeropad(F, N, N)"\n'
            'signals = { F = "2x2" }\nintegers = { N = 1000000 }\nexpect = "holds"\n')
    with pytest.raises(InputLimitError, match="asks for a box of 1000000000000 entries"):
        parse_toml(text)


def test_the_random_tiers_sizes_must_satisfy_the_assumptions() -> None:
    with pytest.raises(ClaimFileError, match="random tier's sizes do not satisfy"):
        parse_toml(PADDED.replace('expect = "holds"', 'expect = "holds"\nsizes = { b = "50" }'))
