"""The common result of every construction: a hand-set :class:`~ssm.layers.diagonal.DiagonalSSM`.

A :class:`Construction` bundles the model with what is needed to use and check it: the alphabet
(token ``i`` is ``alphabet[i]``; no padding id, no BOS), the per-position reference labels of the
language (computed directly from the language's definition, independently of the model) and a
seeded generator of test strings. :meth:`Construction.check` compares the two at any length.

Where the language is registered in :mod:`automata.languages` with the same alphabet, the check
uses that automaton's labels (:func:`automata.labels.prefix_labels`, converted to the
construction's output by ``from_labels``) and also reports whether the definition-based
reference agrees with them; for regular registered languages (other than flip-flop, sampled as
FFL(p)) the test strings are exact uniform samples of members (:func:`automata.sampling.sample_members`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
import torch

from ssm.layers.diagonal import DiagonalSSM

from .errors import ConstructionError

__all__ = ["Construction", "CheckResult", "encode_words", "gate_list", "registry_language",
           "registry_member_sampler"]


def registry_language(name: str, alphabet: Sequence[str]):
    """The registered :class:`automata.languages` language ``name`` if it exists with exactly
    this alphabet, else ``None``."""
    try:
        from automata.languages import get_language
        lang = get_language(name)
    except (ImportError, ValueError, KeyError):
        return None
    return lang if tuple(lang.alphabet) == tuple(alphabet) else None


def registry_member_sampler(lang) -> Callable:
    """Exact uniform sampling of members (``automata.sampling.sample_members``)."""
    from automata.sampling import sample_members

    def sample(length: int, n: int, seed: int) -> list:
        return list(sample_members(lang, length, n, seed))
    return sample


def encode_words(words: Sequence, alphabet: Sequence[str]) -> list[np.ndarray]:
    """Token ids (``alphabet.index``) of every word; a ``str`` word is split into characters."""
    index = {s: i for i, s in enumerate(alphabet)}
    out = []
    for w in words:
        syms = list(w)
        try:
            out.append(np.fromiter((index[s] for s in syms), dtype=np.int64, count=len(syms)))
        except KeyError as e:
            raise ConstructionError(f"symbol {e.args[0]!r} is not in the alphabet {list(alphabet)}") \
                from None
    return out


def gate_list(values) -> list:
    """Distinct gate values, sorted, complex ones only where the imaginary part is non-zero."""
    out = set()
    for v in values:
        z = complex(v)
        z = complex(round(z.real, 12) + 0.0, round(z.imag, 12) + 0.0)
        out.add(z.real if z.imag == 0 else z)
    return sorted(out, key=lambda z: (complex(z).real, complex(z).imag))


def _json_gate(g):
    return g if isinstance(g, float) else {"re": g.real, "im": g.imag}


@dataclass(frozen=True)
class CheckResult:
    """Outcome of :meth:`Construction.check`: ``accuracy`` is the fraction of strings whose every
    position is right (the paper's metric); ``position_accuracy`` the fraction of positions."""

    language: str
    check_length: int
    strings: int
    accuracy: float
    position_accuracy: float
    first_error: dict | None
    dtype: str
    oracle: str = "definition"
    definition_agrees: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Construction:
    """A hand-built model of one theorem.

    Attributes
    ----------
    name : str
        Construction name in the registry (``flip_flop``, ``parity``, ...).
    language : str
        The language served (e.g. ``"mod3"``, ``"dyck_8_10"``, ``"ltl: a S b"``).
    alphabet : tuple of str
    layers : int
        Number of SSM layers.
    width : int
        Total state width (sum over layers).
    layer_widths : tuple of int
    gates : tuple
        The distinct gate values used (floats, or complex numbers).
    model : DiagonalSSM
        ``model(tokens (B, T)) -> outputs (B, T, ...)``.
    output : str
        What the per-position output means.
    theorem : str
        The result the construction realizes, with its source.
    reference : callable ``word -> np.ndarray``
        The language's per-position labels, from its definition (the oracle).
    sampler : callable ``(length, n, seed) -> list of words``
        Test strings of an exact length.
    info : dict
        Construction-specific figures (e.g. the width bound), JSON-serializable.
    """

    name: str
    language: str
    alphabet: tuple
    layers: int
    width: int
    layer_widths: tuple
    gates: tuple
    model: DiagonalSSM = field(repr=False, compare=False)
    output: str
    theorem: str
    reference: Callable = field(repr=False, compare=False)
    sampler: Callable = field(repr=False, compare=False)
    info: dict = field(default_factory=dict, compare=False)
    registry: str | None = None
    from_labels: Callable | None = field(default=None, repr=False, compare=False)

    @property
    def dtype(self) -> torch.dtype:
        return self.model.layers[0].dtype if len(self.model.layers) else torch.float32

    def encode(self, words: Sequence) -> list[np.ndarray]:
        return encode_words(words, self.alphabet)

    @torch.no_grad()
    def predict(self, words: Sequence, batch_size: int | None = None) -> list[np.ndarray]:
        """Per-position outputs of the model for every word (equal lengths are batched; by
        default at most ``2^19`` positions per batch).

        Returns a list, one array per word, of shape ``(len(word), ...)``.
        """
        encoded = self.encode(words)
        out: list[np.ndarray | None] = [None] * len(encoded)
        by_len: dict[int, list[int]] = {}
        for i, e in enumerate(encoded):
            by_len.setdefault(len(e), []).append(i)
        for length, idx in by_len.items():
            if length == 0:
                for i in idx:
                    out[i] = np.zeros((0,), dtype=np.int64)
                continue
            bs = batch_size or max(1, min(256, (1 << 19) // length))
            for s in range(0, len(idx), bs):
                chunk = idx[s:s + bs]
                tokens = torch.from_numpy(np.stack([encoded[i] for i in chunk]))
                y = self.model(tokens).cpu().numpy()
                for j, i in enumerate(chunk):
                    out[i] = y[j]
        return out  # type: ignore[return-value]

    def automaton_labels(self, word) -> np.ndarray:
        """Labels of ``word`` from the registered automaton, in this construction's output format."""
        from automata.labels import prefix_labels
        lang = registry_language(self.registry, self.alphabet) if self.registry else None
        if lang is None or self.from_labels is None:
            raise ConstructionError(f"{self.language!r} has no registered automaton to check against")
        return np.asarray(self.from_labels(prefix_labels(lang, word), list(word)))

    def check(self, length: int, n: int, seed: int = 0, words: Sequence | None = None,
              oracle: str = "auto") -> CheckResult:
        """Compare :meth:`predict` with the labels on ``n`` sampled strings of ``length``.

        ``oracle``: ``"automaton"`` (the registered automaton's labels), ``"definition"`` (the
        construction's own reference) or ``"auto"`` (the automaton when registered).
        """
        if oracle not in ("auto", "automaton", "definition"):
            raise ConstructionError(f"oracle must be 'auto', 'automaton' or 'definition', got {oracle!r}")
        use_automaton = oracle == "automaton" or (
            oracle == "auto" and self.registry is not None and self.from_labels is not None
            and registry_language(self.registry, self.alphabet) is not None)
        if words is None:
            if length < 1 or n < 1:
                raise ConstructionError(f"need length >= 1 and n >= 1, got length={length}, n={n}")
            words = self.sampler(length, n, seed)
        preds = self.predict(words)
        full = 0
        pos_ok = 0
        pos_all = 0
        first = None
        agrees = True if use_automaton else None
        for i, (w, p) in enumerate(zip(words, preds)):
            ref = np.asarray(self.reference(w))
            if use_automaton:
                auto = self.automaton_labels(w)
                agrees = agrees and auto.shape == ref.shape and bool((auto == ref).all())
                ref = auto
            p = np.asarray(p)
            if p.shape != ref.shape:
                raise ConstructionError(f"prediction shape {p.shape} != reference shape {ref.shape}")
            ok = (p == ref).reshape(len(ref), -1).all(axis=1)
            pos_ok += int(ok.sum())
            pos_all += len(ok)
            if ok.all():
                full += 1
            elif first is None:
                t = int(np.argmin(ok))
                first = {"string": i, "position": t, "predicted": p[t].tolist(),
                         "expected": ref[t].tolist()}
        return CheckResult(language=self.language, check_length=length, strings=len(words),
                           accuracy=full / max(1, len(words)),
                           position_accuracy=pos_ok / max(1, pos_all), first_error=first,
                           dtype=str(self.dtype).replace("torch.", ""),
                           oracle=f"automata.labels:{self.registry}" if use_automaton else "definition",
                           definition_agrees=agrees)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "language": self.language, "alphabet": list(self.alphabet),
                "layers": self.layers, "width": self.width, "layer_widths": list(self.layer_widths),
                "gates": [_json_gate(g) for g in self.gates], "output": self.output,
                "theorem": self.theorem, "dtype": str(self.dtype).replace("torch.", ""),
                "registry": self.registry, "info": dict(self.info)}
