"""The architecture registry: what a block is, which gates it takes and which verdict family it is.

An *architecture* is a sequence mixer (one per layer) wrapped by
:class:`ssm.model.LanguageModel` in pre-norm residual blocks. Each entry declares the verdict
family (:mod:`automata.verdicts`) of every gate it supports, so :func:`family_of` maps any
:class:`~ssm.config.ModelConfig` to the model class the classifier's verdict is about. Train,
reproduce, demo and the probe report all use :func:`family_of`; the command lines take their
``--model`` and ``--gate`` choices from :func:`list_architectures` and :func:`gates_of`.

>>> list_architectures()[:4]
['mamba', 'diagonal', 'lstm', 'transformer']
>>> from ssm.config import ModelConfig
>>> family_of(ModelConfig(arch="mamba", gate="signed"))
'ssm_signed'
>>> family_of(ModelConfig(arch="transformer", positional="sinusoidal"))
'transformer_soft'

Adding one (docs/extending.md has the worked example)::

    from torch import nn
    from ssm.architectures import register_architecture

    class MyMixer(nn.Module):          # forward (B, T, W) -> (B, T, W); init_state / step
        ...

    register_architecture("my_rnn", lambda cfg: MyMixer(cfg.width), family="lstm",
                          options={"hidden": 32})

Architectures with extra options declare them with defaults (``options=``); a configuration
sets them under ``model.options`` (``--set model.options.hidden=64``) and a builder reads them
with ``cfg.option("hidden")``. Modules named in :data:`BUILTIN_MODULES` are imported on the first
lookup (their import registers their architectures); plugins (:mod:`analyses.plugins`) register
theirs before the command line is parsed.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from ssm.errors import ConfigError

__all__ = ["Architecture", "register_architecture", "unregister_architecture", "get_architecture",
           "list_architectures",
           "family_of", "gates_of", "BUILTIN_MODULES"]

#: Modules whose import registers built-in architectures (loaded lazily on the first lookup,
#: because the layers themselves import :mod:`ssm.config`). A module that does not exist yet
#: is skipped.
BUILTIN_MODULES: tuple[str, ...] = ("ssm.builtin_architectures", "ssm.layers.deltanet")

@dataclass(frozen=True)
class Architecture:
    """One registered architecture.

    Attributes
    ----------
    name : str
    builder : callable(ModelConfig) -> nn.Module
        Builds the mixer of one layer: ``forward(x (B, T, W)) -> (B, T, W)``,
        ``init_state(batch, device=None)`` and ``step(x (B, W), state) -> (y, state)``.
    gates : dict of gate -> family (str or callable(cfg) -> str), or None
        The gates it supports and the verdict family of each; ``None``: gate-less (the config's
        ``gate`` is ignored) and ``family`` applies.
    family : str or callable(cfg) -> str, or None
        The family of a gate-less architecture (or a callable deciding from the config, e.g.
        from an option such as a Householder ``beta_range``).
    options : dict
        Extra options with their defaults (``cfg.option(name)``).
    mlp : bool
        Whether each block adds an MLP after the mixer (transformers).
    positional : bool
        Whether positional encodings apply (``cfg.positional`` other than ``"none"``).
    validate : callable(cfg) -> None, optional
        Extra checks; raise :class:`ssm.errors.ConfigError`.
    prepare : callable(cfg, device) -> None, optional
        Checks before building on a device (e.g. that the scan backend exists there).
    init : callable(model) -> None, optional
        Re-initialization of the whole :class:`~ssm.model.LanguageModel` after construction.
    description : str
    """

    name: str
    builder: Callable[[Any], Any]
    gates: Mapping[str, Any] | None = None
    family: Any = None
    options: Mapping[str, Any] = field(default_factory=dict)
    mlp: bool = False
    positional: bool = False
    validate: Callable[[Any], None] | None = None
    prepare: Callable[[Any, Any], None] | None = None
    init: Callable[[Any], None] | None = None
    description: str = ""

    def family_for(self, cfg: Any) -> str:
        """The verdict family of ``cfg`` (whose ``arch`` is this architecture)."""
        fam = self.gates[cfg.gate] if self.gates is not None else self.family
        fam = fam(cfg) if callable(fam) else fam
        if not isinstance(fam, str) or not fam:
            raise ConfigError(f"architecture {self.name!r} declares no verdict family for gate "
                              f"{cfg.gate!r}")
        return fam


_REGISTRY: dict[str, Architecture] = {}
_LOADED = False


def _load_builtins() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for module in BUILTIN_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name != module:      # the module exists but something it imports does not
                raise


def register_architecture(name: str, builder: Callable[[Any], Any], *,
                          gates: Mapping[str, Any] | Sequence[str] | None = None,
                          family: Any = None, options: Mapping[str, Any] | None = None,
                          mlp: bool = False, positional: bool = False,
                          validate: Callable[[Any], None] | None = None,
                          prepare: Callable[[Any, Any], None] | None = None,
                          init: Callable[[Any], None] | None = None,
                          description: str = "", overwrite: bool = False) -> Architecture:
    """Register an architecture under ``name`` and return its entry.

    Parameters
    ----------
    name : str
        The ``--model`` / ``model.arch`` name.
    builder : callable(ModelConfig) -> nn.Module
        The mixer of one layer (see :class:`Architecture`).
    gates : mapping gate -> family, or sequence of gate names, optional
        Supported gates. A sequence means every gate has the same ``family``.
    family : str or callable(cfg) -> str, optional
        Verdict family (one of ``automata.verdicts``' family names) for gate-less architectures
        or for a sequence of gates.
    options : mapping, optional
        Extra option names with their defaults.
    overwrite : bool
        Replace an existing entry of that name (otherwise a :class:`ConfigError`).

    >>> from torch import nn
    >>> entry = register_architecture("doc_identity", lambda cfg: nn.Identity(), family="lstm",
    ...                               overwrite=True)
    >>> get_architecture("doc_identity").family
    'lstm'
    >>> unregister_architecture("doc_identity")
    """
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise ConfigError(f"an architecture name must be a non-empty string, got {name!r}")
    if not callable(builder):
        raise ConfigError(f"architecture {name!r}: builder must be callable")
    _load_builtins()
    if name in _REGISTRY and not overwrite:
        raise ConfigError(f"architecture {name!r} is already registered (pass overwrite=True)")
    if gates is not None and not isinstance(gates, Mapping):
        gates = {str(g): family for g in gates}
    if gates is not None:
        gates = dict(gates)
        if not gates:
            raise ConfigError(f"architecture {name!r}: gates must not be empty")
        missing = [g for g, f in gates.items() if f is None]
        if missing:
            raise ConfigError(f"architecture {name!r}: no verdict family for gate(s) {missing}")
    elif family is None:
        raise ConfigError(f"architecture {name!r}: give gates={{gate: family}} or family=")
    entry = Architecture(name, builder, gates, family, dict(options or {}), bool(mlp),
                         bool(positional), validate, prepare, init, description)
    _REGISTRY[name] = entry
    return entry


def unregister_architecture(name: str) -> None:
    """Remove ``name`` from the registry (tests and interactive sessions)."""
    _load_builtins()
    if _REGISTRY.pop(name, None) is None:
        raise ConfigError(f"unknown arch {name!r}")


def get_architecture(name: str) -> Architecture:
    """The registered architecture ``name``.

    >>> get_architecture("lstm").gates is None
    True
    >>> get_architecture("mamaba")
    Traceback (most recent call last):
    ...
    ssm.errors.ConfigError: unknown arch 'mamaba'; choose one of: mamba, diagonal, lstm, transformer...
    """
    _load_builtins()
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise ConfigError(f"unknown arch {name!r}; choose one of: "
                          f"{', '.join(_REGISTRY)}") from None


def list_architectures() -> list[str]:
    """Registered architecture names in registration order (built-ins first).

    >>> {"mamba", "lstm", "transformer"} <= set(list_architectures())
    True
    """
    _load_builtins()
    return list(_REGISTRY)


def gates_of(name: str) -> tuple[str, ...]:
    """The gates architecture ``name`` supports (empty for gate-less ones).

    >>> gates_of("diagonal")
    ('nonnegative', 'signed', 'complex', 'time_invariant', 'signed_exp', 'complex_coupled')
    >>> gates_of("mamba")[6:]          # Mamba also has the step gates (ssm.config.STEP_GATES)
    ('signed_modstep', 'complex_modstep', 'signed_lru', 'complex_lru')
    >>> gates_of("lstm")
    ()
    """
    gates = get_architecture(name).gates
    return tuple(gates) if gates is not None else ()


def family_of(cfg: Any) -> str:
    """The verdict family (``automata.verdicts``' name) of a model configuration.

    Accepts a :class:`~ssm.config.ModelConfig`, an ``ExperimentConfig`` (its ``model``) or their
    ``to_dict()`` forms.

    >>> family_of({"arch": "mamba", "gate": "time_invariant"})
    'ssm_time_invariant'
    >>> family_of({"arch": "lstm", "gate": "nonnegative"})
    'lstm'
    """
    from ssm.config import ModelConfig  # ssm.config looks architectures up at validation time

    if isinstance(cfg, Mapping):
        cfg = cfg.get("model", cfg)
        if isinstance(cfg, Mapping):
            cfg = ModelConfig.from_dict(cfg)
    cfg = getattr(cfg, "model", cfg)
    if not isinstance(cfg, ModelConfig):
        raise ConfigError(f"family_of needs a ModelConfig, got {type(cfg).__name__}")
    return get_architecture(cfg.arch).family_for(cfg)
