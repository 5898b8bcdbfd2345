"""Linear probes (scikit-learn and torch agree), convergence recording, MLP, metrics."""
from __future__ import annotations

import numpy as np
import pytest

from probing.errors import ProbingError
from probing.probes import (
    classification_metrics,
    fit_linear_probe,
    fit_mlp_probe,
    fit_sklearn_probe,
    fit_torch_probe,
)


def _blobs(n, K=4, F=16, seed=0, sep=1.0):
    rng = np.random.default_rng(seed)
    centers = np.random.default_rng(99).normal(size=(K, F)) * sep
    y = rng.integers(0, K, n)
    X = centers[y] + rng.normal(size=(n, F)) * 1.5
    X[:, 0] *= 100.0                       # badly scaled column: the scaler must cope
    return X.astype(np.float32), y


def test_torch_agrees_with_sklearn():
    X, y = _blobs(6000)
    Xv, yv = _blobs(2000, seed=1)
    Xt, yt = _blobs(4000, seed=2)
    ps = fit_sklearn_probe(X, y, Xv, yv, seed=0)
    pt = fit_torch_probe(X, y, Xv, yv, seed=0, dtype="float64")
    assert ps.converged and pt.converged
    acc_s = (ps.predict(Xt) == yt).mean()
    acc_t = (pt.predict(Xt) == yt).mean()
    assert 0.6 < acc_s < 0.99                 # a non-trivial problem
    assert abs(acc_s - acc_t) <= 0.002
    # the same C, and nearly the same decision values
    assert ps.C == pt.C
    assert np.corrcoef(ps.decision_function(Xt).ravel(), pt.decision_function(Xt).ravel())[0, 1] > 0.999


def test_binary_torch_matches_sklearn_form():
    X, y = _blobs(3000, K=2)
    Xv, yv = _blobs(1000, K=2, seed=1)
    ps = fit_sklearn_probe(X, y, Xv, yv)
    pt = fit_torch_probe(X, y, Xv, yv, dtype="float64")
    assert ps.coef.shape == pt.coef.shape == (1, 16)
    assert (ps.predict(Xv) == pt.predict(Xv)).mean() > 0.995


def test_convergence_warning_is_recorded_not_dropped(monkeypatch):
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    X, y = _blobs(1000, K=3)
    real_fit = LogisticRegression.fit

    def fit_and_warn(self, *a, **kw):          # lbfgs rarely fails on small sets: simulate it
        out = real_fit(self, *a, **kw)
        warnings.warn("lbfgs failed to converge (simulated)", ConvergenceWarning)
        return out

    monkeypatch.setattr(LogisticRegression, "fit", fit_and_warn)
    # pytest turns leaked warnings into errors: reaching the asserts means it was caught
    p = fit_sklearn_probe(X, y, X[:300], y[:300], Cs=(0.1, 1.0))
    assert not p.converged
    assert len(p.warnings) == 2 and all("ConvergenceWarning" in w for w in p.warnings)
    assert "C=0.1" in p.warnings[0]
    with pytest.raises(ProbingError, match="max_iter"):
        fit_sklearn_probe(X, y, X, y, max_iter=10)


def test_converged_fit_has_no_warnings():
    X, y = _blobs(1000, K=3)
    p = fit_sklearn_probe(X, y, X[:300], y[:300])
    assert p.converged and p.warnings == () and p.n_iter < 2000


def test_unconverged_torch_fit_is_flagged():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 60)).astype(np.float32)
    y = rng.integers(0, 5, 2000)
    pt = fit_torch_probe(X, y, X[:300], y[:300], Cs=(1e6,), max_iter=3, tol=1e-14, null_z=None)
    assert not pt.converged and "gradient" in pt.warnings[0]


def test_null_guard_and_constant():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 8))
    y = (rng.random(3000) < 0.7).astype(int)          # labels independent of X
    p = fit_linear_probe(X, y, X[:1000] + 1, y[:1000], seed=0)
    assert p.constant == 1 and (p.predict(X) == 1).all()
    q = fit_linear_probe(X, np.zeros(3000, dtype=int), X, y)
    assert q.backend == "constant" and (q.predict(X) == 0).all()


def test_input_errors():
    with pytest.raises(ProbingError, match="NaN"):
        fit_linear_probe(np.full((4, 2), np.nan), np.array([0, 1, 0, 1]), np.zeros((2, 2)), np.array([0, 1]))
    with pytest.raises(ProbingError, match="backend"):
        fit_linear_probe(np.zeros((4, 2)), np.array([0, 1, 0, 1]), np.zeros((2, 2)), np.array([0, 1]),
                         backend="gpu")


def test_mlp_solves_xor_where_linear_cannot():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4000, 2))
    y = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(int)
    Xv = rng.normal(size=(1000, 2))
    yv = ((Xv[:, 0] > 0) ^ (Xv[:, 1] > 0)).astype(int)
    m = fit_mlp_probe(X, y, Xv, yv, seed=0, epochs=15)
    lin = fit_linear_probe(X, y, Xv, yv, null_z=None)
    assert (m.predict(Xv) == yv).mean() > 0.95
    assert (lin.predict(Xv) == yv).mean() < 0.7
    m2 = fit_mlp_probe(X, y, Xv, yv, seed=0, epochs=15)
    assert np.array_equal(m.w1, m2.w1)              # deterministic


def test_metrics():
    m = classification_metrics(np.array([0, 0, 0, 2]), np.array([0, 0, 1, 2]), 3)
    assert m["accuracy"] == 0.75
    assert m["recall"] == [2 / 3, None, 1.0]
    assert m["balanced_accuracy"] == pytest.approx((2 / 3 + 1) / 2)
    assert m["confusion"] == [[2, 1, 0], [0, 0, 0], [0, 0, 1]]


def test_large_sets_select_C_on_a_subset_then_refit():
    X, y = _blobs(6000)
    Xv, yv = _blobs(2000, seed=1)
    full = fit_linear_probe(X, y, Xv, yv, backend="sklearn", select_rows=None)
    sub = fit_linear_probe(X, y, Xv, yv, backend="sklearn", select_rows=2000)
    assert "final" in sub.val_accuracy and sub.C in sub.val_accuracy
    assert abs(sub.val_accuracy["final"] - full.val_accuracy[full.C]) < 0.01
    # the warm start from the subset keeps the refit short
    cold = fit_sklearn_probe(X, y, Xv, yv, Cs=(sub.C,))
    assert sub.n_iter <= cold.n_iter
    t = fit_linear_probe(X, y, Xv, yv, backend="torch", select_rows=2000)
    assert t.backend == "torch" and abs((t.predict(Xv) == yv).mean() - (sub.predict(Xv) == yv).mean()) < 0.01
