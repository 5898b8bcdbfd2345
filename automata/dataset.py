"""Length-binned, deduplicated datasets with per-position labels, as JSON lines.

A :class:`Dataset` holds one record per string::

    {"string": str | list, "length": int, "member": bool, "split": "train" | "bin_51_100" | ...,
     "states": [...], "membership": [...], "next_allowed": [[0/1, ...], ...]}

with the labels of :func:`automata.labels.prefix_labels` (position t = after token t).

Each split draws a length uniformly among the lengths of its range that have strings of the
requested kind, then distinct strings of that length (exactly uniform, see
:mod:`automata.sampling`). Strings never repeat, within or across splits; a split is smaller than
asked only when fewer distinct strings exist. Splits get independent child seeds of ``seed``
(``numpy.random.SeedSequence.spawn``), so the training split does not change with the bins.

>>> ds = make_dataset("tomita1", train_lengths=(1, 5), test_bins=((6, 8),), n_train=10,
...                   n_test=10, seed=0)
>>> sorted(ds.sizes().items())      # 1* has a single member per length
[('bin_6_8', 3), ('train', 5)]
>>> ds.records[0]["next_allowed"][0]   # after '1': '0' no, '1' yes, end yes
[0, 1, 1]
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from . import budgets
from .atomic_io import atomic_directory
from .errors import AutomatonError, AutomatonFormatError, EmptyLengthError
from .labels import MachineLabeler, prefix_labels_batch
from .sampling import _lang, _paths, count_members, count_nonmembers, sample_distinct

__all__ = ["Dataset", "make_dataset", "split_name", "check_dataset_budget", "check_output_dir"]


def split_name(lo: int, hi: int) -> str:
    return f"bin_{lo}_{hi}"


@dataclass(frozen=True, eq=False)
class Dataset:
    """Records of one language; ``params`` records how they were made."""

    language: str
    alphabet: tuple[str, ...]
    records: tuple[dict, ...]
    params: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.records)

    def splits(self) -> list[str]:
        return list(dict.fromkeys(r["split"] for r in self.records))

    def split(self, name: str) -> list[dict]:
        if name not in self.splits():
            raise AutomatonError(f"no split {name!r}; splits: {self.splits()}")
        return [r for r in self.records if r["split"] == name]

    def sizes(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.records:
            out[r["split"]] = out.get(r["split"], 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """Metadata (not the records): language, alphabet, params, split sizes."""
        return {"language": self.language, "alphabet": list(self.alphabet),
                "params": dict(self.params), "sizes": self.sizes()}

    def write_jsonl(self, directory: str | Path, *, overwrite: bool = False) -> list[Path]:
        """Write ``<split>.jsonl`` per split and ``meta.json``; returns the paths written.

        All files are written into a temporary sibling directory that then replaces
        ``directory`` as a whole, so a reader never sees a half-written dataset and no file of
        an older dataset survives beside the new ``meta.json``. See :func:`check_output_dir`
        for what ``directory`` may already hold.
        """
        d = check_output_dir(directory, overwrite=overwrite)
        names = []
        try:
            with atomic_directory(d) as tmp:
                for name in self.splits():
                    with (tmp / f"{name}.jsonl").open("w", encoding="utf-8") as f:
                        for r in self.records:
                            if r["split"] == name:
                                f.write(json.dumps(r, separators=(",", ":")) + "\n")
                    names.append(f"{name}.jsonl")
                (tmp / "meta.json").write_text(json.dumps(self.to_dict(), indent=1) + "\n",
                                               encoding="utf-8")
        except OSError as e:
            raise AutomatonFormatError(f"cannot write the dataset to {str(d)!r}: "
                                       f"{e.strerror or e}") from None
        return [d / n for n in names] + [d / "meta.json"]

    @classmethod
    def read_jsonl(cls, directory: str | Path) -> "Dataset":
        """Read what :meth:`write_jsonl` wrote (a directory with ``meta.json``)."""
        d = Path(directory)
        try:
            meta = json.loads((d / "meta.json").read_text())
        except FileNotFoundError:
            raise AutomatonFormatError(f"{str(d)!r} has no meta.json (not a dataset directory)") from None
        except json.JSONDecodeError as e:
            raise AutomatonFormatError(f"{str(d / 'meta.json')!r}: invalid JSON at line {e.lineno}: "
                                       f"{e.msg}") from None
        except (OSError, ValueError, RecursionError) as e:
            raise AutomatonFormatError(f"cannot read {str(d / 'meta.json')!r}: {e}") from None
        if not isinstance(meta, dict) or not {"language", "alphabet"} <= set(meta):
            raise AutomatonFormatError(f"{str(d / 'meta.json')!r} lacks 'language' or 'alphabet'")
        records = []
        for name in meta.get("sizes", {}):
            path = d / f"{name}.jsonl"
            try:
                with path.open(encoding="utf-8") as f:
                    for i, line in enumerate(f, 1):
                        try:
                            records.append(json.loads(line))
                        except (ValueError, RecursionError) as e:
                            raise AutomatonFormatError(
                                f"{str(path)!r} line {i}: {getattr(e, 'msg', e)}") from None
            except (OSError, UnicodeDecodeError) as e:
                raise AutomatonFormatError(f"cannot read {str(path)!r}: "
                                           f"{getattr(e, 'strerror', None) or e}") from None
        return cls(meta["language"], tuple(meta["alphabet"]), tuple(records), meta.get("params", {}))


def check_output_dir(directory: str | Path, *, overwrite: bool = False) -> Path:
    """Refuse, before any work, an output directory that a dataset may not be written to.

    ``directory`` may be missing or empty; one holding a dataset (a ``meta.json`` and
    ``*.jsonl`` files only) is replaced only with ``overwrite``; one holding anything else is
    always refused (``overwrite`` never deletes files that are not a dataset's).

    >>> import tempfile
    >>> check_output_dir(tempfile.mkdtemp()).is_dir()
    True
    """
    d = Path(directory)
    if d.exists() and not d.is_dir():
        raise AutomatonFormatError(f"{str(d)!r} exists and is not a directory")
    if not d.exists():
        return d
    try:
        entries = sorted(p.name for p in d.iterdir())
    except OSError as e:
        raise AutomatonFormatError(f"cannot list {str(d)!r}: {e.strerror or e}") from None
    if not entries:
        return d
    foreign = [n for n in entries if n != "meta.json" and not n.endswith(".jsonl")]
    if foreign or "meta.json" not in entries:
        shown = ", ".join(foreign[:3] or entries[:3])
        raise AutomatonFormatError(f"{str(d)!r} holds files that are not a dataset ({shown}); "
                                   "choose an empty or new directory")
    if not overwrite:
        raise AutomatonFormatError(f"{str(d)!r} already holds a dataset; pass --overwrite "
                                   "(overwrite=True) to replace it")
    return d


def _sample_split(lang, lo: int, hi: int, n: int, members: bool, rng: np.random.Generator,
                  seen: dict[int, set], uniform: bool, params: dict) -> list[np.ndarray]:
    """Distinct strings for one split (and one membership kind): a list of (m, length) arrays."""
    count = count_members if members else count_nonmembers
    lengths = [ell for ell in range(lo, hi + 1) if count(lang, ell) > 0]
    what = "member" if members else "non-member"
    if not lengths:
        raise EmptyLengthError(f"{lang.name} has no {what} with length in [{lo}, {hi}]")
    if n <= 0:
        return []
    alloc = dict.fromkeys(lengths, 0)
    for ell in rng.choice(lengths, size=n):
        alloc[int(ell)] += 1
    got: dict[int, list[np.ndarray]] = {ell: [] for ell in lengths}
    full: set[int] = set()
    while True:
        shortfall = 0
        for ell, want in alloc.items():
            if want == 0:
                continue
            ex = seen.setdefault(ell, set())
            arr = sample_distinct(lang, ell, want, rng, members=members, exclude=ex,
                                  uniform=uniform, **(params if members else {}))
            for row in arr:
                ex.add(row.tobytes())
            got[ell].append(arr)
            if len(arr) < want:
                full.add(ell)
                shortfall += want - len(arr)
        open_lengths = [ell for ell in lengths if ell not in full]
        if shortfall == 0 or not open_lengths:
            break
        alloc = dict.fromkeys(open_lengths, 0)
        for ell in rng.choice(open_lengths, size=shortfall):
            alloc[int(ell)] += 1
    return [np.concatenate(v) for v in got.values() if v and sum(len(a) for a in v)]


def _records(lang, arrays: Iterable[np.ndarray], split: str, member: bool,
             labeler: MachineLabeler | None) -> list[dict]:
    out = []
    for arr in arrays:
        if len(arr) == 0:
            continue
        if lang.dfa is not None:
            states, memb, allowed = prefix_labels_batch(lang, arr)
            for i, row in enumerate(arr):
                out.append({"string": lang.decode(row), "length": int(arr.shape[1]),
                            "member": member, "split": split,
                            "states": states[i].tolist(), "membership": memb[i].tolist(),
                            "next_allowed": allowed[i].astype(int).tolist()})
        else:
            for row in arr:
                lab = labeler.labels(row)
                d = lab.to_dict()
                out.append({"string": lang.decode(row), "length": int(arr.shape[1]),
                            "member": member, "split": split, **d})
    return out


def check_dataset_budget(train_lengths: Sequence[int], test_bins: Sequence[Sequence[int]],
                         n_train: int, n_test: int, *, max_length: int | None = None,
                         max_positions: int | None = None,
                         options: tuple[str, str] = ("max_length=N", "max_positions=N")) -> int:
    """Refuse, before any sampling, a dataset whose longest string or whose number of labelled
    positions (an upper bound: strings x longest length, per split) exceeds its budget
    (:mod:`automata.budgets`); ``options`` name the knobs in the message. Returns the bound.

    >>> check_dataset_budget((1, 50), [(51, 100)], 10_000, 2_000)
    700000
    >>> check_dataset_budget((1, 10_000_000), [], 5, 0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    automata.errors.BudgetExceededError: split train needs 10,000,000 symbols per string, above ...
    """
    ranges = [("train", tuple(train_lengths), n_train)] + [
        (split_name(*b), tuple(b), n_test) for b in test_bins]
    total = 0
    for name, r, n in ranges:
        if len(r) != 2 or not all(isinstance(x, (int, np.integer)) and not isinstance(x, bool)
                                  for x in r) or not 0 <= r[0] <= r[1]:
            raise AutomatonError(f"length range for {name} must be (lo, hi) with 0 <= lo <= hi, got {r}")
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise AutomatonError(f"dataset sizes must be non-negative ints, got {n!r} for {name}")
        budgets.check(int(r[1]), "max_length", f"split {name}",
                      max_length, options[0])
        total += int(n) * max(int(r[1]), 1)
    budgets.check(total, "max_dataset_positions", "the dataset", max_positions, options[1])
    return total


def make_dataset(language, train_lengths: Sequence[int] = (1, 50),
                 test_bins: Sequence[Sequence[int]] = ((51, 100), (101, 150)),
                 n_train: int = 10_000, n_test: int = 2_000, seed: int = 0,
                 members_only: bool = True, member_fraction: float = 0.5, uniform: bool = False,
                 progress: Callable[[str], None] | None = None, max_length: int | None = None,
                 max_positions: int | None = None, **sampler_params) -> Dataset:
    """Sample a length-binned dataset with per-position labels.

    Parameters
    ----------
    language : str or Language
    train_lengths : (lo, hi)
        Inclusive length range of the ``"train"`` split.
    test_bins : sequence of (lo, hi)
        One split ``"bin_<lo>_<hi>"`` each.
    n_train, n_test : int
        Requested sizes (capped at the number of distinct strings that exist).
    seed : int
    members_only : bool
        If False, a ``member_fraction`` of each split are members and the rest uniformly random
        non-members.
    uniform : bool
        Force exact uniform sampling even where the language has its own sampler (flip-flop).
    progress : callable(str), optional
        Receives one line per split.
    max_length, max_positions : int, optional
        Budgets checked before any work (:func:`check_dataset_budget`).
    **sampler_params
        Passed to the language's own sampler (e.g. ``p_ignore=0.98`` for flip-flop).

    Raises
    ------
    EmptyLengthError
        When a split's length range holds no string of the requested kind.
    BudgetExceededError
        When the longest string or the number of labelled positions exceeds its budget.
    """
    lang = _lang(language)
    ranges = [("train", tuple(train_lengths))] + [(split_name(*b), tuple(b)) for b in test_bins]
    check_dataset_budget(train_lengths, test_bins, n_train, n_test, max_length=max_length,
                         max_positions=max_positions)
    with budgets.raised(max_length=max_length, max_dataset_positions=max_positions,
                        max_sample_symbols=2 * max_positions if max_positions else None):
        return _make(lang, ranges, train_lengths, test_bins, n_train, n_test, seed, members_only,
                     member_fraction, uniform, progress, sampler_params)


def _make(lang, ranges, train_lengths, test_bins, n_train, n_test, seed, members_only,
          member_fraction, uniform, progress, sampler_params) -> Dataset:
    if not 0.0 <= member_fraction <= 1.0:
        raise AutomatonError(f"member_fraction must lie in [0, 1], got {member_fraction}")
    unknown = sorted(set(sampler_params) - set(lang.sampler_defaults))
    if unknown:
        raise AutomatonError(f"unexpected sampler parameter(s) {unknown} for {lang.name}; "
                             f"known: {sorted(lang.sampler_defaults) or 'none'}")
    if lang.member_sampler is not None and sampler_params:   # validate the values up front
        lang.member_sampler(0, 0, np.random.default_rng(0), **{**lang.sampler_defaults, **sampler_params})
    max_len = max(r[1] for _, r in ranges)
    if lang.dfa is None and lang.member_count is None:
        _paths(lang, max_len, max_len=max_len)  # one table for every length
    labeler = MachineLabeler(lang) if lang.dfa is None else None
    children = np.random.SeedSequence(seed).spawn(len(ranges))
    seen: dict[int, set] = {}
    records: list[dict] = []
    for (name, (lo, hi)), child in zip(ranges, children):
        rng = np.random.default_rng(child)
        n = n_train if name == "train" else n_test
        n_mem = n if members_only else int(round(n * member_fraction))
        recs = _records(lang, _sample_split(lang, lo, hi, n_mem, True, rng, seen, uniform,
                                            sampler_params), name, True, labeler)
        if not members_only and n - n_mem > 0:
            recs += _records(lang, _sample_split(lang, lo, hi, n - n_mem, False, rng, seen,
                                                 uniform, {}), name, False, labeler)
        order = rng.permutation(len(recs))
        records.extend(recs[i] for i in order)
        if progress is not None:
            progress(f"{lang.name}: {name} lengths {lo}-{hi}: {len(recs)} strings")
    params = {"train_lengths": list(train_lengths), "test_bins": [list(b) for b in test_bins],
              "n_train": n_train, "n_test": n_test, "seed": seed, "members_only": members_only,
              "member_fraction": member_fraction, "uniform": uniform,
              "sampler_params": {**lang.sampler_defaults, **sampler_params}
              if lang.member_sampler is not None else {}}
    return Dataset(lang.name, lang.alphabet, tuple(records), params)
