"""Length-generalization evaluation: accuracy per length bin and per length, as rows.

Rows are plain dicts (JSON lines / CSV / pandas). A *bin* row::

    {"kind": "bin", "split": "bin_51_100", "min_length": 51, "max_length": 100,
     "n_strings": 2000, "string_accuracy": 0.97, "n_positions": ..., "position_accuracy": ...,
     "n_errors": ..., "loss": ...}

A *length* row has ``"kind": "length"`` and ``"length"`` instead of the bounds. ``n_positions``
and ``n_errors`` count scored positions (every position for character prediction, read positions
for flip-flop, positions inside an open bracket for Dyck), so ``n_errors / n_positions`` is the
error rate the flip-flop evaluation reports.

>>> rows = length_rows("bin_1_2", torch.tensor([1, 2, 2]), torch.tensor([True, False, True]))
>>> [(r["length"], r["n_strings"], r["string_accuracy"]) for r in rows]
[(1, 1, 1.0), (2, 2, 0.5)]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import torch

from ssm.data import TensorData
from ssm.tasks import Task

__all__ = ["EvalSet", "SplitScores", "score_split", "length_rows", "evaluate_sets", "bin_name"]


def bin_name(lo: int, hi: int) -> str:
    """The split name of an inclusive length bin, e.g. ``bin_51_100``."""
    return f"bin_{lo}_{hi}"


@dataclass
class EvalSet:
    """One evaluation split: its tensors (``None`` when the split is empty), its length bounds
    and free-form metadata."""

    name: str
    data: TensorData | None
    min_length: int
    max_length: int
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class SplitScores:
    """Per-string results of one split.

    Attributes
    ----------
    string_correct : BoolTensor, shape (N,)
    lengths : LongTensor, shape (N,)
    n_positions, n_errors : int
        Scored positions and how many of them are wrong.
    loss : float
        Mean task loss over batches (weighted by strings).
    """

    string_correct: torch.Tensor
    lengths: torch.Tensor
    n_positions: int
    n_errors: int
    loss: float

    def summary(self) -> dict[str, Any]:
        n = int(self.string_correct.numel())
        return {
            "n_strings": n,
            "string_accuracy": int(self.string_correct.sum()) / n if n else float("nan"),
            "n_positions": self.n_positions,
            "n_errors": self.n_errors,
            "position_accuracy": 1.0 - self.n_errors / self.n_positions if self.n_positions else 1.0,
            "loss": self.loss,
        }


@torch.no_grad()
def score_split(model: torch.nn.Module, task: Task, data: TensorData, batch_size: int = 256) -> SplitScores:
    """Run ``model`` over ``data`` in batches and score every string (model left in its mode)."""
    was_training = model.training
    model.eval()
    try:
        correct_all, n_pos, n_err, loss_sum = [], 0, 0, 0.0
        for batch in data.batches(batch_size):
            logits = model(batch.tokens)
            correct, scored = task.score(logits, batch)
            wrong = scored & ~correct
            correct_all.append(~wrong.any(dim=1))
            n_pos += int(scored.sum())
            n_err += int(wrong.sum())
            loss_sum += float(task.loss(logits, batch)) * len(batch)
        return SplitScores(torch.cat(correct_all), data.lengths.clone(), n_pos, n_err,
                           loss_sum / max(1, len(data)))
    finally:
        model.train(was_training)


def length_rows(split: str, lengths: torch.Tensor, string_correct: torch.Tensor) -> list[dict[str, Any]]:
    """One row per distinct length: ``n_strings`` and ``string_accuracy`` at that length."""
    rows = []
    for L in torch.unique(lengths).tolist():
        sel = lengths == L
        rows.append({"kind": "length", "split": split, "length": int(L), "n_strings": int(sel.sum()),
                     "string_accuracy": int(string_correct[sel].sum()) / int(sel.sum())})
    return rows


def evaluate_sets(model: torch.nn.Module, task: Task, sets: Iterable[EvalSet], batch_size: int = 256,
                  per_length: bool = True) -> list[dict[str, Any]]:
    """Bin rows (and per-length rows) for every evaluation set, in order."""
    rows: list[dict[str, Any]] = []
    for s in sets:
        if s.data is None or len(s.data) == 0:
            rows.append({"kind": "bin", "split": s.name, "min_length": s.min_length,
                         "max_length": s.max_length, **s.meta, "n_strings": 0,
                         "string_accuracy": None, "n_positions": 0, "n_errors": 0,
                         "position_accuracy": None, "loss": None})
            continue
        sc = score_split(model, task, s.data, batch_size)
        rows.append({"kind": "bin", "split": s.name, "min_length": s.min_length,
                     "max_length": s.max_length, **s.meta, **sc.summary()})
        if per_length:
            rows.extend(length_rows(s.name, sc.lengths, sc.string_correct))
    return rows
