"""The certificate of a general-tier derivation: the re-indexing maps with their inverses,
per side and per axis, that :mod:`symconv.prove.checker` re-verifies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from symconv.lang.dsl import (
    Node,
)
from symconv.prove.derivation import Step
from symconv.prove.rules import (
    DslSide,
    RuleError,
    linearity,
    side_frame,
    unfold_correspondence,
)
from symconv.prove.sums import (
    FREE_VARIABLE,
    Index,
    LinearForm,
)

if TYPE_CHECKING:
    pass


Affine = dict[str, int]  # the checker's integer affine forms: "v.axis" -> coefficient, "1"



def _simultaneous(index: Index, mapping: Mapping[str, Index]) -> Index:
    """``index`` with every variable of ``mapping`` replaced at once."""
    result = Index.constant(index.const)
    for v, c in index.coeffs:
        result = result + mapping.get(v, Index.var(v)).scaled(c)
    return result


def certificate_side(steps: list[Step], ndims: Mapping[str, int], node: Node,
                     square: bool = False) -> dict[str, Any]:
    """For each term of the side's flat form, the re-indexing it underwent, composed into one
    map (old variables in terms of the final ones) with its inverse.

    The checker names the n-th summation variable it creates ``v{n}``; the unfold records
    which of its own variables that is, axis by axis (:func:`unfold_correspondence`).
    ``ndims`` and ``node`` (the signals' axes, the side as written) are what the unfold
    read already, through ``steps``.  ``square``: the checker's Z_n^d of one period for all
    axes, which names the variables by position (a transpose keeps the periods).
    """
    flat = next((s.after for s in steps if s.rule == "linearity"), None)
    if flat is None:
        flat = linearity(steps[0].after)  # type: ignore[arg-type]
    assert isinstance(flat, LinearForm)
    side = steps[0].before
    assert isinstance(side, DslSide)
    if not side.torus:
        return _certificate_plane(steps, flat, unfold_correspondence(side), side.ndim)
    return _certificate_torus(steps, flat, unfold_correspondence(side), side_frame(side), square)


def _certificate_torus(steps: list[Step], flat: LinearForm,
                       correspondence: Mapping[str, list[tuple[int, str]]],
                       frame: tuple[int, ...], square: bool) -> dict[str, Any]:
    """:func:`certificate_side` on Z_n^d.  The checker names each axis of a variable by its
    period: axis b of every variable of the side is periodic in n_frame[b] (``frame``, see
    :func:`~symconv.prove.rules.side_frame`), and a variable o of the unfold is, axis by
    axis, ±(a variable of the checker's expansion) (``correspondence``).  With one period for
    all axes (``square``) every variable, the free point's too, is named by position, the same
    on both sides whatever their frames."""
    frame = tuple(range(len(frame))) if square else frame
    forward = [{v: Index.var(v) for v in mono.variables} for mono in flat.monomials]
    inverse = [{v: Index.var(v) for v in mono.variables} for mono in flat.monomials]
    # per term, each variable of the checker's term as ±(a current variable), axis by axis
    named = [dict(correspondence) for _ in flat.monomials]
    done: list[list[list[Any]]] = [[] for _ in flat.monomials]

    def spelled(index: Index, b: int, m: int, unfolded: bool) -> Affine:
        """Axis b of ``index``: the free point and the current variables by their period,
        the variables as the checker has them (``unfolded``) as ±(the checker's)."""
        form: Affine = {}
        for v, c in index.coeffs:
            sign, name = named[m][v][b] if unfolded and v != FREE_VARIABLE \
                else (1, f"{v}.{frame[b]}")
            form[name] = form.get(name, 0) + sign * c
        if index.const and index.const[b]:
            form["1"] = index.const[b]
        return {v: c for v, c in form.items() if c}

    def flush(m: int, last: bool) -> None:
        """The re-indexing so far as a map step (the last one also renames the checker's
        variables to the current ones, which both sides must share); the checker's
        variables are then the current ones, by their period."""
        if forward[m] and (last or any(e != Index.var(v) for v, e in forward[m].items())):
            old = {named[m][o][b][1]: {v: named[m][o][b][0] * c
                                       for v, c in spelled(e, b, m, False).items()}
                   for o, e in forward[m].items() for b in range(len(frame))}
            new = {f"{v}.{frame[b]}": spelled(e, b, m, True) for v, e in inverse[m].items()
                   for b in range(len(frame))}
            done[m].append(["map", old, new])
            named[m] = {v: [(1, f"{v}.{frame[b]}") for b in range(len(frame))]
                        for v in inverse[m]}
            forward[m] = {v: Index.var(v) for v in inverse[m]}
            inverse[m] = dict(forward[m])

    for step in steps:
        if step.rule not in ("reindex", "rename", "orthogonality", "collapse"):
            continue
        m = step.params["monomial"]
        if step.rule in ("orthogonality", "collapse"):
            var = step.params["var"]
            flush(m, False)  # the checker sums out its own variables: the map built so far comes first
            kind = "orth" if step.rule == "orthogonality" else "collapse"
            done[m] += [[kind, name] for _, name in named[m][var]]
            del forward[m][var], inverse[m][var], named[m][var]
            continue
        if step.rule == "rename":
            mapping = step.params["mapping"]
            forward[m] = {o: e.rename(mapping) for o, e in forward[m].items()}
            inverse[m] = {mapping.get(v, v): e for v, e in inverse[m].items()}
            continue
        var, new_var, image = step.params["var"], step.params["new_var"], step.params["image"]
        rest = image.substitute(var, Index())
        solved = (Index.var(new_var) - rest).scaled(image.coeff(var))
        forward[m] = {o: e.substitute(var, solved) for o, e in forward[m].items()}
        new_image = _simultaneous(image, inverse[m])
        inverse[m] = {v: e for v, e in inverse[m].items() if v != var}
        inverse[m][new_var] = new_image
    for m in range(len(flat.monomials)):
        flush(m, True)
    terms = [{"steps": steps_m} for steps_m in done]
    return {"terms": terms}


def _affine(index: Index, axis: int) -> Affine:
    form = {f"{v}.{axis}": c for v, c in index.coeffs}
    if index.const and index.const[axis]:
        form["1"] = index.const[axis]
    return form


def _substituted(form: Mapping[str, int], mapping: Mapping[str, Affine]) -> Affine:
    out: Affine = {}
    for v, c in form.items():
        for u, k in mapping.get(v, {v: 1}).items():
            out[u] = out.get(u, 0) + c * k
    return {v: c for v, c in out.items() if c}


def _certificate_plane(steps: list[Step], flat: LinearForm,
                       correspondence: Mapping[str, list[tuple[int, str]]], ndim: int
                       ) -> dict[str, Any]:
    """:func:`certificate_side` on Z^d, axis by axis: a summation variable o of the unfold is
    o_b = sign·name, a variable of the checker's expansion (``correspondence``: one-axis
    flips and transposes around sums, the two sums of trace(a @ b)).  Per term, ``old``
    holds each checker variable in terms of the current variables, ``new`` each current
    variable in terms of the checker's."""
    old: list[dict[str, Affine]] = []
    new: list[dict[str, Affine]] = []
    for mono in flat.monomials:
        old.append({name: {f"{o}.{b}": sign} for o in mono.variables
                    for b, (sign, name) in enumerate(correspondence[o])})
        new.append({f"{o}.{b}": {name: sign} for o in mono.variables
                    for b, (sign, name) in enumerate(correspondence[o])})
    fixed: list[list[list[str]]] = [[] for _ in flat.monomials]
    touched = [False for _ in flat.monomials]
    for step in steps:
        if step.rule not in ("reindex", "rename", "fix", "permute", "permute_sums", "at_point",
                             "divide", "lattice"):
            continue
        if step.rule == "lattice":  # v_i = Σ_j U_ij·w_j + r_i, w_j = Σ_i V_ji·(v_i − r_i)
            m, source = step.params["monomial"], step.before
            assert isinstance(source, LinearForm)
            touched[m] = True
            olds, news = source.monomials[m].variables, step.params["new_vars"]
            matrix, inverse, rests = (step.params[k] for k in ("matrix", "inverse", "rests"))
            forward = [sum((Index.var(w, matrix[i][j]) for j, w in enumerate(news)), rests[i])
                       for i in range(len(olds))]
            solved = {f"{v}.{b}": _affine(forward[i], b) for i, v in enumerate(olds)
                      for b in range(ndim)}
            old[m] = {k: _substituted(e, solved) for k, e in old[m].items()}
            back = [sum(((Index.var(v) - rests[i]).scaled(inverse[j][i]) for i, v in enumerate(olds)),
                        Index()) for j in range(len(news))]
            new[m] = {k: e for k, e in new[m].items() if k not in solved} | {
                f"{w}.{b}": _substituted(_affine(back[j], b), new[m])
                for j, w in enumerate(news) for b in range(ndim)}
            continue
        if step.rule == "divide":  # between the fixes, on the variables as unfolded
            if touched[step.params["monomial"]]:
                raise RuleError("an indicator is divided after a re-indexing")
            fixed[step.params["monomial"]].append(["divide"])
            continue
        if step.rule == "at_point":  # after the fixes, on the free point only
            for m, _ in step.params["moves"]:
                if touched[m]:
                    raise RuleError("an indicator fixes the point after a re-indexing")
                fixed[m] += [["point", f"{FREE_VARIABLE}.{a}"] for a in range(ndim)]
            continue
        if step.rule == "fix":  # fixes come first, on the variables as unfolded
            for m, fixed_var in step.params["moves"]:
                gone = [f"{fixed_var}.{b}" for b in range(ndim)]
                if touched[m]:
                    raise RuleError("an indicator fixes a variable after a re-indexing")
                fixed[m] += [["collapse", name] for _, name in correspondence[fixed_var]]
                old[m] = {k: e for k, e in old[m].items() if not set(e) & set(gone)}
                new[m] = {k: e for k, e in new[m].items() if k not in gone}
            continue
        m = step.params["monomial"]
        var: str = step.params.get("var", "")
        axes = [f"{var}.{b}" for b in range(ndim)]
        touched[m] = True
        if step.rule == "rename":
            renamed = {f"{o}.{b}": {f"{n}.{b}": 1} for o, n in step.params["mapping"].items()
                       for b in range(ndim)}
            old[m] = {k: _substituted(e, renamed) for k, e in old[m].items()}
            new[m] = {next(iter(renamed[k])) if k in renamed else k: e for k, e in new[m].items()}
        elif step.rule in ("permute", "permute_sums"):  # v = σ(v'): v_a = s_a·v'_|σ_a|
            sigma = step.params["axes"]
            source = step.after if step.reversed else step.before
            assert isinstance(source, LinearForm)
            moved = (var,) if step.rule == "permute" else source.monomials[m].variables
            into = {f"{v}.{a}": {f"{v}.{abs(t) - 1}": 1 if t > 0 else -1}
                    for v in moved for a, t in enumerate(sigma)}
            old[m] = {k: _substituted(e, into) for k, e in old[m].items()}
            before = dict(new[m])
            for v in moved:
                for a, t in enumerate(sigma):  # v'_|σ_a| = s_a·v_a
                    new[m][f"{v}.{abs(t) - 1}"] = {k: (1 if t > 0 else -1) * c
                                                    for k, c in before[f"{v}.{a}"].items()}
        else:  # new_var = image, i.e. var = c·(new_var − rest)
            new_var, image = step.params["new_var"], step.params["image"]
            c = image.coeff(var)
            rest = image.substitute(var, Index())
            solved = {f"{var}.{b}": _affine((Index.var(new_var) - rest).scaled(c), b)
                      for b in range(ndim)}
            old[m] = {k: _substituted(e, solved) for k, e in old[m].items()}
            images = {f"{new_var}.{b}": _substituted(_affine(image, b), new[m])
                      for b in range(ndim)}
            new[m] = {k: e for k, e in new[m].items() if k not in axes} | images
    terms = [{"steps": first + ([["map", fwd, inv]] if fwd else [])}
             for fwd, inv, first in zip(old, new, fixed, strict=True)]
    return {"terms": terms}
