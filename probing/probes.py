"""Probes: scaled multinomial logistic regression (scikit-learn or torch) and a small MLP.

The protocol (docs/probing.md, item 7): ``StandardScaler`` + multinomial
``LogisticRegression`` (lbfgs, ``max_iter >= 1000``), the inverse regularization ``C`` chosen on
a string-disjoint validation split from a small grid, convergence checked and recorded (a
``ConvergenceWarning`` is caught and stored in :attr:`LinearProbe.warnings`, never dropped).
``multi_class`` and ``penalty`` are not passed (deprecated in scikit-learn 1.5 / 1.8; the
default is the multinomial L2 objective).

For large sets a torch probe minimizes the same objective,
``C * sum_i CE(W z_i + b, y_i) + 0.5 * ||W||^2`` (intercept unpenalized), with full-batch
L-BFGS; both return a :class:`LinearProbe` whose prediction is plain numpy.

>>> rng = np.random.default_rng(0)
>>> X = rng.normal(size=(400, 3)); y = (X[:, 0] > 0).astype(int)
>>> p = fit_linear_probe(X[:300], y[:300], X[300:], y[300:], seed=0)
>>> bool((p.predict(X[300:]) == y[300:]).mean() > 0.9), p.converged
(True, True)
"""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from .errors import ProbingError

__all__ = [
    "LinearProbe",
    "MLPProbe",
    "DEFAULT_CS",
    "fit_linear_probe",
    "fit_sklearn_probe",
    "fit_torch_probe",
    "fit_mlp_probe",
    "classification_metrics",
]

DEFAULT_CS: tuple[float, ...] = (0.01, 0.1, 1.0, 10.0)
TORCH_ABOVE = 100_000
SELECT_ROWS = 50_000


def _check_xy(X: np.ndarray, y: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
        raise ProbingError(f"{what}: need X (N, F) and y (N,), got {X.shape} and {y.shape}")
    if len(y) == 0:
        raise ProbingError(f"{what}: no positions")
    if not np.isfinite(X).all():
        raise ProbingError(f"{what}: features contain NaN or infinity")
    return X, y.astype(np.int64)


@dataclass(frozen=True)
class LinearProbe:
    """A fitted linear probe in standardized coordinates.

    Attributes
    ----------
    classes : ndarray of int64, shape (K,)
        Label ids seen in training (prediction returns one of these).
    coef : ndarray of float64, shape (K, F) (``(1, F)`` for two classes, scikit-learn style)
    intercept : ndarray, shape (K,) or (1,)
    mean, scale : ndarray, shape (F,)
        The scaler: ``z = (x - mean) / scale``.
    C : float
        The chosen inverse regularization.
    val_accuracy : dict float -> float
        Validation accuracy of every ``C`` tried.
    converged : bool
    warnings : tuple of str
        Convergence (and other) warnings raised while fitting, recorded.
    backend : str
        ``"sklearn"``, ``"torch"`` or ``"constant"`` (a single training class).
    """

    classes: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    C: float
    val_accuracy: dict[float, float]
    converged: bool
    warnings: tuple[str, ...]
    backend: str
    n_iter: int = 0
    fit_seconds: float = 0.0
    constant: int | None = None

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """Scores, shape (N, K) (or (N,) for two classes)."""
        z = (np.asarray(X, dtype=np.float64) - self.mean) / self.scale
        s = z @ self.coef.T + self.intercept
        return s[:, 0] if self.coef.shape[0] == 1 else s

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Label ids, shape (N,)."""
        if self.constant is not None:
            return np.full(len(X), self.constant, dtype=np.int64)
        s = self.decision_function(X)
        idx = (s > 0).astype(np.int64) if s.ndim == 1 else np.argmax(s, axis=1)
        return self.classes[idx]

    def raw_directions(self) -> np.ndarray:
        """Weight rows in the original feature coordinates, ``coef / scale``, shape (K, F)."""
        return self.coef / self.scale

    def to_dict(self) -> dict[str, Any]:
        return {"backend": self.backend, "C": self.C, "constant": self.constant,
                "converged": self.converged, "warnings": list(self.warnings), "n_iter": self.n_iter,
                "val_accuracy": {str(k): v for k, v in self.val_accuracy.items()},
                "classes": self.classes.tolist()}

    def arrays(self) -> dict[str, np.ndarray]:
        """Weights for ``np.savez``."""
        return {"classes": self.classes, "coef": self.coef, "intercept": self.intercept,
                "mean": self.mean, "scale": self.scale}


_CONTROLLER: list = []


def _blas_controller():
    """A cached ``threadpoolctl.ThreadpoolController`` (building one scans the loaded libraries)."""
    if not _CONTROLLER:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0]


def _scaler(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = X.mean(axis=0, dtype=np.float64)
    std = X.std(axis=0, dtype=np.float64)
    scale = np.where(std > 1e-12 * np.maximum(1.0, np.abs(mean)), std, 1.0)
    return mean, scale


def _constant(y: np.ndarray, F: int, mean: np.ndarray, scale: np.ndarray, t0: float) -> LinearProbe:
    cls = np.unique(y)
    return LinearProbe(cls, np.zeros((1, F)), np.zeros(1), mean, scale, float("nan"), {}, True,
                       ("a single class in training: constant prediction",), "constant", 0,
                       time.perf_counter() - t0, int(cls[0]))


def _init_in(init: "LinearProbe | None", mean: np.ndarray, scale: np.ndarray,
             classes: np.ndarray):
    """``init``'s weights re-expressed for the scaler ``(mean, scale)``, or None if unusable."""
    if init is None or init.constant is not None or not np.array_equal(init.classes, classes):
        return None
    w = init.coef * (scale / init.scale)
    b = init.intercept + init.coef @ ((mean - init.mean) / init.scale)
    return w.copy(), b.copy()


def _null_guard(best: "LinearProbe", scores: dict, y_train, y_val, null_z: float | None):
    """The majority class instead of ``best`` unless ``best`` beats it on validation by more
    than ``null_z`` binomial standard errors (``None`` disables the guard)."""
    if null_z is None:
        return None
    maj = int(np.argmax(np.bincount(y_train)))
    p0 = float((y_val == maj).mean())
    se = np.sqrt(max(p0 * (1 - p0), 1e-12) / len(y_val))
    return None if scores[best.C] - p0 > null_z * se else maj


def _acc(probe: LinearProbe, X: np.ndarray, y: np.ndarray) -> float:
    return float((probe.predict(X) == y).mean())


def _selected(best: LinearProbe, scores: dict, warnings: Sequence[str], t0: float,
              y_train, y_val, null_z: float | None) -> LinearProbe:
    """The probe at the validation-best C, with every C's score, the warnings and the fit time."""
    return LinearProbe(best.classes, best.coef, best.intercept, best.mean, best.scale, best.C,
                       scores, best.converged, tuple(warnings), best.backend, best.n_iter,
                       time.perf_counter() - t0,
                       _null_guard(best, scores, y_train, y_val, null_z))


def fit_sklearn_probe(X_train, y_train, X_val, y_val, Cs: Sequence[float] = DEFAULT_CS,
                      seed: int = 0, max_iter: int = 2000, tol: float = 1e-4,
                      null_z: float | None = 2.0, blas_threads: int = 1,
                      init: "LinearProbe | None" = None) -> LinearProbe:
    """StandardScaler + multinomial LogisticRegression (lbfgs), ``C`` chosen on validation.

    The grid is walked from strong to weak regularization with warm starts; the probe with the
    best validation accuracy (ties: the smallest ``C``) is returned. Convergence warnings are
    recorded in ``warnings`` and make ``converged`` false.

    Parameters
    ----------
    X_train : ndarray, shape (N, F)
    y_train : ndarray of int, shape (N,)
    X_val, y_val : validation positions from strings disjoint from the training strings
    Cs : grid of inverse regularization strengths
    seed : ``random_state`` passed to scikit-learn
    null_z : float or None
        Null-model guard: unless the best probe beats the training-majority class on
        validation by more than ``null_z`` binomial standard errors, the returned probe
        predicts that class (``constant``); a probe that cannot beat the majority on held-out
        strings is not trusted to say anything, and shuffled labels then score exactly the
        majority rate. ``None`` disables it.
    blas_threads : int
        BLAS threads during the fit (threadpoolctl). L-BFGS-B makes many tiny BLAS calls;
        with a multi-threaded OpenBLAS on a busy machine each costs milliseconds of thread
        synchronization (measured: 3.5 ms vs 0.05 ms per iteration), so 1 is the default.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    t0 = time.perf_counter()
    X_train, y_train = _check_xy(X_train, y_train, "training set")
    X_val, y_val = _check_xy(X_val, y_val, "validation set")
    if max_iter < 1000:
        raise ProbingError(f"max_iter must be at least 1000 (protocol), got {max_iter}")
    mean, scale = _scaler(X_train)
    if len(np.unique(y_train)) < 2:
        return _constant(y_train, X_train.shape[1], mean, scale, t0)
    Z = ((X_train - mean) / scale).astype(np.float32)     # float32 halves lbfgs' matmuls
    clf = LogisticRegression(C=float(Cs[0]), solver="lbfgs", max_iter=max_iter, tol=tol,
                             random_state=seed, warm_start=True)
    start = _init_in(init, mean, scale, np.unique(y_train))
    if start is not None:
        clf.coef_, clf.intercept_ = start
    best, scores, all_warn = None, {}, []
    for C in sorted(float(c) for c in Cs):
        clf.set_params(C=C)
        with warnings.catch_warnings(record=True) as caught, \
                _blas_controller().limit(limits=blas_threads, user_api="blas"):
            warnings.simplefilter("always", ConvergenceWarning)
            clf.fit(Z, y_train)
        msgs = tuple(f"C={C}: {w.category.__name__}: {str(w.message).splitlines()[0]}"
                     for w in caught)
        n_iter = int(np.max(clf.n_iter_))
        converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught) \
            and n_iter < max_iter
        all_warn.extend(msgs)
        probe = LinearProbe(clf.classes_.astype(np.int64), clf.coef_.astype(np.float64).copy(),
                            clf.intercept_.astype(np.float64).copy(), mean, scale, C, {},
                            converged, msgs, "sklearn", n_iter)
        scores[C] = _acc(probe, X_val, y_val)
        if best is None or scores[C] > scores[best.C] + 1e-12:
            best = probe
    return _selected(best, scores, all_warn, t0, y_train, y_val, null_z)


def fit_torch_probe(X_train, y_train, X_val, y_val, Cs: Sequence[float] = DEFAULT_CS,
                    seed: int = 0, max_iter: int = 1000, tol: float = 1e-4,
                    dtype: str = "float32", null_z: float | None = 2.0,
                    init: "LinearProbe | None" = None) -> LinearProbe:
    """The same objective as :func:`fit_sklearn_probe`, minimized by full-batch torch L-BFGS.

    Minimizes ``mean_i CE_i + ||W||^2 / (2 C N)`` (= the scikit-learn objective divided by
    ``C N``) over ``W (K, F)`` and ``b (K,)`` on standardized features, warm-started along the
    ``C`` grid. ``converged`` is false when the gradient's max-norm stays above ``tol``.
    """
    import torch

    t0 = time.perf_counter()
    X_train, y_train = _check_xy(X_train, y_train, "training set")
    X_val, y_val = _check_xy(X_val, y_val, "validation set")
    mean, scale = _scaler(X_train)
    classes = np.unique(y_train)
    if len(classes) < 2:
        return _constant(y_train, X_train.shape[1], mean, scale, t0)
    tdt = {"float32": torch.float32, "float64": torch.float64}[dtype]
    Z = torch.as_tensor((X_train - mean) / scale, dtype=tdt)
    yy = torch.as_tensor(np.searchsorted(classes, y_train))
    N, F = Z.shape
    K = len(classes)
    W = torch.zeros(K, F, dtype=tdt)
    b = torch.zeros(K, dtype=tdt)
    start = _init_in(init, mean, scale, classes)
    if start is not None:
        w0, b0 = start
        if K == 2:                      # scikit-learn binary form -> two symmetric rows
            w0, b0 = np.vstack([-w0[0] / 2, w0[0] / 2]), np.array([-b0[0] / 2, b0[0] / 2])
        W, b = torch.as_tensor(w0, dtype=tdt), torch.as_tensor(b0, dtype=tdt)
    W.requires_grad_(True)
    b.requires_grad_(True)
    best, scores, msgs = None, {}, []
    for C in sorted(float(c) for c in Cs):
        lam = 1.0 / (2.0 * C * N)
        opt = torch.optim.LBFGS([W, b], lr=1.0, max_iter=max_iter, tolerance_grad=tol,
                                tolerance_change=1e-12, history_size=20,
                                line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(Z @ W.T + b, yy) + lam * (W * W).sum()
            loss.backward()
            return loss

        opt.step(closure)
        closure()
        gmax = max(float(W.grad.abs().max()), float(b.grad.abs().max()))
        n_iter = int(opt.state[opt._params[0]].get("n_iter", 0))
        converged = gmax <= 10 * tol
        if not converged:
            msgs.append(f"C={C}: torch L-BFGS stopped with gradient max-norm {gmax:.2e}")
        w = W.detach().double().numpy().copy()
        c = b.detach().double().numpy().copy()
        if K == 2:                       # the scikit-learn binary form
            w, c = (w[1] - w[0])[None, :], np.array([c[1] - c[0]])
        probe = LinearProbe(classes.astype(np.int64), w, c, mean, scale, C, {}, converged,
                            (), "torch", n_iter)
        scores[C] = _acc(probe, X_val, y_val)
        if best is None or scores[C] > scores[best.C] + 1e-12:
            best = probe
    return _selected(best, scores, msgs, t0, y_train, y_val, null_z)


def fit_linear_probe(X_train, y_train, X_val, y_val, Cs: Sequence[float] = DEFAULT_CS,
                     seed: int = 0, backend: str = "auto", select_rows: int | None = SELECT_ROWS,
                     **kw) -> LinearProbe:
    """The protocol's linear probe, for any size.

    ``backend="auto"``: scikit-learn up to ``TORCH_ABOVE`` training rows, torch above. With
    more than ``select_rows`` training rows, ``C`` is chosen (on the full validation set) by
    probes fitted on a seeded random subset of ``select_rows`` training rows, and the returned
    probe is then fitted on all rows at that ``C`` alone, warm-started from the subset's
    solution (re-expressed for the full scaler); ``val_accuracy`` holds the selection scores
    plus the final probe's (under key ``"final"``).
    """
    if backend not in ("auto", "sklearn", "torch"):
        raise ProbingError(f"unknown probe backend {backend!r}; choose auto, sklearn or torch")
    if backend == "auto":
        backend = "torch" if len(y_train) > TORCH_ABOVE else "sklearn"
    fit = fit_sklearn_probe if backend == "sklearn" else fit_torch_probe
    n = len(y_train)
    if select_rows is None or n <= select_rows or len(Cs) == 1:
        return fit(X_train, y_train, X_val, y_val, Cs=Cs, seed=seed, **kw)
    t0 = time.perf_counter()
    idx = np.sort(np.random.default_rng([seed, 31337]).choice(n, size=select_rows, replace=False))
    y_train = np.asarray(y_train)
    sel = fit(np.asarray(X_train)[idx], y_train[idx], X_val, y_val, Cs=Cs, seed=seed, **kw)
    if sel.backend == "constant":
        return fit(X_train, y_train, X_val, y_val, Cs=Cs[:1], seed=seed, **kw)
    C = sel.C
    final = fit(X_train, y_train, X_val, y_val, Cs=(C,), seed=seed, init=sel, **kw)
    scores = {**sel.val_accuracy, "final": final.val_accuracy.get(C)}
    return LinearProbe(final.classes, final.coef, final.intercept, final.mean, final.scale, C,
                       scores, final.converged, sel.warnings + final.warnings, final.backend,
                       final.n_iter, time.perf_counter() - t0, final.constant)


@dataclass(frozen=True)
class MLPProbe:
    """A one-hidden-layer ReLU MLP probe (secondary check), weights as numpy arrays."""

    classes: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    epochs: int
    val_accuracy: float
    history: tuple[float, ...] = field(default=())

    def predict(self, X: np.ndarray) -> np.ndarray:
        z = (np.asarray(X, dtype=np.float64) - self.mean) / self.scale
        h = np.maximum(z @ self.w1.T + self.b1, 0.0)
        return self.classes[np.argmax(h @ self.w2.T + self.b2, axis=1)]

    def to_dict(self) -> dict[str, Any]:
        return {"hidden": int(self.w1.shape[0]), "epochs": self.epochs,
                "val_accuracy": self.val_accuracy, "classes": self.classes.tolist()}


def fit_mlp_probe(X_train, y_train, X_val, y_val, seed: int = 0, hidden: int = 64,
                  epochs: int = 20, batch_size: int = 512, lr: float = 3e-3,
                  weight_decay: float = 1e-4) -> MLPProbe:
    """Train a small MLP with Adam; keep the epoch with the best validation accuracy.

    Deterministic on CPU given ``seed`` (a private ``torch.Generator``; global RNG untouched).
    """
    import torch

    X_train, y_train = _check_xy(X_train, y_train, "training set")
    X_val, y_val = _check_xy(X_val, y_val, "validation set")
    mean, scale = _scaler(X_train)
    classes = np.unique(y_train)
    gen = torch.Generator().manual_seed(int(seed))
    Z = torch.as_tensor((X_train - mean) / scale, dtype=torch.float32)
    Zv = torch.as_tensor((X_val - mean) / scale, dtype=torch.float32)
    yy = torch.as_tensor(np.searchsorted(classes, y_train))
    yv = np.asarray(y_val)
    F, K = Z.shape[1], len(classes)

    def init(fan_in, shape):
        bound = 1.0 / np.sqrt(fan_in)
        return (torch.rand(shape, generator=gen) * 2 - 1) * bound

    params = [init(F, (hidden, F)), init(F, (hidden,)), init(hidden, (K, hidden)), init(hidden, (K,))]
    for p in params:
        p.requires_grad_(True)
    opt = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)

    def forward(z):
        return torch.relu(z @ params[0].T + params[1]) @ params[2].T + params[3]

    best_acc, best, hist = -1.0, None, []
    for ep in range(epochs):
        perm = torch.randperm(len(Z), generator=gen)
        for i in range(0, len(Z), batch_size):
            idx = perm[i:i + batch_size]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(forward(Z[idx]), yy[idx]).backward()
            opt.step()
        with torch.no_grad():
            pred = classes[forward(Zv).argmax(1).numpy()]
        acc = float((pred == yv).mean())
        hist.append(acc)
        if acc > best_acc:
            best_acc, best = acc, [p.detach().double().numpy().copy() for p in params]
    return MLPProbe(classes.astype(np.int64), mean, scale, *best, epochs=epochs,
                    val_accuracy=best_acc, history=tuple(hist))


def classification_metrics(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> dict[str, Any]:
    """Accuracy, balanced accuracy, macro-F1, per-class recall and the confusion matrix.

    Balanced accuracy averages recall over classes present in ``y_true``; macro-F1 averages F1
    over classes present in ``y_true`` or ``y_pred``. Empty input gives ``nan`` scores.

    >>> m = classification_metrics(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), 2)
    >>> m["accuracy"], m["balanced_accuracy"], m["confusion"]
    (0.75, 0.75, [[1, 1], [0, 2]])
    """
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    n = len(y_true)
    K = int(max(n_classes, y_true.max(initial=-1) + 1, y_pred.max(initial=-1) + 1))
    conf = np.bincount(y_true * K + y_pred, minlength=K * K).reshape(K, K)
    support = conf.sum(1)
    predicted = conf.sum(0)
    tp = np.diag(conf)
    with np.errstate(invalid="ignore", divide="ignore"):
        recall = np.where(support > 0, tp / np.maximum(support, 1), np.nan)
        prec = np.where(predicted > 0, tp / np.maximum(predicted, 1), 0.0)
        f1 = np.where(prec + np.nan_to_num(recall) > 0,
                      2 * prec * np.nan_to_num(recall) / np.maximum(prec + np.nan_to_num(recall), 1e-300),
                      0.0)
    present = (support > 0) | (predicted > 0)
    return {
        "n": int(n),
        "accuracy": float(tp.sum() / n) if n else float("nan"),
        "balanced_accuracy": float(np.nanmean(recall[support > 0])) if n else float("nan"),
        "macro_f1": float(f1[present].mean()) if n else float("nan"),
        "recall": [None if np.isnan(r) else float(r) for r in recall],
        "confusion": conf.tolist(),
    }
