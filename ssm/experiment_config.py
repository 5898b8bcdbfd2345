"""Frozen experiment configuration: what to train on, how, and with which model.

An :class:`ExperimentConfig` bundles the language and task, the model
(:class:`ssm.config.ModelConfig`), the data (:class:`DataConfig`) and the optimisation
(:class:`TrainConfig`). Every default equals the documented default (docs/training.md).
Dotted overrides such as ``train.lr=3e-4`` are type-checked against the field annotations and
unknown keys are rejected with a one-line :class:`ConfigError`.

>>> cfg = ExperimentConfig(language="parity")
>>> cfg = apply_overrides(cfg, ["train.lr=3e-4", "data.n_train=200", "model.width=32"])
>>> cfg.train.lr, cfg.data.n_train, cfg.model.width
(0.0003, 200, 32)
>>> ExperimentConfig.from_dict(cfg.to_dict()) == cfg
True
>>> apply_overrides(cfg, ["train.learning_rate=1"])
Traceback (most recent call last):
...
ssm.errors.ConfigError: unknown config key 'train.learning_rate' (train has: ...)
"""
from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

from automata.atomic_io import atomic_write_text
from automata.languages import resolve_language
from ssm.config import ModelConfig
from ssm.errors import ConfigError, SSMError
from ssm.tasks import task_name_for, task_options

__all__ = [
    "ConfigError", "DataConfig", "TrainConfig", "ExperimentConfig",
    "apply_overrides", "parse_override", "parse_value", "save_config", "load_config", "DERIVED",
    "MOVED",
]


@dataclass(frozen=True)
class DataConfig:
    """What data to sample (all sampling is seeded by ``TrainConfig.seed_data``).

    Attributes
    ----------
    n_train : int
        Training strings (the paper: 10,000).
    n_eval : int
        Strings per evaluation bin (the paper: 2,000).
    train_min_length, train_max_length : int
        Training lengths (the paper: 1-50; Dyck(K, h): 1-700).
    eval_bins : tuple of (int, int)
        Inclusive length bins for evaluation; the first is the held-out in-distribution bin
        (the paper: 1-50, 51-100, 101-150; Dyck: 1-700, 701-1400).
    task_options : dict
        The task's own parameters (declared with their defaults by
        :func:`ssm.tasks.register_task`, e.g. flip-flop's ``length``, ``p_ignore``,
        ``eval_p_ignore``, ``eval_reads``); set as ``data.task_options.NAME=VALUE``. Unknown
        names are an error once the task is known; the trainer stores the merged options.
    """

    n_train: int = 10_000
    n_eval: int = 2_000
    train_min_length: int = 1
    train_max_length: int = 50
    eval_bins: tuple[tuple[int, int], ...] = ((1, 50), (51, 100), (101, 150))
    task_options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.n_train < 1 or self.n_eval < 1:
            raise ConfigError(f"data.n_train and data.n_eval must be >= 1, got {self.n_train}, {self.n_eval}")
        if not 1 <= self.train_min_length <= self.train_max_length:
            raise ConfigError(
                f"need 1 <= data.train_min_length <= data.train_max_length, got "
                f"{self.train_min_length}, {self.train_max_length}")
        for lo, hi in self.eval_bins:
            if not 1 <= lo <= hi:
                raise ConfigError(f"evaluation bin ({lo}, {hi}) is empty or starts below 1")
        if not isinstance(self.task_options, Mapping):
            raise ConfigError(f"data.task_options must be an object, got {self.task_options!r}")
        try:  # JSON values only, normalized (tuples become lists) so a saved config compares equal
            object.__setattr__(self, "task_options",
                               json.loads(json.dumps(dict(self.task_options), allow_nan=False)))
        except (TypeError, ValueError):
            raise ConfigError("data.task_options must hold JSON values") from None

    def __hash__(self) -> int:
        return hash(json.dumps(dataclasses.asdict(self), sort_keys=True))


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation: AdamW with weight decay, early stop once the training set is solved.

    Attributes
    ----------
    lr : float
        AdamW learning rate (1e-3).
    weight_decay : float
        AdamW weight decay (0.1, the paper's).
    batch_size : int
        Strings per step (32).
    max_epochs : int
        Upper bound on passes over the training set (50).
    max_steps : int
        Upper bound on optimizer steps; 0 means no bound beyond ``max_epochs``.
    grad_clip : float
        Global gradient-norm clip; 0 disables it (1.0).
    early_stop : bool
        Stop as soon as an evaluation finds every training string right (True).
    eval_every : int
        Steps between evaluations on the whole training set; 0 means once per epoch.
    checkpoint_every : int
        Steps between checkpoints (200); a checkpoint is also written at every evaluation and
        at the end.
    eval_batch_size : int
        Strings per forward pass during evaluation (256).
    seed_data : int
        Seed for sampling the data and the order of the batches.
    seed_init : int
        Seed for the model's initial parameters.
    threads : int
        ``torch.set_num_threads`` for command lines (1); library calls leave it alone.
    device : str
        ``"cpu"``, ``"cuda"``, or ``"auto"`` (CUDA when available).
    """

    lr: float = 1e-3
    weight_decay: float = 0.1
    batch_size: int = 32
    max_epochs: int = 50
    max_steps: int = 0
    grad_clip: float = 1.0
    early_stop: bool = True
    eval_every: int = 0
    checkpoint_every: int = 200
    eval_batch_size: int = 256
    seed_data: int = 0
    seed_init: int = 0
    threads: int = 1
    device: str = "auto"

    def __post_init__(self) -> None:
        if not self.lr > 0:
            raise ConfigError(f"train.lr must be > 0, got {self.lr}")
        if self.weight_decay < 0 or self.grad_clip < 0:
            raise ConfigError("train.weight_decay and train.grad_clip must be >= 0")
        for name in ("batch_size", "max_epochs", "eval_batch_size", "checkpoint_every", "threads"):
            if getattr(self, name) < 1:
                raise ConfigError(f"train.{name} must be >= 1, got {getattr(self, name)}")
        for name in ("max_steps", "eval_every", "seed_data", "seed_init"):
            if getattr(self, name) < 0:
                raise ConfigError(f"train.{name} must be >= 0, got {getattr(self, name)}")


@dataclass(frozen=True)
class ExperimentConfig:
    """One training run, fully specified.

    ``language`` is a registry name, or a display name when ``language_def`` holds a regex or
    DFA definition (``{"regex": ..., "alphabet": [...]}`` or ``{"dfa": {...}}``).
    ``task="auto"`` means the task the language declares (``Language.task``, see
    :func:`ssm.tasks.task_name_for`); other values name a task registered in :mod:`ssm.tasks`;
    ``model.vocab_size``, ``model.n_outputs`` and ``model.max_len`` are filled in by the
    trainer from the language and task (see :func:`ssm.train.resolve_config`).

    >>> cfg = ExperimentConfig(language="tomita3")
    >>> cfg.resolved_task, cfg.resolve_language().name, cfg.data.n_train
    ('char', 'tomita3', 10000)
    """

    language: str = "parity"
    language_def: dict[str, Any] | None = None
    task: str = "auto"
    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def __post_init__(self) -> None:
        if not isinstance(self.language, str) or not self.language:
            raise ConfigError("language must be a non-empty name")
        if self.language_def is not None and not isinstance(self.language_def, Mapping):
            raise ConfigError("language_def must be a {\"regex\"|\"dfa\": ...} object or null")
        if self.task != "auto":  # ConfigError naming the registered tasks or their options
            task_options(self.task, self.data.task_options)

    @property
    def resolved_task(self) -> str:
        """The task, with ``"auto"`` resolved to the one the language declares.

        >>> ExperimentConfig(language="FFL").resolved_task, ExperimentConfig(language="Dyck_2_3").resolved_task
        ('flip_flop', 'dyck')
        """
        return task_name_for(self.resolve_language()) if self.task == "auto" else self.task

    def resolve_language(self):
        """The :class:`automata.languages.Language` of this run: ``language_def`` (a regex or
        DFA definition, see :func:`automata.languages.resolve_language`) when given, else the
        registry name ``language``."""
        return resolve_language(self.language_def if self.language_def is not None else self.language)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serializable nested dict (tuples become lists)."""
        return _to_jsonable(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "ExperimentConfig":
        """Inverse of :meth:`to_dict`; unknown keys raise :class:`ConfigError`."""
        return _from_mapping(cls, d, prefix="")


# ----------------------------------------------------------------------------------------------
# (de)serialization and overrides

def _to_jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _to_jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_to_jsonable(v) for v in x]
    return x


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _coerce(value: Any, tp: Any, key: str) -> Any:
    """Check/convert a JSON-like ``value`` to the annotated type ``tp``."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for a in args:
            if a is type(None):
                continue
            try:
                return _coerce(value, a, key)
            except ConfigError as e:
                errors.append(str(e))
        raise ConfigError(errors[0] if errors else f"{key}: bad value {value!r}")
    if origin is typing.Literal:
        if value in args:
            return value
        raise ConfigError(f"{key} must be one of {', '.join(map(repr, args))}, got {value!r}")
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{key} must be a list, got {value!r}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(v, args[0], key) for v in value)
        if len(args) != len(value):
            raise ConfigError(f"{key} must have {len(args)} entries, got {value!r}")
        return tuple(_coerce(v, a, key) for v, a in zip(value, args))
    if origin is dict:
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key} must be an object, got {value!r}")
        return dict(value)
    if dataclasses.is_dataclass(tp):
        if isinstance(value, tp):
            return value
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key} must be an object, got {value!r}")
        return _from_mapping(tp, value, prefix=key + ".")
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise ConfigError(f"{key} must be true or false, got {value!r}")
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ConfigError(f"{key} must be an integer, got {value!r}")
    if tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise ConfigError(f"{key} must be a finite number, got {value!r}")
            return float(value)
        raise ConfigError(f"{key} must be a number, got {value!r}")
    if tp is str:
        if isinstance(value, str):
            return value
        raise ConfigError(f"{key} must be a string, got {value!r}")
    if tp is Any:
        return value
    if isinstance(tp, type) and isinstance(value, tp):
        return value
    raise ConfigError(f"{key}: cannot check a value of type {tp!r}")


def _from_mapping(cls: type, d: Mapping[str, Any], prefix: str) -> Any:
    if not isinstance(d, Mapping):
        raise ConfigError(f"{prefix.rstrip('.') or 'config'} must be an object")
    hints = _hints(cls)
    names = [f.name for f in fields(cls) if f.init]
    unknown = [k for k in d if k not in names]
    for k in unknown:
        _moved(prefix + k)
    if unknown:
        raise ConfigError(f"unknown config key {prefix + unknown[0]!r} "
                          f"({prefix.rstrip('.') or 'config'} has: {', '.join(names)})")
    kwargs = {k: _coerce(v, hints[k], prefix + k) for k, v in d.items()}
    try:
        return cls(**kwargs)
    except SSMError:
        raise
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{prefix.rstrip('.') or 'config'}: {e}") from None


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    dup = next((k for k in keys if keys.count(k) > 1), None)
    if dup is not None:
        raise ConfigError(f"duplicate key {dup!r} in a JSON value")
    return dict(pairs)


def parse_value(text: str) -> Any:
    """An override value: JSON when it parses (numbers, true/false, null, lists, objects),
    else the bare string. ``none`` is ``null``; duplicate object keys, ``NaN``/``Infinity`` and
    integers too long to convert are errors.

    >>> parse_value("3e-4"), parse_value("[[1, 50]]"), parse_value("tomita3"), parse_value('"x y"')
    (0.0003, [[1, 50]], 'tomita3', 'x y')
    """
    t = text.strip()
    if t.lower() in ("none", "null"):
        return None
    if t.lower() in ("true", "false"):
        return t.lower() == "true"
    try:
        return json.loads(t, object_pairs_hook=_reject_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError:
        return t
    except RecursionError:
        raise ConfigError("override value is nested too deeply") from None
    except ConfigError:
        raise
    except ValueError as e:         # e.g. an integer of more than 4,300 digits
        raise ConfigError(f"override value {t[:20]!r}...: {str(e).splitlines()[0][:80]}") from None


def _no_constant(name: str) -> None:
    raise ConfigError(f"override value {name} is not a finite number")


def _parse_text(text: str, tp: Any) -> Any:
    """Parse override text for a field of type ``tp`` (a ``str`` field keeps bare text)."""
    value = parse_value(text)
    if tp is str and not isinstance(value, str):
        return text.strip()
    return value


#: Keys that moved: the flip-flop parameters are the flip_flop task's options now.
MOVED = {f"data.{old}": f"data.task_options.{new}" for old, new in (
    ("flip_flop_length", "length"), ("p_ignore", "p_ignore"), ("eval_p_ignore", "eval_p_ignore"),
    ("eval_reads", "eval_reads"))}


def _moved(key: str) -> None:
    if key in MOVED:
        raise ConfigError(f"config key {key!r} moved to {MOVED[key]!r} (an option of the "
                          f"flip_flop task)")


#: Fields the trainer derives from the language and task; setting them is an error.
DERIVED = {"model.vocab_size": "the language's alphabet", "model.n_outputs": "the task"}


def parse_override(item: str) -> tuple[list[str], str]:
    """Split ``"train.lr=3e-4"`` into ``(["train", "lr"], "3e-4")``.

    >>> parse_override("model.width=32")
    (['model', 'width'], '32')
    """
    if "=" not in item:
        raise ConfigError(f"override {item!r} must look like key=value (e.g. train.lr=3e-4)")
    key, _, value = item.partition("=")
    path = [p.strip() for p in key.strip().split(".")]
    if not all(path):
        raise ConfigError(f"override key {key!r} is malformed")
    return path, value


def apply_overrides(cfg: Any, overrides: Sequence[str]) -> Any:
    """Return a copy of the frozen dataclass ``cfg`` with dotted overrides applied.

    Parameters
    ----------
    cfg : frozen dataclass (e.g. :class:`ExperimentConfig`)
    overrides : sequence of str
        ``"section.field=value"``; values parse as JSON (``3e-4``, ``true``, ``[[1, 50]]``),
        ``none``/``null`` as ``None``, anything else as a bare string (:func:`parse_value`),
        then are checked against the field's type. Architecture options are set as
        ``model.options.NAME=VALUE``. All overrides are applied before the result is validated,
        so their order does not matter (``model.arch=X`` with ``model.gate=Y``).

    Raises
    ------
    ConfigError
        One line: unknown key, wrong type, derived field (:data:`DERIVED`), invalid result.


    Examples
    --------
    >>> cfg = apply_overrides(ExperimentConfig(language="flip_flop"),
    ...                       ["data.task_options.length=64", "model.gate=signed"])
    >>> cfg.data.task_options, cfg.model.gate
    ({'length': 64}, 'signed')
    """
    d = _to_jsonable(dataclasses.asdict(cfg))
    for item in overrides:
        if not isinstance(item, str):
            raise ConfigError(f"override {item!r} must be a string key=value")
        path, text = parse_override(item)
        key = ".".join(path)
        if key in DERIVED:
            raise ConfigError(f"{key} is derived from {DERIVED[key]} and cannot be set")
        _set_path(type(cfg), d, path, text, prefix="")
    return _from_mapping(type(cfg), d, prefix="")


def _set_path(cls: type, d: dict, path: list[str], text: str, prefix: str) -> None:
    head, rest = path[0], path[1:]
    names = [f.name for f in fields(cls) if f.init]
    key = prefix + head
    if head not in names:
        _moved(key)
        where = prefix.rstrip(".") or "config"
        raise ConfigError(f"unknown config key {prefix + '.'.join(path)!r} ({where} has: {', '.join(names)})")
    tp = _hints(cls)[head]
    if rest and dataclasses.is_dataclass(tp):
        _set_path(tp, d[head], rest, text, prefix=key + ".")
    elif rest and typing.get_origin(tp) is dict:   # e.g. model.options.beta_range=[0,1]
        if len(rest) != 1:
            raise ConfigError(f"config key {prefix + '.'.join(path)!r} is malformed")
        d[head] = {**(d[head] or {}), rest[0]: parse_value(text)}
    elif rest:
        raise ConfigError(f"config key {key!r} has no sub-keys")
    elif dataclasses.is_dataclass(tp):
        raise ConfigError(f"config key {key!r} is a section; set one of its fields")
    else:
        d[head] = _to_jsonable(_coerce(_parse_text(text, tp), tp, key))


def save_config(cfg: ExperimentConfig, path: str | Path, extra: Mapping[str, Any] | None = None) -> None:
    """Write ``cfg`` (plus ``extra`` such as package versions) as JSON, atomically."""
    payload = {"config": cfg.to_dict(), **(dict(extra) if extra else {})}
    atomic_write_text(path, json.dumps(payload, indent=2, sort_keys=True) + "\n")


def load_config(path: str | Path) -> ExperimentConfig:
    """Read a config written by :func:`save_config` (or a run's ``config.json``).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "config.json"
    >>> save_config(ExperimentConfig(language="parity"), path)
    >>> load_config(path).language
    'parity'
    """
    path = Path(path)
    try:
        payload = json.loads(path.read_text(), object_pairs_hook=_reject_duplicates)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise ConfigError(f"{path} is not a readable JSON config: {type(e).__name__}") from None
    if not isinstance(payload, dict):
        raise ConfigError(f"{path} holds no config object")
    try:
        return ExperimentConfig.from_dict(payload["config"] if "config" in payload else payload)
    except ConfigError as e:
        raise ConfigError(f"{path}: {e}") from None
