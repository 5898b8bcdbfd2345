"""The three training tasks: targets, masked losses and per-position correctness.

* :class:`CharPrediction` — the paper's character prediction (Bhattamishra et al. 2020): at every
  position, the set of symbols that may come next, end-of-string included, as a multi-label
  target over ``len(alphabet) + 1`` outputs (binary cross-entropy, padding masked). A position
  is right iff every thresholded output (``sigmoid > 0.5``, i.e. ``logit > 0``) equals its target.
* :class:`FlipFlop` — Liu et al. 2023: predict the bit after each read instruction ``r``; loss
  and accuracy on read positions only (2 outputs: bit 0, bit 1).
* :class:`DyckNextToken` — Dyck(K, h) next-token modelling (cross-entropy over
  ``len(alphabet) + 1`` outputs, end-of-string last) scored by Hewitt et al. 2020's close
  accuracy: at each position inside an open bracket, success iff the correct closing bracket gets
  more than 80 % of the probability mass the model puts on closing brackets.

A string counts as right iff every scored position in it is right (vacuously true when it has
none). Every task returns ``(correct, scored)``, two BoolTensors of shape (B, T).

>>> import torch
>>> task = CharPrediction(("a",))
>>> data = task.encode([{"string": "a", "next_allowed": [[1, 1]]}])
>>> logits = torch.tensor([[[3.0, 2.0]]])          # both outputs on: right
>>> correct, scored = task.score(logits, data)
>>> correct.tolist(), scored.tolist()
([[True]], [[True]])
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from ssm.data import DataError, TensorData, encode_strings, pad_arrays, record_field, record_symbols
from ssm.errors import SSMError

__all__ = ["Task", "CharPrediction", "FlipFlop", "DyckNextToken", "make_task", "CLOSE_THRESHOLD"]

#: Hewitt et al. 2020: the correct closing bracket needs more than this share of the closing mass.
CLOSE_THRESHOLD = 0.8


class Task:
    """Base class: ``encode`` records, compute a masked ``loss``, ``score`` positions."""

    name = "task"

    def __init__(self, alphabet: Sequence[str]):
        self.alphabet = tuple(alphabet)

    @property
    def n_outputs(self) -> int:
        raise NotImplementedError

    def encode(self, records: Sequence[Any]) -> TensorData:
        raise NotImplementedError

    def loss(self, logits: torch.Tensor, data: TensorData) -> torch.Tensor:
        """Scalar training loss for ``logits`` of shape (B, T, n_outputs)."""
        raise NotImplementedError

    def score(self, logits: torch.Tensor, data: TensorData) -> tuple[torch.Tensor, torch.Tensor]:
        """``(correct, scored)``: BoolTensors (B, T); ``correct`` is only meaningful where scored."""
        raise NotImplementedError

    def _check(self, logits: torch.Tensor, data: TensorData) -> None:
        want = (*data.tokens.shape, self.n_outputs)
        if tuple(logits.shape) != want:
            raise SSMError(f"{self.name}: logits have shape {tuple(logits.shape)}, expected {want}")


def _masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.to(x.dtype)
    return (x * m).sum() / m.sum().clamp_min(1.0)


class CharPrediction(Task):
    """Multi-label next-symbol-set prediction over ``len(alphabet) + 1`` outputs (EOS last).

    Records need ``string`` and ``next_allowed`` (shape (T, len(alphabet) + 1), as written by
    :func:`automata.sampling.make_dataset`); without ``next_allowed`` pass ``language=`` so the
    labels are computed with :func:`automata.labels.prefix_labels`.
    """

    name = "char"

    def __init__(self, alphabet: Sequence[str], language: Any = None):
        super().__init__(alphabet)
        self.language = language

    @property
    def n_outputs(self) -> int:
        return len(self.alphabet) + 1

    def _labels(self, record: Any) -> np.ndarray:
        try:
            lab = record_field(record, "next_allowed")
        except DataError:
            if self.language is None:
                raise
            from automata.labels import prefix_labels

            lab = prefix_labels(self.language, record_symbols(record)).next_allowed
        return np.asarray(lab, dtype=np.float32).reshape(-1, self.n_outputs)

    def encode(self, records: Sequence[Any]) -> TensorData:
        words = [record_symbols(r) for r in records]
        tokens, lengths = encode_strings(words, self.alphabet)
        labels = [self._labels(r) for r in records]
        for w, lab in zip(words, labels):
            if len(lab) != len(w):
                raise DataError(f"next_allowed has {len(lab)} rows for a string of length {len(w)}")
        targets = pad_arrays(labels, tokens.shape[1])
        return TensorData(tokens, lengths, {"targets": targets})

    def loss(self, logits: torch.Tensor, data: TensorData) -> torch.Tensor:
        self._check(logits, data)
        bce = F.binary_cross_entropy_with_logits(logits, data.fields["targets"], reduction="none")
        return _masked_mean(bce.mean(-1), data.mask)

    def score(self, logits: torch.Tensor, data: TensorData) -> tuple[torch.Tensor, torch.Tensor]:
        self._check(logits, data)
        pred = logits > 0  # sigmoid(logit) > 0.5
        correct = (pred == (data.fields["targets"] > 0.5)).all(-1)
        return correct, data.mask


class FlipFlop(Task):
    """Predict the bit that follows each read instruction (Liu et al. 2023).

    Strings alternate instruction and bit symbols (``w``/``r``/``i`` then ``0``/``1``). The
    output at a position holding ``r`` is scored against the next symbol; 2 outputs (bit 0,
    bit 1), cross-entropy on read positions only.

    >>> task = FlipFlop(("0", "1", "i", "r", "w"))
    >>> data = task.encode([{"string": "w1i0r1"}])
    >>> data.fields["read"].tolist(), data.fields["bit"].tolist()
    ([[False, False, False, False, True, False]], [[0, 0, 0, 0, 1, 0]])
    """

    name = "flip_flop"

    def __init__(self, alphabet: Sequence[str], read: str = "r", bits: tuple[str, str] = ("0", "1")):
        super().__init__(alphabet)
        missing = [s for s in (read, *bits) if s not in self.alphabet]
        if missing:
            raise SSMError(f"flip-flop alphabet {self.alphabet} lacks symbol(s) {missing}")
        self.read, self.bits = read, tuple(bits)

    @property
    def n_outputs(self) -> int:
        return 2

    def encode(self, records: Sequence[Any]) -> TensorData:
        words = [record_symbols(r) for r in records]
        tokens, lengths = encode_strings(words, self.alphabet)
        read = torch.zeros(tokens.shape, dtype=torch.bool)
        bit = torch.zeros(tokens.shape, dtype=torch.long)
        for n, w in enumerate(words):
            for t in range(len(w) - 1):
                if w[t] == self.read:
                    if w[t + 1] not in self.bits:
                        raise DataError(f"flip-flop string {n}: read at {t} is not followed by a bit")
                    read[n, t] = True
                    bit[n, t] = self.bits.index(w[t + 1])
        return TensorData(tokens, lengths, {"read": read, "bit": bit})

    def loss(self, logits: torch.Tensor, data: TensorData) -> torch.Tensor:
        self._check(logits, data)
        ce = F.cross_entropy(logits.reshape(-1, 2), data.fields["bit"].reshape(-1), reduction="none")
        return _masked_mean(ce.view(data.tokens.shape), data.fields["read"])

    def score(self, logits: torch.Tensor, data: TensorData) -> tuple[torch.Tensor, torch.Tensor]:
        self._check(logits, data)
        return logits.argmax(-1) == data.fields["bit"], data.fields["read"]


class DyckNextToken(Task):
    """Dyck(K, h) next-token modelling with Hewitt et al. 2020's close accuracy.

    Parameters
    ----------
    alphabet : sequence of str
    closers : sequence of int
        Alphabet indices of the closing brackets.
    language : optional
        Used to compute ``next_allowed`` when records lack it.

    The correct closing bracket at a position is the one closer that ``next_allowed`` permits
    there (in Dyck(K, h) exactly one closer is allowed inside an open bracket, none at depth 0).

    >>> task = DyckNextToken(("(", ")"), closers=[1])
    >>> data = task.encode([{"string": "()", "next_allowed": [[1, 1, 0], [1, 0, 1]]}])
    >>> data.fields["close"].tolist(), data.fields["next"].tolist()
    ([[1, -1]], [[1, 2]])
    """

    name = "dyck"

    def __init__(self, alphabet: Sequence[str], closers: Sequence[int], language: Any = None):
        super().__init__(alphabet)
        self.closers = [int(c) for c in closers]
        if not self.closers or any(not 0 <= c < len(self.alphabet) for c in self.closers):
            raise SSMError(f"closing-bracket indices {list(closers)} do not fit alphabet {self.alphabet}")
        self.language = language

    @property
    def n_outputs(self) -> int:
        return len(self.alphabet) + 1

    def encode(self, records: Sequence[Any]) -> TensorData:
        words = [record_symbols(r) for r in records]
        tokens, lengths = encode_strings(words, self.alphabet)
        n, t_max = tokens.shape
        eos = len(self.alphabet)
        nxt = torch.full((n, t_max), -100, dtype=torch.long)
        close = torch.full((n, t_max), -1, dtype=torch.long)
        char = CharPrediction(self.alphabet, self.language)
        cl = np.asarray(self.closers)
        for i, (rec, w) in enumerate(zip(records, words)):
            L = len(w)
            if L == 0:
                continue
            nxt[i, : L - 1] = tokens[i, 1:L] - 1
            nxt[i, L - 1] = eos
            allowed = char._labels(rec)[:, cl] > 0.5  # (T, n_closers)
            inside = allowed.sum(1) == 1
            idx = np.where(inside, cl[allowed.argmax(1)], -1)
            close[i, :L] = torch.as_tensor(idx, dtype=torch.long)
        return TensorData(tokens, lengths, {"next": nxt, "close": close})

    def loss(self, logits: torch.Tensor, data: TensorData) -> torch.Tensor:
        self._check(logits, data)
        return F.cross_entropy(logits.reshape(-1, self.n_outputs), data.fields["next"].reshape(-1),
                               ignore_index=-100)

    def close_probability(self, logits: torch.Tensor, data: TensorData) -> torch.Tensor:
        """Probability of the correct closer renormalised over closers, (B, T); 0 where unscored."""
        probs = torch.softmax(logits[..., self.closers], dim=-1)
        target = data.fields["close"]
        pos = torch.zeros_like(target)
        for j, c in enumerate(self.closers):
            pos = torch.where(target == c, torch.full_like(pos, j), pos)
        p = probs.gather(-1, pos.unsqueeze(-1)).squeeze(-1)
        return torch.where(target >= 0, p, torch.zeros_like(p))

    def score(self, logits: torch.Tensor, data: TensorData) -> tuple[torch.Tensor, torch.Tensor]:
        self._check(logits, data)
        return self.close_probability(logits, data) > CLOSE_THRESHOLD, data.fields["close"] >= 0


def dyck_closers(language: Any) -> list[int]:
    """Alphabet indices of the closing brackets: the symbols that kill the language from its
    start (no bracket may close before one opens). Works with an explicit DFA and with a
    configuration machine (``initial_config``, ``step``, ``is_live``).

    >>> from automata.languages import get_language
    >>> lang = get_language("dyck_2_3")
    >>> [lang.alphabet[i] for i in dyck_closers(lang)]
    [')', ']']
    """
    dfa = getattr(language, "dfa", None)
    if dfa is not None:
        live = np.asarray(dfa.coreachable_mask(), dtype=bool)
        closers = [i for i in range(len(dfa.alphabet)) if not live[int(dfa.delta[dfa.initial, i])]]
    else:
        machine = getattr(language, "automaton", None)
        if machine is None or not hasattr(machine, "is_live"):
            raise SSMError(f"cannot find the closing brackets of {getattr(language, 'name', language)!r}")
        start = machine.initial_config
        closers = [i for i in range(len(language.alphabet)) if not machine.is_live(machine.step(start, i))]
    if not closers:
        raise SSMError("could not identify closing brackets: no symbol is forbidden at the start")
    return closers


def make_task(name: str, language: Any) -> Task:
    """Build the task ``name`` (``"char"``, ``"flip_flop"``, ``"dyck"``) for a registry language."""
    alphabet = tuple(language.alphabet)
    if name == "char":
        return CharPrediction(alphabet, language)
    if name == "flip_flop":
        return FlipFlop(alphabet)
    if name == "dyck":
        return DyckNextToken(alphabet, dyck_closers(language), language)
    raise SSMError(f"unknown task {name!r}; choose from char, flip_flop, dyck")
