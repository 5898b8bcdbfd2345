"""Choosing the reported run of each (language, cell), as the paper does: the best of the grid.

We pick it by in-distribution accuracy (the first evaluation bin, held out, lengths as in
training), then training accuracy, without looking at the longer bins; failed runs are never
selected.

>>> rows = [{"language": "p", "cell": "c", "error": None, "train_string_accuracy": 1.0,
...          "bins": [{"string_accuracy": a}, {"string_accuracy": b}]} for a, b in ((0.5, 1), (0.9, 0))]
>>> select_best(rows)[("p", "c")]["bins"][0]["string_accuracy"]
0.9
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

__all__ = ["bin_accuracy", "select_best"]


def bin_accuracy(row: Mapping[str, Any], i: int) -> float | None:
    """String accuracy of the row's ``i``-th evaluation bin (0-based), or ``None``."""
    return row["bins"][i]["string_accuracy"] if i < len(row["bins"]) else None


def select_best(rows: Iterable[dict]) -> dict[tuple[str, str], dict]:
    """Best run per (language, cell): highest bin-1 accuracy, then training accuracy."""
    best: dict[tuple[str, str], dict] = {}
    for r in rows:
        if r.get("error") or not r["bins"]:
            continue
        key = (r["language"], r["cell"])
        score = (bin_accuracy(r, 0) or 0.0, r.get("train_string_accuracy") or 0.0)
        if key not in best or score > best[key]["_score"]:
            best[key] = {**r, "_score": score}
    return best
