"""Past-time temporal logic (past LTL) compiled into a stack of non-negative-gate SSM layers.

Past LTL defines exactly the star-free languages (Kamp's theorem with Schützenberger's; Alsmann
et al. 2026 use it to re-derive Sarrof et al.'s star-free result). A formula is evaluated at every
position ``t`` (0-based) of a word:

=================  ===============================================================
``a``              the symbol at ``t`` is ``a`` (an atom; quote it, ``'S'``, if it is
                   a keyword or not a plain word)
``true``/``false`` constants
``!f``, ``f & g``, ``f | g``, ``f -> g``   Boolean connectives
``Y f``            yesterday: ``t > 0`` and ``f`` at ``t − 1``
``f S g``          since: ``g`` at some ``j ≤ t`` and ``f`` at every ``k`` in ``(j, t]``
``O f``, ``H f``   once (``true S f``), historically (``!O!f``)
=================  ===============================================================

Precedence, loosest first: ``->`` (right-associative), ``|``, ``&``, ``S`` (left-associative),
then the prefix operators ``! Y O H``. Operators are separate words: ``a S b``, ``Y(a)``.
Parentheses and prefix operators nest at most :data:`MAX_NESTING` deep, and the formula's tree
at most :data:`MAX_DEPTH` deep (long chains of ``&``, ``|``, ``S``, ``->`` included): deeper
text is a :class:`FormulaSyntaxError`, never a ``RecursionError``. The alphabet is required
(no default) and every symbol must be writable as an atom.

Compilation
-----------
Every temporal subformula (``S``, ``O``, ``H``, ``Y``) becomes one channel of layer ``ℓ``, where
``ℓ`` is its temporal nesting depth; so the model has exactly as many layers as the formula's
nesting depth of temporal operators (for ``Y``-free formulas: the nesting depth of ``S``, ``O``
and ``H`` being abbreviations of ``S``). Layer ℓ's input is a 0/1 vector: the one-hot symbol and
the values of every temporal subformula of depth ``< ℓ``; the Boolean operands of a channel are
position-wise functions of that vector, so they can drive the gates. φ passes the input on and
appends the new values (a residual readout).

* ``f S g``: gate ``[¬g ∧ f]`` and ``b = [g]``: ``g`` sets the channel to 1 (gate 0), ``f ∧ ¬g``
  holds it (gate 1), otherwise it resets to 0 (gate 0, ``b = 0``). Read ``h > 1/2``.
* ``O f``: gate ``[¬f]``, ``b = [f]``.  ``H f``: the channel tracks ``O ¬f`` (gate ``[f]``,
  ``b = [¬f]``) and φ reads ``h < 1/2``.
* ``Y f`` is the one operator that gates in {0, 1} cannot provide: φ only sees ``h_t`` *after*
  the update at ``t``; a gate-0 channel has forgotten ``t − 1``, and a gate-1 channel that keeps
  it is a translation ``h ↦ h + b``, whose states are unbounded. A fading gate does it exactly:
  gate ``1/4`` and ``b = [f]`` give ``h_t = Σ_k f_{t−k} 4^{−k}``, and ``h_t − f_t`` is ``≥ 1/4``
  when ``f`` held at ``t − 1`` and ``≤ 1/12`` otherwise; φ compares with ``1/6``. Rounding errors
  are damped by the same factor 1/4 (total below ``2^-22`` in float32), far inside the gap, so
  the channel is exact at every length. The gate ``1/4`` is non-negative (a Mamba gate
  ``exp(Δ·A)``), so the model stays in the paper's class.

All other states are exactly 0 or 1, so the model's output equals the formula's truth value at
every position and length. :func:`evaluate` is the direct (definitional) evaluator used to check
it; :func:`evaluate_linear` is a linear-time evaluator for long words.

>>> c = build_ltl("!b S a", alphabet="abc")
>>> c.layers, c.width, c.gates
(1, 1, (0.0, 1.0))
>>> c.predict(["cacbca"])[0].astype(int).tolist()
[0, 1, 1, 0, 0, 1]
>>> build_ltl("Y Y a", alphabet="ab").predict(["aabab"])[0].astype(int).tolist()
[0, 0, 1, 1, 0]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Sequence

import numpy as np
import torch

from ssm.layers.diagonal import DiagonalSSM, DiagonalSSMLayer

from .base import Construction, gate_list
from .errors import ConstructionError
from .modular import sample_uniform_words

__all__ = ["MAX_NESTING", "MAX_DEPTH", "Formula", "Atom", "Const", "Not", "And", "Or", "Yesterday", "Since", "Once",
           "Historically", "parse_formula", "FormulaSyntaxError", "evaluate", "evaluate_linear",
           "temporal_depth", "since_depth", "build_ltl", "Y_GATE", "formula_size", "formula_text"]

Y_GATE = 0.25
_Y_THRESHOLD = 1.0 / 6.0
MAX_NESTING = 100        # parentheses and prefix operators inside one another
MAX_DEPTH = 200          # depth of the formula's tree (the evaluators recurse on it)


class FormulaSyntaxError(ConstructionError):
    """A formula does not parse or names a symbol outside the alphabet."""


# ----------------------------------------------------------------------------- syntax tree
class Formula:
    """Base class of formula nodes (frozen dataclasses, hashable: equal subformulas share a
    channel)."""

    def children(self) -> tuple["Formula", ...]:
        return ()


@dataclass(frozen=True)
class Atom(Formula):
    symbol: str

    def __str__(self):
        return self.symbol if re.fullmatch(r"\w+", self.symbol) and self.symbol not in _KEYWORDS \
            else "'" + self.symbol + "'"


@dataclass(frozen=True)
class Const(Formula):
    value: bool

    def __str__(self):
        return "true" if self.value else "false"


@dataclass(frozen=True)
class Not(Formula):
    f: Formula

    def children(self):
        return (self.f,)

    def __str__(self):
        return f"!{_wrap(self.f)}"


@dataclass(frozen=True)
class And(Formula):
    left: Formula
    right: Formula

    def children(self):
        return (self.left, self.right)

    def __str__(self):
        return f"({self.left} & {self.right})"


@dataclass(frozen=True)
class Or(Formula):
    left: Formula
    right: Formula

    def children(self):
        return (self.left, self.right)

    def __str__(self):
        return f"({self.left} | {self.right})"


@dataclass(frozen=True)
class Yesterday(Formula):
    f: Formula

    def children(self):
        return (self.f,)

    def __str__(self):
        return f"Y {_wrap(self.f)}"


@dataclass(frozen=True)
class Once(Formula):
    f: Formula

    def children(self):
        return (self.f,)

    def __str__(self):
        return f"O {_wrap(self.f)}"


@dataclass(frozen=True)
class Historically(Formula):
    f: Formula

    def children(self):
        return (self.f,)

    def __str__(self):
        return f"H {_wrap(self.f)}"


@dataclass(frozen=True)
class Since(Formula):
    left: Formula
    right: Formula

    def children(self):
        return (self.left, self.right)

    def __str__(self):
        return f"({self.left} S {self.right})"


def _cached_hash(self) -> int:
    h = self.__dict__.get("_hash")
    if h is None:
        h = hash((type(self).__name__,) + tuple(getattr(self, f.name) for f in fields(self)))
        object.__setattr__(self, "_hash", h)
    return h


def _fast_eq(self, other) -> bool:
    if self is other:
        return True
    if type(self) is not type(other) or hash(self) != hash(other):
        return False
    return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(self))


# formulas built by compilers share subterms (DAGs): cache hashes so dict look-ups stay cheap
for _cls in (Atom, Const, Not, And, Or, Yesterday, Once, Historically, Since):
    _cls.__hash__ = _cached_hash
    _cls.__eq__ = _fast_eq


def _wrap(f: Formula) -> str:
    s = str(f)
    return s if isinstance(f, (Atom, Const, Not, Yesterday, Once, Historically)) or s.startswith("(") \
        else f"({s})"


_TEMPORAL = (Yesterday, Since, Once, Historically)
_KEYWORDS = {"S", "Y", "O", "H", "true", "false"}


def _depth(f: Formula, kinds: tuple | None, memo: dict) -> int:
    """Nesting depth of the node types ``kinds`` (every node when ``None``); iterative."""
    if f in memo:
        return memo[f]
    for g in _subformulas(f):
        if g not in memo:
            d = max((memo[c] for c in g.children()), default=0)
            memo[g] = d + 1 if kinds is None or isinstance(g, kinds) else d
    return memo[f]


def _check_depth(f: Formula) -> Formula:
    depth = _depth(f, None, {})
    if depth > MAX_DEPTH:
        raise FormulaSyntaxError(f"the formula is {depth} operators deep, more than {MAX_DEPTH}")
    return f


def temporal_depth(f: Formula) -> int:
    """Nesting depth of temporal operators (``S``, ``O``, ``H``, ``Y``): the number of layers."""
    return _depth(f, _TEMPORAL, {})


def since_depth(f: Formula) -> int:
    """Nesting depth of ``S`` (``O`` and ``H`` count, being ``S`` abbreviations; ``Y`` does not)."""
    return _depth(f, (Since, Once, Historically), {})


def _subformulas(f: Formula) -> list[Formula]:
    """Every distinct subformula, children before parents (iterative; formulas may be DAGs)."""
    seen: set = set()
    order: list[Formula] = []
    stack = [(f, False)]
    while stack:
        g, done = stack.pop()
        if done:
            order.append(g)
            continue
        if g in seen:
            continue
        seen.add(g)
        stack.append((g, True))
        stack.extend((c, False) for c in g.children() if c not in seen)
    return order


def formula_size(f: Formula) -> int:
    """Number of nodes of the formula written out as a tree (may be far larger than the DAG)."""
    size: dict = {}
    for g in _subformulas(f):
        size[g] = 1 + sum(size[c] for c in g.children())
    return size[f]


def formula_text(f: Formula, limit: int = 2000) -> str:
    """``str(f)``, or a summary when the written-out formula would exceed ``limit`` nodes."""
    n = formula_size(f)
    if n <= limit:
        return str(f)
    return f"<formula of {n} nodes as a tree, {len(_subformulas(f))} distinct subformulas>"


# ----------------------------------------------------------------------------- parser
_TOKEN = re.compile(r"\s*(?:(->)|([!&|()])|'([^']+)'|(\w+))")


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    toks, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            col = len(text) - len(text[pos:].lstrip()) + 1
            raise FormulaSyntaxError(f"unexpected character {text[col - 1]!r} at column {col} in {text!r}")
        col = m.start() + len(m.group(0)) - len(m.group(0).lstrip()) + 1
        if m.group(1) or m.group(2):
            toks.append(("op", m.group(1) or m.group(2), col))
        elif m.group(3) is not None:
            toks.append(("atom", m.group(3), col))
        else:
            w = m.group(4)
            toks.append(("op" if w in _KEYWORDS else "atom", w, col))
        pos = m.end()
    return toks


def parse_formula(text: str, alphabet: Sequence[str] | None = None) -> Formula:
    """Parse a past-LTL formula; atoms must be symbols of ``alphabet`` when it is given.

    >>> str(parse_formula("a S b & Y !c"))
    '((a S b) & Y !c)'
    """
    if not isinstance(text, str) or not text.strip():
        raise FormulaSyntaxError("the formula is empty")
    toks = _tokenize(text)
    i = 0
    nesting = 0

    def mk(cls, *args):
        node = cls(*args)
        hash(node)                  # bottom-up, so that hashing a long chain never recurses
        return node

    def enter(col):
        nonlocal nesting
        nesting += 1
        if nesting > MAX_NESTING:
            raise FormulaSyntaxError(f"parentheses and prefix operators nest deeper than "
                                     f"{MAX_NESTING} at column {col}")

    def peek():
        return toks[i] if i < len(toks) else ("end", "", len(text) + 1)

    def take(value=None):
        nonlocal i
        tok = peek()
        if value is not None and (tok[0] != "op" or tok[1] != value):
            what = "end of formula" if tok[0] == "end" else repr(tok[1])
            raise FormulaSyntaxError(f"expected {value!r} at column {tok[2]}, got {what} in {text!r}")
        i += 1
        return tok

    def implication():
        parts = [disjunction()]
        while peek()[:2] == ("op", "->"):
            take()
            parts.append(disjunction())
        f = parts[-1]
        for left in reversed(parts[:-1]):          # right-associative, without recursion
            f = mk(Or, mk(Not, left), f)
        return f

    def disjunction():
        f = conjunction()
        while peek()[:2] == ("op", "|"):
            take()
            f = mk(Or, f, conjunction())
        return f

    def conjunction():
        f = since()
        while peek()[:2] == ("op", "&"):
            take()
            f = mk(And, f, since())
        return f

    def since():
        f = unary()
        while peek()[:2] == ("op", "S"):
            take()
            f = mk(Since, f, unary())
        return f

    def unary():
        kind, val, col = peek()
        if kind == "op" and val in ("!", "Y", "O", "H"):
            nonlocal nesting
            take()
            enter(col)
            inner = unary()
            nesting -= 1
            return mk({"!": Not, "Y": Yesterday, "O": Once, "H": Historically}[val], inner)
        return primary()

    def primary():
        kind, val, col = peek()
        if kind == "op" and val == "(":
            nonlocal nesting
            take()
            enter(col)
            f = implication()
            take(")")
            nesting -= 1
            return f
        if kind == "op" and val in ("true", "false"):
            take()
            return Const(val == "true")
        if kind == "atom":
            take()
            if alphabet is not None and val not in alphabet:
                raise FormulaSyntaxError(f"atom {val!r} at column {col} is not in the alphabet "
                                         f"{list(alphabet)}")
            return Atom(val)
        what = "end of formula" if kind == "end" else repr(val)
        raise FormulaSyntaxError(f"expected a formula at column {col}, got {what} in {text!r}")

    f = implication()
    if i != len(toks):
        raise FormulaSyntaxError(f"unexpected {toks[i][1]!r} at column {toks[i][2]} in {text!r}")
    return _check_depth(f)


def _as_formula(f, alphabet) -> Formula:
    if isinstance(f, str):
        return parse_formula(f, alphabet)
    if not isinstance(f, Formula):
        raise FormulaSyntaxError(f"a formula must be a str or a Formula, got {type(f).__name__}")
    return f


def _check_alphabet(alphabet) -> tuple[str, ...]:
    """The alphabet as a tuple of distinct symbols, each writable as an atom of a formula."""
    if alphabet is None:
        raise ConstructionError("an LTL formula needs its alphabet (e.g. alphabet='ab'): the "
                                "model reads one-hot symbols, so it cannot be built without it")
    if isinstance(alphabet, (bytes, int, float)) or not hasattr(alphabet, "__iter__"):
        raise ConstructionError(f"the alphabet must be a str or a sequence of str, got {alphabet!r}")
    alphabet = tuple(alphabet)
    if not alphabet:
        raise ConstructionError("the alphabet is empty")
    for a in alphabet:
        if not isinstance(a, str) or not a or a != a.strip() or "'" in a:
            raise ConstructionError(f"alphabet symbol {a!r} cannot be written as an atom "
                                    "(non-empty, no surrounding spaces, no quote)")
    if len(set(alphabet)) != len(alphabet):
        dup = sorted({a for a in alphabet if alphabet.count(a) > 1})
        raise ConstructionError(f"the alphabet repeats symbol(s) {dup}")
    return alphabet


# ----------------------------------------------------------------------------- evaluators
def evaluate(formula: Formula | str, word, alphabet: Sequence[str] | None = None) -> np.ndarray:
    """Truth value at every position, straight from the definitions (quadratic for ``S``)."""
    syms = list(word)
    f = _as_formula(formula, alphabet)
    T = len(syms)
    memo: dict[Formula, list[bool]] = {}

    def ev(g: Formula) -> list[bool]:
        if g in memo:
            return memo[g]
        if isinstance(g, Atom):
            r = [s == g.symbol for s in syms]
        elif isinstance(g, Const):
            r = [g.value] * T
        elif isinstance(g, Not):
            r = [not v for v in ev(g.f)]
        elif isinstance(g, And):
            r = [u and v for u, v in zip(ev(g.left), ev(g.right))]
        elif isinstance(g, Or):
            r = [u or v for u, v in zip(ev(g.left), ev(g.right))]
        elif isinstance(g, Yesterday):
            v = ev(g.f)
            r = [t > 0 and v[t - 1] for t in range(T)]
        elif isinstance(g, Once):
            v = ev(g.f)
            r = [any(v[:t + 1]) for t in range(T)]
        elif isinstance(g, Historically):
            v = ev(g.f)
            r = [all(v[:t + 1]) for t in range(T)]
        elif isinstance(g, Since):
            lv, rv = ev(g.left), ev(g.right)
            r = [any(rv[j] and all(lv[j + 1:t + 1]) for j in range(t + 1)) for t in range(T)]
        else:  # pragma: no cover - every node type is handled above
            raise FormulaSyntaxError(f"unknown formula node {g!r}")
        memo[g] = r
        return r

    return np.array(ev(f), dtype=bool)


def evaluate_linear(formula: Formula | str, word, alphabet: Sequence[str] | None = None) -> np.ndarray:
    """Truth value at every position in linear time (the standard recurrences, e.g.
    ``(f S g)_t = g_t ∨ (f_t ∧ (f S g)_{t−1})``); tested equal to :func:`evaluate`."""
    syms = np.array(list(word), dtype=object)
    f = _as_formula(formula, alphabet)
    T = len(syms)
    memo: dict[Formula, np.ndarray] = {}

    def ev(g: Formula) -> np.ndarray:
        if g in memo:
            return memo[g]
        if isinstance(g, Atom):
            r = syms == g.symbol if T else np.zeros(0, dtype=bool)
        elif isinstance(g, Const):
            r = np.full(T, g.value)
        elif isinstance(g, Not):
            r = ~ev(g.f)
        elif isinstance(g, And):
            r = ev(g.left) & ev(g.right)
        elif isinstance(g, Or):
            r = ev(g.left) | ev(g.right)
        elif isinstance(g, Yesterday):
            r = np.concatenate([[False], ev(g.f)[:-1]]) if T else np.zeros(0, dtype=bool)
        elif isinstance(g, Once):
            r = np.logical_or.accumulate(ev(g.f)) if T else np.zeros(0, dtype=bool)
        elif isinstance(g, Historically):
            r = np.logical_and.accumulate(ev(g.f)) if T else np.zeros(0, dtype=bool)
        else:
            lv, rv = ev(g.left), ev(g.right)
            r = np.zeros(T, dtype=bool)
            prev = False
            for t in range(T):
                prev = bool(rv[t]) or (bool(lv[t]) and prev)
                r[t] = prev
        memo[g] = np.asarray(r, dtype=bool)
        return memo[g]

    return ev(f)


# ----------------------------------------------------------------------------- compiler
def _temporal_nodes(f: Formula, out: dict[Formula, int]) -> None:
    memo: dict = {}
    for g in _subformulas(f):
        if isinstance(g, _TEMPORAL) and g not in out:
            out[g] = _depth(g, _TEMPORAL, memo)


def _bool(g: Formula, feats: torch.Tensor, col: dict[Formula, int],
          memo: dict | None = None) -> torch.Tensor:
    """Position-wise Boolean value of ``g`` from a 0/1 feature tensor ``(B, T, F)``."""
    if memo is None:
        memo = {}
    if g in memo:
        return memo[g]
    if g in col:
        out = feats[..., col[g]] > 0.5
    elif isinstance(g, Const):
        out = torch.full(feats.shape[:-1], g.value, dtype=torch.bool)
    elif isinstance(g, Not):
        out = ~_bool(g.f, feats, col, memo)
    elif isinstance(g, And):
        out = _bool(g.left, feats, col, memo) & _bool(g.right, feats, col, memo)
    elif isinstance(g, Or):
        out = _bool(g.left, feats, col, memo) | _bool(g.right, feats, col, memo)
    else:  # pragma: no cover - temporal nodes of lower levels are always in ``col``
        raise ConstructionError(f"subformula {g} is not available at this layer")
    memo[g] = out
    return out


def build_ltl(formula: Formula | str, alphabet: Sequence[str] | str | None = None, *,
              dtype: torch.dtype = torch.float32) -> Construction:
    """Compile ``formula`` into a :class:`Construction` whose output at every position is the
    formula's truth value (bool, shape ``(T,)``).

    ``alphabet`` is required. A formula without temporal operators depends only on the current
    symbol: its model has no SSM layer (embedding and read-out only), which ``info["note"]``
    says.

    >>> build_ltl("a")
    Traceback (most recent call last):
    ...
    ssm.constructions.errors.ConstructionError: an LTL formula needs its alphabet (e.g. alphabet='ab'): the model reads one-hot symbols, so it cannot be built without it
    """
    if alphabet is None:
        _as_formula(formula, None)              # report a syntax error first
    alphabet = _check_alphabet(alphabet)
    f = _as_formula(formula, alphabet)
    for a in _atoms(f):
        if a not in alphabet:
            raise FormulaSyntaxError(f"atom {a!r} is not in the alphabet {list(alphabet)}")
    nodes: dict[Formula, int] = {}
    _temporal_nodes(f, nodes)
    depth = temporal_depth(f)
    col: dict[Formula, int] = {Atom(s): i for i, s in enumerate(alphabet)}
    n_feat = len(alphabet)
    layers = []
    all_gates: set = set()
    for level in range(1, depth + 1):
        mine = [g for g, d in nodes.items() if d == level]
        base_col = dict(col)

        def gates_and_inputs(x, mine=mine, base_col=base_col):
            a_cols, b_cols = [], []
            memo: dict = {}
            for g in mine:
                if isinstance(g, Since):
                    fv, gv = _bool(g.left, x, base_col, memo), _bool(g.right, x, base_col, memo)
                    a_cols.append(fv & ~gv)
                    b_cols.append(gv)
                elif isinstance(g, Once):
                    v = _bool(g.f, x, base_col, memo)
                    a_cols.append(~v)
                    b_cols.append(v)
                elif isinstance(g, Historically):
                    v = _bool(g.f, x, base_col, memo)
                    a_cols.append(v)
                    b_cols.append(~v)
                else:  # Yesterday
                    v = _bool(g.f, x, base_col, memo)
                    a_cols.append(None)
                    b_cols.append(v)
            b = torch.stack(b_cols, -1).to(x.dtype)
            a = torch.stack([torch.full(x.shape[:-1], Y_GATE, dtype=x.dtype) if c is None
                             else c.to(x.dtype) for c in a_cols], -1)
            return a, b

        def phi(h, x, mine=mine, base_col=base_col):
            vals = []
            memo: dict = {}
            for j, g in enumerate(mine):
                if isinstance(g, Yesterday):
                    cur = _bool(g.f, x, base_col, memo).to(h.dtype)
                    vals.append((h[..., j] - cur) > _Y_THRESHOLD)
                elif isinstance(g, Historically):
                    vals.append(h[..., j] < 0.5)
                else:
                    vals.append(h[..., j] > 0.5)
            return torch.cat([x, torch.stack(vals, -1).to(x.dtype)], -1)

        layers.append(DiagonalSSMLayer(lambda x, gi=gates_and_inputs: gi(x)[0],
                                       lambda x, gi=gates_and_inputs: gi(x)[1],
                                       phi, dtype=dtype, d_state=len(mine),
                                       name=f"level {level}: {len(mine)} channels"))
        for g in mine:
            col[g] = n_feat
            n_feat += 1
            all_gates |= {Y_GATE} if isinstance(g, Yesterday) else {0.0, 1.0}
    n_sym = len(alphabet)

    def embed(tokens):
        return torch.nn.functional.one_hot(tokens, n_sym).to(dtype)

    def head(z, col=dict(col)):
        return _bool(f, z, col)

    model = DiagonalSSM(layers, embed=embed, head=head)
    widths = tuple(layer.d_state for layer in layers)
    return Construction(
        name="ltl", language=f"ltl: {formula_text(f)}", alphabet=alphabet, layers=depth, width=sum(widths),
        layer_widths=widths, gates=tuple(gate_list(all_gates)), model=model,
        output="truth value of the formula at every position (bool)",
        theorem="past LTL = star-free languages (Kamp; Schützenberger); every S/O/H is a set/hold "
                "channel with gates in {0, 1}, Y a fading channel with gate 1/4 "
                "(Sarrof et al. 2024; Alsmann et al. 2026)",
        reference=lambda word: evaluate_linear(f, word),
        sampler=lambda length, n, seed: sample_uniform_words(alphabet, length, n, seed),
        info={"formula": formula_text(f), "temporal_depth": depth, "since_depth": since_depth(f),
              "subformulas": len(_subformulas(f)),
              **({"note": "no temporal operator: the formula depends only on the current "
                          "symbol, so the model has no SSM layer (embedding and read-out only)"}
                 if depth == 0 else {})})


def _atoms(f: Formula) -> set[str]:
    return {g.symbol for g in _subformulas(f) if isinstance(g, Atom)}
