"""Length evaluation rows against hand-written models with known behaviour."""
from __future__ import annotations

import torch

from automata.labels import prefix_labels
from automata.languages import get_language
from ssm.evaluate import EvalSet, bin_name, evaluate_sets, length_rows, score_split
from ssm.tasks import make_task


class ParityOracle(torch.nn.Module):
    """Right character prediction for parity, but blind to tokens after position ``horizon``."""

    def __init__(self, horizon: int = 10**9):
        super().__init__()
        self.horizon = horizon
        self.dummy = torch.nn.Parameter(torch.zeros(()))

    def forward(self, tokens):
        ones = (tokens == 2).long()
        ones[:, self.horizon:] = 0
        even = torch.cumsum(ones, 1) % 2 == 0
        out = torch.full((*tokens.shape, 3), 5.0)
        out[..., 2] = torch.where(even, 5.0, -5.0)
        return out


def _set(lang, task, words, lo, hi):
    recs = [{"string": w, "next_allowed": prefix_labels(lang, w).next_allowed.astype(int).tolist()}
            for w in words]
    return EvalSet(bin_name(lo, hi), task.encode(recs), lo, hi)


def test_rows_per_bin_and_length():
    lang = get_language("parity")
    task = make_task("char", lang)
    short = ["0110", "11", "0", "1001"]
    long_ = ["0" * 12 + "11", "1" * 14, "0" * 14, "1" + "0" * 12 + "1"]
    sets = [_set(lang, task, short, 1, 4), _set(lang, task, long_, 12, 14)]
    model = ParityOracle(horizon=10)
    model.train()
    rows = evaluate_sets(model, task, sets, batch_size=3)
    assert model.training  # mode restored
    bins = [r for r in rows if r["kind"] == "bin"]
    assert [(b["split"], b["min_length"], b["max_length"], b["n_strings"]) for b in bins] == [
        ("bin_1_4", 1, 4, 4), ("bin_12_14", 12, 14, 4)]
    assert bins[0]["string_accuracy"] == 1.0 and bins[0]["n_errors"] == 0
    # blind after 10 tokens: only "0"*14 stays right (the others see a 1 at position >= 10)
    assert bins[1]["string_accuracy"] == 0.25
    per_len = [r for r in rows if r["kind"] == "length" and r["split"] == "bin_12_14"]
    assert sum(r["n_strings"] for r in per_len) == 4
    assert {r["length"]: r["string_accuracy"] for r in per_len} == {14: 0.25}
    assert evaluate_sets(ParityOracle(), task, sets[1:], per_length=False)[0]["string_accuracy"] == 1.0


def test_score_split_counts_positions():
    lang = get_language("parity")
    task = make_task("char", lang)
    s = _set(lang, task, ["1" * 12], 12, 12)
    sc = score_split(ParityOracle(horizon=10), task, s.data)
    # prefix parities from position 10 on: true odd/even, the model keeps "even" -> 1 error
    assert sc.n_positions == 12 and sc.n_errors == 1
    assert sc.summary()["position_accuracy"] == 1 - 1 / 12


def test_length_rows():
    rows = length_rows("x", torch.tensor([3, 3, 5]), torch.tensor([True, False, True]))
    assert rows == [{"kind": "length", "split": "x", "length": 3, "n_strings": 2, "string_accuracy": 0.5},
                    {"kind": "length", "split": "x", "length": 5, "n_strings": 1, "string_accuracy": 1.0}]
