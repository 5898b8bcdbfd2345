"""External check: MLRegTest's acceptors (van der Poel et al., JMLR 2024) and their published
minimal-DFA size, syntactic monoid size, D-class count and class (aperiodic iff not Zp/Reg)."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from automata.att import mlregtest_alphabets, read_att
from automata.green import green_structure

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
ROOT = SHARED / "data" / "mlregtest"
STEP = 5                 # every fifth acceptor (294 of 1,470) keeps this test well under a minute

pytestmark = pytest.mark.skipif(not (ROOT / "counts.tsv").exists(), reason="shared MLRegTest data absent")


def _cases():
    if not (ROOT / "counts.tsv").exists():
        return []
    files = sorted((ROOT / "att").glob("*.att"))
    return files


@pytest.fixture(scope="module")
def table():
    with open(ROOT / "counts.tsv", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    by = {".".join(r[k] for k in ("Alph", "Tier", "Class", "k", "j", "i")): r for r in rows}
    return by, mlregtest_alphabets(_cases())


def test_sample_matches_published_counts(table):
    by, alph = table
    files = _cases()[::STEP]
    assert len(files) > 280
    bad = []
    for f in files:
        key = f.name[:-4]
        row = by[key]
        d = read_att(f, alph[key.split(".")[0]]).minimize()
        g = green_structure(d, minimize=False)
        live = int(d.coreachable_mask().sum())          # counts.tsv omits the dead state
        got = (live, g.monoid_size, g.n_d_classes, g.is_aperiodic)
        want = (int(row["Size"]), int(row["Monoid"]), int(row["D-Classes"]),
                row["Class"] not in ("Zp", "Reg"))
        if got != want:
            bad.append((key, got, want))
    assert not bad, bad[:5]


def test_every_class_is_sampled(table):
    classes = {f.name.split(".")[2] for f in _cases()[::STEP]}
    assert {"Zp", "Reg", "SF", "PT", "LT", "SL", "SP", "TSL"} <= classes


@pytest.mark.slow
def test_all_acceptors(table):
    by, alph = table
    bad = []
    for f in _cases():
        key = f.name[:-4]
        row = by[key]
        d = read_att(f, alph[key.split(".")[0]]).minimize()
        g = green_structure(d, minimize=False)
        if (g.monoid_size, g.n_d_classes, g.is_aperiodic) != (
                int(row["Monoid"]), int(row["D-Classes"]), row["Class"] not in ("Zp", "Reg")):
            bad.append(key)
    assert not bad, bad[:5]
