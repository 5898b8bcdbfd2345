"""Probing targets: what a hidden state after each prefix might encode.

Every target is one integer class per *position*, positions laid out string after string and,
within a string, ``t = 0..len-1`` where position ``t`` is the prefix ``w[:t+1]`` (after
consuming token ``t``; there is no BOS position). This is the layout of
:class:`probing.extract.Activations` and of ``automata.labels.prefix_labels``.

Targets
-------
``state``
    The minimal DFA's state after the prefix.
``monoid``
    The prefix's element of the transition monoid, i.e. the transformation ``q -> delta(q, w)``
    of the minimal DFA, computed incrementally (``f_{wa} = delta[f_w, a]``) and numbered by
    the sorted order of the transformations that occur (no full monoid enumeration).
``membership``
    Whether the prefix is in the language.
``next``
    The set of symbols (end-of-string last) allowed next, as a class id.
``counter0``, ``counter1``, ...
    Counter values, for counter languages (from ``automata.labels``).
``bit``
    Flip-flop's stored bit: the bit of the most recent write (``none`` before the first).

>>> from automata.dfa import DFA
>>> parity = DFA(["0", "1"], [[0, 1], [1, 0]], 0, [0])   # even number of 1s
>>> t = compute_targets(parity, ["011", "1"], ["state", "membership", "monoid"])
>>> t["state"].labels.tolist()            # after 0, 01, 011 | after 1
[0, 1, 0, 1]
>>> t["membership"].labels.tolist()
[1, 0, 1, 0]
>>> t["monoid"].class_names                # identity and the swap
('0 1', '1 0')
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from automata.dfa import DFA, split_word
from automata.languages import resolve_language
from ssm.tasks import make_task

from .errors import ProbingError, UnknownTargetError

__all__ = [
    "TargetLabels",
    "Targets",
    "available_targets",
    "compute_targets",
    "encode_words",
    "position_index",
    "as_language",
]

BASE_TARGETS = ("state", "monoid", "membership", "next")


@dataclass(frozen=True)
class TargetLabels:
    """One target's labels.

    Attributes
    ----------
    name : str
    labels : ndarray of int64, shape (N,)
        Class id per position.
    class_names : tuple of str
        ``class_names[c]`` describes class ``c``.
    """

    name: str
    labels: np.ndarray
    class_names: tuple[str, ...]

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    def to_dict(self) -> dict[str, Any]:
        counts = np.bincount(self.labels, minlength=self.n_classes)
        return {"name": self.name, "n_classes": self.n_classes,
                "class_names": list(self.class_names), "counts": counts.tolist()}


class Targets(dict):
    """A ``dict`` target name -> :class:`TargetLabels`, with the shared position layout.

    Attributes
    ----------
    lengths : ndarray of int64, shape (n_strings,)
    """

    def __init__(self, items: dict[str, TargetLabels], lengths: np.ndarray):
        super().__init__(items)
        self.lengths = np.asarray(lengths, dtype=np.int64)

    def to_dict(self) -> dict[str, Any]:
        return {k: v.to_dict() for k, v in self.items()}


def as_language(language: Any) -> Any:
    """Accept a registry ``Language`` or a bare :class:`~automata.dfa.DFA` (wrapped, minimized)."""
    if isinstance(language, DFA):
        return resolve_language(language)
    for attr in ("alphabet", "kind", "dfa"):
        if not hasattr(language, attr):
            raise ProbingError(f"expected a Language or a DFA, got {type(language).__name__}")
    return language


def encode_words(words: Sequence[Any], alphabet: Sequence[str]) -> list[np.ndarray]:
    """Symbol indices (0-based, int64) of every word; raises on unknown symbols or empty words.

    Token ids for a model are these plus one (id 0 is padding), see ``ssm.data``.
    """
    index = {s: i for i, s in enumerate(alphabet)}
    out = []
    for n, w in enumerate(words):
        syms = split_word(w, alphabet)
        if not syms:
            raise ProbingError(f"word {n} is empty; probing needs at least one position per string")
        try:
            out.append(np.fromiter((index[s] for s in syms), dtype=np.int64, count=len(syms)))
        except KeyError as e:
            raise ProbingError(f"word {n} uses symbol {e.args[0]!r} not in {list(alphabet)}") from None
    return out


def position_index(lengths: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The flat position layout: ``(string_id, position)``, each int64 of shape (sum(lengths),).

    >>> s, t = position_index([2, 3])
    >>> s.tolist(), t.tolist()
    ([0, 0, 1, 1, 1], [0, 1, 0, 1, 2])
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    string_id = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    position = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(starts, lengths)
    return string_id, position


def _padded(codes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.array([len(c) for c in codes], dtype=np.int64)
    mat = np.zeros((len(codes), int(lengths.max()) if len(codes) else 0), dtype=np.int64)
    for i, c in enumerate(codes):
        mat[i, :len(c)] = c
    return mat, lengths


def _flat(mat: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Valid entries of a (n, Lmax, ...) array in the flat position layout."""
    mask = np.arange(mat.shape[1])[None, :] < lengths[:, None]
    return mat[mask]


def dfa_transformations(dfa: DFA, codes: list[np.ndarray]) -> np.ndarray:
    """Transformation of every prefix, shape (N, n_states): row ``f`` with ``f[q] = delta(q, w[:t+1])``."""
    mat, lengths = _padded(codes)
    n, L = mat.shape
    f = np.tile(np.arange(dfa.n_states, dtype=np.int64), (n, 1))
    out = np.empty((n, L, dfa.n_states), dtype=np.int64)
    delta = dfa.delta.astype(np.int64)
    for t in range(L):
        f = delta[f, mat[:, t][:, None]]
        out[:, t] = f
    return _flat(out, lengths)


def dfa_states(dfa: DFA, codes: list[np.ndarray]) -> np.ndarray:
    """State after every prefix in the flat layout, shape (N,)."""
    mat, lengths = _padded(codes)
    n, L = mat.shape
    q = np.full(n, dfa.initial, dtype=np.int64)
    out = np.empty((n, L), dtype=np.int64)
    delta = dfa.delta.astype(np.int64)
    for t in range(L):
        q = delta[q, mat[:, t]]
        out[:, t] = q
    return _flat(out, lengths)


def _classes_from_rows(rows: np.ndarray, namer) -> tuple[np.ndarray, tuple[str, ...]]:
    uniq, inv = np.unique(rows, axis=0, return_inverse=True)
    return inv.ravel().astype(np.int64), tuple(namer(r) for r in uniq)


def _next_allowed_dfa(dfa: DFA, states: np.ndarray) -> np.ndarray:
    live = dfa.coreachable_mask()
    allowed = live[dfa.delta.astype(np.int64)]            # (n_states, n_symbols)
    table = np.column_stack([allowed, dfa.accepting_mask])
    return table[states]


def _flip_flop_bits(language: Any, codes: list[np.ndarray]) -> np.ndarray:
    alphabet = list(language.alphabet)
    if "w" not in alphabet or not {"0", "1"} <= set(alphabet):
        raise UnknownTargetError(
            f"target 'bit' needs a flip-flop alphabet with 'w', '0' and '1', got {alphabet}")
    w, zero, one = alphabet.index("w"), alphabet.index("0"), alphabet.index("1")
    out = []
    for c in codes:
        bits = np.empty(len(c), dtype=np.int64)
        stored, prev = 2, -1                                     # 2 = nothing written yet
        for t, s in enumerate(c):
            if prev == w and s in (zero, one):
                stored = 0 if s == zero else 1
            bits[t] = stored
            prev = s
        out.append(bits)
    return np.concatenate(out)


def available_targets(language: Any) -> list[str]:
    """Target names that apply to ``language`` (a Language or a DFA)."""
    lang = as_language(language)
    if lang.kind == "counter":
        names = ["state", "membership", "next"]
        n_counters = _n_counters(lang)
        names += [f"counter{i}" for i in range(n_counters)]
    else:
        names = list(BASE_TARGETS)
    task = getattr(lang, "task", None)       # the extra targets the language's task declares
    for name in (make_task(task, lang).probe_targets if task else ()):
        if name in TASK_TARGETS and name not in names and TASK_TARGETS[name](lang):
            names.append(name)
    return names


#: Task-declared targets (``Task.probe_targets``) this module computes, each with the check that
#: the language's alphabet supports it.
TASK_TARGETS = {"bit": lambda lang: {"w", "0", "1"} <= set(lang.alphabet)}


def _n_counters(lang: Any) -> int:
    aut = getattr(lang, "automaton", None)
    for attr in ("n_counters", "k"):
        if hasattr(aut, attr):
            return int(getattr(aut, attr))
    from automata.labels import prefix_labels

    w = _any_word(lang)
    st = prefix_labels(lang, w).states[0]
    return len(st) - 1


def _any_word(lang: Any) -> Any:
    from automata.sampling import sample_members

    for n in range(2, 40, 2):
        try:
            return sample_members(lang, n, 1, seed=0)[0]
        except ValueError:
            continue
    raise UnknownTargetError(f"cannot sample a word of {lang.name} to read its counters")


def _counter_targets(lang: Any, words: Sequence[Any], wanted: list[str],
                     lengths: np.ndarray) -> dict[str, TargetLabels]:
    from automata.labels import prefix_labels

    rows, member, nxt = [], [], []
    for w in words:
        lab = prefix_labels(lang, w)
        rows.extend(tuple(int(v) for v in s) for s in lab.states)
        member.append(np.asarray(lab.membership, dtype=bool))
        nxt.append(np.asarray(lab.next_allowed, dtype=bool))
    st = np.array(rows, dtype=np.int64)
    out: dict[str, TargetLabels] = {}
    for name in wanted:
        if name == "state":
            y, names = _classes_from_rows(st[:, :1], lambda r: str(int(r[0])))
        elif name == "membership":
            y, names = np.concatenate(member).astype(np.int64), ("out", "in")
        elif name == "next":
            y, names = _classes_from_rows(np.concatenate(nxt), _next_namer(lang.alphabet))
        elif name.startswith("counter"):
            i = int(name[len("counter"):])
            y, names = _classes_from_rows(st[:, 1 + i:2 + i], lambda r: str(int(r[0])))
        else:  # pragma: no cover - filtered by the caller
            raise UnknownTargetError(name)
        out[name] = TargetLabels(name, y, names)
    return out


def _next_namer(alphabet: Sequence[str]):
    syms = list(alphabet) + ["$"]
    return lambda r: "{" + ",".join(s for s, b in zip(syms, r) if b) + "}"


def compute_targets(language: Any, words: Sequence[Any],
                    targets: Sequence[str] | None = None) -> Targets:
    """Labels of ``targets`` for every position of ``words``.

    Parameters
    ----------
    language : Language or DFA
        A registry ``Language`` (``automata.languages``) or a DFA (minimized here).
    words : sequence of words
        Each a ``str`` or a sequence of symbols, non-empty.
    targets : sequence of str, optional
        Default: :func:`available_targets`.

    Returns
    -------
    Targets
        name -> :class:`TargetLabels` with labels of shape (N,), N = total length.
    """
    lang = as_language(language)
    avail = available_targets(lang)
    wanted = list(avail if targets is None else targets)
    for name in wanted:
        if name not in avail:
            raise UnknownTargetError(
                f"target {name!r} does not apply to {getattr(lang, 'name', 'this language')}; "
                f"choose from {avail}")
    codes = encode_words(words, lang.alphabet)
    lengths = np.array([len(c) for c in codes], dtype=np.int64)
    out: dict[str, TargetLabels] = {}
    if lang.kind == "counter":
        out.update(_counter_targets(lang, words, [t for t in wanted if t != "bit"], lengths))
    else:
        dfa = lang.dfa
        states = dfa_states(dfa, codes)
        for name in wanted:
            if name == "state":
                out[name] = TargetLabels(name, states, tuple(dfa.state_names))
            elif name == "monoid":
                y, names = _classes_from_rows(dfa_transformations(dfa, codes),
                                              lambda r: " ".join(str(int(v)) for v in r))
                out[name] = TargetLabels(name, y, names)
            elif name == "membership":
                out[name] = TargetLabels(name, dfa.accepting_mask[states].astype(np.int64),
                                         ("out", "in"))
            elif name == "next":
                y, names = _classes_from_rows(_next_allowed_dfa(dfa, states),
                                              _next_namer(lang.alphabet))
                out[name] = TargetLabels(name, y, names)
    if "bit" in wanted:
        out["bit"] = TargetLabels("bit", _flip_flop_bits(lang, codes), ("0", "1", "none"))
    return Targets({k: out[k] for k in wanted}, lengths)
