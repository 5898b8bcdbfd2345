"""The paper's reported accuracies (Sarrof et al. 2024, Table in ../shared/PAPER.md §3) as data.

Numbers are the percentage of test strings fully correct under character prediction, per length
bin: bin 1 = [1, 50], bin 2 = [51, 100], bin 3 = [101, 150] (counter languages only). The
Transformer column is Bhattamishra et al. 2020's. Where the source gives only a range or
"mostly", :attr:`PaperCell.bins` is ``None`` and :attr:`PaperCell.text` keeps the wording.
Languages of the suite the table does not report (shuffle4, shuffle6, boolean5, anbncn) are
absent.

>>> PAPER_RESULTS["parity"]["mamba_3"].bins
(91.15, 16.7)
>>> paper_cell("d2", "transformer").text
'75–90 / 1.5–8.5'
>>> paper_cell("shuffle4", "mamba_1") is None
True
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PaperCell", "PAPER_RESULTS", "PAPER_COLUMNS", "paper_cell"]

#: Columns of the paper's table.
PAPER_COLUMNS = ("transformer", "mamba_1", "mamba_2", "mamba_3")


@dataclass(frozen=True)
class PaperCell:
    """One reported cell: exact per-bin percentages (or ``None``) and the printed text."""

    bins: tuple[float, ...] | None
    text: str

    def bin(self, i: int) -> float | None:
        """Percentage for bin ``i`` (1-based), or ``None`` if not reported."""
        if self.bins is None or i > len(self.bins):
            return None
        return self.bins[i - 1]


def _c(*values: float) -> PaperCell:
    return PaperCell(tuple(float(v) for v in values), " / ".join(f"{v:g}" for v in values))


def _text(text: str) -> PaperCell:
    return PaperCell(None, text)


_MAMBA_PERFECT = {"mamba_1": _c(100, 100), "mamba_2": _c(100, 100), "mamba_3": _c(100, 100)}

PAPER_RESULTS: dict[str, dict[str, PaperCell]] = {
    # star-free: the paper groups these in one row ("mostly 100/100" for the Transformer)
    **{n: {"transformer": _text("mostly 100 / 100"), **_MAMBA_PERFECT}
       for n in ("tomita1", "tomita2", "tomita7", "abcde_star", "ab_d_bc")},
    "tomita4": {"transformer": _c(100, 92.4), **_MAMBA_PERFECT},
    **{n: {"transformer": _text("75–90 / 1.5–8.5"), **_MAMBA_PERFECT} for n in ("d2", "d3", "d4")},
    "012_02": {"transformer": _c(100, 68.7), **_MAMBA_PERFECT},
    "d12": {"transformer": _c(95.18, 1.5), "mamba_1": _c(93.65, 93.35), "mamba_2": _c(99.9, 95.55),
            "mamba_3": _c(99.99, 99.85)},
    # non-star-free
    "parity": {"transformer": _c(68.7, 0), "mamba_1": _c(26.95, 0), "mamba_2": _c(80.05, 4.15),
               "mamba_3": _c(91.15, 16.7)},
    "aa_star": {"transformer": _c(100, 0), "mamba_1": _c(2.1, 0), "mamba_2": _c(2.1, 0),
                "mamba_3": _c(4.2, 0)},
    "aaaa_star": {"transformer": _c(100, 0), "mamba_1": _c(0, 0), "mamba_2": _c(0, 0),
                  "mamba_3": _c(4, 0)},
    "abab_star": {"transformer": _c(100, 2.5), "mamba_1": _c(0, 0), "mamba_2": _c(0, 0),
                  "mamba_3": _c(0, 0)},
    "tomita3": {"transformer": _c(75.4, 10.8), "mamba_1": _c(25.99, 12.49),
                "mamba_2": _c(36.88, 17.05), "mamba_3": _c(60.85, 29.37)},
    "tomita5": {"transformer": _c(29.3, 0), "mamba_1": _c(15.94, 0), "mamba_2": _c(34.5, 0),
                "mamba_3": _c(38.4, 0)},
    "tomita6": {"transformer": _c(88.8, 0), "mamba_1": _c(7.2, 0), "mamba_2": _c(37.8, 0),
                "mamba_3": _c(54.56, 0.04)},
    # counter languages: bin 3 = [101, 150]
    "dyck1": {"transformer": _c(100, 100, 100), "mamba_1": _c(100, 62.6, 13.91),
              "mamba_2": _c(100, 49.1, 9.5), "mamba_3": _c(100, 53.95, 10)},
    "shuffle2": {"transformer": _c(100, 100, 93), "mamba_1": _c(100, 49.5, 2.3),
                 "mamba_2": _c(100, 61.5, 8.2), "mamba_3": _c(100, 65.5, 9.7)},
    "boolean3": {"transformer": _c(100, 100, 99.8), "mamba_1": _c(99.75, 65.7, 7.05),
                 "mamba_2": _c(99.95, 47.25, 2.3), "mamba_3": _c(100, 73.45, 8.6)},
    "anbn": {"transformer": _c(100, 100, 100), "mamba_1": _c(100, 4.1, 0),
             "mamba_2": _c(100, 9.4, 0), "mamba_3": _c(100, 21.3, 0)},
    "anbncndn": {"transformer": _c(100, 100, 99.4), "mamba_1": _c(100, 4.76, 0),
                 "mamba_2": _c(100, 0, 0), "mamba_3": _c(100, 0, 0)},
}


def paper_cell(language: str, column: str) -> PaperCell | None:
    """The reported cell for ``language`` and ``column`` (see :data:`PAPER_COLUMNS`), or ``None``."""
    return PAPER_RESULTS.get(language, {}).get(column)
