"""The task registry: what a model is trained to predict, how it is sampled, scored and probed.

A :class:`Task` owns everything that depends on *what* is predicted: sampling the splits and
their length bins (:meth:`Task.make_splits`), encoding records as tensors, the masked loss,
per-position correctness, the longest string it needs (:meth:`Task.max_length`), the lengths
probing samples (:meth:`Task.probe_lengths`) and the extra probe targets it offers. A language
declares its task (``Language.task``, ``None`` meaning ``"char"``); nothing downstream branches
on a language's name. Tasks are registered by name with :func:`register_task` (a factory
``language -> Task``), with the task's own parameters declared as ``options`` with their
defaults; a configuration sets them under ``data.task_options`` (``--set
data.task_options.length=64``) and a task reads them with :meth:`Task.options`. The built-ins:

* :class:`CharPrediction` — the paper's character prediction (Bhattamishra et al. 2020): at every
  position, the set of symbols that may come next, end-of-string included, as a multi-label
  target over ``len(alphabet) + 1`` outputs (binary cross-entropy, padding masked). A position
  is right iff every thresholded output (``sigmoid > 0.5``, i.e. ``logit > 0``) equals its target.
* :class:`FlipFlop` — Liu et al. 2023: predict the bit after each read instruction ``r``; loss
  and accuracy on read positions only (2 outputs: bit 0, bit 1). Options (:data:`FLIP_FLOP_OPTIONS`):
  ``length`` (characters per string, 512), ``p_ignore`` (training sparsity FFL(p), 0.8),
  ``eval_p_ignore`` (evaluation sparsities, [0.8, 0.98]) and ``eval_reads`` (read positions per
  evaluation set at least, 10,000: enough to see an error rate of 1e-4).
* :class:`DyckNextToken` — Dyck(K, h) next-token modelling (cross-entropy over
  ``len(alphabet) + 1`` outputs, end-of-string last) scored by Hewitt et al. 2020's close
  accuracy: at each position inside an open bracket, success iff the correct closing bracket gets
  more than 80 % of the probability mass the model puts on closing brackets.
* :class:`StateTracking` — at every position predict the minimal-DFA state of the prefix
  (cross-entropy over the states; group word problems are the typical use).

A string counts as right iff every scored position in it is right (vacuously true when it has
none). Every task returns ``(correct, scored)``, two BoolTensors of shape (B, T).

>>> from automata.languages import get_language
>>> task_name_for(get_language("FFL")), task_name_for(get_language("Dyck_2_3"))
('flip_flop', 'dyck')
>>> list_tasks()[:4]
['char', 'flip_flop', 'dyck', 'state']
>>> task_options("flip_flop", {"length": 64})["length"], task_options("flip_flop", {})["p_ignore"]
(64, 0.8)
>>> task_options("flip_flop", {"lenght": 64})
Traceback (most recent call last):
...
ssm.errors.ConfigError: task 'flip_flop' has no option 'lenght' (it has length, p_ignore, eval_p_ignore, eval_reads)

>>> import torch
>>> task = CharPrediction(("a",))
>>> data = task.encode([{"string": "a", "next_allowed": [[1, 1]]}])
>>> logits = torch.tensor([[[3.0, 2.0]]])          # both outputs on: right
>>> correct, scored = task.score(logits, data)
>>> correct.tolist(), scored.tolist()
([[True]], [[True]])
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from automata.labels import prefix_labels
from automata.dataset import make_dataset
from ssm.data import DataError, TensorData, encode_strings, pad_arrays, record_field, record_symbols
from ssm.errors import ConfigError, SSMError

__all__ = ["Task", "CharPrediction", "FlipFlop", "DyckNextToken", "StateTracking", "make_task",
           "register_task", "unregister_task", "get_task", "list_tasks", "task_name_for",
           "task_options", "SplitSpec", "CLOSE_THRESHOLD", "FLIP_FLOP_OPTIONS", "bin_name"]

SplitSpec = tuple  # (records, min_length, max_length, metadata)
"""One split: ``(records, min_length, max_length, metadata)``."""


def bin_name(lo: int, hi: int) -> str:
    """The split name of an inclusive length bin, e.g. ``bin_51_100``.

    >>> bin_name(51, 100)
    'bin_51_100'
    """
    return f"bin_{lo}_{hi}"

#: Hewitt et al. 2020: the correct closing bracket needs more than this share of the closing mass.
CLOSE_THRESHOLD = 0.8


class Task:
    """Base class: sample splits, ``encode`` records, compute a masked ``loss``, ``score``.

    Subclasses set ``name`` and implement ``n_outputs``, ``encode``, ``loss`` and ``score``; the
    sampling methods default to the paper's protocol (length bins of ``DataConfig``) and may be
    overridden (see :class:`FlipFlop`).

    >>> from automata.languages import get_language
    >>> task = make_task("auto", get_language("parity"))          # the language's own: "char"
    >>> data = task.encode([{"string": "01"}])
    >>> task.name, task.n_outputs, tuple(data.tokens.shape)
    ('char', 3, (1, 2))
    """

    name = "task"
    #: Sample members only (the paper's protocol), or also a ``member_fraction`` of members and
    #: the rest uniformly random non-members.
    members_only: bool = True
    member_fraction: float = 0.5
    #: Extra probe targets this task offers beyond the language's own (see :mod:`probing.targets`).
    probe_targets: tuple[str, ...] = ()
    #: The name this task is registered under (set by :func:`make_task`; ``None``: ``name``).
    registered_as: str | None = None

    def __init__(self, alphabet: Sequence[str], language: Any = None):
        self.alphabet = tuple(alphabet)
        self.language = language

    def options(self, data: Any) -> dict[str, Any]:
        """This task's options for ``data`` (a ``DataConfig``): the declared defaults updated
        with ``data.task_options`` (:func:`task_options`; unknown names are an error)."""
        return task_options(self.registered_as or self.name, getattr(data, "task_options", {}) or {})

    # ------------------------------------------------------------------ sampling
    def max_length(self, data: Any) -> int:
        """The longest string the splits of ``data`` (a ``DataConfig``) contain."""
        return max([data.train_max_length, *(hi for _, hi in data.eval_bins)])

    def make_splits(self, data: Any, seed: int) -> dict[str, SplitSpec]:
        """Every split, ``{"train": ..., "bin_lo_hi": ...}``, as ``(records, lo, hi, meta)``.

        One :func:`automata.dataset.make_dataset` call (seed ``seed``) with ``data.n_train``
        training strings of lengths ``[train_min_length, train_max_length]`` and ``data.n_eval``
        strings per evaluation bin; strings are distinct within and across splits, so the first
        bin (the training lengths) is held out. A split is smaller when fewer distinct strings
        exist (e.g. (aa)* has 25 members of length 1-50) and may be empty.
        """
        ds = make_dataset(self.language, (data.train_min_length, data.train_max_length),
                          data.eval_bins, n_train=data.n_train, n_test=data.n_eval, seed=seed,
                          members_only=self.members_only, member_fraction=self.member_fraction)
        by_split: dict[str, list] = {}
        for r in ds.records:
            by_split.setdefault(r["split"], []).append(r)
        out: dict[str, SplitSpec] = {
            "train": (by_split.get("train", []), data.train_min_length, data.train_max_length, {})}
        for lo, hi in data.eval_bins:
            out[bin_name(lo, hi)] = (by_split.get(bin_name(lo, hi), []), lo, hi, {})
        return out

    def probe_lengths(self, data: Any, long_factor: int) -> tuple[list[tuple[int, int]], dict]:
        """Length ranges for probing strings (the training range first, then doubling bins up
        to ``long_factor`` times its end) and the sampler keyword arguments."""
        lo, hi = int(data.train_min_length), int(data.train_max_length)
        ranges, a = [(lo, hi)], hi
        while a < long_factor * hi:
            ranges.append((a + 1, 2 * a))
            a *= 2
        return ranges, {}

    # ------------------------------------------------------------------ learning

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
    :func:`automata.dataset.make_dataset`); without ``next_allowed`` pass ``language=`` so the
    labels are computed with :func:`automata.labels.prefix_labels`.
    """

    name = "char"

    @property
    def n_outputs(self) -> int:
        return len(self.alphabet) + 1

    def _labels(self, record: Any) -> np.ndarray:
        try:
            lab = record_field(record, "next_allowed")
        except DataError:
            if self.language is None:
                raise
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
    probe_targets = ("bit",)

    def __init__(self, alphabet: Sequence[str], read: str = "r", bits: tuple[str, str] = ("0", "1"),
                 language: Any = None):
        super().__init__(alphabet, language)
        missing = [s for s in (read, *bits) if s not in self.alphabet]
        if missing:
            raise SSMError(f"flip-flop alphabet {self.alphabet} lacks symbol(s) {missing}")
        self.read, self.bits = read, tuple(bits)

    @property
    def n_outputs(self) -> int:
        return 2

    def max_length(self, data: Any) -> int:
        return int(self.options(data)["length"])

    def reads(self, records: Sequence[Any]) -> int:
        """Read instructions followed by a bit, summed over ``records``."""
        n = 0
        for r in records:
            w = record_symbols(r)
            n += sum(1 for t in range(len(w) - 1) if w[t] == self.read)
        return n

    def make_splits(self, data: Any, seed: int) -> dict[str, SplitSpec]:
        """``n_train`` FFL(p_ignore) strings and, per evaluation sparsity ``p``, FFL(p) strings
        until at least ``eval_reads`` read positions are covered (``ffl_0.8``, ``ffl_0.98``)."""
        opt = self.options(data)
        L, eval_p, eval_reads = int(opt["length"]), opt["eval_p_ignore"], int(opt["eval_reads"])
        children = np.random.SeedSequence([seed, 1]).generate_state(1 + len(eval_p))
        ds = make_dataset(self.language, (L, L), (), n_train=data.n_train, n_test=0,
                          seed=int(children[0]), p_ignore=opt["p_ignore"])
        out: dict[str, SplitSpec] = {"train": (list(ds.records), L, L, {"p_ignore": opt["p_ignore"]})}
        for j, p in enumerate(eval_p):
            # expected reads per string: (L/2 - 1) * (1 - p) / 2; top up in rounds until covered
            per = max(1e-9, (L / 2 - 1) * (1 - p) / 2)
            n = max(1, math.ceil(1.1 * eval_reads / per))
            recs: list[Any] = []
            rnd = 0
            while self.reads(recs) < eval_reads:
                s = np.random.SeedSequence([int(children[1 + j]), rnd]).generate_state(1)[0]
                recs += list(make_dataset(self.language, (L, L), (),
                                          n_train=n if not recs else max(1, n // 4), n_test=0,
                                          seed=int(s), p_ignore=p).records)
                rnd += 1
            out[f"ffl_{p:g}"] = (recs, L, L, {"p_ignore": p, "n_reads": self.reads(recs)})
        return out

    def probe_lengths(self, data: Any, long_factor: int) -> tuple[list[tuple[int, int]], dict]:
        opt = self.options(data)
        L = int(opt["length"])
        ranges, a = [(L, L)], L
        while a < long_factor * L:
            ranges.append((2 * a, 2 * a))
            a *= 2
        return ranges, {"p_ignore": opt["p_ignore"]}

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
        super().__init__(alphabet, language)
        self.closers = [int(c) for c in closers]
        if not self.closers or any(not 0 <= c < len(self.alphabet) for c in self.closers):
            raise SSMError(f"closing-bracket indices {list(closers)} do not fit alphabet {self.alphabet}")

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


class StateTracking(Task):
    """At every position predict the minimal-DFA state of the prefix (state tracking).

    One output per state of the language's minimal DFA, cross-entropy at every position, a
    position is right iff the argmax is the state. Splits hold members and non-members half and
    half (every state is visited, not only the accepting ones). For a group word problem this is the group
    element of the prefix product (e.g. Merrill et al. 2024, *The Illusion of State*; Grazzi et
    al. 2025 for Householder LRNNs).

    >>> from automata.languages import get_language
    >>> task = StateTracking(get_language("parity"))
    >>> task.n_outputs
    2
    >>> task.encode([{"string": "0110"}]).fields["state"].tolist()
    [[0, 1, 0, 0]]
    """

    name = "state"
    members_only = False

    def __init__(self, language: Any):
        dfa = getattr(language, "dfa", None)
        if dfa is None:
            raise SSMError(f"task 'state' needs a regular language with a DFA; "
                           f"{getattr(language, 'name', language)!r} has none")
        super().__init__(language.alphabet, language)
        self.n_states = int(dfa.n_states)

    @property
    def n_outputs(self) -> int:
        return self.n_states

    def _states(self, record: Any) -> list[int]:
        try:
            return [int(q) for q in record_field(record, "states")]
        except DataError:
            return [int(q) for q in prefix_labels(self.language, record_symbols(record)).states]

    def encode(self, records: Sequence[Any]) -> TensorData:
        words = [record_symbols(r) for r in records]
        tokens, lengths = encode_strings(words, self.alphabet)
        state = torch.full(tokens.shape, -100, dtype=torch.long)
        for i, (rec, w) in enumerate(zip(records, words)):
            q = self._states(rec)
            if len(q) != len(w):
                raise DataError(f"states has {len(q)} entries for a string of length {len(w)}")
            if q:
                state[i, : len(q)] = torch.as_tensor(q, dtype=torch.long)
        return TensorData(tokens, lengths, {"state": state})

    def loss(self, logits: torch.Tensor, data: TensorData) -> torch.Tensor:
        self._check(logits, data)
        return F.cross_entropy(logits.reshape(-1, self.n_outputs), data.fields["state"].reshape(-1),
                               ignore_index=-100)

    def score(self, logits: torch.Tensor, data: TensorData) -> tuple[torch.Tensor, torch.Tensor]:
        self._check(logits, data)
        return logits.argmax(-1) == data.fields["state"], data.mask


TaskFactory = Callable[[Any], Task]


@dataclass(frozen=True)
class _Entry:
    factory: TaskFactory
    options: Mapping[str, Any] = field(default_factory=dict)
    validate: Callable[[dict], None] | None = None


_TASKS: dict[str, _Entry] = {}


def register_task(name: str, factory: TaskFactory, *, options: Mapping[str, Any] | None = None,
                  validate: Callable[[dict], None] | None = None, overwrite: bool = False) -> None:
    """Register ``factory(language) -> Task`` under ``name`` (the config's ``task`` value).

    A :class:`Task` subclass whose ``__init__`` takes the language is itself a factory.
    ``options`` declares the task's own parameters with their JSON defaults (set per run as
    ``data.task_options.NAME``, read with :meth:`Task.options`); ``validate(options)`` checks
    the merged options and raises :class:`~ssm.errors.ConfigError`.

    >>> register_task("doc_state", StateTracking, options={"depth": 2})
    >>> from automata.languages import get_language
    >>> make_task("doc_state", get_language("parity")).n_outputs, task_options("doc_state", {})
    (2, {'depth': 2})
    >>> unregister_task("doc_state")
    """
    if not isinstance(name, str) or not name.strip() or name == "auto":
        raise ConfigError(f"a task name must be a non-empty string other than 'auto', got {name!r}")
    if not callable(factory):
        raise ConfigError(f"task {name!r}: factory must be callable")
    if validate is not None and not callable(validate):
        raise ConfigError(f"task {name!r}: validate must be callable")
    if name in _TASKS and not overwrite:
        raise ConfigError(f"task {name!r} is already registered (pass overwrite=True)")
    _TASKS[name] = _Entry(factory, _json_values(name, dict(options or {})), validate)


def _json_values(name: str, options: dict[str, Any]) -> dict[str, Any]:
    """``options`` as plain JSON values (tuples become lists), so saved configs compare equal."""
    try:
        return json.loads(json.dumps(options, allow_nan=False))
    except (TypeError, ValueError):
        raise ConfigError(f"the options of task {name!r} must be JSON values") from None


def task_options(name: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """The options of task ``name``: its declared defaults updated with ``given``; unknown names
    and values the task's ``validate`` refuses raise :class:`~ssm.errors.ConfigError`."""
    entry = _entry(name)
    if not isinstance(given, Mapping):
        raise ConfigError(f"data.task_options must be an object, got {given!r}")
    unknown = sorted(set(given) - set(entry.options))
    if unknown:
        have = ", ".join(entry.options) or "none"
        raise ConfigError(f"task {name!r} has no option {unknown[0]!r} (it has {have})")
    options = _json_values(name, {**entry.options, **dict(given)})
    if entry.validate is not None:
        entry.validate(options)
    return options


def unregister_task(name: str) -> None:
    """Remove a registered task (tests and interactive sessions)."""
    if _TASKS.pop(name, None) is None:
        raise ConfigError(f"unknown task {name!r}")


def _entry(name: str) -> _Entry:
    try:
        return _TASKS[name]
    except (KeyError, TypeError):
        raise ConfigError(f"unknown task {name!r}; choose from {', '.join(_TASKS)}") from None


def get_task(name: str) -> TaskFactory:
    """The factory registered as ``name``.

    >>> get_task("state") is StateTracking
    True
    >>> get_task("sorting")
    Traceback (most recent call last):
    ...
    ssm.errors.ConfigError: unknown task 'sorting'; choose from char, flip_flop, dyck, state...
    """
    return _entry(name).factory


def list_tasks() -> list[str]:
    """Registered task names, built-ins first.

    >>> list_tasks()[:4]
    ['char', 'flip_flop', 'dyck', 'state']
    """
    return list(_TASKS)


def task_name_for(language: Any) -> str:
    """The task a language declares (``Language.task``), ``"char"`` when it declares none.

    >>> from automata.languages import get_language
    >>> task_name_for(get_language("parity")), task_name_for(get_language("flipflop"))
    ('char', 'flip_flop')
    """
    return getattr(language, "task", None) or "char"


def make_task(name: str, language: Any) -> Task:
    """Build the registered task ``name`` (``"auto"``: the language's own) for ``language``.

    >>> from automata.languages import get_language
    >>> make_task("auto", get_language("flip_flop")).name
    'flip_flop'
    """
    if name == "auto":
        name = task_name_for(language)
    task = get_task(name)(language)
    if not isinstance(task, Task):
        raise ConfigError(f"the factory of task {name!r} did not return a Task")
    task.registered_as = name
    return task


#: The flip-flop task's options and defaults (Liu et al. 2023's protocol).
FLIP_FLOP_OPTIONS = {"length": 512, "p_ignore": 0.8, "eval_p_ignore": [0.8, 0.98],
                     "eval_reads": 10_000}


def _check_flip_flop(opt: dict) -> None:
    L, reads, ps = opt["length"], opt["eval_reads"], opt["eval_p_ignore"]
    if isinstance(L, bool) or not isinstance(L, int) or L < 2 or L % 2:
        raise ConfigError(f"data.task_options.length must be an even integer >= 2, got {L!r}")
    if isinstance(reads, bool) or not isinstance(reads, int) or reads < 1:
        raise ConfigError(f"data.task_options.eval_reads must be an integer >= 1, got {reads!r}")
    if not isinstance(ps, list) or not ps:
        raise ConfigError(f"data.task_options.eval_p_ignore must be a non-empty list, got {ps!r}")
    for p in (opt["p_ignore"], *ps):
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p < 1.0:
            raise ConfigError(f"flip-flop p_ignore must lie in [0, 1), got {p!r}")


register_task("char", lambda lang: CharPrediction(lang.alphabet, lang))
register_task("flip_flop", lambda lang: FlipFlop(lang.alphabet, language=lang),
              options=FLIP_FLOP_OPTIONS, validate=_check_flip_flop)
register_task("dyck", lambda lang: DyckNextToken(lang.alphabet, dyck_closers(lang), lang))
register_task("state", StateTracking)
