"""A toy task in one file: at every position predict whether the prefix is in the language."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from automata.labels import prefix_labels
from ssm.data import encode_strings, record_symbols
from ssm.data import TensorData
from ssm.tasks import Task, list_tasks, register_task


class Membership(Task):
    """Binary membership of every prefix (2 outputs, cross-entropy, argmax scored)."""

    name = "membership"
    members_only = False

    def __init__(self, language):
        super().__init__(language.alphabet, language)

    @property
    def n_outputs(self) -> int:
        return 2

    def encode(self, records):
        words = [record_symbols(r) for r in records]
        tokens, lengths = encode_strings(words, self.alphabet)
        y = torch.full(tokens.shape, -100, dtype=torch.long)
        for i, w in enumerate(words):
            if w:
                y[i, : len(w)] = torch.as_tensor(prefix_labels(self.language, w).membership,
                                                 dtype=torch.long)
        return TensorData(tokens, lengths, {"member": y})

    def loss(self, logits, data):
        self._check(logits, data)
        return F.cross_entropy(logits.reshape(-1, 2), data.fields["member"].reshape(-1),
                               ignore_index=-100)

    def score(self, logits, data):
        self._check(logits, data)
        return logits.argmax(-1) == data.fields["member"], data.mask


if "membership" not in list_tasks():
    register_task("membership", Membership)
