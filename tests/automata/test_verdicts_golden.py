"""The golden table: (language, family) -> verdict, min_layers, max_layers, each with its source.

A row's source names the paper and the result it comes from (theorem numbers where we read
them; otherwise the result by name) or, for ``derived`` rows, the argument
(``docs/classification.md``, "Review of every rule"). Languages: the registry and the regular
expressions of issue 10. ``None`` for a layer field means "not stated".
"""
from __future__ import annotations

from functools import lru_cache

import pytest

from automata.classify import classify

SARROF_SF = "Sarrof et al. 2024: finite-precision non-negative-gate SSMs model exactly the star-free languages"
SARROF_CTR = "Sarrof et al. 2024: counters with a gate of exactly 1, precision growing with the length"
SARROF_SUB = "derived: constant real gate in (0,1) is a special case of Sarrof et al. 2024's non-negative gates"
KHAVARI = "Khavari et al. 2025: no stack of time-invariant diagonal layers computes parity"
KHAVARI_RED = "derived: parity reduces by a uniform block substitution and a fixed suffix; Khavari et al. 2025"
GRAZZI_PAR = "Grazzi et al. 2025: one channel with gate -1 computes parity"
GRAZZI_POS = "Grazzi et al. 2025: positive eigenvalues cannot compute parity (any depth, finite precision)"
GRAZZI_POS_LETTER = "derived: Grazzi et al. 2025's parity argument on a repeated letter"
GRAZZI_MOD3 = "Grazzi et al. 2025: real diagonal (triangular) transitions cannot count mod 3"
GRAZZI_HH = "Grazzi et al. 2025: Householder products with eigenvalues in [-1,1] recognise every regular language"
SIGNED_2K = "derived: monotone per-block maps give period dividing 2^k for k signed layers (lower bound); Frattini-series cascade (upper)"
SIGNED_ODD = "derived: an odd period is not a divisor of 2^k (monotone-map argument); Grazzi et al. 2025"
SHAK = "Shakerinava et al. 2026: k complex diagonal layers track G iff derived length <= k"
SHAK_KR = "derived: Krohn-Rhodes cascade of abelian layers and flip-flops (Shakerinava et al. 2026; Sarrof et al. 2024)"
MERRILL_NC1 = "Merrill et al. 2024 (TC0) with Barrington 1989 (NC1-complete): no unless TC0 = NC1"
MERRILL_SOFT = "Merrill & Sabharwal 2023 (log-precision transformers in TC0) with Barrington 1989"
YANG = "Yang, Chiang, Angluin 2024, Theorems 1-4: masked hard attention = B-RASP = LTL = star-free"
HAO = "Hao, Angluin, Frank 2022: UHAT only recognises languages in AC0; BCST 1992: regular AC0 = quasi-aperiodic"
BARCELO = "Barceló et al. 2024: UHAT recognises FO[Mon] ⊇ regular languages in AC0 (BCST 1992)"
LSTM = "Minsky 1967 / Omlin & Giles 1996: one recurrent layer simulates a DFA"
HAHN = "Hahn 2020 (no robust parity) and Chiang & Cholak 2022 (vanishing-margin parity): undecided"
NONE = "no cited result"

U = "unbounded-precision"
R = "re:"

# (language, family, verdict, min_layers, max_layers, source)
ROWS = [
    # --- parity
    ("parity", "ssm_nonnegative", "no", None, None, SARROF_SF),
    ("parity", "ssm_time_invariant", "no", None, None, KHAVARI),
    ("parity", "ssm_signed", "yes", 1, 1, GRAZZI_PAR),
    ("parity", "ssm_complex", "yes", 1, 1, SHAK),
    ("parity", "lrnn_householder", "yes", 1, None, GRAZZI_HH),
    ("parity", "lrnn_householder_positive", "no", None, None, GRAZZI_POS),
    ("parity", "lstm", "yes", 1, 1, LSTM),
    ("parity", "transformer_masked_hard", "no", None, None, YANG),
    ("parity", "transformer_hard_pe", "no", None, None, HAO),
    ("parity", "transformer_soft", "unknown", None, None, HAHN),
    # --- length-periodic, in AC0 (issue 10, point 1 and 2)
    ("aa_star", "transformer_hard_pe", "yes", 1, None, BARCELO),
    ("aa_star", "transformer_masked_hard", "no", None, None, YANG),
    ("aa_star", "ssm_time_invariant", "no", None, None, SARROF_SUB),
    ("aa_star", "ssm_signed", "yes", 1, 1, SIGNED_2K),
    ("aa_star", "lrnn_householder_positive", "no", None, None, GRAZZI_POS_LETTER),
    ("aaaa_star", "transformer_hard_pe", "yes", 1, None, BARCELO),
    ("aaaa_star", "ssm_signed", "yes", 2, 2, SIGNED_2K),
    ("aaaa_star", "ssm_complex", "yes", 1, 1, SHAK),
    ("word_problem_z4", "transformer_hard_pe", "yes", 1, None, BARCELO),
    ("word_problem_z4", "ssm_signed", "yes", 2, 2, SIGNED_2K),
    ("word_problem_z4", "ssm_time_invariant", "no", None, None, SARROF_SUB),
    (R + "((a|b)(a|b))*@ab", "transformer_hard_pe", "yes", 1, None, BARCELO),
    (R + "((a|b)(a|b))*@ab", "ssm_signed", "yes", 1, 1, SIGNED_2K),
    # --- resets beside a group, in AC0 (issue 10, point 3: no count printed for a lower bound)
    ("abab_star", "transformer_hard_pe", "yes", 1, None, BARCELO),
    ("abab_star", "ssm_complex", "yes", 1, None, SHAK_KR),
    ("abab_star", "lrnn_householder_positive", "unknown", None, None, NONE),
    ("tomita3", "transformer_hard_pe", "yes", 1, None, BARCELO),
    ("tomita3", "transformer_masked_hard", "no", None, None, YANG),
    ("tomita3", "ssm_complex", "yes", 1, None, SHAK_KR),
    ("tomita3", "ssm_signed", "yes", 1, None, SIGNED_2K),
    ("tomita3", "ssm_time_invariant", "no", None, None, SARROF_SUB),
    (R + "(aa|b)*@ab", "transformer_hard_pe", "yes", 1, None, BARCELO),
    (R + "(aa|b)*@ab", "ssm_complex", "yes", 1, None, SHAK_KR),
    (R + "(a(a|b))*@ab", "ssm_complex", "yes", 1, None, SHAK_KR),
    (R + "(a(a|b))*@ab", "transformer_hard_pe", "yes", 1, None, BARCELO),
    # --- time-invariant reductions to parity (issue 10, point 2)
    ("tomita5", "ssm_time_invariant", "no", None, None, KHAVARI_RED),
    ("mod_4", "ssm_time_invariant", "no", None, None, KHAVARI_RED),
    ("mod_6", "ssm_time_invariant", "no", None, None, KHAVARI_RED),
    ("word_problem_s3", "ssm_time_invariant", "no", None, None, KHAVARI_RED),
    ("word_problem_d4", "ssm_time_invariant", "no", None, None, KHAVARI_RED),
    ("word_problem_q8", "ssm_time_invariant", "no", None, None, KHAVARI_RED),
    ("tomita5", "ssm_signed", "yes", 1, 1, SIGNED_2K),
    ("tomita5", "transformer_hard_pe", "no", None, None, HAO),
    ("mod_4", "ssm_signed", "yes", 2, 2, SIGNED_2K),
    # --- odd groups and signed gates (issue 10, point 4)
    ("tomita6", "ssm_signed", "no", None, None, GRAZZI_MOD3),
    ("mod_3", "ssm_signed", "no", None, None, GRAZZI_MOD3),
    ("mod_3", "ssm_complex", "yes", 1, 1, SHAK),
    ("word_problem_s3", "ssm_signed", "no", None, None, SIGNED_ODD),
    ("word_problem_s3", "ssm_complex", "yes", 2, 2, SHAK),
    ("word_problem_d4", "ssm_signed", "yes", 2, 2, SIGNED_2K),
    ("word_problem_d4", "ssm_complex", "yes", 2, 2, SHAK),
    ("word_problem_q8", "ssm_signed", "yes", 2, 2, SIGNED_2K),
    ("word_problem_s4", "ssm_complex", "yes", 3, 3, SHAK),
    ("word_problem_a4", "ssm_complex", "yes", 2, 2, SHAK),
    # --- non-solvable groups
    ("word_problem_a5", "ssm_complex", "no", None, None, SHAK),
    ("word_problem_s5", "ssm_complex", "no", None, None, SHAK),
    ("word_problem_s5", "transformer_soft", "no", None, None, MERRILL_SOFT),
    ("word_problem_s5", "lrnn_householder", "yes", 1, None, GRAZZI_HH),
    ("word_problem_a5", "transformer_hard_pe", "no", None, None, HAO),
    # --- star-free
    ("tomita1", "ssm_nonnegative", "yes", 1, None, SARROF_SF),
    ("tomita4", "transformer_masked_hard", "yes", 1, None, YANG),
    ("flip_flop", "ssm_nonnegative", "yes", 1, None, SARROF_SF),
    ("flip_flop", "ssm_time_invariant", "unknown", None, None, NONE),
    ("flip_flop", "lrnn_householder_positive", "yes", 1, None, SHAK_KR),
    ("d12", "transformer_hard_pe", "yes", 1, None, BARCELO),
    (R + "~(.*aa.*)@ab", "transformer_masked_hard", "yes", 1, None, YANG),
    # --- counter languages (issue 10, point 1: masked hard attention is exactly star-free)
    ("dyck1", "transformer_masked_hard", "no", None, None, YANG),
    ("anbn", "transformer_masked_hard", "no", None, None, YANG),
    ("dyck1", "ssm_nonnegative", U, None, None, SARROF_CTR),
    ("dyck1", "ssm_time_invariant", "unknown", None, None, NONE),
    ("anbn", "transformer_hard_pe", "unknown", None, None, NONE),
    ("anbn", "transformer_soft", "unknown", None, None, NONE),
    ("anbn", "lstm", U, None, None, "Merrill 2019; Weiss et al. 2018: the cell counts"),
]


@lru_cache(maxsize=None)
def _classify(lang: str):
    if lang.startswith(R):
        pattern, alphabet = lang[len(R):].rsplit("@", 1)
        return classify(regex=pattern, alphabet=alphabet)
    return classify(lang)


@pytest.mark.parametrize("lang,family,verdict,lo,hi,source", ROWS,
                         ids=[f"{r[0]}-{r[1]}" for r in ROWS])
def test_golden_row(lang, family, verdict, lo, hi, source):
    p = _classify(lang).prediction(family)
    assert (p.expressible, p.min_layers, p.max_layers) == (verdict, lo, hi), (p.rule, source)
    assert source
    if verdict in ("yes", "no") and source != NONE:
        assert p.status in ("theorem", "derived") and p.reference != "—"
        if source.startswith("derived"):
            assert p.status == "derived", p.rule
    if verdict == "unknown":
        assert p.status == "none"


def test_every_registry_regular_language_has_an_ac0_verdict():
    from automata.languages import get_language, list_languages

    for name in list_languages():
        lang = get_language(name)
        c = _classify(name)
        if lang.dfa is None:
            assert c.ac0 is None
            continue
        hard_pe = c.prediction("transformer_hard_pe").expressible
        assert hard_pe == ("yes" if c.ac0["ac0"] else "no"), name
        if c.aperiodic:                                    # star-free languages are in AC0
            assert c.ac0["ac0"] is True, name
