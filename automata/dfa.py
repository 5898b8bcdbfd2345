"""The frozen, validated deterministic finite automaton.

The transition table (states ``0..n-1`` x symbols) is the truth; a networkx ``MultiDiGraph`` is a
derived view. ``==`` means *same language* (over the same alphabet).

>>> d = DFA.from_json({"alphabet": ["a", "b"], "states": ["q0", "q1"], "initial": "q0",
...                    "accepting": ["q0"], "transitions": {"q0": {"a": "q1", "b": "q0"},
...                                                         "q1": {"a": "q0"}}})
>>> d.n_states            # q1 --b--> an explicit rejecting sink was added
3
>>> d.accepts("aab"), d.accepts("ab")
(True, False)
>>> d.trace("aa")         # state after every prefix, the empty prefix first
[0, 1, 0]
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .atomic_io import atomic_write_text
from .budgets import check, limit
from .minimize import minimal_table
from .reachability import bfs_order, concat_ranges
from .errors import (
    AutomatonError,
    AutomatonFormatError,
    InvalidAutomatonError,
    UnknownStateError,
    UnknownSymbolError,
)

Word = str | Sequence[str]

__all__ = ["DFA", "SymbolEncoding", "Word", "split_word"]


def split_word(word: Word, alphabet: Sequence[str]) -> list[str]:
    """Return ``word`` as a list of symbols.

    A ``str`` is split into characters when every symbol of ``alphabet`` is one character;
    otherwise a word must be given as a sequence of symbols.

    >>> split_word("aba", "ab"), split_word(["x1", "x2"], ["x1", "x2"])
    (['a', 'b', 'a'], ['x1', 'x2'])
    """
    if isinstance(word, str):
        if all(len(s) == 1 for s in alphabet):
            return list(word)
        raise UnknownSymbolError(
            "this alphabet has multi-character symbols; give the word as a list of symbols"
        )
    return list(word)


def _known(symbol: Any, index: Mapping[str, int]) -> bool:
    try:
        return symbol in index
    except TypeError:                      # unhashable "symbol"
        return False


def _check_alphabet(alphabet: Sequence[str] | str) -> tuple[str, ...]:
    """The alphabet as a tuple of distinct non-empty strings (a ``str`` is split into characters)."""
    if isinstance(alphabet, bytes) or not isinstance(alphabet, Iterable):
        raise InvalidAutomatonError(f"the alphabet must be a sequence of strings, got {alphabet!r}")
    alphabet = tuple(alphabet)
    if not alphabet:
        raise InvalidAutomatonError("the alphabet is empty")
    for s in alphabet:
        if not isinstance(s, str) or not s:
            raise InvalidAutomatonError(f"alphabet symbols must be non-empty strings, got {s!r}")
    if len(set(alphabet)) != len(alphabet):
        dup = sorted(s for s, c in Counter(alphabet).items() if c > 1)
        raise InvalidAutomatonError(f"the alphabet repeats symbol(s) {dup}")
    return alphabet


def _hashable(x: Any, what: str) -> Any:
    """``x`` itself, or an :class:`AutomatonFormatError` when it cannot name a state/symbol."""
    try:
        hash(x)
    except TypeError:
        raise AutomatonFormatError(f"a {what} name must be hashable, got {x!r}") from None
    return x


def _pair_bfs(d1: np.ndarray, d2: np.ndarray, start: int, cap: int | None = None) -> np.ndarray:
    """Pair codes ``p * n2 + q`` reachable from ``start`` in the product of two tables, BFS order.

    More than ``cap`` reachable pairs raise :class:`~automata.errors.BudgetExceededError`.
    """
    n2 = d2.shape[0]
    seen = np.zeros(d1.shape[0] * n2, dtype=bool)     # calloc: untouched pages cost nothing
    seen[start] = True
    frontier = np.array([start], dtype=np.int64)
    levels = [frontier]
    total = 0
    while frontier.size:
        total += frontier.size
        if cap is not None and total > cap:
            _product_budget(total, cap)
        p, q = np.divmod(frontier, n2)
        succ = (d1[p] * n2 + d2[q]).ravel()
        if succ.size <= 64:
            nxt = []
            for c in succ.tolist():
                if not seen[c]:
                    seen[c] = True
                    nxt.append(c)
            frontier = np.array(nxt, dtype=np.int64)
        else:
            succ = succ[~seen[succ]]
            _, first = np.unique(succ, return_index=True)
            frontier = succ[np.sort(first)]
            seen[frontier] = True
        levels.append(frontier)
    return np.concatenate(levels)


def _product_budget(needed: int, cap: int) -> None:
    check(needed, "max_dfa_states", "the product automaton", cap, "max_states=N")


def _read_json_file(path: Path, where: str) -> str:
    """The text of a JSON file, size-checked before reading; every failure names the file."""
    try:
        size = path.stat().st_size
        check(size, "max_json_bytes", where)
        data = path.read_bytes()
    except OSError as e:
        raise AutomatonFormatError(f"cannot read {where}: {e.strerror or e}") from None
    except ValueError as e:                      # a NUL byte in the path, ...
        if isinstance(e, AutomatonError):
            raise
        raise AutomatonFormatError(f"cannot read {where}: {e}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AutomatonFormatError(f"{where} is not UTF-8 text (byte {e.start})") from None


def _no_duplicate_keys(pairs: list) -> dict:
    out = {}
    for k, v in pairs:
        if k in out:
            raise AutomatonFormatError(f"duplicate key {k!r} in a JSON object")
        out[k] = v
    return out


def _no_constant(name: str):
    raise AutomatonFormatError(f"{name} is not valid JSON")


def _loads_strict(text: str, where: str) -> Any:
    """``json.loads`` that refuses duplicate keys, NaN/Infinity, over-long integers and deep
    nesting, each as an :class:`AutomatonFormatError` naming ``where``."""
    check(len(text), "max_json_bytes", where)
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise AutomatonFormatError(
            f"{where}: invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from None
    except AutomatonFormatError as e:
        raise AutomatonFormatError(f"{where}: {e}") from None
    except RecursionError:
        raise AutomatonFormatError(f"{where}: JSON nested too deeply") from None
    except ValueError as e:                      # e.g. an integer beyond Python's digit limit
        msg = "an integer literal is too long" if "digits" in str(e) else str(e)
        raise AutomatonFormatError(f"{where}: invalid JSON: {msg}") from None


class SymbolEncoding:
    """Mixin for machines with ``alphabet`` (tuple of str) and ``_sym`` (symbol -> index).

    Machines that also define ``initial_config``, ``step(config, symbol_index)`` and
    ``is_accepting(config)`` get :meth:`trace`, :meth:`accepts` and ``in`` from it.
    """

    alphabet: tuple[str, ...]
    _sym: dict[str, int]

    def symbol_index(self, symbol: str) -> int:
        try:
            return self._sym[symbol]
        except KeyError:
            raise UnknownSymbolError(
                f"symbol {symbol!r} is not in the alphabet {list(self.alphabet)}"
            ) from None

    def encode(self, word: Word) -> np.ndarray:
        """Symbol indices of ``word``, int array of shape (len(word),)."""
        return np.fromiter((self.symbol_index(s) for s in split_word(word, self.alphabet)),
                           dtype=np.int64)

    def trace(self, word: Word) -> list:
        """Configurations after every prefix, ``len(word) + 1`` of them, the empty prefix first."""
        c = self.initial_config
        out = [c]
        for a in self.encode(word):
            c = self.step(c, a)
            out.append(c)
        return out

    def accepts(self, word: Word) -> bool:
        return self.is_accepting(self.trace(word)[-1])

    def __contains__(self, word: Word) -> bool:
        return self.accepts(word)


class DFA:
    """A complete DFA over string symbols, immutable after construction.

    Parameters
    ----------
    alphabet : sequence of str
        Distinct, non-empty symbols; their order fixes the column order of ``delta``.
    delta : array-like of int, shape (n_states, n_symbols)
        ``delta[q, i]`` is the successor of state ``q`` on ``alphabet[i]``.
    initial : int
    accepting : iterable of int
    state_names : sequence of str, optional
        Display names (e.g. from JSON); default ``"0".."n-1"``.

    >>> even_a = DFA("ab", [[1, 0], [0, 1]], 0, [0])        # an even number of a's
    >>> even_a.accepts("abab"), even_a.accepts("ab"), even_a.trace("ab")
    (True, False, [0, 1, 1])
    >>> (~even_a).accepts("ab"), even_a.minimize().n_states
    (True, 2)
    """

    __slots__ = ("alphabet", "delta", "initial", "accepting", "state_names", "_index", "_hash",
                 "_rows", "_minimal", "_letters")

    def __init__(
        self,
        alphabet: Sequence[str],
        delta: Any,
        initial: int,
        accepting: Iterable[int],
        state_names: Sequence[str] | None = None,
    ):
        alphabet = _check_alphabet(alphabet)
        try:
            raw = np.array(delta, copy=True)
        except ValueError:
            raise InvalidAutomatonError("transition table rows have different lengths") from None
        if raw.size and raw.dtype.kind not in "iu":
            if raw.dtype.kind not in "fb" and raw.dtype != object:
                raise InvalidAutomatonError(f"transition targets must be integers, got {raw.dtype}")
            try:
                as_float = raw.astype(np.float64)
            except (TypeError, ValueError):
                raise InvalidAutomatonError("transition targets must be integers") from None
            if raw.dtype.kind == "b" or not np.all(np.isfinite(as_float)) or not np.all(
                    as_float == np.round(as_float)):
                raise InvalidAutomatonError("transition targets must be integers")
        table = raw.astype(np.int64)
        if table.ndim != 2 or table.shape[1] != len(alphabet) or table.shape[0] == 0:
            raise InvalidAutomatonError(
                f"transition table must have shape (n_states>0, {len(alphabet)}), got {table.shape}"
            )
        n = table.shape[0]
        bad = np.argwhere((table < 0) | (table >= n))
        if len(bad):
            q, i = bad[0]
            raise UnknownStateError(
                f"transition from state {q} on {alphabet[i]!r} goes to unknown state {table[q, i]}"
            )
        if not isinstance(initial, (int, np.integer)) or isinstance(initial, bool):
            raise UnknownStateError(f"initial state must be a state index 0..{n - 1}, got {initial!r}")
        initial = int(initial)
        if not 0 <= initial < n:
            raise UnknownStateError(f"initial state {initial} is not among the {n} states")
        acc_list = accepting.ravel() if isinstance(accepting, np.ndarray) else list(accepting)
        acc_arr = np.asarray(acc_list) if len(acc_list) else np.zeros(0, dtype=np.int64)
        if acc_arr.dtype.kind not in "iu":
            bad_q = next((q for q in acc_list if not isinstance(q, (int, np.integer))
                          or isinstance(q, (bool, np.bool_))), acc_list[0])
            raise UnknownStateError(f"accepting state {bad_q!r} is not among the {n} states")
        out = (acc_arr < 0) | (acc_arr >= n)
        if out.any():
            raise UnknownStateError(
                f"accepting state {int(acc_arr[out][0])} is not among the {n} states")
        acc = frozenset(acc_arr.tolist())
        if state_names is None:
            names = tuple(map(str, range(n)))
        else:
            names = tuple(str(s) for s in state_names)
            if len(names) != n:
                raise InvalidAutomatonError(f"{len(names)} state names for {n} states")
            if len(set(names)) != n:
                dup = sorted(s for s, c in Counter(names).items() if c > 1)[:5]
                raise InvalidAutomatonError(f"state names repeat: {dup}")
        table = table.astype(np.int32 if n < 2**31 else np.int64)
        table.setflags(write=False)
        set_ = object.__setattr__
        set_(self, "alphabet", alphabet)
        set_(self, "delta", table)
        set_(self, "initial", initial)
        set_(self, "accepting", acc)
        set_(self, "state_names", names)
        set_(self, "_index", {s: i for i, s in enumerate(alphabet)})
        set_(self, "_hash", None)
        set_(self, "_rows", None)
        set_(self, "_letters", None)
        set_(self, "_minimal", False)            # True: made by minimize(), so already minimal

    def __setattr__(self, name, value):
        raise AttributeError("DFA is immutable")

    # ------------------------------------------------------------------ basics
    @property
    def n_states(self) -> int:
        return int(self.delta.shape[0])

    @property
    def n_symbols(self) -> int:
        return len(self.alphabet)

    @property
    def accepting_mask(self) -> np.ndarray:
        """Boolean array of shape (n_states,)."""
        m = np.zeros(self.n_states, dtype=bool)
        m[list(self.accepting)] = True
        return m

    def symbol_index(self, symbol: str) -> int:
        try:
            return self._index[symbol]
        except KeyError:
            raise UnknownSymbolError(
                f"symbol {symbol!r} is not in the alphabet {list(self.alphabet)}"
            ) from None

    def _indices(self, word: Word) -> list[int]:
        index = self._index
        try:
            return [index[s] for s in split_word(word, self.alphabet)]
        except (KeyError, TypeError):
            bad = next(s for s in split_word(word, self.alphabet) if not _known(s, index))
            raise UnknownSymbolError(
                f"symbol {bad!r} is not in the alphabet {list(self.alphabet)}") from None

    @property
    def letter_maps(self) -> np.ndarray:
        """The letters' transformations, shape ``(n_symbols, n_states)``: ``[a, q] =
        delta[q, a]`` (C-contiguous and read-only, made once)."""
        if self._letters is None:
            g = np.ascontiguousarray(self.delta.T)
            g.setflags(write=False)
            object.__setattr__(self, "_letters", g)
        return self._letters

    def _table_rows(self) -> list[list[int]]:
        if self._rows is None:                   # Python lists: much faster to walk one by one
            object.__setattr__(self, "_rows", self.delta.tolist())
        return self._rows

    def encode(self, word: Word) -> np.ndarray:
        """Symbol indices of ``word``, int array of shape ``(len(word),)``.

        Raises :class:`UnknownSymbolError` naming the first symbol outside the alphabet.
        """
        return np.array(self._indices(word), dtype=np.int64)

    def run(self, word: Word, start: int | None = None) -> int:
        """State reached from ``start`` (default: initial) after reading ``word``."""
        q = self.initial if start is None else int(start)
        if not 0 <= q < self.n_states:
            raise UnknownStateError(f"start state {q} is not among the {self.n_states} states")
        rows = self._table_rows()
        for i in self._indices(word):
            q = rows[q][i]
        return q

    def accepts(self, word: Word) -> bool:
        return self.run(word) in self.accepting

    def __contains__(self, word: Word) -> bool:
        return self.accepts(word)

    def trace(self, word: Word) -> list[int]:
        """States after every prefix, ``len(word) + 1`` of them, the empty prefix first."""
        q = self.initial
        out = [q]
        rows = self._table_rows()
        for i in self._indices(word):
            q = rows[q][i]
            out.append(q)
        return out

    def reachable_states(self) -> np.ndarray:
        """Sorted int array of the states reachable from the initial state."""
        return np.sort(bfs_order(self.delta, self.initial))

    def coreachable_mask(self) -> np.ndarray:
        """Boolean mask, shape (n_states,), of the states from which an accepting state is reachable."""
        n, k = self.delta.shape
        live = self.accepting_mask
        flat = self.delta.ravel().astype(np.int64)
        src_sorted = np.argsort(flat, kind="stable") // k       # predecessors grouped by target
        starts = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(flat, minlength=n), out=starts[1:])
        frontier = np.flatnonzero(live)
        while frontier.size:
            if frontier.size <= 16:
                preds = np.concatenate([src_sorted[starts[q]:starts[q + 1]] for q in frontier.tolist()])
            else:
                preds = src_sorted[concat_ranges(starts[frontier], starts[frontier + 1])]
            preds = np.unique(preds)
            preds = preds[~live[preds]]
            live[preds] = True
            frontier = preds
        return live

    def is_empty(self) -> bool:
        """True iff the language is empty."""
        return not self.coreachable_mask()[self.initial]

    # ------------------------------------------------------------- operators
    def complement(self) -> "DFA":
        return DFA(self.alphabet, self.delta, self.initial,
                   set(range(self.n_states)) - self.accepting, self.state_names)

    def __invert__(self) -> "DFA":
        return self.complement()

    def _check_same_alphabet(self, other: "DFA") -> None:
        if not isinstance(other, DFA):
            raise TypeError(f"expected a DFA, got {type(other).__name__}")
        if set(self.alphabet) != set(other.alphabet):
            raise InvalidAutomatonError(
                f"alphabets differ: {list(self.alphabet)} vs {list(other.alphabet)}"
            )

    def product(self, other: "DFA", mode: str, *, max_states: int | None = None) -> "DFA":
        """Reachable part of the product automaton, numbered in BFS order.

        ``mode`` is ``'and'``, ``'or'``, ``'xor'`` or ``'diff'`` (self and not other). The other
        DFA's columns are matched by symbol name, so alphabet orders may differ; the result uses
        ``self.alphabet``. More than ``max_states`` reachable pairs (default: the
        ``max_dfa_states`` budget of :mod:`automata.budgets`) raise
        :class:`~automata.errors.BudgetExceededError`.
        """
        cap = int(limit("max_dfa_states", max_states))
        ops = {"and": np.logical_and, "or": np.logical_or, "xor": np.logical_xor,
               "diff": lambda x, y: x & ~y}
        if mode not in ops:
            raise AutomatonError(f"unknown product mode {mode!r}; use one of {sorted(ops)}")
        self._check_same_alphabet(other)
        perm = [other.symbol_index(s) for s in self.alphabet]
        d1 = self.delta.astype(np.int64)
        d2 = other.delta[:, perm].astype(np.int64)
        n1, n2, k = self.n_states, other.n_states, self.n_symbols
        start = self.initial * n2 + other.initial
        if n1 * n2 <= 1 << 28:          # level-synchronous BFS with a (lazily zeroed) bitmap
            codes = _pair_bfs(d1, d2, start, cap)
            p, q = np.divmod(codes, n2)
            succ = d1[p] * n2 + d2[q]
            lookup = np.empty(n1 * n2, dtype=np.int32)    # only the reached entries are touched
            lookup[codes] = np.arange(len(codes), dtype=np.int32)
            table = lookup[succ]
        else:                           # astronomically many pairs: a dict of the reachable ones
            r1, r2 = d1.tolist(), d2.tolist()
            ids = {start: 0}
            order = [start]
            rows = []
            for code in order:          # ``order`` grows while we walk it
                p, q = divmod(code, n2)
                row = []
                for c in (x * n2 + y for x, y in zip(r1[p], r2[q])):
                    j = ids.get(c)
                    if j is None:
                        j = ids[c] = len(order)
                        order.append(c)
                    row.append(j)
                rows.append(row)
                if len(order) > cap:
                    _product_budget(len(order), cap)
            codes = np.array(order, dtype=np.int64)
            table = np.array(rows, dtype=np.int64).reshape(len(order), k)
        acc = ops[mode](self.accepting_mask[codes // n2], other.accepting_mask[codes % n2])
        return DFA(self.alphabet, table, 0, np.flatnonzero(acc).tolist())

    def intersection(self, other: "DFA") -> "DFA":
        return self.product(other, "and")

    def union(self, other: "DFA") -> "DFA":
        return self.product(other, "or")

    def difference(self, other: "DFA") -> "DFA":
        return self.product(other, "diff")

    def symmetric_difference(self, other: "DFA") -> "DFA":
        return self.product(other, "xor")

    __and__ = intersection
    __or__ = union
    __sub__ = difference
    __xor__ = symmetric_difference

    def minimize(self) -> "DFA":
        """Minimal complete DFA with canonical (BFS-order) numbering; see :mod:`automata.minimize`.

        The result of ``minimize`` is its own minimization (the same object is returned: the
        DFA is immutable, and the canonical numbering is a fixed point).

        >>> m = DFA("ab", [[1, 0], [1, 0]], 0, [1]).minimize()
        >>> m.minimize() is m
        True
        """
        if self._minimal:
            return self
        table, accepting = minimal_table(self.delta, self.initial, self.accepting_mask)
        out = DFA(self.alphabet, table, 0, accepting)
        object.__setattr__(out, "_minimal", True)
        return out

    def equivalent(self, other: "DFA") -> bool:
        """Same language (alphabets compared as sets)."""
        self._check_same_alphabet(other)
        return self.symmetric_difference(other).is_empty()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DFA):
            return NotImplemented
        if set(self.alphabet) != set(other.alphabet):
            return False
        return self.equivalent(other)

    def __hash__(self) -> int:
        if self._hash is None:
            perm = sorted(range(self.n_symbols), key=lambda i: self.alphabet[i])
            alpha = tuple(self.alphabet[i] for i in perm)
            m = DFA(alpha, self.delta[:, perm], self.initial, self.accepting).minimize()
            key = (alpha, m.delta.tobytes(), tuple(sorted(m.accepting)))
            object.__setattr__(self, "_hash", hash(key))
        return self._hash

    def same_structure(self, other: "DFA") -> bool:
        """Identical tables, initial state and accepting sets (not just same language)."""
        return (self.alphabet == other.alphabet and np.array_equal(self.delta, other.delta)
                and self.initial == other.initial and self.accepting == other.accepting)

    def __repr__(self) -> str:
        acc = sorted(self.accepting)
        shown = str(acc) if len(acc) <= 12 else f"[{len(acc)} states]"
        return (f"DFA(states={self.n_states}, alphabet={list(self.alphabet)}, "
                f"initial={self.initial}, accepting={shown})")

    # ------------------------------------------------------------ construction
    @classmethod
    def from_transitions(
        cls,
        alphabet: Sequence[str],
        transitions: Mapping[Any, Mapping[str, Any]],
        initial: Any,
        accepting: Iterable[Any],
        states: Sequence[Any] | None = None,
    ) -> "DFA":
        """Build from a (possibly partial) dict of dicts keyed by arbitrary hashable state names.

        Missing transitions go to an explicit rejecting sink state (added only when needed).
        """
        alphabet = _check_alphabet(alphabet)
        if not isinstance(transitions, Mapping):
            raise AutomatonFormatError("transitions must be a mapping from states to mappings")
        for q, row in transitions.items():
            if not isinstance(row, Mapping):
                raise AutomatonFormatError(f"transitions of state {q!r} must be a mapping")
        accepting = list(accepting)
        if states is None:
            seen: dict[Any, None] = {}
            for q in [initial, *transitions, *accepting]:
                _hashable(q, "state")
                seen.setdefault(q, None)
            for row in transitions.values():
                for t in row.values():
                    seen.setdefault(_hashable(t, "state"), None)
            states = list(seen)
        states = [_hashable(q, "state") for q in states]
        if len(set(states)) != len(states):
            dup = sorted({str(q) for q, c in Counter(states).items() if c > 1})[:5]
            raise InvalidAutomatonError(f"state names repeat: {dup}")
        index = {q: i for i, q in enumerate(states)}
        if _hashable(initial, "state") not in index:
            raise UnknownStateError(f"initial state {initial!r} is not among the states")
        sym = {s: i for i, s in enumerate(alphabet)}
        n = len(states)
        sink = n
        table = np.full((n, len(alphabet)), sink, dtype=np.int64)
        for q, row in transitions.items():
            if q not in index:
                raise UnknownStateError(f"transitions given for unknown state {q!r}")
            for s, t in row.items():
                if _hashable(s, "symbol") not in sym:
                    raise UnknownSymbolError(
                        f"transition from {q!r} uses symbol {s!r} not in the alphabet {list(alphabet)}"
                    )
                if _hashable(t, "state") not in index:
                    raise UnknownStateError(f"transition {q!r} --{s}--> unknown state {t!r}")
                table[index[q], sym[s]] = index[t]
        acc = []
        for q in accepting:
            if _hashable(q, "state") not in index:
                raise UnknownStateError(f"accepting state {q!r} is not among the states")
            acc.append(index[q])
        names = [str(q) for q in states]
        if (table == sink).any():
            table = np.vstack([table, np.full((1, len(alphabet)), sink)])
            sink_name = "sink"
            while sink_name in names:
                sink_name += "_"
            names.append(sink_name)
        return cls(alphabet, table, index[initial], acc, names)

    @classmethod
    def from_json(cls, source: str | Path | Mapping[str, Any]) -> "DFA":
        """Read the project's JSON format from a path, a JSON string or a dict::

            {"alphabet": ["a","b"], "states": ["q0","q1"], "initial": "q0", "accepting": ["q0"],
             "transitions": {"q0": {"a": "q1", "b": "q0"}, "q1": {"a": "q0"}}}
        """
        where = None
        if isinstance(source, Mapping):
            data = source
        elif not isinstance(source, (str, Path)):
            raise AutomatonFormatError(
                f"expected a path, a JSON string or a dict, got {type(source).__name__}")
        else:
            if isinstance(source, Path) or not source.lstrip().startswith(("{", "[", '"')):
                where = f"DFA file {str(source)!r}"
                text = _read_json_file(Path(source), where)
            else:
                text = source
            data = _loads_strict(text, where or "DFA JSON")
        try:
            return cls._from_document(data)
        except AutomatonError as e:
            if where is None:
                raise
            raise type(e)(f"{where}: {e}") from None

    @classmethod
    def _from_document(cls, data: Any) -> "DFA":
        if not isinstance(data, Mapping):
            raise AutomatonFormatError("a DFA JSON document must be an object")
        missing = [k for k in ("alphabet", "states", "initial", "accepting", "transitions") if k not in data]
        if missing:
            raise AutomatonFormatError(f"DFA JSON lacks key(s) {missing}")
        unknown = sorted(set(data) - {"alphabet", "states", "initial", "accepting", "transitions", "name", "description"})
        if unknown:
            raise AutomatonFormatError(f"DFA JSON has unknown key(s) {unknown}")
        alphabet, states = data["alphabet"], data["states"]
        if not isinstance(alphabet, list) or not all(isinstance(s, str) for s in alphabet):
            raise AutomatonFormatError("'alphabet' must be a list of strings")
        if not isinstance(states, list) or not all(isinstance(s, str) for s in states):
            raise AutomatonFormatError("'states' must be a list of strings")
        if not states:
            raise InvalidAutomatonError("'states' is empty")
        check(len(states), "max_dfa_states", "the DFA document")
        if not isinstance(data["accepting"], list):
            raise AutomatonFormatError("'accepting' must be a list of state names")
        if not isinstance(data["transitions"], Mapping):
            raise AutomatonFormatError("'transitions' must be an object of objects")
        if not isinstance(data["initial"], str):
            raise AutomatonFormatError("'initial' must be a state name")
        return cls.from_transitions(alphabet, data["transitions"], data["initial"],
                                    data["accepting"], states)

    def to_json(self, path: str | Path | None = None) -> dict[str, Any]:
        """The JSON document as a dict (also written to ``path`` when given)."""
        names = self.state_names
        doc = {
            "alphabet": list(self.alphabet),
            "states": list(names),
            "initial": names[self.initial],
            "accepting": [names[q] for q in sorted(self.accepting)],
            "transitions": {
                names[q]: {s: names[int(self.delta[q, i])] for i, s in enumerate(self.alphabet)}
                for q in range(self.n_states)
            },
        }
        if path is not None:
            atomic_write_text(path, json.dumps(doc, indent=1) + "\n")
        return doc

    # --------------------------------------------------------------- networkx
    def to_networkx(self):
        """A ``networkx.MultiDiGraph``: node attrs ``initial``/``accepting``/``name``, edge attr ``symbol``."""
        import networkx as nx

        g = nx.MultiDiGraph(alphabet=list(self.alphabet))
        for q in range(self.n_states):
            g.add_node(q, initial=(q == self.initial), accepting=(q in self.accepting),
                       name=self.state_names[q])
        for q, row in enumerate(self._table_rows()):
            for s, t in zip(self.alphabet, row):
                g.add_edge(q, t, key=s, symbol=s)
        return g

    @classmethod
    def from_networkx(cls, g, alphabet: Sequence[str] | None = None) -> "DFA":
        """Inverse of :meth:`to_networkx`.

        Nodes may be any hashable; exactly one carries ``initial=True``; ``accepting=True`` marks
        accepting nodes; every edge carries a ``symbol``. Missing transitions go to a rejecting
        sink. The alphabet is ``alphabet``, else the graph attribute ``alphabet``, else the sorted
        edge symbols. State names are the nodes' ``name`` attributes when every node has a
        distinct one, else ``str(node)``.
        """
        if not hasattr(g, "nodes") or not hasattr(g, "edges"):
            raise AutomatonFormatError(f"expected a networkx graph, got {type(g).__name__}")
        edges = list(g.edges(data=True))
        for u, v, d in edges:
            if d.get("symbol") is None:
                raise AutomatonFormatError(f"edge {u!r}->{v!r} has no 'symbol' attribute")
        if alphabet is None:
            alphabet = g.graph.get("alphabet")
            if alphabet is None:
                alphabet = sorted({d["symbol"] for _, _, d in edges})
        inits = [q for q, d in g.nodes(data=True) if d.get("initial")]
        if len(inits) != 1:
            raise InvalidAutomatonError(f"graph must mark exactly one initial node, found {len(inits)}")
        trans: dict[Any, dict[str, Any]] = {q: {} for q in g.nodes}
        for u, v, d in edges:
            s = d["symbol"]
            if s in trans[u] and trans[u][s] != v:
                raise InvalidAutomatonError(
                    f"state {u!r} has two transitions on {s!r} (not deterministic)")
            trans[u][s] = v
        acc = [q for q, d in g.nodes(data=True) if d.get("accepting")]
        nodes = list(g.nodes)
        dfa = cls.from_transitions(alphabet, trans, inits[0], acc, nodes)
        given = [g.nodes[q].get("name") for q in nodes]
        if all(isinstance(s, str) for s in given) and len(set(given)) == len(given):
            extra = list(dfa.state_names[len(nodes):])          # the sink, if one was added
            while extra and extra[0] in given:
                extra[0] += "_"
            dfa = cls(dfa.alphabet, dfa.delta, dfa.initial, dfa.accepting, given + extra)
        return dfa

    # --------------------------------------------------------------- helpers
    def relabel_bfs(self) -> "DFA":
        """Drop unreachable states and renumber in BFS order (successors in alphabet order)."""
        order = bfs_order(self.delta, self.initial)
        remap = np.full(self.n_states, -1, dtype=np.int64)
        remap[order] = np.arange(len(order))
        table = remap[self.delta[order]]
        acc = np.flatnonzero(self.accepting_mask[order]).tolist()
        return DFA(self.alphabet, table, 0, acc, [self.state_names[q] for q in order.tolist()])
