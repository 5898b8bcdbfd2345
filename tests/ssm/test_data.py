"""Padded tensors (token id = alphabet index + 1, 0 = pad) and seeded batch orders."""
from __future__ import annotations

import pytest
import torch

from ssm.data import (DataError, TensorData, encode_strings, epoch_batches, epoch_order, pad_arrays,
                      record_symbols)


def test_token_ids_and_padding():
    tokens, lengths = encode_strings(["ba", "", "abb"], ("a", "b"))
    assert tokens.tolist() == [[2, 1, 0], [0, 0, 0], [1, 2, 2]]
    assert lengths.tolist() == [2, 0, 3]
    data = TensorData(tokens, lengths)
    assert data.mask.tolist() == [[True, True, False], [False] * 3, [True] * 3]


def test_multi_character_symbols_and_records():
    tokens, _ = encode_strings([["ab", "c"]], ("c", "ab"))
    assert tokens.tolist() == [[2, 1]]
    assert record_symbols({"string": ["ab", "c"]}) == ["ab", "c"]
    with pytest.raises(DataError, match="symbol 'z' is not in the alphabet"):
        encode_strings(["az"], ("a",))
    with pytest.raises(DataError, match="empty dataset"):
        encode_strings([], ("a",))


def test_pad_arrays_and_shape_checks():
    out = pad_arrays([[[1, 0]], [[0, 1], [1, 1]]], 3)
    assert out.shape == (2, 3, 2) and out[0, 1:].abs().sum() == 0 and out[1, 1].tolist() == [1, 1]
    with pytest.raises(DataError):
        pad_arrays([[[1, 0]], [[1, 0, 1]]], 2)
    with pytest.raises(DataError, match="field 'y'"):
        TensorData(torch.zeros(2, 3, dtype=torch.long), torch.tensor([1, 2]), {"y": torch.zeros(2, 4)})


def test_subset_trims_to_longest():
    tokens, lengths = encode_strings(["a", "aaaa", "aa"], ("a",))
    data = TensorData(tokens, lengths, {"y": torch.arange(12.0).view(3, 4)})
    sub = data.subset(torch.tensor([2, 0]))
    assert sub.tokens.shape == (2, 2) and sub.fields["y"].tolist() == [[8.0, 9.0], [0.0, 1.0]]
    assert [len(b) for b in data.batches(2)] == [2, 1]


def test_batch_order_is_a_pure_function_of_seed_and_epoch():
    state = torch.get_rng_state()
    a = epoch_batches(100, 32, seed=3, epoch=1)
    assert torch.equal(torch.get_rng_state(), state)  # global RNG untouched
    assert [len(b) for b in a] == [32, 32, 32, 4]
    assert sorted(torch.cat(a).tolist()) == list(range(100))
    assert torch.equal(torch.cat(a), epoch_order(100, 3, 1))
    assert not torch.equal(epoch_order(100, 3, 1), epoch_order(100, 3, 2))
    assert not torch.equal(epoch_order(100, 3, 1), epoch_order(100, 4, 1))
    with pytest.raises(DataError):
        epoch_batches(10, 0, seed=0, epoch=0)
