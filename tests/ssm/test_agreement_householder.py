"""A Householder cell is decided only when it has the reflections per token the construction
behind the yes uses (ssm.experiments.agreement.decide)."""
from __future__ import annotations

from ssm.experiments.agreement import decide, verdicts


def test_factor_count_decides_householder_cells():
    vm = {lang: verdicts(lang) for lang in ("parity", "word_problem_s3", "word_problem_z3", "tomita3")}
    # parity: one reflection per token suffices, DeltaNet with β in (0, 2) is decided
    assert decide("parity", "deltanet-b02-L1", vm, True)["agrees"] is True
    assert decide("parity", "deltanet-b02-L1", vm, False)["agrees"] is False
    # S_3 needs 2 (3-cycle on 3 points): DeltaNet (1) undecided, DeltaProduct n_h = 2 decided
    row = decide("word_problem_s3", "deltanet-b02-L1", vm, False)
    assert row["agrees"] is None and "2 reflections" in row["why"]
    assert decide("word_problem_s3", "deltaproduct2-b02-L1", vm, False)["agrees"] is False
    assert decide("word_problem_z3", "deltanet-b02-L1", vm, True)["agrees"] is None
    assert decide("word_problem_z3", "deltaproduct2-b02-L1", vm, True)["agrees"] is True
    # resets beside a group: the theorem gives no factor count, so no decision
    assert decide("tomita3", "deltaproduct3-b02-L1", vm, True)["agrees"] is None
    # the other families are untouched
    assert decide("word_problem_s3", "mamba-nonneg-L1", vm, False)["agrees"] is True


def test_a5_is_decided_with_four_reflections_per_token():
    vm = {"word_problem_a5": verdicts("word_problem_a5")}
    assert decide("word_problem_a5", "deltaproduct3-b02-L1", vm, False)["agrees"] is None
    assert decide("word_problem_a5", "deltaproduct4-b02-L1", vm, False)["agrees"] is False
