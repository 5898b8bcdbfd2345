"""The three calibration figures of the protocol, as assertions (no model, fast)."""
from __future__ import annotations

import pytest

from automata.languages import get_language
from probing.calibration import calibrate


@pytest.mark.parametrize("name", ["parity", "tomita4", "flip_flop"])
def test_calibration_figures(name):
    lang = get_language(name)
    r = calibrate(lang, seed=0, train_range=(1, 40) if name != "flip_flop" else (2, 40),
                  n_per_range=150, long_factor=4, words=None)
    d = r.to_dict()
    # (a) one-hot state + noise: >= 99 % in range and on every longer bin
    assert r.onehot_in_range >= 0.99
    longer = {k: v for k, v in r.onehot_by_bin.items() if k != "in_range"}
    assert len(longer) >= 2 and min(longer.values()) >= 0.99
    # (b) per-prefix memoriser: <= majority + 2 points on unseen-prefix positions
    assert r.n_unseen > 1000
    assert r.memoriser_unseen <= r.majority_unseen + 0.02
    # (c) shuffled labels: the majority rate
    assert abs(r.shuffled - r.majority) <= 0.02
    assert all(d["passed"].values())
