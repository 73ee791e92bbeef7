"""The registry of operations: its records, and every backend and renderer covering it."""

from __future__ import annotations

import importlib.util
import itertools
import re
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from symconv.core.signal import Signal
from symconv.errors import ClaimFileError
from symconv.lang.check import kind_of
from symconv.lang.claims import claim_from_text
from symconv.lang.dsl import (
    FUNCTIONS,
    SCALAR_FUNCTIONS,
    SIZE_FUNCTIONS,
    SIZED_CALLS,
    Call,
    Str,
    degree_bound,
    is_scalar,
    names_sizes,
    parse_statement,
    unparse,
    walk,
)
from symconv.lang.operations import (
    CIRCULAR,
    OPERATIONS,
    ROOTS_OF_UNITY,
    Definition,
    Ints,
    Multilinear,
    Structural,
    Unsupported,
    dispatch_table,
)
from symconv.prove import rules
from symconv.prove.counterexample import difference
from symconv.prove.evaluate import ExactBackend, degree, evaluate
from symconv.prove.modular import CyclotomicBackend, ModularBackend, NotModular, WideBackend
from symconv.prove.packed import MonomialCodec, PackedBackend
from symconv.prove.random import _HeightBackend, _Weighed
from symconv.report import formulas
from symconv.strategies import dsl_claims

ROOT = Path(__file__).resolve().parent.parent
PRIME, ROOT_OF_PRIME = 7340033, 3  # an NTT prime, 2^20 | p - 1, and a primitive root
WIDE_PRIME = 4611686018427387847  # the largest prime below 2^62
# The sample calls' integers, by what the integers are (signals 2D, period 4x4).
SAMPLE_INTS = {Ints.NONE: [], Ints.AXIS: ["1"], Ints.INDEX: ["1"], Ints.OFFSETS: ["1", "-2"],
               Ints.SIZES: ["4", "5"], Ints.PERIOD: ["4", "4"], Ints.FACTORS: ["2", "3"]}


def _sample(name: str) -> Call:
    """A valid call of ``name`` on the signals ``a`` (and ``b``)."""
    op = OPERATIONS[name]
    args = ["ab"[k] for k in range(op.signals)] + SAMPLE_INTS[op.ints]
    call = parse_statement(f"{name}({', '.join(args)}) == a").left
    assert isinstance(call, Call)
    return call


def _ndim(name: str) -> int:
    return OPERATIONS[name].ndim or 2


def _signals(name: str) -> dict[str, Signal]:
    rng = np.random.default_rng(sum(map(ord, name)))
    shape = (4,) * _ndim(name)
    return {n: Signal(rng.integers(-5, 6, size=shape, dtype=np.int64), (0,) * len(shape))
            for n in "ab"}


def _docs() -> ModuleType:
    pytest.importorskip("sphinx")
    spec = importlib.util.spec_from_file_location("symconv_docs", ROOT / "docs/_ext/symconv_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Every table that implements or renders the operations, by owner.
TABLES: dict[str, Mapping[str, Any]] = {
    "ExactBackend": ExactBackend.operations,
    "ModularBackend": ModularBackend.operations,
    "CyclotomicBackend": CyclotomicBackend.operations,
    "WideBackend": WideBackend.operations,
    "PackedBackend": PackedBackend.operations,
    "_HeightBackend": _HeightBackend.operations,
    "formulas": formulas._CALLS,
}


@pytest.mark.parametrize("owner", sorted(TABLES))
def test_every_operation_is_implemented_or_explicitly_unsupported(owner: str) -> None:
    table = TABLES[owner]
    assert set(table) == set(OPERATIONS)
    for name, impl in table.items():
        assert callable(impl) or (isinstance(impl, Unsupported) and name in impl.reason), name


def test_the_documentation_names_an_implementation_of_every_operation() -> None:
    implementations = _docs().IMPLEMENTATIONS
    assert set(implementations) == set(OPERATIONS)
    assert all(callable(f) and f.__doc__ for f in implementations.values())


def test_a_table_that_forgets_an_operation_is_refused() -> None:
    table = {name: Unsupported(f"{name}: no") for name in OPERATIONS}
    assert dispatch_table("t", table) == table
    del table["trace"]
    with pytest.raises(RuntimeError, match=r"t: .*lacks \['trace'\]"):
        dispatch_table("t", table)
    with pytest.raises(RuntimeError, match=r"unknown.*'cumsum'"):
        dispatch_table("t", {**table, "trace": Unsupported("x"), "cumsum": Unsupported("x")})


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_the_parser_reads_the_record(name: str) -> None:
    op = OPERATIONS[name]
    assert FUNCTIONS[name] is op and op.name == name
    assert (op.min_ints, op.max_ints) == op.ints.bounds
    signals = ", ".join("ab"[:op.signals])
    if op.max_ints < 8:
        too_many = ", ".join([signals, *["1"] * (op.max_ints + 1)])
        with pytest.raises(ClaimFileError, match=f"{name}\\(\\) takes"):
            parse_statement(f"{name}({too_many}) == a")
    if op.min_ints:
        with pytest.raises(ClaimFileError, match=f"{name}\\(\\) takes"):
            parse_statement(f"{name}({signals}) == a")
    for keyword in op.keywords:  # accepted (their values are checked later); others refused
        value = "1" if keyword == "axis" else '"full"'
        parse_statement(f"{name}({signals}, {keyword}={value}) == a")
    with pytest.raises(ClaimFileError, match="has no keyword"):
        parse_statement(f"{name}({signals}, colour=1) == a")


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_kind_and_degree_follow_the_record(name: str) -> None:
    op, call = OPERATIONS[name], _sample(name)
    ndim = _ndim(name)
    kind = kind_of(call, {"a": ndim, "b": ndim})
    assert kind.is_scalar == op.scalar == is_scalar(call) == (name in SCALAR_FUNCTIONS)
    assert kind.ndim == (0 if op.scalar else ndim)
    assert degree(call, {"a", "b"}) == degree_bound(call) == op.signals
    assert degree(call, {"b"}) == op.signals - 1
    assert names_sizes(call) == (name in SIZE_FUNCTIONS or (name in SIZED_CALLS and op.sized))
    if op.ndim is not None:
        with pytest.raises(ClaimFileError, match=f"expected a {op.ndim}D signal"):
            kind_of(call, {"a": op.ndim + 1, "b": op.ndim + 1})


def test_views_of_the_records() -> None:
    assert {"len", "size", "numel"} == SIZE_FUNCTIONS
    assert {"zeropad", "periodize", "circconv", "circcorr", "dft", "idft"} == SIZED_CALLS
    assert {"sum", "frobenius", "trace", "len", "size", "numel"} == SCALAR_FUNCTIONS
    assert {"circconv", "circcorr", "dft", "idft", "periodize"} == CIRCULAR
    assert {"dft", "idft"} == ROOTS_OF_UNITY
    # the general tier's definitions are the records' (and only theirs)
    defined = {n for n, op in OPERATIONS.items() if isinstance(op.general, Definition)}
    assert set(rules.DEFINITIONS) == set(rules.DEFINITIONS_LATEX) == defined
    assert all(op.general.reason for op in OPERATIONS.values()
               if isinstance(op.general, Unsupported))


@pytest.mark.parametrize(("text", "scalar"), [
    ("2j", True), ("-1j * 3", True), ("1j * sum(a)", True), ("sum(a) / 2j", True),
    ("1j * a", False), ("a / 2", False), ("numel(a) - 1", True),
])
def test_imaginary_literals_are_scalars_for_every_reader(text: str, scalar: bool) -> None:
    """The drift the registry removed: the general tier's is_scalar once called 2j a signal."""
    node = parse_statement(f"{text} == {text}").left
    assert is_scalar(node) == rules.is_scalar(node) == kind_of(node, {"a": 1}).is_scalar == scalar


def _residue(value: Any, prime: int = PRIME) -> int:
    """An exact rational entry (a constant Polynomial) modulo ``prime``."""
    c = value.constant_value()
    return int(c.numerator) * pow(int(c.denominator), -1, prime) % prime


def _residues(value: Any, prime: int = PRIME) -> Any:
    if isinstance(value, Signal):
        return Signal(np.array([_residue(v, prime) for v in value.entries.flat],
                               dtype=np.int64).reshape(value.shape), value.origin)
    return _residue(value, prime)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_backend_evaluates_every_operation_or_says_why_not(name: str) -> None:
    """Each backend either evaluates the sample call (agreeing with the exact value: mod p for
    the modular ones) or raises its unsupported error with the record's reason."""
    call, env = _sample(name), _signals(name)
    exact = evaluate(call, {n: s.exact() for n, s in env.items()}, ExactBackend())
    order = 4  # roots of unity of the sample's 4x4 period
    cyclotomic = CyclotomicBackend(PRIME, order, pow(ROOT_OF_PRIME, (PRIME - 1) // order, PRIME))
    for backend in (ModularBackend(PRIME, ROOT_OF_PRIME), cyclotomic, WideBackend(WIDE_PRIME)):
        residues = {n: backend.reduce(s) for n, s in env.items()}
        impl = backend.operations[name]
        if isinstance(impl, Unsupported):
            with pytest.raises(NotModular, match=re.escape(impl.reason)):
                evaluate(call, residues, backend)
            continue
        value = evaluate(call, residues, backend)
        if not OPERATIONS[name].roots_of_unity:  # (ζ_4 has no image to compare with here)
            assert difference(_residues(exact, backend.prime), value) is None, \
                (name, type(backend).__name__)
    packed_backend = PackedBackend(MonomialCodec([], 2))
    packed = evaluate(call, {n: packed_backend.pack(s) for n, s in env.items()}, packed_backend)
    if OPERATIONS[name].scalar:
        assert packed_backend.entry(packed, None) == exact, name
    else:
        entries = [packed_backend.entry(packed, tuple(i + o for i, o in zip(
            index, packed.origin, strict=True))) for index in np.ndindex(*packed.shape)]
        unpacked = Signal(np.array(entries, dtype=object).reshape(packed.shape), packed.origin)
        assert difference(exact, unpacked) is None, name
    zero = {n: _Weighed(Signal(np.zeros(s.shape, dtype=np.int64), s.origin), 1, 1, 1)
            for n, s in env.items()}
    weighed = evaluate(call, zero, _HeightBackend())
    assert weighed.height >= 1
    assert weighed.degree == (0 if name in SIZE_FUNCTIONS else OPERATIONS[name].signals)


def test_unsupported_raises_the_backends_own_error() -> None:
    with pytest.raises(NotModular, match="roots of unity"):
        evaluate(_sample("dft"), _signals("dft"), ModularBackend(PRIME, ROOT_OF_PRIME))
    backend = CyclotomicBackend(PRIME, 4, pow(ROOT_OF_PRIME, (PRIME - 1) // 4, PRIME))
    with pytest.raises(NotModular, match="ConjugatePairs"):
        evaluate(_sample("conj"), _signals("conj"), backend)


@pytest.mark.parametrize("name", sorted(set(OPERATIONS) - ROOTS_OF_UNITY))
def test_the_height_rule_bounds_the_value(name: str) -> None:
    """_HeightBackend's rule for each operation bounds its value's entries: with fixed inputs
    of entries 5 (height 5, degree 0) every exact entry lies within height / denominator."""
    call, env = _sample(name), _signals(name)
    fives = {n: Signal(np.full(s.shape, 5, dtype=np.int64), s.origin) for n, s in env.items()}
    exact = evaluate(call, {n: s.exact() for n, s in fives.items()}, ExactBackend())
    weighed = evaluate(call, {n: _Weighed(Signal(np.zeros(s.shape, dtype=np.int64), s.origin),
                                          5, 1, 0) for n, s in fives.items()}, _HeightBackend())
    entries = exact.entries.flat if isinstance(exact, Signal) else [exact]
    largest = max(abs(Fraction(str(v.constant_value()))) for v in entries)
    assert largest * weighed.denominator <= weighed.height, (name, largest, weighed.height)


@settings(max_examples=60, deadline=None)
@given(dsl_claims(max_depth=3))
def test_the_syntactic_scalar_reading_agrees_with_the_kind_checker(
        generated: tuple[str, dict[str, object]]) -> None:
    """is_scalar (general tier, LaTeX) and kind_of (the load-time check) agree on every
    sub-expression of well-typed statements, and so do the two degree bounds."""
    claim = claim_from_text(*generated)
    assert claim.statement is not None
    ndims = {name: len(specs[0].shape) for name, specs in claim.signals.items()}
    integers = {id(a) for n in walk(claim.statement) if isinstance(n, Call)
                for a in (*n.args[OPERATIONS[n.func].signals:], *(v for _, v in n.kwargs))}
    for node in walk(claim.statement):
        if id(node) in integers or isinstance(node, Str):
            continue  # integer arguments and keyword values are not values of the statement
        assert is_scalar(node) == kind_of(node, ndims).is_scalar, unparse(node)
        assert degree(node, set(ndims)) == degree_bound(node)


def _meanings(name: str) -> dict[str, Any]:
    """The record's general-tier meanings by model (or its one reason for none)."""
    general = OPERATIONS[name].general
    if isinstance(general, Unsupported):
        return {"general": general}
    return {"Z^d": general.on_z, "Z_n^d": general.on_torus, "mod N": general.on_padded_torus}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_operation_has_a_general_tier_meaning_or_says_why_not(name: str) -> None:
    """On Z^d, on Z_n^d and read modulo a zeropad length: a meaning as data (its reads name
    signal arguments, a phase or bound reads only under a sum), a structural case the
    unfolding has a rule for, or an explicit reason; and a box rule or a reason."""
    op = OPERATIONS[name]
    for model, meaning in _meanings(name).items():
        if isinstance(meaning, Unsupported):
            assert meaning.reason, (name, model)
        elif isinstance(meaning, Structural):
            assert meaning.case in rules.STRUCTURAL, (name, model)
        else:
            assert isinstance(meaning, Multilinear), (name, model)
            assert all(0 <= read.arg < op.signals for read in meaning.reads), (name, model)
            uses_sum = meaning.phase != 0 or any(read.bound for read in meaning.reads)
            assert meaning.summed == uses_sum, (name, model)
            assert meaning.reads or meaning.numel, (name, model)
            # integers are read (offsets, axes) only by an operation that has them
            assert not meaning.takes_ints or op.max_ints > 0, (name, model)
    box = rules.BOXES[name]
    assert box.reason if isinstance(box, Unsupported) else callable(box)


def _unfolded(name: str, torus: bool) -> tuple[Call, Any, int]:
    ints = {"size": ["0"], "shift": ["0"], "periodize": ["len(a)"]}.get(name, [])  # on Z_3
    call = _sample(name) if not torus else parse_statement(
        f"{name}({', '.join([*'ab'[:OPERATIONS[name].signals], *ints])}) == a").left
    assert isinstance(call, Call)
    ndim = 1 if torus else _ndim(name)
    side = rules.DslSide(call, signal=not OPERATIONS[name].scalar, torus=torus, ndim=ndim)
    return call, rules.unfold(side), ndim


@pytest.mark.parametrize(("name", "torus"), [
    (name, torus) for name in sorted(OPERATIONS) for torus in (False, True)
    if isinstance(_meanings(name).get("Z_n^d" if torus else "Z^d"), Multilinear)])
def test_the_unfolded_meaning_is_what_ops_computes(name: str, torus: bool) -> None:
    """The record's meaning, unfolded and summed over the supports, against the exact
    evaluation with symconv.core.ops, on complex symbolic signals (so that conj counts):
    at every point around the value's box on Z^d, on [0, n) with signals read mod n on Z_n^d."""
    from symconv.core.ops import periodize
    from symconv.prove.sums import FREE_VARIABLE
    from tests.term_values import as_polynomial, evaluate_at, tabulate, with_conjugates

    call, term, ndim = _unfolded(name, torus)
    shape, origin = ((3,), (0,)) if torus else ((2, 3)[:ndim] + (2,) * (ndim - 2), (-1,) * ndim)
    env = {n: Signal.symbolic(n, shape, origin, real=False) for n in "ab"}
    value = evaluate(call, env, ExactBackend())
    period = shape if torus else None
    tables = tabulate(with_conjugates({n: periodize(s, shape) for n, s in env.items()}
                                       if torus else env))
    if not isinstance(value, Signal):
        points: list[Any] = [None]
    elif torus:  # the model on Z_n^d is the value read mod n
        value, points = periodize(value, shape), [(k,) for k in range(shape[0])]
    else:
        points = list(itertools.product(*(range(o - 1, o + n + 1)
                                          for o, n in zip(value.origin, value.shape, strict=True))))
    for point in points:
        got = evaluate_at(term, tables, {} if point is None else {FREE_VARIABLE: point}, ndim,
                          period)
        expected = value if point is None else value.value_at(point)
        assert got == as_polynomial(expected), (name, point)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_the_torus_fragment_is_the_records(name: str) -> None:
    """A call is admitted on Z_n^d exactly when its record has a meaning there that takes
    its integers (or it has none), and the probe of the declared boxes agrees."""
    call = _sample(name)
    meaning, padded = rules.torus_meaning(name), rules.torus_meaning(name, padded=True)
    expected = isinstance(meaning, Multilinear) and (
        not call.args[OPERATIONS[name].signals:] or meaning.takes_ints) and \
        not call.kwargs and meaning.ndim in (None, _ndim(name))
    assert rules.on_torus(call, _ndim(name)) == expected
    expected_padded = isinstance(padded, Multilinear) and (
        not call.args[OPERATIONS[name].signals:] or padded.takes_ints) and not call.kwargs
    assert rules.on_padded_torus(call, _ndim(name)) == expected_padded
