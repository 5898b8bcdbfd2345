"""A trained model as an automaton: its next-symbol sets, its membership, its states at a site.

Every model the project trains predicts, after each prefix, something about what may follow;
:class:`ModelOracle` turns that into the *next-allowed set* of ``automata.labels`` (one column
per symbol, end-of-string last) so that the model, an extracted automaton and the language's
minimal DFA are compared on one footing:

``char`` task
    the model's own multi-label outputs, ``logit > 0`` in every column (all columns scored).
``flip_flop`` task
    after a read symbol the model predicts the bit that follows; those bit columns come from
    the model (one-hot on its argmax) and are the only *scored* columns. The columns the task
    does not train (the alternation of instructions and bits, end of string) are taken from the
    language's minimal DFA at the true state; they fix the string's structure, never the stored
    bit (after a read the structural columns say "a bit follows", not which).

Other tasks can register a reader with :func:`register_output_reader` (task name -> function
``(task, logits (N, n_outputs), codes (N,)) -> (allowed, scored)`` bool arrays ``(N, S + 1)``).

The model has no output for the empty prefix (there is no BOS token), so the empty prefix's
next set and membership are the language's (a convention every comparison shares).

*Membership* of ``w`` in the model's language: every symbol ``w[t+1]`` is in the next set the
model gives after ``w[:t+1]`` (the first symbol: in the language's initial next set) and
end-of-string is in the set after the whole of ``w``. This is the usual reading of a next-symbol
predictor as an acceptor (Weiss, Goldberg & Yahav 2018 read RNN language models this way).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from automata.dfa import split_word
from ssm.tasks import make_task

from .errors import ProbingError
from .extract import extract
from .targets import dfa_states, encode_words, position_index

__all__ = ["ModelOracle", "register_output_reader", "output_readers", "next_table"]

OutputReader = Callable[[Any, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
_READERS: dict[str, OutputReader] = {}


def register_output_reader(task: str, reader: OutputReader, *, overwrite: bool = False) -> None:
    """Declare how the outputs of a model trained on ``task`` become next-allowed sets."""
    if task in _READERS and not overwrite:
        raise ProbingError(f"an output reader for task {task!r} is already registered")
    _READERS[task] = reader


def output_readers() -> list[str]:
    """Task names whose models can be read as automata."""
    return list(_READERS)


def _char_reader(task: Any, logits: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    allowed = logits > 0
    return allowed, np.ones_like(allowed)


def _flip_flop_reader(task: Any, logits: np.ndarray,
                      codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    alphabet = list(task.alphabet)
    S = len(alphabet)
    bit_cols = [alphabet.index(b) for b in task.bits]
    at_read = codes == alphabet.index(task.read)
    allowed = np.zeros((len(codes), S + 1), dtype=bool)
    scored = np.zeros_like(allowed)
    pred = np.argmax(logits, axis=1)
    for j, c in enumerate(bit_cols):
        allowed[:, c] = pred == j
        scored[:, c] = at_read
    return allowed, scored


register_output_reader("char", _char_reader)
register_output_reader("flip_flop", _flip_flop_reader)


def next_table(dfa: Any) -> np.ndarray:
    """``(n_states, S + 1)`` bool: symbols leading to a live state, then acceptance."""
    live = dfa.coreachable_mask()
    return np.column_stack([live[dfa.delta.astype(np.int64)], dfa.accepting_mask])


class ModelOracle:
    """Query a trained model (``ssm.model.LanguageModel``) as an automaton over ``language``.

    Parameters
    ----------
    model : LanguageModel
    language : Language
        A regular language (its minimal DFA is the reference).
    task : str
        The task the model was trained on (a registered output reader).
    batch_size : int
    max_features : int, optional
        Project wider sites (see :func:`probing.extract.extract`).
    seed : int
        Seed of such projections.
    """

    def __init__(self, model: Any, language: Any, task: str, batch_size: int = 64,
                 max_features: int | None = 256, seed: int = 0):
        if getattr(language, "dfa", None) is None:
            raise ProbingError(f"{getattr(language, 'name', 'this language')} has no finite "
                               "automaton; extraction and interchange need a regular language")
        if task not in _READERS:
            raise ProbingError(f"models trained on task {task!r} cannot be read as automata; "
                               f"supported tasks: {', '.join(_READERS)}")
        self.model, self.language, self.task_name = model, language, task
        self.task = make_task(task, language)
        self.dfa = language.dfa
        self.alphabet = tuple(language.alphabet)
        self.table = next_table(self.dfa)
        self.batch_size, self.max_features, self.seed = batch_size, max_features, seed
        self._member_cache: dict[tuple, bool] = {}

    # --------------------------------------------------------------- per-position outputs
    def read(self, logits: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The model's next-allowed sets and the scored mask from raw outputs ``(N, n_out)``
        at positions whose symbol indices are ``codes (N,)``."""
        return _READERS[self.task_name](self.task, np.asarray(logits), np.asarray(codes))

    def run(self, words: Sequence[Any], sites: Sequence[str] = ()) -> dict[str, Any]:
        """One pass over ``words``: per position (flat layout) the model's ``allowed`` set
        (scored columns from the model, the rest from the language), ``scored`` mask, the
        language's own ``truth`` set, the true ``state`` and features of ``sites``."""
        codes = encode_words(words, self.alphabet)
        acts = extract(self.model, words, self.alphabet, sites=list(sites),
                       batch_size=self.batch_size, max_features=self.max_features,
                       seed=self.seed, logits=True)
        flat = np.concatenate(codes)
        model_allowed, scored = self.read(acts.logits, flat)
        states = dfa_states(self.dfa, codes)
        truth = self.table[states]
        allowed = np.where(scored, model_allowed, truth)
        lengths = np.array([len(c) for c in codes], dtype=np.int64)
        sid, pos = position_index(lengths)
        return {"allowed": allowed, "scored": scored, "truth": truth, "states": states,
                "codes": flat, "lengths": lengths, "string_id": sid, "position": pos,
                "features": {s: acts[s] for s in sites}, "projected": dict(acts.projected)}

    # --------------------------------------------------------------- membership
    def prefix_membership(self, words: Sequence[Any]) -> list[np.ndarray]:
        """For each word, a bool array: is ``w[:t+1]`` in the model's language, t = 0..len-1."""
        words = [w for w in words]
        if not words:
            return []
        out = self.run(words)
        allowed, codes, lengths = out["allowed"], out["codes"], out["lengths"]
        init = self.table[self.dfa.initial]
        res, start = [], 0
        S = len(self.alphabet)
        for L in lengths:
            a = allowed[start:start + L]
            c = codes[start:start + L]
            ok = np.empty(L, dtype=bool)
            ok[0] = init[c[0]]
            if L > 1:
                ok[1:] = a[np.arange(L - 1), c[1:]]
            res.append(np.logical_and.accumulate(ok) & a[:, S])
            start += L
        return res

    def accepts(self, words: Sequence[Any]) -> np.ndarray:
        """Membership of every word in the model's language (cached per word)."""
        keys = [tuple(split_word(w, self.alphabet)) for w in words]
        todo = sorted({k for k in keys if k not in self._member_cache}, key=len)
        eps = bool(self.dfa.accepting_mask[self.dfa.initial])
        nonempty = [k for k in todo if k]
        if () in todo:
            self._member_cache[()] = eps
        for k, m in zip(nonempty, self.prefix_membership([list(k) for k in nonempty])):
            self._member_cache[k] = bool(m[-1])
        return np.array([self._member_cache[k] for k in keys], dtype=bool)

