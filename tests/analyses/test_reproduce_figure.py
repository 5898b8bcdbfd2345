"""The reproduce figure marks each cell's verdict and tells a measured 0 % from a missing value."""
from __future__ import annotations

from types import SimpleNamespace

from analyses.reproduce_report import write_figure


def _row(group, accs):
    return {"group": group, "bins": [{"string_accuracy": a, "min_length": 1 + 50 * i,
                                      "max_length": 50 * (i + 1)} for i, a in enumerate(accs)]}


CELLS = {"mamba": SimpleNamespace(family="ssm_nonnegative"), "lstm": SimpleNamespace(family="lstm")}


def _draw(tmp_path, name, acc, verdict):
    best = {("parity", "mamba"): _row("non-star-free", [1.0, acc]),
            ("parity", "lstm"): _row("non-star-free", [1.0, 0.9])}
    vm = {"parity": {"ssm_nonnegative": {"label": verdict}, "lstm": {"label": "yes"}}}
    p = tmp_path / f"{name}.png"
    write_figure(best, p, vm, CELLS)
    return p.read_bytes()


def test_zero_missing_and_verdicts_differ(tmp_path):
    zero = _draw(tmp_path, "zero", 0.0, "no")
    missing = _draw(tmp_path, "missing", None, "no")
    assert zero.startswith(b"\x89PNG") and missing.startswith(b"\x89PNG")
    assert zero != missing                                   # 0 % is not drawn as "no data"
    assert _draw(tmp_path, "yes", 0.0, "yes") != zero         # the verdict is on the figure
    assert _draw(tmp_path, "zero2", 0.0, "no") == zero        # and the drawing is deterministic
