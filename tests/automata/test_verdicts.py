"""Golden tests pinning the rules table (PAPER.md §7) on canonical languages."""
from __future__ import annotations

import pytest

from automata.classify import classify
from automata.verdicts import FAMILIES, REFERENCES, RULES, STATUSES, VERDICTS

F = ("ssm_nonnegative", "ssm_time_invariant", "ssm_signed", "ssm_complex", "lrnn_householder",
     "lstm", "transformer")
U = "unbounded-precision"

# language -> verdict per family in F order, and pinned layers {family: layers}
GOLDEN = {
    "parity": (("no", "no", "yes", "yes", "yes", "yes", "no"), {"ssm_signed": 1, "ssm_complex": 1}),
    "aa_star": (("no", "yes", "yes", "yes", "yes", "yes", "no"),
                {"ssm_time_invariant": 1, "ssm_signed": 1}),
    "aaaa_star": (("no", "yes", "yes", "yes", "yes", "yes", "no"), {"ssm_signed": 2}),
    "tomita1": (("yes", "unknown", "yes", "yes", "yes", "yes", "yes"), {"lstm": 1}),
    "tomita2": (("yes", "unknown", "yes", "yes", "yes", "yes", "yes"), {}),
    "tomita3": (("no", "unknown", "yes", "yes", "yes", "yes", "no"), {"ssm_complex": 1}),
    "tomita4": (("yes", "unknown", "yes", "yes", "yes", "yes", "yes"), {}),
    "tomita5": (("no", "unknown", "yes", "yes", "yes", "yes", "no"), {"ssm_signed": 1}),
    "tomita6": (("no", "unknown", "no", "yes", "yes", "yes", "no"), {"ssm_complex": 1}),
    "tomita7": (("yes", "unknown", "yes", "yes", "yes", "yes", "yes"), {}),
    "mod_3": (("no", "unknown", "no", "yes", "yes", "yes", "no"), {"ssm_complex": 1}),
    "word_problem_s3": (("no", "unknown", "no", "yes", "yes", "yes", "no"), {"ssm_complex": 2}),
    "word_problem_d4": (("no", "unknown", "yes", "yes", "yes", "yes", "no"),
                        {"ssm_complex": 2, "ssm_signed": 2}),
    "word_problem_s4": (("no", "unknown", "no", "yes", "yes", "yes", "no"), {"ssm_complex": 3}),
    "word_problem_a5": (("no", "unknown", "no", "no", "yes", "yes", "no"), {}),
    "word_problem_s5": (("no", "unknown", "no", "no", "yes", "yes", "no"), {}),
    "flip_flop": (("yes", "unknown", "yes", "yes", "yes", "yes", "yes"), {}),
    "dyck1": ((U, "unknown", U, U, U, U, "unknown"), {}),
    "anbn": ((U, "unknown", U, U, U, U, "unknown"), {}),
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden(name):
    verdicts, layers = GOLDEN[name]
    preds = {p.model: p for p in classify(name).predictions}
    assert tuple(preds[f].expressible for f in F) == verdicts
    for fam, k in layers.items():
        assert preds[fam].layers == k, fam


def test_statuses_of_key_theorems():
    p = {x.model: x for x in classify("parity").predictions}
    assert p["ssm_time_invariant"].status == "theorem" and "Khavari" in p["ssm_time_invariant"].reference
    assert p["ssm_signed"].status == "theorem" and "Grazzi" in p["ssm_signed"].reference
    assert p["ssm_nonnegative"].status == "theorem" and "Sarrof" in p["ssm_nonnegative"].reference
    t3 = {x.model: x for x in classify("tomita3").predictions}
    assert t3["ssm_signed"].status == "derived"
    assert t3["ssm_time_invariant"].status == "none"
    s5 = {x.model: x for x in classify("word_problem_s5").predictions}
    assert "Merrill" in s5["ssm_complex"].reference


def test_table_is_well_formed():
    assert FAMILIES == F
    for r in RULES:
        assert r.family in FAMILIES and r.verdict in VERDICTS and r.status in STATUSES
        assert all(ref in REFERENCES for ref in r.references)
        assert (r.verdict == "unknown") == (r.status == "none")
    for fam in FAMILIES:          # every family ends in a catch-all
        assert [r for r in RULES if r.family == fam][-1].when == "always"
