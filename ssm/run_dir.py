"""A training run's directory and its resumable state: provenance, checkpoints, metrics, result.

Files (all written atomically: a temporary sibling renamed into place):

``config.json``
    ``{"config": <resolved ExperimentConfig>, "config_hash": <sha256 of it>, "versions": {...}}``;
    the versions hold the package versions and the checkout's git commit (the code version).
``metrics.jsonl``
    One JSON object per evaluation on the training set.
``checkpoint.pt``
    Tensors and plain containers only (loaded with ``torch.load(weights_only=True)``): model and
    optimizer state dicts, the :class:`RunState`, the resolved config and the RNG states.
``eval.jsonl``, ``result.json``
    Written when the run finishes.

A directory is reused only for the same resolved configuration (same :func:`config_hash`);
otherwise :meth:`RunDir.check` refuses with the keys that differ, and :func:`fresh_run_dir`
names the directory a ``--rerun`` trains into instead.

>>> cfg = {"language": "parity", "train": {"lr": 0.001}}
>>> config_hash(cfg) == config_hash({"train": {"lr": 0.001}, "language": "parity"})
True
>>> diff_keys(cfg, {"language": "parity", "train": {"lr": 0.01}})
['train.lr']
"""
from __future__ import annotations

import hashlib
import importlib.metadata as md
import json
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Mapping

import torch

from automata.atomic_io import atomic_open, atomic_write_text
from ssm.errors import SSMError

__all__ = ["RunDirError", "RunState", "RunDir", "config_hash", "diff_keys", "code_version",
           "fresh_run_dir", "atomic_write_text"]

CHECKPOINT = "checkpoint.pt"
CONFIG = "config.json"
METRICS = "metrics.jsonl"
EVAL = "eval.jsonl"
RESULT = "result.json"


class RunDirError(SSMError):
    """The output directory holds a different run, or one of its files is unreadable."""


def config_hash(config: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of a resolved configuration dict."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"), allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()


def diff_keys(a: Mapping[str, Any], b: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Dotted keys whose values differ between two nested dicts."""
    keys = []
    for k in sorted(set(a) | set(b)):
        va, vb = a.get(k), b.get(k)
        if isinstance(va, Mapping) and isinstance(vb, Mapping):
            keys += diff_keys(va, vb, prefix + k + ".")
        elif va != vb:
            keys.append(prefix + k)
    return keys


def code_version() -> dict[str, str]:
    """Package versions and the checkout's git commit (recorded in every run directory)."""
    out = {"python": platform.python_version(), "platform": platform.platform()}
    for pkg in ("torch", "numpy", "ssm-expressivity", "networkx", "sympy"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "not installed"
    try:
        out["git_commit"] = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=Path(__file__).resolve().parent, capture_output=True,
            text=True, timeout=5).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        out["git_commit"] = "unknown"
    return out


def fresh_run_dir(out: str | Path, config: Mapping[str, Any]) -> Path:
    """The directory a ``--rerun`` of ``config`` uses when ``out`` holds another config:
    ``out`` itself if free or holding this config, else ``<out>-<first 8 hex of the hash>``.

    >>> fresh_run_dir("/nonexistent/run", {"a": 1}).name
    'run'
    """
    out = Path(out)
    if RunDir(out).stored_hash() in (None, config_hash(config)):
        return out
    return out.with_name(f"{out.name}-{config_hash(config)[:8]}")


@dataclass
class RunState:
    """Where a run stands: the loop's whole mutable state (saved in every checkpoint).

    >>> RunState.from_dict(RunState(step=3).to_dict()).step
    3
    """

    step: int = 0
    epoch: int = 0
    batch: int = 0                 # position in the epoch's batch list
    loss_sum: float = 0.0          # training loss summed since the last evaluation
    loss_n: int = 0
    seconds: float = 0.0           # wall time over every previous call
    metrics_offset: int = 0        # bytes of metrics.jsonl covered by this state
    train: dict[str, Any] = field(default_factory=dict)   # last training-set evaluation
    stopped: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "RunState":
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


def _rng_states(device: torch.device) -> dict[str, Any]:
    out: dict[str, Any] = {"torch": torch.get_rng_state()}
    if device.type == "cuda":
        out["cuda"] = torch.cuda.get_rng_state(device)
    return out


def set_rng_states(states: Mapping[str, Any], device: torch.device) -> None:
    """Restore the RNG states saved by :meth:`RunDir.save_checkpoint`."""
    torch.set_rng_state(states["torch"])
    if device.type == "cuda" and "cuda" in states:
        torch.cuda.set_rng_state(states["cuda"], device)


class RunDir:
    """The files of one run directory (see the module docstring)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def file(self, name: str) -> Path:
        return self.path / name

    def _read_json(self, name: str) -> Any:
        p = self.file(name)
        try:
            return json.loads(p.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
            raise RunDirError(f"{p} is unreadable ({type(e).__name__}); remove it or choose "
                              f"another --out") from None

    # ---------------------------------------------------------------- provenance
    def stored_config(self) -> dict[str, Any] | None:
        """The resolved config stored in ``config.json`` (``None`` when there is none)."""
        if not self.file(CONFIG).exists():
            return None
        payload = self._read_json(CONFIG)
        if not isinstance(payload, dict) or not isinstance(payload.get("config"), dict):
            raise RunDirError(f"{self.file(CONFIG)} holds no run configuration")
        return payload["config"]

    def stored_hash(self) -> str | None:
        old = self.stored_config()
        return None if old is None else config_hash(old)

    def check(self, config: Mapping[str, Any]) -> None:
        """Refuse (:class:`RunDirError`) if the directory holds a run of another config."""
        old = self.stored_config()
        if old is not None and config_hash(old) != config_hash(config):
            diff = diff_keys(old, config)
            raise RunDirError(f"{self.path} holds a run with a different config (differs in: "
                              f"{', '.join(diff[:5]) or 'its hash'}); choose another --out or "
                              f"pass --rerun")

    def write_config(self, config: Mapping[str, Any]) -> None:
        """Create the directory and record the config, its hash and the code version."""
        self.path.mkdir(parents=True, exist_ok=True)
        payload = {"config": dict(config), "config_hash": config_hash(config),
                   "versions": code_version()}
        atomic_write_text(self.file(CONFIG), json.dumps(payload, indent=2, sort_keys=True) + "\n")

    # ---------------------------------------------------------------- checkpoints
    def has_checkpoint(self) -> bool:
        return self.file(CHECKPOINT).exists()

    def save_checkpoint(self, model: torch.nn.Module, opt: torch.optim.Optimizer, state: RunState,
                        config: Mapping[str, Any]) -> None:
        """Model, optimizer, state, config and RNG states, atomically (fsync, then rename)."""
        payload = {"model": model.state_dict(), "optimizer": opt.state_dict(),
                   "state": state.to_dict(), "config": dict(config),
                   "rng": _rng_states(next(model.parameters()).device)}
        with atomic_open(self.file(CHECKPOINT), "wb") as f:
            torch.save(payload, f)

    def load_checkpoint(self, model: torch.nn.Module, opt: torch.optim.Optimizer | None,
                        config: Mapping[str, Any]) -> tuple[RunState, dict[str, Any]]:
        """Load weights (and optimizer) into place; return the state and the RNG states.

        Only tensors and plain containers are accepted (``weights_only=True``): a checkpoint
        carrying pickled code is refused.
        """
        p = self.file(CHECKPOINT)
        try:
            ck = torch.load(p, map_location="cpu", weights_only=True)
        except Exception as e:  # noqa: BLE001 - a torn, foreign or unsafe file
            raise RunDirError(f"cannot read checkpoint {p}: {type(e).__name__}: "
                              f"{str(e).strip().splitlines()[0] if str(e).strip() else ''}"[:300]
                              ) from None
        if not isinstance(ck, dict) or "model" not in ck:
            raise RunDirError(f"checkpoint {p} has no 'model' state dict")
        if ck.get("config") != dict(config):
            raise RunDirError(f"checkpoint {p} belongs to a different config; choose another --out")
        try:
            model.load_state_dict(ck["model"])
            if opt is not None:
                opt.load_state_dict(ck["optimizer"])
        except (RuntimeError, KeyError, ValueError) as e:
            raise RunDirError(f"checkpoint {p} does not fit the model: "
                              f"{str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
        return RunState.from_dict(ck["state"]), dict(ck.get("rng") or {})

    # ---------------------------------------------------------------- metrics and results
    def open_metrics(self, offset: int):
        """``metrics.jsonl`` opened for appending, after dropping lines past ``offset``."""
        p = self.file(METRICS)
        if p.exists() and p.stat().st_size > offset:
            with open(p, "r+b") as f:  # forget lines written after the checkpoint
                f.truncate(offset)
        return open(p, "ab")

    def load_result(self) -> dict[str, Any] | None:
        if not self.file(RESULT).exists():
            return None
        d = self._read_json(RESULT)
        if not isinstance(d, dict):
            raise RunDirError(f"{self.file(RESULT)} holds no result")
        return d

    def write_result(self, rows: list[dict[str, Any]], result: Mapping[str, Any]) -> None:
        atomic_write_text(self.file(EVAL), "".join(json.dumps(r) + "\n" for r in rows))
        atomic_write_text(self.file(RESULT), json.dumps(dict(result), indent=1) + "\n")
