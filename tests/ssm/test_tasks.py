"""Tasks: targets from the real labels, losses blind to padding/unscored positions, correctness."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from automata.labels import prefix_labels
from automata.languages import get_language
from ssm.errors import SSMError
from ssm.tasks import CLOSE_THRESHOLD, CharPrediction, DyckNextToken, FlipFlop, dyck_closers, make_task


def _records(language, words):
    return [{"string": w, "next_allowed": prefix_labels(language, w).next_allowed.astype(int).tolist()}
            for w in words]


def _perfect_logits(targets):
    return torch.where(targets > 0.5, 5.0, -5.0)


def test_char_prediction_targets_and_scoring():
    lang = get_language("tomita2")  # (10)*
    task = make_task("char", lang)
    assert isinstance(task, CharPrediction) and task.n_outputs == 3
    data = task.encode(_records(lang, ["1010", "10"]))
    y = data.fields["targets"]
    assert y.shape == (2, 4, 3)
    # after "1": only '0' may follow; after "10": '1' or end of string
    assert y[0, 0].tolist() == [1, 0, 0] and y[0, 1].tolist() == [0, 1, 1]
    logits = _perfect_logits(y)
    correct, scored = task.score(logits, data)
    assert scored.tolist() == [[True] * 4, [True, True, False, False]]
    assert bool(correct[scored].all())
    # one wrong output at one position makes that position (and the string) wrong
    bad = logits.clone()
    bad[1, 1, 0] = 5.0
    correct, _ = task.score(bad, data)
    assert correct[1].tolist()[:2] == [True, False] and bool(correct[0].all())


def test_char_prediction_computes_labels_when_missing():
    lang = get_language("parity")
    task = make_task("char", lang)
    a = task.encode([{"string": "0110"}])
    b = task.encode(_records(lang, ["0110"]))
    assert torch.equal(a.fields["targets"], b.fields["targets"])


def test_char_loss_ignores_padding():
    lang = get_language("parity")
    task = make_task("char", lang)
    data = task.encode(_records(lang, ["011", "1"]))
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 3, 3, generator=g)
    other = logits.clone()
    other[1, 1:] = 100.0  # padding positions of the second string
    assert torch.equal(task.loss(logits, data), task.loss(other, data))
    assert torch.equal(task.score(logits, data)[0] | ~data.mask, task.score(other, data)[0] | ~data.mask)
    with pytest.raises(SSMError, match="logits have shape"):
        task.loss(logits[..., :2], data)


def test_flip_flop_reads_bits_and_masked_loss():
    lang = get_language("flip_flop")
    words = [lang.decode(row) for row in lang.member_sampler(40, 8, np.random.default_rng(1), p_ignore=0.5)]
    task = make_task("flip_flop", lang)
    assert isinstance(task, FlipFlop) and task.n_outputs == 2
    data = task.encode([{"string": w} for w in words])
    read, bit = data.fields["read"], data.fields["bit"]
    n_reads = sum(w[t] == "r" for w in words for t in range(len(w) - 1))
    assert int(read.sum()) == n_reads > 0
    for n, w in enumerate(words):
        for t in torch.nonzero(read[n]).flatten().tolist():
            assert w[t] == "r" and int(w[t + 1]) == int(bit[n, t])
    perfect = torch.nn.functional.one_hot(bit, 2).float() * 10
    correct, scored = task.score(perfect, data)
    assert torch.equal(scored, read) and bool(correct[scored].all())
    noisy = perfect.clone()
    noisy[~read] = torch.randn(int((~read).sum()), 2, generator=torch.Generator().manual_seed(0))
    assert torch.equal(task.loss(perfect, data), task.loss(noisy, data))  # only reads count


def test_flip_flop_rejects_foreign_alphabet():
    with pytest.raises(SSMError, match="lacks"):
        FlipFlop(("a", "b"))


def test_dyck_closers_and_targets():
    big = get_language("dyck_8_10")  # a stack machine, no explicit DFA
    assert [big.alphabet[i] for i in dyck_closers(big)] == [")", "]", "}", ">", "A", "B", "C", "D"]
    lang = get_language("dyck_2_3")
    task = make_task("dyck", lang)
    assert isinstance(task, DyckNextToken) and task.n_outputs == 5
    data = task.encode(_records(lang, ["([])", "()"]))
    a = lang.alphabet  # ( [ ) ]
    assert data.fields["close"][0].tolist() == [a.index(")"), a.index("]"), a.index(")"), -1]
    assert data.fields["next"][0].tolist() == [1, 3, 2, 4]  # next symbol index, then end (=4)
    assert data.fields["next"][1].tolist() == [2, 4, -100, -100]


def test_dyck_close_accuracy_threshold():
    lang = get_language("dyck_2_3")
    task = make_task("dyck", lang)
    data = task.encode(_records(lang, ["()"]))
    close_ix = [lang.alphabet.index(")"), lang.alphabet.index("]")]

    def logits_with_share(p):
        x = torch.zeros(1, 2, 5)
        x[0, 0, close_ix[0]] = float(np.log(p / (1 - p)))  # share p of the closing mass
        x[0, 0, 0] = 7.0  # mass on an opening bracket does not matter
        return x

    for p, ok in ((CLOSE_THRESHOLD - 0.01, False), (CLOSE_THRESHOLD + 0.01, True)):
        correct, scored = task.score(logits_with_share(p), data)
        assert scored.tolist() == [[True, False]]
        assert bool(correct[0, 0]) is ok
        assert task.close_probability(logits_with_share(p), data)[0, 0] == pytest.approx(p, abs=1e-5)
