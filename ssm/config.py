"""The frozen model configuration shared by model building, training and checkpoints.

>>> cfg = ModelConfig(arch="mamba", gate="signed", layers=2, width=32, vocab_size=3, n_outputs=3)
>>> ModelConfig.from_dict(cfg.to_dict()) == cfg
True
>>> ModelConfig(arch="mamba", gate="negative", vocab_size=3, n_outputs=3)
Traceback (most recent call last):
...
ssm.errors.ConfigError: unknown gate 'negative' for arch 'mamba'; choose one of: nonnegative, signed, complex, time_invariant, signed_exp, complex_coupled, signed_modstep, complex_modstep, signed_lru, complex_lru

The architecture (``arch``) is looked up in :mod:`ssm.architectures`, which also says which
gates it takes and which extra ``options`` it has:

>>> ModelConfig(arch="lstm", options={"hidden": 3})
Traceback (most recent call last):
...
ssm.errors.ConfigError: arch 'lstm' has no option 'hidden' (it has none)
"""
from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from ssm.architectures import get_architecture
from ssm.errors import ConfigError

__all__ = ["ModelConfig", "GATES", "EARLIER_GATES", "STEP_GATES", "MAMBA_GATES", "GATE_FORMULA",
           "COMPLEX_GATES", "PHASE_GATES", "GATE_FAMILIES", "POSITIONALS",
           "SCANS", "NORMS"]

#: The gates of the diagonal recurrences (Mamba, diagonal); other architectures declare theirs
#: in :mod:`ssm.architectures`. ``signed_exp`` and ``complex_coupled`` are the earlier
#: parameterizations of ``signed`` and ``complex``, kept so old comparisons stay reproducible.
GATES = ("nonnegative", "signed", "complex", "time_invariant", "signed_exp", "complex_coupled")
#: The earlier parameterizations: selectable by name, left out of default grids.
EARLIER_GATES = ("signed_exp", "complex_coupled")
#: Mamba-only gates with their own modulus step ``σ_t = softplus(mod_proj(x_t))`` in place of Δ
#: (Δ then only scales the input): ``*_modstep`` keeps Mamba's A and Δ initialization,
#: ``*_lru`` starts every modulus on the ring [0.9, 0.999] (Orvieto et al. 2023); see
#: docs/training.md, "Gates". Measured candidates (docs/results_quick.md), left out of default
#: grids like the earlier gates.
STEP_GATES = ("signed_modstep", "complex_modstep", "signed_lru", "complex_lru")
#: Every gate of the Mamba block.
MAMBA_GATES = GATES + STEP_GATES
#: Gates whose state is complex.
COMPLEX_GATES = ("complex", "complex_coupled", "complex_modstep", "complex_lru")
#: Gates with a learned phase ``φ_t = θ + π·tanh(ψ(x_t))`` (their own input-dependent projection).
PHASE_GATES = ("signed", "complex", *STEP_GATES)
#: The formula each gate's value follows (the step-gates take their modulus step for Δ).
GATE_FORMULA = {**{g: g for g in GATES}, "signed_modstep": "signed", "signed_lru": "signed",
                "complex_modstep": "complex", "complex_lru": "complex"}
#: The verdict family (:mod:`automata.verdicts`) of every diagonal gate: a family is a claim about
#: the gate's *range*, so both parameterizations of one range share it.
GATE_FAMILIES = {"nonnegative": "ssm_nonnegative", "time_invariant": "ssm_time_invariant",
                 "signed": "ssm_signed", "signed_exp": "ssm_signed",
                 "complex": "ssm_complex", "complex_coupled": "ssm_complex",
                 "signed_modstep": "ssm_signed", "signed_lru": "ssm_signed",
                 "complex_modstep": "ssm_complex", "complex_lru": "ssm_complex"}
POSITIONALS = ("none", "learned", "sinusoidal")
SCANS = ("auto", "reference", "chunked", "triton", "mamba_ssm")
NORMS = ("rmsnorm", "layernorm")


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(f"unknown {name} {value!r}; choose one of: {', '.join(choices)}")


def _positive_int(name: str, value: Any, minimum: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{name} must be an integer >= {minimum}, got {value!r}")


@dataclass(frozen=True)
class ModelConfig:
    """Everything needed to build a :class:`ssm.model.LanguageModel` (validated on construction).

    Parameters
    ----------
    arch : str
        A registered architecture (:func:`ssm.architectures.list_architectures`; built in:
        ``"mamba"``, ``"diagonal"``, ``"lstm"``, ``"transformer"``). ``"diagonal"`` is the paper's formal class, trainable
        (:class:`ssm.layers.selective.SelectiveDiagonalLayer`, ``expand * width`` channels).
    gate : {"nonnegative", "signed", "complex", "time_invariant", "signed_exp", "complex_coupled"}
        Gate of the diagonal recurrence (ignored by gate-less architectures such as ``lstm`` and
        ``transformer``; others declare their own gates):
        ``exp(Δ·A)`` in (0, 1); ``exp(Δ·A)·cos φ_t`` in (−1, 1); ``exp(Δ·A + iφ_t)`` with the
        phase ``φ_t = θ + π·tanh(ψ(x_t))`` from its own projection; ``exp(Δ·A)`` with an
        input-independent, learned per-channel Δ; the earlier ``2·exp(Δ·A) − 1`` and
        ``exp(Δ·(A + iθ))`` (see :mod:`ssm.layers.mamba`).
    layers : int
        Number of blocks.
    width : int
        Model width ``d_model`` (also the LSTM hidden size).
    d_state, d_conv, expand : int
        Mamba's state size per channel, causal-convolution width and inner expansion.
    vocab_size : int
        Number of token ids **including the padding id 0** (so ``len(alphabet) + 1``).
    n_outputs : int
        Width of the per-position head (e.g. ``len(alphabet) + 1`` for next-symbol sets).
    positional : {"none", "learned", "sinusoidal"}
        Positional encoding added to the embedding (architectures declaring ``positional``, i.e.
        the transformer; others must use "none").
    scan : {"auto", "reference", "chunked", "triton", "mamba_ssm"}
        Scan backend of the Mamba/diagonal layers; ``"auto"`` picks the fastest available.
    max_len : int
        Longest sequence for learned positions (and the default sinusoid table size).
    norm : {"rmsnorm", "layernorm"}
        Pre-norm of every block and the final norm.
    n_heads : int
        Attention heads (transformer); must divide ``width``.
    dt_rank : int or None
        Rank of Mamba's Δ projection; ``None`` means ``ceil(width / 16)`` as in mamba-ssm.
    options : dict
        The architecture's extra options (declared with their defaults by
        :func:`ssm.architectures.register_architecture`); missing ones are filled with the
        defaults, unknown ones are an error. Read them with :meth:`option`.

    >>> cfg = ModelConfig(arch="mamba", gate="signed", layers=1, width=16)
    >>> cfg.d_inner, cfg.replace(width=32).width
    (32, 32)
    """

    arch: str = "mamba"
    gate: str = "nonnegative"
    layers: int = 2
    width: int = 64
    d_state: int = 16
    d_conv: int = 4
    expand: int = 2
    vocab_size: int = 3
    n_outputs: int = 3
    positional: str = "none"
    scan: str = "auto"
    max_len: int = 2048
    norm: str = "rmsnorm"
    n_heads: int = 4
    dt_rank: int | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        arch = get_architecture(self.arch)
        if arch.gates is not None and self.gate not in arch.gates:
            raise ConfigError(f"unknown gate {self.gate!r} for arch {self.arch!r}; choose one of: "
                              f"{', '.join(arch.gates)}")
        if not isinstance(self.gate, str):
            raise ConfigError(f"gate must be a string, got {self.gate!r}")
        if not isinstance(self.options, Mapping):
            raise ConfigError(f"model.options must be an object, got {self.options!r}")
        unknown = sorted(set(self.options) - set(arch.options))
        if unknown:
            have = ", ".join(arch.options) or "none"
            raise ConfigError(f"arch {self.arch!r} has no option {unknown[0]!r} (it has {have})")
        try:  # JSON values only, normalized (tuples become lists) so a saved config compares equal
            options = json.loads(json.dumps({**arch.options, **dict(self.options)}))
        except (TypeError, ValueError):
            raise ConfigError(f"model.options of {self.arch!r} must be JSON values") from None
        object.__setattr__(self, "options", options)
        _choice("positional", self.positional, POSITIONALS)
        _choice("scan", self.scan, SCANS)
        _choice("norm", self.norm, NORMS)
        for name in ("layers", "width", "d_state", "d_conv", "expand", "n_outputs", "max_len",
                     "n_heads"):
            _positive_int(name, getattr(self, name))
        _positive_int("vocab_size", self.vocab_size, minimum=2)
        if self.dt_rank is not None:
            _positive_int("dt_rank", self.dt_rank)
        if not arch.positional and self.positional != "none":
            raise ConfigError(f"positional {self.positional!r} applies to the transformer only, "
                              f"not arch {self.arch!r}")
        if arch.validate is not None:
            arch.validate(self)

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True, default=repr))

    def option(self, name: str) -> Any:
        """The value of the architecture option ``name`` (its declared default if unset).

        >>> ModelConfig().option("nope")
        Traceback (most recent call last):
        ...
        ssm.errors.ConfigError: arch 'mamba' has no option 'nope'
        """
        if name not in self.options:
            raise ConfigError(f"arch {self.arch!r} has no option {name!r}")
        return self.options[name]

    @property
    def d_inner(self) -> int:
        """Inner width of a Mamba block, ``expand * width``."""
        return self.expand * self.width

    @property
    def resolved_dt_rank(self) -> int:
        """``dt_rank``, or mamba-ssm's default ``ceil(width / 16)``."""
        return self.dt_rank if self.dt_rank is not None else math.ceil(self.width / 16)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serializable dict of every field."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ModelConfig":
        """Inverse of :meth:`to_dict`; unknown keys are rejected with a :class:`ConfigError`."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(f"unknown model config key(s): {', '.join(unknown)}")
        return cls(**dict(data))

    def replace(self, **changes: Any) -> "ModelConfig":
        """A copy with ``changes`` applied (validated again)."""
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            raise ConfigError(f"unknown model config key(s): {', '.join(unknown)}")
        return dataclasses.replace(self, **changes)
