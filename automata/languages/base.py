"""The :class:`Language` record the registry hands out, and a helper to build DFAs from code.

A language is *regular* when it carries an explicit minimal :class:`~automata.dfa.DFA`
(``kind == "regular"``) and *counter* otherwise (``kind == "counter"``): then ``automaton``
is a machine over configurations (a :class:`~automata.counter.CounterAutomaton`, or a stack
machine such as bounded Dyck whose DFA would be too large to write down). Such a machine
offers ``alphabet``, ``initial_config``, ``step(config, a)``, ``is_accepting(config)``,
``is_live(config)``, ``encode(word)``, ``trace(word)`` and ``accepts(word)``.
``is_regular`` tells whether the language itself is regular (bounded Dyck is, even when it
is given by a stack machine).

>>> from automata.languages import get_language
>>> t1 = get_language("tomita1")
>>> t1.kind, t1.alphabet, t1.accepts("111"), t1.accepts("101")
('regular', ('0', '1'), True, False)
>>> t1.trace("10")
[0, 0, 1]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Mapping, Sequence

import numpy as np

from ..dfa import DFA, Word
from ..regex import regex_to_dfa
from ..errors import BudgetExceededError, InvalidAutomatonError

__all__ = ["Language", "dfa_from_function", "PAPER_GROUPS", "KINDS"]

PAPER_GROUPS = ("star-free", "non-star-free", "counter")
KINDS = ("regular", "counter")

# member_count(length) -> int ; member_sampler(length, n, rng, **params) -> int array (n, length)
CountFn = Callable[[int], int]
SamplerFn = Callable[..., np.ndarray]


@dataclass(frozen=True, eq=False)
class Language:
    """A named formal language with exact membership, traces and sampling hooks.

    Parameters
    ----------
    name : str
        Registry name.
    automaton : DFA or machine
        A DFA (minimized on construction; ``kind`` becomes ``"regular"``) or a configuration
        machine (``kind`` becomes ``"counter"``).
    paper_group : {"star-free", "non-star-free", "counter"} or None
        Group in Sarrof et al. 2024 (Bhattamishra et al. 2020 suite); ``None`` outside it.
    description : str
    sampler_defaults : mapping
        Keyword arguments passed to ``member_sampler`` by default (e.g. ``{"p_ignore": 0.8}``).
    member_count : callable(length) -> int, optional
        Exact number of members of a length, for machines whose configurations are too many
        to count by dynamic programming.
    member_sampler : callable(length, n, rng, **params) -> int array (n, length), optional
        A language-specific generator of members (symbol indices). ``member_sampler_uniform``
        says whether it is exactly uniform over members of that length.
    is_regular : bool, optional
        Whether the language is regular (default: ``kind == "regular"``).
    task : str, optional
        The training task the language declares (a name registered in ``ssm.tasks``, e.g.
        ``"flip_flop"`` or ``"dyck"``); ``None`` means character prediction.

    >>> from automata import DFA
    >>> lang = Language("even_a", DFA("ab", [[1, 0], [0, 1]], 0, [0]), description="even a's")
    >>> lang.kind, lang.alphabet, lang.accepts("aab"), lang.task
    ('regular', ('a', 'b'), True, None)
    >>> Language.from_regex("(ab)*", "ab", name="ab_star").accepts("abab")
    True
    """

    name: str
    automaton: Any
    paper_group: str | None = None
    description: str = ""
    sampler_defaults: Mapping[str, Any] = field(default_factory=dict)
    member_count: CountFn | None = None
    member_sampler: SamplerFn | None = None
    member_sampler_uniform: bool = True
    is_regular: bool | None = None
    aliases: tuple[str, ...] = ()
    task: str | None = None

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise InvalidAutomatonError("a language needs a non-empty name")
        if self.paper_group is not None and self.paper_group not in PAPER_GROUPS:
            raise InvalidAutomatonError(
                f"paper_group must be one of {PAPER_GROUPS} or None, got {self.paper_group!r}"
            )
        auto = self.automaton
        if isinstance(auto, DFA):
            auto = auto.minimize()
            object.__setattr__(self, "automaton", auto)
        else:
            for attr in ("alphabet", "initial_config", "step", "is_accepting", "is_live",
                         "trace", "accepts", "encode"):
                if not hasattr(auto, attr):
                    raise InvalidAutomatonError(
                        f"language {self.name!r}: automaton {type(auto).__name__} lacks {attr!r}"
                    )
        if self.is_regular is None:
            object.__setattr__(self, "is_regular", isinstance(auto, DFA))
        object.__setattr__(self, "sampler_defaults", dict(self.sampler_defaults))
        object.__setattr__(self, "aliases", tuple(self.aliases))

    @classmethod
    def from_regex(cls, pattern: str, alphabet: Sequence[str] | str, *, name: str = "regex",
                   **kwargs: Any) -> "Language":
        """The regular language of ``pattern`` over ``alphabet`` (syntax: :mod:`automata.regex`).

        >>> Language.from_regex("~(.*aa.*)", "ab").accepts("abab")
        True
        """
        return cls(name, regex_to_dfa(pattern, alphabet),
                   description=kwargs.pop("description", f"regex {pattern!r}"), **kwargs)

    # ----------------------------------------------------------------- views
    @property
    def kind(self) -> str:
        """``"regular"`` (explicit minimal DFA) or ``"counter"`` (configuration machine)."""
        return "regular" if isinstance(self.automaton, DFA) else "counter"

    @property
    def dfa(self) -> DFA | None:
        """The minimal DFA (regular languages), else ``None``."""
        return self.automaton if isinstance(self.automaton, DFA) else None

    @property
    def alphabet(self) -> tuple[str, ...]:
        return tuple(self.automaton.alphabet)

    def accepts(self, word: Word) -> bool:
        return bool(self.automaton.accepts(word))

    def __contains__(self, word: Word) -> bool:
        return self.accepts(word)

    def trace(self, word: Word) -> list:
        """State (int, regular) or configuration (tuple, counter) after every prefix, empty first."""
        return self.automaton.trace(word)

    def encode(self, word: Word) -> np.ndarray:
        return self.automaton.encode(word)

    def decode(self, indices: Sequence[int]) -> Word:
        """Inverse of :meth:`encode`: a ``str`` when every symbol is one character, else a list."""
        alphabet = self.automaton.alphabet
        syms = [alphabet[i] for i in np.asarray(indices, dtype=np.int64).tolist()]
        return "".join(syms) if all(len(s) == 1 for s in alphabet) else syms

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.name,
            "alphabet": list(self.alphabet),
            "kind": self.kind,
            "is_regular": bool(self.is_regular),
            "paper_group": self.paper_group,
            "description": self.description,
            "sampler_defaults": dict(self.sampler_defaults),
            "aliases": list(self.aliases),
            "task": self.task,
        }
        if self.dfa is not None:
            d["n_states"] = self.dfa.n_states
        elif hasattr(self.automaton, "n_counters"):
            d["n_counters"] = self.automaton.n_counters
        return d

    def __repr__(self) -> str:
        return f"Language({self.name!r}, kind={self.kind!r}, alphabet={list(self.alphabet)})"


def dfa_from_function(
    alphabet: Sequence[str],
    initial: Hashable,
    step: Callable[[Hashable, str], Hashable | None],
    accepting: Callable[[Hashable], bool],
    max_states: int = 100_000,
) -> DFA:
    """Build a DFA by exploring the states a Python ``step`` function reaches.

    ``step(state, symbol)`` returns the next state (any hashable) or ``None`` for the rejecting
    sink. States are numbered in breadth-first order.

    >>> d = dfa_from_function("ab", 0, lambda q, s: (q + (s == "a")) % 2, lambda q: q == 0)
    >>> d.accepts("abab"), d.accepts("ab")
    (True, False)
    """
    alphabet = tuple(alphabet)
    ids = {initial: 0}
    order = [initial]
    trans: dict[int, dict[str, int]] = {}
    i = 0
    while i < len(order):
        q = order[i]
        row = {}
        for s in alphabet:
            t = step(q, s)
            if t is None:
                continue
            j = ids.get(t)
            if j is None:
                if len(order) >= max_states:
                    raise BudgetExceededError(f"more than {max_states} states")
                j = ids[t] = len(order)
                order.append(t)
            row[s] = j
        trans[i] = row
        i += 1
    acc = [ids[q] for q in order if accepting(q)]
    return DFA.from_transitions(alphabet, trans, 0, acc, states=list(range(len(order))))
