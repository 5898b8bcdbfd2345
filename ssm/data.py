"""Datasets as padded tensors, and seeded batching.

Token encoding (docs/architecture.md): symbol ``alphabet[i]`` becomes token id ``i + 1``; id 0
is padding. There is no BOS token: the output at position ``t`` is about the prefix
``w[:t+1]``, aligned with :func:`automata.labels.prefix_labels`.

>>> toks, lengths = encode_strings(["ab", "b"], ("a", "b"))
>>> toks.tolist(), lengths.tolist()
([[1, 2], [2, 0]], [2, 1])
>>> data = TensorData(toks, lengths, {"y": torch.zeros(2, 2)})
>>> data.subset(torch.tensor([1])).tokens.tolist()  # trimmed to the longest string in the batch
[[2]]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence

import numpy as np
import torch

from ssm.errors import SSMError

__all__ = ["DataError", "TensorData", "encode_strings", "pad_arrays", "record_field",
           "record_symbols", "epoch_generator", "epoch_order", "epoch_batches"]


class DataError(SSMError):
    """A dataset cannot be turned into tensors (unknown symbol, ragged labels, empty set)."""


def record_field(record: Any, name: str) -> Any:
    """Read ``name`` from a dataset record given as a mapping or as an object with attributes."""
    if isinstance(record, Mapping):
        if name not in record:
            raise DataError(f"dataset record has no field {name!r}")
        return record[name]
    if not hasattr(record, name):
        raise DataError(f"dataset record has no field {name!r}")
    return getattr(record, name)


def record_symbols(record: Any) -> list[str]:
    """The record's string as a list of symbols (a ``str`` is split into characters)."""
    s = record_field(record, "string")
    return list(s) if isinstance(s, str) else [str(x) for x in s]


def encode_strings(strings: Sequence[Sequence[str]], alphabet: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Encode words as right-padded token ids.

    Parameters
    ----------
    strings : sequence of words (``str`` of one-character symbols, or lists of symbols)
    alphabet : sequence of str

    Returns
    -------
    tokens : LongTensor, shape (N, T_max)
        ``alphabet.index(symbol) + 1``, padded with 0.
    lengths : LongTensor, shape (N,)
    """
    if len(strings) == 0:
        raise DataError("cannot encode an empty dataset")
    index = {s: i + 1 for i, s in enumerate(alphabet)}
    seqs = [list(w) for w in strings]
    t_max = max(1, max(len(w) for w in seqs))
    tokens = torch.zeros(len(seqs), t_max, dtype=torch.long)
    for n, w in enumerate(seqs):
        try:
            ids = [index[c] for c in w]
        except KeyError as e:
            raise DataError(f"symbol {e.args[0]!r} is not in the alphabet {tuple(alphabet)}") from None
        if ids:
            tokens[n, : len(ids)] = torch.tensor(ids, dtype=torch.long)
    lengths = torch.tensor([len(w) for w in seqs], dtype=torch.long)
    return tokens, lengths


def pad_arrays(arrays: Sequence[Any], t_max: int, fill: float | int = 0, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Stack per-string arrays of shape ``(T_n, *rest)`` into ``(N, t_max, *rest)``, padded."""
    mats = [np.asarray(a) for a in arrays]
    rest = mats[0].shape[1:] if mats else ()
    out = torch.full((len(mats), t_max, *rest), fill, dtype=dtype)
    for n, m in enumerate(mats):
        if m.shape[1:] != rest:
            raise DataError(f"label array {n} has shape {m.shape}, expected (T, {', '.join(map(str, rest))})")
        if len(m):
            out[n, : len(m)] = torch.as_tensor(m, dtype=dtype)
    return out


@dataclass
class TensorData:
    """A dataset as padded tensors.

    Attributes
    ----------
    tokens : LongTensor, shape (N, T)
        Token ids, 0 = padding.
    lengths : LongTensor, shape (N,)
    fields : dict of str -> Tensor, each of shape (N, T, ...)
        Task-specific targets and masks (see :mod:`ssm.tasks`).
    """

    tokens: torch.Tensor
    lengths: torch.Tensor
    fields: dict[str, torch.Tensor] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n, t = self.tokens.shape
        if self.lengths.shape != (n,):
            raise DataError(f"lengths has shape {tuple(self.lengths.shape)}, expected ({n},)")
        for k, v in self.fields.items():
            if v.shape[:2] != (n, t):
                raise DataError(f"field {k!r} has shape {tuple(v.shape)}, expected ({n}, {t}, ...)")

    def __len__(self) -> int:
        return int(self.tokens.shape[0])

    @property
    def mask(self) -> torch.Tensor:
        """BoolTensor (N, T): True at real (non-padding) positions."""
        return torch.arange(self.tokens.shape[1], device=self.tokens.device)[None, :] < self.lengths[:, None]

    def subset(self, idx: torch.Tensor) -> "TensorData":
        """The strings ``idx``, trimmed to the longest of them."""
        idx = idx.to(self.tokens.device)
        lengths = self.lengths[idx]
        t = max(1, int(lengths.max())) if len(lengths) else 1
        return TensorData(self.tokens[idx, :t], lengths, {k: v[idx, :t] for k, v in self.fields.items()})

    def to(self, device: str | torch.device) -> "TensorData":
        """A copy on ``device``."""
        return TensorData(self.tokens.to(device), self.lengths.to(device),
                          {k: v.to(device) for k, v in self.fields.items()})

    def batches(self, batch_size: int) -> Iterator["TensorData"]:
        """Consecutive batches in dataset order (for evaluation)."""
        for start in range(0, len(self), batch_size):
            yield self.subset(torch.arange(start, min(start + batch_size, len(self))))


def epoch_generator(seed: int, epoch: int) -> torch.Generator:
    """A fresh ``torch.Generator`` for the batch order of ``epoch`` (independent of other epochs)."""
    state = np.random.SeedSequence([int(seed), int(epoch)]).generate_state(1, dtype=np.uint64)[0]
    return torch.Generator().manual_seed(int(state) & ((1 << 63) - 1))


def epoch_order(n: int, seed: int, epoch: int) -> torch.Tensor:
    """The permutation of ``range(n)`` used in ``epoch`` (a pure function of its arguments)."""
    return torch.randperm(n, generator=epoch_generator(seed, epoch))


def epoch_batches(n: int, batch_size: int, seed: int, epoch: int) -> list[torch.Tensor]:
    """The index batches of ``epoch``: the permutation cut into chunks (the last may be short).

    Because the order is a pure function of ``(seed, epoch)``, a resumed run only needs the
    epoch and the batch position to continue exactly where it stopped.

    >>> b = epoch_batches(5, 2, seed=0, epoch=0)
    >>> [len(x) for x in b], sorted(torch.cat(b).tolist())
    ([2, 2, 1], [0, 1, 2, 3, 4])
    >>> torch.equal(torch.cat(b), torch.cat(epoch_batches(5, 2, seed=0, epoch=0)))
    True
    """
    if batch_size < 1:
        raise DataError(f"batch_size must be >= 1, got {batch_size}")
    order = epoch_order(n, seed, epoch)
    return list(torch.split(order, batch_size))
