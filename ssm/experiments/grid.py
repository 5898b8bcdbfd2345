"""The experiment grid: cells (table columns), jobs (one training run each) and presets.

A *cell* is an architecture with a gate and a layer count; its verdict family comes from
:func:`ssm.architectures.family_of`. A *job* is one (language, cell, width, lr, seed) training
run with config overrides. Presets (docs/training.md has the numbers): ``paper`` (27 languages;
Mamba non-negative / signed / complex 1-3 layers, LSTM, Transformer; widths 16/64/128; the
paper's learning rates), ``quick`` (CPU-sized), ``cpu_grid`` (every family on the whole suite at
one CPU-sized budget), ``flip_flop`` and ``dyck``; the suite ``groups`` (:func:`groups_preset`:
the group word problems x diagonal Mamba, DeltaNet, DeltaProduct and LSTM on the ``state`` task,
docs/results_groups.md).

>>> CELLS["mamba-signed-L2"].family, CELLS["transformer-L2"].family
('ssm_signed', 'transformer_soft')
>>> job = build_jobs(get_preset("paper", True, None), languages=["parity"],
...                  cells=["mamba-nonneg-L1"])[0]
>>> job.run_id, job.config().model.d_state
('parity/mamba-nonneg-L1-W32-lr0.003-s0', 4)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from automata.languages import PAPER_SUITE, get_language
from ssm.architectures import family_of, get_architecture
from ssm.config import ModelConfig
from ssm.errors import ConfigError
from ssm.experiment_config import ExperimentConfig, TrainConfig, apply_overrides

__all__ = ["Cell", "Job", "Preset", "CELLS", "GROUP_CELLS", "GROUP_LANGUAGES", "get_cell",
           "get_preset", "groups_preset", "build_jobs", "PRESETS", "SUITES"]


@dataclass(frozen=True)
class Cell:
    """A column of the table: an architecture, a gate and a layer count."""

    name: str
    arch: str
    gate: str
    layers: int
    paper_column: str | None = None  # the paper's column (analyses.paper_results)
    options: tuple[tuple[str, Any], ...] = ()  # the architecture's options, as (name, value) pairs

    def model(self, width: int) -> ModelConfig:
        positional = "sinusoidal" if get_architecture(self.arch).positional else "none"
        return ModelConfig(arch=self.arch, gate=self.gate, layers=self.layers, width=width,
                           positional=positional, options=dict(self.options))

    @property
    def family(self) -> str:
        """The verdict family the classifier's prediction for this cell is about."""
        return family_of(self.model(64))


CELLS: dict[str, Cell] = {c.name: c for c in [
    *(Cell(f"mamba-nonneg-L{k}", "mamba", "nonnegative", k, f"mamba_{k}") for k in (1, 2, 3)),
    *(Cell(f"mamba-signed-L{k}", "mamba", "signed", k) for k in (1, 2, 3)),
    *(Cell(f"mamba-complex-L{k}", "mamba", "complex", k) for k in (1, 2, 3)),
    Cell("lstm-L1", "lstm", "nonnegative", 1),
    Cell("transformer-L2", "transformer", "nonnegative", 2, "transformer"),
]}


_B01, _B02 = ("beta_range", (0.0, 1.0)), ("beta_range", (0.0, 2.0))

#: Cells of the ``groups`` suite beyond :data:`CELLS` (not in the paper's grid): DeltaNet with
#: β in (0, 1) or (0, 2) and DeltaProduct with 2, 3 or 4 Householder steps per token, β in (0, 2)
#: (the presets use 2 and 3; ``deltaproduct4-*`` has the 4 reflections per token of the one-layer
#: A_5 / S_5 construction, :mod:`automata.reflections`, for ``--cells``).
GROUP_CELLS: dict[str, Cell] = {c.name: c for c in [
    *(Cell(f"deltanet-b01-L{k}", "deltanet", "nonnegative", k, options=(_B01,)) for k in (1, 2)),
    *(Cell(f"deltanet-b02-L{k}", "deltanet", "nonnegative", k, options=(_B02,)) for k in (1, 2)),
    *(Cell(f"deltaproduct{h}-b02-L{k}", "deltaproduct", "nonnegative", k,
           options=(_B02, ("n_householder", h))) for h in (2, 3, 4) for k in (1, 2)),
]}

#: The group word problems of the ``groups`` suite, abelian first, then solvable by order, then
#: the non-solvable A_5 and S_5 (the figure's row order).
GROUP_LANGUAGES = ("word_problem_z2", "word_problem_z3", "word_problem_z4", "word_problem_z5",
                   "word_problem_z6", "word_problem_s3", "word_problem_d4", "word_problem_q8",
                   "word_problem_a4", "word_problem_s4", "word_problem_a5", "word_problem_s5")


def get_cell(name: str) -> Cell:
    """A named cell, or one spelled ``ARCH[-GATE]-L<k>`` for any registered architecture
    (e.g. a plugin's: ``toy_rnn-nonnegative-L1``, ``deltanet-L2``).

    >>> get_cell("mamba-signed-L1") == CELLS["mamba-signed-L1"]
    True
    >>> c = get_cell("diagonal-complex-L2"); (c.arch, c.gate, c.layers, c.family)
    ('diagonal', 'complex', 2, 'ssm_complex')
    """
    if name in CELLS:
        return CELLS[name]
    if name in GROUP_CELLS:
        return GROUP_CELLS[name]
    parts = name.split("-")
    if len(parts) not in (2, 3) or not parts[-1].startswith("L") or not parts[-1][1:].isdigit():
        raise ConfigError(f"unknown cell {name!r}; choose from {', '.join(CELLS)} or spell one "
                          f"ARCH[-GATE]-L<layers>")
    arch = get_architecture(parts[0])
    gates = list(arch.gates or ())
    gate = parts[1] if len(parts) == 3 else (gates[0] if gates else "nonnegative")
    cell = Cell(name, arch.name, gate, int(parts[-1][1:]))
    cell.model(64)  # validates the gate and the layer count
    return cell


@dataclass(frozen=True)
class Job:
    """One training run of the grid."""

    language: str
    cell: Cell
    width: int
    lr: float
    seed: int
    overrides: tuple[str, ...] = ()

    @property
    def run_id(self) -> str:
        return f"{self.language}/{self.cell.name}-W{self.width}-lr{self.lr:g}-s{self.seed}"

    def config(self) -> ExperimentConfig:
        cfg = ExperimentConfig(language=self.language, model=self.cell.model(self.width),
                               train=TrainConfig(lr=self.lr, seed_data=self.seed, seed_init=self.seed))
        return apply_overrides(cfg, self.overrides)


def _paper_lrs(language: str, group: str | None) -> tuple[float, ...]:
    if language in ("anbn", "anbncn", "anbncndn"):
        return (1e-5, 3e-5)
    if group == "counter":
        return (1e-4, 3e-5)
    return (1e-3, 1e-4)


@dataclass(frozen=True)
class Preset:
    """A grid: languages, cells, widths, learning rates (per language) and config overrides."""

    name: str
    languages: tuple[str, ...]
    cells: tuple[str, ...]
    widths: tuple[int, ...]
    lrs: Callable[[str, str | None], tuple[float, ...]]
    overrides: tuple[str, ...] = ()
    description: str = ""


PRESETS = ("flip_flop", "dyck", "cpu_grid")

#: The ``cpu_grid`` preset's cells: every family at one budget.
CPU_GRID_CELLS = ("mamba-nonneg-L1", "mamba-nonneg-L2", "mamba-signed-L1", "mamba-signed-L2",
                  "mamba-complex-L1", "mamba-complex-L2", "mamba-time_invariant-L1", "lstm-L1",
                  "transformer-L2")
#: Its one training budget (every cell, every language; no per-cell tuning a verdict could bias).
#: Sized by ssm.experiments.estimate: 729 runs (3 seeds) in about 90 min on 2 free cores, an
#: upper bound (early stopping ends most runs on easy languages sooner).
CPU_GRID_BUDGET = ("model.d_state=4", "data.n_train=500", "data.n_eval=200",
                   "train.max_epochs=6", "train.eval_every=0")

SUITES = ("paper", "groups")
#: Model fields a grid cell fixes; ``--set`` may not change them (the run's label would lie).
CELL_KEYS = ("model.arch", "model.gate", "model.layers")


def _length_bins(L: int) -> str:
    """Train on 1..L; evaluate on 1..L (held out), L+1..2L and 2L+1..4L."""
    return (f"data.eval_bins=[[1,{L}],[{L + 1},{2 * L}],[{2 * L + 1},{4 * L}]]")


def groups_preset(quick: bool) -> Preset:
    """The state-tracking frontier (Merrill, Petty & Sabharwal 2024; Grazzi et al. 2025; Siems
    et al. 2025): every group word problem of :data:`GROUP_LANGUAGES` trained on task
    ``state`` (predict the group element of every prefix) on lengths 1..L, evaluated at up to 2L
    (bin 2, the agreement bin) and 4L (bin 3), in columns diagonal Mamba (non-negative, signed,
    complex), DeltaNet β in (0, 1) and (0, 2), DeltaProduct n_h = 2, 3 with β in (0, 2), LSTM.
    ``quick``: L = 16, width 32 (CPU): every one-layer cell, DeltaProduct with n_h = 4 (the
    reflections per token of the one-layer A_5 / S_5 construction) and the three diagonal Mamba
    gates at 2 layers (the depth the solvable non-abelian verdicts ask for); else 1 and 2 layers,
    L = 64, widths 64 and 128.

    >>> p = groups_preset(True); len(p.languages), len(p.cells)
    (12, 12)
    """
    cells1 = ("mamba-nonneg-L1", "mamba-signed-L1", "mamba-complex-L1", "deltanet-b01-L1",
              "deltanet-b02-L1", "deltaproduct2-b02-L1", "deltaproduct3-b02-L1", "lstm-L1")
    if quick:
        cells = (*cells1[:3], "mamba-nonneg-L2", "mamba-signed-L2", "mamba-complex-L2",
                 *cells1[3:7], "deltaproduct4-b02-L1", "lstm-L1")
        return Preset("groups_quick", GROUP_LANGUAGES, cells, (32,), lambda lang, g: (3e-3,),
                      ("task=state", "model.d_state=8", "data.train_max_length=16",
                       _length_bins(16), "data.n_train=2000", "data.n_eval=200",
                       "train.max_epochs=15", "train.eval_every=0"),
                      "group word problems x diagonal (1-2 layers) / Householder / LSTM, CPU-sized")
    cells2 = tuple(c.replace("-L1", "-L2") for c in cells1 if not c.startswith("lstm"))
    return Preset("groups", GROUP_LANGUAGES, cells1 + cells2, (64, 128), lambda lang, g: (1e-3, 3e-4),
                  ("task=state", "data.train_max_length=64", _length_bins(64),
                   "data.n_train=10000", "data.n_eval=1000", "train.max_epochs=100"),
                  "group word problems x diagonal / Householder / LSTM, 1-2 layers (GPU-sized)")


def get_preset(suite: str, quick: bool, preset: str | None) -> Preset:
    """The grid for ``--suite``/``--quick``/``--preset``."""
    if suite not in SUITES:
        raise ConfigError(f"unknown suite {suite!r}; choose one of: {', '.join(SUITES)}")
    if suite == "groups":
        if preset is not None:
            raise ConfigError(f"--preset {preset} is a paper-suite preset; leave it out with "
                              "--suite groups")
        return groups_preset(quick)
    if preset is None:
        if quick:
            regular = tuple(n for n, g in PAPER_SUITE.items() if g != "counter")
            return Preset("quick", regular, ("mamba-nonneg-L1", "mamba-signed-L1"), (32,),
                          lambda lang, g: (3e-3,),
                          ("model.d_state=4", "data.n_train=2000", "data.n_eval=500",
                           "train.max_epochs=15", "train.eval_every=0"),
                          "18 regular languages, non-negative vs signed Mamba, CPU-sized")
        return Preset("paper", tuple(PAPER_SUITE), tuple(CELLS), (16, 64, 128), _paper_lrs,
                      ("train.max_epochs=100",), "the paper's grid (GPU/cluster-sized)")
    if preset == "flip_flop":
        over = ("data.n_train=2000", "train.max_epochs=10", "data.task_options.eval_reads=10000")
        if quick:
            over = ("model.d_state=4", "data.n_train=1000", "train.max_epochs=5",
                    "data.task_options.eval_reads=10000")
        return Preset("flip_flop", ("flip_flop",), ("mamba-nonneg-L1", "mamba-nonneg-L2", "lstm-L1"),
                      (32,) if quick else (64,), lambda lang, g: (3e-3,) if quick else (1e-3,), over,
                      "FFL(0.8) train; FFL(0.8) and FFL(0.98) test, >= 10^4 reads each")
    if preset == "dyck":
        over = ("data.train_max_length=700", "data.eval_bins=[[1,700],[701,1400]]",
                "data.n_train=2000", "data.n_eval=200", "train.max_epochs=20")
        if quick:
            over = ("model.d_state=4", "data.train_max_length=100",
                    "data.eval_bins=[[1,100],[101,200]]", "data.n_train=2000", "data.n_eval=200",
                    "train.max_epochs=5")
        return Preset("dyck", ("dyck_8_10",), ("mamba-nonneg-L1", "mamba-nonneg-L2"),
                      (32,) if quick else (64,), lambda lang, g: (3e-3,) if quick else (1e-3,), over,
                      "Dyck(8, 10) next-token modelling, close accuracy")
    if preset == "cpu_grid":
        return Preset("cpu_grid", tuple(PAPER_SUITE), CPU_GRID_CELLS, (32,), lambda lang, g: (3e-3,),
                      CPU_GRID_BUDGET,
                      "27 languages (18 regular, 9 counter) x every family (Mamba non-negative / "
                      "signed / complex at 1 and 2 layers, time-invariant 1 layer, LSTM 1 layer, "
                      "Transformer 2 layers), one CPU-sized budget for all")
    raise ConfigError(f"unknown preset {preset!r}; choose {', '.join(PRESETS)}")


def build_jobs(preset: Preset, *, languages: Sequence[str] | None = None,
               cells: Sequence[str] | None = None, seeds: int = 1,
               overrides: Sequence[str] = ()) -> list[Job]:
    """Every job of ``preset`` (optionally restricted to some languages/cells); every job's
    config is validated here, before anything runs."""
    for what, given in (("languages", languages), ("cells", cells)):
        if given is not None and not list(given):
            raise ConfigError(f"--{what} is empty; leave it out for the preset's {what}")
    langs = list(languages) if languages is not None else list(preset.languages)
    for lang in langs:
        get_language(lang)  # UnknownLanguageError names close matches
    cell_list = [get_cell(c) for c in (cells if cells is not None else preset.cells)]
    if seeds < 1:
        raise ConfigError(f"--seeds must be >= 1, got {seeds}")
    widths, rest = tuple(preset.widths), []
    fixed = {*CELL_KEYS, *(f"model.options.{n}" for c in cell_list for n, _ in c.options)}
    for o in overrides:                       # the cell and the width name the job: keep them true
        key, _, value = str(o).partition("=")
        key = key.strip()
        if key in fixed:
            raise ConfigError(f"--set {key} is fixed by the cell (--cells chooses the "
                              "architecture, gate, layers and the cell's options)")
        if key == "model.width":
            try:
                widths = (int(value),)
            except ValueError:
                raise ConfigError(f"--set model.width needs an integer, got {value!r}") from None
            if widths[0] < 1:
                raise ConfigError(f"--set model.width must be >= 1, got {widths[0]}")
        else:
            rest.append(o)
    jobs = [Job(lang, c, w, lr, s, (*preset.overrides, *rest))
            for lang in langs for c in cell_list for w in widths
            for lr in preset.lrs(lang, PAPER_SUITE.get(lang)) for s in range(seeds)]
    for job in jobs:
        job.config()  # a bad --set fails here, for every job
    return jobs
