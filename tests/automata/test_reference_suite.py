"""Conformance with the paper authors' generated data (../shared/data/reference_suite/).

Every string there is a member of our language, and our per-position labels reproduce the
authors' targets once their encoding is mapped (see the README of that folder):

- allowed-next patterns (Tomita 1, 2, 4, 7, D-n: '0'/'1' for each symbol in alphabet order;
  ABStar_D_BCStar: over a, b, c, d) = our ``next_allowed`` without the end-of-string column;
- membership targets (Parity, (aa)*, (aaaa)*, (abab)*, Tomita 5, 6, Boolean-3/5 "expression
  complete", 012Star_0_2Star 'e'/'c') = our ``membership``;
- Dyck1: "may ')' follow" = our ``next_allowed`` column of ')';
- Shuffle-k: one character per bracket pair, in the order () [] {} <> +- ab: "may this pair's
  closing bracket follow";
- aa*bb*cc*dd*ee*: the largest allowed letter, 'T' when the string may end;
- a^n b^n (c^n (d^n)): the smallest allowed letter, 'T' when the string may end.

Two genuine disagreements, pinned below rather than papered over:

1. Tomita-3: the authors' two characters are *one-step membership* (is ``w·0`` / ``w·1`` in the
   language?), not "may this symbol follow". After an odd run of 1s they mark '0' as not
   allowed, yet their own strings continue such prefixes with 0s (``1 00 ...``); the
   "immediately followed" language (PAPER.md §3) allows it. We keep the prefix-closure meaning
   used for every other language, and check that their targets equal our one-step membership.
2. 012Star_0_2Star: the authors mark "may end here" ('e') only after ``0 2+``, i.e. their targets
   are membership in {0,1,2}*02+, while the paper (and this registry) define {0,1,2}*02*, which
   also contains strings ending in 0. Their strings all lie in both; the targets differ exactly
   at prefixes ending in 0.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from automata.labels import prefix_labels
from automata.languages import get_language

REF = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "reference_suite"

pytestmark = pytest.mark.skipif(not REF.is_dir(), reason=f"reference suite not found at {REF}")

FOLDERS = sorted(p.name for p in REF.iterdir() if p.is_dir()) if REF.is_dir() else []
PREFIX_MEMBERSHIP_ONLY = {"Parity", "AAStar", "AAAAStar", "ABABStar"}


def pairs(folder: str):
    """(file, source string, target string) for every line that has both."""
    out = []
    for src in sorted((REF / folder).glob("*src*.txt")):
        tgt = src.with_name(src.name.replace("src", "tgt"))
        if not tgt.exists():
            continue
        s_lines, t_lines = src.read_text().splitlines(), tgt.read_text().splitlines()
        assert len(s_lines) == len(t_lines), src
        out += [(src.name, s, t) for s, t in zip(s_lines, t_lines) if s]
    return out


def encode_targets(folder: str, lang, lab) -> str:
    """Our labels written in the authors' encoding for ``folder``."""
    A = lang.alphabet
    k = len(A)
    na = lab.next_allowed.astype(int)
    if folder.startswith("Tomita-") and folder[-1] in "1247" or folder.startswith("D-") \
            or folder == "ABStar_D_BCStar":
        return "".join("".join(str(x) for x in row[:k]) for row in na)
    if folder in PREFIX_MEMBERSHIP_ONLY or folder in ("Tomita-5", "Tomita-6", "Boolean3", "Boolean5"):
        return "".join(str(int(m)) for m in lab.membership)
    if folder == "012Star_0_2Star":
        return "".join("e" if m else "c" for m in lab.membership)
    if folder == "AAStarBBStarCCStarDDStarEEStar":
        return "".join("T" if row[k] else A[max(np.flatnonzero(row[:k]))] for row in na)
    if folder == "Dyck1":
        return "".join(str(row[A.index(")")]) for row in na)
    if folder.startswith("Shuffle"):
        return "".join("".join(str(row[2 * i + 1]) for i in range(k // 2)) for row in na)
    if folder.startswith("anbn"):
        return "".join("T" if row[k] else A[min(np.flatnonzero(row[:k]))] for row in na)
    if folder == "Tomita-3":
        return one_step_membership(lang, lab)
    raise AssertionError(f"no encoding for {folder}")


def one_step_membership(lang, lab) -> str:
    """'0'/'1' per symbol: is the prefix extended by that symbol a member?"""
    d = lang.dfa
    acc = d.accepting_mask
    return "".join("".join(str(int(acc[d.delta[q, a]])) for a in range(len(lang.alphabet)))
                   for q in lab.states)


def test_all_27_folders_present():
    assert len(FOLDERS) == 27


@pytest.mark.parametrize("folder", FOLDERS)
def test_strings_are_members_and_labels_match(folder):
    lang = get_language(folder)
    rows = pairs(folder)
    assert rows, folder
    for fname, s, t in rows:
        lab = prefix_labels(lang, s)
        if folder in PREFIX_MEMBERSHIP_ONLY:
            assert "".join(str(int(m)) for m in lab.membership) == t, (fname, s)
        else:
            assert lang.accepts(s), (folder, fname, s)
        if folder == "012Star_0_2Star":
            continue  # documented disagreement, see test_012_targets_are_02_plus
        assert encode_targets(folder, lang, lab) == t, (folder, fname, s[:60])


def test_tomita3_targets_are_one_step_membership_not_prefix_closure():
    lang = get_language("tomita3")
    n_diff = 0
    contradicted = 0
    for _, s, t in pairs("Tomita-3"):
        lab = prefix_labels(lang, s)
        assert one_step_membership(lang, lab) == t
        ours = "".join(f"{r[0]}{r[1]}" for r in lab.next_allowed.astype(int))
        n_diff += ours != t
        # their target forbids the symbol that their own string writes next
        for i in range(len(s) - 1):
            if t[2 * i + "01".index(s[i + 1])] == "0":
                contradicted += 1
    assert n_diff > 0 and contradicted > 0


def test_012_targets_are_02_plus():
    import re

    lang = get_language("012_02")
    rows = pairs("012Star_0_2Star")
    n_diff = 0
    for _, s, t in rows:
        lab = prefix_labels(lang, s)
        ours = "".join("e" if m else "c" for m in lab.membership)
        plus = "".join("e" if re.fullmatch(r"[012]*02+", s[:i + 1]) else "c" for i in range(len(s)))
        assert plus == t
        # the only difference: prefixes ending in 0 are members of {0,1,2}*02* but not of 02+
        for i, (a, b) in enumerate(zip(ours, t)):
            if a != b:
                assert (a, b, s[i]) == ("e", "c", "0")
                n_diff += 1
    assert n_diff > 0
